# aws_network_interface: listed and counted addresses, prefixes, IPv6, groups,
# source_dest_check, tags; aws_network_interface_sg_attachment. The update changes counts,
# groups, source_dest_check and tags in place.
resource "aws_vpc" "main" {
  cidr_block                       = "10.40.0.0/16"
  assign_generated_ipv6_cidr_block = true
}

resource "aws_subnet" "main" {
  vpc_id          = aws_vpc.main.id
  cidr_block      = "10.40.1.0/24"
  ipv6_cidr_block = cidrsubnet(aws_vpc.main.ipv6_cidr_block, 8, 1)
}

resource "aws_security_group" "a" {
  name        = "a"
  description = "a"
  vpc_id      = aws_vpc.main.id
}

resource "aws_security_group" "b" {
  name        = "b"
  description = "b"
  vpc_id      = aws_vpc.main.id
}

resource "aws_security_group" "extra" {
  name        = "extra"
  description = "attached separately"
  vpc_id      = aws_vpc.main.id
}

resource "aws_network_interface" "listed" {
  subnet_id         = aws_subnet.main.id
  description       = "listed addresses"
  private_ips       = var.step == 2 ? ["10.40.1.10", "10.40.1.11", "10.40.1.12"] : ["10.40.1.10", "10.40.1.11"]
  security_groups   = var.step == 2 ? [aws_security_group.a.id, aws_security_group.b.id] : [aws_security_group.a.id]
  source_dest_check = var.step == 1
  tags = {
    Name = "listed-${var.step}"
  }

  lifecycle {
    postcondition {
      condition     = self.private_ip == "10.40.1.10" && self.mac_address != ""
      error_message = "the first listed address is the primary"
    }
  }
}

resource "aws_network_interface" "counted" {
  subnet_id          = aws_subnet.main.id
  private_ips_count  = var.step == 2 ? 3 : 1
  ipv6_address_count = var.step == 2 ? 2 : 1
}

resource "aws_network_interface" "prefixes" {
  subnet_id         = aws_subnet.main.id
  ipv4_prefix_count = var.step == 2 ? 2 : 1
  ipv6_prefix_count = 1
}

resource "aws_network_interface_sg_attachment" "extra" {
  security_group_id    = aws_security_group.extra.id
  network_interface_id = aws_network_interface.counted.id
}
