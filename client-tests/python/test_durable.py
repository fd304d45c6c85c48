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

from support import EMAIL_MASKING_POLICY, REGION, Emulator, _binary, assert_aws_error, now_ms

ACCOUNT = "000000000000"
KINESIS = f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/s"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/cwl"
KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
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
    logs.put_data_protection_policy(logGroupIdentifier=group, policyDocument=EMAIL_MASKING_POLICY)
    logs.put_account_policy(policyName="pii", policyDocument=EMAIL_MASKING_POLICY,
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
    # Once more from a compacted journal (a snapshot of the events, the requests kept).
    before = everything(logs, group, stream, query_id, export_id)
    filtered = logs.filter_log_events(logGroupName=group, limit=5)
    filtered_next = logs.filter_log_events(logGroupName=group, limit=5,
                                           nextToken=filtered["nextToken"])
    compact(emulator)
    emulator.stop()
    emulator = start(data, "--export-dir", str(exports))
    logs = emulator.client()
    after = everything(logs, group, stream, query_id, export_id)
    for name in before:
        assert after[name] == before[name], json.dumps([name, before[name], after[name]], default=str)
    again = logs.filter_log_events(logGroupName=group, limit=5, nextToken=filtered["nextToken"])
    assert without_metadata(again) == without_metadata(filtered_next)
    again = logs.get_log_events(logGroupName=group, logStreamName=stream,
                                nextToken=page["nextForwardToken"], limit=4)
    assert without_metadata(again) == without_metadata(next_page)
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


DISTRIBUTION = f"arn:aws:cloudfront::{ACCOUNT}:distribution/E1Q5F5862X9VJ5"
S3_TABLES = f"arn:aws:observabilityadmin:{REGION}:{ACCOUNT}:s3tableintegration/abc"
DELIVERY_POLICY = ('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":'
                   '{"AWS":"000000000000"},"Action":"logs:CreateDelivery","Resource":"*"}]}')
INDEX_POLICY = json.dumps({"Fields": ["requestId", "status"]})
ACCOUNT_POLICIES = {
    "SUBSCRIPTION_FILTER_POLICY": json.dumps({"DestinationArn": KINESIS, "RoleArn": ROLE,
                                              "FilterPattern": "ERROR"}),
    "FIELD_INDEX_POLICY": json.dumps({"Fields": ["traceId"]}),
    "TRANSFORMER_POLICY": json.dumps({"transformerConfig": [{"parseJSON": {}}]}),
}


def compact(emulator) -> dict:
    """`POST /_cwlogs/compact`: the journal rewritten as a snapshot at once."""
    from urllib.request import Request, urlopen
    with urlopen(Request(emulator.url + "/_cwlogs/compact", method="POST"), timeout=60) as answer:
        compacted = json.loads(answer.read())
    assert compacted["afterBytes"] > 0, compacted
    return compacted


def transformation_errors(logs, group: str, now: int) -> list:
    """The events of `group` the transformer failed on, with their `@transformationError`,
    through Insights (the one read that shows it)."""
    query_id = logs.start_query(
        logGroupName=group, startTime=(now - 3_600_000) // 1000, endTime=(now + 60_000) // 1000,
        queryString="fields @message, @transformationError "
                    "| filter ispresent(@transformationError) | sort @timestamp asc")["queryId"]
    wait_for_query(logs, query_id)
    return [sorted((f["field"], f["value"]) for f in row if f["field"] != "@ptr")
            for row in logs.get_query_results(queryId=query_id)["results"]]


def kill_9(emulator) -> None:
    """Ends the emulator as a crash would: nothing is flushed, closed or unlocked."""
    emulator.proc.send_signal(signal.SIGKILL)
    emulator.proc.wait()


def emit_vended(emulator, source: str, records: list[dict]) -> dict:
    """`POST /_cwlogs/vended`, as a test playing CloudFront does."""
    from urllib.request import Request, urlopen
    request = Request(emulator.url + "/_cwlogs/vended", method="POST",
                      headers={"Content-Type": "application/json"},
                      data=json.dumps({"deliverySourceName": source, "region": REGION,
                                       "records": records}).encode())
    from urllib.error import HTTPError
    try:
        with urlopen(request, timeout=10) as response:
            return json.loads(response.read())
    except HTTPError as error:
        pytest.fail(f"{error}: {error.read().decode()}")


def every_newer_resource(logs, names: dict) -> dict:
    """Every read of the resource types added after the first durable tests: deliveries,
    transformers, indexes, lookup tables, scheduled queries, integrations, anomaly
    detectors, syslog and storage tier, account policies of every type, KMS associations,
    bearer-token settings, vended events, and the tags of every taggable ARN."""
    group = names["group"]
    arn = lambda kind, name: f"arn:aws:logs:{REGION}:{ACCOUNT}:{kind}:{name}"  # noqa: E731
    reads = {
        "groups": logs.describe_log_groups(),
        "streams": logs.describe_log_streams(logGroupName=group),
        "events": logs.get_log_events(logGroupName=group, logStreamName="s", startFromHead=True),
        "vended_events": logs.get_log_events(logGroupName=names["vended_group"],
                                             logStreamName="cf", startFromHead=True),
        "sources": logs.describe_delivery_sources(),
        "source": logs.get_delivery_source(name="cf"),
        "destinations": logs.describe_delivery_destinations(),
        "destination_policy": logs.get_delivery_destination_policy(
            deliveryDestinationName="to-cwl"),
        "deliveries": logs.describe_deliveries(),
        "delivery": logs.get_delivery(id=names["delivery_id"]),
        "transformer": logs.get_transformer(logGroupIdentifier=group),
        "index_policies": logs.describe_index_policies(logGroupIdentifiers=[group]),
        "field_indexes": logs.describe_field_indexes(logGroupIdentifiers=[group]),
        "lookup_tables": logs.describe_lookup_tables(),
        "lookup_table": logs.get_lookup_table(lookupTableArn=arn("lookup-table", "users")),
        "scheduled_queries": logs.list_scheduled_queries(),
        "scheduled_query": logs.get_scheduled_query(identifier="nightly"),
        "scheduled_history": logs.get_scheduled_query_history(
            identifier="nightly", startTime=0, endTime=names["now"] + 86_400_000),
        "integrations": logs.list_integrations(),
        "integration": logs.get_integration(integrationName="dashboards"),
        "s3_table_sources": logs.list_sources_for_s3_table_integration(
            integrationArn=S3_TABLES),
        "detectors": logs.list_log_anomaly_detectors(),
        "detector": logs.get_log_anomaly_detector(anomalyDetectorArn=names["detector"]),
        "anomalies": logs.list_anomalies(),
        "syslog": logs.list_syslog_configurations(),
        "storage_tier": logs.get_storage_tier_policy(),
        "query_definitions": logs.describe_query_definitions(),
        "export_tasks": logs.describe_export_tasks(),
    }
    for policy_type in ["DATA_PROTECTION_POLICY", *ACCOUNT_POLICIES]:
        reads[f"account_policies {policy_type}"] = logs.describe_account_policies(
            policyType=policy_type)
    for taggable in [arn("log-group", group), arn("destination", "dest"),
                     arn("delivery-source", "cf"), arn("delivery-destination", "to-cwl"),
                     arn("delivery", names["delivery_id"]), arn("lookup-table", "users"),
                     arn("scheduled-query", "nightly"), names["detector"]]:
        reads[f"tags {taggable}"] = logs.list_tags_for_resource(resourceArn=taggable)
    # The integration's status moves on the clock (PROVISIONING, then ACTIVE): compared
    # apart, below.
    reads["integration"].pop("integrationStatus", None)
    for integration in reads["integrations"]["integrationSummaries"]:
        integration.pop("integrationStatus", None)
    reads = {name: without_metadata(response) for name, response in reads.items()}
    reads["transformation_errors"] = transformation_errors(logs, group, names["now"])
    return reads


def test_every_resource_type_survives_a_kill_9_and_reads_back_identical(tmp_path, start):
    data = tmp_path / "data"
    emulator = start(data)
    logs = emulator.client()
    now = now_ms()
    group, vended_group = "/durable/every", "/durable/vended"
    logs.create_log_group(logGroupName=group)
    logs.create_log_group(logGroupName=vended_group)
    logs.create_log_group(logGroupName="/durable/keyed")
    logs.associate_kms_key(logGroupName="/durable/keyed", kmsKeyId=KEY)
    logs.create_log_group(logGroupName="/durable/unkeyed", kmsKeyId=KEY)
    logs.disassociate_kms_key(logGroupName="/durable/unkeyed")
    logs.put_bearer_token_authentication(logGroupIdentifier=vended_group,
                                         bearerTokenAuthenticationEnabled=True)
    logs.put_destination(destinationName="dest", targetArn=KINESIS, roleArn=ROLE)
    # Vended-log deliveries: a source, two destinations (one deleted), a policy, a delivery
    # that is updated, and vended events written through the delivery.
    logs.put_delivery_source(name="cf", resourceArn=DISTRIBUTION, logType="ACCESS_LOGS",
                             tags={"team": "web"})
    logs.put_delivery_destination(
        name="to-cwl", outputFormat="json",
        deliveryDestinationConfiguration={
            "destinationResourceArn": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{vended_group}"})
    logs.put_delivery_destination(
        name="gone", deliveryDestinationConfiguration={"destinationResourceArn": "arn:aws:s3:::b"})
    logs.delete_delivery_destination(name="gone")
    logs.put_delivery_destination_policy(deliveryDestinationName="to-cwl",
                                         deliveryDestinationPolicy=DELIVERY_POLICY)
    delivery_id = logs.create_delivery(
        deliverySourceName="cf",
        deliveryDestinationArn=f"arn:aws:logs:{REGION}:{ACCOUNT}:delivery-destination:to-cwl",
        tags={"k": "v"})["delivery"]["id"]
    logs.update_delivery_configuration(id=delivery_id, recordFields=["date", "sc-status"])
    report = emit_vended(emulator, "cf", [{"date": "2026-01-01", "sc-status": 200},
                                          {"date": "2026-01-01", "sc-status": 404}])
    assert [d["status"] for d in report["deliveries"]] == ["Delivered"], report
    # Transformer, index policy (then events it indexes), account policies of every type.
    logs.put_transformer(logGroupIdentifier=group, transformerConfig=[{"parseJSON": {}}])
    logs.put_index_policy(logGroupIdentifier=group, policyDocument=INDEX_POLICY)
    logs.create_log_stream(logGroupName=group, logStreamName="s")
    logs.put_log_events(logGroupName=group, logStreamName="s", logEvents=[
        {"timestamp": now, "message": json.dumps({"requestId": "r1", "status": 200})},
        {"timestamp": now + 1, "message": "not JSON: the transformer fails on it"}])
    logs.put_account_policy(policyName="deleted", policyDocument=EMAIL_MASKING_POLICY,
                            policyType="DATA_PROTECTION_POLICY")
    logs.delete_account_policy(policyName="deleted", policyType="DATA_PROTECTION_POLICY")
    logs.put_account_policy(policyName="pii", policyDocument=EMAIL_MASKING_POLICY,
                            policyType="DATA_PROTECTION_POLICY")
    for policy_type, document in ACCOUNT_POLICIES.items():
        logs.put_account_policy(policyName=policy_type.lower(), policyDocument=document,
                                policyType=policy_type)
    # Lookup tables, scheduled queries, integrations, anomaly detectors.
    logs.create_lookup_table(lookupTableName="users", tableBody="id,name\n1,ann\n",
                             tags={"t": "1"})
    logs.update_lookup_table(lookupTableArn=f"arn:aws:logs:{REGION}:{ACCOUNT}:lookup-table:users",
                             tableBody="id,name\n1,ann\n2,bob\n")
    logs.create_lookup_table(lookupTableName="dropped", tableBody="a\n1\n")
    logs.delete_lookup_table(
        lookupTableArn=f"arn:aws:logs:{REGION}:{ACCOUNT}:lookup-table:dropped")
    logs.create_scheduled_query(
        name="nightly", queryLanguage="CWLI", queryString="stats count(*) as n",
        logGroupIdentifiers=[group], scheduleExpression="cron(0 3 * * ? *)",
        executionRoleArn=ROLE, tags={"s": "q"},
        destinationConfiguration={"lookupTableConfiguration": {"tableName": "counts",
                                                               "roleArn": ROLE}})
    logs.update_scheduled_query(
        identifier="nightly", queryLanguage="CWLI", queryString="stats count(*) as n2",
        logGroupIdentifiers=[group], scheduleExpression="cron(0 4 * * ? *)",
        executionRoleArn=ROLE)
    logs.put_integration(
        integrationName="dashboards", integrationType="OPENSEARCH",
        resourceConfig={"openSearchResourceConfig": {
            "dataSourceRoleArn": f"arn:aws:iam::{ACCOUNT}:role/os",
            "dashboardViewerPrincipals": [f"arn:aws:iam::{ACCOUNT}:role/viewer"],
            "retentionDays": 7}})
    for source in ["/app/one", "/app/two"]:
        logs.associate_source_to_s3_table_integration(
            integrationArn=S3_TABLES, dataSource={"name": source, "type": "log-group"})
    two = [s for s in logs.list_sources_for_s3_table_integration(
        integrationArn=S3_TABLES)["sources"] if s["dataSource"]["name"] == "/app/two"]
    logs.disassociate_source_from_s3_table_integration(identifier=two[0]["identifier"])
    detector = logs.create_log_anomaly_detector(
        logGroupArnList=[f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{group}"],
        detectorName="errors", evaluationFrequency="ONE_HOUR",
        tags={"d": "1"})["anomalyDetectorArn"]
    logs.update_log_anomaly_detector(anomalyDetectorArn=detector, enabled=True,
                                     anomalyVisibilityTime=14)
    # A detector that finds anomalies at its first tick, a minute after its creation: six
    # quiet minutes before the tick, then a minute of errors (timestamps around the tick).
    anomalous = "/durable/anomalous"
    logs.create_log_group(logGroupName=anomalous)
    logs.create_log_stream(logGroupName=anomalous, logStreamName="s")
    minute = logs.create_log_anomaly_detector(
        logGroupArnList=[f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{anomalous}"],
        detectorName="minute", evaluationFrequency="ONE_MIN")["anomalyDetectorArn"]
    tick = logs.get_log_anomaly_detector(anomalyDetectorArn=minute)["creationTimeStamp"] + 60_000
    logs.put_log_events(logGroupName=anomalous, logStreamName="s", logEvents=[
        *[{"timestamp": tick - 420_000 + i * 30_000, "message": "heartbeat ok"}
          for i in range(12)],
        *[{"timestamp": tick - 60_000 + i * 1_000,
           "message": f"ERROR upstream 10.0.0.{i} refused connection"} for i in range(30)]])
    # Syslog, storage tier, query definitions, tags added and removed on every kind.
    logs.put_syslog_configuration(logGroupIdentifier=group, vpcEndpointId="vpce-0123456789abcdef0")
    logs.put_storage_tier_policy(storageTier="INTELLIGENT_TIERING")
    logs.put_query_definition(name="saved", queryString="fields @message")
    names = {"group": group, "vended_group": vended_group, "delivery_id": delivery_id,
             "detector": detector, "now": now}
    for taggable in [f"arn:aws:logs:{REGION}:{ACCOUNT}:delivery-source:cf",
                     f"arn:aws:logs:{REGION}:{ACCOUNT}:lookup-table:users",
                     f"arn:aws:logs:{REGION}:{ACCOUNT}:scheduled-query:nightly", detector]:
        logs.tag_resource(resourceArn=taggable, tags={"added": "yes", "removed": "soon"})
        logs.untag_resource(resourceArn=taggable, tagKeys=["removed"])
    # The first tick's evaluation runs when ListAnomalies reads after it; the next tick is a
    # minute later, well after the comparisons below.
    time.sleep(max(0.0, (tick + 500 - now_ms()) / 1000))
    found = logs.list_anomalies(anomalyDetectorArn=minute)["anomalies"]
    assert any(a["patternString"].startswith("ERROR") for a in found), found
    logs.update_anomaly(anomalyDetectorArn=minute, anomalyId=found[0]["anomalyId"],
                        suppressionType="INFINITE")
    before = every_newer_resource(logs, names)
    assert before["transformation_errors"], before["transformation_errors"]
    assert any(a["suppressed"] for a in before["anomalies"]["anomalies"]), before["anomalies"]
    kill_9(emulator)

    emulator = start(data)
    logs = emulator.client()
    after = every_newer_resource(logs, names)
    for name in before:
        assert after[name] == before[name], json.dumps([name, before[name], after[name]],
                                                       default=str)
    # Once more after a compaction: the journal is a snapshot of the events (with their
    # @transformationError) after the requests it keeps.
    compact(emulator)
    kill_9(emulator)
    emulator = start(data)
    logs = emulator.client()
    after = every_newer_resource(logs, names)
    for name in before:
        assert after[name] == before[name], json.dumps([name, "after a compaction",
                                                        before[name], after[name]], default=str)
    # Vended logs go on into the same stream after the restart.
    emit_vended(emulator, "cf", [{"date": "2026-01-02", "sc-status": 500}])
    messages = [e["message"] for e in logs.get_log_events(
        logGroupName=vended_group, logStreamName="cf", startFromHead=True)["events"]]
    assert len(messages) == 3, messages
    emulator.stop()
