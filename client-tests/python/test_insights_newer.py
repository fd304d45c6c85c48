"""The newer Logs Insights commands through boto3: `lookup` against lookup tables,
`unmask`, `addtotals` and `logcompare`, with the examples of AWS's query-syntax pages."""
from __future__ import annotations

import json

import pytest

from support import EMAIL_MASKING_POLICY, assert_aws_error, now_ms
from test_insights import rows, wait


def put(logs, group: str, messages: list[str], base: int) -> None:
    logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName="s")
    logs.put_log_events(logGroupName=group, logStreamName="s", logEvents=[
        {"timestamp": base + i, "message": m} for i, m in enumerate(messages)])


def query(logs, group: str, text: str, base: int) -> list[dict[str, str]]:
    query_id = logs.start_query(logGroupName=group, queryString=text,
                                startTime=base // 1000 - 60,
                                endTime=now_ms() // 1000 + 60)["queryId"]
    answer = wait(logs, query_id)
    assert answer["status"] == "Complete"
    return [{k: v for k, v in row.items() if k != "@ptr"} for row in rows(answer)]


def test_lookup_enriches_rows_from_a_lookup_table(logs, names):
    table = names.group("users").replace("/", "_").replace("-", "_").strip("_")
    logs.create_lookup_table(lookupTableName=table,
                             tableBody="id,name,team\n1,alice,payments\n2,bob,search\n")
    group = names.group("lookup")
    base = now_ms() - 60_000
    put(logs, group, [json.dumps({"userId": str(i)}) for i in (1, 2, 3)], base)
    found = query(logs, group,
                  f"fields userId | lookup {table} id as userId OUTPUT name, team as squad "
                  "| sort userId", base)
    assert found == [
        {"userId": "1", "name": "alice", "squad": "payments"},
        {"userId": "2", "name": "bob", "squad": "search"},
        {"userId": "3"},
    ]
    # Updating the table changes what the next query sees.
    arn = logs.get_lookup_table(
        lookupTableArn=logs.describe_lookup_tables(lookupTableNamePrefix=table)
        ["lookupTables"][0]["lookupTableArn"])["lookupTableArn"]
    logs.update_lookup_table(lookupTableArn=arn, tableBody="id,name\n3,carol\n")
    found = query(logs, group, f"fields userId | lookup {table} id as userId OUTPUT name | filter ispresent(name)",
                  base)
    assert found == [{"userId": "3", "name": "carol"}]

    text = "fields userId | lookup no_such_table id as userId OUTPUT name"
    with pytest.raises(logs.exceptions.MalformedQueryException) as error:
        logs.start_query(logGroupName=group, queryString=text, startTime=0, endTime=1)
    assert_aws_error(error, "MalformedQueryException", "Lookup table 'no_such_table' does not exist.")
    assert error.value.response["queryCompileError"]["location"] == {
        "startCharOffset": 23, "endCharOffset": 36}
    with pytest.raises(logs.exceptions.MalformedQueryException) as error:
        logs.start_query(logGroupName=group, startTime=0, endTime=1,
                         queryString=f"fields userId | lookup {table} uid as userId OUTPUT name")
    assert_aws_error(error, "MalformedQueryException", f"Lookup table '{table}' has no field 'uid'.")


def test_unmask_shows_masked_data(logs, names):
    group = names.group("unmask")
    logs.create_log_group(logGroupName=group)
    logs.put_data_protection_policy(logGroupIdentifier=group, policyDocument=EMAIL_MASKING_POLICY)
    logs.create_log_stream(logGroupName=group, logStreamName="s")
    base = now_ms() - 60_000
    logs.put_log_events(logGroupName=group, logStreamName="s", logEvents=[
        {"timestamp": base, "message": "login by jane.doe@example.com"}])
    assert [r["@message"] for r in query(logs, group, "fields @message", base)] == [
        "login by ****"]
    assert [r["@message"] for r in query(logs, group, "fields @message | unmask", base)] == [
        "login by jane.doe@example.com"]
    # Filters see what the query reads: the unmasked text.
    assert query(logs, group, "unmask | filter @message like /jane/ | stats count(*) as n",
                 base) == [{"n": "1"}]
    # The function form (the masking page's example): @message stays masked beside it.
    example = "fields @timestamp, @message, unmask(@message)\n| sort @timestamp desc\n| limit 20"
    found = query(logs, group, example, base)
    assert [(r["@message"], r["unmask(@message)"]) for r in found] == [
        ("login by ****", "login by jane.doe@example.com")]
    assert query(logs, group, "fields unmask(@message) as raw | filter raw like /jane/",
                 base) == [{"raw": "login by jane.doe@example.com"}]
    assert query(logs, group, "filter @message like /jane/ | fields unmask(@message) as raw",
                 base) == []
    with pytest.raises(logs.exceptions.MalformedQueryException) as error:
        logs.start_query(logGroupName=group, queryString="fields unmask(email)",
                         startTime=0, endTime=1)
    assert_aws_error(error, "MalformedQueryException",
                     "unmask() takes @message: fields unmask(@message)")


def test_unmask_function_is_refused_on_infrequent_access_groups(logs, names):
    group = names.group("unmask-ia")
    logs.create_log_group(logGroupName=group, logGroupClass="INFREQUENT_ACCESS")
    with pytest.raises(logs.exceptions.MalformedQueryException) as error:
        logs.start_query(logGroupName=group, queryString="fields unmask(@message)",
                         startTime=0, endTime=1)
    assert_aws_error(
        error, "MalformedQueryException",
        f"The unmask command is not supported for log groups in the Infrequent Access log class: {group}")


def test_addtotals_row_and_column_totals(logs, names):
    group = names.group("totals")
    base = now_ms() - 60_000
    put(logs, group, [json.dumps({"price": p, "tax": t, "qty": q})
                      for p, t, q in [(10, 1, 2), (20, 2, 1)]], base)
    assert query(logs, group, "fields price, tax, qty | addtotals price, tax | sort price",
                 base) == [
        {"price": "10", "tax": "1", "qty": "2", "Total": "11"},
        {"price": "20", "tax": "2", "qty": "1", "Total": "22"},
    ]
    assert query(logs, group, "fields price | addtotals fieldname=RowSum | sort price | limit 1",
                 base) == [{"price": "10", "RowSum": "10"}]
    assert query(logs, group, "fields price | sort price | addtotals row=false col=true price",
                 base) == [{"price": "10"}, {"price": "20"}, {"price": "30"}]


def test_logcompare_compares_with_the_shifted_window(logs, names):
    group = names.group("logcompare")
    now = now_ms()
    week = 7 * 86_400_000
    logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName="s")
    earlier = [{"timestamp": now - week - 30_000 + i, "message": f"user {i} logged in"}
               for i in range(4)]
    current = [{"timestamp": now - 30_000 + i, "message": f"user {i} logged in"} for i in range(2)]
    current += [{"timestamp": now - 20_000 + i, "message": f"disk {i} failed"} for i in range(3)]
    # A batch spans at most 24 hours: one stream per week.
    logs.create_log_stream(logGroupName=group, logStreamName="t")
    logs.put_log_events(logGroupName=group, logStreamName="t", logEvents=earlier)
    logs.put_log_events(logGroupName=group, logStreamName="s", logEvents=current)
    window = {"startTime": now // 1000 - 60, "endTime": now // 1000 + 1}

    def run(text: str) -> list[dict[str, str]]:
        answer = wait(logs, logs.start_query(logGroupName=group, queryString=text,
                                             **window)["queryId"])
        assert answer["status"] == "Complete"
        return rows(answer)

    got = run("logcompare timeshift 7d")
    # logcompare timeshift 7d answers what diff previousWeek does over the same window.
    assert got == run("diff previousWeek")
    status = {r["@pattern"]: r["@diffStatus"] for r in got}
    assert sorted(status.values()) == ["Existing", "New"], got


def test_infrequent_access_groups_refuse_pattern_diff_filter_index_and_unmask(logs, names):
    group = names.group("ia")
    logs.create_log_group(logGroupName=group, logGroupClass="INFREQUENT_ACCESS")
    for text, command in [("pattern @message", "pattern"), ("diff", "diff"),
                          ("fields @message | unmask", "unmask"),
                          ("filterIndex requestId = 'x'", "filterIndex")]:
        with pytest.raises(logs.exceptions.MalformedQueryException) as error:
            logs.start_query(logGroupName=group, queryString=text, startTime=0, endTime=1)
        assert_aws_error(
            error, "MalformedQueryException",
            f"The {command} command is not supported for log groups in the Infrequent Access "
            f"log class: {group}")
    # Every other command runs, logcompare and addtotals included.
    query_id = logs.start_query(logGroupName=group, startTime=0, endTime=1,
                                queryString="fields @message | addtotals")["queryId"]
    assert wait(logs, query_id)["status"] == "Complete"


def test_limit_any_stops_scanning_once_enough_events_match(logs, names):
    group = names.group("limit-any")
    logs.create_log_group(logGroupName=group)
    base = now_ms() - 60_000
    for stream in ("a", "b"):
        logs.create_log_stream(logGroupName=group, logStreamName=stream)
        logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=[
            {"timestamp": base + i, "message": f"{stream} event {i}"} for i in range(5)])

    def run(text: str) -> dict:
        answer = wait(logs, logs.start_query(logGroupName=group, queryString=text,
                                             startTime=base // 1000 - 60,
                                             endTime=now_ms() // 1000 + 60)["queryId"])
        assert answer["status"] == "Complete"
        return answer

    # The Limit page's example: one event, the scan stopped at the first match.
    answer = run("fields @message | limit any 1")
    assert len(rows(answer)) == 1
    assert answer["statistics"]["recordsScanned"] == 1.0
    answer = run("fields @message | limit any 3")
    assert len(rows(answer)) == 3
    assert answer["statistics"]["recordsScanned"] == 3.0
    # A plain limit reads each stream's newest events up to the limit.
    answer = run("fields @message | limit 3")
    assert {r["@message"] for r in rows(answer)} >= {"a event 4", "b event 4"}
    assert answer["statistics"]["recordsScanned"] == 6.0


def test_hashing_functions(logs, names):
    group = names.group("hash")
    base = now_ms() - 60_000
    put(logs, group, ["abc", "abd"], base)
    assert query(logs, group, 'fields md5(@message) as m, sha256(@message) as s '
                 '| filter md5(@message) = "900150983cd24fb0d6963f7d28e17f72"', base) == [{
        "m": "900150983cd24fb0d6963f7d28e17f72",
        "s": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"}]
