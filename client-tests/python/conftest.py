"""Fixtures for the boto3 / AWS CLI client tests.

One emulator process (the real binary, `CWLOGS_BIN`, strict sequence tokens) serves the whole
session; a second one in `--sequence-tokens ignore` mode is started on first use. Tests never
reset the shared server: each one gets its own unique names (`names`), so tests stay independent
and the suite could run in parallel. Tests that need a pristine server (the reset routes) start
their own with `start_emulator`.
"""
from __future__ import annotations

import pytest

from support import REGION, Emulator, Names
from terraform_support import Terraform


@pytest.fixture(scope="session")
def start_emulator():
    """Factory: start an extra emulator with extra flags; all are stopped at session end."""
    started: list[Emulator] = []

    def start(*extra_args: str) -> Emulator:
        emu = Emulator(*extra_args)
        started.append(emu)
        return emu

    yield start
    for emu in started:
        emu.stop()


@pytest.fixture(scope="session")
def emulator(start_emulator) -> Emulator:
    """The shared emulator, default (strict) sequence tokens."""
    return start_emulator()


@pytest.fixture(scope="session")
def ignore_emulator(start_emulator) -> Emulator:
    """A second emulator with `--sequence-tokens ignore` (AWS since 2023)."""
    return start_emulator("--sequence-tokens", "ignore")


@pytest.fixture
def logs(emulator):
    """boto3 CloudWatch Logs client for the shared emulator, via endpoint_url=."""
    return emulator.client()


@pytest.fixture
def cli_env(emulator) -> dict[str, str]:
    return emulator.env()


@pytest.fixture
def names() -> Names:
    return Names()


@pytest.fixture
def group(logs, names) -> str:
    """A fresh log group on the shared emulator."""
    name = names.group()
    logs.create_log_group(logGroupName=name)
    return name


@pytest.fixture
def stream(logs, group, names) -> tuple[str, str]:
    """A fresh, empty (group, stream) on the shared emulator."""
    name = names.stream()
    logs.create_log_stream(logGroupName=group, logStreamName=name)
    return group, name


@pytest.fixture
def terraform(emulator):
    """A Terraform working directory whose AWS provider points at the shared emulator."""
    tf = Terraform(emulator.url, region=REGION)
    yield tf
    tf.cleanup()
