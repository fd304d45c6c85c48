"""Terraform's subscription resources against the emulator: aws_cloudwatch_log_subscription_filter,
aws_cloudwatch_log_destination and aws_cloudwatch_log_destination_policy apply, read back without
drift, update and destroy; boto3 sees what the provider did. Skipped, saying why, only where
Terraform or the provider mirror is absent."""
from __future__ import annotations

import json

from support import REGION
from terraform_support import REQUIRES_TERRAFORM

pytestmark = REQUIRES_TERRAFORM

ACCOUNT = "000000000000"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/cwl-to-kinesis"



def config(group: str, dest: str, pattern: str, stream: str, principal: str) -> str:
    policy = json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": principal},
                       "Action": "logs:PutSubscriptionFilter",
                       "Resource": f"arn:aws:logs:{REGION}:{ACCOUNT}:destination:{dest}"}],
    })
    return f"""
resource "aws_cloudwatch_log_group" "app" {{
  name = "{group}"
}}

resource "aws_cloudwatch_log_destination" "central" {{
  name       = "{dest}"
  role_arn   = "{ROLE}"
  target_arn = "arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/{stream}"
  tags = {{
    team = "logs"
  }}
}}

resource "aws_cloudwatch_log_destination_policy" "central" {{
  destination_name = aws_cloudwatch_log_destination.central.name
  access_policy    = {json.dumps(policy)}
}}

resource "aws_cloudwatch_log_subscription_filter" "to_kinesis" {{
  name            = "to-kinesis"
  log_group_name  = aws_cloudwatch_log_group.app.name
  filter_pattern  = "{pattern}"
  destination_arn = "arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/{stream}"
  role_arn        = "{ROLE}"
  distribution    = "Random"
}}

resource "aws_cloudwatch_log_subscription_filter" "to_lambda" {{
  name            = "to-lambda"
  log_group_name  = aws_cloudwatch_log_group.app.name
  filter_pattern  = ""
  destination_arn = "arn:aws:lambda:{REGION}:{ACCOUNT}:function:handler"
}}
"""


def test_subscription_filters_and_destinations_apply_plan_update_destroy(terraform, logs, names):
    group = names.group("tf")
    dest = names.stream("dest")
    terraform.write(config(group, dest, "ERROR", "first", "111111111111"))
    terraform.apply()
    terraform.assert_no_drift()

    filters = logs.describe_subscription_filters(logGroupName=group)["subscriptionFilters"]
    assert [(f["filterName"], f["filterPattern"], f["distribution"]) for f in filters] == [
        ("to-kinesis", "ERROR", "Random"), ("to-lambda", "", "ByLogStream")]
    [described] = logs.describe_destinations(DestinationNamePrefix=dest)["destinations"]
    assert described["targetArn"].endswith(":stream/first")
    assert json.loads(described["accessPolicy"])["Statement"][0]["Principal"] == {
        "AWS": "111111111111"}
    assert logs.list_tags_for_resource(resourceArn=described["arn"])["tags"] == {"team": "logs"}
    state = terraform.state()
    assert state["aws_cloudwatch_log_destination.central"]["arn"] == described["arn"]

    terraform.write(config(group, dest, "?ERROR ?WARN", "second", "222222222222"))
    terraform.apply()
    terraform.assert_no_drift()
    filters = logs.describe_subscription_filters(logGroupName=group)["subscriptionFilters"]
    assert filters[0]["filterPattern"] == "?ERROR ?WARN"
    assert filters[0]["destinationArn"].endswith(":stream/second")
    [described] = logs.describe_destinations(DestinationNamePrefix=dest)["destinations"]
    assert described["targetArn"].endswith(":stream/second")
    assert json.loads(described["accessPolicy"])["Statement"][0]["Principal"] == {
        "AWS": "222222222222"}

    terraform.destroy()
    assert logs.describe_destinations(DestinationNamePrefix=dest)["destinations"] == []
    assert logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"] == []
