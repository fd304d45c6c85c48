"""The newer Logs Insights forms through boto3: parse in logfmt and CSV modes, formatDate and
parseDate, SOURCE "group" with START=/END=, join, subqueries, and the SQL and PPL languages
refused by name (DescribeQueries' queryLanguage filter still works)."""
from __future__ import annotations

import json
import time

import pytest

from support import assert_aws_error, now_ms


def wait(logs, query_id: str) -> dict:
    for _ in range(200):
        answer = logs.get_query_results(queryId=query_id)
        if answer["status"] not in ("Scheduled", "Running"):
            return answer
        time.sleep(0.05)
    raise AssertionError(f"query {query_id} did not finish")


def rows(answer: dict) -> list[dict[str, str]]:
    return [{c["field"]: c["value"] for c in row if c["field"] != "@ptr"}
            for row in answer["results"]]


@pytest.fixture
def lines(logs, names):
    """A group with logfmt and CSV lines a minute apart, ten minutes ago."""
    group = names.group("newer")
    logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName="s")
    base = (now_ms() - 10 * 60_000) // 1000 * 1000
    messages = [
        'level=info msg="request done" duration=12ms host=a',
        'level=error msg="db down" duration=900ms host=b',
        "2026-01-01,ERROR,disk full",
        '2026-01-02,INFO,"ok, fine"',
    ]
    logs.put_log_events(logGroupName=group, logStreamName="s", logEvents=[
        {"timestamp": base + i * 60_000, "message": m} for i, m in enumerate(messages)])
    return group, base


def query(logs, group: str, text: str, base: int) -> list[dict[str, str]]:
    query_id = logs.start_query(logGroupName=group, queryString=text,
                                startTime=base // 1000 - 60, endTime=now_ms() // 1000 + 60)["queryId"]
    answer = wait(logs, query_id)
    assert answer["status"] == "Complete"
    return rows(answer)


def test_parse_logfmt_and_csv(logs, lines):
    group, base = lines
    assert query(logs, group, 'parse @message logfmt as lf | filter lf.level = "error" '
                              "| display lf.msg, lf.duration", base) == [
        {"lf.msg": "db down", "lf.duration": "900ms"}]
    assert query(logs, group, "parse @message logfmt as lf | filter ispresent(lf) "
                              "| stats count(*) as n by lf.host | sort lf.host", base) == [
        {"lf.host": "a", "n": "1"}, {"lf.host": "b", "n": "1"}]
    assert query(logs, group, 'parse @message csv as day, level, text | filter level = "INFO" '
                              "| display day, text", base) == [
        {"day": "2026-01-02", "text": "ok, fine"}]
    # Regex mode with `as`: the groups by position (the Parse page's multi-match example).
    assert query(logs, group, r"parse @message /(\d{4})-(\d\d)-\d\d/ as year, month multi "
                              "| filter ispresent(year) | stats count(*) as n by year, month",
                 base) == [
        {"year": "2026", "month": "01", "n": "2"}]
    with pytest.raises(logs.exceptions.MalformedQueryException) as error:
        logs.start_query(logGroupName=group, queryString="parse @message csv",
                         startTime=0, endTime=1)
    assert error.value.response["queryCompileError"] == {
        "location": {"startCharOffset": 18, "endCharOffset": 18},
        "message": "expected 'as' and the column names: parse field csv as a, b, ...",
    }


def test_format_date_and_parse_date(logs, lines):
    group, base = lines
    day = time.strftime("%Y-%m-%d", time.gmtime(base / 1000))
    found = query(logs, group, 'fields formatDate(@timestamp, "%Y-%m-%d", "UTC") as date, '
                               'parseDate("2026-01-01", "yyyy-MM-dd", "UTC") as epoch '
                               "| sort @timestamp asc | limit 1", base)
    assert found == [{"date": day, "epoch": "1767225600000"}]
    # A named zone keeps its DST rules: noon in Paris in July is 10:00 UTC.
    found = query(logs, group, 'fields parseDate("2026-07-01 12:00", "yyyy-MM-dd HH:mm", '
                               '"Europe/Paris") as epoch | limit 1', base)
    assert found == [{"epoch": "1782900000000"}]
    with pytest.raises(logs.exceptions.MalformedQueryException) as error:
        logs.start_query(logGroupName=group, startTime=0, endTime=1,
                         queryString='fields formatDate(@timestamp, "%Y", "Mars/Olympus")')
    assert_aws_error(error, "MalformedQueryException",
                     "'Mars/Olympus' is not a time zone: use an id such as Europe/Paris, UTC "
                     "or an offset such as +05:30")


def test_source_names_with_time_options(logs, lines):
    group, base = lines
    # START/END (inclusive epoch ms) pick the second and third events, whatever StartQuery says.
    text = (f'SOURCE "{group}" START={base + 60_000} END={base + 120_000} '
            "| fields @message | sort @timestamp asc")
    query_id = logs.start_query(queryString=text, startTime=0, endTime=1)["queryId"]
    assert [r["@message"] for r in rows(wait(logs, query_id))] == [
        'level=error msg="db down" duration=900ms host=b', "2026-01-01,ERROR,disk full"]
    described = logs.describe_queries(logGroupName=group)["queries"]
    assert described[0]["queryString"].startswith(
        f'SOURCE "{group}" START={base + 60_000} END={base + 120_000} | SOURCE')
    # Offsets from the query's start: the last 15 minutes hold all four events.
    query_id = logs.start_query(queryString=f"SOURCE '{group}' START=-900s END=0s | stats count(*) as n",
                                startTime=0, endTime=1)["queryId"]
    assert rows(wait(logs, query_id)) == [{"n": "4"}]
    with pytest.raises(logs.exceptions.ResourceNotFoundException):
        logs.start_query(queryString='SOURCE "/no/such/group" | fields @message', startTime=0, endTime=1)
    with pytest.raises(logs.exceptions.MalformedQueryException) as error:
        logs.start_query(queryString=f'SOURCE "{group}" START=soon | fields @message',
                         startTime=0, endTime=1)
    start = len(f'SOURCE "{group}" START=')
    assert error.value.response["queryCompileError"]["location"] == {
        "startCharOffset": start, "endCharOffset": start + 4}


@pytest.mark.parametrize("language", ["SQL", "PPL"])
def test_sql_and_ppl_are_refused_by_name_and_describe_filters_by_language(logs, lines, language):
    group, base = lines
    with pytest.raises(logs.exceptions.MalformedQueryException) as error:
        logs.start_query(logGroupName=group, queryLanguage=language, startTime=0, endTime=1,
                         queryString=f"SELECT * FROM `{group}`")
    assert_aws_error(
        error, "MalformedQueryException",
        f"The {language} query language is not supported by this emulator; use CWLI (Logs Insights QL).")
    query(logs, group, "fields @message", base)
    assert logs.describe_queries(logGroupName=group, queryLanguage=language)["queries"] == []
    described = logs.describe_queries(logGroupName=group, queryLanguage="CWLI")["queries"]
    assert [q["queryLanguage"] for q in described] == ["CWLI"]
    with pytest.raises(logs.exceptions.InvalidParameterException):
        logs.describe_queries(queryLanguage="KQL")


@pytest.fixture
def services(logs, names):
    """An API group and a Lambda group sharing request ids (the Join and Subqueries pages)."""
    api, fn = names.group("api"), names.group("fn")
    base = (now_ms() - 10 * 60_000) // 1000 * 1000
    for group, messages in (
        (api, [{"requestId": "r1", "status": 500, "latency": 90},
               {"requestId": "r2", "status": 200, "latency": 10},
               {"requestId": "r3", "status": 503, "latency": 70}]),
        (fn, [{"requestId": "r1", "duration": 40, "errorType": "DatabaseConnectionTimeout"},
              {"requestId": "r2", "duration": 5}]),
    ):
        logs.create_log_group(logGroupName=group)
        logs.create_log_stream(logGroupName=group, logStreamName="s")
        logs.put_log_events(logGroupName=group, logStreamName="s", logEvents=[
            {"timestamp": base + i * 1000, "message": json.dumps(m)} for i, m in enumerate(messages)])
    return api, fn, base


def test_join_inner_and_left(logs, services):
    api, fn, base = services
    inner = (f"filter status >= 500 | join type=inner left=api right=lambda "
             f"where api.requestId=lambda.requestId (SOURCE '{fn}') "
             "| fields api.requestId, api.status, lambda.duration | sort api.latency desc")
    assert query(logs, api, inner, base) == [
        {"api.requestId": "r1", "api.status": "500", "lambda.duration": "40"}]
    left = (f"filter status >= 500 | join type=left left=api right=lambda "
            f"where api.requestId=lambda.requestId (SOURCE '{fn}') "
            "| display api.requestId, lambda.duration | sort api.requestId")
    assert query(logs, api, left, base) == [
        {"api.requestId": "r1", "lambda.duration": "40"}, {"api.requestId": "r3"}]
    with pytest.raises(logs.exceptions.MalformedQueryException) as error:
        logs.start_query(logGroupName=api, startTime=0, endTime=1,
                         queryString=f"join left=a right=b where a.k != b.k (SOURCE '{fn}')")
    assert error.value.response["queryCompileError"] == {
        "location": {"startCharOffset": 26, "endCharOffset": 32},
        "message": "join takes one equality: where a.<field>=b.<field>",
    }
    with pytest.raises(logs.exceptions.ResourceNotFoundException):
        logs.start_query(logGroupName=api, startTime=0, endTime=1,
                         queryString="join left=a right=b where a.k=b.k (SOURCE '/no/such/fn')")


def test_subquery_in_filter(logs, services):
    api, fn, base = services
    text = (f"filter requestId in (SOURCE '{fn}' | filter errorType = \"DatabaseConnectionTimeout\" "
            "| fields requestId) | fields requestId, latency")
    assert query(logs, api, text, base) == [{"requestId": "r1", "latency": "90"}]
    text = f"filter requestId not in (SOURCE '{fn}' | fields requestId) | fields requestId"
    assert query(logs, api, text, base) == [{"requestId": "r3"}]
    with pytest.raises(logs.exceptions.MalformedQueryException) as error:
        logs.start_query(logGroupName=api, startTime=0, endTime=1, queryString=(
            f"filter a in (SOURCE '{fn}' | filter b in (SOURCE '{fn}' | fields b) | fields a)"))
    assert_aws_error(error, "MalformedQueryException", "nested subqueries are not supported")
