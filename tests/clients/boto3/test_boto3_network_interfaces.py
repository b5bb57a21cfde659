"""Network interfaces through boto3: the seed's four CreateNetworkInterface examples, the full
create/describe/delete round trip with every field boto3 parses, DryRun, errors, the waiter."""

import ipaddress
import uuid

import pytest
from botocore.exceptions import WaiterError

from boto_world import available, code_of, seed_world
from ec2_expect import ENI_ID, SUBNET_CIDR, assert_interface, usable


@pytest.fixture
def w(ec2):
    return seed_world(ec2)


# The API reference's four CreateNetworkInterface examples
# (/work/shared/seed/CreateNetworkInterface.txt, fixtures/create_network_interface/), each in
# a fresh seed world, with the request parameters the examples send.


def test_example_1_primary_chosen_by_ec2(ec2, w):
    eni = ec2.create_network_interface(SubnetId=w.subnet_id)["NetworkInterface"]
    addrs = assert_interface(eni, w, status="pending")
    assert len(addrs) == 1
    assert available(ec2, w.subnet_id) == 250


def test_example_2_primary_10_0_2_140_and_four_secondaries(ec2, w):
    eni = ec2.create_network_interface(
        SubnetId=w.subnet_id,
        PrivateIpAddresses=[{"Primary": True, "PrivateIpAddress": "10.0.2.140"}],
        SecondaryPrivateIpAddressCount=4,
    )["NetworkInterface"]
    addrs = assert_interface(eni, w, status="pending")
    assert eni["PrivateIpAddress"] == "10.0.2.140"
    assert addrs[0] == "10.0.2.140"
    assert len(addrs) == 5 and len(set(addrs)) == 5, addrs
    assert [p["Primary"] for p in eni["PrivateIpAddresses"]] == [True, False, False, False, False]
    assert available(ec2, w.subnet_id) == 251 - 5


def test_example_3_primary_10_0_2_130_and_secondaries_132_133(ec2, w):
    eni = ec2.create_network_interface(
        SubnetId=w.subnet_id,
        PrivateIpAddresses=[
            {"Primary": True, "PrivateIpAddress": "10.0.2.130"},
            {"Primary": False, "PrivateIpAddress": "10.0.2.132"},
            {"Primary": False, "PrivateIpAddress": "10.0.2.133"},
        ],
    )["NetworkInterface"]
    assert_interface(eni, w, status="pending")
    assert [(p["PrivateIpAddress"], p["Primary"]) for p in eni["PrivateIpAddresses"]] == [
        ("10.0.2.130", True),
        ("10.0.2.132", False),
        ("10.0.2.133", False),
    ]
    assert available(ec2, w.subnet_id) == 251 - 3


def test_example_4_primary_10_0_2_130_and_two_ipv6_addresses(ec2, w):
    eni = ec2.create_network_interface(
        SubnetId=w.subnet_id,
        PrivateIpAddresses=[{"Primary": True, "PrivateIpAddress": "10.0.2.130"}],
        Ipv6AddressCount=2,
    )["NetworkInterface"]
    assert_interface(eni, w, status="pending", ipv6_count=2)
    assert [p["PrivateIpAddress"] for p in eni["PrivateIpAddresses"]] == ["10.0.2.130"]
    v6 = [ipaddress.IPv6Address(a["Ipv6Address"]) for a in eni["Ipv6Addresses"]]
    assert len(set(v6)) == 2 and all(a in w.subnet_v6 for a in v6), v6
    # IPv6 addresses do not come out of the IPv4 count.
    assert available(ec2, w.subnet_id) == 250


def test_create_describe_delete_with_every_field(ec2, w):
    web = ec2.create_security_group(GroupName="web", Description="web tier", VpcId=w.vpc_id)["GroupId"]
    before = available(ec2, w.subnet_id)
    token = f"boto3-{uuid.uuid4()}"
    created = ec2.create_network_interface(
        SubnetId=w.subnet_id,
        Description="boto3 interface",
        Groups=[web, w.default_sg],
        SecondaryPrivateIpAddressCount=2,
        Ipv6AddressCount=1,
        TagSpecifications=[
            {
                "ResourceType": "network-interface",
                "Tags": [{"Key": "Name", "Value": "boto3-eni"}, {"Key": "team", "Value": "net"}],
            }
        ],
        ClientToken=token,
    )
    assert created["ClientToken"] == token
    eni = created["NetworkInterface"]
    kwargs = dict(
        description="boto3 interface",
        groups=[(web, "web"), (w.default_sg, "default")],
        tags=[("Name", "boto3-eni"), ("team", "net")],
        ipv6_count=1,
    )
    addrs = assert_interface(eni, w, status="pending", **kwargs)
    assert len(addrs) == 3
    eni_id = eni["NetworkInterfaceId"]
    assert available(ec2, w.subnet_id) == before - 3

    # Describe by ID shows the same interface, now available.
    [described] = ec2.describe_network_interfaces(NetworkInterfaceIds=[eni_id])["NetworkInterfaces"]
    assert_interface(described, w, status="available", **kwargs)
    for key in described:
        if key != "Status":
            assert described[key] == eni[key], key

    # Describe by filters.
    for name, value in [
        ("vpc-id", w.vpc_id),
        ("tag:Name", "boto3-eni"),
        ("group-id", web),
        ("private-ip-address", addrs[0]),
        ("addresses.private-ip-address", addrs[1]),
        ("ipv6-addresses.ipv6-address", eni["Ipv6Addresses"][0]["Ipv6Address"]),
        ("mac-address", eni["MacAddress"]),
        ("availability-zone", "ap-southeast-1b"),
        ("status", "available"),
    ]:
        # Each filter with the subnet's (other tests' interfaces share the world).
        filters = [{"Name": "subnet-id", "Values": [w.subnet_id]}, {"Name": name, "Values": [value]}]
        found = ec2.describe_network_interfaces(Filters=filters)
        assert [e["NetworkInterfaceId"] for e in found["NetworkInterfaces"]] == [eni_id], name

    # Delete gives the addresses back.
    deleted = ec2.delete_network_interface(NetworkInterfaceId=eni_id)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert available(ec2, w.subnet_id) == before
    assert code_of(ec2.describe_network_interfaces, NetworkInterfaceIds=[eni_id]) == (
        "InvalidNetworkInterfaceID.NotFound",
        400,
    )
    assert code_of(ec2.delete_network_interface, NetworkInterfaceId=eni_id) == (
        "InvalidNetworkInterfaceID.NotFound",
        400,
    )


def test_prefixes_and_primary_ipv6(ec2, w):
    eni = ec2.create_network_interface(SubnetId=w.subnet_id, Ipv4PrefixCount=1, Ipv6PrefixCount=1)[
        "NetworkInterface"
    ]
    assert_interface(eni, w, status="pending")
    [p4] = eni["Ipv4Prefixes"]
    net4 = ipaddress.IPv4Network(p4["Ipv4Prefix"])
    assert net4.prefixlen == 28 and net4.subnet_of(SUBNET_CIDR), net4
    assert ipaddress.IPv4Address(eni["PrivateIpAddress"]) not in net4
    [p6] = eni["Ipv6Prefixes"]
    net6 = ipaddress.IPv6Network(p6["Ipv6Prefix"])
    assert net6.prefixlen == 80 and net6.subnet_of(w.subnet_v6), net6
    # A /28 prefix takes 16 addresses, the primary one more.
    assert available(ec2, w.subnet_id) == 251 - 17

    # Explicit ones, in a subnet of their own (the prefixes above were chosen at random).
    w = seed_world(ec2)
    v6 = str(w.subnet_v6.network_address + 0x1234)
    eni = ec2.create_network_interface(
        SubnetId=w.subnet_id,
        Ipv6Addresses=[{"Ipv6Address": v6}],
        EnablePrimaryIpv6=True,
        Ipv4Prefixes=[{"Ipv4Prefix": "10.0.2.64/28"}],
        ConnectionTrackingSpecification={"TcpEstablishedTimeout": 3600, "UdpTimeout": 45},
    )["NetworkInterface"]
    assert eni["Ipv6Address"] == v6
    assert eni["Ipv6Addresses"] == [{"Ipv6Address": v6, "IsPrimaryIpv6": True}]
    assert eni["Ipv4Prefixes"] == [{"Ipv4Prefix": "10.0.2.64/28"}]
    assert eni["ConnectionTrackingConfiguration"] == {"TcpEstablishedTimeout": 3600, "UdpTimeout": 45}


def test_dry_run_changes_nothing(ec2, w):
    assert code_of(ec2.create_network_interface, SubnetId=w.subnet_id, DryRun=True) == (
        "DryRunOperation",
        412,
    )
    assert code_of(ec2.describe_network_interfaces, DryRun=True) == ("DryRunOperation", 412)
    assert code_of(ec2.create_vpc, CidrBlock="10.9.0.0/16", DryRun=True) == ("DryRunOperation", 412)
    found = ec2.describe_network_interfaces(Filters=[{"Name": "subnet-id", "Values": [w.subnet_id]}])
    assert found["NetworkInterfaces"] == []
    assert available(ec2, w.subnet_id) == 251
    # A dry run of a request that would fail answers that failure.
    assert code_of(
        ec2.create_network_interface, SubnetId="subnet-0123456789abcdef0", DryRun=True
    ) == ("InvalidSubnetID.NotFound", 400)


def test_not_found_errors(ec2, w):
    assert code_of(ec2.create_network_interface, SubnetId="subnet-0123456789abcdef0") == (
        "InvalidSubnetID.NotFound",
        400,
    )
    missing = "eni-0123456789abcdef0"
    assert code_of(ec2.describe_network_interfaces, NetworkInterfaceIds=[missing]) == (
        "InvalidNetworkInterfaceID.NotFound",
        400,
    )
    assert code_of(ec2.delete_network_interface, NetworkInterfaceId=missing) == (
        "InvalidNetworkInterfaceID.NotFound",
        400,
    )
    assert code_of(ec2.create_network_interface, SubnetId=w.subnet_id, Groups=["sg-0123456789abcdef0"]) == (
        "InvalidGroup.NotFound",
        400,
    )


def test_parameter_combination_errors(ec2, w):
    assert code_of(
        ec2.create_network_interface,
        SubnetId=w.subnet_id,
        Ipv4PrefixCount=1,
        SecondaryPrivateIpAddressCount=1,
    ) == ("InvalidParameterCombination", 400)
    assert code_of(
        ec2.create_network_interface,
        SubnetId=w.subnet_id,
        Ipv6AddressCount=1,
        Ipv6PrefixCount=1,
    ) == ("InvalidParameterCombination", 400)
    assert available(ec2, w.subnet_id) == 251


def test_address_in_use(ec2, w):
    ec2.create_network_interface(SubnetId=w.subnet_id, PrivateIpAddress="10.0.2.50")
    assert code_of(ec2.create_network_interface, SubnetId=w.subnet_id, PrivateIpAddress="10.0.2.50") == (
        "InvalidIPAddress.InUse",
        400,
    )


def test_network_interface_available_waiter(ec2, w):
    eni_id = ec2.create_network_interface(SubnetId=w.subnet_id)["NetworkInterface"]["NetworkInterfaceId"]
    assert ENI_ID.match(eni_id)
    waiter = ec2.get_waiter("network_interface_available")
    waiter.wait(NetworkInterfaceIds=[eni_id], WaiterConfig={"Delay": 1, "MaxAttempts": 5})
    # The waiter's failure acceptor: the interface does not exist.
    with pytest.raises(WaiterError) as e:
        waiter.wait(
            NetworkInterfaceIds=["eni-0123456789abcdef0"],
            WaiterConfig={"Delay": 1, "MaxAttempts": 5},
        )
    assert "terminal failure" in str(e.value)
    assert e.value.last_response["Error"]["Code"] == "InvalidNetworkInterfaceID.NotFound"


def test_paginator(ec2, w):
    ids = {
        ec2.create_network_interface(SubnetId=w.subnet_id)["NetworkInterface"]["NetworkInterfaceId"]
        for _ in range(12)
    }
    pages = list(
        ec2.get_paginator("describe_network_interfaces").paginate(
            Filters=[{"Name": "subnet-id", "Values": [w.subnet_id]}],
            PaginationConfig={"PageSize": 5},
        )
    )
    assert [len(p["NetworkInterfaces"]) for p in pages] == [5, 5, 2]
    assert {e["NetworkInterfaceId"] for p in pages for e in p["NetworkInterfaces"]} == ids
    for p in pages:
        for e in p["NetworkInterfaces"]:
            assert usable(e["PrivateIpAddress"])
