"""Export tasks to an S3-compatible endpoint (--s3-endpoint): a small recording S3 server
inside the test answers HEAD bucket and PutObject; what arrives is checked object by object,
with its SigV4 signature."""
from __future__ import annotations

import gzip
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from support import REGION, Emulator, assert_aws_error, now_ms


class S3:
    """Path-style S3: HEAD /bucket is 200 for the buckets given, PUT /bucket/key stores."""

    def __init__(self, buckets: set[str]):
        self.objects: dict[str, bytes] = {}
        self.puts: list[dict] = []
        self.lock = threading.Lock()
        s3 = self

        class Handler(BaseHTTPRequestHandler):
            def do_HEAD(self):
                self.send_response(200 if self.path.strip("/") in buckets else 404)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_PUT(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                bucket, _, key = self.path.lstrip("/").partition("/")
                with s3.lock:
                    s3.puts.append({"headers": {k.lower(): v for k, v in self.headers.items()},
                                    "bucket": bucket})
                    if bucket in buckets:
                        s3.objects[key] = body
                self.send_response(200 if bucket in buckets else 404)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def s3():
    server = S3({"archive"})
    yield server
    server.server.shutdown()


def test_export_to_the_s3_endpoint_puts_aws_object_layout_signed(s3, names):
    emu = Emulator("--region", REGION, "--s3-endpoint", s3.url)
    try:
        logs = emu.client()
        group = names.group()
        logs.create_log_group(logGroupName=group)
        now = now_ms()
        for stream in ["web/1", "worker"]:
            logs.create_log_stream(logGroupName=group, logStreamName=stream)
            logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=[
                {"timestamp": now - 1000, "message": f"{stream} first"},
                {"timestamp": now, "message": f"{stream} second"}])
        task_id = logs.create_export_task(logGroupName=group, fromTime=now - 1000, to=now + 1,
                                          destination="archive",
                                          destinationPrefix="exports")["taskId"]
        deadline = time.monotonic() + 20
        while True:
            [task] = logs.describe_export_tasks(taskId=task_id)["exportTasks"]
            if task["status"]["code"] not in ("PENDING", "RUNNING"):
                break
            assert time.monotonic() < deadline, task
            time.sleep(0.05)
        assert task["status"] == {"code": "COMPLETED", "message": "Completed successfully"}
        assert sorted(s3.objects) == sorted([
            "exports/aws-logs-write-test", f"exports/{task_id}/web/1/000000.gz",
            f"exports/{task_id}/worker/000000.gz"])
        assert s3.objects["exports/aws-logs-write-test"] == b"Permission Check Successful"
        lines = gzip.decompress(s3.objects[f"exports/{task_id}/worker/000000.gz"]).decode()
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now / 1000))
        assert lines.splitlines()[1] == f"{stamp}.{now % 1000:03d}Z worker second"
        for put in s3.puts:
            auth = put["headers"]["authorization"]
            assert auth.startswith("AWS4-HMAC-SHA256 Credential=test/"), auth
            assert f"/{REGION}/s3/aws4_request" in auth
            assert "x-amz-content-sha256" in put["headers"]
            assert "x-amz-content-sha256" in auth.split("SignedHeaders=")[1]

        # A bucket the endpoint does not have: AWS's answer for a missing bucket.
        with pytest.raises(logs.exceptions.InvalidParameterException) as error:
            logs.create_export_task(logGroupName=group, fromTime=0, to=1, destination="nope")
        assert_aws_error(error, "InvalidParameterException",
                         "The given bucket does not exist. Please make sure the bucket is valid.")
    finally:
        emu.stop()
