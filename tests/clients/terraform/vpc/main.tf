# aws_vpc with DNS attributes and an Amazon-provided IPv6 block; the update turns DNS
# hostnames on and changes tags.
resource "aws_vpc" "main" {
  cidr_block                       = "10.10.0.0/16"
  enable_dns_support               = true
  enable_dns_hostnames             = var.step == 2
  assign_generated_ipv6_cidr_block = true
  tags = {
    Name = "tf-vpc-${var.step}"
  }

  lifecycle {
    postcondition {
      condition     = can(cidrhost(self.ipv6_cidr_block, 0)) && endswith(self.ipv6_cidr_block, "/56")
      error_message = "the VPC has an Amazon-provided /56"
    }
    postcondition {
      condition     = self.main_route_table_id != "" && self.default_network_acl_id != "" && self.default_security_group_id != ""
      error_message = "every VPC has its main route table, default network ACL and default security group"
    }
  }
}

data "aws_vpc" "default" {
  default = true
}

output "default_vpc_cidr" {
  value = data.aws_vpc.default.cidr_block

  precondition {
    condition     = data.aws_vpc.default.cidr_block == "172.31.0.0/16"
    error_message = "the default VPC is 172.31.0.0/16"
  }
}
