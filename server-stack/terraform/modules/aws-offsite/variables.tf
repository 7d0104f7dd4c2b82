variable "name" {
  description = "Prefix of every resource; the bucket is named <name>-backups-<account id>."
  type        = string
  default     = "encore"
}

variable "backup_retention_days" {
  description = "Days a backup cannot be deleted or overwritten (object lock) and is kept before it expires."
  type        = number
  default     = 35

  validation {
    condition     = var.backup_retention_days >= 7 && var.backup_retention_days <= 3650
    error_message = "Keep backups 7 to 3650 days: fewer than a week cannot cover a mistake noticed late."
  }
}

variable "venue_server_principal_arns" {
  description = "IAM principals (e.g. an IAM Roles Anywhere role of the venue server) that may assume the backup writer role."
  type        = list(string)
}

variable "recovery_enabled" {
  description = "Run a recovery VM that restores the latest off-site backup (the venue's disaster-recovery site)."
  type        = bool
  default     = false
}

variable "recovery_ami_id" {
  description = "AMI of the recovery VM (Ubuntu 24.04 LTS); needed when recovery_enabled."
  type        = string
  default     = null
}

variable "recovery_instance_type" {
  description = "Instance type of the recovery VM."
  type        = string
  default     = "t3.medium"
}

variable "recovery_subnet_id" {
  description = "Private subnet of the recovery VM; needed when recovery_enabled."
  type        = string
  default     = null
}

variable "recovery_admin_cidrs" {
  description = "Networks allowed to reach the recovery VM over HTTPS (the venue's devices once they fail over)."
  type        = list(string)
  default     = []
}

variable "repository_ref" {
  description = "Release tag of Encore the recovery VM installs (the same as the venue's)."
  type        = string
  default     = "v1.0.0"
}

variable "verify_function_zip" {
  description = "Path of the ticket-verification function's zip (server-stack/functions/verify_ticket/build.py --zip); null: no function."
  type        = string
  default     = null
}

variable "bundle_signer_public_keys" {
  description = "Base64 public keys of the venue server that signs verification bundles (two during a key rotation)."
  type        = list(string)
  default     = []
}
