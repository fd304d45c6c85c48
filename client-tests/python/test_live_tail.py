"""StartLiveTail through boto3 and the AWS CLI: botocore parses the emulator's event-stream
frames (initial-response, sessionStart, sessionUpdate, SessionTimeoutException), the filters
and sampling apply, a closed stream frees its session, and each client's host-prefix switch
works. The emulator here times sessions out after 3 s (`--live-tail-timeout 3`)."""
from __future__ import annotations

import json
import subprocess
import threading
import time
import urllib.request

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import EndpointConnectionError, EventStreamError

from support import EMAIL_MASKING_POLICY, REGION, assert_aws_error, aws_env, now_ms

ACCOUNT = "000000000000"
TIMEOUT_S = 3


@pytest.fixture(scope="module")
def tail_emulator(start_emulator):
    return start_emulator("--live-tail-timeout", str(TIMEOUT_S), "--sequence-tokens", "ignore")


def tail_client(url: str, **config):
    """boto3 with the switch that leaves the `stream-` host prefix out."""
    return boto3.client(
        "logs", endpoint_url=url, region_name=REGION, aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(inject_host_prefix=False, retries={"max_attempts": 1}, **config))


@pytest.fixture
def tail(tail_emulator):
    return tail_client(tail_emulator.url)


def arn(group: str) -> str:
    return f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{group}"


def make_group(client, group: str, *streams: str) -> None:
    client.create_log_group(logGroupName=group)
    for stream in streams:
        client.create_log_stream(logGroupName=group, logStreamName=stream)


def put(client, group: str, stream: str, *messages: str) -> None:
    now = now_ms()
    client.put_log_events(logGroupName=group, logStreamName=stream,
                          logEvents=[{"timestamp": now, "message": m} for m in messages])


def updates_until(stream, want: int, limit: int = 5) -> list[dict]:
    """The session results of the updates that arrive until `want` events were seen."""
    results: list[dict] = []
    for _ in range(limit):
        event = next(stream)
        assert "sessionUpdate" in event, event
        results += event["sessionUpdate"]["sessionResults"]
        if len(results) >= want:
            break
    return results


def health(url: str) -> dict:
    with urllib.request.urlopen(f"{url}/health", timeout=5) as response:
        return json.load(response)


def wait_for_sessions(url: str, count: int) -> None:
    for _ in range(100):
        if health(url)["liveTailSessions"] == count:
            return
        time.sleep(0.1)
    assert health(url)["liveTailSessions"] == count


def test_a_tail_receives_what_another_thread_puts(tail, names):
    group, stream = names.group(), names.stream()
    make_group(tail, group, stream)
    put(tail, group, stream, "before the session")
    response = tail.start_live_tail(logGroupIdentifiers=[arn(group)])
    events = iter(response["responseStream"])
    start = next(events)["sessionStart"]
    assert start["logGroupIdentifiers"] == [arn(group)]
    assert start["sessionId"] and start["requestId"]
    threading.Thread(target=put, args=(tail, group, stream, "one", "two")).start()
    results = updates_until(events, 2)
    assert [r["message"] for r in results] == ["one", "two"]
    assert set(results[0]) == {"logStreamName", "logGroupIdentifier", "message", "timestamp",
                               "ingestionTime"}
    assert results[0]["logGroupIdentifier"] == arn(group)
    assert results[0]["logStreamName"] == stream
    empty = next(events)["sessionUpdate"]
    assert empty == {"sessionMetadata": {"sampled": False}, "sessionResults": []}
    response["responseStream"].close()


def test_filter_pattern_and_stream_prefixes_apply(tail, names):
    group = names.group()
    make_group(tail, group, "web-1", "db")
    response = tail.start_live_tail(logGroupIdentifiers=[arn(group)],
                                    logStreamNamePrefixes=["web"],
                                    logEventFilterPattern='"status=500"')
    events = iter(response["responseStream"])
    start = next(events)["sessionStart"]
    assert start["logStreamNamePrefixes"] == ["web"]
    assert start["logEventFilterPattern"] == '"status=500"'
    put(tail, group, "db", "status=500 in db")
    put(tail, group, "web-1", "status=200", "status=500 in web")
    assert [r["message"] for r in updates_until(events, 1)] == ["status=500 in web"]
    response["responseStream"].close()


def test_more_than_500_events_in_a_second_are_sampled(tail, names):
    group, stream = names.group(), names.stream()
    make_group(tail, group, stream)
    response = tail.start_live_tail(logGroupIdentifiers=[arn(group)])
    events = iter(response["responseStream"])
    next(events)
    put(tail, group, stream, *[f"event {i:04}" for i in range(700)])
    for _ in range(3):
        update = next(events)["sessionUpdate"]
        if update["sessionResults"]:
            break
    assert update["sessionMetadata"] == {"sampled": True}
    assert len(update["sessionResults"]) == 500
    response["responseStream"].close()


def test_the_session_times_out_with_session_timeout_exception(tail, names):
    group = names.group()
    make_group(tail, group)
    response = tail.start_live_tail(logGroupIdentifiers=[arn(group)])
    started = time.monotonic()
    with pytest.raises(EventStreamError) as ended:
        for _ in response["responseStream"]:
            pass
    assert ended.value.response["Error"] == {
        "Code": "SessionTimeoutException",
        "Message": f"The Live Tail session timed out after {TIMEOUT_S} seconds."}
    assert TIMEOUT_S - 0.5 < time.monotonic() - started < TIMEOUT_S + 2


def test_closing_the_stream_frees_the_session(tail_emulator, tail, names):
    group = names.group()
    make_group(tail, group)
    before = health(tail_emulator.url)["liveTailSessions"]
    response = tail.start_live_tail(logGroupIdentifiers=[arn(group)])
    next(iter(response["responseStream"]))
    assert health(tail_emulator.url)["liveTailSessions"] == before + 1
    response["responseStream"].close()
    wait_for_sessions(tail_emulator.url, before)


def test_requests_are_validated(tail, names):
    group = names.group()
    make_group(tail, group)
    with pytest.raises(tail.exceptions.ResourceNotFoundException) as missing:
        tail.start_live_tail(logGroupIdentifiers=[arn(group + "-missing")])
    assert_aws_error(missing, "ResourceNotFoundException", "The specified log group does not exist.")
    with pytest.raises(tail.exceptions.InvalidParameterException) as both:
        tail.start_live_tail(logGroupIdentifiers=[arn(group)], logStreamNames=["a"],
                             logStreamNamePrefixes=["a"])
    assert_aws_error(both, "InvalidParameterException",
                     "logStreamNames and logStreamNamePrefixes are mutually exclusive parameters.")


def test_each_host_prefix_switch(tail_emulator, names, monkeypatch):
    group = names.group()
    plain = boto3.client("logs", endpoint_url=tail_emulator.url, region_name=REGION,
                         aws_access_key_id="test", aws_secret_access_key="test",
                         config=Config(retries={"max_attempts": 1}))
    make_group(plain, group)
    # Without a switch boto3 sends StartLiveTail to stream-127.0.0.1, which does not resolve.
    with pytest.raises(EndpointConnectionError, match="stream-127.0.0.1"):
        plain.start_live_tail(logGroupIdentifiers=[arn(group)])
    # The environment variable does what Config(inject_host_prefix=False) does.
    monkeypatch.setenv("AWS_DISABLE_HOST_PREFIX_INJECTION", "true")
    by_env = boto3.session.Session().client(
        "logs", endpoint_url=tail_emulator.url, region_name=REGION,
        aws_access_key_id="test", aws_secret_access_key="test")
    response = by_env.start_live_tail(logGroupIdentifiers=[arn(group)])
    assert "sessionStart" in next(iter(response["responseStream"]))
    response["responseStream"].close()


def test_aws_cli_start_live_tail(tail_emulator, names):
    group, stream = names.group(), names.stream()
    make_group(tail_client(tail_emulator.url), group, stream)
    env = aws_env(tail_emulator.url) | {"AWS_DISABLE_HOST_PREFIX_INJECTION": "true"}
    before = health(tail_emulator.url)["liveTailSessions"]
    cli = subprocess.Popen(["aws", "logs", "start-live-tail", "--log-group-identifiers",
                            arn(group)], env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    wait_for_sessions(tail_emulator.url, before + 1)  # the CLI has started its session
    put(tail_client(tail_emulator.url), group, stream, "hello from the CLI test")
    out, err = cli.communicate(timeout=TIMEOUT_S + 10)
    # The CLI prints each event's message, then the error that ended the session.
    assert "hello from the CLI test" in out.splitlines(), (out, err)
    assert "(SessionTimeoutException)" in out + err, (out, err)


def test_get_log_object_is_served_with_the_same_prefix_switch(tail):
    # No large log objects exist here (they come from PutOpenTelemetryLogs): any pointer is
    # answered as one to nothing; a missing or too long pointer is a validation error.
    with pytest.raises(tail.exceptions.ResourceNotFoundException) as missing:
        tail.get_log_object(logObjectPointer="pointer")
    assert_aws_error(missing, "ResourceNotFoundException",
                     "The specified log object does not exist.")
    with pytest.raises(tail.exceptions.InvalidParameterException) as too_long:
        tail.get_log_object(logObjectPointer="p" * 513)
    assert_aws_error(too_long, "InvalidParameterException",
                     f"1 validation error detected: Value '{'p' * 513}' at 'logObjectPointer' "
                     "failed to satisfy constraint: Member must have length less than or equal "
                     "to 512")


def test_a_tail_shows_what_data_protection_masks(tail, names):
    # Issue 16: Live Tail is a read like the others; a masked event is shown masked.
    group, stream = names.group(), names.stream()
    make_group(tail, group, stream)
    tail.put_data_protection_policy(logGroupIdentifier=group, policyDocument=EMAIL_MASKING_POLICY)
    response = tail.start_live_tail(logGroupIdentifiers=[arn(group)])
    events = iter(response["responseStream"])
    next(events)
    put(tail, group, stream, "mail jane.doe@example.com now", "no address")
    assert [r["message"] for r in updates_until(events, 2)] == ["mail **** now", "no address"]
    response["responseStream"].close()


def test_a_hosts_entry_for_the_prefixed_name_needs_no_client_switch(tail_emulator, names,
                                                                     monkeypatch):
    # The server routes on X-Amz-Target alone, never on Host: with `stream-localhost` resolving
    # to the emulator (a hosts entry, or compose's extra_hosts), boto3 with its host prefix
    # left on works against http://localhost:PORT. The patched resolver plays the hosts entry.
    import socket
    from urllib.parse import urlparse
    real = socket.getaddrinfo

    def resolve(host, *args, **kwargs):
        if host in ("stream-localhost", "streaming-localhost"):
            host = "127.0.0.1"
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    port = urlparse(tail_emulator.url).port
    client = boto3.client("logs", endpoint_url=f"http://localhost:{port}", region_name=REGION,
                          aws_access_key_id="test", aws_secret_access_key="test",
                          config=Config(retries={"max_attempts": 1}))
    asked: list[str] = []
    client.meta.events.register(
        "before-send.logs.StartLiveTail", lambda request, **_: asked.append(request.url))
    group, stream = names.group(), names.stream()
    make_group(client, group, stream)
    response = client.start_live_tail(logGroupIdentifiers=[arn(group)])
    assert urlparse(asked[0]).hostname == "stream-localhost"
    events = iter(response["responseStream"])
    assert "sessionStart" in next(events)
    put(client, group, stream, "through the hosts entry")
    assert [r["message"] for r in updates_until(events, 1)] == ["through the hosts entry"]
    response["responseStream"].close()
