output "user_data" {
  description = "The cloud-init document (#cloud-config) for the venue server."
  value       = local.user_data
}
