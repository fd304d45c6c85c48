"""The project README's snippets are code that runs, in the order a reader meets them.

One emulator is started as `make run` starts it (the binary, no fixtures). Every snippet of
README.md is then dealt with in README order: the CLI, boto3 and JS snippets run against that
emulator (the endpoint they name rewritten to it) and must print what they read back, and each
one's writes are read back through boto3 as well; the others are checked for what they claim.
A snippet this test does not know fails it, so a new snippet cannot go untested.
"""
from __future__ import annotations

import json
import re
import shutil
import time
import subprocess
import sys
import time
import tomllib
import urllib.request
from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from support import assert_aws_error, aws_env, make_client

REPO = Path(__file__).resolve().parents[2]
README = (REPO / "README.md").read_text()
README_ENDPOINT = "http://127.0.0.1:4566"
README_REGION = "us-east-1"


def snippets() -> list[tuple[str, str]]:
    """Every fenced block of README.md, in order, as (language, code)."""
    return re.findall(r"^```(\w*)\n(.*?)^```$", README, flags=re.S | re.M)


def read_back(endpoint: str, group: str) -> list[str]:
    logs = make_client(endpoint, README_REGION)
    events = logs.get_log_events(logGroupName=group, logStreamName="web", startFromHead=True)
    return [event["message"] for event in events["events"]]


def run_cli(code: str, endpoint: str) -> str:
    env = aws_env(endpoint, README_REGION)
    run = subprocess.run(["bash", "-euo", "pipefail", "-c", code], capture_output=True, text=True,
                         timeout=120, env=env)
    assert run.returncode == 0, run.stderr
    return run.stdout


def run_python(code: str) -> str:
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    return run.stdout


def run_js(code: str) -> str:
    js_dir = REPO / "client-tests" / "js"
    assert (js_dir / "node_modules").is_dir(), "make test installs the JS SDK first"
    run = subprocess.run(["node", "--input-type=module", "--eval", code], cwd=js_dir,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    return run.stdout


def one_attempt_client(endpoint: str):
    """boto3 without retries (botocore's `max_attempts` counts retries; `total_max_attempts`
    counts the first attempt too)."""
    return boto3.client("logs", endpoint_url=endpoint, region_name=README_REGION,
                        aws_access_key_id="test", aws_secret_access_key="test",
                        config=Config(retries={"mode": "standard", "total_max_attempts": 1}))


def check_quota_file(code: str, tmp_path: Path, start_emulator) -> None:
    """The README's quota file starts an emulator that throttles GetLogEvents after 2 calls."""
    path = tmp_path / "quotas.json"
    path.write_text(code)
    emu = start_emulator("--quotas", str(path))
    logs = one_attempt_client(emu.url)
    for _ in range(2):  # the burst; the group does not exist, but the quota comes first
        with pytest.raises(logs.exceptions.ResourceNotFoundException):
            logs.get_log_events(logGroupName="none", logStreamName="none")
    with pytest.raises(ClientError) as raised:
        logs.get_log_events(logGroupName="none", logStreamName="none")
    assert_aws_error(raised, "ThrottlingException", "Rate exceeded", "GetLogEvents")


def check_fault_example(code: str, endpoint: str) -> None:
    """The README's curl example: the next two PutLogEvents to `app` are throttled, the third
    succeeds, and the listing counts them."""
    out = run_cli(code, endpoint)
    added, end = json.JSONDecoder().raw_decode(out)  # the answers are two JSON documents
    assert added == {"ids": [1]}
    listed = json.loads(out[end:])["rules"]
    assert [(r["operation"], r["matched"], r["hits"]) for r in listed] == [("PutLogEvents", 0, 0)]
    logs = one_attempt_client(endpoint)
    logs.create_log_group(logGroupName="app")
    logs.create_log_stream(logGroupName="app", logStreamName="web")
    put = dict(logGroupName="app", logStreamName="web",
               logEvents=[{"timestamp": int(time.time() * 1000), "message": "hello"}])
    for _ in range(2):
        with pytest.raises(ClientError) as raised:
            logs.put_log_events(**put)
        assert_aws_error(raised, "ThrottlingException", "Rate exceeded", "PutLogEvents")
    logs.put_log_events(**put)
    assert read_back(endpoint, "app") == ["hello"]
    with urllib.request.urlopen(f"{endpoint}/_cwlogs/faults") as answer:
        rule = json.load(answer)["rules"][0]
    assert (rule["matched"], rule["hits"]) == (3, 2)


PATTERN_EXAMPLE = [
    "2023-01-01 19:00:01 [INFO] Calling DynamoDB to store for resource id 12342342k124-12345",
    "2023-01-01 19:00:02 [INFO] Calling DynamoDB to store for resource id 324892398123-12345",
    "2023-01-01 19:00:03 [INFO] Calling DynamoDB to store for resource id 3ff231242342-12345",
]


def run_pattern_example(endpoint: str, query: str) -> list[dict[str, str]]:
    """Runs `query` over AWS's Pattern analysis example events, in a group of their own."""
    logs = make_client(endpoint, README_REGION)
    group = "readme-patterns"
    logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName="web")
    now = int(time.time() * 1000)
    logs.put_log_events(logGroupName=group, logStreamName="web", logEvents=[
        {"timestamp": now - 3000 + i, "message": m} for i, m in enumerate(PATTERN_EXAMPLE)])
    query_id = logs.start_query(logGroupName=group, queryString=query,
                                startTime=now // 1000 - 60, endTime=now // 1000 + 60)["queryId"]
    for _ in range(400):
        answer = logs.get_query_results(queryId=query_id)
        if answer["status"] == "Complete":
            return [{c["field"]: c["value"] for c in row} for row in answer["results"]]
        time.sleep(0.05)
    raise AssertionError("the README query did not complete")


def test_every_snippet_in_readme_order_against_one_emulator(start_emulator, tmp_path):
    emu = start_emulator()  # as `make run` starts it: no fixtures, default flags
    seen: list[str] = []
    query = ""
    for language, code in snippets():
        rewritten = code.replace(README_ENDPOINT, emu.url)
        if language == "sh" and code.lstrip().startswith("make run"):
            seen.append("quick start")
            assert "make test" in code
        elif language == "sh" and "aws logs" in code:
            # put-log-events prints its nextSequenceToken first; the read prints the message.
            assert run_cli(rewritten, emu.url).splitlines()[-1] == "hello"
            assert read_back(emu.url, "readme-cli") == ["hello"]
            seen.append("cli")
        elif language == "python":
            assert run_python(rewritten) == "hello\n"
            assert read_back(emu.url, "readme-boto3") == ["hello"]
            seen.append("boto3")
        elif language == "toml":
            deps = tomllib.loads(code)["dev-dependencies"]
            assert set(deps) == {"cwlogs-emulator", "aws-sdk-cloudwatchlogs", "tokio"}
            assert {"macros", "rt-multi-thread"} <= set(deps["tokio"]["features"])
            seen.append("cargo")
        elif language == "rust":
            # In-process: compiled and run by `cargo test` (client-tests/tests/it/readme.rs,
            # which also checks this block is that test, verbatim).
            seen.append("rust")
        elif language == "insights":
            query = code.strip()
            seen.append("insights")
        elif language == "json" and seen[-1:] == ["insights"]:
            # The query's answer over AWS's Pattern analysis example, the fields shown.
            shown = json.loads(code)
            answer = run_pattern_example(emu.url, query)
            assert [{k: row[k] for k in shown_row} for row, shown_row in zip(answer, shown)] == shown
            assert len(answer) == len(shown)
            seen.append("insights output")
        elif language == "js":
            assert run_js(rewritten) == "hello\n"
            assert read_back(emu.url, "readme-js") == ["hello"]
            seen.append("js")
        elif language == "sh" and code.lstrip().startswith("docker build"):
            # No Docker engine on the CI machines: the image's environment is tested through
            # the binary (test_deployment.py); here, that the commands name this repo's image.
            assert "-t cwlogs-emulator ." in code and "-p 4566:4566 cwlogs-emulator" in code
            seen.append("docker")
        elif language == "yaml":
            assert code == (REPO / "docker-compose.yml").read_text()
            seen.append("compose")
        elif language == "json" and '"rates"' in code:
            check_quota_file(code, tmp_path, start_emulator)
            seen.append("quota file")
        elif language == "sh" and code.lstrip().startswith("curl") and "/_cwlogs/faults" in code:
            check_fault_example(rewritten, emu.url)
            seen.append("fault injection")
        else:
            pytest.fail(f"README.md has a ```{language} snippet this test does not run:\n{code}")
    assert seen == ["quick start", "cli", "boto3", "cargo", "rust", "js", "docker", "compose",
                    "quota file", "fault injection", "insights", "insights output"]


@pytest.mark.skipif(shutil.which("aws") is None, reason="the AWS CLI is installed by make test")
def test_cli_endpoint_flag_form_works(emulator):
    """The README's form for CLIs that ignore AWS_ENDPOINT_URL."""
    env = aws_env(emulator.url, README_REGION)
    env.pop("AWS_ENDPOINT_URL", None)
    run = subprocess.run(["aws", "--endpoint-url", emulator.url, "logs", "describe-log-groups",
                          "--log-group-name-prefix", "no-such-prefix"],
                         capture_output=True, text=True, env=env, timeout=60)
    assert run.returncode == 0, run.stderr
    assert '"logGroups": []' in run.stdout
