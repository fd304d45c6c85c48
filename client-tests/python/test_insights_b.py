"""Group b's Logs Insights commands through boto3: `sessionize` and `expand`, with the
examples of their AWS pages (CWL_QuerySyntax-Sessionize, CWL_QuerySyntax-Expand)."""
from __future__ import annotations

import json

import pytest

from support import now_ms
from test_insights_newer import query

MINUTE = 60_000


def put_at(logs, group: str, events: list[tuple[int, str]], base: int) -> None:
    logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName="s")
    logs.put_log_events(logGroupName=group, logStreamName="s", logEvents=[
        {"timestamp": base + offset, "message": m} for offset, m in events])


def compile_error_location(logs, group: str, text: str) -> dict[str, int]:
    with pytest.raises(logs.exceptions.MalformedQueryException) as error:
        logs.start_query(logGroupName=group, queryString=text, startTime=0, endTime=1)
    return error.value.response["queryCompileError"]["location"]


def test_sessionize_numbers_sessions_by_identity_and_gap(logs, names):
    group = names.group("sessionize")
    base = now_ms() - 4 * 60 * MINUTE
    events = [(0, {"userId": "u1", "deviceId": "phone"}),
              (5, {"userId": "u1", "deviceId": "laptop"}),
              (50, {"userId": "u1", "deviceId": "phone"}),
              (171, {"userId": "u1", "deviceId": "phone"})]
    put_at(logs, group, [(m * MINUTE, json.dumps(e)) for m, e in events], base)
    found = query(logs, group,
                  "fields @timestamp, userId, deviceId "
                  "| sessionize userId, deviceId maxspan 1h as my_session "
                  "| sort @timestamp asc | display deviceId, my_session", base)
    assert found == [
        {"deviceId": "phone", "my_session": "1"},
        {"deviceId": "laptop", "my_session": "2"},
        {"deviceId": "phone", "my_session": "1"},
        {"deviceId": "phone", "my_session": "3"},
    ]
    assert compile_error_location(logs, group, "sessionize userId maxspan soon") == {
        "startCharOffset": 26, "endCharOffset": 30}


def test_expand_makes_a_row_per_array_element(logs, names):
    group = names.group("expand")
    base = now_ms() - 60_000
    put_at(logs, group, [(0, json.dumps({"items": ["apple", "banana", "cherry"],
                                          "host": "web-01"}))], base)
    found = query(logs, group, "expand items | stats count(*) by items, host | sort items", base)
    assert found == [
        {"items": "apple", "host": "web-01", "count(*)": "1"},
        {"items": "banana", "host": "web-01", "count(*)": "1"},
        {"items": "cherry", "host": "web-01", "count(*)": "1"},
    ]
    assert compile_error_location(logs, group, "expand") == {
        "startCharOffset": 6, "endCharOffset": 6}
