output "backup_bucket" {
  description = "The off-site bucket: pgBackRest's repo2 and `encore-ops backup --offsite` write here."
  value       = aws_s3_bucket.backups.bucket
}

output "backup_kms_key_arn" {
  description = "The KMS key that encrypts the bucket."
  value       = aws_kms_key.backups.arn
}

output "backup_writer_role_arn" {
  description = "The role the venue server assumes to put and get backups."
  value       = aws_iam_role.backup_writer.arn
}

output "recovery_private_ip" {
  description = "The recovery VM's address, when the recovery site runs."
  value       = one(aws_instance.recovery[*].private_ip)
}

output "verify_function_url" {
  description = "The ticket-verification function's URL, when it is deployed."
  value       = one(aws_lambda_function_url.verify[*].function_url)
}
