# A venue on premises (OpenStack) with its off-site backups, recovery site and ticket-verification function in a
# public cloud (AWS). See the README, "Hybrid cloud": init, plan, apply, and restoring the venue at the recovery site.

module "venue" {
  source           = "../../modules/openstack-venue"
  name             = "encore-${var.venue}"
  image_name       = var.image_name
  flavor_name      = var.flavor_name
  network_name     = var.network_name
  admin_public_key = var.admin_public_key
  device_cidrs     = var.device_cidrs
  admin_cidrs      = var.admin_cidrs
  floating_ip_pool = var.floating_ip_pool
  repository_ref   = var.repository_ref
}

module "offsite" {
  source                      = "../../modules/aws-offsite"
  name                        = "encore-${var.venue}"
  venue_server_principal_arns = var.venue_server_principal_arns
  backup_retention_days       = var.backup_retention_days
  recovery_enabled            = var.recovery_enabled
  recovery_ami_id             = var.recovery_ami_id
  recovery_subnet_id          = var.recovery_subnet_id
  recovery_admin_cidrs        = var.device_cidrs
  repository_ref              = var.repository_ref
  verify_function_zip         = var.verify_function_zip
  bundle_signer_public_keys   = var.bundle_signer_public_keys
}
