"""Terraform's AWS provider on governance resources: a log group whose KMS key and class are
set, changed and removed between applies (Associate/DisassociateKmsKey), resource policies, and
data protection policies (a group's and the account's) that mask what is read back.
Skipped, saying why, only where Terraform or the provider mirror is absent."""
from __future__ import annotations

import time

from support import REGION, Emulator, put_chained
from terraform_support import REQUIRES_TERRAFORM, Terraform

pytestmark = REQUIRES_TERRAFORM

KEY = f"arn:aws:kms:{REGION}:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
OTHER_KEY = f"arn:aws:kms:{REGION}:123456789012:key/0987dcba-09fe-87dc-65ba-ab0987654321"



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


def data_protection(group: str, identifier: str) -> str:
    return f"""
resource "aws_cloudwatch_log_group" "app" {{
  name = "{group}"
}}

resource "aws_cloudwatch_log_data_protection_policy" "pii" {{
  log_group_name = aws_cloudwatch_log_group.app.name
  policy_document = jsonencode({{
    Name    = "pii"
    Version = "2021-06-01"
    Statement = [
      {{
        Sid            = "Audit"
        DataIdentifier = ["arn:aws:dataprotection::aws:data-identifier/{identifier}"]
        Operation      = {{ Audit = {{ FindingsDestination = {{}} }} }}
      }},
      {{
        Sid            = "Redact"
        DataIdentifier = ["arn:aws:dataprotection::aws:data-identifier/{identifier}"]
        Operation      = {{ Deidentify = {{ MaskConfig = {{}} }} }}
      }}
    ]
  }})
}}
"""


def test_data_protection_policy_masks(terraform, logs, names):
    group, stream = names.group("tf-dp"), names.stream()
    terraform.write(data_protection(group, "EmailAddress"))
    terraform.apply()
    terraform.assert_no_drift()
    assert "EmailAddress" in logs.get_data_protection_policy(
        logGroupIdentifier=group)["policyDocument"]

    logs.create_log_stream(logGroupName=group, logStreamName=stream)
    token = put_chained(logs, group, stream, [
        {"timestamp": int(time.time() * 1000), "message": "mail ops@example.com from 10.1.2.3"}])

    def messages():
        return [e["message"] for e in logs.get_log_events(
            logGroupName=group, logStreamName=stream, startFromHead=True)["events"]]

    assert messages() == ["mail **** from 10.1.2.3"]

    terraform.write(data_protection(group, "IpAddress"))
    terraform.apply()
    terraform.assert_no_drift()
    # The event was masked at ingestion under the email policy; the new one masks later events.
    assert messages() == ["mail **** from 10.1.2.3"]
    put_chained(logs, group, stream, [
        {"timestamp": int(time.time() * 1000), "message": "mail ops@example.com from 10.1.2.3"}],
        token=token)
    assert messages() == ["mail **** from 10.1.2.3", "mail ops@example.com from ****"]

    terraform.destroy()
    assert logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"] == []


def test_account_data_protection_policy(names):
    # An emulator of its own: an account policy masks every group of the region.
    emulator = Emulator()
    terraform = Terraform(emulator.url, region=REGION)
    try:
        logs = emulator.client()
        group, stream = names.group("tf-account"), names.stream()
        terraform.write(f"""
resource "aws_cloudwatch_log_account_policy" "pii" {{
  policy_name = "pii"
  policy_type = "DATA_PROTECTION_POLICY"
  policy_document = jsonencode({{
    Name    = "pii"
    Version = "2021-06-01"
    Statement = [
      {{
        Sid            = "Audit"
        DataIdentifier = ["arn:aws:dataprotection::aws:data-identifier/EmailAddress"]
        Operation      = {{ Audit = {{ FindingsDestination = {{}} }} }}
      }},
      {{
        Sid            = "Redact"
        DataIdentifier = ["arn:aws:dataprotection::aws:data-identifier/EmailAddress"]
        Operation      = {{ Deidentify = {{ MaskConfig = {{}} }} }}
      }}
    ]
  }})
}}
""")
        terraform.apply()
        terraform.assert_no_drift()
        policies = logs.describe_account_policies(policyType="DATA_PROTECTION_POLICY")
        assert [p["policyName"] for p in policies["accountPolicies"]] == ["pii"]

        logs.create_log_group(logGroupName=group)
        logs.create_log_stream(logGroupName=group, logStreamName=stream)
        put_chained(logs, group, stream, [
            {"timestamp": int(time.time() * 1000), "message": "to ops@example.com"}])
        assert [e["message"] for e in logs.get_log_events(
            logGroupName=group, logStreamName=stream)["events"]] == ["to ****"]

        terraform.destroy()
        assert logs.describe_account_policies(
            policyType="DATA_PROTECTION_POLICY")["accountPolicies"] == []
    finally:
        terraform.cleanup()
        emulator.stop()
