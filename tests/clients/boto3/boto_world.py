"""The seed examples' world through boto3 (see ec2_expect for what it is)."""

import ipaddress
import re

import pytest
from botocore.exceptions import ClientError

from ec2_expect import SUBNET_CIDR, ZONE, World, nth_64

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def code_of(call, *args, **kwargs):
    """Runs a client call that must fail; returns (error code, HTTP status)."""
    with pytest.raises(ClientError) as e:
        call(*args, **kwargs)
    r = e.value.response
    # EC2's error document: code, message and request ID all reach the client.
    assert r["Error"]["Message"], r
    assert UUID.match(r["ResponseMetadata"]["RequestId"]), r
    return r["Error"]["Code"], r["ResponseMetadata"]["HTTPStatusCode"]


def seed_world(ec2):
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]
    block56 = vpc["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"]
    v6 = nth_64(block56, 2)
    subnet = ec2.create_subnet(
        VpcId=vpc["VpcId"],
        CidrBlock=str(SUBNET_CIDR),
        Ipv6CidrBlock=str(v6),
        AvailabilityZone=ZONE,
    )["Subnet"]
    groups = ec2.describe_security_groups(
        Filters=[
            {"Name": "vpc-id", "Values": [vpc["VpcId"]]},
            {"Name": "group-name", "Values": ["default"]},
        ]
    )["SecurityGroups"]
    assert len(groups) == 1, groups
    return World(
        vpc_id=vpc["VpcId"],
        vpc_v6=ipaddress.IPv6Network(block56),
        subnet_id=subnet["SubnetId"],
        subnet_v6=v6,
        default_sg=groups[0]["GroupId"],
    )


def available(ec2, subnet_id):
    return ec2.describe_subnets(SubnetIds=[subnet_id])["Subnets"][0]["AvailableIpAddressCount"]


