# aws_internet_gateway, aws_egress_only_internet_gateway, aws_route_table with inline routes,
# aws_route, aws_route_table_association, aws_main_route_table_association, aws_network_acl
# with rules and subnets, aws_network_acl_rule. The update adds a route and a rule, moves the
# subnet's ACL and changes tags.
resource "aws_vpc" "main" {
  cidr_block                       = "10.50.0.0/16"
  assign_generated_ipv6_cidr_block = true
}

resource "aws_subnet" "public" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.50.1.0/24"
}

resource "aws_subnet" "private" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.50.2.0/24"
}

resource "aws_internet_gateway" "gw" {
  vpc_id = aws_vpc.main.id
  tags = {
    Name = "gw-${var.step}"
  }
}

resource "aws_egress_only_internet_gateway" "v6" {
  vpc_id = aws_vpc.main.id
}

resource "aws_network_interface" "appliance" {
  subnet_id = aws_subnet.private.id
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id

  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.gw.id
  }

  route {
    ipv6_cidr_block        = "::/0"
    egress_only_gateway_id = aws_egress_only_internet_gateway.v6.id
  }

  dynamic "route" {
    for_each = var.step == 2 ? ["192.168.0.0/16"] : []
    content {
      cidr_block           = route.value
      network_interface_id = aws_network_interface.appliance.id
    }
  }

  tags = {
    Name = "public-${var.step}"
  }
}

resource "aws_route_table_association" "public" {
  subnet_id      = aws_subnet.public.id
  route_table_id = aws_route_table.public.id
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route" "private_v6" {
  route_table_id              = aws_route_table.private.id
  destination_ipv6_cidr_block = "::/0"
  egress_only_gateway_id      = aws_egress_only_internet_gateway.v6.id
}

resource "aws_main_route_table_association" "main" {
  vpc_id         = aws_vpc.main.id
  route_table_id = aws_route_table.private.id
}

resource "aws_network_acl" "public" {
  vpc_id     = aws_vpc.main.id
  subnet_ids = var.step == 2 ? [aws_subnet.public.id, aws_subnet.private.id] : [aws_subnet.public.id]

  ingress {
    protocol   = "tcp"
    rule_no    = 100
    action     = "allow"
    cidr_block = "0.0.0.0/0"
    from_port  = 443
    to_port    = 443
  }

  egress {
    protocol   = "-1"
    rule_no    = 100
    action     = "allow"
    cidr_block = "0.0.0.0/0"
    from_port  = 0
    to_port    = 0
  }

  tags = {
    Name = "acl-${var.step}"
  }
}

# Standalone rules go on an ACL without inline ones (the provider's documented rule: the two
# styles cannot be mixed on one ACL).
resource "aws_network_acl" "private" {
  vpc_id = aws_vpc.main.id
}

resource "aws_network_acl_rule" "icmp" {
  network_acl_id = aws_network_acl.private.id
  rule_number    = 200
  egress         = false
  protocol       = "icmp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.0/8"
  icmp_type      = var.step == 2 ? 0 : 8
  icmp_code      = -1
}
