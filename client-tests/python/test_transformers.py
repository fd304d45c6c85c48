"""Transformers, field indexes, syslog configurations and the storage tier through boto3:
each operation's success shape and main errors, and what a transformer does to ingested
events (GetLogEvents, FilterLogEvents, Insights, metric and subscription filters with
applyOnTransformedLogs)."""
from __future__ import annotations

import json
import time
import urllib.request

import pytest

from support import assert_aws_error, now_ms

GROK_CONFIG = [
    {"grok": {"match": "%{WORD:level} %{INT:status:int} %{GREEDYDATA:detail}"}},
    {"addKeys": {"entries": [{"key": "source", "value": "app"}]}},
]


def http(method: str, url: str) -> dict:
    with urllib.request.urlopen(urllib.request.Request(url, method=method), timeout=10) as answer:
        return json.loads(answer.read())


@pytest.fixture
def group(logs, names) -> str:
    name = names.group()
    logs.create_log_group(logGroupName=name)
    logs.create_log_stream(logGroupName=name, logStreamName="s")
    return name


def test_put_get_replace_delete_transformer(logs, group):
    logs.put_transformer(logGroupIdentifier=group, transformerConfig=GROK_CONFIG)
    got = logs.get_transformer(logGroupIdentifier=group)
    assert got["logGroupIdentifier"] == group
    assert got["transformerConfig"] == GROK_CONFIG
    created = got["creationTime"]
    assert got["lastModifiedTime"] == created
    time.sleep(0.01)
    replacement = [{"parseJSON": {}}, {"lowerCaseString": {"withKeys": ["level"]}}]
    logs.put_transformer(logGroupIdentifier=group, transformerConfig=replacement)
    again = logs.get_transformer(logGroupIdentifier=group)
    assert again["transformerConfig"] == replacement
    assert again["creationTime"] == created and again["lastModifiedTime"] > created
    # The ARN works as the identifier.
    arn = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"][0]["logGroupArn"]
    assert logs.get_transformer(logGroupIdentifier=arn)["transformerConfig"] == replacement
    logs.delete_transformer(logGroupIdentifier=group)
    with pytest.raises(logs.exceptions.ResourceNotFoundException) as error:
        logs.get_transformer(logGroupIdentifier=group)
    assert_aws_error(error, "ResourceNotFoundException",
                     "The specified transformer does not exist.")
    with pytest.raises(logs.exceptions.ResourceNotFoundException) as error:
        logs.delete_transformer(logGroupIdentifier=group)
    assert_aws_error(error, "ResourceNotFoundException",
                     "The specified transformer does not exist.")


def test_transformer_errors(logs, group, names):
    with pytest.raises(logs.exceptions.ResourceNotFoundException) as error:
        logs.put_transformer(logGroupIdentifier=names.group("missing"),
                             transformerConfig=GROK_CONFIG)
    assert_aws_error(error, "ResourceNotFoundException", "The specified log group does not exist.")
    with pytest.raises(logs.exceptions.InvalidParameterException) as error:
        logs.put_transformer(logGroupIdentifier=group, transformerConfig=[
            {"addKeys": {"entries": [{"key": "a", "value": "b"}]}}])
    assert_aws_error(error, "InvalidParameterException",
                     "The first processor in a transformer must be a parser.")
    with pytest.raises(logs.exceptions.InvalidParameterException) as error:
        logs.put_transformer(logGroupIdentifier=group,
                             transformerConfig=[{"parseJSON": {}}] * 21)
    assert_aws_error(error, "InvalidParameterException",
                     "1 validation error detected: Value '[... 21 items]' at 'transformerConfig' "
                     "failed to satisfy constraint: Member must have length less than or equal "
                     "to 20")
    with pytest.raises(logs.exceptions.InvalidParameterException) as error:
        logs.put_transformer(logGroupIdentifier=group, transformerConfig=[
            {"parseJSON": {}}, {"parseVPC": {}}])
    assert "must be the first processor" in str(error.value)
    with pytest.raises(logs.exceptions.InvalidParameterException) as error:
        logs.put_transformer(logGroupIdentifier=group, transformerConfig=[
            {"parseJSON": {}, "csv": {}}])
    assert_aws_error(error, "InvalidParameterException",
                     "Each processor in transformerConfig must contain exactly one processor "
                     "type.")
    ia = names.group("ia")
    logs.create_log_group(logGroupName=ia, logGroupClass="INFREQUENT_ACCESS")
    with pytest.raises(logs.exceptions.InvalidParameterException) as error:
        logs.put_transformer(logGroupIdentifier=ia, transformerConfig=GROK_CONFIG)
    assert_aws_error(error, "InvalidParameterException",
                     "Transformers can only be created for log groups in the STANDARD log class.")


def test_test_transformer_returns_what_the_pipeline_produces(logs):
    answer = logs.test_transformer(transformerConfig=GROK_CONFIG, logEventMessages=[
        "ERROR 500 disk full", "no match here"])
    assert answer["transformedLogs"] == [
        {"eventNumber": 1, "eventMessage": "ERROR 500 disk full",
         "transformedEventMessage":
             '{"level":"ERROR","status":500,"detail":"disk full","source":"app"}'},
        {"eventNumber": 2, "eventMessage": "no match here"},
    ]
    with pytest.raises(logs.exceptions.InvalidParameterException) as error:
        logs.test_transformer(transformerConfig=GROK_CONFIG, logEventMessages=["m"] * 51)
    assert_aws_error(error, "InvalidParameterException",
                     "1 validation error detected: Value '[... 51 items]' at 'logEventMessages' "
                     "failed to satisfy constraint: Member must have length less than or equal "
                     "to 50")


def test_test_transformer_converts_to_ocsf(logs):
    # AWS documents no parseToOCSF output: the fields follow OCSF's Network Activity class.
    answer = logs.test_transformer(
        transformerConfig=[{"parseToOCSF": {"eventSource": "VPCFlow", "ocsfVersion": "V1.1"}}],
        logEventMessages=["2 123456789012 eni-0abc 10.0.0.1 10.0.0.2 443 49152 6 10 8400 "
                          "1714564800 1714564860 REJECT OK"])
    event = json.loads(answer["transformedLogs"][0]["transformedEventMessage"])
    assert (event["class_uid"], event["activity_id"], event["type_uid"]) == (4001, 6, 400106)
    assert event["metadata"]["version"] == "1.1.0"
    assert event["src_endpoint"] == {"ip": "10.0.0.1", "port": 443, "interface_uid": "eni-0abc"}
    assert (event["action"], event["time"]) == ("Denied", 1714564860000)
    with pytest.raises(logs.exceptions.InvalidParameterException):
        logs.test_transformer(
            transformerConfig=[{"parseToOCSF": {"eventSource": "VPCFlow", "ocsfVersion": "V9"}}],
            logEventMessages=["m"])


def test_ingested_events_are_stored_transformed(logs, group):
    logs.put_transformer(logGroupIdentifier=group, transformerConfig=GROK_CONFIG)
    t = now_ms()
    logs.put_log_events(logGroupName=group, logStreamName="s", logEvents=[
        {"timestamp": t, "message": "ERROR 500 disk full"},
        {"timestamp": t + 1, "message": "unparseable"},
    ])
    events = logs.get_log_events(logGroupName=group, logStreamName="s",
                                 startFromHead=True)["events"]
    assert [e["message"] for e in events] == [
        '{"level":"ERROR","status":500,"detail":"disk full","source":"app"}',
        "unparseable",  # an event the pipeline cannot transform is stored as sent
    ]
    # FilterLogEvents matches the transformed fields.
    found = logs.filter_log_events(logGroupName=group, filterPattern="{ $.status = 500 }")
    assert [e["message"] for e in found["events"]] == [events[0]["message"]]
    # Insights sees the extracted fields.
    query = logs.start_query(logGroupName=group, startTime=t // 1000 - 60,
                             endTime=t // 1000 + 60,
                             queryString="filter status = 500 | fields level, source")
    deadline = time.monotonic() + 10
    while True:
        result = logs.get_query_results(queryId=query["queryId"])
        if result["status"] == "Complete" or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert result["status"] == "Complete"
    rows = [{f["field"]: f["value"] for f in row if not f["field"].startswith("@")}
            for row in result["results"]]
    assert rows == [{"level": "ERROR", "source": "app"}]


def test_failed_events_keep_their_message_and_get_a_transformation_error(logs, group):
    # User guide, "Transformation metrics and errors": an event the transformer fails on gets
    # the @transformationError system field, which Insights shows and ispresent() finds.
    logs.put_transformer(logGroupIdentifier=group, transformerConfig=GROK_CONFIG)
    t = now_ms()
    logs.put_log_events(logGroupName=group, logStreamName="s", logEvents=[
        {"timestamp": t, "message": "ERROR 500 disk full"},
        {"timestamp": t + 1, "message": "unparseable"},
    ])
    result = run_query(logs, [group], "filter ispresent(@transformationError) "
                       "| fields @message, @transformationError", t)
    assert result["status"] == "Complete"
    rows = [{f["field"]: f["value"] for f in row if f["field"] != "@ptr"}
            for row in result["results"]]
    assert rows == [{"@message": "unparseable",
                     "@transformationError": "grok: the pattern does not match the log event."}]
    result = run_query(logs, [group], "filter not ispresent(@transformationError) "
                       "| fields @message", t)
    assert [row[0]["value"] for row in result["results"]] == [
        '{"level":"ERROR","status":500,"detail":"disk full","source":"app"}']
    # GetLogEvents has no field for it: the failed event reads back as sent.
    events = logs.get_log_events(logGroupName=group, logStreamName="s",
                                 startFromHead=True)["events"]
    assert events[1]["message"] == "unparseable" and set(events[1]) == {
        "timestamp", "message", "ingestionTime"}


def test_filters_choose_original_or_transformed_events(start_emulator, names):
    emu = start_emulator("--sequence-tokens", "ignore")
    logs = emu.client()
    group = names.group()
    logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName="s")
    logs.put_transformer(logGroupIdentifier=group, transformerConfig=GROK_CONFIG)
    lam = "arn:aws:lambda:us-east-1:000000000000:function:f"
    logs.put_subscription_filter(logGroupName=group, filterName="original", filterPattern="",
                                 destinationArn=lam)
    logs.put_subscription_filter(logGroupName=group, filterName="transformed",
                                 filterPattern="{ $.level = \"ERROR\" }",
                                 destinationArn=lam, applyOnTransformedLogs=True)
    transformation = [{"metricName": "Status", "metricNamespace": "App",
                       "metricValue": "$.status"}]
    logs.put_metric_filter(logGroupName=group, filterName="on-transformed",
                           filterPattern="{ $.status > 0 }",
                           metricTransformations=transformation, applyOnTransformedLogs=True)
    logs.put_metric_filter(logGroupName=group, filterName="on-original",
                           filterPattern="{ $.status > 0 }",
                           metricTransformations=[dict(transformation[0], metricName="Raw")])
    minute = now_ms() // 60_000 * 60_000 - 60_000
    logs.put_log_events(logGroupName=group, logStreamName="s", logEvents=[
        {"timestamp": minute + 1, "message": "ERROR 500 disk full"}])
    delivered = {d["filterName"]: d["payload"]["logEvents"][0]["message"]
                 for d in http("GET", emu.url + "/_cwlogs/deliveries")["deliveries"]}
    assert delivered == {
        "original": "ERROR 500 disk full",
        "transformed": '{"level":"ERROR","status":500,"detail":"disk full","source":"app"}',
    }
    # Only the filter on transformed events sees a JSON status.
    assert [m["metricName"] for m in http("GET", emu.url + "/_cwlogs/metrics")["metrics"]] == [
        "Status"]


def test_index_policies_and_field_indexes(logs, group, names):
    document = json.dumps({"Fields": ["RequestId"], "FieldsV2": {"Api": {"type": "FACET"}}})
    put = logs.put_index_policy(logGroupIdentifier=group, policyDocument=document)["indexPolicy"]
    arn = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"][0]["logGroupArn"]
    assert put == {"logGroupIdentifier": arn, "lastUpdateTime": put["lastUpdateTime"],
                   "policyDocument": document, "source": "LOG_GROUP"}
    assert logs.describe_index_policies(logGroupIdentifiers=[group])["indexPolicies"] == [put]
    t = now_ms()
    logs.put_log_events(logGroupName=group, logStreamName="s", logEvents=[
        {"timestamp": t, "message": '{"RequestId": "r1", "traceId": "x"}'},
        {"timestamp": t + 5, "message": '{"RequestId": "r2", "Api": "Get"}'},
        {"timestamp": t + 9, "message": "plain text"},
    ])
    indexes = logs.describe_field_indexes(logGroupIdentifiers=[group])["fieldIndexes"]
    by_name = {i["fieldIndexName"]: i for i in indexes}
    assert {n: (i["indexCategory"], i["type"], i["firstEventTime"], i["lastEventTime"])
            for n, i in by_name.items()} == {
        "@logStream": ("DEFAULT", "FIELD_INDEX", t, t + 9),
        "Api": ("CUSTOM", "FACET", t + 5, t + 5),
        "RequestId": ("CUSTOM", "FIELD_INDEX", t, t + 5),
        "traceId": ("DEFAULT", "FIELD_INDEX", t, t),
    }
    assert all(i["logGroupIdentifier"] == arn and i["lastScanTime"] > 0 for i in indexes)
    only_custom = logs.describe_field_indexes(logGroupIdentifiers=[group],
                                              indexCategories=["CUSTOM"])["fieldIndexes"]
    assert sorted(i["fieldIndexName"] for i in only_custom) == ["Api", "RequestId"]

    logs.delete_index_policy(logGroupIdentifier=group)
    assert logs.describe_index_policies(logGroupIdentifiers=[group])["indexPolicies"] == []
    inactive = logs.describe_field_indexes(logGroupIdentifiers=[group],
                                           indexCategories=["INACTIVE"])["fieldIndexes"]
    assert sorted(i["fieldIndexName"] for i in inactive) == ["Api", "RequestId"]
    with pytest.raises(logs.exceptions.ResourceNotFoundException) as error:
        logs.delete_index_policy(logGroupIdentifier=group)
    assert_aws_error(error, "ResourceNotFoundException",
                     "The specified index policy does not exist.")


def test_index_policy_errors_and_account_policies(logs, group, names):
    with pytest.raises(logs.exceptions.InvalidParameterException) as error:
        logs.put_index_policy(logGroupIdentifier=group, policyDocument='{"Fields": []}')
    assert_aws_error(error, "InvalidParameterException",
                     "Invalid index policy document: the policy document must include at least "
                     "one field index.")
    with pytest.raises(logs.exceptions.InvalidParameterException) as error:
        logs.put_index_policy(logGroupIdentifier=group, policyDocument=json.dumps(
            {"Fields": [f"f{i}" for i in range(21)]}))
    assert_aws_error(error, "InvalidParameterException",
                     "Invalid index policy document: a policy can include at most 20 fields.")
    with pytest.raises(logs.exceptions.ResourceNotFoundException) as error:
        logs.put_index_policy(logGroupIdentifier=names.group("missing"),
                              policyDocument='{"Fields": ["a"]}')
    assert_aws_error(error, "ResourceNotFoundException", "The specified log group does not exist.")
    with pytest.raises(logs.exceptions.InvalidParameterException) as error:
        logs.describe_index_policies(logGroupIdentifiers=[group, group])
    assert_aws_error(error, "InvalidParameterException",
                     "1 validation error detected: Value '[... 2 items]' at "
                     "'logGroupIdentifiers' failed to satisfy constraint: Member must have "
                     "length less than or equal to 1")
    with pytest.raises(logs.exceptions.InvalidParameterException) as error:
        logs.describe_field_indexes(logGroupIdentifiers=[group], indexCategories=["NEW"])
    assert_aws_error(error, "InvalidParameterException",
                     "1 validation error detected: Value 'NEW' at 'indexCategories.1.member' "
                     "failed to satisfy constraint: Member must satisfy enum value set: "
                     "[DEFAULT, CUSTOM, AUTO, INACTIVE]")
    # An account FIELD_INDEX_POLICY that selects the group is what DescribeIndexPolicies shows
    # while the group has none of its own.
    policy_name = names.stream("fi")
    logs.put_account_policy(policyName=policy_name, policyType="FIELD_INDEX_POLICY",
                            policyDocument='{"Fields": ["UserId"]}',
                            selectionCriteria=f'LogGroupNamePrefix IN ["{group}"]')
    try:
        shown = logs.describe_index_policies(logGroupIdentifiers=[group])["indexPolicies"]
        assert [(p["source"], p["policyName"], p["policyDocument"]) for p in shown] == [
            ("ACCOUNT", policy_name, '{"Fields": ["UserId"]}')]
    finally:
        logs.delete_account_policy(policyName=policy_name, policyType="FIELD_INDEX_POLICY")


def test_syslog_configurations(logs, group, names):
    other = names.group("other")
    logs.create_log_group(logGroupName=other)
    logs.put_syslog_configuration(logGroupIdentifier=group, vpcEndpointId="vpce-0a1b2c")
    logs.put_syslog_configuration(logGroupIdentifier=other)
    arn = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"][0]["logGroupArn"]
    mine = logs.list_syslog_configurations(logGroupIdentifier=group)["syslogConfigurations"]
    assert mine == [{"logGroupArn": arn, "sourceType": "VPCE", "vpcEndpointId": "vpce-0a1b2c",
                     "createdAt": mine[0]["createdAt"]}]
    by_vpce = logs.list_syslog_configurations(vpcEndpointId="vpce-0a1b2c")
    assert [c["logGroupArn"] for c in by_vpce["syslogConfigurations"]] == [arn]
    with pytest.raises(logs.exceptions.ResourceNotFoundException) as error:
        logs.delete_syslog_configuration(logGroupIdentifier=group, vpcEndpointId="vpce-ff")
    assert_aws_error(error, "ResourceNotFoundException",
                     "The specified syslog configuration does not exist.")
    logs.delete_syslog_configuration(logGroupIdentifier=group)
    assert logs.list_syslog_configurations(logGroupIdentifier=group)["syslogConfigurations"] == []
    with pytest.raises(logs.exceptions.InvalidParameterException) as error:
        logs.put_syslog_configuration(logGroupIdentifier=group, vpcEndpointId="endpoint-1")
    assert_aws_error(error, "InvalidParameterException",
                     "1 validation error detected: Value at 'vpcEndpointId' failed to satisfy "
                     "constraint: Member must satisfy regular expression pattern: "
                     "^vpce-[0-9a-f]{1,64}$")
    with pytest.raises(logs.exceptions.ResourceNotFoundException) as error:
        logs.put_syslog_configuration(logGroupIdentifier=names.group("missing"))
    assert_aws_error(error, "ResourceNotFoundException", "The specified log group does not exist.")


def test_storage_tier_policy(start_emulator):
    logs = start_emulator().client()
    assert {k: v for k, v in logs.get_storage_tier_policy().items()
            if k != "ResponseMetadata"} == {"storageTier": "STANDARD"}
    put = logs.put_storage_tier_policy(storageTier="INTELLIGENT_TIERING")
    assert put["storageTier"] == "INTELLIGENT_TIERING" and put["lastUpdatedTime"] > 0
    got = logs.get_storage_tier_policy()
    assert (got["storageTier"], got["lastUpdatedTime"]) == (
        "INTELLIGENT_TIERING", put["lastUpdatedTime"])
    with pytest.raises(logs.exceptions.InvalidParameterException) as error:
        logs.put_storage_tier_policy(storageTier="GLACIER")
    assert_aws_error(error, "InvalidParameterException",
                     "1 validation error detected: Value 'GLACIER' at 'storageTier' failed to "
                     "satisfy constraint: Member must satisfy enum value set: "
                     "[STANDARD, INTELLIGENT_TIERING]")


def run_query(logs, groups, query, t):
    started = logs.start_query(logGroupNames=groups, startTime=t // 1000 - 60,
                               endTime=t // 1000 + 60, queryString=query)
    deadline = time.monotonic() + 10
    while True:
        result = logs.get_query_results(queryId=started["queryId"])
        if result["status"] in ("Complete", "Failed") or time.monotonic() > deadline:
            return result
        time.sleep(0.05)


def test_filter_index_scans_only_indexed_events_and_reports_the_skipped(ignore_emulator, names):
    logs = ignore_emulator.client()
    indexed, plain = names.group("indexed"), names.group("plain")
    t = now_ms()
    for group in (indexed, plain):
        logs.create_log_group(logGroupName=group)
        logs.create_log_stream(logGroupName=group, logStreamName="s")
    # Events ingested before the policy are not in the index.
    logs.put_log_events(logGroupName=indexed, logStreamName="s", logEvents=[
        {"timestamp": t - 1, "message": '{"RequestId": "r1", "n": 0}'}])
    time.sleep(0.01)  # a later millisecond
    logs.put_index_policy(logGroupIdentifier=indexed, policyDocument='{"Fields": ["RequestId"]}')
    messages = ['{"RequestId": "r1", "n": 1}', '{"RequestId": "r2", "n": 2}',
                '{"RequestId": "r1", "n": 3}']
    logs.put_log_events(logGroupName=indexed, logStreamName="s", logEvents=[
        {"timestamp": t + i, "message": m} for i, m in enumerate(messages)])
    logs.put_log_events(logGroupName=plain, logStreamName="s", logEvents=[
        {"timestamp": t, "message": '{"RequestId": "r1", "n": 9}'}])

    result = run_query(logs, [indexed, plain],
                       'filterIndex RequestId = "r1" | fields n | sort n', t)
    assert result["status"] == "Complete"
    assert [[f["value"] for f in row if f["field"] == "n"] for row in result["results"]] == [
        ["1"], ["3"]]
    stats = result["statistics"]
    assert (stats["recordsScanned"], stats["recordsMatched"]) == (2, 2)
    # Skipped: the event before the policy, r2, and the whole unindexed group.
    assert stats["estimatedRecordsSkipped"] == 3
    skipped_bytes = len('{"RequestId": "r1", "n": 0}') + len(messages[1]) + len(
        '{"RequestId": "r1", "n": 9}')
    assert stats["estimatedBytesSkipped"] == skipped_bytes
    assert stats["bytesScanned"] == len(messages[0]) + len(messages[2])

    # `in` picks several values; `filter` instead of filterIndex scans everything.
    listed = run_query(logs, [indexed], 'filterIndex RequestId in ["r1", "r2"] | fields n', t)
    assert sorted(f["value"] for row in listed["results"] for f in row if f["field"] == "n") == [
        "1", "2", "3"]
    full = run_query(logs, [indexed, plain], 'filter RequestId = "r1" | fields n', t)
    assert (full["statistics"]["recordsScanned"], full["statistics"]["estimatedRecordsSkipped"]) \
        == (5, 0)

    with pytest.raises(logs.exceptions.MalformedQueryException):
        logs.start_query(logGroupNames=[indexed], startTime=0, endTime=1,
                         queryString="filterIndex RequestId like /r/")


def test_account_transformer_policy_transforms_the_groups_it_selects(start_emulator, names):
    logs = start_emulator("--sequence-tokens", "ignore").client()
    prefix = names.group("acct")
    selected, own, other = prefix + "/a", prefix + "/own", names.group("elsewhere")
    for group in (selected, own, other):
        logs.create_log_group(logGroupName=group)
        logs.create_log_stream(logGroupName=group, logStreamName="s")
    with pytest.raises(logs.exceptions.InvalidParameterException) as error:
        logs.put_account_policy(policyName="kv", policyType="TRANSFORMER_POLICY",
                                policyDocument=json.dumps({"transformerConfig": [
                                    {"addKeys": {"entries": [{"key": "a", "value": "b"}]}}]}),
                                selectionCriteria=f'LogGroupNamePrefix IN ["{prefix}"]')
    assert_aws_error(error, "InvalidParameterException",
                     "The first processor in a transformer must be a parser.")
    logs.put_account_policy(policyName="kv", policyType="TRANSFORMER_POLICY",
                            policyDocument=json.dumps({"transformerConfig": [
                                {"parseKeyValue": {"fieldDelimiter": " "}}]}),
                            selectionCriteria=f'LogGroupNamePrefix IN ["{prefix}"]')
    # A group's own transformer wins over the account's.
    logs.put_transformer(logGroupIdentifier=own, transformerConfig=[
        {"csv": {"delimiter": " ", "columns": ["first", "second"]}}])

    def stored(group: str) -> str:
        logs.put_log_events(logGroupName=group, logStreamName="s",
                            logEvents=[{"timestamp": now_ms(), "message": "a=1 b=2"}])
        return logs.get_log_events(logGroupName=group, logStreamName="s")["events"][-1]["message"]

    assert stored(selected) == '{"a":"1","b":"2"}'
    assert stored(own) == '{"first":"a=1","second":"b=2"}'
    assert stored(other) == "a=1 b=2"
    logs.delete_account_policy(policyName="kv", policyType="TRANSFORMER_POLICY")
    assert stored(selected) == "a=1 b=2"
