"""VPCs (dual-stack), subnets and security groups: create, describe, delete through `aws ec2`."""

import ipaddress

from cli import js, seed_world
from ec2_expect import ACCOUNT, REGION, ZONE, ZONE_ID, long_id, nth_64

AMAZON_POOL = ipaddress.IPv6Network("2600:1f00::/24")


def test_dual_stack_vpc_create_describe_delete(aws):
    vpc = aws(
        "create-vpc",
        "--cidr-block", "10.0.0.0/16",
        "--amazon-provided-ipv6-cidr-block",
        "--tag-specifications", "ResourceType=vpc,Tags=[{Key=Name,Value=cli-vpc}]",
    )["Vpc"]
    vpc_id = vpc["VpcId"]
    assert long_id("vpc").match(vpc_id), vpc_id
    assert vpc["CidrBlock"] == "10.0.0.0/16"
    assert vpc["State"] == "pending"
    assert vpc["OwnerId"] == ACCOUNT
    assert vpc["IsDefault"] is False
    assert vpc["InstanceTenancy"] == "default"
    assert vpc["Tags"] == [{"Key": "Name", "Value": "cli-vpc"}]
    assert vpc["CidrBlockAssociationSet"][0]["CidrBlockState"] == {"State": "associated"}
    [v6] = vpc["Ipv6CidrBlockAssociationSet"]
    block = ipaddress.IPv6Network(v6["Ipv6CidrBlock"])
    assert block.prefixlen == 56 and block.subnet_of(AMAZON_POOL), block
    assert v6["Ipv6CidrBlockState"] == {"State": "associating"}
    assert v6["NetworkBorderGroup"] == REGION
    assert v6["Ipv6Pool"] == "Amazon"

    [described] = aws("describe-vpcs", "--vpc-ids", vpc_id)["Vpcs"]
    assert described["State"] == "available"
    assert described["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"] == str(block)
    assert described["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlockState"] == {"State": "associated"}

    assert aws("delete-vpc", "--vpc-id", vpc_id) is None
    assert aws.error("describe-vpcs", "--vpc-ids", vpc_id) == "InvalidVpcID.NotFound"


def test_dual_stack_subnet_create_describe_delete(aws):
    vpc = aws("create-vpc", "--cidr-block", "10.1.0.0/16", "--amazon-provided-ipv6-cidr-block")["Vpc"]
    v6 = nth_64(vpc["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"], 2)
    subnet = aws(
        "create-subnet",
        "--vpc-id", vpc["VpcId"],
        "--cidr-block", "10.1.2.0/24",
        "--ipv6-cidr-block", v6,
        "--availability-zone", ZONE,
    )["Subnet"]
    subnet_id = subnet["SubnetId"]
    assert long_id("subnet").match(subnet_id), subnet_id
    assert subnet["SubnetArn"] == f"arn:aws:ec2:{REGION}:{ACCOUNT}:subnet/{subnet_id}"
    assert subnet["State"] == "pending"
    assert subnet["VpcId"] == vpc["VpcId"]
    assert subnet["CidrBlock"] == "10.1.2.0/24"
    assert subnet["AvailableIpAddressCount"] == 251
    assert subnet["AvailabilityZone"] == ZONE
    assert subnet["AvailabilityZoneId"] == ZONE_ID
    assert subnet["DefaultForAz"] is False
    assert subnet["MapPublicIpOnLaunch"] is False
    assert subnet["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"] == str(v6)

    [described] = aws("describe-subnets", "--filters", f"Name=vpc-id,Values={vpc['VpcId']}")["Subnets"]
    assert described["SubnetId"] == subnet_id
    assert described["State"] == "available"
    assert described["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlockState"] == {"State": "associated"}

    assert aws("delete-subnet", "--subnet-id", subnet_id) is None
    assert aws.error("describe-subnets", "--subnet-ids", subnet_id) == "InvalidSubnetID.NotFound"
    aws("delete-vpc", "--vpc-id", vpc["VpcId"])


def test_security_group_create_authorize_revoke_delete(aws):
    w = seed_world(aws)
    created = aws(
        "create-security-group",
        "--group-name", "web",
        "--description", "web tier",
        "--vpc-id", w.vpc_id,
    )
    sg = created["GroupId"]
    assert long_id("sg").match(sg), sg
    assert created["SecurityGroupArn"] == f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/{sg}"

    # The CLI's own shorthand (--protocol/--port/--cidr) and the full --ip-permissions form.
    ssh = aws(
        "authorize-security-group-ingress",
        "--group-id", sg, "--protocol", "tcp", "--port", "22", "--cidr", "10.0.0.0/16",
    )
    assert ssh["Return"] is True
    [ssh_rule] = ssh["SecurityGroupRules"]
    assert long_id("sgr").match(ssh_rule["SecurityGroupRuleId"])
    assert (ssh_rule["IpProtocol"], ssh_rule["FromPort"], ssh_rule["ToPort"]) == ("tcp", 22, 22)
    assert ssh_rule["CidrIpv4"] == "10.0.0.0/16" and ssh_rule["IsEgress"] is False
    more = aws(
        "authorize-security-group-ingress",
        "--group-id", sg,
        "--ip-permissions",
        js({"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}),
        js({"IpProtocol": "udp", "FromPort": 53, "ToPort": 53, "UserIdGroupPairs": [{"GroupId": w.default_sg}]}),
    )
    assert len(more["SecurityGroupRules"]) == 2

    [group] = aws("describe-security-groups", "--group-ids", sg)["SecurityGroups"]
    assert (group["GroupName"], group["Description"], group["VpcId"]) == ("web", "web tier", w.vpc_id)
    perms = {(p["IpProtocol"], p.get("FromPort")): p for p in group["IpPermissions"]}
    assert set(perms) == {("tcp", 22), ("tcp", 443), ("udp", 53)}
    assert perms[("tcp", 22)]["IpRanges"] == [{"CidrIp": "10.0.0.0/16"}]
    assert perms[("tcp", 443)]["Ipv6Ranges"] == [{"CidrIpv6": "::/0"}]
    assert perms[("udp", 53)]["UserIdGroupPairs"] == [{"UserId": ACCOUNT, "GroupId": w.default_sg}]
    assert group["IpPermissionsEgress"][0]["IpProtocol"] == "-1"

    assert (
        aws.error(
            "authorize-security-group-ingress",
            "--group-id", sg, "--protocol", "tcp", "--port", "22", "--cidr", "10.0.0.0/16",
        )
        == "InvalidPermission.Duplicate"
    )
    revoked = aws(
        "revoke-security-group-ingress",
        "--group-id", sg, "--protocol", "tcp", "--port", "22", "--cidr", "10.0.0.0/16",
    )
    assert revoked["Return"] is True
    assert revoked["RevokedSecurityGroupRules"][0]["SecurityGroupRuleId"] == ssh_rule["SecurityGroupRuleId"]
    [group] = aws("describe-security-groups", "--group-ids", sg)["SecurityGroups"]
    assert {p["FromPort"] for p in group["IpPermissions"]} == {443, 53}

    aws("delete-security-group", "--group-id", sg)
    assert aws.error("describe-security-groups", "--group-ids", sg) == "InvalidGroup.NotFound"
