variable "venue" {
  description = "Short name of the venue, used in resource names (letters, digits, dashes)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9-]{2,24}$", var.venue))
    error_message = "venue is 2 to 24 lower-case letters, digits or dashes."
  }
}

variable "openstack_cloud" {
  description = "Entry of clouds.yaml with the venue's OpenStack credentials."
  type        = string
  default     = "venue"
}

variable "aws_region" {
  description = "Region of the off-site backups and the recovery site."
  type        = string
  default     = "eu-central-1"
}

variable "image_name" {
  description = "Glance image of the venue server (Ubuntu 24.04 LTS)."
  type        = string
}

variable "flavor_name" {
  description = "Nova flavour of the venue server."
  type        = string
}

variable "network_name" {
  description = "The venue's server network in OpenStack."
  type        = string
}

variable "admin_public_key" {
  description = "SSH public key of the venue's administrators."
  type        = string
}

variable "device_cidrs" {
  description = "Networks of the kiosks and doors."
  type        = list(string)
}

variable "admin_cidrs" {
  description = "Networks of the administrators."
  type        = list(string)
}

variable "floating_ip_pool" {
  description = "External network for a floating IP; null for none."
  type        = string
  default     = null
}

variable "repository_ref" {
  description = "Release tag of Encore to install at the venue and at the recovery site."
  type        = string
}

variable "venue_server_principal_arns" {
  description = "IAM principals of the venue server (IAM Roles Anywhere) allowed to write backups."
  type        = list(string)
}

variable "backup_retention_days" {
  description = "Days each off-site backup is locked and kept."
  type        = number
  default     = 35
}

variable "recovery_enabled" {
  description = "Run the recovery VM at the public-cloud site."
  type        = bool
  default     = false
}

variable "recovery_ami_id" {
  description = "AMI of the recovery VM."
  type        = string
  default     = null
}

variable "recovery_subnet_id" {
  description = "Subnet of the recovery VM."
  type        = string
  default     = null
}

variable "verify_function_zip" {
  description = "Zip of the ticket-verification function; null to leave it out."
  type        = string
  default     = null
}

variable "bundle_signer_public_keys" {
  description = "Public keys (base64) the verification function trusts bundles from: `encore-ops verification-bundle` prints it."
  type        = list(string)
  default     = []
}
