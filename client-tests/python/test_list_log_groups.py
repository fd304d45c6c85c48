"""ListLogGroups through boto3: name patterns, class and tag filters, paging, the brief
summary shape and the model's validation."""
from __future__ import annotations

import pytest

from support import assert_aws_error


def listed(logs, **kwargs) -> list[dict]:
    groups, token = [], None
    while True:
        page = logs.list_log_groups(**kwargs, **({"nextToken": token} if token else {}))
        groups += page["logGroups"]
        token = page.get("nextToken")
        if not token:
            return groups


def test_list_log_groups_filters_pages_and_summarises(logs, names):
    tag = names.prefix
    a, b, c = names.group("alpha"), names.group("beta"), names.group("gamma")
    logs.create_log_group(logGroupName=a, tags={"team": "red", "k": tag})
    logs.create_log_group(logGroupName=b, tags={"team": "blue", "k": tag})
    logs.create_log_group(logGroupName=c, logGroupClass="INFREQUENT_ACCESS", tags={"k": tag})

    mine = listed(logs, logGroupNamePattern=tag)
    assert mine == [
        {"logGroupName": g, "logGroupArn": logs.describe_log_groups(
            logGroupNamePrefix=g)["logGroups"][0]["logGroupArn"].removesuffix(":*"),
         "logGroupClass": cls}
        for g, cls in [(a, "STANDARD"), (b, "STANDARD"), (c, "INFREQUENT_ACCESS")]]
    # `^` anchors a prefix; alternatives are ORed; matching is case-sensitive.
    assert [g["logGroupName"] for g in listed(logs, logGroupNamePattern="^/cwlogs-test/t")
            if tag in g["logGroupName"]] == [a, b, c]
    assert listed(logs, logGroupNamePattern=f"^{tag}") == []
    assert [g["logGroupName"] for g in listed(
        logs, logGroupNamePattern=f"{tag}/alpha|{tag}/gamma")] == [a, c]
    assert listed(logs, logGroupNamePattern=tag.upper()) == []
    # Class and tags (filters AND together; a filter's values OR).
    assert [g["logGroupName"] for g in listed(
        logs, logGroupNamePattern=tag, logGroupClass="INFREQUENT_ACCESS")] == [c]
    assert [g["logGroupName"] for g in listed(logs, logGroupTags=[
        {"key": "k", "values": [tag]}, {"key": "team", "values": ["red", "blue"]}])] == [a, b]
    assert [g["logGroupName"] for g in listed(logs, logGroupTags=[
        {"key": "k", "values": [tag]}, {"key": "team", "values": []}])] == [a, b]
    # Paging: one at a time, every group once, in name order.
    pages = []
    token = None
    while True:
        page = logs.list_log_groups(logGroupNamePattern=tag, limit=1,
                                    **({"nextToken": token} if token else {}))
        pages.append([g["logGroupName"] for g in page["logGroups"]])
        token = page.get("nextToken")
        if not token:
            break
    assert [n for p in pages for n in p] == [a, b, c]
    # Other accounts only: none here.
    assert listed(logs, logGroupNamePattern=tag, includeLinkedAccounts=True,
                  accountIdentifiers=["999999999999"]) == []
    # No data sources or field indexes on these groups.
    assert listed(logs, logGroupNamePattern=tag, dataSources=[{"name": "amazon_vpc"}]) == []


def test_list_log_groups_validation(logs):
    with pytest.raises(logs.exceptions.InvalidParameterException) as err:
        logs.list_log_groups(logGroupNamePattern="ab*")
    assert_aws_error(
        err, "InvalidParameterException",
        "1 validation error detected: Value at 'logGroupNamePattern' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: "
        r"(\^?[\.\-_\/#A-Za-z0-9]{3,24})(\|\^?[\.\-_\/#A-Za-z0-9]{3,24}){0,4}")
    with pytest.raises(logs.exceptions.InvalidParameterException) as err:
        logs.list_log_groups(limit=1001)
    assert_aws_error(
        err, "InvalidParameterException",
        "1 validation error detected: Value '1001' at 'limit' failed to satisfy constraint: "
        "Member must have value less than or equal to 1000")
    with pytest.raises(logs.exceptions.InvalidParameterException) as err:
        logs.list_log_groups(logGroupClass="COLD")
    assert_aws_error(
        err, "InvalidParameterException",
        "1 validation error detected: Value 'COLD' at 'logGroupClass' failed to satisfy "
        "constraint: Member must satisfy enum value set: "
        "[STANDARD, INFREQUENT_ACCESS, DELIVERY, ESSENTIALS]")
