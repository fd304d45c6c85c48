"""The project README's boto3 and AWS CLI snippets run, against a fresh emulator each, with
the endpoint they name rewritten to it."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from support import aws_env

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()
README_ENDPOINT = "http://127.0.0.1:4566"


def blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```$", README, flags=re.S | re.M)


def test_boto3_snippet_runs(start_emulator):
    [snippet] = [b for b in blocks("python") if "boto3" in b]
    emu = start_emulator()
    code = snippet.replace(README_ENDPOINT, emu.url)
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout == "app\n"


def test_aws_cli_snippet_runs(start_emulator):
    [snippet] = [b for b in blocks("sh") if "AWS_ENDPOINT_URL" in b]
    emu = start_emulator()
    script = snippet.replace(README_ENDPOINT, emu.url)
    run = subprocess.run(["bash", "-euo", "pipefail", "-c", script], capture_output=True,
                         text=True, timeout=120, env=aws_env(emu.url, "us-east-1"))
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip().splitlines()[-1] == "hello"
