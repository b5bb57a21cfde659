"""Runs `aws ec2 …` against the mock and parses its JSON output."""

import ipaddress
import json
import os
import re
import subprocess
import sys
from pathlib import Path

from ec2_expect import REGION, SUBNET_CIDR, ZONE, World, nth_64

# The `aws` of the venv this pytest runs in, not whatever is first on PATH.
AWS = str(Path(sys.executable).parent / "aws")

# Dummy credentials, and nothing from this machine's AWS configuration.
ENV = {
    k: v
    for k, v in os.environ.items()
    if not k.startswith("AWS_") and k not in ("PYTHONPATH",)
}
ENV.update(
    AWS_ACCESS_KEY_ID="test",
    AWS_SECRET_ACCESS_KEY="test",
    AWS_DEFAULT_REGION=REGION,
    AWS_CONFIG_FILE="/dev/null",
    AWS_SHARED_CREDENTIALS_FILE="/dev/null",
    AWS_EC2_METADATA_DISABLED="true",
    AWS_RETRY_MODE="standard",
    AWS_MAX_ATTEMPTS="1",
    AWS_PAGER="",
)

ERROR = re.compile(r"An error occurred \(([^)]+)\) when calling the (\w+) operation")


class CliError(Exception):
    def __init__(self, args, returncode, stderr):
        super().__init__(f"aws {' '.join(args)} -> {returncode}: {stderr.strip()}")
        self.returncode = returncode
        self.stderr = stderr
        m = ERROR.search(stderr)
        self.code = m.group(1) if m else None


class Aws:
    def __init__(self, endpoint):
        self.endpoint = endpoint

    def run(self, *args):
        """`aws ec2 ARGS…`: the parsed JSON it prints (None if it prints nothing)."""
        args = [str(a) for a in args]
        cmd = [AWS, "ec2", *args, "--endpoint-url", self.endpoint, "--output", "json"]
        r = subprocess.run(cmd, capture_output=True, text=True, env=ENV, timeout=120)
        if r.returncode != 0:
            raise CliError(args, r.returncode, r.stderr)
        return json.loads(r.stdout) if r.stdout.strip() else None

    __call__ = run

    def error(self, *args):
        """Runs a command that must fail with an EC2 error; returns its code."""
        try:
            out = self.run(*args)
        except CliError as e:
            assert e.returncode == 254 or e.returncode == 255, e
            assert e.code, e
            return e.code
        raise AssertionError(f"aws ec2 {' '.join(map(str, args))} succeeded: {out}")


def js(value):
    """A JSON parameter value, as a shell user would type it."""
    return json.dumps(value, separators=(",", ":"))


def seed_world(aws):
    vpc = aws("create-vpc", "--cidr-block", "10.0.0.0/16", "--amazon-provided-ipv6-cidr-block")["Vpc"]
    block56 = vpc["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"]
    v6 = nth_64(block56, 2)
    subnet = aws(
        "create-subnet",
        "--vpc-id", vpc["VpcId"],
        "--cidr-block", SUBNET_CIDR,
        "--ipv6-cidr-block", v6,
        "--availability-zone", ZONE,
    )["Subnet"]
    groups = aws(
        "describe-security-groups",
        "--filters", f"Name=vpc-id,Values={vpc['VpcId']}", "Name=group-name,Values=default",
    )["SecurityGroups"]
    assert len(groups) == 1, groups
    return World(
        vpc_id=vpc["VpcId"],
        vpc_v6=ipaddress.IPv6Network(block56),
        subnet_id=subnet["SubnetId"],
        subnet_v6=v6,
        default_sg=groups[0]["GroupId"],
    )


def available(aws, subnet_id):
    return aws("describe-subnets", "--subnet-ids", subnet_id)["Subnets"][0]["AvailableIpAddressCount"]
