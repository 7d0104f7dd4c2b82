output "server_address" {
  description = "The venue server's address on the venue network."
  value       = openstack_compute_instance_v2.server.access_ip_v4
}

output "floating_ip" {
  description = "The floating IP, when one was asked for."
  value       = one(openstack_networking_floatingip_v2.server[*].address)
}

output "data_volume_id" {
  description = "The Cinder volume holding PostgreSQL; its snapshots are the volume-level restore points."
  value       = openstack_blockstorage_volume_v3.data.id
}
