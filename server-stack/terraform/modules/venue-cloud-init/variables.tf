variable "repository_url" {
  description = "Git address of the Encore repository the server installs its compose stack from."
  type        = string
  default     = "https://github.com/encore-box-office/encore.git"
}

variable "repository_ref" {
  description = "Tag or commit to install: a release tag, never a moving branch, so every venue runs what was reviewed."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9._/-]{1,100}$", var.repository_ref))
    error_message = "repository_ref is a tag or commit name of letters, digits, dots, dashes and slashes."
  }
}

variable "data_device" {
  description = "Block device of the data volume that holds PostgreSQL and the backups (the Cinder volume as the VM sees it)."
  type        = string
  default     = "/dev/vdb"
}

variable "restore_latest_offsite" {
  description = "At first boot, restore the newest off-site backup into the empty database before the stack starts (the recovery site)."
  type        = bool
  default     = false
}

variable "snapshot_volume_id" {
  description = "Cinder volume to snapshot on a timer; empty turns the timer off (snapshots taken elsewhere)."
  type        = string
  default     = ""
}

variable "snapshot_retention" {
  description = "How many volume snapshots the timer keeps; older ones are deleted after a new one is made."
  type        = number
  default     = 14

  validation {
    condition     = var.snapshot_retention >= 1 && var.snapshot_retention <= 90
    error_message = "snapshot_retention keeps 1 to 90 snapshots."
  }
}

variable "snapshot_on_calendar" {
  description = "systemd OnCalendar expression for the volume snapshots (venue time)."
  type        = string
  default     = "*-*-* 04:30:00"
}

variable "admin_ssh_keys" {
  description = "Public SSH keys of the venue's administrators (the only way in besides the console)."
  type        = list(string)
  default     = []
}
