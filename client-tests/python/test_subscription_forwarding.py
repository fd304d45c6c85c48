"""Forwarding subscription deliveries to local Kinesis, Firehose and Lambda endpoints: a small
recording HTTP server inside the test stands in for each service; what arrives is decoded and
checked field by field, exactly once, across 2 filters and 3 streams."""
from __future__ import annotations

import base64
import gzip
import json
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

import pytest

from support import REGION, Emulator, assert_aws_error, now_ms

ACCOUNT = "000000000000"
KINESIS = f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/errors"
LAMBDA = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:handler"
FIREHOSE = f"arn:aws:firehose:{REGION}:{ACCOUNT}:deliverystream/archive"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/cwl"


class Recorder:
    """An HTTP server that records every POST; it answers 500 to the first `fail_first` calls,
    then what the service answers on success."""

    def __init__(self, fail_first: int = 0, existing: set[str] | None = None):
        self.calls: list[dict] = []
        self.refused = 0
        self.lock = threading.Lock()
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def answer(self, status: int, answer: dict) -> None:
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                # Lambda's GetFunction: GET /2015-03-31/functions/{name}
                name = self.path.rsplit("/", 1)[-1].split("?")[0]
                with recorder.lock:
                    recorder.calls.append({"path": self.path, "method": "GET",
                                           "headers": {k.lower(): v
                                                       for k, v in self.headers.items()}})
                if name in (existing or set()):
                    self.answer(200, {"Configuration": {"FunctionName": name}})
                else:
                    self.answer(404, {"Type": "User", "Message": f"Function not found: {name}"})

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                target = self.headers.get("X-Amz-Target", "")
                if target.endswith((".DescribeStreamSummary", ".DescribeDeliveryStream")):
                    request = json.loads(body)
                    with recorder.lock:
                        recorder.calls.append({"path": self.path, "target": target,
                                               "body": request})
                    name = request.get("StreamName") or request.get("DeliveryStreamName")
                    if name not in (existing or set()):
                        self.answer(400, {"__type": "ResourceNotFoundException",
                                          "message": f"{name} not found"})
                    elif "StreamName" in request:
                        self.answer(200, {"StreamDescriptionSummary": {
                            "StreamName": name, "StreamStatus": "ACTIVE"}})
                    else:
                        self.answer(200, {"DeliveryStreamDescription": {
                            "DeliveryStreamName": name, "DeliveryStreamStatus": "ACTIVE"}})
                    return
                with recorder.lock:
                    if recorder.refused < fail_first:
                        recorder.refused += 1
                        self.send_response(500)
                        self.end_headers()
                        return
                    headers = {k.lower(): v for k, v in self.headers.items()}
                    form = headers.get("content-type", "").startswith("application/x-www-form")
                    recorder.calls.append({"path": self.path, "headers": headers,
                                           "body": (dict(parse_qsl(body.decode())) if form
                                                    else json.loads(body))})
                target = self.headers.get("X-Amz-Target", "")
                if target.startswith("Kinesis"):
                    answer = {"FailedRecordCount": 0,
                              "Records": [{"SequenceNumber": "1", "ShardId": "shardId-0"}]}
                    self.send_response(200)
                elif target.startswith("Firehose"):
                    answer = {"FailedPutCount": 0, "RequestResponses": [{"RecordId": "r"}]}
                    self.send_response(200)
                else:
                    answer = {}
                    self.send_response(202)
                data = json.dumps(answer).encode()
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()


@pytest.fixture
def recorders():
    started = []

    def start(**kwargs) -> Recorder:
        r = Recorder(**kwargs)
        started.append(r)
        return r

    yield start
    for r in started:
        r.stop()


def deliveries(emu) -> dict:
    with urllib.request.urlopen(emu.url + "/_cwlogs/deliveries", timeout=10) as answer:
        return json.loads(answer.read())


def wait_settled(emu, count: int, timeout: float = 20) -> list[dict]:
    """The outbox once `count` deliveries are there and none is pending."""
    deadline = time.monotonic() + timeout
    while True:
        listed = deliveries(emu)["deliveries"]
        if len(listed) == count and all(d["status"] != "pending" for d in listed):
            return listed
        if time.monotonic() > deadline:
            pytest.fail(f"deliveries did not settle: {json.dumps(listed)[:3000]}")
        time.sleep(0.05)


def unpack(data: str) -> dict:
    return json.loads(gzip.decompress(base64.b64decode(data)))


def assert_signed(call: dict, service: str) -> None:
    auth = call["headers"]["authorization"]
    assert auth.startswith("AWS4-HMAC-SHA256 Credential=test/"), auth
    assert f"/{REGION}/{service}/aws4_request" in auth, auth
    assert "SignedHeaders=" in auth and "Signature=" in auth
    assert "x-amz-date" in call["headers"]


def test_forwarding_to_kinesis_lambda_and_firehose_exactly_once(recorders, names):
    kinesis, lam, firehose = recorders(), recorders(fail_first=1), recorders()
    emu = Emulator("--sequence-tokens", "ignore", "--region", REGION,
                   "--kinesis-endpoint", kinesis.url, "--lambda-endpoint", lam.url,
                   "--firehose-endpoint", firehose.url)
    try:
        logs = emu.client()
        group = names.group()
        logs.create_log_group(logGroupName=group)
        streams = ["api", "web", "worker"]
        for s in streams:
            logs.create_log_stream(logGroupName=group, logStreamName=s)
        logs.put_subscription_filter(logGroupName=group, filterName="errors",
                                     filterPattern="ERROR", destinationArn=KINESIS,
                                     roleArn=ROLE)
        logs.put_subscription_filter(logGroupName=group, filterName="all", filterPattern="",
                                     destinationArn=LAMBDA)
        # A second group subscribes through a logs destination standing for a Firehose.
        dest = logs.put_destination(destinationName=names.stream("d"), targetArn=FIREHOSE,
                                    roleArn=ROLE)["destination"]
        other = names.group("other")
        logs.create_log_group(logGroupName=other)
        logs.create_log_stream(logGroupName=other, logStreamName="s")
        logs.put_subscription_filter(logGroupName=other, filterName="via-destination",
                                     filterPattern="", destinationArn=dest["arn"])

        start = now_ms() - 60_000
        puts = 0
        for round_ in range(2):
            for n, s in enumerate(streams):
                t = start + round_ * 1000 + n * 10
                began = time.monotonic()
                logs.put_log_events(logGroupName=group, logStreamName=s, logEvents=[
                    {"timestamp": t, "message": f"INFO {s} {round_} a"},
                    {"timestamp": t + 1, "message": f"ERROR {s} {round_} b"},
                    {"timestamp": t + 2, "message": f"INFO {s} {round_} c"},
                ])
                assert time.monotonic() - began < 2, "a put waited on forwarding"
                puts += 1
        logs.put_log_events(logGroupName=other, logStreamName="s",
                            logEvents=[{"timestamp": start, "message": "archived"}])
        # 1 control message + 6 per filter + 1 via the destination.
        settled = wait_settled(emu, 1 + 2 * puts + 1)
        assert {d["status"] for d in settled} == {"delivered"}, settled
        lambda_attempts = sorted(d["attempts"] for d in settled if d["filterName"] == "all")
        assert lambda_attempts == [1] * (puts - 1) + [2]  # the refused call was retried

        ids = {e["eventId"]: e for e in logs.filter_log_events(logGroupName=group)["events"]}
        assert len(ids) == 18

        # Kinesis: PutRecords, signed, one record per delivery, partition key = log stream.
        seen_kinesis: dict[str, int] = {}
        control = 0
        for call in kinesis.calls:
            assert call["path"] == "/"
            assert call["headers"]["x-amz-target"] == "Kinesis_20131202.PutRecords"
            assert call["headers"]["content-type"] == "application/x-amz-json-1.1"
            assert_signed(call, "kinesis")
            assert call["body"]["StreamName"] == "errors"
            [record] = call["body"]["Records"]
            payload = unpack(record["Data"])
            if payload["messageType"] == "CONTROL_MESSAGE":
                control += 1
                assert payload["owner"] == "CloudwatchLogs"
                assert payload["logEvents"][0]["message"] == (
                    "CWL CONTROL MESSAGE: Checking health of destination Kinesis stream.")
                continue
            assert payload["messageType"] == "DATA_MESSAGE"
            assert payload["owner"] == ACCOUNT
            assert payload["logGroup"] == group
            assert payload["subscriptionFilters"] == ["errors"]
            assert record["PartitionKey"] == payload["logStream"]
            for event in payload["logEvents"]:
                want = ids[event["id"]]
                assert (payload["logStream"], event["timestamp"], event["message"]) == (
                    want["logStreamName"], want["timestamp"], want["message"])
                assert event["message"].startswith("ERROR")
                seen_kinesis[event["id"]] = seen_kinesis.get(event["id"], 0) + 1
        assert control == 1
        assert seen_kinesis == {i: 1 for i, e in ids.items() if "ERROR" in e["message"]}

        # Lambda: an asynchronous Invoke with {"awslogs": {"data": ...}}.
        seen_lambda: dict[str, int] = {}
        for call in lam.calls:
            assert call["path"] == "/2015-03-31/functions/handler/invocations"
            assert call["headers"]["x-amz-invocation-type"] == "Event"
            assert_signed(call, "lambda")
            payload = unpack(call["body"]["awslogs"]["data"])
            assert (payload["messageType"], payload["owner"], payload["logGroup"],
                    payload["subscriptionFilters"]) == ("DATA_MESSAGE", ACCOUNT, group, ["all"])
            assert len(payload["logEvents"]) == 3
            for event in payload["logEvents"]:
                want = ids[event["id"]]
                assert (payload["logStream"], event["timestamp"], event["message"]) == (
                    want["logStreamName"], want["timestamp"], want["message"])
                seen_lambda[event["id"]] = seen_lambda.get(event["id"], 0) + 1
        assert seen_lambda == {i: 1 for i in ids}

        # Firehose, through the destination: PutRecordBatch to the destination's target.
        [call] = firehose.calls
        assert call["headers"]["x-amz-target"] == "Firehose_20150804.PutRecordBatch"
        assert_signed(call, "firehose")
        assert call["body"]["DeliveryStreamName"] == "archive"
        [record] = call["body"]["Records"]
        payload = unpack(record["Data"])
        assert (payload["logGroup"], payload["logStream"], payload["subscriptionFilters"],
                [e["message"] for e in payload["logEvents"]]) == (
            other, "s", ["via-destination"], ["archived"])
    finally:
        emu.stop()


def test_check_destinations_asks_each_service_and_answers_aws_errors(recorders, names):
    kinesis = recorders(existing={"errors"})
    lam = recorders(existing={"handler"})
    firehose = recorders(existing=set())
    emu = Emulator("--region", REGION, "--check-destinations",
                   "--kinesis-endpoint", kinesis.url, "--lambda-endpoint", lam.url,
                   "--firehose-endpoint", firehose.url)
    try:
        logs = emu.client()
        group = names.group()
        logs.create_log_group(logGroupName=group)

        def put(arn: str, **extra):
            logs.put_subscription_filter(logGroupName=group, filterName="f",
                                         filterPattern="", destinationArn=arn, **extra)

        missing_stream = f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/absent"
        with pytest.raises(logs.exceptions.InvalidParameterException) as err:
            put(missing_stream, roleArn=ROLE)
        assert_aws_error(err.value, "InvalidParameterException",
                         "Could not deliver test message to specified Kinesis stream. "
                         "Check if the given kinesis stream is in ACTIVE state.")
        assert kinesis.calls[-1]["target"] == "Kinesis_20131202.DescribeStreamSummary"
        assert kinesis.calls[-1]["body"] == {"StreamName": "absent"}
        put(KINESIS, roleArn=ROLE)

        with pytest.raises(logs.exceptions.InvalidParameterException) as err:
            put(f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:gone")
        assert_aws_error(err.value, "InvalidParameterException",
                         "Could not execute the lambda function. Make sure you have given "
                         "CloudWatch Logs permission to execute your function.")
        assert lam.calls[-1]["path"] == "/2015-03-31/functions/gone"
        assert_signed(lam.calls[-1], "lambda")
        put(LAMBDA)

        with pytest.raises(logs.exceptions.InvalidParameterException) as err:
            put(FIREHOSE, roleArn=ROLE)
        assert_aws_error(err.value, "InvalidParameterException",
                         "Could not deliver test message to specified Firehose stream. "
                         "Check if the given Firehose stream is in ACTIVE state.")
        with pytest.raises(logs.exceptions.InvalidParameterException) as err:
            put(f"arn:aws:logs:{REGION}:{ACCOUNT}:destination:nowhere")
        assert_aws_error(err.value, "InvalidParameterException",
                         "Could not deliver test message to specified destination. "
                         "Check if the destination is valid.")
        # The filter that was accepted last is the one kept.
        [kept] = logs.describe_subscription_filters(logGroupName=group)["subscriptionFilters"]
        assert kept["destinationArn"] == LAMBDA
    finally:
        emu.stop()


def test_a_destination_that_is_down_fails_after_retries_without_slowing_puts(names):
    emu = Emulator("--sequence-tokens", "ignore", "--lambda-endpoint", "http://127.0.0.1:9")
    try:
        logs = emu.client()
        group = names.group()
        logs.create_log_group(logGroupName=group)
        logs.create_log_stream(logGroupName=group, logStreamName="s")
        logs.put_subscription_filter(logGroupName=group, filterName="all", filterPattern="",
                                     destinationArn=LAMBDA)
        # Kinesis has no endpoint: its deliveries are recorded, not forwarded.
        logs.put_subscription_filter(logGroupName=group, filterName="k", filterPattern="",
                                     destinationArn=KINESIS, roleArn=ROLE)
        began = time.monotonic()
        logs.put_log_events(logGroupName=group, logStreamName="s",
                            logEvents=[{"timestamp": now_ms(), "message": "hello"}])
        assert time.monotonic() - began < 1
        settled = wait_settled(emu, 3)
        by_filter = {(d["filterName"], d["payload"]["messageType"]): d for d in settled}
        assert by_filter[("k", "CONTROL_MESSAGE")]["status"] == "recorded"
        assert by_filter[("k", "DATA_MESSAGE")]["status"] == "recorded"
        failed = by_filter[("all", "DATA_MESSAGE")]
        assert failed["status"] == "failed" and failed["attempts"] == 5
        assert failed["error"].startswith(
            "http://127.0.0.1:9/2015-03-31/functions/handler/invocations: "), failed["error"]
    finally:
        emu.stop()


def test_metric_filters_publish_with_put_metric_data_flushed_at_shutdown(recorders, names):
    cloudwatch = recorders()
    emu = Emulator("--sequence-tokens", "ignore", "--region", REGION,
                   "--cloudwatch-endpoint", cloudwatch.url)
    try:
        logs = emu.client()
        group = names.group()
        logs.create_log_group(logGroupName=group)
        logs.create_log_stream(logGroupName=group, logStreamName="s")
        logs.put_metric_filter(logGroupName=group, filterName="bytes",
                               filterPattern="[ip, status, bytes]", metricTransformations=[
                                   {"metricName": "Bytes", "metricNamespace": "Web",
                                    "metricValue": "$bytes", "unit": "Bytes",
                                    "dimensions": {"Status": "$status"}}])
        minute = now_ms() // 60_000 * 60_000 - 60_000
        logs.put_log_events(logGroupName=group, logStreamName="s", logEvents=[
            {"timestamp": minute + 1, "message": "1.2.3.4 200 100"},
            {"timestamp": minute + 2, "message": "1.2.3.4 200 20"}])
        with urllib.request.urlopen(emu.url + "/_cwlogs/metrics", timeout=10) as answer:
            before = json.loads(answer.read())
        assert before["publishing"] == {"requests": 0, "dataPoints": 0, "failedDataPoints": 0}
        assert cloudwatch.calls == []  # batched per minute, not per put
    finally:
        emu.stop()  # SIGTERM: the shutdown flushes
    [call] = cloudwatch.calls
    assert_signed(call, "monitoring")
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(minute / 1000))
    assert call["body"] == {
        "Action": "PutMetricData", "Version": "2010-08-01", "Namespace": "Web",
        "MetricData.member.1.MetricName": "Bytes",
        "MetricData.member.1.Timestamp": stamp,
        "MetricData.member.1.Unit": "Bytes",
        "MetricData.member.1.StatisticValues.SampleCount": "2",
        "MetricData.member.1.StatisticValues.Sum": "120",
        "MetricData.member.1.StatisticValues.Minimum": "20",
        "MetricData.member.1.StatisticValues.Maximum": "100",
        "MetricData.member.1.Dimensions.member.1.Name": "Status",
        "MetricData.member.1.Dimensions.member.1.Value": "200",
    }
