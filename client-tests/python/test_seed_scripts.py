"""The article's three scripts (seed/, byte-identical copies), run unchanged as subprocesses
against the emulator binary with only AWS_ENDPOINT_URL and dummy credentials in the environment."""
from __future__ import annotations

import datetime
import hashlib
import subprocess
import sys

import pytest

from support import SEED_DIR, assert_aws_error, now_ms, put_chained

ARTICLE_EVENTS = 26_351

# Also listed in seed/README.md: the copies must stay the article's code.
SEED_SHA256 = {
    "get_log_events.sh": "9efd913ec62572027d58ded3cbffe3b4ee765d7c7d4a02cd1840fefea444ad0b",
    "put_with_tokens.py": "b2b0eca89df9e8470faea25fd64ae2fcaf7ddc58ca4dad91e57e8118a2a89e55",
    "read_all_events.py": "652e96ccda966af135cc42f6c8d3314fb56009e5533664f2555c88b9d290e814",
}


def run(args, env, cwd=None, timeout=120) -> subprocess.CompletedProcess:
    return subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)


def test_seed_scripts_are_unchanged():
    for name, digest in SEED_SHA256.items():
        assert hashlib.sha256((SEED_DIR / name).read_bytes()).hexdigest() == digest, name


@pytest.fixture(scope="module")
def article_stream(emulator):
    """The article's stream: 26,351 events from the last hour, written in batches of 10,000."""
    logs = emulator.client()
    group = f"/seed/article-{now_ms()}"
    stream = "article-stream"  # the script writes <stream>.log, so no '/' here
    logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName=stream)
    base = now_ms() - 3_000_000  # 50 minutes ago; 100 ms apart ends ~6 minutes ago
    events = [{"timestamp": base + 100 * i, "message": f"line {i + 1:05d}"}
              for i in range(ARTICLE_EVENTS)]
    put_chained(logs, group, stream, events, batch=10_000)
    return group, stream, events


def test_get_log_events_sh(emulator, article_stream, tmp_path):
    group, stream, events = article_stream
    proc = run(["bash", str(SEED_DIR / "get_log_events.sh"), group, stream],
               env=emulator.env(), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr

    lines = (tmp_path / f"{stream}.log").read_text().splitlines()
    assert len(lines) == ARTICLE_EVENTS
    expected = [
        datetime.datetime.fromtimestamp(e["timestamp"] / 1000, datetime.timezone.utc)
        .strftime("%Y-%m-%d %H:%M:%S") + "\t" + e["message"]
        for e in events
    ]
    assert lines == expected

    # The loop went head -> page 1 -> page 2 -> page 3 -> end, stopping on the repeated token.
    progress = [l for l in proc.stdout.splitlines() if l.startswith("next_forward_token:")]
    assert len(progress) == 4, proc.stdout


def test_read_all_events_py(emulator, article_stream):
    group, stream, _ = article_stream
    proc = run([sys.executable, str(SEED_DIR / "read_all_events.py"), group, stream],
               env=emulator.env())
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.splitlines()
    assert [l for l in out if l.startswith("events:")] == [
        "events: 10000", "events: 10000", "events: 6351"]
    assert len([l for l in out if l.startswith("first: ")]) == 3


def _stream(emu, names, seeded: bool):
    logs = emu.client()
    group, stream = names.group(), names.stream()
    logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName=stream)
    if seeded:  # the article's case: the stream already has events, so it has a token
        # A minute ago, so it sorts before the script's events (whole-second timestamps).
        put_chained(logs, group, stream, [{"timestamp": now_ms() - 60_000, "message": "existing"}])
    return logs, group, stream


def assert_already_accepted(proc, logs, group, stream):
    """The script died of DataAlreadyAccepted on its second put, naming the token that the
    first put returned (the stream's current one)."""
    (s,) = logs.describe_log_streams(logGroupName=group, logStreamNamePrefix=stream)["logStreams"]
    assert_aws_error(proc, "DataAlreadyAcceptedException",
                     "The given batch of log events has already been accepted. "
                     f"The next batch can be sent with sequenceToken: {s['uploadSequenceToken']}",
                     operation="PutLogEvents")


def _messages(logs, group, stream):
    return [e["message"] for e in logs.get_log_events(
        logGroupName=group, logStreamName=stream, startFromHead=True)["events"]]


@pytest.mark.parametrize("seeded", [False, True], ids=["new-stream", "stream-with-events"])
def test_put_with_tokens_chained(emulator, names, seeded):
    logs, group, stream = _stream(emulator, names, seeded)
    proc = run([sys.executable, str(SEED_DIR / "put_with_tokens.py"), group, stream],
               env=emulator.env())
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "put 10 batches"
    assert _messages(logs, group, stream) == ["existing"] * seeded + [f"test {i}" for i in range(10)]


def test_put_with_tokens_reuse_token_strict(emulator, names):
    logs, group, stream = _stream(emulator, names, seeded=True)
    proc = run([sys.executable, str(SEED_DIR / "put_with_tokens.py"), group, stream,
                "--reuse-token"], env=emulator.env())
    assert_already_accepted(proc, logs, group, stream)
    assert proc.stderr.splitlines()[-1].startswith(
        "botocore.errorfactory.DataAlreadyAcceptedException: "), proc.stderr
    # The first put was stored and the second, refused one was not stored twice.
    assert _messages(logs, group, stream) == ["existing", "test"]


def test_put_with_tokens_reuse_token_on_new_stream_strict(emulator, names):
    # A new stream has no uploadSequenceToken, so the loop sends no token at all: the first put
    # is accepted, and the second is the identical batch ('test') under the same (absent) token
    # as the accepted one, which spec section 3 answers with DataAlreadyAccepted. Either way the
    # script must stop at the second put with nothing stored twice.
    logs, group, stream = _stream(emulator, names, seeded=False)
    proc = run([sys.executable, str(SEED_DIR / "put_with_tokens.py"), group, stream,
                "--reuse-token"], env=emulator.env())
    assert_already_accepted(proc, logs, group, stream)
    assert _messages(logs, group, stream) == ["test"]


def test_put_with_tokens_reuse_token_ignore_mode(ignore_emulator, names):
    logs, group, stream = _stream(ignore_emulator, names, seeded=True)
    proc = run([sys.executable, str(SEED_DIR / "put_with_tokens.py"), group, stream,
                "--reuse-token"], env=ignore_emulator.env())
    assert proc.returncode == 0, proc.stderr
    assert _messages(logs, group, stream) == ["existing"] + ["test"] * 10
