"""Group a's Logs Insights commands through boto3 (StartQuery/GetQueryResults): `filldown`,
`fillmissing`, `accum` and `autoregress`, with the examples of their AWS pages
(CWL_QuerySyntax-Filldown, -Fillmissing, -Accum, -Autoregress)."""
from __future__ import annotations

import json

import pytest

from support import assert_aws_error, now_ms
from test_insights import rows, wait


def put_at(logs, group: str, events: list[tuple[int, dict]]) -> None:
    logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName="s")
    logs.put_log_events(logGroupName=group, logStreamName="s", logEvents=[
        {"timestamp": t, "message": json.dumps(m)} for t, m in events])


def query(logs, group: str, text: str, start_ms: int) -> list[dict[str, str]]:
    query_id = logs.start_query(logGroupName=group, queryString=text,
                                startTime=start_ms // 1000 - 60,
                                endTime=now_ms() // 1000 + 60)["queryId"]
    answer = wait(logs, query_id)
    assert answer["status"] == "Complete"
    return [{k: v for k, v in row.items() if k != "@ptr"} for row in rows(answer)]


def test_filldown_and_accum_and_autoregress_run_over_rows_in_order(logs, names):
    group = names.group("group-a")
    base = now_ms() - 60_000
    put_at(logs, group, [
        (base, {"host": "a", "cpu_user": 1, "bytes": 10}),
        (base + 1, {"cpu_system": 2, "bytes": 20}),
        (base + 2, {"host": "b", "bytes": 5}),
    ])
    assert query(logs, group,
                 "fields host, cpu_user, cpu_system | sort @timestamp asc | filldown host cpu*",
                 base) == [
        {"host": "a", "cpu_user": "1"},
        {"host": "a", "cpu_user": "1", "cpu_system": "2"},
        {"host": "b", "cpu_user": "1", "cpu_system": "2"},
    ]
    assert query(logs, group,
                 "fields bytes | sort @timestamp asc | accum bytes AS totalBytes", base) == [
        {"bytes": "10", "totalBytes": "10"},
        {"bytes": "20", "totalBytes": "30"},
        {"bytes": "5", "totalBytes": "35"},
    ]
    assert query(logs, group,
                 "fields bytes | sort @timestamp asc | autoregress bytes p=1-2", base) == [
        {"bytes": "10"},
        {"bytes": "20", "bytes_p1": "10"},
        {"bytes": "5", "bytes_p1": "20", "bytes_p2": "10"},
    ]


def test_fillmissing_inserts_empty_bins_after_stats_by_bin(logs, names):
    group = names.group("group-a-fill")
    base = (now_ms() - 10 * 60_000) // 60_000 * 60_000
    put_at(logs, group, [(base, {"latency": 10}), (base + 20_000, {"latency": 20}),
                         (base + 180_000, {"latency": 30})])
    found = query(logs, group,
                  "fields @timestamp, latency | stats avg(latency) as avg_latency by bin(1m) "
                  "| fillmissing with 0 for avg_latency", base)
    assert [row["avg_latency"] for row in found] == ["15", "0", "0", "30"]
    assert len({row["bin(1m)"] for row in found}) == 4

    text = "fields latency | fillmissing with 0 for latency"
    with pytest.raises(logs.exceptions.MalformedQueryException) as error:
        logs.start_query(logGroupName=group, queryString=text, startTime=0, endTime=1)
    assert_aws_error(error, "MalformedQueryException", "fillmissing must follow stats ... by bin()")
    assert error.value.response["queryCompileError"]["location"] == {
        "startCharOffset": 17, "endCharOffset": 28}
