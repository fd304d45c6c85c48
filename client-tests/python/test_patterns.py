"""Logs Insights' pattern engine through boto3: `pattern` over a synthetic corpus with known
templates, the two queries log-analysis agents run (parsing @logSamples as JSON), `anomaly`
provoking each of the five kinds, and `diff`."""
from __future__ import annotations

import json
import random
import re
import time

import pytest

from support import assert_aws_error, now_ms, put_chained

TEMPLATES = [
    ("<Time-1> INFO user <ID-2> logged in from <IP-3>", 50,
     lambda r: f"2026-01-01T00:{r.randrange(60):02}:{r.randrange(60):02}Z INFO user "
               f"u{r.randrange(10**6):06} logged in from {ip(r)}"),
    ("INFO GET /api/orders order_id=<Number-1> took <Number-2> ms", 40,
     lambda r: f"INFO GET /api/orders order_id={r.randrange(10**5)} took {r.randrange(2000)} ms"),
    ("DEBUG cache hit key=<ID-1> size=<Number-2>", 30,
     lambda r: f"DEBUG cache hit key=a{r.getrandbits(60):015x} size={r.randrange(65536)}"),
    ("INFO payment <UUID-1> processed amount=<Number-2> currency=USD", 20,
     lambda r: f"INFO payment {uuid(r)} processed amount={r.randrange(1000)}.{r.randrange(100):02}"
               " currency=USD"),
    ("WARN disk usage at <Number-1> percent on volume <ID-2>", 10,
     lambda r: f"WARN disk usage at {r.randrange(100)} percent on volume vol-a{r.getrandbits(28):07x}"),
    ("ERROR database connection to <IP-1> timed out after <Number-2> ms", 7,
     lambda r: f"ERROR database connection to {ip(r)} timed out after {r.randrange(30000)} ms"),
    ("ERROR request <UUID-1> failed with status <Number-2>", 3,
     lambda r: f"ERROR request {uuid(r)} failed with status {r.choice([500, 502, 503])}"),
]


def ip(r: random.Random) -> str:
    return f"10.{r.randrange(256)}.{r.randrange(256)}.{r.randrange(256)}"


def uuid(r: random.Random) -> str:
    h = f"{r.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def wait(logs, query_id: str) -> dict:
    for _ in range(400):
        answer = logs.get_query_results(queryId=query_id)
        if answer["status"] not in ("Scheduled", "Running"):
            return answer
        time.sleep(0.05)
    raise AssertionError(f"query {query_id} did not finish")


def rows(answer: dict) -> list[dict[str, str]]:
    return [{cell["field"]: cell["value"] for cell in row} for row in answer["results"]]


def run(logs, group: str, query: str, start: int, end: int) -> list[dict[str, str]]:
    query_id = logs.start_query(logGroupName=group, queryString=query,
                                startTime=start // 1000, endTime=end // 1000)["queryId"]
    answer = wait(logs, query_id)
    assert answer["status"] == "Complete", answer
    return rows(answer)


@pytest.fixture
def corpus(logs, names):
    """The synthetic corpus in a fresh group, over the last 10 minutes."""
    group = names.group("patterns")
    logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName="app")
    r = random.Random(22)
    messages = [make(r) for _, count, make in TEMPLATES for _ in range(count)]
    r.shuffle(messages)
    base = now_ms() - 10 * 60_000
    put_chained(logs, group, "app", [
        {"timestamp": base + i * 1000, "message": m} for i, m in enumerate(messages)])
    return group, base


def test_the_synthetic_corpus_comes_back_as_its_templates_with_exact_counts(logs, corpus):
    group, base = corpus
    found = run(logs, group, "pattern @message", base - 60_000, now_ms() + 60_000)
    assert [(r["@pattern"], int(r["@sampleCount"])) for r in found] == [
        (p, c) for p, c, _ in TEMPLATES]
    total = sum(c for _, c, _ in TEMPLATES)
    for row in found:
        assert float(row["@ratio"]) == pytest.approx(int(row["@sampleCount"]) / total)
        assert len(row["@PatternId"]) == 32
        samples = json.loads(row["@logSamples"])
        assert samples and all(re.search(row["@regexString"], s["logEvent"]) for s in samples)
        tokens = json.loads(row["@tokens"])
        # A token's string is its word of the pattern (`order_id=<Number-1>`).
        assert [t["tokenString"] for t in tokens] == [
            w for w in row["@pattern"].split(" ") if re.search(r"<[A-Za-z]+-\d+>", w)]
        assert sum(json.loads(row["@visualization"]).values()) == int(row["@sampleCount"])
    assert [r["@severityLabel"] for r in found] == [
        "Info", "Info", "Debug", "Info", "Warning", "Error", "Error"]


def test_the_agent_queries_run_and_their_samples_parse_as_json(logs, corpus):
    """The two queries the CloudWatch MCP server's log analysis runs."""
    group, base = corpus
    start, end = base - 60_000, now_ms() + 60_000
    top = run(logs, group, "pattern @message | sort @sampleCount desc | limit 5", start, end)
    assert [int(r["@sampleCount"]) for r in top] == [50, 40, 30, 20, 10]
    errors = run(logs, group,
                 "fields @timestamp, @message | filter @message like "
                 "/(?i)(error|exception|fail|timeout|fatal)/ | pattern @message | limit 5",
                 start, end)
    # What the agent does with each row: drop @tokens and @visualization, parse the samples.
    cleaned = []
    for row in errors:
        row.pop("@tokens")
        row.pop("@visualization")
        row["@logSamples"] = json.loads(row["@logSamples"])[:1]
        cleaned.append(row)
    assert [(r["@pattern"], r["@sampleCount"]) for r in cleaned] == [
        ("ERROR database connection to <IP-1> timed out after <Number-2> ms", "7"),
        ("ERROR request <UUID-1> failed with status <Number-2>", "3"),
    ]
    assert cleaned[1]["@logSamples"][0]["logEvent"].startswith("ERROR request ")
    assert cleaned[0]["@ratio"] == "0.7"


def test_anomaly_reports_each_of_the_five_kinds(logs, names):
    group = names.group("anomaly")
    logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName="app")
    # A 1000 s window: the baseline is its first 900 s, the recent part its last 100 s.
    start = (now_ms() // 1000 - 1200) * 1000
    end = start + 1_000_000
    events = []
    for i in range(90):
        t = start + i * 10_000
        if i % 10 == 0:
            events.append((t, "heartbeat ok"))
        events.append((t + 1, f"login region {['east', 'west'][i % 2]}"))
        events.append((t + 2, f"latency {20 + i % 5} ms"))
        events.append((t + 3, "GET /api 200"))
    recent = start + 900_000
    events += [(recent + i, "heartbeat ok") for i in range(20)]
    events += [(recent + 100, "disk on fire"), (recent + 200, "login region north"),
               (recent + 300, "latency 5000 ms")]
    events += [(recent + 400 + i, "GET /api 503") for i in range(5)]
    events.sort()
    put_chained(logs, group, "app", [{"timestamp": t, "message": m} for t, m in events])
    found = run(logs, group, "fields @timestamp, @message | pattern @message | anomaly",
                start, end - 1)
    kinds = {r["@anomalyType"]: r for r in found}
    assert sorted(kinds) == ["HttpErrorCode", "NewPattern", "NumericToken",
                             "PatternFrequency", "TokenVariation"]
    assert kinds["PatternFrequency"]["@pattern"] == "heartbeat ok"
    assert kinds["NewPattern"]["@pattern"] == "disk on fire"
    assert kinds["TokenVariation"]["@description"] == "<Token-1> has new values: north"
    assert kinds["NumericToken"]["@pattern"] == "latency <Number-1> ms"
    assert kinds["HttpErrorCode"]["@priority"] == "HIGH"
    # The input fields stay.
    assert int(kinds["PatternFrequency"]["@sampleCount"]) == 29


def test_diff_compares_with_the_previous_window(logs, names):
    group = names.group("diff")
    logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName="app")
    end = (now_ms() // 60_000) * 60_000
    start = end - 10 * 60_000
    earlier = [(start - 9 * 60_000 + i, "cache warm") for i in range(4)]
    earlier += [(start - 8 * 60_000 + i, f"served in {i} ms") for i in range(2)]
    current = [(start + 60_000 + i, f"served in {i} ms") for i in range(6)]
    current += [(start + 120_000, "ERROR out of memory")]
    put_chained(logs, group, "app", [{"timestamp": t, "message": m}
                                     for t, m in sorted(earlier + current)])
    found = run(logs, group, "pattern @message | diff", start, end - 1)
    by_pattern = {r["@pattern"]: r for r in found}
    assert by_pattern["served in <Number-1> ms"]["@diffStatus"] == "Existing"
    assert by_pattern["served in <Number-1> ms"]["@previousSampleCount"] == "2"
    assert by_pattern["served in <Number-1> ms"]["@changeInSampleCount"] == "4"
    assert by_pattern["ERROR out of memory"]["@diffStatus"] == "New"
    assert by_pattern["cache warm"]["@diffStatus"] == "Gone"
    assert by_pattern["cache warm"]["@sampleCount"] == "0"


def test_anomaly_without_pattern_is_a_compile_error(logs, names):
    group = names.group("anomaly-alone")
    logs.create_log_group(logGroupName=group)
    with pytest.raises(logs.exceptions.MalformedQueryException) as error:
        logs.start_query(logGroupName=group, queryString="fields @message | anomaly",
                         startTime=now_ms() // 1000 - 60, endTime=now_ms() // 1000)
    assert_aws_error(error, "MalformedQueryException", "anomaly must follow pattern")
