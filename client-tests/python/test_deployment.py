"""The standalone binary as the container image runs it: configured by CWLOGS_* variables only,
bound to 0.0.0.0, with fixtures, the health route, the --healthcheck probe and a clean SIGTERM."""
from __future__ import annotations

import re
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from support import Emulator, _binary, make_client, read_forward

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "fixtures"
# What the Dockerfile sets, plus the options a compose file typically adds.
IMAGE_ENV = {
    "CWLOGS_HOST": "0.0.0.0",
    "CWLOGS_PORT": "0",
    "CWLOGS_REGION": "eu-west-1",
    "CWLOGS_ACCOUNT_ID": "123456789012",
    "CWLOGS_LOG_LEVEL": "info",
    "CWLOGS_SEQUENCE_TOKENS": "ignore",
    "CWLOGS_FIXTURES": str(FIXTURES),
}


@pytest.fixture(scope="module")
def container_like(tmp_path_factory):
    # The image's CWLOGS_PORT_FILE, in a folder of this test's own.
    env = {**IMAGE_ENV,
           "CWLOGS_PORT_FILE": str(tmp_path_factory.mktemp("image") / "cwlogs-emulator.port")}
    emu = Emulator(env=env)
    emu.image_env = env
    yield emu
    emu.stop()


def test_environment_configures_everything(container_like):
    # No region in the signature scope would fall back to CWLOGS_REGION; boto3 always signs,
    # so use the same region the server defaults to.
    logs = make_client(container_like.url, "eu-west-1")
    groups = logs.describe_log_groups()["logGroups"]
    names = [g["logGroupName"] for g in groups]
    assert names == ["/app/web", "/seed/article"]
    article = next(g for g in groups if g["logGroupName"] == "/seed/article")
    assert article["logGroupArn"] == "arn:aws:logs:eu-west-1:123456789012:log-group:/seed/article"
    assert article["retentionInDays"] == 14

    pages, _ = read_forward(logs, "/seed/article", "article-stream")
    assert [len(p) for p in pages] == [10000, 10000, 6351]
    assert pages[0][0]["message"] == "test message 00001"
    assert pages[-1][-1]["message"] == "test message 26351"

    # Ignore mode: a put with no token on a stream that has events is accepted.
    resp = logs.put_log_events(
        logGroupName="/app/web", logStreamName="web-1",
        logEvents=[{"timestamp": pages[-1][-1]["timestamp"], "message": "from the test"}],
    )
    assert re.fullmatch(r"\d{56}", resp["nextSequenceToken"])


def test_request_log_lines_at_info(container_like):
    make_client(container_like.url, "eu-west-1").describe_log_groups()
    log = "".join(container_like.output)
    assert re.search(r"request.*operation.*DescribeLogGroups.*status.*200", log), log[-2000:]


def test_health_route_and_healthcheck_probe(container_like):
    with urllib.request.urlopen(container_like.url + "/health", timeout=5) as resp:
        assert resp.status == 200
    port = container_like.url.rsplit(":", 1)[1]
    probe = subprocess.run([_binary(), "--healthcheck"], env={"CWLOGS_PORT": port},
                           capture_output=True, text=True, timeout=10)
    assert probe.returncode == 0, probe.stderr
    # The HEALTHCHECK command gets the image's environment only (here CWLOGS_PORT=0, not the
    # port the server got): it finds the server through the port file.
    probe = subprocess.run([_binary(), "--healthcheck"], env=container_like.image_env,
                           capture_output=True, text=True, timeout=10)
    assert probe.returncode == 0, probe.stderr
    down = subprocess.run([_binary(), "--healthcheck", "--port", "1"], capture_output=True,
                          text=True, timeout=10)
    assert down.returncode == 1, down
    # The rest of the line is the OS's words for the refused connection.
    assert down.stderr.startswith("unhealthy: "), down.stderr


def test_sigterm_exits_cleanly():
    emu = Emulator()
    emu.proc.send_signal(signal.SIGTERM)
    assert emu.proc.wait(timeout=10) == 0


def test_help_documents_every_option():
    out = subprocess.run([_binary(), "--help"], capture_output=True, text=True, check=True).stdout
    for flag, env in [("--host", "CWLOGS_HOST"), ("--port", "CWLOGS_PORT"),
                      ("--region", "CWLOGS_REGION"), ("--account-id", "CWLOGS_ACCOUNT_ID"),
                      ("--sequence-tokens", "CWLOGS_SEQUENCE_TOKENS"),
                      ("--log-level", "CWLOGS_LOG_LEVEL"), ("--fixtures", "CWLOGS_FIXTURES"),
                      ("--quotas", "CWLOGS_QUOTAS"), ("--faults", "CWLOGS_FAULTS")]:
        assert flag in out and env in out, (flag, env, out)


@pytest.mark.parametrize("name,content,expected", [
    ("bad-name.json", '{"logGroupName": "no spaces allowed"}',
     ": 1 validation error detected: Value at 'logGroupName' failed to satisfy constraint: "
     "Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+"),
    ("bad-type.json", '{"logGroupName": "g",\n "streams": [\n {"logStreamName": 5}]}',
     ":3: invalid type: integer `5`, expected a string at line 3 column 20"),
    ("bad-event.ndjson", '{"logGroupName": "g"}\n{"logStreamName": "s", "message": "m"}\n',
     ":2: an event needs exactly one of timestamp and relativeMs"),
])
def test_bad_fixture_stops_startup_naming_file_and_line(tmp_path, name, content, expected):
    path = tmp_path / name
    path.write_text(content)
    run = subprocess.run([_binary(), "--port", "0", "--fixtures", str(path)],
                         capture_output=True, text=True, timeout=10)
    assert run.returncode == 1, run
    # One line: the file, the line where it has one, and what is wrong.
    assert run.stderr == f"cwlogs-emulator: {path}{expected}\n"
    assert run.stdout == ""


def test_healthcheck_finds_the_port_the_server_was_given(tmp_path):
    """`docker run IMAGE --port 5000`: the server gets the flag, the HEALTHCHECK command only the
    image's environment (CWLOGS_PORT=4566). The server writes its port to CWLOGS_PORT_FILE, and
    the probe reads it."""
    port_file = tmp_path / "cwlogs.port"
    emu = Emulator("--port", "0", env={"CWLOGS_PORT_FILE": str(port_file)})
    try:
        port = emu.url.rsplit(":", 1)[1]
        assert port_file.read_text() == f"{port}\n"
        image_env = {"CWLOGS_PORT": "1", "CWLOGS_PORT_FILE": str(port_file)}
        probe = subprocess.run([_binary(), "--healthcheck"], env=image_env,
                               capture_output=True, text=True, timeout=10)
        assert probe.returncode == 0, probe.stderr
        # An explicit --port still wins.
        probe = subprocess.run([_binary(), "--healthcheck", "--port", "1"], env=image_env,
                               capture_output=True, text=True, timeout=10)
        assert probe.returncode == 1, probe
    finally:
        emu.proc.send_signal(signal.SIGTERM)
        assert emu.proc.wait(timeout=10) == 0
    assert not port_file.exists(), "the port file outlived the server"


def _raw_post(url: str, headers: dict[str, str], body: bytes = b"{}") -> int:
    req = urllib.request.Request(url + "/", data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status
    except urllib.error.HTTPError as error:
        return error.code


def test_every_request_gets_one_plain_log_line(tmp_path):
    emu = Emulator(env={"CWLOGS_PORT": "0", "CWLOGS_LOG_LEVEL": "info"})
    try:
        logs = make_client(emu.url, "us-east-1")
        logs.create_log_group(logGroupName="g")
        logs.create_log_stream(logGroupName="g", logStreamName="s")
        logs.put_log_events(logGroupName="g", logStreamName="s",
                            logEvents=[{"timestamp": int(time.time() * 1000), "message": "m"}])
        amz = "application/x-amz-json-1.1"
        assert _raw_post(emu.url, {"Content-Type": amz}) == 400  # no X-Amz-Target
        # An implemented operation refusing its input (no operation is a stand-in 501).
        assert _raw_post(emu.url, {"Content-Type": amz,
                                   "X-Amz-Target": "Logs_20140328.GetLogEvents"}) == 400
        with urllib.request.urlopen(emu.url + "/health", timeout=5) as resp:
            assert resp.status == 200
        # A line is written after its answer: wait until all seven are there.
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            if len([line for line in emu.output if "status=" in line]) >= 7:
                break
            time.sleep(0.05)
    finally:
        emu.stop()
    log = "".join(emu.output)
    assert "\x1b[" not in log, "colour codes in a log that is not a terminal"
    lines = [line for line in emu.output if "status=" in line]
    for line in lines:
        for field in ("operation=", "group=", "stream=", "status=", "error=", "micros="):
            assert field in line, (field, line)
    def one(pattern: str) -> str:
        found = [line for line in lines if re.search(pattern, line)]
        assert len(found) == 1, (pattern, lines)
        return found[0]
    one(r'operation="?CreateLogGroup"? .*group="?g"? .*status=200')
    one(r'operation="?CreateLogStream"? .*group="?g"? stream="?s"? status=200')
    one(r'operation="?PutLogEvents"? .*group="?g"? stream="?s"? status=200')
    one(r'operation="?"? .*status=400 error="?UnknownOperationException"?')
    one(r'operation="?GetLogEvents"? .*status=400 error="?InvalidParameterException"?')
    one(r'operation="?GET /health"? .*status=200')
