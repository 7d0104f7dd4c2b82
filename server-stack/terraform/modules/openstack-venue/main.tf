# The venue server as an OpenStack VM: the instance, its key pair, a Cinder data volume for PostgreSQL and backups,
# security groups that admit only the device networks to HTTPS and Redis and only the admin networks to SSH, an
# optional floating IP, and cloud-init that installs and starts the compose stack and snapshots the data volume.

resource "openstack_compute_keypair_v2" "admin" {
  name       = "${var.name}-admin"
  public_key = var.admin_public_key
}

resource "openstack_networking_secgroup_v2" "server" {
  name                 = "${var.name}-server"
  description          = "Encore venue server: devices reach HTTPS and Redis, admins reach SSH; nothing else."
  delete_default_rules = true
}

locals {
  # Who may reach which port: devices the API and Redis, admins the API and SSH; one rule per network each.
  ingress = merge(
    { for c in var.device_cidrs : "https-device-${c}" => { port = var.https_port, cidr = c, why = "Kiosks and doors call the venue server" } },
    { for c in var.device_cidrs : "redis-device-${c}" => { port = var.redis_tls_port, cidr = c, why = "Kiosks subscribe to live seat updates (Redis over TLS)" } },
    { for c in var.admin_cidrs : "https-admin-${c}" => { port = var.https_port, cidr = c, why = "The admin app calls the venue server" } },
    { for c in var.admin_cidrs : "ssh-admin-${c}" => { port = 22, cidr = c, why = "Administrators only" } },
  )
}

resource "openstack_networking_secgroup_rule_v2" "ingress" {
  for_each          = local.ingress
  security_group_id = openstack_networking_secgroup_v2.server.id
  description       = each.value.why
  direction         = "ingress"
  ethertype         = "IPv4"
  protocol          = "tcp"
  port_range_min    = each.value.port
  port_range_max    = each.value.port
  remote_ip_prefix  = each.value.cidr
}

resource "openstack_networking_secgroup_rule_v2" "egress" {
  security_group_id = openstack_networking_secgroup_v2.server.id
  description       = "Packages, the off-site backup bucket, the mail relay"
  direction         = "egress"
  ethertype         = "IPv4"
  remote_ip_prefix  = "0.0.0.0/0"
}

resource "openstack_blockstorage_volume_v3" "data" {
  name        = "${var.name}-data"
  description = "PostgreSQL data and local backups of the Encore venue server"
  size        = var.data_volume_size_gb
  volume_type = var.data_volume_type

  lifecycle {
    prevent_destroy = true # a season's sales live here
  }
}

module "cloud_init" {
  source             = "../venue-cloud-init"
  repository_ref     = var.repository_ref
  snapshot_volume_id = openstack_blockstorage_volume_v3.data.id
  snapshot_retention = var.snapshot_retention
  admin_ssh_keys     = [var.admin_public_key]
}

resource "openstack_compute_instance_v2" "server" {
  name            = var.name
  image_name      = var.image_name
  flavor_name     = var.flavor_name
  key_pair        = openstack_compute_keypair_v2.admin.name
  security_groups = [openstack_networking_secgroup_v2.server.name]
  user_data       = module.cloud_init.user_data
  config_drive    = true

  network {
    name = var.network_name
  }

  metadata = {
    role = "encore-venue-server"
  }
}

resource "openstack_compute_volume_attach_v2" "data" {
  instance_id = openstack_compute_instance_v2.server.id
  volume_id   = openstack_blockstorage_volume_v3.data.id
  device      = "/dev/vdb"
}

resource "openstack_networking_floatingip_v2" "server" {
  count       = var.floating_ip_pool == null ? 0 : 1
  pool        = var.floating_ip_pool
  description = "${var.name}: reachable from the device networks routed through the external network"
}

data "openstack_networking_port_v2" "server" {
  device_id  = openstack_compute_instance_v2.server.id
  network_id = openstack_compute_instance_v2.server.network[0].uuid
}

resource "openstack_networking_floatingip_associate_v2" "server" {
  count       = var.floating_ip_pool == null ? 0 : 1
  floating_ip = openstack_networking_floatingip_v2.server[0].address
  port_id     = data.openstack_networking_port_v2.server.id
}
