"""Network interfaces through `aws ec2`: the seed's four CreateNetworkInterface examples, the
full create/describe/delete round trip with every field the CLI prints, DryRun, errors and
`aws ec2 wait network-interface-available`."""

import ipaddress
import subprocess

import pytest

from cli import AWS, ENV, available, js, seed_world
from ec2_expect import SUBNET_CIDR, assert_interface


@pytest.fixture(scope="module")
def w(aws):
    """One seed world for the tests that do not depend on the subnet's exact fill."""
    return seed_world(aws)


def test_the_seed_examples(aws):
    """The API reference's four examples, as CLI users write them, in one fresh seed world.
    Example 3's interface is deleted before Example 4, which asks for the same 10.0.2.130."""
    w = seed_world(aws)

    # Example 1: a primary address chosen by EC2.
    eni = aws("create-network-interface", "--subnet-id", w.subnet_id)["NetworkInterface"]
    assert len(assert_interface(eni, w, status="pending")) == 1

    # Example 2: primary 10.0.2.140 and four secondaries chosen by EC2.
    eni = aws(
        "create-network-interface",
        "--subnet-id", w.subnet_id,
        "--private-ip-addresses", "Primary=true,PrivateIpAddress=10.0.2.140",
        "--secondary-private-ip-address-count", "4",
    )["NetworkInterface"]
    addrs = assert_interface(eni, w, status="pending")
    assert eni["PrivateIpAddress"] == "10.0.2.140" and addrs[0] == "10.0.2.140"
    assert len(set(addrs)) == 5, addrs
    assert [p["Primary"] for p in eni["PrivateIpAddresses"]] == [True, False, False, False, False]
    assert available(aws, w.subnet_id) == 251 - 1 - 5

    # Example 3: primary 10.0.2.130 and secondaries 10.0.2.132 and 10.0.2.133, exactly.
    eni = aws(
        "create-network-interface",
        "--subnet-id", w.subnet_id,
        "--private-ip-addresses",
        "Primary=true,PrivateIpAddress=10.0.2.130",
        "Primary=false,PrivateIpAddress=10.0.2.132",
        "Primary=false,PrivateIpAddress=10.0.2.133",
    )["NetworkInterface"]
    assert_interface(eni, w, status="pending")
    assert [(p["PrivateIpAddress"], p["Primary"]) for p in eni["PrivateIpAddresses"]] == [
        ("10.0.2.130", True),
        ("10.0.2.132", False),
        ("10.0.2.133", False),
    ]
    assert available(aws, w.subnet_id) == 251 - 1 - 5 - 3
    assert aws("delete-network-interface", "--network-interface-id", eni["NetworkInterfaceId"]) is None

    # Example 4: primary 10.0.2.130 (free again) and two IPv6 addresses chosen by EC2.
    eni = aws(
        "create-network-interface",
        "--subnet-id", w.subnet_id,
        "--private-ip-addresses", "Primary=true,PrivateIpAddress=10.0.2.130",
        "--ipv6-address-count", "2",
    )["NetworkInterface"]
    assert_interface(eni, w, status="pending", ipv6_count=2)
    assert [p["PrivateIpAddress"] for p in eni["PrivateIpAddresses"]] == ["10.0.2.130"]
    v6 = [ipaddress.IPv6Address(a["Ipv6Address"]) for a in eni["Ipv6Addresses"]]
    assert len(set(v6)) == 2 and all(a in w.subnet_v6 for a in v6), v6
    assert available(aws, w.subnet_id) == 251 - 1 - 5 - 1


def test_create_describe_wait_delete_with_every_field(aws, w):
    web = aws("create-security-group", "--group-name", "web", "--description", "web tier", "--vpc-id", w.vpc_id)[
        "GroupId"
    ]
    eni = aws(
        "create-network-interface",
        "--subnet-id", w.subnet_id,
        "--description", "cli interface",
        "--groups", web, w.default_sg,
        "--secondary-private-ip-address-count", "2",
        "--ipv6-address-count", "1",
        "--tag-specifications", "ResourceType=network-interface,Tags=[{Key=Name,Value=cli-eni},{Key=team,Value=net}]",
    )["NetworkInterface"]
    kwargs = dict(
        description="cli interface",
        groups=[(web, "web"), (w.default_sg, "default")],
        tags=[("Name", "cli-eni"), ("team", "net")],
        ipv6_count=1,
    )
    addrs = assert_interface(eni, w, status="pending", **kwargs)
    assert len(addrs) == 3
    eni_id = eni["NetworkInterfaceId"]

    # The CLI's waiter polls DescribeNetworkInterfaces until the interface is available.
    assert aws("wait", "network-interface-available", "--network-interface-ids", eni_id) is None

    [described] = aws("describe-network-interfaces", "--network-interface-ids", eni_id)["NetworkInterfaces"]
    assert_interface(described, w, status="available", **kwargs)
    assert {k: v for k, v in described.items() if k != "Status"} == {k: v for k, v in eni.items() if k != "Status"}

    found = aws(
        "describe-network-interfaces",
        "--filters", f"Name=subnet-id,Values={w.subnet_id}", "Name=tag:Name,Values=cli-eni",
        f"Name=addresses.private-ip-address,Values={addrs[2]}",
    )["NetworkInterfaces"]
    assert [e["NetworkInterfaceId"] for e in found] == [eni_id]
    # --query runs over the parsed reply, as users script it.
    ids = aws(
        "describe-network-interfaces",
        "--filters", "Name=group-name,Values=web", f"Name=vpc-id,Values={w.vpc_id}",
        "--query", "NetworkInterfaces[].NetworkInterfaceId",
    )
    assert ids == [eni_id]

    assert aws("delete-network-interface", "--network-interface-id", eni_id) is None
    missing = ("describe-network-interfaces", "--network-interface-ids", eni_id)
    assert aws.error(*missing) == "InvalidNetworkInterfaceID.NotFound"
    assert aws.error("delete-network-interface", "--network-interface-id", eni_id) == (
        "InvalidNetworkInterfaceID.NotFound"
    )

    # The waiter's failure acceptor: the interface does not exist.
    r = subprocess.run(
        [AWS, "ec2", "wait", "network-interface-available", "--network-interface-ids", eni_id]
        + ["--endpoint-url", aws.endpoint],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=120,
    )
    assert r.returncode == 255, r
    assert "Waiter NetworkInterfaceAvailable failed" in r.stderr and "terminal failure" in r.stderr, r.stderr


def test_prefixes(aws, w):
    eni = aws(
        "create-network-interface",
        "--subnet-id", w.subnet_id,
        "--ipv4-prefix-count", "1",
        "--ipv6-prefix-count", "1",
    )["NetworkInterface"]
    assert_interface(eni, w, status="pending")
    [p4] = eni["Ipv4Prefixes"]
    net4 = ipaddress.IPv4Network(p4["Ipv4Prefix"])
    assert net4.prefixlen == 28 and net4.subnet_of(SUBNET_CIDR), net4
    [p6] = eni["Ipv6Prefixes"]
    net6 = ipaddress.IPv6Network(p6["Ipv6Prefix"])
    assert net6.prefixlen == 80 and net6.subnet_of(w.subnet_v6), net6


def test_dry_run_not_found_and_parameter_combination(aws, w):
    before = available(aws, w.subnet_id)
    assert aws.error("create-network-interface", "--subnet-id", w.subnet_id, "--dry-run") == "DryRunOperation"
    assert aws.error("create-vpc", "--cidr-block", "10.9.0.0/16", "--dry-run") == "DryRunOperation"
    assert (
        aws.error("create-network-interface", "--subnet-id", "subnet-0123456789abcdef0")
        == "InvalidSubnetID.NotFound"
    )
    assert (
        aws.error(
            "create-network-interface",
            "--subnet-id", w.subnet_id,
            "--ipv4-prefix-count", "1",
            "--secondary-private-ip-address-count", "1",
        )
        == "InvalidParameterCombination"
    )
    assert (
        aws.error("describe-network-interfaces", "--network-interface-ids", "eni-0123456789abcdef0")
        == "InvalidNetworkInterfaceID.NotFound"
    )
    # None of it allocated anything.
    assert available(aws, w.subnet_id) == before
    # JSON input works as well as shorthand.
    eni = aws(
        "create-network-interface",
        "--subnet-id", w.subnet_id,
        "--tag-specifications", js([{"ResourceType": "network-interface", "Tags": [{"Key": "k", "Value": "v"}]}]),
    )["NetworkInterface"]
    assert eni["TagSet"] == [{"Key": "k", "Value": "v"}]
