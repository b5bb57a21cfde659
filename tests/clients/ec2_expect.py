"""Expectations shared by the Python suites (boto3/ and awscli/): the seed examples' world and
the checks every interface shares. Both clients give botocore's parsed shapes (the CLI prints
them as JSON), so one set of checks serves both.

The world is the one the API reference's CreateNetworkInterface examples live in (and the
Rust suites build, tests/it/sdk_network_interfaces.rs): region ap-southeast-1, a VPC
10.0.0.0/16 with an Amazon-provided IPv6 /56, and the subnet 10.0.2.0/24 in ap-southeast-1b
with the /56's third /64.
"""

import ipaddress
import re
from dataclasses import dataclass

REGION = "ap-southeast-1"
ZONE = "ap-southeast-1b"
ZONE_ID = "apse1-az2"
ACCOUNT = "123456789012"  # the default account: the access key "test" is not 12 digits
SUBNET_CIDR = ipaddress.IPv4Network("10.0.2.0/24")

ENI_ID = re.compile(r"^eni-[0-9a-f]{17}$")
MAC = re.compile(r"^02(:[0-9a-f]{2}){5}$")


def long_id(prefix):
    return re.compile(rf"^{prefix}-[0-9a-f]{{17}}$")


def nth_64(block56, index):
    """The index-th /64 of a VPC's /56."""
    net = ipaddress.IPv6Network(block56)
    assert net.prefixlen == 56, block56
    return ipaddress.IPv6Network((int(net.network_address) | (index << 64), 64))


def dns(ip):
    return f"ip-{ip.replace('.', '-')}.{REGION}.compute.internal"


def usable(ip, cidr=SUBNET_CIDR):
    """Inside the subnet and not one of its five reserved addresses."""
    ip = ipaddress.IPv4Address(ip)
    first = int(cidr.network_address)
    return ip in cidr and first + 4 <= int(ip) < int(cidr.broadcast_address)


@dataclass
class World:
    vpc_id: str
    vpc_v6: ipaddress.IPv6Network
    subnet_id: str
    subnet_v6: ipaddress.IPv6Network
    default_sg: str


# Every key botocore parses for an unattached interface of this world. Conditional ones (the
# primary IPv6 address, connection tracking) are added by the caller.
INTERFACE_KEYS = {
    "NetworkInterfaceId",
    "SubnetId",
    "VpcId",
    "AvailabilityZone",
    "AvailabilityZoneId",
    "Description",
    "OwnerId",
    "RequesterId",
    "RequesterManaged",
    "Status",
    "MacAddress",
    "PrivateIpAddress",
    "PrivateDnsName",
    "SourceDestCheck",
    "Groups",
    "TagSet",
    "PrivateIpAddresses",
    "Ipv4Prefixes",
    "Ipv6Prefixes",
    "Ipv6Addresses",
    "InterfaceType",
    "Ipv6Native",
    "Operator",
}


def assert_interface(
    eni,
    w,
    *,
    status,
    description="",
    groups=None,
    tags=(),
    ipv6_count=0,
    extra_keys=(),
):
    """Every field botocore parses for an interface, checked against what the request implies."""
    # `Ipv6Address` (the first IPv6 address) comes with any IPv6 address.
    v6_key = {"Ipv6Address"} if ipv6_count else set()
    assert set(eni) == INTERFACE_KEYS | v6_key | set(extra_keys), sorted(eni)
    assert ENI_ID.match(eni["NetworkInterfaceId"]), eni["NetworkInterfaceId"]
    assert eni["SubnetId"] == w.subnet_id
    assert eni["VpcId"] == w.vpc_id
    assert eni["AvailabilityZone"] == ZONE
    assert eni["AvailabilityZoneId"] == ZONE_ID
    assert eni["Description"] == description
    assert eni["OwnerId"] == ACCOUNT
    assert eni["RequesterId"] == ACCOUNT
    assert eni["RequesterManaged"] is False
    assert eni["Status"] == status
    assert MAC.match(eni["MacAddress"]), eni["MacAddress"]
    assert eni["SourceDestCheck"] is True
    assert eni["InterfaceType"] == "interface"
    assert eni["Ipv6Native"] is False
    assert eni["Operator"] == {"Managed": False}

    want_groups = groups if groups is not None else [(w.default_sg, "default")]
    assert [(g["GroupId"], g["GroupName"]) for g in eni["Groups"]] == want_groups
    assert sorted((t["Key"], t["Value"]) for t in eni["TagSet"]) == sorted(tags)

    primary = eni["PrivateIpAddress"]
    assert usable(primary), primary
    assert eni["PrivateDnsName"] == dns(primary)
    listed = eni["PrivateIpAddresses"]
    assert listed[0] == {"PrivateIpAddress": primary, "PrivateDnsName": dns(primary), "Primary": True}
    for p in listed[1:]:
        assert set(p) == {"PrivateIpAddress", "PrivateDnsName", "Primary"}, p
        assert p["Primary"] is False
        assert usable(p["PrivateIpAddress"]), p
        assert p["PrivateDnsName"] == dns(p["PrivateIpAddress"])
    addrs = [p["PrivateIpAddress"] for p in listed]
    assert len(set(addrs)) == len(addrs), addrs

    v6 = eni["Ipv6Addresses"]
    assert len(v6) == ipv6_count, v6
    for a in v6:
        assert ipaddress.IPv6Address(a["Ipv6Address"]) in w.subnet_v6, a
        assert a["IsPrimaryIpv6"] is False
    assert len({a["Ipv6Address"] for a in v6}) == len(v6)
    if v6:
        assert eni["Ipv6Address"] == v6[0]["Ipv6Address"]
    return addrs
