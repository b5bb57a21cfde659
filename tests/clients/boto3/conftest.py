"""boto3 against ec2-mock. tests/clients/run.sh starts the server and sets EC2_MOCK_ENDPOINT.

Besides the tests' own assertions, every successful reply is walked element by element
against botocore's model of the operation's output: an element the model does not know is a
field boto3 silently drops, and fails the test that received it.
"""

import os
import xml.etree.ElementTree as ET

import boto3
import pytest
from botocore.config import Config

from ec2_expect import REGION

# Nothing from this machine's AWS configuration may reach the client.
os.environ.update(
    AWS_CONFIG_FILE="/dev/null",
    AWS_SHARED_CREDENTIALS_FILE="/dev/null",
    AWS_EC2_METADATA_DISABLED="true",
)
for var in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_EC2"):
    os.environ.pop(var, None)


@pytest.fixture(scope="session")
def endpoint():
    url = os.environ.get("EC2_MOCK_ENDPOINT")
    if not url:
        pytest.exit("EC2_MOCK_ENDPOINT is not set: run tests/clients/run.sh", returncode=2)
    return url


def _local(tag):
    return tag.rsplit("}", 1)[-1]


def _unknown_elements(elem, shape, path, out):
    """Elements under `elem` that `shape` (a botocore output shape) has no member for."""
    if shape.type_name == "structure":
        by_name = {m.serialization.get("name", n): m for n, m in shape.members.items()}
        for child in elem:
            tag = _local(child.tag)
            member = by_name.get(tag)
            if member is None:
                out.append(f"{path}/{tag}")
            else:
                _unknown_elements(child, member, f"{path}/{tag}", out)
    elif shape.type_name == "list":
        for i, child in enumerate(elem):
            _unknown_elements(child, shape.member, f"{path}[{i}]", out)


@pytest.fixture(scope="session")
def _unparsed():
    return []


@pytest.fixture(scope="session")
def ec2(endpoint, _unparsed):
    client = boto3.client(
        "ec2",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"mode": "standard", "total_max_attempts": 1}),
    )

    def check(http_response, model, **_):
        if http_response.status_code != 200 or model.output_shape is None:
            return
        root = ET.fromstring(http_response.content)
        for child in root:
            if _local(child.tag) == "requestId":
                continue
            member = model.output_shape.members
            by_name = {m.serialization.get("name", n): m for n, m in member.items()}
            tag = _local(child.tag)
            if tag not in by_name:
                _unparsed.append(f"{model.name}: /{tag}")
            else:
                _unknown_elements(child, by_name[tag], f"{model.name}: /{tag}", _unparsed)

    client.meta.events.register("after-call.ec2", check)
    return client


@pytest.fixture(autouse=True)
def _every_element_parsed(_unparsed):
    _unparsed.clear()
    yield
    assert not _unparsed, f"reply elements boto3's model does not know: {_unparsed}"
