# The recovery site (optional): a VM that installs the same stack and restores the latest off-site backup, so a
# venue whose server is lost sells again from the cloud once its devices point at the new address.

data "aws_iam_policy_document" "ec2_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "recovery" {
  count              = var.recovery_enabled ? 1 : 0
  name               = "${var.name}-recovery"
  description        = "The recovery VM reads the off-site backups"
  assume_role_policy = data.aws_iam_policy_document.ec2_trust.json
}

resource "aws_iam_role_policy" "recovery" {
  count  = var.recovery_enabled ? 1 : 0
  name   = "read-backups"
  role   = aws_iam_role.recovery[0].id
  policy = data.aws_iam_policy_document.reader.json
}

resource "aws_iam_instance_profile" "recovery" {
  count = var.recovery_enabled ? 1 : 0
  name  = "${var.name}-recovery"
  role  = aws_iam_role.recovery[0].name
}

data "aws_subnet" "recovery" {
  count = var.recovery_enabled ? 1 : 0
  id    = var.recovery_subnet_id
}

resource "aws_security_group" "recovery" {
  count       = var.recovery_enabled ? 1 : 0
  name        = "${var.name}-recovery"
  description = "Encore recovery site: HTTPS from the venue's networks only"
  vpc_id      = data.aws_subnet.recovery[0].vpc_id

  ingress {
    description = "Devices and the admin app after a fail-over"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = var.recovery_admin_cidrs
  }

  egress {
    description = "Packages, the backup bucket and the mail relay over HTTPS"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

module "recovery_cloud_init" {
  source                 = "../venue-cloud-init"
  repository_ref         = var.repository_ref
  restore_latest_offsite = true
  data_device            = "/dev/nvme1n1"
}

resource "aws_instance" "recovery" {
  #checkov:skip=CKV2_AWS_41:False positive: the instance profile is attached (iam_instance_profile below).
  count                  = var.recovery_enabled ? 1 : 0
  ami                    = var.recovery_ami_id
  instance_type          = var.recovery_instance_type
  subnet_id              = var.recovery_subnet_id
  vpc_security_group_ids = [aws_security_group.recovery[0].id]
  iam_instance_profile   = aws_iam_instance_profile.recovery[0].name
  ebs_optimized          = true
  monitoring             = true
  user_data              = module.recovery_cloud_init.user_data

  metadata_options {
    http_endpoint = "enabled"
    http_tokens   = "required"
  }

  root_block_device {
    encrypted  = true
    kms_key_id = aws_kms_key.backups.arn
  }

  ebs_block_device {
    device_name = "/dev/sdf"
    volume_size = 50
    encrypted   = true
    kms_key_id  = aws_kms_key.backups.arn
  }

  lifecycle {
    precondition {
      condition     = var.recovery_ami_id != null && var.recovery_subnet_id != null
      error_message = "recovery_enabled needs recovery_ami_id and recovery_subnet_id."
    }
  }
}
