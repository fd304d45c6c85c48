"""Data sources through boto3: the `cw:datasource:name`/`cw:datasource:type` tags of a log group
(user guide, "Custom sources") give it a data source, which GetLogFields, ListLogGroups'
`dataSources` filter and ListAggregateLogGroupSummaries read."""
from __future__ import annotations

import json
import time

import boto3
import pytest
from botocore.config import Config

from support import REGION, assert_aws_error


def _tagged(logs, name, source, kind):
    logs.create_log_group(logGroupName=name,
                          tags={"cw:datasource:name": source, "cw:datasource:type": kind})


def test_get_log_fields_follows_the_events_and_their_transformer(logs, names):
    source = names.prefix
    group = names.group()
    _tagged(logs, group, source, "api")
    logs.create_log_stream(logGroupName=group, logStreamName="s")
    now = int(time.time() * 1000)
    token = logs.put_log_events(logGroupName=group, logStreamName="s", logEvents=[
        {"timestamp": now, "message": json.dumps({"status": 200, "path": "/x"})}]
    )["nextSequenceToken"]
    fields = logs.get_log_fields(dataSourceName=source, dataSourceType="api")["logFields"]
    assert {f["logFieldName"]: f["logFieldType"] for f in fields if f["logFieldName"][0] != "@"} \
        == {"path": {"type": "string"}, "status": {"type": "long"}}

    # A transformer's new field shows once events pass through it.
    logs.put_transformer(logGroupIdentifier=group, transformerConfig=[
        {"parseJSON": {}}, {"addKeys": {"entries": [{"key": "env", "value": "prod"}]}}])
    logs.put_log_events(logGroupName=group, logStreamName="s", sequenceToken=token, logEvents=[
        {"timestamp": now + 1, "message": json.dumps({"status": 500, "path": "/y"})}])
    fields = logs.get_log_fields(dataSourceName=source, dataSourceType="api")["logFields"]
    assert "env" in [f["logFieldName"] for f in fields]

    with pytest.raises(logs.exceptions.ResourceNotFoundException) as err:
        logs.get_log_fields(dataSourceName=source, dataSourceType="other")
    assert_aws_error(err, "ResourceNotFoundException", "The specified data source does not exist.")


def test_get_log_fields_requires_name_and_type(emulator):
    raw = boto3.client("logs", endpoint_url=emulator.url, region_name=REGION,
                       aws_access_key_id="test", aws_secret_access_key="test",
                       config=Config(parameter_validation=False,
                                     retries={"total_max_attempts": 1, "mode": "standard"}))
    with pytest.raises(raw.exceptions.InvalidParameterException) as err:
        raw.get_log_fields()
    assert_aws_error(
        err, "InvalidParameterException",
        "2 validation errors detected: Value null at 'dataSourceName' failed to satisfy "
        "constraint: Member must not be null; Value null at 'dataSourceType' failed to satisfy "
        "constraint: Member must not be null")


def test_list_log_groups_and_aggregates_select_by_data_source(logs, names):
    source = names.prefix
    a, b, plain = names.group("a"), names.group("b"), names.group("plain")
    _tagged(logs, a, source, "flow")
    _tagged(logs, b, source, "audit")
    logs.create_log_group(logGroupName=plain)
    # A name reserved for AWS services' logs is no custom data source.
    logs.create_log_group(logGroupName=names.group("vpc"),
                          tags={"cw:datasource:name": "amazon_vpc", "cw:datasource:type": "flow"})

    listed = logs.list_log_groups(dataSources=[{"name": source}])["logGroups"]
    assert sorted(g["logGroupName"] for g in listed) == sorted([a, b])
    listed = logs.list_log_groups(dataSources=[{"name": source, "type": "audit"}])["logGroups"]
    assert [g["logGroupName"] for g in listed] == [b]
    assert logs.list_log_groups(dataSources=[{"name": "amazon_vpc"}])["logGroups"] == []

    summaries = logs.list_aggregate_log_group_summaries(
        groupBy="DATA_SOURCE_NAME_TYPE_AND_FORMAT",
        dataSources=[{"name": source}])["aggregateLogGroupSummaries"]
    assert summaries == [
        {"logGroupCount": 1, "groupingIdentifiers": [
            {"key": "dataSource.Name", "value": source}, {"key": "dataSource.Type", "value": t},
            {"key": "dataSource.Format", "value": "Default"}]}
        for t in ["audit", "flow"]]
    # logGroupClass filters too.
    assert logs.list_aggregate_log_group_summaries(
        groupBy="DATA_SOURCE_NAME_AND_TYPE", logGroupClass="INFREQUENT_ACCESS",
        dataSources=[{"name": source}])["aggregateLogGroupSummaries"] == []

    with pytest.raises(logs.exceptions.InvalidParameterException) as err:
        logs.list_aggregate_log_group_summaries(groupBy="DATA_SOURCE_NAME_AND_TYPE",
                                                logGroupNamePattern="ab*")
    assert_aws_error(
        err, "InvalidParameterException",
        "1 validation error detected: Value at 'logGroupNamePattern' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: "
        r"(\^?[\.\-_\/#A-Za-z0-9]{3,24})(\|\^?[\.\-_\/#A-Za-z0-9]{3,24}){0,4}")


def test_account_identifiers_are_twelve_digits(logs):
    for call in (logs.list_log_groups, lambda **kw: logs.list_aggregate_log_group_summaries(
            groupBy="DATA_SOURCE_NAME_AND_TYPE", **kw)):
        with pytest.raises(logs.exceptions.InvalidParameterException) as err:
            call(accountIdentifiers=["12345678901a"])
        assert_aws_error(
            err, "InvalidParameterException",
            "1 validation error detected: Value at 'accountIdentifiers.1.member' failed to "
            "satisfy constraint: Member must satisfy regular expression pattern: ^\\d{12}$")
