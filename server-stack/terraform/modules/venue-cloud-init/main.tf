# The venue server's cloud-init: format and mount the data volume, install Docker and the compose stack from the
# repository at a reviewed ref, start it once its .env is in place, and (optionally) snapshot the data volume on a
# timer with retention. Provider-free, so `terraform test` runs it offline; the OpenStack and AWS modules pass its
# output as user data. No secret passes through it: the stack's .env is put on the data volume by the operator
# (or fetched from the secret store) and the stack waits for it.

locals {
  mount_point = "/srv/encore"
  checkout    = "/opt/encore"
  snapshots   = var.snapshot_volume_id != ""

  stack_unit = <<-UNIT
    [Unit]
    Description=Encore compose stack (servers, PostgreSQL, Redis, Mosquitto, PgBouncer, HAProxy, scheduler)
    After=docker.service network-online.target
    Requires=docker.service
    ConditionPathExists=${local.mount_point}/.env

    [Service]
    Type=oneshot
    RemainAfterExit=yes
    WorkingDirectory=${local.checkout}/server-stack
    ExecStart=/usr/bin/docker compose --env-file ${local.mount_point}/.env up --detach --wait
    ExecStop=/usr/bin/docker compose --env-file ${local.mount_point}/.env down
    TimeoutStartSec=900

    [Install]
    WantedBy=multi-user.target
  UNIT

  # The recovery site's first boot: PostgreSQL alone, the newest off-site backup restored into it, then the
  # stack. Once only (a marker on the data volume): a restart never restores over the sales made since.
  restore_unit = <<-UNIT
    [Unit]
    Description=Restore the newest off-site Encore backup before the stack's first start
    After=docker.service network-online.target
    Requires=docker.service
    Before=encore-stack.service
    ConditionPathExists=${local.mount_point}/.env
    ConditionPathExists=!${local.mount_point}/.restored

    [Service]
    Type=oneshot
    RemainAfterExit=yes
    WorkingDirectory=${local.checkout}/server-stack
    ExecStart=/usr/bin/docker compose --env-file ${local.mount_point}/.env up --detach --wait postgres
    ExecStart=/usr/bin/docker compose --env-file ${local.mount_point}/.env run --rm ops restore --from-offsite latest
    ExecStart=/usr/bin/touch ${local.mount_point}/.restored
    TimeoutStartSec=3600

    [Install]
    RequiredBy=encore-stack.service
  UNIT

  snapshot_script = <<-SCRIPT
    #!/bin/sh
    # Snapshot the data volume, then keep only the newest ${var.snapshot_retention} Encore snapshots of it.
    # Credentials: an application credential limited to this project, in /etc/openstack/clouds.yaml (cloud "venue").
    set -eu
    volume="${var.snapshot_volume_id}"
    openstack --os-cloud venue volume snapshot create --force --volume "$volume" "encore-$(date -u +%Y%m%dT%H%M%SZ)"
    openstack --os-cloud venue volume snapshot list --volume "$volume" -f value -c ID -c Name --sort-column Name --sort-descending \
      | awk '$2 ~ /^encore-/ {print $1}' | tail -n +${var.snapshot_retention + 1} \
      | while read -r old; do openstack --os-cloud venue volume snapshot delete "$old"; done
  SCRIPT

  snapshot_service = <<-UNIT
    [Unit]
    Description=Snapshot the Encore data volume and prune old snapshots

    [Service]
    Type=oneshot
    ExecStart=/usr/local/sbin/encore-volume-snapshot
  UNIT

  snapshot_timer = <<-UNIT
    [Unit]
    Description=Encore data volume snapshots

    [Timer]
    OnCalendar=${var.snapshot_on_calendar}
    Persistent=true

    [Install]
    WantedBy=timers.target
  UNIT

  files = concat(
    [{ path = "/etc/systemd/system/encore-stack.service", permissions = "0644", content = local.stack_unit }],
    var.restore_latest_offsite ? [
      { path = "/etc/systemd/system/encore-restore.service", permissions = "0644", content = local.restore_unit },
    ] : [],
    local.snapshots ? [
      { path = "/usr/local/sbin/encore-volume-snapshot", permissions = "0750", content = local.snapshot_script },
      { path = "/etc/systemd/system/encore-volume-snapshot.service", permissions = "0644", content = local.snapshot_service },
      { path = "/etc/systemd/system/encore-volume-snapshot.timer", permissions = "0644", content = local.snapshot_timer },
    ] : [],
  )

  cloud_config = {
    package_update  = true
    package_upgrade = true
    packages        = concat(["docker.io", "docker-compose-v2", "git"], local.snapshots ? ["python3-openstackclient"] : [])
    ssh_pwauth      = false
    disable_root    = true
    users = [{
      name                = "encore-admin"
      groups              = ["docker"]
      shell               = "/bin/bash"
      sudo                = "ALL=(ALL) ALL"
      lock_passwd         = true
      ssh_authorized_keys = var.admin_ssh_keys
    }]
    disk_setup  = { (var.data_device) = { table_type = "gpt", layout = true, overwrite = false } }
    fs_setup    = [{ label = "encore-data", filesystem = "ext4", device = var.data_device, partition = "auto", overwrite = false }]
    mounts      = [["LABEL=encore-data", local.mount_point, "ext4", "defaults,nofail", "0", "2"]]
    write_files = local.files
    runcmd = concat(
      [
        ["git", "clone", "--depth", "1", "--branch", var.repository_ref, var.repository_url, local.checkout],
        ["install", "-d", "-m", "0700", "${local.mount_point}/backups"],
        ["systemctl", "daemon-reload"],
        ["systemctl", "enable", "--now", "docker.service"],
        ["systemctl", "enable", "encore-stack.service"],
      ],
      var.restore_latest_offsite ? [["systemctl", "enable", "encore-restore.service"]] : [],
      [
        ["systemctl", "start", "--no-block", "encore-stack.service"],
      ],
      local.snapshots ? [["systemctl", "enable", "--now", "encore-volume-snapshot.timer"]] : [],
    )
  }

  user_data = "#cloud-config\n${yamlencode(local.cloud_config)}"
}
