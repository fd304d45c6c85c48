"""The Logs Insights time-series functions through boto3 (the time-series functions page):
rate, count_over_time, sum_over_time, histogram and `stats ... by bin() offset`, over events
put at known timestamps; `limit` above 100,000; subqueries over Infrequent Access groups."""
from __future__ import annotations

import datetime
import json

import pytest

from support import assert_aws_error, now_ms
from test_insights import rows, wait

MINUTE = 60_000
HOUR = 60 * MINUTE


def minute_aligned(ago_ms: int) -> int:
    return (now_ms() - ago_ms) // MINUTE * MINUTE


def shown(ms: int) -> str:
    """A time as Insights prints `bin()` values."""
    at = datetime.datetime.fromtimestamp(ms / 1000, tz=datetime.timezone.utc)
    return at.strftime("%Y-%m-%d %H:%M:%S.000")


def put_at(logs, group: str, events: list[tuple[int, dict]]) -> None:
    logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName="s")
    logs.put_log_events(logGroupName=group, logStreamName="s", logEvents=[
        {"timestamp": t, "message": json.dumps(m)} for t, m in sorted(events, key=lambda e: e[0])])


def query(logs, group: str, text: str, start_ms: int, end_ms: int) -> list[dict[str, str]]:
    query_id = logs.start_query(logGroupName=group, queryString=text,
                                startTime=start_ms // 1000, endTime=end_ms // 1000)["queryId"]
    answer = wait(logs, query_id)
    assert answer["status"] == "Complete"
    return rows(answer)


@pytest.fixture
def series(logs, names):
    """A counter and a latency 0, 30, 60, 90 and 120 s after a whole minute (no latency at
    120 s): the group and that minute."""
    group = names.group("timeseries")
    base = minute_aligned(30 * MINUTE)
    put_at(logs, group, [
        (base, {"counter": 100, "latency": 10}),
        (base + 30_000, {"counter": 130, "latency": 20}),
        (base + 60_000, {"counter": 160, "latency": 30}),
        (base + 90_000, {"counter": 250, "latency": 40}),
        (base + 120_000, {"counter": 250}),
    ])
    return group, base


def test_count_and_sum_over_time_per_bin_and_over_the_window(logs, series):
    group, base = series
    end = base + 179_999
    assert query(logs, group, "stats count_over_time(latency) as n, sum_over_time(latency) as s "
                 "by bin(1m)", base, end) == [
        {"bin(1m)": shown(base), "n": "2", "s": "30"},
        {"bin(1m)": shown(base + MINUTE), "n": "2", "s": "70"},
        {"bin(1m)": shown(base + 2 * MINUTE), "n": "0", "s": "0"},
    ]
    assert query(logs, group, "stats countOverTime(counter) as n, sumOverTime(latency) as s",
                 base, end) == [{"n": "5", "s": "100"}]


def test_rate_is_the_change_per_interval(logs, series):
    group, base = series
    end = base + 179_999
    assert query(logs, group, "stats rate(counter, 1m)", base, end) == [
        {"rate(counter, 1m)": "75"}]
    assert query(logs, group, "stats rate(counter, 1s) as per_second by bin(1m)", base, end) == [
        {"bin(1m)": shown(base), "per_second": "1"},
        {"bin(1m)": shown(base + MINUTE), "per_second": "3"},
        {"bin(1m)": shown(base + 2 * MINUTE), "per_second": "0"},
    ]


def test_histogram_is_a_map_of_equal_width_buckets(logs, series):
    group, base = series
    found = query(logs, group, "stats histogram(latency, 3) as h", base, base + 179_999)
    assert found == [{"h": '{"[10,20)":1,"[20,30)":1,"[30,40]":2}'}]
    assert json.loads(found[0]["h"]) == {"[10,20)": 1, "[20,30)": 1, "[30,40]": 2}
    with pytest.raises(logs.exceptions.MalformedQueryException) as error:
        logs.start_query(logGroupName=group, queryString="stats histogram(latency, 0)",
                         startTime=0, endTime=1)
    assert_aws_error(error, "MalformedQueryException",
                     "histogram() takes a whole number of buckets from 1 to 1000: "
                     "histogram(field, 10)")
    assert error.value.response["queryCompileError"]["location"] == {
        "startCharOffset": 25, "endCharOffset": 26}


def test_offset_reads_the_earlier_window_into_the_query_windows_bins(logs, names):
    group = names.group("offset")
    base = minute_aligned(10 * MINUTE)
    put_at(logs, group, [
        # The query window: seen without offset only.
        (base, {"v": 1}),
        (base + 30_000, {"v": 2}),
        # An hour earlier: seen with `offset 1h`, in the bins of the query window.
        (base - HOUR, {"v": 3}),
        (base - HOUR + 10_000, {"v": 4}),
        (base - HOUR + 70_000, {"v": 5}),
        # Before the shifted window.
        (base - HOUR - 1, {"v": 6}),
    ])
    end = base + 119_999
    assert query(logs, group, "stats count(*) as n by bin(1m)", base, end) == [
        {"bin(1m)": shown(base), "n": "2"}]
    assert query(logs, group, "stats count(*) as n, sum(v) as s by bin(1m) offset 1h",
                 base, end) == [
        {"bin(1m)": shown(base), "n": "2", "s": "7"},
        {"bin(1m)": shown(base + MINUTE), "n": "1", "s": "5"},
    ]
    with pytest.raises(logs.exceptions.MalformedQueryException) as error:
        logs.start_query(logGroupName=group, queryString="stats count(*) offset 1h",
                         startTime=0, endTime=1)
    assert_aws_error(error, "MalformedQueryException",
                     "offset must follow stats ... by bin(period): "
                     "stats count(*) by bin(5m) offset 1h")
    assert error.value.response["queryCompileError"]["location"] == {
        "startCharOffset": 15, "endCharOffset": 21}


def test_limit_above_100000_is_a_compile_error(logs, names):
    group = names.group("limit")
    logs.create_log_group(logGroupName=group)
    for text in ("fields @message | limit 100001", "fields @message | limit any 100001"):
        with pytest.raises(logs.exceptions.MalformedQueryException) as error:
            logs.start_query(logGroupName=group, queryString=text, startTime=0, endTime=1)
        assert_aws_error(error, "MalformedQueryException",
                         "limit takes a whole number from 1 to 100000")
        assert error.value.response["queryCompileError"]["location"] == {
            "startCharOffset": len(text) - 6, "endCharOffset": len(text)}
    logs.start_query(logGroupName=group, queryString="fields @message | limit 100000",
                     startTime=0, endTime=1)


def test_subqueries_over_infrequent_access_groups_refuse_what_the_class_refuses(logs, names):
    standard = names.group("standard")
    archive = names.group("archive")
    logs.create_log_group(logGroupName=standard)
    logs.create_log_group(logGroupName=archive, logGroupClass="INFREQUENT_ACCESS")
    refused = f"is not supported for log groups in the Infrequent Access log class: {archive}"
    for text, command in [
        (f"stats count(*) as n | appendcols ( SOURCE '{archive}' | fields unmask(@message) )",
         "unmask"),
        (f"fields @message | join left=a right=b where a.k=b.k (SOURCE '{archive}') "
         "| pattern @message", "pattern"),
    ]:
        with pytest.raises(logs.exceptions.MalformedQueryException) as error:
            logs.start_query(logGroupName=standard, queryString=text, startTime=0, endTime=1)
        assert_aws_error(error, "MalformedQueryException", f"The {command} command {refused}")
    # The same subqueries over a Standard group run.
    other = names.group("other")
    logs.create_log_group(logGroupName=other)
    logs.start_query(
        logGroupName=standard, startTime=0, endTime=1,
        queryString=f"stats count(*) as n | appendcols ( SOURCE '{other}' | fields unmask(@message) )")
