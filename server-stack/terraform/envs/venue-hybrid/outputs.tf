output "venue_server_address" {
  description = "Where the kiosks and doors reach the venue server."
  value       = coalesce(module.venue.floating_ip, module.venue.server_address)
}

output "data_volume_id" {
  description = "The venue server's data volume (its snapshots are the volume restore points)."
  value       = module.venue.data_volume_id
}

output "backup_bucket" {
  description = "The off-site backup bucket."
  value       = module.offsite.backup_bucket
}

output "backup_writer_role_arn" {
  description = "The role the venue server assumes to write off-site backups."
  value       = module.offsite.backup_writer_role_arn
}

output "verify_function_url" {
  description = "The ticket-verification function's URL (null when not deployed)."
  value       = module.offsite.verify_function_url
}
