"""`--data-dir` and subscription deliveries: a delivery still under way at a `kill -9` (its
destination down or not answering) is sent after the restart, with or without a compaction in
between; one the destination had accepted is not sent again. A recording HTTP server plays
Kinesis (see test_subscription_forwarding.py)."""
from __future__ import annotations

import json
import signal
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from support import REGION, now_ms
from test_subscription_forwarding import Recorder, unpack

ACCOUNT = "000000000000"
KINESIS = f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/errors"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/cwl"


class Blocker:
    """A Kinesis endpoint that takes each request and never answers it (until stopped)."""

    def __init__(self):
        self.bodies: list[dict] = []
        self.lock = threading.Lock()
        self.release = threading.Event()
        blocker = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with blocker.lock:
                    blocker.bodies.append(json.loads(body))
                blocker.release.wait(60)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.release.set()
        self.server.shutdown()


def payloads(bodies: list[dict]) -> list[dict]:
    """The CloudWatch Logs payloads in Kinesis PutRecords bodies."""
    return [unpack(record["Data"]) for body in bodies for record in body.get("Records", [])]


def messages(bodies: list[dict]) -> list[str]:
    return [event["message"] for payload in payloads(bodies)
            if payload["messageType"] == "DATA_MESSAGE" for event in payload["logEvents"]]


def recorded(recorder: Recorder) -> list[dict]:
    with recorder.lock:
        return [call["body"] for call in recorder.calls if "Records" in call.get("body", {})]


def wait_until(what, timeout: float = 20):
    deadline = time.monotonic() + timeout
    while True:
        found = what()
        if found:
            return found
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what.__doc__ or what}")
        time.sleep(0.05)


def kill_9(emulator) -> None:
    emulator.proc.send_signal(signal.SIGKILL)
    emulator.proc.wait()


def compact(emulator) -> dict:
    request = urllib.request.Request(emulator.url + "/_cwlogs/compact", method="POST")
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())


def put(logs, group: str, message: str) -> None:
    logs.put_log_events(logGroupName=group, logStreamName="s",
                        logEvents=[{"timestamp": now_ms(), "message": message}])


def test_deliveries_under_way_at_a_kill_9_are_sent_after_the_restart(tmp_path, start_emulator):
    data = tmp_path / "data"
    group = "/durable/subscribed"
    first, blocker, second = Recorder(), Blocker(), Recorder()
    try:
        # 1. A destination that answers: the control message and one put are delivered.
        emulator = start_emulator("--data-dir", str(data), "--sequence-tokens", "ignore",
                                  "--kinesis-endpoint", first.url)
        logs = emulator.client()
        logs.create_log_group(logGroupName=group)
        logs.create_log_stream(logGroupName=group, logStreamName="s")
        logs.put_subscription_filter(logGroupName=group, filterName="all", filterPattern="",
                                     destinationArn=KINESIS, roleArn=ROLE)
        put(logs, group, "delivered before the crash")

        def delivered_before():
            """the first destination to get the control message and the put"""
            got = payloads(recorded(first))
            return (any(p["messageType"] == "CONTROL_MESSAGE" for p in got)
                    and "delivered before the crash" in messages(recorded(first)))
        wait_until(delivered_before)
        wait_until(lambda: all(d["status"] == "delivered" for d in json.loads(
            urllib.request.urlopen(emulator.url + "/_cwlogs/deliveries", timeout=10).read()
        )["deliveries"]))
        # Marks of finished deliveries are journaled without a wait; the next write waits
        # for everything journaled before it.
        time.sleep(0.2)
        logs.create_log_stream(logGroupName=group, logStreamName="barrier")
        kill_9(emulator)

        # 2. A destination that takes the requests and never answers: the puts stay under
        # way; a compaction runs between them; then the crash.
        emulator = start_emulator("--data-dir", str(data), "--sequence-tokens", "ignore",
                                  "--kinesis-endpoint", blocker.url)
        logs = emulator.client()
        put(logs, group, "under way before the compaction")
        wait_until(lambda: "under way before the compaction" in messages(blocker.bodies))
        assert compact(emulator)["afterBytes"] > 0
        put(logs, group, "under way after the compaction")
        wait_until(lambda: "under way after the compaction" in messages(blocker.bodies))
        # What was delivered before the first restart was not sent again.
        assert "delivered before the crash" not in messages(blocker.bodies)
        assert all(p["messageType"] == "DATA_MESSAGE" for p in payloads(blocker.bodies))
        kill_9(emulator)

        # 3. The destination answers again: both puts under way arrive (at least once).
        emulator = start_emulator("--data-dir", str(data), "--sequence-tokens", "ignore",
                                  "--kinesis-endpoint", second.url)

        def both_arrived():
            """both deliveries under way to arrive after the restart"""
            got = messages(recorded(second))
            return ("under way before the compaction" in got
                    and "under way after the compaction" in got)
        wait_until(both_arrived)
        got = payloads(recorded(second))
        assert "delivered before the crash" not in messages(recorded(second))
        assert all(p["messageType"] == "DATA_MESSAGE" for p in got), got
        assert {p["logGroup"] for p in got} == {group}
        assert {tuple(p["subscriptionFilters"]) for p in got} == {("all",)}
        # The events keep the ids FilterLogEvents gives them.
        ids = {e["message"]: e["id"] for p in got for e in p["logEvents"]}
        listed = {e["message"]: e["eventId"]
                  for e in emulator.client().filter_log_events(logGroupName=group)["events"]}
        for message, event_id in ids.items():
            assert listed[message] == event_id
        # Once delivered they are done: a further restart sends nothing again.
        wait_until(lambda: all(d["status"] == "delivered" for d in json.loads(
            urllib.request.urlopen(emulator.url + "/_cwlogs/deliveries", timeout=10).read()
        )["deliveries"]))
        time.sleep(0.2)
        emulator.client().create_log_stream(logGroupName=group, logStreamName="barrier-2")
        sent = len(recorded(second))
        kill_9(emulator)
        emulator = start_emulator("--data-dir", str(data), "--sequence-tokens", "ignore",
                                  "--kinesis-endpoint", second.url)
        emulator.client().describe_log_groups()
        time.sleep(1)
        assert len(recorded(second)) == sent
    finally:
        for server in (first, blocker, second):
            server.stop()
