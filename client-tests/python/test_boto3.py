"""boto3 against the emulator binary: every implemented operation, typed errors with AWS's
messages, sequence tokens in both modes, the 1 MB page rule, paginators and regions.
The expected values come from ../shared/spec/aws-logs-semantics.md (AWS's behaviour)."""
from __future__ import annotations

import json
import re
import urllib.request

import boto3
import pytest

from support import REGION, assert_aws_error, make_client, now_ms, put_chained, read_forward

HOUR_MS = 3_600_000
DAY_MS = 24 * HOUR_MS
F_TOKEN = re.compile(r"f/\d{56}/s")
B_TOKEN = re.compile(r"b/\d{56}/s")
SEQ_TOKEN = re.compile(r"\d{56}")
NO_GROUP = "The specified log group does not exist."
NO_STREAM = "The specified log stream does not exist."
GROUP_NAME_PATTERN = (
    "1 validation error detected: Value at 'logGroupName' failed to satisfy constraint: "
    "Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+")
STREAM_NAME_PATTERN = (
    "1 validation error detected: Value at 'logStreamName' failed to satisfy constraint: "
    "Member must satisfy regular expression pattern: [^:*]*")
INVALID_SEQ_PREFIX = "The given sequenceToken is invalid. The next expected sequenceToken is: "
ALREADY_ACCEPTED_PREFIX = (
    "The given batch of log events has already been accepted. "
    "The next batch can be sent with sequenceToken: "
)


def events_of(logs, group, stream):
    pages, _ = read_forward(logs, group, stream)
    return [e for page in pages for e in page]


# --- log groups -------------------------------------------------------------------------------

def test_log_group_lifecycle(logs, names):
    name = names.group()
    assert logs.create_log_group(logGroupName=name)["ResponseMetadata"]["HTTPStatusCode"] == 200

    groups = logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"]
    assert [g["logGroupName"] for g in groups] == [name]
    g = groups[0]
    assert g["arn"] == f"arn:aws:logs:{REGION}:000000000000:log-group:{name}:*"
    assert g["logGroupArn"] == f"arn:aws:logs:{REGION}:000000000000:log-group:{name}"
    assert abs(g["creationTime"] - now_ms()) < 60_000
    assert g["storedBytes"] == 0
    assert "retentionInDays" not in g

    logs.delete_log_group(logGroupName=name)
    assert logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"] == []

    with pytest.raises(logs.exceptions.ResourceNotFoundException) as e:
        logs.delete_log_group(logGroupName=name)
    assert_aws_error(e, "ResourceNotFoundException", NO_GROUP)


def test_create_log_group_twice_is_resource_already_exists(logs, group):
    with pytest.raises(logs.exceptions.ResourceAlreadyExistsException) as e:
        logs.create_log_group(logGroupName=group)
    assert_aws_error(e, "ResourceAlreadyExistsException", "The specified log group already exists",
                     operation="CreateLogGroup")


def test_invalid_log_group_name_is_invalid_parameter(logs, names):
    with pytest.raises(logs.exceptions.InvalidParameterException) as e:
        logs.create_log_group(logGroupName=names.group("has space"))
    assert_aws_error(e, "InvalidParameterException", GROUP_NAME_PATTERN)


def test_delete_log_group_removes_its_streams_and_events(logs, names):
    name = names.group()
    logs.create_log_group(logGroupName=name)
    logs.create_log_stream(logGroupName=name, logStreamName="s")
    put_chained(logs, name, "s", [{"timestamp": now_ms(), "message": "gone"}])
    logs.delete_log_group(logGroupName=name)
    logs.create_log_group(logGroupName=name)
    assert logs.describe_log_streams(logGroupName=name)["logStreams"] == []
    with pytest.raises(logs.exceptions.ResourceNotFoundException) as e:
        logs.get_log_events(logGroupName=name, logStreamName="s")
    assert_aws_error(e, "ResourceNotFoundException", NO_STREAM)


# --- log streams ------------------------------------------------------------------------------

def test_log_stream_lifecycle_and_metadata(logs, group, names):
    name = names.stream("user@example.com")
    logs.create_log_stream(logGroupName=group, logStreamName=name)

    (s,) = logs.describe_log_streams(logGroupName=group)["logStreams"]
    assert s["logStreamName"] == name
    assert s["arn"] == f"arn:aws:logs:{REGION}:000000000000:log-group:{group}:log-stream:{name}"
    assert abs(s["creationTime"] - now_ms()) < 60_000
    # A stream that never received a batch has no token and no event times.
    for key in ("uploadSequenceToken", "firstEventTimestamp", "lastEventTimestamp",
                "lastIngestionTime"):
        assert key not in s

    t0 = now_ms() - 5_000
    resp = logs.put_log_events(logGroupName=group, logStreamName=name, logEvents=[
        {"timestamp": t0, "message": "first"}, {"timestamp": t0 + 1_000, "message": "last"}])
    assert SEQ_TOKEN.fullmatch(resp["nextSequenceToken"])
    assert "rejectedLogEventsInfo" not in resp

    (s,) = logs.describe_log_streams(logGroupName=group, logStreamNamePrefix=name)["logStreams"]
    assert s["uploadSequenceToken"] == resp["nextSequenceToken"]
    assert s["firstEventTimestamp"] == t0
    assert s["lastEventTimestamp"] == t0 + 1_000
    assert abs(s["lastIngestionTime"] - now_ms()) < 60_000

    logs.delete_log_stream(logGroupName=group, logStreamName=name)
    assert logs.describe_log_streams(logGroupName=group)["logStreams"] == []
    with pytest.raises(logs.exceptions.ResourceNotFoundException) as e:
        logs.delete_log_stream(logGroupName=group, logStreamName=name)
    assert_aws_error(e, "ResourceNotFoundException", NO_STREAM)


def test_stream_errors(logs, stream, names):
    group, name = stream
    with pytest.raises(logs.exceptions.ResourceAlreadyExistsException) as e:
        logs.create_log_stream(logGroupName=group, logStreamName=name)
    assert_aws_error(e, "ResourceAlreadyExistsException", "The specified log stream already exists")

    missing_group = names.group("missing")
    with pytest.raises(logs.exceptions.ResourceNotFoundException) as e:
        logs.create_log_stream(logGroupName=missing_group, logStreamName=name)
    assert_aws_error(e, "ResourceNotFoundException", NO_GROUP)
    with pytest.raises(logs.exceptions.ResourceNotFoundException) as e:
        logs.describe_log_streams(logGroupName=missing_group)
    assert_aws_error(e, "ResourceNotFoundException", NO_GROUP)

    with pytest.raises(logs.exceptions.InvalidParameterException) as e:
        logs.create_log_stream(logGroupName=group, logStreamName="no:colons")
    assert_aws_error(e, "InvalidParameterException", STREAM_NAME_PATTERN)


# --- PutLogEvents / GetLogEvents errors -------------------------------------------------------

def test_put_and_get_on_missing_resources(logs, stream, names):
    group, name = stream
    ev = [{"timestamp": now_ms(), "message": "x"}]
    with pytest.raises(logs.exceptions.ResourceNotFoundException) as e:
        logs.put_log_events(logGroupName=names.group("missing"), logStreamName=name, logEvents=ev)
    assert_aws_error(e, "ResourceNotFoundException", NO_GROUP)
    with pytest.raises(logs.exceptions.ResourceNotFoundException) as e:
        logs.put_log_events(logGroupName=group, logStreamName="missing", logEvents=ev)
    assert_aws_error(e, "ResourceNotFoundException", NO_STREAM)
    with pytest.raises(logs.exceptions.ResourceNotFoundException) as e:
        logs.get_log_events(logGroupName=group, logStreamName="missing")
    assert_aws_error(e, "ResourceNotFoundException", NO_STREAM)


def test_put_batch_validation(logs, stream):
    group, name = stream
    t = now_ms()
    with pytest.raises(logs.exceptions.InvalidParameterException) as e:
        logs.put_log_events(logGroupName=group, logStreamName=name, logEvents=[
            {"timestamp": t, "message": "b"}, {"timestamp": t - 1, "message": "a"}])
    assert_aws_error(e, "InvalidParameterException",
                     "Log events in a single PutLogEvents request must be in chronological order.")

    with pytest.raises(logs.exceptions.InvalidParameterException) as e:
        logs.put_log_events(logGroupName=group, logStreamName=name, logEvents=[
            {"timestamp": t - DAY_MS - 60_000, "message": "a"}, {"timestamp": t, "message": "b"}])
    assert_aws_error(
        e, "InvalidParameterException",
        "The batch of log events in a single PutLogEvents request cannot span more than 24 hours.")

    # Two 512 KiB messages: 2 * (524,288 + 26) bytes is over the 1,048,576-byte batch limit.
    big = "x" * 524_288
    with pytest.raises(logs.exceptions.InvalidParameterException) as e:
        logs.put_log_events(logGroupName=group, logStreamName=name, logEvents=[
            {"timestamp": t, "message": big}, {"timestamp": t, "message": big}])
    assert_aws_error(e, "InvalidParameterException",
                     "Upload too large: 1048628 bytes exceeds limit of 1048576")

    # Nothing of the failed calls was stored, and the stream still takes a first put.
    assert events_of(logs, group, name) == []
    put_chained(logs, group, name, [{"timestamp": t, "message": "ok"}])


def test_get_log_events_parameter_errors(logs, stream):
    group, name = stream
    with pytest.raises(logs.exceptions.InvalidParameterException) as e:
        logs.get_log_events(logGroupName=group, logStreamName=name, nextToken="f/garbage/s")
    assert_aws_error(e, "InvalidParameterException", "The specified nextToken is invalid.")

    with pytest.raises(logs.exceptions.InvalidParameterException) as e:
        logs.get_log_events(logGroupName=group, logStreamName=name, limit=10_001)
    assert_aws_error(
        e, "InvalidParameterException",
        "1 validation error detected: Value '10001' at 'limit' failed to satisfy constraint: "
        "Member must have value less than or equal to 10000")


def test_rejected_log_events_info(logs, stream):
    group, name = stream
    t = now_ms()
    resp = logs.put_log_events(logGroupName=group, logStreamName=name, logEvents=[
        {"timestamp": t - 15 * DAY_MS, "message": "too old 1"},
        {"timestamp": t - 15 * DAY_MS + 1, "message": "too old 2"},
        {"timestamp": t - 1_000, "message": "kept"},
        {"timestamp": t + 3 * HOUR_MS, "message": "too new"},
    ])
    assert resp["rejectedLogEventsInfo"] == {
        "tooOldLogEventEndIndex": 2, "tooNewLogEventStartIndex": 3}
    assert [e["message"] for e in events_of(logs, group, name)] == ["kept"]


# --- sequence tokens --------------------------------------------------------------------------

def test_invalid_sequence_token_carries_the_expected_token(logs, stream):
    group, name = stream
    t = now_ms()
    first = logs.put_log_events(logGroupName=group, logStreamName=name,
                                logEvents=[{"timestamp": t, "message": "one"}])
    token = first["nextSequenceToken"]

    # No token on a stream that has one, then a wrong token: both InvalidSequenceToken.
    for kwargs in ({}, {"sequenceToken": "49000000000000000000000000000000000000000000000000000000"}):
        with pytest.raises(logs.exceptions.InvalidSequenceTokenException) as e:
            logs.put_log_events(logGroupName=group, logStreamName=name,
                                logEvents=[{"timestamp": t, "message": "two"}], **kwargs)
        assert_aws_error(e, "InvalidSequenceTokenException", INVALID_SEQ_PREFIX + token)
        # The message ends with the token: watchtower recovers by taking its last word.
        assert e.value.response["expectedSequenceToken"] == token

    (s,) = logs.describe_log_streams(logGroupName=group, logStreamNamePrefix=name)["logStreams"]
    assert s["uploadSequenceToken"] == token
    second = logs.put_log_events(logGroupName=group, logStreamName=name, sequenceToken=token,
                                 logEvents=[{"timestamp": t, "message": "two"}])
    assert int(second["nextSequenceToken"]) > int(token)
    assert [e["message"] for e in events_of(logs, group, name)] == ["one", "two"]


def test_data_already_accepted(logs, stream):
    group, name = stream
    t = now_ms()
    batch = [{"timestamp": t, "message": "same"}]
    t1 = logs.put_log_events(logGroupName=group, logStreamName=name,
                             logEvents=[{"timestamp": t, "message": "seed"}])["nextSequenceToken"]
    t2 = logs.put_log_events(logGroupName=group, logStreamName=name, sequenceToken=t1,
                             logEvents=batch)["nextSequenceToken"]

    # The same batch again under the token it was accepted with. AWS compares messages only,
    # so a later timestamp is still "the same batch".
    for resend in (batch, [{"timestamp": t + 5, "message": "same"}]):
        with pytest.raises(logs.exceptions.DataAlreadyAcceptedException) as e:
            logs.put_log_events(logGroupName=group, logStreamName=name, sequenceToken=t1,
                                logEvents=resend)
        assert_aws_error(e, "DataAlreadyAcceptedException", ALREADY_ACCEPTED_PREFIX + t2)
        assert e.value.response["expectedSequenceToken"] == t2

    # A different batch with the old token is an InvalidSequenceToken.
    with pytest.raises(logs.exceptions.InvalidSequenceTokenException) as e:
        logs.put_log_events(logGroupName=group, logStreamName=name, sequenceToken=t1,
                            logEvents=[{"timestamp": t, "message": "other"}])
    assert_aws_error(e, "InvalidSequenceTokenException", INVALID_SEQ_PREFIX + t2)
    assert e.value.response["expectedSequenceToken"] == t2

    assert [e["message"] for e in events_of(logs, group, name)] == ["seed", "same"]


def test_ignore_mode_accepts_any_token(ignore_emulator, names):
    logs = ignore_emulator.client()
    group, name = names.group(), names.stream()
    logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName=name)
    t = now_ms()
    batch = [{"timestamp": t, "message": "same"}]
    first = logs.put_log_events(logGroupName=group, logStreamName=name, logEvents=batch)
    # No token, a made-up token, and a resend under the first token: all accepted and stored.
    for kwargs in ({}, {"sequenceToken": "123"}, {"sequenceToken": first["nextSequenceToken"]}):
        resp = logs.put_log_events(logGroupName=group, logStreamName=name, logEvents=batch, **kwargs)
        assert SEQ_TOKEN.fullmatch(resp["nextSequenceToken"])
    assert [e["message"] for e in events_of(logs, group, name)] == ["same"] * 4


# --- GetLogEvents paging ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def hundred_byte_stream(emulator):
    """10,000 events with 100-byte messages: one page holds 1,048,576 // 126 = 8,322."""
    logs = emulator.client()
    group = f"/cwlogs-test/pages-{now_ms()}"
    logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName="s")
    base = now_ms() - HOUR_MS
    events = [{"timestamp": base + i, "message": f"{i:05d}".ljust(100, ".")} for i in range(10_000)]
    # 10,000 * 126 bytes is over the 1 MB batch limit: two batches.
    put_chained(logs, group, "s", events, batch=5_000)
    return group, "s", [e["message"] for e in events]


def test_get_log_events_pages_by_the_1mb_rule(logs, hundred_byte_stream):
    group, name, messages = hundred_byte_stream
    pages, end = read_forward(logs, group, name)
    assert [len(p) for p in pages] == [8_322, 1_678]
    assert [e["message"] for p in pages for e in p] == messages
    assert F_TOKEN.fullmatch(end)

    assert len(logs.get_log_events(logGroupName=group, logStreamName=name, startFromHead=True,
                                   limit=100)["events"]) == 100


def test_get_log_events_newest_page_then_backward(logs, hundred_byte_stream):
    group, name, messages = hundred_byte_stream
    newest = logs.get_log_events(logGroupName=group, logStreamName=name)
    assert F_TOKEN.fullmatch(newest["nextForwardToken"])
    assert B_TOKEN.fullmatch(newest["nextBackwardToken"])
    assert [e["message"] for e in newest["events"]] == messages[-8_322:]

    older = logs.get_log_events(logGroupName=group, logStreamName=name,
                                nextToken=newest["nextBackwardToken"])
    assert [e["message"] for e in older["events"]] == messages[:-8_322]
    end = logs.get_log_events(logGroupName=group, logStreamName=name,
                              nextToken=older["nextBackwardToken"])
    assert end["events"] == []
    assert end["nextBackwardToken"] == older["nextBackwardToken"]


def test_get_log_events_tokens_are_deterministic_and_empty_stream_has_tokens(logs, stream):
    group, name = stream
    a = logs.get_log_events(logGroupName=group, logStreamName=name, startFromHead=True)
    assert a["events"] == []
    assert F_TOKEN.fullmatch(a["nextForwardToken"]) and B_TOKEN.fullmatch(a["nextBackwardToken"])
    put_chained(logs, group, name, [{"timestamp": now_ms(), "message": "m"}])
    b = logs.get_log_events(logGroupName=group, logStreamName=name, startFromHead=True)
    c = logs.get_log_events(logGroupName=group, logStreamName=name, startFromHead=True)
    assert (b["nextForwardToken"], b["nextBackwardToken"]) == (
        c["nextForwardToken"], c["nextBackwardToken"])
    # Events appended later are returned when the end token is used again.
    end = b["nextForwardToken"]
    assert logs.get_log_events(logGroupName=group, logStreamName=name, startFromHead=True,
                               nextToken=end)["nextForwardToken"] == end
    logs.put_log_events(logGroupName=group, logStreamName=name,
                        sequenceToken=logs.describe_log_streams(
                            logGroupName=group)["logStreams"][0]["uploadSequenceToken"],
                        logEvents=[{"timestamp": now_ms(), "message": "later"}])
    more = logs.get_log_events(logGroupName=group, logStreamName=name, startFromHead=True,
                               nextToken=end)
    assert [e["message"] for e in more["events"]] == ["later"]


def test_get_log_events_time_range(logs, stream):
    group, name = stream
    t = now_ms() - 10_000
    put_chained(logs, group, name, [{"timestamp": t + i, "message": str(i)} for i in range(5)])
    resp = logs.get_log_events(logGroupName=group, logStreamName=name, startFromHead=True,
                               startTime=t + 1, endTime=t + 3)
    # startTime inclusive, endTime exclusive.
    assert [e["message"] for e in resp["events"]] == ["1", "2"]
    assert all(e["ingestionTime"] >= e["timestamp"] for e in resp["events"])


# --- Describe* paginators ---------------------------------------------------------------------

GROUP_CHARS = ".-_/#AZaz09"
STREAM_CHARS = "@!$%&'()+,;=[]^`{}~ .#/|\"<>?"


def test_describe_log_groups_paginator(logs, names):
    base = names.group("pg")
    created = [f"{base}/{i:03d}{GROUP_CHARS[i % len(GROUP_CHARS)]}x" for i in range(120)]
    for name in created:
        logs.create_log_group(logGroupName=name)

    paginator = logs.get_paginator("describe_log_groups")
    pages = list(paginator.paginate(logGroupNamePrefix=base + "/",
                                    PaginationConfig={"PageSize": 50}))
    assert [len(p["logGroups"]) for p in pages] == [50, 50, 20]
    seen = [g["logGroupName"] for p in pages for g in p["logGroups"]]
    assert seen == sorted(created)
    assert "nextToken" not in pages[-1]


def test_describe_log_streams_paginator(logs, group):
    created = [f"{c}user@{i:03d}{c}" for i, c in
               ((i, STREAM_CHARS[i % len(STREAM_CHARS)]) for i in range(120))]
    for name in created:
        logs.create_log_stream(logGroupName=group, logStreamName=name)

    paginator = logs.get_paginator("describe_log_streams")
    pages = list(paginator.paginate(logGroupName=group, PaginationConfig={"PageSize": 50}))
    assert [len(p["logStreams"]) for p in pages] == [50, 50, 20]
    seen = [s["logStreamName"] for p in pages for s in p["logStreams"]]
    assert seen == sorted(created)

    # Descending order and a prefix page the same way.
    pages = list(paginator.paginate(logGroupName=group, descending=True,
                                    PaginationConfig={"PageSize": 50}))
    assert [s["logStreamName"] for p in pages for s in p["logStreams"]] == sorted(created)[::-1]
    at = [n for n in created if n.startswith("@")]
    pages = list(paginator.paginate(logGroupName=group, logStreamNamePrefix="@",
                                    PaginationConfig={"PageSize": 2}))
    assert [s["logStreamName"] for p in pages for s in p["logStreams"]] == sorted(at)

    with pytest.raises(logs.exceptions.InvalidParameterException) as e:
        logs.describe_log_streams(logGroupName=group, logStreamNamePrefix="@",
                                  orderBy="LastEventTime")
    assert_aws_error(e, "InvalidParameterException",
                     "Cannot order by LastEventTime with a logStreamNamePrefix.")


# --- regions, endpoint configuration, reset ---------------------------------------------------

def test_regions_are_separate_partitions(emulator, logs, names):
    name = names.group()
    logs.create_log_group(logGroupName=name)
    us = emulator.client("us-east-1")
    assert us.describe_log_groups(logGroupNamePrefix=name)["logGroups"] == []
    with pytest.raises(us.exceptions.ResourceNotFoundException) as e:
        us.create_log_stream(logGroupName=name, logStreamName="s")
    assert_aws_error(e, "ResourceNotFoundException", NO_GROUP)

    us.create_log_group(logGroupName=name)  # the same name is free in another region
    (g,) = us.describe_log_groups(logGroupNamePrefix=name)["logGroups"]
    assert g["arn"].startswith("arn:aws:logs:us-east-1:")
    us.delete_log_group(logGroupName=name)
    (g,) = logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"]
    assert g["arn"].startswith(f"arn:aws:logs:{REGION}:")


def test_a_region_that_is_no_region_name_is_refused_not_served_another(emulator, logs, names):
    name = names.group()
    logs.create_log_group(logGroupName=name)
    # botocore accepts upper case (its own check is only the host-name alphabet) and signs with it.
    shouting = make_client(emulator.url, REGION.upper())
    with pytest.raises(shouting.exceptions.ClientError) as e:
        shouting.describe_log_groups(logGroupNamePrefix=name)
    assert_aws_error(e, "InvalidSignatureException",
                     f"Credential should be scoped to a valid region, not '{REGION.upper()}'. ")


def test_an_arn_of_another_partition_is_no_local_group(emulator, logs, names):
    name = names.group()
    logs.create_log_group(logGroupName=name)
    (g,) = logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"]
    assert logs.describe_log_streams(logGroupIdentifier=g["logGroupArn"])["logStreams"] == []
    for partition in ("aws-cn", "aws-us-gov"):
        arn = g["logGroupArn"].replace("arn:aws:", f"arn:{partition}:", 1)
        with pytest.raises(logs.exceptions.ResourceNotFoundException) as e:
            logs.describe_log_streams(logGroupIdentifier=arn)
        assert_aws_error(e, "ResourceNotFoundException", NO_GROUP)
        with pytest.raises(logs.exceptions.ResourceNotFoundException) as e:
            logs.list_tags_for_resource(resourceArn=arn)
        assert_aws_error(e, "ResourceNotFoundException", NO_GROUP)


def test_aws_endpoint_url_environment_variable(emulator, names, monkeypatch):
    for key, value in emulator.env().items():
        if key.startswith("AWS_"):
            monkeypatch.setenv(key, value)
    # No endpoint_url, region or keys in code: all from the standard environment.
    client = boto3.session.Session().client("logs")
    assert client.meta.endpoint_url == emulator.url
    assert client.meta.region_name == REGION

    group, name = names.group(), names.stream()
    client.create_log_group(logGroupName=group)
    client.create_log_stream(logGroupName=group, logStreamName=name)
    client.put_log_events(logGroupName=group, logStreamName=name,
                          logEvents=[{"timestamp": now_ms(), "message": "via env"}])
    resp = client.get_log_events(logGroupName=group, logStreamName=name, startFromHead=True)
    assert [e["message"] for e in resp["events"]] == ["via env"]
    # The same data is visible through an endpoint_url= client.
    assert make_client(emulator.url).describe_log_groups(
        logGroupNamePrefix=group)["logGroups"][0]["logGroupName"] == group


@pytest.mark.parametrize("route", ["/_cwlogs/reset", "/moto-api/reset"])
def test_reset_routes_wipe_all_state(start_emulator, route):
    emu = start_emulator()  # its own server: resetting the shared one would hit other tests
    logs = emu.client()
    logs.create_log_group(logGroupName="before-reset")
    emu.client("us-east-1").create_log_group(logGroupName="before-reset")

    req = urllib.request.Request(emu.url + route, data=b"", method="POST")
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.status == 200
        assert json.loads(resp.read()) == {"reset": True}

    assert logs.describe_log_groups()["logGroups"] == []
    assert emu.client("us-east-1").describe_log_groups()["logGroups"] == []
    logs.create_log_group(logGroupName="before-reset")  # the name is free again
