# The ticket-verification function as an AWS Lambda behind a function URL: stateless, it judges a ticket from the
# verification bundle the venue server publishes into the backup bucket (verification/bundle.json).

locals {
  verify_function = var.verify_function_zip != null
  bundle_key      = "verification/bundle.json"
}

data "aws_iam_policy_document" "lambda_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "verify" {
  count              = local.verify_function ? 1 : 0
  name               = "${var.name}-verify-ticket"
  description        = "The ticket-verification function reads the published bundle and writes its logs"
  assume_role_policy = data.aws_iam_policy_document.lambda_trust.json
}

data "aws_iam_policy_document" "verify" {
  statement {
    sid       = "ReadTheBundle"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.backups.arn}/${local.bundle_key}"]
  }
  statement {
    sid       = "DecryptTheBundle"
    actions   = ["kms:Decrypt"]
    resources = [aws_kms_key.backups.arn]
  }
  statement {
    sid       = "WriteLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["arn:aws:logs:*:${data.aws_caller_identity.current.account_id}:log-group:/aws/lambda/${var.name}-verify-ticket:*"]
  }
}

resource "aws_iam_role_policy" "verify" {
  count  = local.verify_function ? 1 : 0
  name   = "read-bundle"
  role   = aws_iam_role.verify[0].id
  policy = data.aws_iam_policy_document.verify.json
}

resource "aws_cloudwatch_log_group" "verify" {
  count             = local.verify_function ? 1 : 0
  name              = "/aws/lambda/${var.name}-verify-ticket"
  retention_in_days = 365
  kms_key_id        = aws_kms_key.backups.arn
}

resource "aws_lambda_function" "verify" {
  #checkov:skip=CKV_AWS_117:The function reads one S3 object and holds no private network resource: no VPC needed.
  #checkov:skip=CKV_AWS_116:Invoked synchronously through its URL; a dead-letter queue only serves asynchronous invocations.
  #checkov:skip=CKV_AWS_272:The zip is built and reviewed in this repository's CI; code signing needs an AWS Signer profile per venue.
  count                          = local.verify_function ? 1 : 0
  function_name                  = "${var.name}-verify-ticket"
  description                    = "Verify an Encore ticket from the venue's signed verification bundle"
  role                           = aws_iam_role.verify[0].arn
  filename                       = var.verify_function_zip
  source_code_hash               = filebase64sha256(var.verify_function_zip)
  handler                        = "lambda_function.lambda_handler"
  runtime                        = "python3.12"
  memory_size                    = 256
  timeout                        = 10
  reserved_concurrent_executions = 50
  kms_key_arn                    = aws_kms_key.backups.arn

  environment {
    variables = {
      ENCORE_BUNDLE_URL     = "s3://${aws_s3_bucket.backups.bucket}/${local.bundle_key}"
      ENCORE_BUNDLE_SIGNERS = join(",", var.bundle_signer_public_keys)
    }
  }

  tracing_config {
    mode = "Active"
  }

  depends_on = [aws_cloudwatch_log_group.verify]
}

resource "aws_lambda_function_url" "verify" {
  #checkov:skip=CKV_AWS_258:Public by design: anyone holding a ticket may have it verified; the answer reveals nothing the printed ticket does not.
  count              = local.verify_function ? 1 : 0
  function_name      = aws_lambda_function.verify[0].function_name
  authorization_type = "NONE"

  cors {
    allow_methods = ["GET", "POST"]
    allow_origins = ["*"]
    max_age       = 3600
  }
}
