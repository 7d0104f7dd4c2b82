# Offline: the module has no provider, so `terraform test` renders it here and checks what the VM will run.

variables {
  repository_ref = "v1.4.0"
  admin_ssh_keys = ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleOnlyKeyForTests admin@venue"]
}

run "stack_installs_from_the_reviewed_ref_and_waits_for_its_env" {
  command = plan

  assert {
    condition     = startswith(output.user_data, "#cloud-config\n")
    error_message = "cloud-init needs the #cloud-config header on the first line."
  }
  assert {
    condition     = strcontains(output.user_data, "v1.4.0")
    error_message = "the stack must be cloned at the given ref."
  }
  assert {
    condition     = strcontains(output.user_data, "ConditionPathExists=/srv/encore/.env")
    error_message = "the stack must wait for its .env (secrets never pass through cloud-init)."
  }
  assert {
    condition     = !strcontains(output.user_data, "restore --from-offsite")
    error_message = "a venue server never restores by itself."
  }
  assert {
    condition     = !strcontains(output.user_data, "encore-volume-snapshot")
    error_message = "no snapshot timer without a volume to snapshot."
  }
  assert {
    condition     = yamldecode(trimprefix(output.user_data, "#cloud-config\n")).ssh_pwauth == false
    error_message = "password SSH must be off."
  }
}

run "snapshots_with_retention_when_a_volume_is_given" {
  command = plan

  variables {
    snapshot_volume_id = "6f1c0a52-1111-4d2e-9d55-0123456789ab"
    snapshot_retention = 7
  }

  assert {
    condition     = strcontains(output.user_data, "encore-volume-snapshot.timer")
    error_message = "the snapshot timer must be installed and enabled."
  }
  assert {
    condition     = strcontains(output.user_data, "tail -n +8")
    error_message = "retention 7 keeps the newest seven and deletes from the eighth."
  }
  assert {
    condition     = contains(yamldecode(trimprefix(output.user_data, "#cloud-config\n")).packages, "python3-openstackclient")
    error_message = "the snapshot script needs the OpenStack client."
  }
}

run "the_recovery_site_restores_the_newest_offsite_backup_once" {
  command = plan

  variables {
    restore_latest_offsite = true
  }

  assert {
    condition     = strcontains(output.user_data, "run --rm ops restore --from-offsite latest")
    error_message = "the recovery site restores the newest off-site backup."
  }
  assert {
    condition     = strcontains(output.user_data, "ConditionPathExists=!/srv/encore/.restored")
    error_message = "the restore runs once: never over sales made since."
  }
  assert {
    condition     = contains(yamldecode(trimprefix(output.user_data, "#cloud-config\n")).runcmd, ["systemctl", "enable", "encore-restore.service"])
    error_message = "the restore unit must be enabled before the stack starts."
  }
}

run "a_moving_branch_name_with_spaces_is_refused" {
  command = plan

  variables {
    repository_ref = "main; rm -rf /"
  }

  expect_failures = [var.repository_ref]
}
