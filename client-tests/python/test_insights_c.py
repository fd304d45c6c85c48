"""Group c's Logs Insights commands through boto3: `cidrlookup` against a lookup table,
`outlier`, `countFrequent` and `relevantfields`, with the examples of AWS's query-syntax
pages (CWL_QuerySyntax-Cidrlookup, -Outlier, -CountFrequent, -RelevantFields)."""
from __future__ import annotations

import json

import pytest

from support import assert_aws_error, now_ms
from test_insights_newer import put, query


def test_cidrlookup_enriches_rows_from_a_lookup_tables_ranges(logs, names):
    table = names.group("net").replace("/", "_").replace("-", "_").strip("_")
    logs.create_lookup_table(
        lookupTableName=table,
        tableBody="cidr,region,owner,datacenter\n10.0.0.0/8,us-east-1,corp,dc1\n"
                  "10.1.0.0/16,us-west-2,lab,dc2\n")
    group = names.group("cidr")
    base = now_ms() - 60_000
    put(logs, group, [json.dumps({"srcAddr": a}) for a in ("10.2.3.4", "10.1.9.9", "192.168.0.1")],
        base)
    found = query(logs, group,
                  f"fields srcAddr | cidrlookup {table} srcAddr OUTPUT region, owner, datacenter "
                  "| sort srcAddr", base)
    assert found == [
        {"srcAddr": "10.1.9.9", "region": "us-west-2", "owner": "lab", "datacenter": "dc2"},
        {"srcAddr": "10.2.3.4", "region": "us-east-1", "owner": "corp", "datacenter": "dc1"},
        {"srcAddr": "192.168.0.1"},
    ]

    text = f"fields srcAddr | cidrlookup {table} srcAddr AS range OUTPUT region"
    with pytest.raises(logs.exceptions.MalformedQueryException) as error:
        logs.start_query(logGroupName=group, queryString=text, startTime=0, endTime=1)
    assert_aws_error(error, "MalformedQueryException",
                     f"Lookup table '{table}' has no field 'range'.")
    assert error.value.response["queryCompileError"]["location"] == {
        "startCharOffset": 28, "endCharOffset": 28 + len(table)}


def test_outlier_countfrequent_relevantfields(logs, names):
    group = names.group("stats")
    base = now_ms() - 60_000
    put(logs, group, [json.dumps(m) for m in (
        {"cpu": 10, "memory": 100, "method": "GET", "status": 200, "Time": 100},
        {"cpu": 12, "memory": 110, "method": "GET", "status": 200, "Time": 120},
        {"cpu": 11, "memory": 105, "method": "POST", "status": 500, "Time": 900},
        {"cpu": 13, "memory": 1, "method": "GET", "status": 404, "Time": 110},
        {"cpu": 90, "memory": 102, "method": "POST", "status": 500, "Time": 800},
    )], base)
    found = query(logs, group,
                  "fields @timestamp, cpu, memory "
                  "| outlier action=remove param=3.0 uselower=true mark=true cpu memory "
                  "| sort @timestamp asc", base)
    assert [(r["cpu"], r["memory"], r["_outlier"]) for r in found] == [
        ("10", "100", "0"), ("12", "110", "0"), ("11", "105", "0")]

    found = query(logs, group, "fields method, status | countFrequent method, status", base)
    assert found == [
        # A tie: the newest first.
        {"method": "POST", "status": "500", "_approxcount": "2"},
        {"method": "GET", "status": "200", "_approxcount": "2"},
        {"method": "GET", "status": "404", "_approxcount": "1"},
    ]

    found = query(logs, group, "relevantfields method where Time > 400", base)
    assert found == [{"@fieldName": "method", "@relevanceScore": "1",
                      "@topRelevanceContributors": "GET (0% vs 100%), POST (100% vs 0%)"}]

    with pytest.raises(logs.exceptions.MalformedQueryException) as error:
        logs.start_query(logGroupName=group, queryString="fields cpu | outlier action=drop cpu",
                         startTime=0, endTime=1)
    assert error.value.response["queryCompileError"]["location"] == {
        "startCharOffset": 21, "endCharOffset": 32}
