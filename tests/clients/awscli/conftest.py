"""The AWS CLI (v1, from PyPI) against ec2-mock: every call is a real `aws ec2 …` process with
`--endpoint-url` and `--output json`, and the JSON it prints is parsed. tests/clients/run.sh
starts the server and sets EC2_MOCK_ENDPOINT."""

import os

import pytest

from cli import Aws


@pytest.fixture(scope="session")
def aws():
    url = os.environ.get("EC2_MOCK_ENDPOINT")
    if not url:
        pytest.exit("EC2_MOCK_ENDPOINT is not set: run tests/clients/run.sh", returncode=2)
    return Aws(url)
