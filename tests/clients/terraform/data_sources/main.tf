# The data sources: aws_vpc (default), aws_subnets, aws_security_group, aws_network_interface
# and aws_network_interfaces, aws_availability_zones; each checked against what was made.
resource "aws_vpc" "main" {
  cidr_block = "10.60.0.0/16"
  tags = {
    Suite = "data"
  }
}

resource "aws_subnet" "a" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.60.1.0/24"
  tags = {
    Tier = "app"
  }
}

resource "aws_security_group" "app" {
  name        = "app"
  description = "app"
  vpc_id      = aws_vpc.main.id
}

resource "aws_network_interface" "app" {
  subnet_id       = aws_subnet.a.id
  security_groups = [aws_security_group.app.id]
  tags = {
    Tier = "app"
    Step = tostring(var.step)
  }
}

data "aws_availability_zones" "all" {}

data "aws_vpc" "default" {
  default = true
}

data "aws_subnets" "default" {
  filter {
    name   = "vpc-id"
    values = [data.aws_vpc.default.id]
  }
}

data "aws_subnets" "app" {
  filter {
    name   = "vpc-id"
    values = [aws_vpc.main.id]
  }
  tags = {
    Tier = "app"
  }
  depends_on = [aws_subnet.a]
}

data "aws_security_group" "app" {
  vpc_id = aws_vpc.main.id
  name   = "app"
  depends_on = [aws_security_group.app]
}

data "aws_security_group" "default" {
  vpc_id = aws_vpc.main.id
  name   = "default"
}

data "aws_network_interface" "app" {
  id = aws_network_interface.app.id
}

data "aws_network_interfaces" "app" {
  tags = {
    Tier = "app"
  }
  depends_on = [aws_network_interface.app]
}

output "checks" {
  value = "ok"

  precondition {
    condition     = length(data.aws_availability_zones.all.names) >= 3 && data.aws_vpc.default.cidr_block == "172.31.0.0/16"
    error_message = "us-east-1 has its zones and its default VPC"
  }
  precondition {
    condition     = length(data.aws_subnets.default.ids) == length(data.aws_availability_zones.all.names)
    error_message = "the default VPC has one default subnet per zone"
  }
  precondition {
    condition     = tolist(data.aws_subnets.app.ids) == tolist([aws_subnet.a.id])
    error_message = "the tag filter finds the app subnet"
  }
  precondition {
    condition     = data.aws_security_group.app.id == aws_security_group.app.id && data.aws_security_group.default.id == aws_vpc.main.default_security_group_id
    error_message = "the groups are found by name"
  }
  precondition {
    condition     = data.aws_network_interface.app.private_ip == aws_network_interface.app.private_ip && tolist(data.aws_network_interfaces.app.ids) == tolist([aws_network_interface.app.id])
    error_message = "the interface is found by ID and by tag"
  }
}
