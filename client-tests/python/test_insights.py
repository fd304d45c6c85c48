"""Logs Insights through boto3 and the AWS CLI: the query lifecycle, rows as AWS shapes them,
paging, StopQuery, GetLogRecord, DescribeQueries and the errors."""
from __future__ import annotations

import json
import subprocess
import time

import pytest

from support import EMAIL_MASKING_POLICY, assert_aws_error, now_ms

ACCOUNT = "000000000000"


def wait(logs, query_id: str) -> dict:
    for _ in range(200):
        answer = logs.get_query_results(queryId=query_id)
        if answer["status"] not in ("Scheduled", "Running"):
            return answer
        time.sleep(0.05)
    raise AssertionError(f"query {query_id} did not finish")


def rows(answer: dict) -> list[dict[str, str]]:
    return [{cell["field"]: cell["value"] for cell in row} for row in answer["results"]]


@pytest.fixture
def app(logs, names):
    """A group with a text stream and a JSON stream, events in the last minutes."""
    group = names.group("insights")
    logs.create_log_group(logGroupName=group)
    base = now_ms() - 10 * 60_000
    text = [
        "INFO start user=alice latency=12",
        "ERROR failed user=bob latency=250",
        "WARN slow user=carol latency=900",
        "ERROR again user=dave latency=5",
    ]
    logs.create_log_stream(logGroupName=group, logStreamName="web")
    logs.put_log_events(logGroupName=group, logStreamName="web", logEvents=[
        {"timestamp": base + i * 1000, "message": m} for i, m in enumerate(text)
    ])
    logs.create_log_stream(logGroupName=group, logStreamName="api")
    logs.put_log_events(logGroupName=group, logStreamName="api", logEvents=[
        {"timestamp": base + 500 + i * 1000,
         "message": json.dumps({"level": level, "latency": latency, "service": service})}
        for i, (level, latency, service) in enumerate(
            [("INFO", 100, "api"), ("ERROR", 300, "api"), ("INFO", 50, "auth")])
    ])
    return group, base


def window(base: int) -> dict:
    return {"startTime": base // 1000 - 60, "endTime": now_ms() // 1000 + 60}


def test_filter_query_returns_events_newest_first_with_ptr(logs, app):
    group, base = app
    query_id = logs.start_query(logGroupName=group, queryString="filter @message like /ERROR/",
                                **window(base))["queryId"]
    answer = wait(logs, query_id)
    assert answer["status"] == "Complete"
    assert answer["queryLanguage"] == "CWLI"
    found = rows(answer)
    assert [r["@message"] for r in found] == [
        "ERROR again user=dave latency=5",
        json.dumps({"level": "ERROR", "latency": 300, "service": "api"}),
        "ERROR failed user=bob latency=250",
    ]
    assert [list(r) for r in found] == [["@timestamp", "@message", "@ptr"]] * 3
    newest = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime((base + 3000) // 1000))
    assert found[0]["@timestamp"] == f"{newest}.{(base + 3000) % 1000:03d}"
    statistics = answer["statistics"]
    assert (statistics["recordsScanned"], statistics["recordsMatched"]) == (7.0, 3.0)
    assert statistics["logGroupsScanned"] == 1.0

    record = logs.get_log_record(logRecordPointer=found[0]["@ptr"])["logRecord"]
    assert record == {
        "@ingestionTime": record["@ingestionTime"],
        "@log": f"{ACCOUNT}:{group}",
        "@logStream": "web",
        "@message": "ERROR again user=dave latency=5",
        "@timestamp": str(base + 3000),
    }
    assert int(record["@ingestionTime"]) >= base


def test_stats_by_field_and_json_fields(logs, app):
    group, base = app
    query_id = logs.start_query(
        logGroupName=group,
        queryString="filter ispresent(service) | stats count(*) as n, avg(latency) as avg by service",
        **window(base))["queryId"]
    assert rows(wait(logs, query_id)) == [
        {"service": "api", "n": "2", "avg": "200"},
        {"service": "auth", "n": "1", "avg": "50"},
    ]


def test_parse_sort_limit_and_paging(logs, app):
    group, base = app
    query_id = logs.start_query(
        logGroupName=group,
        queryString='parse @message "user=* latency=*" as user, ms | filter ispresent(user) '
                    '| sort ms desc | fields user, ms | limit 3',
        **window(base))["queryId"]
    wait(logs, query_id)
    first = logs.get_query_results(queryId=query_id, maxItems=2)
    assert [(r["user"], r["ms"]) for r in rows(first)] == [("carol", "900"), ("bob", "250")]
    second = logs.get_query_results(queryId=query_id, maxItems=2, nextToken=first["nextToken"])
    assert [(r["user"], r["ms"]) for r in rows(second)] == [("alice", "12")]
    assert "nextToken" not in second


def test_describe_queries_and_stop_query(logs, app):
    group, base = app
    span = window(base)
    query_id = logs.start_query(logGroupName=group, queryString="fields @message", **span)["queryId"]
    wait(logs, query_id)
    described = logs.describe_queries(logGroupName=group)["queries"]
    assert [q["queryId"] for q in described] == [query_id]
    assert described[0]["queryString"] == (
        f'SOURCE "{group}" START={span["startTime"]}000 END={span["endTime"]}999 | fields @message')
    assert described[0]["status"] == "Complete"
    assert logs.describe_queries(logGroupName=group, status="Running")["queries"] == []

    with pytest.raises(logs.exceptions.InvalidParameterException) as error:
        logs.stop_query(queryId=query_id)
    assert_aws_error(error, "InvalidParameterException", f"Query is not running. Query id: {query_id}")


def test_errors(logs, app, names):
    group, base = app
    with pytest.raises(logs.exceptions.MalformedQueryException) as error:
        logs.start_query(logGroupName=group, queryString="fields @message | bogus x", **window(base))
    assert_aws_error(error, "MalformedQueryException", "unknown command 'bogus'")
    assert error.value.response["queryCompileError"] == {
        "location": {"startCharOffset": 18, "endCharOffset": 23},
        "message": "unknown command 'bogus'",
    }

    missing = names.group("missing")
    with pytest.raises(logs.exceptions.ResourceNotFoundException) as error:
        logs.start_query(logGroupName=missing, queryString="fields @message", **window(base))
    request_id = error.value.response["ResponseMetadata"]["RequestId"]
    assert_aws_error(
        error, "ResourceNotFoundException",
        f"Log group '{missing}' does not exist for account ID '{ACCOUNT}' (Service: AWSLogs; "
        f"Status Code: 400; Error Code: ResourceNotFoundException; Request ID: {request_id}; "
        "Proxy: null)")

    with pytest.raises(logs.exceptions.ResourceNotFoundException) as error:
        logs.get_query_results(queryId="no-such-query")
    assert_aws_error(error, "ResourceNotFoundException", "Query does not exist. Query id: no-such-query")

    with pytest.raises(logs.exceptions.InvalidParameterException) as error:
        logs.start_query(logGroupName=group, logGroupNames=[group], queryString="fields @message",
                         **window(base))
    assert_aws_error(error, "InvalidParameterException",
                     "Exactly one of logGroupName, logGroupNames or logGroupIdentifiers must be provided.")

    with pytest.raises(logs.exceptions.MalformedQueryException) as error:
        logs.start_query(logGroupName=group, queryString="logcompare @message", **window(base))
    assert_aws_error(error, "MalformedQueryException",
                     "logcompare takes timeshift and a duration such as 7d, 12h or 30m")


def test_source_unnest_and_json_functions(logs, app, names):
    """SOURCE picks the groups (StartQuery names none); jsonParse and unnest as documented."""
    group, base = app
    other = names.group("other")
    logs.create_log_group(logGroupName=other)
    query_id = logs.start_query(
        queryString=f"SOURCE logGroups(namePrefix: ['{group}']) | filter ispresent(service) "
                    "| fields jsonParse(@message) as j | stats count(*) as n by j.service",
        **window(base))["queryId"]
    answer = wait(logs, query_id)
    assert rows(answer) == [{"j.service": "api", "n": "2"}, {"j.service": "auth", "n": "1"}]
    assert answer["statistics"]["logGroupsScanned"] == 1.0
    described = logs.describe_queries(logGroupName=group)["queries"]
    assert [q["queryId"] for q in described] == [query_id]

    # The Unnest page's example: one record per element of the list.
    logs.create_log_stream(logGroupName=other, logStreamName="s")
    logs.put_log_events(logGroupName=other, logStreamName="s", logEvents=[{
        "timestamp": base, "message": json.dumps({"events": [{"name": "exception"},
                                                              {"name": "user action"}]})}])
    query_id = logs.start_query(
        logGroupName=other,
        queryString="fields jsonParse(@message) as json_message "
                    "| unnest json_message.events into event | display event.name",
        **window(base))["queryId"]
    found = rows(wait(logs, query_id))
    assert [r["event.name"] for r in found] == ["exception", "user action"]
    assert found[0]["@ptr"] == found[1]["@ptr"], "both rows point at the one event"

    with pytest.raises(logs.exceptions.InvalidParameterException) as error:
        logs.start_query(logGroupName=group, queryString="SOURCE logGroups() | fields @message",
                         **window(base))
    assert_aws_error(
        error, "InvalidParameterException",
        "A query with SOURCE cannot also take logGroupName, logGroupNames or logGroupIdentifiers.")
    with pytest.raises(logs.exceptions.MalformedQueryException) as error:
        logs.start_query(logGroupName=group, queryLanguage="SQL",
                         queryString=f"SELECT * FROM `{group}`", **window(base))
    assert_aws_error(
        error, "MalformedQueryException",
        "The SQL query language is not supported by this emulator; use CWLI (Logs Insights QL).")


def test_aws_cli_start_query_and_get_results(cli_env, logs, app):
    group, base = app
    span = window(base)
    started = subprocess.run(
        ["aws", "logs", "start-query", "--log-group-name", group,
         "--start-time", str(span["startTime"]), "--end-time", str(span["endTime"]),
         "--query-string", "stats count(*) as n"],
        capture_output=True, text=True, env=cli_env, timeout=60, check=True)
    query_id = json.loads(started.stdout)["queryId"]
    wait(logs, query_id)
    results = subprocess.run(
        ["aws", "logs", "get-query-results", "--query-id", query_id],
        capture_output=True, text=True, env=cli_env, timeout=60, check=True)
    answer = json.loads(results.stdout)
    assert answer["status"] == "Complete"
    assert answer["results"] == [[{"field": "n", "value": "7"}]]


def test_query_definitions_put_update_describe_delete(logs, names):
    prefix = names.group("qd").strip("/").replace("/", "-")
    first = logs.put_query_definition(name=f"{prefix}/errors", queryString="filter @message like /ERROR/",
                                      logGroupNames=["/a", "/b"])["queryDefinitionId"]
    second = logs.put_query_definition(name=f"{prefix}/latency", queryString="stats avg(latency)")[
        "queryDefinitionId"]
    listed = logs.describe_query_definitions(queryDefinitionNamePrefix=prefix)["queryDefinitions"]
    assert [(d["name"], d["queryDefinitionId"]) for d in listed] == [
        (f"{prefix}/errors", first), (f"{prefix}/latency", second)]
    assert listed[0]["logGroupNames"] == ["/a", "/b"]
    assert listed[0]["queryLanguage"] == "CWLI"

    # An update replaces every member: the omitted logGroupNames become none.
    assert logs.put_query_definition(queryDefinitionId=first, name=f"{prefix}/errors2",
                                     queryString="fields @message")["queryDefinitionId"] == first
    page = logs.describe_query_definitions(queryDefinitionNamePrefix=prefix, maxResults=1)
    assert [d["name"] for d in page["queryDefinitions"]] == [f"{prefix}/errors2"]
    assert page["queryDefinitions"][0]["logGroupNames"] == []
    rest = logs.describe_query_definitions(queryDefinitionNamePrefix=prefix, maxResults=1,
                                           nextToken=page["nextToken"])
    assert [d["queryDefinitionId"] for d in rest["queryDefinitions"]] == [second]
    assert "nextToken" not in rest

    assert logs.delete_query_definition(queryDefinitionId=first)["success"] is True
    assert [d["queryDefinitionId"] for d in logs.describe_query_definitions(
        queryDefinitionNamePrefix=prefix)["queryDefinitions"]] == [second]
    with pytest.raises(logs.exceptions.ResourceNotFoundException) as error:
        logs.delete_query_definition(queryDefinitionId=first)
    assert_aws_error(error, "ResourceNotFoundException", "The specified query definition does not exist.")
    with pytest.raises(logs.exceptions.ResourceNotFoundException) as error:
        logs.put_query_definition(queryDefinitionId="nope", name="x", queryString="fields @message")
    assert_aws_error(error, "ResourceNotFoundException", "The specified query definition does not exist.")


def test_log_group_fields_and_groups_for_query(logs, app):
    group, base = app
    fields = logs.get_log_group_fields(logGroupName=group, time=(base + 2000) // 1000)["logGroupFields"]
    assert fields == [
        {"name": "@ingestionTime", "percent": 100},
        {"name": "@log", "percent": 100},
        {"name": "@logStream", "percent": 100},
        {"name": "@message", "percent": 100},
        {"name": "@timestamp", "percent": 100},
        {"name": "latency", "percent": 43},
        {"name": "level", "percent": 43},
        {"name": "service", "percent": 43},
    ]
    assert logs.get_log_group_fields(logGroupName=group, time=1)["logGroupFields"] == []

    query_id = logs.start_query(logGroupName=group, queryString="fields @message", **window(base))["queryId"]
    arns = logs.list_log_groups_for_query(queryId=query_id)["logGroupIdentifiers"]
    assert len(arns) == 1 and arns[0].endswith(f":log-group:{group}")


def test_data_protection_masks_query_results_and_log_records(logs, names):
    """Insights reads are masked like every other read; GetLogRecord's unmask shows the text."""
    group = names.group("masked")
    logs.create_log_group(logGroupName=group)
    logs.put_data_protection_policy(logGroupIdentifier=group, policyDocument=EMAIL_MASKING_POLICY)
    logs.create_log_stream(logGroupName=group, logStreamName="web")
    base = now_ms() - 60_000
    logs.put_log_events(logGroupName=group, logStreamName="web", logEvents=[
        {"timestamp": base, "message": "login by jane.doe@example.com"}])
    query_id = logs.start_query(logGroupName=group, queryString="fields @message",
                                startTime=base // 1000 - 60, endTime=now_ms() // 1000 + 60)["queryId"]
    found = rows(wait(logs, query_id))
    assert [r["@message"] for r in found] == ["login by ****"]
    pointer = found[0]["@ptr"]
    assert logs.get_log_record(logRecordPointer=pointer)["logRecord"]["@message"] == "login by ****"
    assert logs.get_log_record(logRecordPointer=pointer, unmask=True)["logRecord"]["@message"] == (
        "login by jane.doe@example.com")
