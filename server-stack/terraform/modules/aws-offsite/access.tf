# Who may touch the backups: the venue server's writer role puts and gets backups (never deletes); the recovery
# VM only reads. Object lock keeps even the account from deleting a backup before its retention ends.

data "aws_iam_policy_document" "writer_trust" {
  statement {
    actions = ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"]
    principals {
      type        = "AWS"
      identifiers = var.venue_server_principal_arns
    }
  }
}

resource "aws_iam_role" "backup_writer" {
  name                 = "${var.name}-backup-writer"
  description          = "The venue server puts and gets its backups and publishes the verification bundle"
  assume_role_policy   = data.aws_iam_policy_document.writer_trust.json
  max_session_duration = 3600
}

data "aws_iam_policy_document" "writer" {
  statement {
    sid       = "PutAndGetBackups"
    actions   = ["s3:PutObject", "s3:GetObject", "s3:GetObjectVersion"]
    resources = ["${aws_s3_bucket.backups.arn}/*"]
  }
  statement {
    sid       = "ListBackups"
    actions   = ["s3:ListBucket", "s3:GetBucketLocation"]
    resources = [aws_s3_bucket.backups.arn]
  }
  statement {
    sid       = "UseTheBackupKey"
    actions   = ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"]
    resources = [aws_kms_key.backups.arn]
  }
}

resource "aws_iam_role_policy" "backup_writer" {
  name   = "backups"
  role   = aws_iam_role.backup_writer.id
  policy = data.aws_iam_policy_document.writer.json
}

data "aws_iam_policy_document" "reader" {
  statement {
    sid       = "GetBackups"
    actions   = ["s3:GetObject", "s3:GetObjectVersion"]
    resources = ["${aws_s3_bucket.backups.arn}/*"]
  }
  statement {
    sid       = "ListBackups"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.backups.arn]
  }
  statement {
    sid       = "DecryptBackups"
    actions   = ["kms:Decrypt"]
    resources = [aws_kms_key.backups.arn]
  }
}
