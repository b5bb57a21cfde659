# aws_security_group with inline rules (CIDR, IPv6, self, another group, a prefix list), the
# standalone rule resources, and a managed prefix list; the update changes rules and entries.
resource "aws_vpc" "main" {
  cidr_block                       = "10.30.0.0/16"
  assign_generated_ipv6_cidr_block = true
}

resource "aws_ec2_managed_prefix_list" "office" {
  name           = "office"
  address_family = "IPv4"
  max_entries    = 5

  entry {
    cidr        = "203.0.113.0/24"
    description = "HQ"
  }

  dynamic "entry" {
    for_each = var.step == 2 ? ["198.51.100.0/24"] : []
    content {
      cidr = entry.value
    }
  }
}

resource "aws_security_group" "bastion" {
  name        = "bastion"
  description = "bastion hosts"
  vpc_id      = aws_vpc.main.id
}

resource "aws_security_group" "web" {
  name        = "web"
  description = "web servers"
  vpc_id      = aws_vpc.main.id

  ingress {
    description = "HTTPS"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = var.step == 2 ? ["0.0.0.0/0", "10.0.0.0/8"] : ["0.0.0.0/0"]
  }

  ingress {
    from_port        = 80
    to_port          = 80
    protocol         = "tcp"
    ipv6_cidr_blocks = ["::/0"]
  }

  ingress {
    from_port       = 22
    to_port         = 22
    protocol        = "tcp"
    security_groups = [aws_security_group.bastion.id]
    self            = true
  }

  ingress {
    from_port       = 8080
    to_port         = 8080
    protocol        = "tcp"
    prefix_list_ids = [aws_ec2_managed_prefix_list.office.id]
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }

  tags = {
    Name = "web-${var.step}"
  }
}

resource "aws_vpc_security_group_ingress_rule" "dns" {
  security_group_id = aws_security_group.bastion.id
  cidr_ipv4         = "10.30.0.0/16"
  from_port         = 53
  to_port           = 53
  ip_protocol       = "udp"
  description       = "dns ${var.step}"
  tags = {
    Name = "dns"
  }
}

resource "aws_vpc_security_group_ingress_rule" "icmp" {
  security_group_id = aws_security_group.bastion.id
  cidr_ipv6         = "::/0"
  ip_protocol       = "icmpv6"
  from_port         = -1
  to_port           = -1
}

resource "aws_vpc_security_group_egress_rule" "to_web" {
  security_group_id            = aws_security_group.bastion.id
  referenced_security_group_id = aws_security_group.web.id
  ip_protocol                  = "tcp"
  from_port                    = 22
  to_port                      = var.step == 2 ? 23 : 22
}

resource "aws_vpc_security_group_egress_rule" "to_office" {
  security_group_id = aws_security_group.bastion.id
  prefix_list_id    = aws_ec2_managed_prefix_list.office.id
  ip_protocol       = "-1"
}
