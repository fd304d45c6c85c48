"""Vended logs emitted through `POST /_cwlogs/vended` reach a Firehose delivery stream
(`--firehose-endpoint`, PutRecordBatch) and X-Ray (`CWLOGS_XRAY_ENDPOINT`, PutTraceSegments)
over their real protocols: a recording HTTP server inside the test plays both services."""
from __future__ import annotations

import base64
import json
import urllib.request

from support import REGION, Emulator
from test_subscription_forwarding import ACCOUNT, recorders  # noqa: F401  (the fixture)


def emit(emu: Emulator, source: str, records: list[dict]) -> list[dict]:
    request = urllib.request.Request(
        f"{emu.url}/_cwlogs/vended", method="POST",
        data=json.dumps({"deliverySourceName": source, "records": records}).encode(),
        headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())["deliveries"]


def test_vended_logs_reach_firehose_and_xray_through_the_route(recorders):
    services = recorders()
    emu = Emulator("--port", "0", "--log-level", "warn", "--region", REGION,
                   "--firehose-endpoint", services.url,
                   env={"CWLOGS_XRAY_ENDPOINT": services.url})
    try:
        logs = emu.client()
        logs.put_delivery_source(
            name="cf", logType="ACCESS_LOGS",
            resourceArn=f"arn:aws:cloudfront::{ACCOUNT}:distribution/E2ABC")
        stream = logs.put_delivery_destination(
            name="fh", outputFormat="json",
            deliveryDestinationConfiguration={"destinationResourceArn":
                f"arn:aws:firehose:{REGION}:{ACCOUNT}:deliverystream/cdn-logs"},
        )["deliveryDestination"]["arn"]
        logs.create_delivery(deliverySourceName="cf", deliveryDestinationArn=stream,
                             recordFields=["c-ip", "sc-status"])
        logs.put_delivery_source(
            name="agent", logType="TRACES",
            resourceArn=f"arn:aws:bedrock-agentcore:{REGION}:{ACCOUNT}:runtime/a-1")
        xray = logs.put_delivery_destination(
            name="xray", deliveryDestinationType="XRAY")["deliveryDestination"]["arn"]
        logs.create_delivery(deliverySourceName="agent", deliveryDestinationArn=xray)

        [fh] = emit(emu, "cf", [{"c-ip": "1.2.3.4", "sc-status": 200, "date": "2026-01-01"}])
        assert (fh["deliveryDestinationType"], fh["status"], fh["records"]) == ("FH", "Delivered", 1)
        span = {"traceId": "1-6954d800-0123456789abcdef01234567", "spanId": "a1", "name": "x"}
        [traces] = emit(emu, "agent", [span])
        assert (traces["deliveryDestinationType"], traces["status"]) == ("XRAY", "Delivered")

        [batch] = [c for c in services.calls
                   if c["headers"].get("x-amz-target") == "Firehose_20150804.PutRecordBatch"]
        assert f"/{REGION}/firehose/aws4_request" in batch["headers"]["authorization"]
        assert batch["body"]["DeliveryStreamName"] == "cdn-logs"
        [record] = batch["body"]["Records"]
        line = base64.b64decode(record["Data"]).decode()
        assert line.endswith("\n")
        assert json.loads(line) == {"c-ip": "1.2.3.4", "sc-status": 200}

        [segments] = [c for c in services.calls if c["path"] == "/TraceSegments"]
        assert f"/{REGION}/xray/aws4_request" in segments["headers"]["authorization"]
        [document] = segments["body"]["TraceSegmentDocuments"]
        assert json.loads(document) == span
    finally:
        emu.stop()
