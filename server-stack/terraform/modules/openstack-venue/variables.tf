variable "name" {
  description = "Name of the venue server; prefixes every resource of this module."
  type        = string
  default     = "encore-venue"
}

variable "image_name" {
  description = "Glance image to boot (Ubuntu 24.04 LTS is what the cloud-init is written for)."
  type        = string
}

variable "flavor_name" {
  description = "Nova flavour: 2 vCPUs and 4 GiB serve a venue of a few thousand seats."
  type        = string
}

variable "network_name" {
  description = "Tenant network the server joins (the venue's server network)."
  type        = string
}

variable "admin_public_key" {
  description = "SSH public key for the encore-admin account and the Nova key pair."
  type        = string
}

variable "device_cidrs" {
  description = "Networks of the kiosks and doors: the only ones that reach the server's HTTPS and Redis ports."
  type        = list(string)

  validation {
    condition     = length(var.device_cidrs) > 0 && alltrue([for c in var.device_cidrs : can(cidrnetmask(c)) && c != "0.0.0.0/0"])
    error_message = "device_cidrs lists the device networks as CIDRs; 0.0.0.0/0 would open the server to everyone."
  }
}

variable "admin_cidrs" {
  description = "Networks of the venue's administrators: SSH and the admin app come only from here."
  type        = list(string)

  validation {
    condition     = length(var.admin_cidrs) > 0 && alltrue([for c in var.admin_cidrs : can(cidrnetmask(c)) && c != "0.0.0.0/0"])
    error_message = "admin_cidrs lists the admin networks as CIDRs; SSH from 0.0.0.0/0 is refused."
  }
}

variable "https_port" {
  description = "Port HAProxy terminates TLS on for devices and the admin app."
  type        = number
  default     = 443
}

variable "redis_tls_port" {
  description = "Port of Redis over TLS, for the kiosks' live seat maps (ACL users: devices only subscribe)."
  type        = number
  default     = 6380
}

variable "data_volume_size_gb" {
  description = "Cinder volume for PostgreSQL and the local backups."
  type        = number
  default     = 50
}

variable "data_volume_type" {
  description = "Cinder volume type; choose an encrypted one where the cloud offers it."
  type        = string
  default     = null
}

variable "floating_ip_pool" {
  description = "External network to take a floating IP from; null keeps the server on the venue network only."
  type        = string
  default     = null
}

variable "repository_ref" {
  description = "Release tag of Encore to install."
  type        = string
}

variable "snapshot_retention" {
  description = "Data volume snapshots to keep (one a night)."
  type        = number
  default     = 14
}
