"""Terraform against the emulator: the AWS provider from a local filesystem mirror, pointed at
the emulator's endpoint, in a throwaway working directory.

`Terraform.available()` says whether a test can run (and why not): it needs the `terraform`
binary and a mirror holding `registry.terraform.io/hashicorp/aws`. The mirror is the folder
named by `CWLOGS_TF_MIRROR`, else the first of the usual places that holds the provider.
Nothing is downloaded: the CLI configuration allows the mirror only.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

MIRROR_CANDIDATES = [
    "/opt/tf-plugins",
    "/usr/share/terraform/plugins",
    "/usr/local/share/terraform/plugins",
    str(Path.home() / ".terraform.d" / "plugins"),
    str(Path.home() / ".local" / "share" / "terraform" / "plugins"),
]
PROVIDER = "registry.terraform.io/hashicorp/aws"
PLUGIN_CACHE = Path(tempfile.gettempdir()) / "cwlogs-tf-plugin-cache"


def find_mirror() -> str | None:
    candidates = [os.environ["CWLOGS_TF_MIRROR"]] if os.environ.get("CWLOGS_TF_MIRROR") else []
    for folder in candidates + MIRROR_CANDIDATES:
        provider = Path(folder) / PROVIDER
        if provider.is_dir() and any(provider.iterdir()):
            return folder
    return None


def provider_version(mirror: str) -> str:
    versions = sorted(p.name for p in (Path(mirror) / PROVIDER).iterdir() if p.is_dir())
    return versions[-1]


class Terraform:
    """One working directory: `write` the resources, then `apply`, `plan`, `destroy`."""

    @staticmethod
    def available() -> tuple[bool, str]:
        if shutil.which("terraform") is None:
            return False, "terraform is not installed on this machine"
        if find_mirror() is None:
            return False, f"no filesystem mirror holding {PROVIDER} (set CWLOGS_TF_MIRROR)"
        return True, ""

    def __init__(self, endpoint_url: str, region: str = "us-east-1"):
        self.endpoint_url = endpoint_url
        self.region = region
        self.mirror = find_mirror()
        self.dir = Path(tempfile.mkdtemp(prefix="cwlogs-tf-"))
        self.cli_config = self.dir / "terraformrc"
        # The provider is 700 MB: a cache shared by every test of the run lets `init` link it
        # instead of copying it each time.
        PLUGIN_CACHE.mkdir(parents=True, exist_ok=True)
        self.cli_config.write_text(
            f'plugin_cache_dir = "{PLUGIN_CACHE}"\n'
            "provider_installation {\n"
            f'  filesystem_mirror {{\n    path    = "{self.mirror}"\n'
            f'    include = ["{PROVIDER}"]\n  }}\n'
            "}\n"
        )
        self.env = {
            **os.environ,
            "TF_CLI_CONFIG_FILE": str(self.cli_config),
            "TF_IN_AUTOMATION": "1",
            "TF_INPUT": "0",
            "CHECKPOINT_DISABLE": "1",
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",
            "AWS_EC2_METADATA_DISABLED": "true",
        }
        self.env.pop("AWS_PROFILE", None)
        self._initialised = False

    def write(self, resources: str) -> None:
        """Replaces the configuration: the provider block plus `resources` (HCL)."""
        provider = f"""
terraform {{
  required_providers {{
    aws = {{
      source  = "hashicorp/aws"
      version = "{provider_version(self.mirror)}"
    }}
  }}
}}

provider "aws" {{
  region                      = "{self.region}"
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  endpoints {{
    cloudwatchlogs = "{self.endpoint_url}"
  }}
}}
"""
        (self.dir / "main.tf").write_text(provider + resources)

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        if not self._initialised and args[0] != "init":
            self.run("init", "-no-color")
            self._initialised = True
        result = subprocess.run(
            ["terraform", *args], cwd=self.dir, env=self.env, capture_output=True, text=True,
            timeout=300,
        )
        if check and result.returncode != 0:
            raise AssertionError(
                f"terraform {' '.join(args)} failed ({result.returncode}):\n"
                f"{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
            )
        return result

    def apply(self) -> None:
        self.run("apply", "-auto-approve", "-no-color")

    def assert_no_drift(self) -> None:
        """`plan -detailed-exitcode` answers 0: what was applied reads back unchanged."""
        result = self.run("plan", "-detailed-exitcode", "-no-color", check=False)
        assert result.returncode == 0, (
            f"plan shows drift or failed ({result.returncode}):\n"
            f"{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
        )

    def destroy(self) -> None:
        self.run("destroy", "-auto-approve", "-no-color")

    def state(self) -> dict:
        """The resources in the state, by address, with their attributes."""
        shown = json.loads(self.run("show", "-json", "-no-color").stdout)
        resources = shown.get("values", {}).get("root_module", {}).get("resources", [])
        return {r["address"]: r["values"] for r in resources}

    def cleanup(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


_AVAILABLE, _WHY_NOT = Terraform.available()
#: Marks a test (or, as `pytestmark`, a module) that needs Terraform and the provider mirror:
#: skipped, saying why, where they are absent.
REQUIRES_TERRAFORM = pytest.mark.skipif(not _AVAILABLE, reason=_WHY_NOT)
