"""Issue 17's walk of the whole API model: every operation of botocore's CloudWatch Logs model
(the list kept in emulator/src/protocol/operation.rs as ALL_OPERATIONS) is called through boto3
with a minimal request, and none may answer NotImplementedException."""
from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from support import REGION

OPERATION_RS = Path(__file__).resolve().parents[2] / "emulator/src/protocol/operation.rs"

def _all_operations() -> list[str]:
    text = OPERATION_RS.read_text()
    block = re.search(r"pub const ALL_OPERATIONS: \[&str; (\d+)\] = \[(.*?)\];", text, re.S)
    assert block, "ALL_OPERATIONS not found in operation.rs"
    names = re.findall(r'"(\w+)"', block.group(2))
    assert len(names) == int(block.group(1))
    return names


def test_all_operations_is_the_model_botocore_ships():
    client = boto3.client("logs", region_name=REGION, aws_access_key_id="x",
                          aws_secret_access_key="x")
    assert sorted(client.meta.service_model.operation_names) == sorted(_all_operations())


def test_no_model_operation_answers_not_implemented(emulator):
    # Client-side checks off, so each operation reaches the emulator with an empty (and so,
    # for most, invalid) request; the event-stream operations without their host prefix.
    client = boto3.client(
        "logs", endpoint_url=emulator.url, region_name=REGION, aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(parameter_validation=False, inject_host_prefix=False,
                      retries={"total_max_attempts": 1, "mode": "standard"}))
    not_implemented, answered = [], {}
    for name in _all_operations():
        method = getattr(client, _snake(client, name))
        try:
            method()
            answered[name] = "OK"
        except ClientError as err:
            code = err.response["Error"]["Code"]
            answered[name] = code
            if code == "NotImplementedException":
                not_implemented.append(name)
    assert not_implemented == [], answered
    # Every answer is an AWS answer: success or one of the model's error shapes.
    errors = {shape.name for shape in client.meta.service_model.error_shapes}
    errors |= {"SerializationException"}
    assert {name: code for name, code in answered.items()
            if code != "OK" and code not in errors} == {}


def _snake(client, name: str) -> str:
    """The boto3 method name of operation `name`."""
    for method, api in client.meta.method_to_api_mapping.items():
        if api == name:
            return method
    pytest.fail(f"boto3 has no method for {name}")


@pytest.mark.parametrize("target", ["Frobnicate", "GetLogField", "createLogGroup"])
def test_a_name_outside_the_model_is_an_unknown_operation(emulator, target):
    # AWS answers a target it does not know with 400 UnknownOperationException
    # (aws/aws-sdk-net#1536 shows CloudWatch Logs' body: {"__type":"UnknownOperationException"}).
    request = urllib.request.Request(
        emulator.url, data=b"{}", method="POST",
        headers={"X-Amz-Target": f"Logs_20140328.{target}",
                 "Content-Type": "application/x-amz-json-1.1"})
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(request, timeout=10)
    assert err.value.code == 400
    assert err.value.headers["x-amzn-ErrorType"] == "UnknownOperationException"
    assert json.loads(err.value.read())["__type"] == "UnknownOperationException"
