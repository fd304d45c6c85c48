"""Infrastructure as code against the emulator: Terraform's AWS provider creates, reads back
(no drift), updates and destroys CloudWatch Logs resources, and what it did is visible through
boto3. Skipped, saying why, only where Terraform or the provider mirror is absent.

Each Terraform command starts the 700 MB provider, so the resources share one configuration
and one apply / plan / update / plan / destroy cycle."""
from __future__ import annotations

import pytest

from support import assert_aws_error
from terraform_support import REQUIRES_TERRAFORM

pytestmark = REQUIRES_TERRAFORM



def resources(group: str, retention: int, tags: dict[str, str], query: str) -> str:
    tag_lines = "\n".join(f'    {key} = "{value}"' for key, value in tags.items())
    query_name = group.strip("/").replace("/", "-")
    return f"""
resource "aws_cloudwatch_log_group" "app" {{
  name              = "{group}"
  retention_in_days = {retention}
  tags = {{
{tag_lines}
  }}
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

resource "aws_cloudwatch_query_definition" "errors" {{
  name            = "{query_name}"
  log_group_names = [aws_cloudwatch_log_group.app.name]
  query_string    = "{query}"
}}
"""


def test_log_resources_apply_plan_update_destroy(terraform, logs, names):
    group = names.group("tf")
    query_name = group.strip("/").replace("/", "-")
    terraform.write(resources(group, 7, {"team": "core"},
                              "fields @timestamp, @message | filter @message like /ERROR/"))
    terraform.apply()
    terraform.assert_no_drift()

    described = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]
    assert [g["logGroupName"] for g in described] == [group]
    assert described[0]["retentionInDays"] == 7
    arn = described[0]["logGroupArn"]
    assert logs.list_tags_for_resource(resourceArn=arn)["tags"] == {"team": "core"}
    state = terraform.state()
    assert state["aws_cloudwatch_log_group.app"]["arn"] == described[0]["arn"].removesuffix(":*")
    streams = logs.describe_log_streams(logGroupName=group)["logStreams"]
    assert [s["logStreamName"] for s in streams] == ["web"]
    filters = logs.describe_metric_filters(logGroupName=group)["metricFilters"]
    assert [(f["filterName"], f["filterPattern"]) for f in filters] == [("errors", "ERROR")]
    # The provider sends its default unit explicitly.
    assert filters[0]["metricTransformations"] == [
        {"metricName": "ErrorCount", "metricNamespace": "App", "metricValue": "1", "unit": "None"}
    ]
    queries = logs.describe_query_definitions(queryDefinitionNamePrefix=query_name)["queryDefinitions"]
    assert [(q["name"], q["queryString"], q["logGroupNames"]) for q in queries] == [
        (query_name, "fields @timestamp, @message | filter @message like /ERROR/", [group])]

    terraform.write(resources(group, 14, {"team": "platform", "env": "test"},
                              "stats count(*) by bin(5m)"))
    terraform.apply()
    terraform.assert_no_drift()
    described = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]
    assert described[0]["retentionInDays"] == 14
    assert logs.list_tags_for_resource(resourceArn=arn)["tags"] == {
        "team": "platform",
        "env": "test",
    }
    queries = logs.describe_query_definitions(queryDefinitionNamePrefix=query_name)["queryDefinitions"]
    assert [q["queryString"] for q in queries] == ["stats count(*) by bin(5m)"]

    terraform.destroy()
    assert logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"] == []
    assert logs.describe_query_definitions(queryDefinitionNamePrefix=query_name)["queryDefinitions"] == []
    with pytest.raises(logs.exceptions.ResourceNotFoundException) as error:
        logs.list_tags_for_resource(resourceArn=arn)
    assert_aws_error(error, "ResourceNotFoundException", "The specified log group does not exist.")
