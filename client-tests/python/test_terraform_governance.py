"""Terraform's AWS provider on governance resources: a log group whose KMS key and class are
set, changed and removed between applies (Associate/DisassociateKmsKey), and resource policies.
Skipped, saying why, only where Terraform or the provider mirror is absent."""
from __future__ import annotations

import pytest

from support import REGION
from terraform_support import Terraform

AVAILABLE, WHY_NOT = Terraform.available()
pytestmark = pytest.mark.skipif(not AVAILABLE, reason=WHY_NOT)

KEY = f"arn:aws:kms:{REGION}:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
OTHER_KEY = f"arn:aws:kms:{REGION}:123456789012:key/0987dcba-09fe-87dc-65ba-ab0987654321"


@pytest.fixture
def terraform(emulator):
    tf = Terraform(emulator.url, region=REGION)
    yield tf
    tf.cleanup()


def log_group(name: str, kms_key: str | None, log_class: str) -> str:
    kms = f'  kms_key_id = "{kms_key}"\n' if kms_key else ""
    return f"""
resource "aws_cloudwatch_log_group" "app" {{
  name            = "{name}"
  log_group_class = "{log_class}"
{kms}}}
"""


def test_log_group_kms_key_and_class(terraform, logs, names):
    name = names.group("tf-kms")
    terraform.write(log_group(name, KEY, "INFREQUENT_ACCESS"))
    terraform.apply()
    terraform.assert_no_drift()
    group = logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"][0]
    assert group["kmsKeyId"] == KEY
    assert group["logGroupClass"] == "INFREQUENT_ACCESS"
    assert terraform.state()["aws_cloudwatch_log_group.app"]["kms_key_id"] == KEY

    # A changed key: the provider calls AssociateKmsKey.
    terraform.write(log_group(name, OTHER_KEY, "INFREQUENT_ACCESS"))
    terraform.apply()
    terraform.assert_no_drift()
    assert logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"][0]["kmsKeyId"] == OTHER_KEY

    # No key: the provider calls DisassociateKmsKey.
    terraform.write(log_group(name, None, "INFREQUENT_ACCESS"))
    terraform.apply()
    terraform.assert_no_drift()
    assert "kmsKeyId" not in logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"][0]

    terraform.destroy()
    assert logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"] == []


def resource_policy(name: str, service: str) -> str:
    return f"""
resource "aws_cloudwatch_log_resource_policy" "dns" {{
  policy_name     = "{name}"
  policy_document = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Effect    = "Allow"
      Principal = {{ Service = ["{service}"] }}
      Action    = ["logs:CreateLogStream", "logs:PutLogEvents"]
      Resource  = "arn:aws:logs:*:*:log-group:/aws/route53/*"
    }}]
  }})
}}
"""


def test_resource_policy(terraform, logs, names):
    name = names.stream("tf-policy")
    terraform.write(resource_policy(name, "route53.amazonaws.com"))
    terraform.apply()
    terraform.assert_no_drift()

    def policy():
        found = [p for p in logs.describe_resource_policies()["resourcePolicies"]
                 if p["policyName"] == name]
        return found[0] if found else None

    assert "route53.amazonaws.com" in policy()["policyDocument"]
    terraform.write(resource_policy(name, "events.amazonaws.com"))
    terraform.apply()
    terraform.assert_no_drift()
    assert "events.amazonaws.com" in policy()["policyDocument"]

    terraform.destroy()
    assert policy() is None
