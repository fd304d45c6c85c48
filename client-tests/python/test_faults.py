"""Fault injection (/_cwlogs/faults, --faults) and quotas (--quotas) through boto3 and the binary.

boto3's standard retry mode must retry an injected ThrottlingException and a dropped connection
as it retries AWS's; a PutLogEvents whose answer was lost and that boto3 resent must be stored
once with strict sequence tokens (the client sees DataAlreadyAcceptedException) and is stored
twice when tokens are ignored, as on AWS since 2023. Each test starts its own emulator: rules
apply to every client of a server.
"""
from __future__ import annotations

import json
import subprocess
import urllib.error
import urllib.request

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from support import REGION, Emulator, _binary, assert_aws_error, now_ms


def call(emu: Emulator, method: str, body: object | None = None,
         content_type: str = "application/json") -> tuple[int, dict]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"{emu.url}/_cwlogs/faults", data=data, method=method,
                                     headers={"Content-Type": content_type} if data else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def retrying_client(emu: Emulator):
    """boto3 as an application configures it: standard retry mode, 3 attempts in all."""
    return boto3.client("logs", endpoint_url=emu.url, region_name=REGION,
                        aws_access_key_id="test", aws_secret_access_key="test",
                        config=Config(retries={"mode": "standard", "total_max_attempts": 3}))


def one_attempt_client(emu: Emulator):
    """boto3 without retries: botocore's `max_attempts` counts retries (support.make_client's
    `max_attempts: 1` allows one), `total_max_attempts` counts every attempt."""
    return boto3.client("logs", endpoint_url=emu.url, region_name=REGION,
                        aws_access_key_id="test", aws_secret_access_key="test",
                        config=Config(retries={"mode": "standard", "total_max_attempts": 1}))


@pytest.fixture
def emu(start_emulator) -> Emulator:
    return start_emulator()


def test_boto3_standard_retry_retries_an_injected_throttle_then_succeeds(emu):
    status, added = call(emu, "POST", {
        "operation": "CreateLogGroup",
        "action": {"type": "error", "code": "ThrottlingException"},
        "schedule": {"type": "first", "count": 2},
    })
    assert status == 200 and added == {"ids": [1]}
    logs = retrying_client(emu)
    answer = logs.create_log_group(logGroupName="retried")
    assert answer["ResponseMetadata"]["RetryAttempts"] == 2
    _, listed = call(emu, "GET")
    assert listed["rules"][0]["matched"] == 3 and listed["rules"][0]["hits"] == 2
    # Without retries the same fault is the error AWS sends.
    call(emu, "POST", {"operation": "DescribeLogGroups",
                       "action": {"type": "error", "code": "ThrottlingException"}})
    with pytest.raises(ClientError) as raised:
        one_attempt_client(emu).describe_log_groups()
    assert_aws_error(raised, "ThrottlingException", "Rate exceeded", "DescribeLogGroups")


def test_rules_are_listed_cleared_and_reset(emu):
    call(emu, "POST", [
        {"operation": "*", "logGroupNamePrefix": "/aws/",
         "action": {"type": "status", "status": 502}},
        {"operation": "GetLogEvents", "action": {"type": "latency", "millis": 10},
         "schedule": {"type": "probability", "probability": 0.5, "seed": 42}},
    ])
    _, listed = call(emu, "GET")
    assert [rule["id"] for rule in listed["rules"]] == [1, 2]
    assert listed["rules"][0] == {"id": 1, "operation": "*", "logGroupNamePrefix": "/aws/",
                                  "action": {"type": "status", "status": 502},
                                  "schedule": {"type": "always"}, "matched": 0, "hits": 0}
    assert call(emu, "DELETE") == (200, {"cleared": True})
    assert call(emu, "GET") == (200, {"rules": []})
    call(emu, "POST", {"operation": "*", "action": {"type": "drop"}})
    urllib.request.urlopen(urllib.request.Request(f"{emu.url}/_cwlogs/reset", method="POST"))
    assert call(emu, "GET") == (200, {"rules": []})


def test_bad_rules_are_refused_and_a_web_page_cannot_add_one(emu):
    status, body = call(emu, "POST", {"operation": "PutLogEvent", "action": {"type": "drop"}})
    assert status == 400 and body["__type"] == "ValidationException"
    assert body["message"] == ('rule 1: operation "PutLogEvent" is not a CloudWatch Logs '
                               'operation (or "*")')
    status, body = call(emu, "POST", {"operation": "*", "action": {"type": "drop"}},
                        content_type="text/plain")
    assert status == 403 and body["__type"] == "AccessDeniedException"
    assert call(emu, "GET") == (200, {"rules": []})


@pytest.mark.parametrize("mode,stored", [("strict", ["once"]), ("ignore", ["once", "once"])])
def test_a_dropped_put_retried_by_boto3(start_emulator, mode, stored):
    """The first PutLogEvents is carried out, its connection dropped before the answer; boto3
    resends it. Strict tokens recognise the resend (DataAlreadyAcceptedException: nothing is
    stored twice); ignored tokens, like AWS since 2023, store it again."""
    emu = start_emulator("--sequence-tokens", mode)
    logs = retrying_client(emu)
    logs.create_log_group(logGroupName="g")
    logs.create_log_stream(logGroupName="g", logStreamName="s")
    call(emu, "POST", {"operation": "PutLogEvents", "logGroupName": "g",
                       "action": {"type": "drop"}, "schedule": {"type": "first", "count": 1}})
    put = dict(logGroupName="g", logStreamName="s",
               logEvents=[{"timestamp": now_ms(), "message": "once"}])
    if mode == "strict":
        with pytest.raises(ClientError) as raised:
            logs.put_log_events(**put)
        error = raised.value.response
        assert error["Error"]["Code"] == "DataAlreadyAcceptedException"
        assert error["ResponseMetadata"]["RetryAttempts"] == 1
        assert error["expectedSequenceToken"]
    else:
        answer = logs.put_log_events(**put)
        assert answer["ResponseMetadata"]["RetryAttempts"] == 1
    events = logs.get_log_events(logGroupName="g", logStreamName="s", startFromHead=True)
    assert [event["message"] for event in events["events"]] == stored


def test_a_fault_file_is_loaded_at_startup(tmp_path):
    rules = tmp_path / "faults.json"
    rules.write_text(json.dumps([{"operation": "DescribeLogGroups",
                                  "action": {"type": "error", "code": "InternalFailure"}}]))
    emu = Emulator(env={"CWLOGS_PORT": "0", "CWLOGS_FAULTS": str(rules)})
    try:
        with pytest.raises(ClientError) as raised:
            one_attempt_client(emu).describe_log_groups()
        assert raised.value.response["Error"]["Code"] == "InternalFailure"
        assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
    finally:
        emu.stop()
    rules.write_text('{"operation": "*", "action": {"type": "status", "status": 42}}')
    run = subprocess.run([_binary(), "--port", "0", "--faults", str(rules)],
                         capture_output=True, text=True, timeout=10)
    assert run.returncode == 1
    assert run.stderr == f"cwlogs-emulator: fault file {rules}: rule 1: status must be 100 to 599, not 42\n"


def test_aws_quotas_throttle_a_burst_of_filter_log_events(start_emulator):
    emu = start_emulator("--quotas", "aws")
    logs = one_attempt_client(emu)
    logs.create_log_group(logGroupName="q")
    # FilterLogEvents: 5 per second, a bucket of 5. The real clock refills it while boto3
    # works, so the test only needs calls faster than 5 a second on average to meet a throttle.
    outcomes = []
    while "throttled" not in outcomes and len(outcomes) < 200:
        try:
            logs.filter_log_events(logGroupName="q")
            outcomes.append("ok")
        except ClientError as error:
            assert_aws_error(error, "ThrottlingException", "Rate exceeded", "FilterLogEvents")
            outcomes.append("throttled")
    assert outcomes[:5] == ["ok"] * 5
    assert outcomes[-1] == "throttled"


def test_a_quota_file_sets_custom_rates(tmp_path):
    quotas = tmp_path / "quotas.json"
    quotas.write_text(json.dumps({"rates": {"DescribeLogGroups": {"perSecond": 0.01, "burst": 2}}}))
    emu = Emulator(env={"CWLOGS_PORT": "0", "CWLOGS_QUOTAS": str(quotas)})
    try:
        logs = one_attempt_client(emu)
        logs.describe_log_groups()
        logs.describe_log_groups()
        with pytest.raises(ClientError) as raised:
            logs.describe_log_groups()
        assert_aws_error(raised, "ThrottlingException", "Rate exceeded", "DescribeLogGroups")
        for _ in range(10):  # no rate in the file: not limited
            logs.describe_destinations()
    finally:
        emu.stop()
    quotas.write_text('{"rates": {"PutLogEvents": -1}}')
    run = subprocess.run([_binary(), "--port", "0", "--quotas", str(quotas)],
                         capture_output=True, text=True, timeout=10)
    assert run.returncode == 1
    assert run.stderr == (f"cwlogs-emulator: quota file {quotas}: PutLogEvents: the rate must be "
                          "a positive number of requests per second\n")
