# aws_subnet: one with an IPv6 /64 in a new VPC, one in the default VPC; the update turns on
# public addresses and IPv6 assignment on launch, and changes tags.
resource "aws_vpc" "main" {
  cidr_block                       = "10.20.0.0/16"
  assign_generated_ipv6_cidr_block = true
}

data "aws_availability_zones" "available" {
  state = "available"
}

resource "aws_subnet" "dual" {
  vpc_id                          = aws_vpc.main.id
  cidr_block                      = "10.20.1.0/24"
  ipv6_cidr_block                 = cidrsubnet(aws_vpc.main.ipv6_cidr_block, 8, 1)
  availability_zone               = data.aws_availability_zones.available.names[0]
  map_public_ip_on_launch         = var.step == 2
  assign_ipv6_address_on_creation = var.step == 2
  tags = {
    Name = "tf-subnet-${var.step}"
  }

  lifecycle {
    postcondition {
      condition     = self.availability_zone_id != "" && self.ipv6_cidr_block_association_id != ""
      error_message = "the subnet has its zone ID and its IPv6 association"
    }
  }
}

data "aws_vpc" "default" {
  default = true
}

resource "aws_subnet" "in_default" {
  vpc_id     = data.aws_vpc.default.id
  cidr_block = "172.31.200.0/24"
  tags = {
    Step = tostring(var.step)
  }
}
