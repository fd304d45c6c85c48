"""Helpers shared by the client tests: the emulator process, clients, names, paging."""
from __future__ import annotations

import json
import os
import queue
import re
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

REGION = "ap-northeast-1"
HERE = Path(__file__).resolve().parent
SEED_DIR = HERE / "seed"
READY_RE = re.compile(r"cwlogs-emulator listening on (http://\S+)")
# How botocore words a service error; the AWS CLI prints it to stderr, and an uncaught boto3
# exception ends a traceback with it.
CLIENT_ERROR_RE = re.compile(
    r"An error occurred \(([^)]*)\) when calling the (\w+) operation: (.*)")
STARTUP_TIMEOUT_S = 15


def _binary() -> str:
    path = os.environ.get("CWLOGS_BIN")
    if not path:
        # Convenience for running pytest by hand after `cargo build`.
        path = str(HERE.parents[1] / "target" / "debug" / "cwlogs-emulator")
    if not os.access(path, os.X_OK):
        pytest.fail(
            f"emulator binary not found at {path!r}: run `make test-python`, or build it with "
            "`cargo build -p cwlogs-emulator --bin cwlogs-emulator` and set CWLOGS_BIN"
        )
    return path


class Emulator:
    """A running cwlogs-emulator process; `url` is what its readiness line announced."""

    def __init__(self, *extra_args: str, env: dict[str, str] | None = None):
        """Start the binary. With `env`, it is configured by those CWLOGS_* variables alone (as
        the container image does); otherwise by flags."""
        if env is None:
            self.args = [_binary(), "--port", "0", "--log-level", "warn", *extra_args]
        else:
            self.args = [_binary(), *extra_args]
        inherited = {k: v for k, v in os.environ.items() if not k.startswith("CWLOGS_")}
        env = {**inherited, **(env or {})}
        self.proc = subprocess.Popen(
            self.args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        self.output: list[str] = []  # everything it printed, for failure messages
        lines: queue.Queue[str | None] = queue.Queue()
        # Drain both pipes for the whole life of the process so it can never block on a full pipe.
        for pipe in (self.proc.stdout, self.proc.stderr):
            threading.Thread(target=self._drain, args=(pipe, lines), daemon=True).start()
        self.url = self._wait_ready(lines)

    def _drain(self, pipe, lines: queue.Queue) -> None:
        for line in pipe:
            self.output.append(line)
            lines.put(line)
        lines.put(None)

    def _wait_ready(self, lines: queue.Queue) -> str:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        closed = 0
        while closed < 2:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            try:
                line = lines.get(timeout=remaining)
            except queue.Empty:
                break
            if line is None:
                closed += 1
                continue
            m = READY_RE.search(line)
            if m:
                # A server bound to every interface is reached on loopback.
                return m.group(1).replace("//0.0.0.0:", "//127.0.0.1:")
        self.stop()
        pytest.fail(
            f"emulator did not announce readiness: {' '.join(self.args)}\n{''.join(self.output)}"
        )

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def client(self, region: str = REGION):
        return make_client(self.url, region)

    def env(self, region: str = REGION) -> dict[str, str]:
        return aws_env(self.url, region)


def make_client(endpoint_url: str, region: str = REGION):
    return boto3.client(
        "logs",
        endpoint_url=endpoint_url,
        region_name=region,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        # No retries: an emulator error must show up as the error it is, at once.
        config=Config(retries={"total_max_attempts": 1, "mode": "standard"}),
    )


def aws_env(endpoint_url: str, region: str = REGION) -> dict[str, str]:
    """The environment the seed scripts and `aws` run with: only the standard variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ENDPOINT_URL=endpoint_url,
        AWS_ACCESS_KEY_ID="test",
        AWS_SECRET_ACCESS_KEY="test",
        AWS_DEFAULT_REGION=region,
        # Keep a developer's ~/.aws out of the tests.
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_PAGER="",
    )
    # The venv's `aws` and python first, also when pytest is run without the Makefile.
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    return env


class Names:
    """Fresh names for one test; group names use only the characters AWS allows."""

    def __init__(self):
        self.prefix = f"t{uuid.uuid4().hex[:12]}"

    def group(self, suffix: str = "g") -> str:
        return f"/cwlogs-test/{self.prefix}/{suffix}"

    def stream(self, suffix: str = "s") -> str:
        return f"{self.prefix}-{suffix}"


# A data protection policy that audits and masks email addresses, as JSON text.
EMAIL_MASKING_POLICY = json.dumps({
    "Name": "data-protection", "Version": "2021-06-01",
    "Statement": [
        {"Sid": "audit",
         "DataIdentifier": ["arn:aws:dataprotection::aws:data-identifier/EmailAddress"],
         "Operation": {"Audit": {"FindingsDestination": {}}}},
        {"Sid": "redact",
         "DataIdentifier": ["arn:aws:dataprotection::aws:data-identifier/EmailAddress"],
         "Operation": {"Deidentify": {"MaskConfig": {}}}},
    ]})


def now_ms() -> int:
    return int(time.time() * 1000)


def put_chained(client, group: str, stream: str, events: list[dict], batch: int = 10_000,
                token: str | None = None) -> str | None:
    """Put `events` in batches, chaining nextSequenceToken (works in strict and ignore mode)."""
    for i in range(0, len(events), batch):
        kwargs = dict(logGroupName=group, logStreamName=stream, logEvents=events[i:i + batch])
        if token:
            kwargs["sequenceToken"] = token
        resp = client.put_log_events(**kwargs)
        assert "rejectedLogEventsInfo" not in resp, resp["rejectedLogEventsInfo"]
        token = resp["nextSequenceToken"]
    return token


def read_forward(client, group: str, stream: str, **kwargs) -> tuple[list[list[dict]], str]:
    """Page from the head with nextForwardToken until the token passed in comes back (the
    article's loop). Returns the non-empty pages and the end token; fails rather than loop."""
    pages: list[list[dict]] = []
    token = None
    for _ in range(1000):
        extra = {"nextToken": token} if token is not None else {}
        resp = client.get_log_events(logGroupName=group, logStreamName=stream,
                                     startFromHead=True, **kwargs, **extra)
        if token is not None and resp["nextForwardToken"] == token:
            assert resp["events"] == [], "the end token came back with events"
            return pages, token
        if resp["events"]:
            pages.append(resp["events"])
        token = resp["nextForwardToken"]
    pytest.fail("forward paging did not terminate")


def assert_aws_error(error, code: str, message: str, operation: str | None = None) -> None:
    """Assert that a client saw the AWS error `code` with exactly `message` (and, if given, that
    it came from `operation`). `error` is what the client surfaced:
    - a boto3 `ClientError`, or the `pytest.raises` ExceptionInfo holding one: its
      `response["Error"]` code and message, and HTTP 400;
    - a `subprocess.CompletedProcess` of the AWS CLI or of a script using boto3: a non-zero exit
      and exactly one `An error occurred (Code) when calling the Op operation: message` line in
      its stderr."""
    if isinstance(error, pytest.ExceptionInfo):
        error = error.value
    if isinstance(error, ClientError):
        context = error.response
        assert context["ResponseMetadata"]["HTTPStatusCode"] == 400, context
        got = (context["Error"].get("Code"), context["Error"].get("Message"), error.operation_name)
    elif isinstance(error, subprocess.CompletedProcess):
        context = error.stderr
        assert error.returncode != 0, f"expected {code}, but the command succeeded"
        lines = CLIENT_ERROR_RE.findall(context)
        assert len(lines) == 1, context
        got_code, got_operation, got_message = lines[0]
        got = (got_code, got_message, got_operation)
    else:
        pytest.fail(f"not an AWS client error: {error!r}")
    if operation is None:
        operation = got[2]
    assert got == (code, message, operation), context
