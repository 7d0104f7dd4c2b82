terraform {
  required_version = ">= 1.6"
  required_providers {
    openstack = {
      source  = "terraform-provider-openstack/openstack"
      version = "~> 3.0"
    }
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }

  # Remote state: an S3 bucket with locking, configured at init so no account detail lives here:
  #   terraform init -backend-config=backend.hcl   (copy backend.hcl.example, fill it in, keep it out of git)
  backend "s3" {}
}

# Credentials come from the environment (OS_CLOUD / clouds.yaml for OpenStack, AWS_PROFILE or a role for AWS).
provider "openstack" {
  cloud = var.openstack_cloud
}

provider "aws" {
  region = var.aws_region

  default_tags {
    tags = {
      project = "encore"
      venue   = var.venue
    }
  }
}
