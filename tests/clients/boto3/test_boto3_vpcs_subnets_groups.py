"""VPCs (dual-stack), subnets and security groups: create, describe, delete through boto3."""

import ipaddress

from boto_world import code_of, seed_world
from ec2_expect import ACCOUNT, REGION, ZONE, ZONE_ID, long_id, nth_64

AMAZON_POOL = ipaddress.IPv6Network("2600:1f00::/24")


def name_tag(resource, value):
    return [{"ResourceType": resource, "Tags": [{"Key": "Name", "Value": value}]}]


def test_dual_stack_vpc_create_describe_delete(ec2):
    vpc = ec2.create_vpc(
        CidrBlock="10.0.0.0/16",
        AmazonProvidedIpv6CidrBlock=True,
        TagSpecifications=name_tag("vpc", "boto3-vpc"),
    )["Vpc"]
    vpc_id = vpc["VpcId"]
    assert long_id("vpc").match(vpc_id), vpc_id
    assert vpc["CidrBlock"] == "10.0.0.0/16"
    assert vpc["State"] == "pending"
    assert vpc["OwnerId"] == ACCOUNT
    assert vpc["IsDefault"] is False
    assert vpc["InstanceTenancy"] == "default"
    assert long_id("dopt").match(vpc["DhcpOptionsId"]), vpc["DhcpOptionsId"]
    assert vpc["Tags"] == [{"Key": "Name", "Value": "boto3-vpc"}]
    [v4] = vpc["CidrBlockAssociationSet"]
    assert v4["CidrBlock"] == "10.0.0.0/16"
    assert v4["CidrBlockState"] == {"State": "associated"}
    assert long_id("vpc-cidr-assoc").match(v4["AssociationId"])
    [v6] = vpc["Ipv6CidrBlockAssociationSet"]
    block = ipaddress.IPv6Network(v6["Ipv6CidrBlock"])
    assert block.prefixlen == 56 and block.subnet_of(AMAZON_POOL), block
    assert v6["Ipv6CidrBlockState"] == {"State": "associating"}
    assert v6["NetworkBorderGroup"] == REGION
    assert v6["Ipv6Pool"] == "Amazon"
    assert long_id("vpc-cidr-assoc").match(v6["AssociationId"])

    [described] = ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"]
    assert described["State"] == "available"
    assert described["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlockState"] == {"State": "associated"}
    assert described["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"] == str(block)
    by_tag = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["boto3-*"]}])["Vpcs"]
    assert vpc_id in [v["VpcId"] for v in by_tag]
    # The account's default VPC is there too.
    default = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]
    assert [v["CidrBlock"] for v in default] == ["172.31.0.0/16"]

    assert ec2.delete_vpc(VpcId=vpc_id)["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert code_of(ec2.describe_vpcs, VpcIds=[vpc_id]) == ("InvalidVpcID.NotFound", 400)
    assert code_of(ec2.delete_vpc, VpcId=vpc_id) == ("InvalidVpcID.NotFound", 400)


def test_dual_stack_subnet_create_describe_delete(ec2):
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]
    v6 = nth_64(vpc["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"], 2)
    subnet = ec2.create_subnet(
        VpcId=vpc["VpcId"],
        CidrBlock="10.1.2.0/24",
        Ipv6CidrBlock=str(v6),
        AvailabilityZone=ZONE,
        TagSpecifications=name_tag("subnet", "boto3-subnet"),
    )["Subnet"]
    subnet_id = subnet["SubnetId"]
    assert long_id("subnet").match(subnet_id), subnet_id
    assert subnet["SubnetArn"] == f"arn:aws:ec2:{REGION}:{ACCOUNT}:subnet/{subnet_id}"
    assert subnet["State"] == "pending"
    assert subnet["VpcId"] == vpc["VpcId"]
    assert subnet["OwnerId"] == ACCOUNT
    assert subnet["CidrBlock"] == "10.1.2.0/24"
    assert subnet["AvailableIpAddressCount"] == 251
    assert subnet["AvailabilityZone"] == ZONE
    assert subnet["AvailabilityZoneId"] == ZONE_ID
    assert subnet["DefaultForAz"] is False
    assert subnet["MapPublicIpOnLaunch"] is False
    assert subnet["AssignIpv6AddressOnCreation"] is False
    assert subnet["Ipv6Native"] is False
    assert subnet["Tags"] == [{"Key": "Name", "Value": "boto3-subnet"}]
    [assoc] = subnet["Ipv6CidrBlockAssociationSet"]
    assert assoc["Ipv6CidrBlock"] == str(v6)
    assert assoc["Ipv6CidrBlockState"] == {"State": "associating"}
    assert subnet["PrivateDnsNameOptionsOnLaunch"]["HostnameType"] == "ip-name"

    [described] = ec2.describe_subnets(SubnetIds=[subnet_id])["Subnets"]
    assert described["State"] == "available"
    assert described["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlockState"] == {"State": "associated"}
    by_vpc = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])["Subnets"]
    assert [s["SubnetId"] for s in by_vpc] == [subnet_id]

    ec2.modify_subnet_attribute(SubnetId=subnet_id, AssignIpv6AddressOnCreation={"Value": True})
    [modified] = ec2.describe_subnets(SubnetIds=[subnet_id])["Subnets"]
    assert modified["AssignIpv6AddressOnCreation"] is True

    # A VPC with a subnet cannot go; the subnet can.
    assert code_of(ec2.delete_vpc, VpcId=vpc["VpcId"]) == ("DependencyViolation", 400)
    ec2.delete_subnet(SubnetId=subnet_id)
    assert code_of(ec2.describe_subnets, SubnetIds=[subnet_id]) == ("InvalidSubnetID.NotFound", 400)
    ec2.delete_vpc(VpcId=vpc["VpcId"])


def test_security_group_create_authorize_revoke_delete(ec2):
    w = seed_world(ec2)
    created = ec2.create_security_group(
        GroupName="web",
        Description="web tier",
        VpcId=w.vpc_id,
        TagSpecifications=name_tag("security-group", "boto3-sg"),
    )
    sg = created["GroupId"]
    assert long_id("sg").match(sg), sg
    assert created["SecurityGroupArn"] == f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/{sg}"
    assert created["Tags"] == [{"Key": "Name", "Value": "boto3-sg"}]

    [group] = ec2.describe_security_groups(GroupIds=[sg])["SecurityGroups"]
    assert group["GroupName"] == "web"
    assert group["Description"] == "web tier"
    assert group["VpcId"] == w.vpc_id
    assert group["OwnerId"] == ACCOUNT
    assert group["IpPermissions"] == []
    # A new group allows all outbound traffic.
    [egress] = group["IpPermissionsEgress"]
    assert egress["IpProtocol"] == "-1"
    assert egress["IpRanges"] == [{"CidrIp": "0.0.0.0/0"}]

    authorized = ec2.authorize_security_group_ingress(
        GroupId=sg,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 22,
                "ToPort": 22,
                "IpRanges": [{"CidrIp": "10.0.0.0/16", "Description": "ssh"}],
            },
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "Ipv6Ranges": [{"CidrIpv6": "::/0"}]},
            {
                "IpProtocol": "udp",
                "FromPort": 53,
                "ToPort": 53,
                "UserIdGroupPairs": [{"GroupId": w.default_sg}],
            },
        ],
    )
    assert authorized["Return"] is True
    rules = authorized["SecurityGroupRules"]
    assert len(rules) == 3
    for r in rules:
        assert long_id("sgr").match(r["SecurityGroupRuleId"]), r
        assert r["GroupId"] == sg and r["GroupOwnerId"] == ACCOUNT and r["IsEgress"] is False
    ssh = next(r for r in rules if r["FromPort"] == 22)
    assert (ssh["IpProtocol"], ssh["ToPort"], ssh["CidrIpv4"], ssh["Description"]) == ("tcp", 22, "10.0.0.0/16", "ssh")
    dns = next(r for r in rules if r["FromPort"] == 53)
    assert dns["ReferencedGroupInfo"]["GroupId"] == w.default_sg
    assert dns["ReferencedGroupInfo"]["UserId"] == ACCOUNT

    [group] = ec2.describe_security_groups(GroupIds=[sg])["SecurityGroups"]
    perms = {(p["IpProtocol"], p["FromPort"], p["ToPort"]): p for p in group["IpPermissions"]}
    assert set(perms) == {("tcp", 22, 22), ("tcp", 443, 443), ("udp", 53, 53)}
    assert perms[("tcp", 22, 22)]["IpRanges"] == [{"CidrIp": "10.0.0.0/16", "Description": "ssh"}]
    assert perms[("tcp", 443, 443)]["Ipv6Ranges"] == [{"CidrIpv6": "::/0"}]
    assert perms[("udp", 53, 53)]["UserIdGroupPairs"] == [{"UserId": ACCOUNT, "GroupId": w.default_sg}]

    dup = [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "10.0.0.0/16"}]}]
    assert code_of(ec2.authorize_security_group_ingress, GroupId=sg, IpPermissions=dup) == (
        "InvalidPermission.Duplicate",
        400,
    )

    revoked = ec2.revoke_security_group_ingress(GroupId=sg, IpPermissions=dup)
    assert revoked["Return"] is True
    assert [r["CidrIpv4"] for r in revoked["RevokedSecurityGroupRules"]] == ["10.0.0.0/16"]
    assert revoked["RevokedSecurityGroupRules"][0]["SecurityGroupRuleId"] == ssh["SecurityGroupRuleId"]
    [group] = ec2.describe_security_groups(GroupIds=[sg])["SecurityGroups"]
    assert {p["FromPort"] for p in group["IpPermissions"]} == {443, 53}
    by_rule = ec2.revoke_security_group_ingress(GroupId=sg, SecurityGroupRuleIds=[dns["SecurityGroupRuleId"]])
    assert by_rule["Return"] is True
    [group] = ec2.describe_security_groups(GroupIds=[sg])["SecurityGroups"]
    assert [p["FromPort"] for p in group["IpPermissions"]] == [443]

    by_name = ec2.describe_security_groups(
        Filters=[{"Name": "vpc-id", "Values": [w.vpc_id]}, {"Name": "group-name", "Values": ["web"]}]
    )["SecurityGroups"]
    assert [g["GroupId"] for g in by_name] == [sg]

    ec2.delete_security_group(GroupId=sg)
    assert code_of(ec2.describe_security_groups, GroupIds=[sg]) == ("InvalidGroup.NotFound", 400)
    assert code_of(ec2.delete_security_group, GroupId=sg) == ("InvalidGroup.NotFound", 400)


def test_every_other_routed_action_parses(ec2):
    """The remaining actions of the ACTIONS table, so that the reply-element check in conftest.py
    covers every action ec2-mock routes."""
    regions = ec2.describe_regions(AllRegions=True)["Regions"]
    assert REGION in [r["RegionName"] for r in regions]
    zones = ec2.describe_availability_zones()["AvailabilityZones"]
    assert (ZONE, ZONE_ID) in [(z["ZoneName"], z["ZoneId"]) for z in zones]
    assert all(z["RegionName"] == REGION for z in zones)

    w = seed_world(ec2)
    sg = ec2.create_security_group(GroupName="egress", Description="egress", VpcId=w.vpc_id)["GroupId"]
    perm = [{"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "IpRanges": [{"CidrIp": "10.0.2.0/24"}]}]
    added = ec2.authorize_security_group_egress(GroupId=sg, IpPermissions=perm)
    assert added["Return"] is True and added["SecurityGroupRules"][0]["IsEgress"] is True
    revoked = ec2.revoke_security_group_egress(GroupId=sg, IpPermissions=perm)
    assert revoked["Return"] is True
    ec2.modify_subnet_attribute(SubnetId=w.subnet_id, MapPublicIpOnLaunch={"Value": True})
    [subnet] = ec2.describe_subnets(SubnetIds=[w.subnet_id])["Subnets"]
    assert subnet["MapPublicIpOnLaunch"] is True


def test_a_control_character_in_a_tag_is_refused_and_replies_stay_parseable(ec2):
    # Issue 15: U+0001 in a tag value was stored and written raw into every later reply,
    # and boto3 failed with ResponseParserError from then on.
    vpc_id = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    try:
        bad = [{"Key": "k", "Value": "a\x01b"}]
        assert code_of(ec2.create_tags, Resources=[vpc_id], Tags=bad) == (
            "InvalidParameterValue",
            400,
        )
        # Tab, LF and CR are ordinary characters and come back exactly.
        ec2.create_tags(Resources=[vpc_id], Tags=[{"Key": "ws", "Value": "a\tb\nc\rd"}])
        [vpc] = ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"]
        assert vpc["Tags"] == [{"Key": "ws", "Value": "a\tb\nc\rd"}]
        ec2.describe_tags()
    finally:
        ec2.delete_vpc(VpcId=vpc_id)
