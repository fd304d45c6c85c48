"""Infrastructure as code against the emulator: Terraform's AWS provider creates, reads back
(no drift), updates and destroys CloudWatch Logs resources, and what it did is visible through
boto3. Skipped, saying why, only where Terraform or the provider mirror is absent."""
from __future__ import annotations

import pytest

from support import REGION, assert_aws_error
from terraform_support import Terraform

AVAILABLE, WHY_NOT = Terraform.available()
pytestmark = pytest.mark.skipif(not AVAILABLE, reason=WHY_NOT)


@pytest.fixture
def terraform(emulator):
    tf = Terraform(emulator.url, region=REGION)
    yield tf
    tf.cleanup()


def log_group(name: str, retention: int, tags: dict[str, str]) -> str:
    tag_lines = "\n".join(f'    {key} = "{value}"' for key, value in tags.items())
    return f"""
resource "aws_cloudwatch_log_group" "app" {{
  name              = "{name}"
  retention_in_days = {retention}
  tags = {{
{tag_lines}
  }}
}}
"""


def test_log_group_apply_plan_update_destroy(terraform, logs, names):
    name = names.group("tf")
    terraform.write(log_group(name, 7, {"team": "core"}))
    terraform.apply()
    terraform.assert_no_drift()

    described = logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"]
    assert [g["logGroupName"] for g in described] == [name]
    assert described[0]["retentionInDays"] == 7
    arn = described[0]["logGroupArn"]
    assert logs.list_tags_for_resource(resourceArn=arn)["tags"] == {"team": "core"}
    state = terraform.state()["aws_cloudwatch_log_group.app"]
    assert state["arn"] == described[0]["arn"].removesuffix(":*")

    terraform.write(log_group(name, 14, {"team": "platform", "env": "test"}))
    terraform.apply()
    terraform.assert_no_drift()
    described = logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"]
    assert described[0]["retentionInDays"] == 14
    assert logs.list_tags_for_resource(resourceArn=arn)["tags"] == {
        "team": "platform",
        "env": "test",
    }

    terraform.destroy()
    assert logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"] == []
    with pytest.raises(logs.exceptions.ResourceNotFoundException) as error:
        logs.list_tags_for_resource(resourceArn=arn)
    assert_aws_error(error, "ResourceNotFoundException", "The specified log group does not exist.")


def test_log_stream_and_metric_filter(terraform, logs, names):
    group = names.group("tf")
    terraform.write(f"""
resource "aws_cloudwatch_log_group" "app" {{
  name = "{group}"
}}

resource "aws_cloudwatch_log_stream" "web" {{
  name           = "web"
  log_group_name = aws_cloudwatch_log_group.app.name
}}

resource "aws_cloudwatch_log_metric_filter" "errors" {{
  name           = "errors"
  pattern        = "ERROR"
  log_group_name = aws_cloudwatch_log_group.app.name
  metric_transformation {{
    name      = "ErrorCount"
    namespace = "App"
    value     = "1"
  }}
}}
""")
    terraform.apply()
    terraform.assert_no_drift()
    streams = logs.describe_log_streams(logGroupName=group)["logStreams"]
    assert [s["logStreamName"] for s in streams] == ["web"]
    filters = logs.describe_metric_filters(logGroupName=group)["metricFilters"]
    assert [(f["filterName"], f["filterPattern"]) for f in filters] == [("errors", "ERROR")]
    assert filters[0]["metricTransformations"] == [
        # The provider sends its default unit explicitly.
        {"metricName": "ErrorCount", "metricNamespace": "App", "metricValue": "1", "unit": "None"}
    ]

    terraform.destroy()
    assert logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"] == []


def test_query_definition(terraform, logs, names):
    name = names.group("tfq").strip("/").replace("/", "-")

    def definition(query: str) -> str:
        return f"""
resource "aws_cloudwatch_query_definition" "errors" {{
  name            = "{name}"
  log_group_names = ["/app/a"]
  query_string    = "{query}"
}}
"""

    terraform.write(definition("fields @timestamp, @message | filter @message like /ERROR/"))
    terraform.apply()
    terraform.assert_no_drift()
    listed = logs.describe_query_definitions(queryDefinitionNamePrefix=name)["queryDefinitions"]
    assert [(d["name"], d["queryString"], d["logGroupNames"]) for d in listed] == [
        (name, "fields @timestamp, @message | filter @message like /ERROR/", ["/app/a"])]

    terraform.write(definition("stats count(*) by bin(5m)"))
    terraform.apply()
    terraform.assert_no_drift()
    listed = logs.describe_query_definitions(queryDefinitionNamePrefix=name)["queryDefinitions"]
    assert [d["queryString"] for d in listed] == ["stats count(*) by bin(5m)"]

    terraform.destroy()
    assert logs.describe_query_definitions(queryDefinitionNamePrefix=name)["queryDefinitions"] == []
