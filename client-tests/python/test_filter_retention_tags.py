"""boto3 and the AWS CLI on FilterLogEvents (paginator, patterns, errors), TestMetricFilter,
metric filters, retention policies and tags."""
from __future__ import annotations

import json
import subprocess

import pytest

from support import assert_aws_error, now_ms, put_chained


@pytest.fixture
def busy_group(logs, names):
    """A group with three streams of 1,000 interleaved events each; every 10th is an ERROR."""
    group = names.group()
    logs.create_log_group(logGroupName=group)
    start = now_ms() - 600_000
    for n, stream in enumerate(["api", "web", "worker"]):
        logs.create_log_stream(logGroupName=group, logStreamName=stream)
        events = [{"timestamp": start + i * 3 + n,
                   "message": f"{'ERROR' if i % 10 == 0 else 'INFO'} {stream} {i}"}
                  for i in range(1000)]
        put_chained(logs, group, stream, events)
    return group


def test_filter_log_events_paginator_reads_every_page(logs, busy_group):
    pages = list(logs.get_paginator("filter_log_events").paginate(
        logGroupName=busy_group, PaginationConfig={"PageSize": 400}))
    assert [len(p["events"]) for p in pages] == [400] * 7 + [200]
    assert "nextToken" not in pages[-1]
    events = [e for p in pages for e in p["events"]]
    assert len({e["eventId"] for e in events}) == 3000
    times = [e["timestamp"] for e in events]
    assert times == sorted(times)
    assert all(p["searchedLogStreams"] == [] for p in pages)


def test_filter_patterns_and_stream_selection(logs, busy_group):
    errors = logs.filter_log_events(logGroupName=busy_group, filterPattern="ERROR")["events"]
    assert len(errors) == 300
    only = logs.filter_log_events(logGroupName=busy_group, filterPattern="ERROR worker",
                                  logStreamNames=["worker", "api"])["events"]
    assert {e["logStreamName"] for e in only} == {"worker"} and len(only) == 100
    prefixed = logs.filter_log_events(logGroupName=busy_group, logStreamNamePrefix="w",
                                      filterPattern="?api ?web")["events"]
    assert {e["logStreamName"] for e in prefixed} == {"web"}
    delimited = logs.filter_log_events(logGroupName=busy_group,
                                       filterPattern="[level=ERROR, stream=api, n>=500]")["events"]
    assert [e["message"] for e in delimited] == [f"ERROR api {i}" for i in range(500, 1000, 10)]


def test_filter_errors_are_typed(logs, busy_group):
    with pytest.raises(logs.exceptions.InvalidParameterException) as both:
        logs.filter_log_events(logGroupName=busy_group, logStreamNames=["api"],
                               logStreamNamePrefix="a")
    assert_aws_error(both, "InvalidParameterException",
                     "logStreamNames and logStreamNamePrefix are mutually exclusive parameters.")
    with pytest.raises(logs.exceptions.InvalidParameterException) as bad:
        logs.filter_log_events(logGroupName=busy_group, filterPattern="{ $.a = ")
    assert_aws_error(bad, "InvalidParameterException",
                     "If a filter pattern starts with '{' it must end with '}'")
    with pytest.raises(logs.exceptions.InvalidParameterException) as token:
        logs.filter_log_events(logGroupName=busy_group, nextToken="nope")
    assert_aws_error(token, "InvalidParameterException", "The specified nextToken is invalid.")
    with pytest.raises(logs.exceptions.ResourceNotFoundException) as missing:
        logs.filter_log_events(logGroupName=busy_group + "-missing")
    assert_aws_error(missing, "ResourceNotFoundException",
                     "The specified log group does not exist.")


def test_test_metric_filter_and_metric_filters(logs, group):
    out = logs.test_metric_filter(filterPattern='{ $.status = 5* }',
                                  logEventMessages=['{"status": 503}', '{"status": 200}', "plain"])
    assert [m["eventNumber"] for m in out["matches"]] == [1]
    transformation = [{"metricName": "Errors", "metricNamespace": "App", "metricValue": "1"}]
    logs.put_metric_filter(logGroupName=group, filterName="errors", filterPattern="ERROR",
                           metricTransformations=transformation)
    with pytest.raises(logs.exceptions.InvalidParameterException) as bad:
        logs.put_metric_filter(logGroupName=group, filterName="bad", filterPattern="[a, b",
                               metricTransformations=transformation)
    assert_aws_error(bad, "InvalidParameterException",
                     "If a filter pattern starts with '[' it must end with ']'")
    filters = logs.describe_metric_filters(logGroupName=group)["metricFilters"]
    assert [f["filterName"] for f in filters] == ["errors"]
    assert filters[0]["metricTransformations"] == transformation
    logs.delete_metric_filter(logGroupName=group, filterName="errors")
    assert logs.describe_metric_filters(logGroupName=group)["metricFilters"] == []


def test_retention_policy(logs, group):
    logs.put_retention_policy(logGroupName=group, retentionInDays=30)
    [described] = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]
    assert described["retentionInDays"] == 30
    with pytest.raises(logs.exceptions.InvalidParameterException) as bad:
        logs.put_retention_policy(logGroupName=group, retentionInDays=31)
    assert_aws_error(
        bad, "InvalidParameterException",
        "1 validation error detected: Value '31' at 'retentionInDays' failed to satisfy constraint: "
        "Member must satisfy enum value set: [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, "
        "545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]")
    logs.delete_retention_policy(logGroupName=group)
    [described] = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]
    assert "retentionInDays" not in described


def test_tags_modern_and_legacy(logs, group):
    [described] = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]
    arn = described["logGroupArn"]
    logs.tag_resource(resourceArn=arn, tags={"team": "core", "env": "ci"})
    logs.untag_resource(resourceArn=arn, tagKeys=["env"])
    logs.tag_log_group(logGroupName=group, tags={"owner": "me"})
    assert logs.list_tags_for_resource(resourceArn=arn)["tags"] == {"team": "core", "owner": "me"}
    logs.untag_log_group(logGroupName=group, tags=["owner"])
    assert logs.list_tags_log_group(logGroupName=group)["tags"] == {"team": "core"}
    with pytest.raises(logs.exceptions.TooManyTagsException) as too_many:
        logs.tag_resource(resourceArn=arn, tags={f"k{i}": "v" for i in range(50)})
    assert_aws_error(too_many, "TooManyTagsException", "A resource can have no more than 50 tags.")
    assert too_many.value.response["resourceName"] == arn


def test_cli_filter_log_events(cli_env, logs, busy_group):
    out = subprocess.run(
        ["aws", "logs", "filter-log-events", "--log-group-name", busy_group,
         "--filter-pattern", "ERROR", "--log-stream-names", "api", "--output", "json"],
        env=cli_env, capture_output=True, text=True, timeout=60, check=True)
    events = json.loads(out.stdout)["events"]
    assert len(events) == 100
    assert all(e["message"].startswith("ERROR api") for e in events)
