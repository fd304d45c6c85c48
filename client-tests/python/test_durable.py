"""`--data-dir`: state survives restarts and `kill -9`; torn tails, locks and resets.

Each test starts its own emulators on its own directory (tmp_path) with the real binary.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time

import pytest

from support import REGION, Emulator, _binary, assert_aws_error, now_ms

ACCOUNT = "000000000000"
KINESIS = f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/s"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/cwl"
KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
MANAGED = "arn:aws:dataprotection::aws:data-identifier/"
DATA_PROTECTION = json.dumps({
    "Name": "data-protection", "Version": "2021-06-01",
    "Statement": [
        {"Sid": "audit", "DataIdentifier": [MANAGED + "EmailAddress"],
         "Operation": {"Audit": {"FindingsDestination": {}}}},
        {"Sid": "redact", "DataIdentifier": [MANAGED + "EmailAddress"],
         "Operation": {"Deidentify": {"MaskConfig": {}}}},
    ]})
POLICY = ('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":'
          '["route53.amazonaws.com"]},"Action":"logs:PutLogEvents","Resource":"*"}]}')


@pytest.fixture
def start(start_emulator):
    """Starts an emulator on a data directory; the session stops every one, even after a
    failure."""
    return lambda data_dir, *extra: start_emulator("--data-dir", str(data_dir), *extra)


def without_metadata(response: dict) -> dict:
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def everything(logs, group: str, stream: str, query_id: str, export_id: str) -> dict:
    """Every read of every resource type this emulator holds."""
    group_arn = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{group}"
    reads = {
        "groups": logs.describe_log_groups(),
        "streams": logs.describe_log_streams(logGroupName=group),
        "events": logs.get_log_events(logGroupName=group, logStreamName=stream,
                                      startFromHead=True),
        "unmasked": logs.get_log_events(logGroupName=group, logStreamName=stream,
                                        startFromHead=True, unmask=True),
        "filtered": logs.filter_log_events(logGroupName=group, limit=2),
        "group_tags": logs.list_tags_for_resource(resourceArn=group_arn),
        "legacy_tags": logs.list_tags_log_group(logGroupName=group),
        "metric_filters": logs.describe_metric_filters(logGroupName=group),
        "subscription_filters": logs.describe_subscription_filters(logGroupName=group),
        "destinations": logs.describe_destinations(),
        "destination_tags": logs.list_tags_for_resource(
            resourceArn=f"arn:aws:logs:{REGION}:{ACCOUNT}:destination:dest"),
        "resource_policies": logs.describe_resource_policies(),
        "group_policy": logs.describe_resource_policies(resourceArn=group_arn,
                                                        policyScope="RESOURCE"),
        "data_protection": logs.get_data_protection_policy(logGroupIdentifier=group),
        "account_policies": logs.describe_account_policies(policyType="DATA_PROTECTION_POLICY"),
        "query_definitions": logs.describe_query_definitions(),
        "queries": logs.describe_queries(),
        "query_results": logs.get_query_results(queryId=query_id),
        "export_tasks": logs.describe_export_tasks(taskId=export_id),
    }
    # Queries and exports run again at the restart: their durations are the rerun's.
    for task in reads["export_tasks"]["exportTasks"]:
        task["executionInfo"].pop("completionTime", None)
    for query in reads["queries"]["queries"]:
        query.pop("queryDuration", None)
    return {name: without_metadata(response) for name, response in reads.items()}


def wait_for_query(logs, query_id: str) -> None:
    for _ in range(200):
        if logs.get_query_results(queryId=query_id)["status"] == "Complete":
            return
        time.sleep(0.05)
    pytest.fail("the query did not complete")


def wait_for_export(logs, task_id: str) -> None:
    for _ in range(200):
        status = logs.describe_export_tasks(taskId=task_id)["exportTasks"][0]["status"]["code"]
        if status == "COMPLETED":
            return
        time.sleep(0.05)
    pytest.fail("the export did not complete")


def test_restart_brings_back_every_resource_and_tokens_keep_working(tmp_path, start):
    data, exports = tmp_path / "data", tmp_path / "exports"
    (exports / "bucket").mkdir(parents=True)
    emulator = start(data, "--export-dir", str(exports))
    logs = emulator.client()
    group, stream, now = "/durable/app", "web", now_ms()
    logs.create_log_group(logGroupName=group, tags={"team": "logs"}, kmsKeyId=KEY)
    logs.create_log_group(logGroupName="/durable/deleted")
    logs.delete_log_group(logGroupName="/durable/deleted")
    logs.create_log_stream(logGroupName=group, logStreamName=stream)
    logs.create_log_stream(logGroupName=group, logStreamName="gone")
    logs.delete_log_stream(logGroupName=group, logStreamName="gone")
    logs.put_retention_policy(logGroupName=group, retentionInDays=30)
    logs.tag_log_group(logGroupName=group, tags={"env": "dev"})
    logs.put_log_group_deletion_protection(logGroupIdentifier=group, deletionProtectionEnabled=True)
    logs.put_metric_filter(logGroupName=group, filterName="errors", filterPattern="ERROR",
                           metricTransformations=[{"metricName": "Errors",
                                                   "metricNamespace": "App",
                                                   "metricValue": "1"}])
    logs.put_destination(destinationName="dest", targetArn=KINESIS, roleArn=ROLE,
                         tags={"owner": "me"})
    logs.put_destination_policy(destinationName="dest", accessPolicy=POLICY)
    logs.put_subscription_filter(logGroupName=group, filterName="to-kinesis",
                                 filterPattern="ERROR", destinationArn=KINESIS, roleArn=ROLE)
    logs.put_resource_policy(policyName="route53", policyDocument=POLICY)
    logs.put_data_protection_policy(logGroupIdentifier=group, policyDocument=DATA_PROTECTION)
    logs.put_account_policy(policyName="pii", policyDocument=DATA_PROTECTION,
                            policyType="DATA_PROTECTION_POLICY")
    logs.put_query_definition(name="errors", queryString="fields @message | filter @message like /ERROR/")
    token = sent_with = None
    for i in range(3):
        events = [{"timestamp": now - 60_000 + i * 10 + j, "message": f"ERROR {i}.{j} a@b.io"}
                  for j in range(3)]
        kwargs = {"sequenceToken": token} if token else {}
        sent_with = token
        token = logs.put_log_events(logGroupName=group, logStreamName=stream,
                                    logEvents=events, **kwargs)["nextSequenceToken"]
    last_batch = events
    query_id = logs.start_query(logGroupName=group, startTime=(now - 3_600_000) // 1000,
                                endTime=(now + 60_000) // 1000,
                                queryString="stats count(*) as n")["queryId"]
    wait_for_query(logs, query_id)
    export_id = logs.create_export_task(logGroupName=group, fromTime=now - 3_600_000,
                                        to=now + 60_000, destination="bucket")["taskId"]
    wait_for_export(logs, export_id)
    page = logs.get_log_events(logGroupName=group, logStreamName=stream, startFromHead=True,
                               limit=4)
    next_page = logs.get_log_events(logGroupName=group, logStreamName=stream,
                                    nextToken=page["nextForwardToken"], limit=4)
    filtered = logs.filter_log_events(logGroupName=group, limit=5)
    filtered_next = logs.filter_log_events(logGroupName=group, limit=5,
                                           nextToken=filtered["nextToken"])
    before = everything(logs, group, stream, query_id, export_id)
    emulator.stop()

    emulator = start(data, "--export-dir", str(exports))
    logs = emulator.client()
    after = everything(logs, group, stream, query_id, export_id)
    for name in before:
        assert after[name] == before[name], json.dumps([name, before[name], after[name]], default=str)
    # Tokens handed out before the restart: page tokens, filter tokens, sequence tokens.
    again = logs.get_log_events(logGroupName=group, logStreamName=stream,
                                nextToken=page["nextForwardToken"], limit=4)
    assert without_metadata(again) == without_metadata(next_page)
    again = logs.filter_log_events(logGroupName=group, limit=5, nextToken=filtered["nextToken"])
    assert without_metadata(again) == without_metadata(filtered_next)
    with pytest.raises(logs.exceptions.DataAlreadyAcceptedException) as resent:
        logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=last_batch,
                            sequenceToken=sent_with)
    assert resent.value.response["expectedSequenceToken"] == token
    logs.put_log_events(logGroupName=group, logStreamName=stream, sequenceToken=token,
                        logEvents=[{"timestamp": now, "message": "after the restart"}])
    with pytest.raises(logs.exceptions.ValidationException):
        # Deletion protection came back too.
        logs.delete_log_group(logGroupName=group)
    emulator.stop()


WRITERS = 8


def test_kill_9_among_8_writers_keeps_every_acknowledged_event_exactly_once(tmp_path, start):
    data = tmp_path / "data"
    emulator = start(data)
    setup = emulator.client()
    setup.create_log_group(logGroupName="crash")
    for w in range(WRITERS):
        setup.create_log_stream(logGroupName="crash", logStreamName=f"w{w}")
    acknowledged: list[list[str]] = [[] for _ in range(WRITERS)]
    stop = threading.Event()
    now = now_ms()

    def writer(w: int) -> None:
        logs = emulator.client()
        token, batch = None, 0
        while not stop.is_set():
            messages = [f"w{w}-b{batch}-e{i}" for i in range(50)]
            kwargs = {"sequenceToken": token} if token else {}
            try:
                token = logs.put_log_events(
                    logGroupName="crash", logStreamName=f"w{w}",
                    logEvents=[{"timestamp": now, "message": m} for m in messages],
                    **kwargs)["nextSequenceToken"]
            except Exception:  # the server is gone: this batch was not acknowledged
                return
            acknowledged[w].extend(messages)
            batch += 1

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(WRITERS)]
    for thread in threads:
        thread.start()
    time.sleep(1.5)
    emulator.proc.send_signal(signal.SIGKILL)
    emulator.proc.wait()
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    assert all(acknowledged), "every writer got something acknowledged before the kill"

    emulator = start(data)
    logs = emulator.client()
    for w in range(WRITERS):
        stored = []
        token = None
        while True:
            extra = {"nextToken": token} if token else {}
            page = logs.get_log_events(logGroupName="crash", logStreamName=f"w{w}",
                                       startFromHead=True, **extra)
            stored.extend(e["message"] for e in page["events"])
            if page["nextForwardToken"] == token:
                break
            token = page["nextForwardToken"]
        assert len(stored) == len(set(stored)), f"w{w}: duplicates"
        # Every acknowledged batch is there, in order; at most the one batch in flight at the
        # kill (written, not yet acknowledged) follows it.
        assert stored[:len(acknowledged[w])] == acknowledged[w], f"w{w}"
        assert len(stored) - len(acknowledged[w]) in (0, 50), f"w{w}"
    emulator.stop()


def test_a_torn_and_scribbled_tail_is_cut_off_and_reported_once(tmp_path, start):
    data = tmp_path / "data"
    emulator = start(data)
    logs = emulator.client()
    logs.create_log_group(logGroupName="torn")
    logs.create_log_stream(logGroupName="torn", logStreamName="s")
    now = now_ms()
    token = None
    for i in range(3):
        kwargs = {"sequenceToken": token} if token else {}
        token = logs.put_log_events(logGroupName="torn", logStreamName="s",
                                    logEvents=[{"timestamp": now, "message": f"m{i}"}],
                                    **kwargs)["nextSequenceToken"]
    emulator.stop()
    journal = data / "journal.cwl"
    raw = bytearray(journal.read_bytes())
    raw[-3] ^= 0xFF  # scribble on the last frame
    journal.write_bytes(bytes(raw[:-1]) + b"\x00" * 7)  # and tear it

    emulator = start(data)
    logs = emulator.client()
    messages = [e["message"] for e in logs.get_log_events(
        logGroupName="torn", logStreamName="s", startFromHead=True)["events"]]
    assert messages == ["m0", "m1"]
    reports = [line for line in emulator.output if "torn or corrupt" in line]
    assert len(reports) == 1, emulator.output
    # The stream goes on from the last batch kept.
    info = logs.describe_log_streams(logGroupName="torn")["logStreams"][0]
    logs.put_log_events(logGroupName="torn", logStreamName="s",
                        sequenceToken=info["uploadSequenceToken"],
                        logEvents=[{"timestamp": now, "message": "m2 again"}])
    emulator.stop()


def test_a_second_process_is_refused_the_directory(tmp_path, start):
    data = tmp_path / "data"
    emulator = start(data)
    second = subprocess.run([_binary(), "--port", "0", "--data-dir", str(data)],
                            capture_output=True, text=True, timeout=30)
    assert second.returncode != 0
    assert "is in use by another cwlogs-emulator" in second.stderr, second.stderr
    assert f"process {emulator.proc.pid}" in second.stderr, second.stderr
    emulator.stop()


def test_reset_empties_the_directory_and_fixtures_come_back(tmp_path, start):
    data = tmp_path / "data"
    fixtures = tmp_path / "fixtures.json"
    fixtures.write_text(json.dumps({"logGroupName": "from-fixtures"}))
    emulator = start(data, "--fixtures", str(fixtures), "--region", REGION)
    logs = emulator.client()
    logs.create_log_group(logGroupName="mine")
    reset = subprocess.run(["curl", "-sf", "-X", "POST", emulator.url + "/_cwlogs/reset"],
                           capture_output=True, text=True)
    assert reset.returncode == 0, reset.stderr
    emulator.stop()
    emulator = start(data, "--fixtures", str(fixtures), "--region", REGION)
    logs = emulator.client()
    assert logs.describe_log_groups()["logGroups"] == []
    subprocess.run(["curl", "-sf", "-X", "POST", emulator.url + "/_cwlogs/reset?fixtures=reload"],
                   check=True, capture_output=True)
    logs.create_log_group(logGroupName="mine")
    emulator.stop()
    emulator = start(data, "--fixtures", str(fixtures), "--region", REGION)
    names = [g["logGroupName"] for g in emulator.client().describe_log_groups()["logGroups"]]
    assert names == ["from-fixtures", "mine"]
    emulator.stop()


def test_the_flag_has_an_environment_variable(tmp_path):
    data = tmp_path / "data"
    emulator = Emulator("--port", "0", env={"CWLOGS_DATA_DIR": str(data),
                                            "CWLOGS_LOG_LEVEL": "warn"})
    emulator.client().create_log_group(logGroupName="env")
    emulator.stop()
    assert (data / "journal.cwl").stat().st_size > 12
    assert os.path.exists(data / "LOCK")
