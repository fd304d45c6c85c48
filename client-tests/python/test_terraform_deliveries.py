"""Terraform's vended-log delivery resources against the emulator:
aws_cloudwatch_log_delivery_source, aws_cloudwatch_log_delivery_destination,
aws_cloudwatch_log_delivery_destination_policy and aws_cloudwatch_log_delivery apply, read back
without drift, update and destroy; boto3 sees what the provider did. Skipped, saying why, only
where Terraform or the provider mirror is absent."""
from __future__ import annotations

import json

from support import REGION
from terraform_support import REQUIRES_TERRAFORM

pytestmark = REQUIRES_TERRAFORM

ACCOUNT = "000000000000"
DISTRIBUTION = f"arn:aws:cloudfront::{ACCOUNT}:distribution/ETFTEST"


def config(group: str, prefix: str, principal: str, team: str) -> str:
    policy = json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": principal},
                       "Action": "logs:CreateDelivery",
                       "Resource": f"arn:aws:logs:{REGION}:{ACCOUNT}:delivery-destination:*"}],
    })
    return f"""
resource "aws_cloudwatch_log_group" "vended" {{
  name = "{group}"
}}

resource "aws_cloudwatch_log_delivery_source" "cf" {{
  name         = "{prefix}-source"
  log_type     = "ACCESS_LOGS"
  resource_arn = "{DISTRIBUTION}"
  tags = {{
    team = "{team}"
  }}
}}

resource "aws_cloudwatch_log_delivery_destination" "cwl" {{
  name          = "{prefix}-destination"
  output_format = "json"
  delivery_destination_configuration {{
    destination_resource_arn = aws_cloudwatch_log_group.vended.arn
  }}
  tags = {{
    team = "{team}"
  }}
}}

resource "aws_cloudwatch_log_delivery_destination_policy" "cwl" {{
  delivery_destination_name   = aws_cloudwatch_log_delivery_destination.cwl.name
  delivery_destination_policy = {json.dumps(policy)}
}}

resource "aws_cloudwatch_log_delivery" "cf_to_cwl" {{
  delivery_source_name     = aws_cloudwatch_log_delivery_source.cf.name
  delivery_destination_arn = aws_cloudwatch_log_delivery_destination.cwl.arn
  record_fields            = ["date", "sc-status"]
  field_delimiter          = ","
  tags = {{
    team = "web"
  }}
}}
"""


def test_delivery_resources_apply_plan_update_destroy(terraform, logs, names):
    group = names.group("tf-vended")
    prefix = names.stream("tfd")
    terraform.write(config(group, prefix, "111111111111", "web"))
    terraform.apply()
    terraform.assert_no_drift()

    source = logs.get_delivery_source(name=f"{prefix}-source")["deliverySource"]
    assert source["service"] == "cloudfront"
    assert source["resourceArns"] == [DISTRIBUTION]
    destination = logs.get_delivery_destination(name=f"{prefix}-destination")["deliveryDestination"]
    assert destination["deliveryDestinationType"] == "CWL"
    policy = logs.get_delivery_destination_policy(deliveryDestinationName=f"{prefix}-destination")
    assert json.loads(policy["policy"]["deliveryDestinationPolicy"])["Statement"][0][
        "Principal"] == {"AWS": "111111111111"}
    [delivery] = logs.describe_deliveries(deliverySourceNames=[f"{prefix}-source"])["deliveries"]
    assert delivery["recordFields"] == ["date", "sc-status"]
    assert delivery["fieldDelimiter"] == ","
    assert logs.list_tags_for_resource(resourceArn=delivery["arn"])["tags"] == {"team": "web"}
    state = terraform.state()
    assert state["aws_cloudwatch_log_delivery.cf_to_cwl"]["id"] == delivery["id"]

    # The delivery itself stays as it is: provider 5.100.0 cannot update one in place (its
    # s3_delivery_configuration stays unknown after apply, whatever the service answers;
    # against AWS the update fails too, hashicorp/terraform-provider-aws#48527).
    terraform.write(config(group, prefix, "222222222222", "edge"))
    terraform.apply()
    terraform.assert_no_drift()
    assert logs.list_tags_for_resource(resourceArn=source["arn"])["tags"] == {"team": "edge"}
    assert logs.get_delivery_destination(name=f"{prefix}-destination")["deliveryDestination"][
        "tags"] == {"team": "edge"}
    policy = logs.get_delivery_destination_policy(deliveryDestinationName=f"{prefix}-destination")
    assert json.loads(policy["policy"]["deliveryDestinationPolicy"])["Statement"][0][
        "Principal"] == {"AWS": "222222222222"}

    terraform.destroy()
    assert logs.describe_deliveries(deliverySourceNames=[f"{prefix}-source"])["deliveries"] == []
    assert logs.describe_delivery_sources()["deliverySources"] == [] or all(
        s["name"] != f"{prefix}-source" for s in logs.describe_delivery_sources()["deliverySources"])
    assert all(d["name"] != f"{prefix}-destination"
               for d in logs.describe_delivery_destinations()["deliveryDestinations"])
