"""The AWS CLI (v1, from the venv) against the emulator, configured only by AWS_ENDPOINT_URL:
the commands the article uses, with --output json, and jq turning events into TSV."""
from __future__ import annotations

import datetime
import json
import subprocess

from support import assert_aws_error, now_ms

JQ_TSV = ('.events[] | [(.timestamp / 1000 | strftime("%Y-%m-%d %H:%M:%S")), (."message")]'
          ' | @tsv')


def aws(env, *args, check=True) -> subprocess.CompletedProcess:
    proc = subprocess.run(["aws", "logs", *args, "--output", "json"], env=env,
                          capture_output=True, text=True, timeout=60)
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def aws_json(env, *args):
    out = aws(env, *args).stdout
    return json.loads(out) if out.strip() else None


def test_cli_workflow(cli_env, names, tmp_path):
    group, stream = names.group(), names.stream("cli@host")
    assert aws(cli_env, "create-log-group", "--log-group-name", group).stdout == ""
    aws(cli_env, "create-log-stream", "--log-group-name", group, "--log-stream-name", stream)

    (s,) = aws_json(cli_env, "describe-log-streams", "--log-group-name", group)["logStreams"]
    assert s["logStreamName"] == stream and "uploadSequenceToken" not in s

    t = now_ms() - 60_000
    events = [{"timestamp": t + i * 1_000, "message": f"hello\t{i} 日本語"} for i in range(3)]
    (tmp_path / "events.json").write_text(json.dumps(events))
    put = aws_json(cli_env, "put-log-events", "--log-group-name", group, "--log-stream-name",
                   stream, "--log-events", f"file://{tmp_path / 'events.json'}")
    token = put["nextSequenceToken"]
    assert token.isdigit()

    # A second put without the token: the CLI reports the typed error and exits non-zero.
    again = aws(cli_env, "put-log-events", "--log-group-name", group, "--log-stream-name", stream,
                "--log-events", f"timestamp={t + 5_000},message=more", check=False)
    assert_aws_error(again, "InvalidSequenceTokenException",
                     f"The given sequenceToken is invalid. The next expected sequenceToken is: {token}",
                     operation="PutLogEvents")
    aws(cli_env, "put-log-events", "--log-group-name", group, "--log-stream-name", stream,
        "--log-events", f"timestamp={t + 5_000},message=more", "--sequence-token", token)

    (s,) = aws_json(cli_env, "describe-log-streams", "--log-group-name", group,
                    "--log-stream-name-prefix", stream)["logStreams"]
    assert s["firstEventTimestamp"] == t and s["lastEventTimestamp"] == t + 5_000
    assert s["uploadSequenceToken"].isdigit() and s["uploadSequenceToken"] != token

    # The article's pipeline: get-log-events --start-from-head | jq -r '... | @tsv'.
    pipeline = subprocess.run(
        ["bash", "-o", "pipefail", "-c",
         f"aws logs get-log-events --log-group-name '{group}' --log-stream-name '{stream}' "
         f"--start-from-head --output json | jq -r '{JQ_TSV}'"],
        env=cli_env, capture_output=True, text=True, timeout=60)
    assert pipeline.returncode == 0, pipeline.stderr
    expected = [(e["timestamp"], e["message"]) for e in events] + [(t + 5_000, "more")]
    assert pipeline.stdout.splitlines() == [
        datetime.datetime.fromtimestamp(ts / 1000, datetime.timezone.utc)
        .strftime("%Y-%m-%d %H:%M:%S") + "\t" + msg.replace("\t", "\\t")
        for ts, msg in expected
    ]


def test_cli_errors(cli_env, names):
    group = names.group()
    aws(cli_env, "create-log-group", "--log-group-name", group)
    dup = aws(cli_env, "create-log-group", "--log-group-name", group, check=False)
    assert_aws_error(dup, "ResourceAlreadyExistsException",
                     "The specified log group already exists", operation="CreateLogGroup")

    missing = aws(cli_env, "get-log-events", "--log-group-name", group, "--log-stream-name",
                  "nope", check=False)
    assert_aws_error(missing, "ResourceNotFoundException",
                     "The specified log stream does not exist.", operation="GetLogEvents")

    groups = aws_json(cli_env, "describe-log-groups", "--log-group-name-prefix", group)
    assert [g["logGroupName"] for g in groups["logGroups"]] == [group]
    aws(cli_env, "delete-log-group", "--log-group-name", group)
    assert aws_json(cli_env, "describe-log-groups", "--log-group-name-prefix",
                    group)["logGroups"] == []
