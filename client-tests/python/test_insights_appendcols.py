"""Logs Insights `appendcols` through boto3 (the Appendcols page): a subquery's columns added to
the results by positional row matching, its SOURCE naming a second log group."""
from __future__ import annotations

import json

import pytest

from support import assert_aws_error, now_ms
from test_insights_forms import query


@pytest.fixture
def services(logs, names):
    """A group of service calls and a second group (`lg`) of latencies, a minute ago."""
    calls, latencies = names.group("calls"), names.group("lg")
    base = now_ms() - 60_000
    for group, messages in (
        (calls, [{"svc": "api"}, {"svc": "api"}, {"svc": "web"}]),
        (latencies, [{"svc": "api", "latency": 10}, {"svc": "api", "latency": 20},
                     {"svc": "web", "latency": 30}]),
    ):
        logs.create_log_group(logGroupName=group)
        logs.create_log_stream(logGroupName=group, logStreamName="s")
        logs.put_log_events(logGroupName=group, logStreamName="s", logEvents=[
            {"timestamp": base + i * 1000, "message": json.dumps(m)}
            for i, m in enumerate(messages)])
    return calls, latencies, base


def test_appendcols_runs_the_page_example_over_a_second_group(logs, services):
    calls, latencies, base = services
    # The page's example, `SOURCE lg` with the second group's name bare.
    example = ("fields svc\n| stats count(*) as cnt by svc\n"
               f"| appendcols override=true ( SOURCE {latencies} | stats avg(latency) as avgLat by svc )")
    assert query(logs, calls, example, base) == [
        {"svc": "api", "cnt": "2", "avgLat": "15"},
        {"svc": "web", "cnt": "1", "avgLat": "30"},
    ]
    # Positions meet whatever the values; override=false keeps the row's own svc.
    reversed_sub = f"( SOURCE '{latencies}' | stats avg(latency) as avgLat by svc | sort svc desc )"
    assert query(logs, calls, f"stats count(*) as cnt by svc | appendcols {reversed_sub}",
                 base) == [
        {"svc": "api", "cnt": "2", "avgLat": "30"},
        {"svc": "web", "cnt": "1", "avgLat": "15"},
    ]
    assert query(logs, calls,
                 f"stats count(*) as cnt by svc | appendcols override=true {reversed_sub}",
                 base) == [
        {"svc": "web", "cnt": "2", "avgLat": "30"},
        {"svc": "api", "cnt": "1", "avgLat": "15"},
    ]


def test_appendcols_adds_extra_rows_up_to_max_and_reads_the_query_groups_without_source(
        logs, services):
    calls, latencies, base = services
    sub = f"( SOURCE '{latencies}' | stats count(*) as n by latency | sort latency )"
    assert query(logs, calls, f"stats count(*) as total | appendcols {sub}", base) == [
        {"total": "3", "latency": "10", "n": "1"},
        {"latency": "20", "n": "1"},
        {"latency": "30", "n": "1"},
    ]
    assert query(logs, calls, f"stats count(*) as total | appendcols max=2 {sub}", base) == [
        {"total": "3", "latency": "10", "n": "1"},
        {"latency": "20", "n": "1"},
    ]
    # Without SOURCE the subquery reads the query's own groups and window.
    assert query(logs, calls,
                 "stats count(*) as total | appendcols (stats count_distinct(svc) as services)",
                 base) == [{"total": "3", "services": "2"}]


def test_appendcols_errors(logs, services):
    calls, _, _ = services
    cases = [
        ("fields svc | appendcols max=0 (stats count(*))", 28, 29,
         "appendcols max=0 is not valid: max takes a number of rows from 1 to 100000"),
        ("fields svc | appendcols max=100001 (stats count(*))", 28, 34,
         "appendcols max=100001 is not valid: max takes a number of rows from 1 to 100000"),
        ("fields svc | appendcols max=many (stats count(*))", 28, 32,
         "appendcols max=many is not valid: max takes a number of rows from 1 to 100000"),
        ("fields svc | appendcols override=maybe (stats count(*))", 33, 38,
         "appendcols override=maybe is not valid: override takes true or false"),
        ("fields svc | appendcols stats count(*)", 13, 29,
         "appendcols takes a subquery in parentheses: appendcols [override=true|false] [max=n] (subquery)"),
    ]
    for text, start, end, message in cases:
        with pytest.raises(logs.exceptions.MalformedQueryException) as error:
            logs.start_query(logGroupName=calls, queryString=text, startTime=0, endTime=1)
        assert_aws_error(error, "MalformedQueryException", message)
        assert error.value.response["queryCompileError"] == {
            "location": {"startCharOffset": start, "endCharOffset": end}, "message": message}, text
    with pytest.raises(logs.exceptions.ResourceNotFoundException):
        logs.start_query(logGroupName=calls, startTime=0, endTime=1,
                         queryString="stats count(*) | appendcols (SOURCE '/no/such/group' | stats count(*))")
