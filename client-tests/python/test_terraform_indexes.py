"""Terraform's AWS provider on field index policies (`aws_cloudwatch_log_index_policy`):
apply, no drift on plan, update, destroy. (Provider 5.100.0 has no transformer resource:
`aws_cloudwatch_log_transformer` came later.) Skipped, saying why, only where Terraform or the
provider mirror is absent."""
from __future__ import annotations

import json

from terraform_support import REQUIRES_TERRAFORM

pytestmark = REQUIRES_TERRAFORM


def index_policy(name: str, fields: list[str]) -> str:
    return f"""
resource "aws_cloudwatch_log_group" "app" {{
  name = "{name}"
}}

resource "aws_cloudwatch_log_index_policy" "app" {{
  log_group_name  = aws_cloudwatch_log_group.app.name
  policy_document = jsonencode({{ Fields = {json.dumps(fields)} }})
}}
"""


def test_index_policy(terraform, logs, names):
    name = names.group("tf-index")
    terraform.write(index_policy(name, ["RequestId"]))
    terraform.apply()
    terraform.assert_no_drift()

    def fields():
        policies = logs.describe_index_policies(logGroupIdentifiers=[name])["indexPolicies"]
        return [json.loads(p["policyDocument"])["Fields"] for p in policies]

    assert fields() == [["RequestId"]]
    terraform.write(index_policy(name, ["RequestId", "UserId"]))
    terraform.apply()
    terraform.assert_no_drift()
    assert fields() == [["RequestId", "UserId"]]
    terraform.destroy()
    assert logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"] == []
