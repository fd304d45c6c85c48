"""Import tasks (CreateImportTask & co) from a CloudTrail Lake event data store read through
--cloudtrail-endpoint: a small recording CloudTrail server inside the test answers
GetEventDataStore, StartQuery, GetQueryResults and CancelQuery (AWS JSON 1.1); what the
emulator asked is checked, with its SigV4 signature, and the imported events are read back
through GetLogEvents, FilterLogEvents and Logs Insights."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3
import pytest
from botocore.config import Config

from support import REGION, Emulator, assert_aws_error, now_ms

ACCOUNT = "123456789012"
EDS_ID = "f1d45bff-d0e3-4868-b5d9-2eb678aa32fb"
EDS = f"arn:aws:cloudtrail:{REGION}:{ACCOUNT}:eventdatastore/{EDS_ID}"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/import"
HOUR = 3_600_000


def lake_time(ms: int) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(ms // 1000)) + f".{ms % 1000:03d}"


class CloudTrail:
    """Plays CloudTrail Lake: event data stores by ARN, one query's rows served `page` rows a
    GetQueryResults, RUNNING until `release` is set."""

    def __init__(self, stores: dict[str, dict], rows: list[list[dict]], page: int = 2):
        self.stores = stores
        self.rows = rows
        self.calls: list[dict] = []
        self.release = threading.Event()
        self.release.set()
        self.lock = threading.Lock()
        trail = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
                target = self.headers.get("X-Amz-Target", "")
                op = target.rpartition(".")[2]
                with trail.lock:
                    trail.calls.append({"op": op, "target": target, "body": body,
                                        "headers": {k.lower(): v for k, v in self.headers.items()}})
                status, answer = trail.answer(op, body)
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/x-amz-json-1.1")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.page = page
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def answer(self, op: str, body: dict) -> tuple[int, dict]:
        if op == "GetEventDataStore":
            store = self.stores.get(body.get("EventDataStore"))
            if store is None:
                return 400, {"__type": "EventDataStoreNotFoundException",
                             "Message": "The specified event data store was not found."}
            return 200, {"EventDataStoreArn": body["EventDataStore"], **store}
        if op == "StartQuery":
            return 200, {"QueryId": f"q{sum(c['op'] == 'StartQuery' for c in self.calls)}"}
        if op == "GetQueryResults":
            if not self.release.is_set():
                return 200, {"QueryStatus": "RUNNING"}
            start = int(body.get("NextToken", "0"))
            rows = self.rows[start:start + self.page]
            answer = {"QueryStatus": "FINISHED", "QueryResultRows": rows}
            if start + self.page < len(self.rows):
                answer["NextToken"] = str(start + self.page)
            return 200, answer
        if op == "CancelQuery":
            return 200, {"QueryId": body["QueryId"], "QueryStatus": "CANCELLED"}
        return 400, {"__type": "UnknownOperationException"}

    def ops(self, op: str) -> list[dict]:
        with self.lock:
            return [c for c in self.calls if c["op"] == op]


def row(ms: int, name: str) -> list[dict]:
    return [{"eventTime": lake_time(ms)}, {"eventName": name},
            {"eventSource": "s3.amazonaws.com"},
            {"userIdentity": json.dumps({"type": "Root", "accountId": ACCOUNT})}]


def wait_until_done(logs, import_id: str) -> dict:
    deadline = time.monotonic() + 20
    while True:
        [task] = logs.describe_import_tasks(importId=import_id)["imports"]
        if task["importStatus"] != "IN_PROGRESS":
            return task
        assert time.monotonic() < deadline, task
        time.sleep(0.05)


@pytest.fixture
def history():
    # Thirty days old (older than PutLogEvents accepts) across two hours: two batches.
    base = (now_ms() - 30 * 24 * HOUR) // HOUR * HOUR
    return [base + 1000, base + 2000, base + 3000, base + HOUR + 5]


@pytest.fixture
def trail(history):
    rows = [row(ms, f"Event{i}") for i, ms in enumerate(history)]
    server = CloudTrail({EDS: {"Status": "ENABLED", "RetentionPeriod": 2557}}, rows)
    yield server
    server.server.shutdown()


@pytest.fixture
def emu(trail):
    emulator = Emulator("--region", REGION, "--cloudtrail-endpoint", trail.url)
    yield emulator
    emulator.stop()


def test_import_copies_the_event_data_store_into_its_managed_group(emu, trail, history):
    logs = emu.client()
    start, end = history[0] - 1, history[-1] + 1
    created = logs.create_import_task(importSourceArn=EDS, importRoleArn=ROLE,
                                      importFilter={"startEventTime": start,
                                                    "endEventTime": end})
    group = f"/aws/cloudtrail/{EDS_ID}"
    assert created["importDestinationArn"] == f"arn:aws:logs:{REGION}:000000000000:log-group:{group}"
    assert abs(created["creationTime"] - now_ms()) < 5000
    task = wait_until_done(logs, created["importId"])
    assert task["importStatus"] == "COMPLETED", task
    assert task["importSourceArn"] == EDS
    assert task["importDestinationArn"] == created["importDestinationArn"]
    assert task["importFilter"] == {"startEventTime": start, "endEventTime": end}
    assert task["creationTime"] == created["creationTime"]
    assert task["lastUpdatedTime"] >= task["creationTime"]
    assert "errorMessage" not in task

    # What CloudTrail was asked, signed for the store's region.
    [get_store] = trail.ops("GetEventDataStore")
    assert get_store["body"] == {"EventDataStore": EDS}
    assert get_store["target"] == "CloudTrail_20131101.GetEventDataStore"
    [query] = trail.ops("StartQuery")
    assert query["body"]["QueryStatement"] == (
        f"SELECT * FROM {EDS_ID} WHERE eventTime >= '{lake_time(start)}' "
        f"AND eventTime <= '{lake_time(end)}' ORDER BY eventTime ASC")
    pages = trail.ops("GetQueryResults")
    assert [p["body"].get("NextToken") for p in pages] == [None, "2"]
    for call in trail.calls:
        auth = call["headers"]["authorization"]
        assert auth.startswith("AWS4-HMAC-SHA256 Credential=test/"), auth
        assert f"/{REGION}/cloudtrail/aws4_request" in auth

    # The events, with their own (old) timestamps, in the group through the ingest path.
    stream = f"000000000000_CloudTrail_{REGION}"
    events = logs.get_log_events(logGroupName=group, logStreamName=stream,
                                 startFromHead=True)["events"]
    assert [e["timestamp"] for e in events] == history
    first = json.loads(events[0]["message"])
    assert first["eventName"] == "Event0"
    assert first["userIdentity"] == {"type": "Root", "accountId": ACCOUNT}
    assert task["importStatistics"] == {
        "bytesImported": sum(len(e["message"].encode()) for e in events)}
    found = logs.filter_log_events(logGroupName=group, filterPattern='{ $.eventName = "Event3" }',
                                   startTime=history[0])["events"]
    assert [e["timestamp"] for e in found] == [history[3]]
    query_id = logs.start_query(logGroupName=group, startTime=history[0] // 1000,
                                endTime=history[-1] // 1000 + 1,
                                queryString="stats count(*) as n by eventSource")["queryId"]
    deadline = time.monotonic() + 20
    while (results := logs.get_query_results(queryId=query_id))["status"] != "Complete":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert results["results"] == [[{"field": "eventSource", "value": "s3.amazonaws.com"},
                                   {"field": "n", "value": "4"}]]

    # Batches: one per hour of eventTime, paged, filtered by status.
    batches = logs.describe_import_task_batches(importId=created["importId"])
    assert batches["importId"] == created["importId"]
    assert batches["importSourceArn"] == EDS
    assert [b["status"] for b in batches["importBatches"]] == ["COMPLETED", "COMPLETED"]
    assert len({b["batchId"] for b in batches["importBatches"]}) == 2
    first_page = logs.describe_import_task_batches(importId=created["importId"], limit=1)
    second_page = logs.describe_import_task_batches(importId=created["importId"], limit=1,
                                                    nextToken=first_page["nextToken"])
    assert "nextToken" not in second_page
    assert first_page["importBatches"] + second_page["importBatches"] == batches["importBatches"]
    assert logs.describe_import_task_batches(
        importId=created["importId"], batchImportStatus=["FAILED", "CANCELLED"]
    )["importBatches"] == []

    # Describe filters and paging; a cancel of a finished task is refused.
    assert logs.describe_import_tasks(importStatus="COMPLETED")["imports"] == [task]
    assert logs.describe_import_tasks(importStatus="FAILED")["imports"] == []
    assert logs.describe_import_tasks(importSourceArn=EDS)["imports"] == [task]
    assert logs.describe_import_tasks(importSourceArn=EDS + "x")["imports"] == []
    with pytest.raises(logs.exceptions.InvalidOperationException) as error:
        logs.cancel_import_task(importId=created["importId"])
    assert_aws_error(error, "InvalidOperationException",
                     f"Import task {created['importId']} cannot be cancelled: its status is "
                     "COMPLETED; only an IN_PROGRESS import can be cancelled.")
    second = logs.create_import_task(importSourceArn=EDS, importRoleArn=ROLE)
    assert wait_until_done(logs, second["importId"])["importStatus"] == "COMPLETED"
    assert "importFilter" not in logs.describe_import_tasks(
        importId=second["importId"])["imports"][0]
    assert trail.ops("StartQuery")[1]["body"]["QueryStatement"] == (
        f"SELECT * FROM {EDS_ID} ORDER BY eventTime ASC")
    page = logs.describe_import_tasks(limit=1)
    rest = logs.describe_import_tasks(limit=1, nextToken=page["nextToken"])
    assert "nextToken" not in rest
    assert {t["importId"] for t in page["imports"] + rest["imports"]} == {
        created["importId"], second["importId"]}


def test_cancel_stops_an_import_in_progress(emu, trail):
    logs = emu.client()
    trail.release.clear()
    created = logs.create_import_task(importSourceArn=EDS, importRoleArn=ROLE)
    [task] = logs.describe_import_tasks(importId=created["importId"])["imports"]
    assert task["importStatus"] == "IN_PROGRESS"
    assert task["importStatistics"] == {"bytesImported": 0}
    cancelled = logs.cancel_import_task(importId=created["importId"])
    cancelled.pop("ResponseMetadata")
    assert cancelled["importId"] == created["importId"]
    assert cancelled["importStatus"] == "CANCELLED"
    assert cancelled["importStatistics"] == {"bytesImported": 0}
    assert cancelled["creationTime"] == created["creationTime"]
    assert cancelled["lastUpdatedTime"] >= created["creationTime"]
    deadline = time.monotonic() + 20
    while not trail.ops("CancelQuery"):
        assert time.monotonic() < deadline, "the CloudTrail query was not cancelled"
        time.sleep(0.05)
    assert trail.ops("CancelQuery")[0]["body"]["QueryId"] == "q1"
    trail.release.set()
    time.sleep(0.3)
    [task] = logs.describe_import_tasks(importId=created["importId"])["imports"]
    assert task["importStatus"] == "CANCELLED"
    assert logs.describe_import_task_batches(importId=created["importId"])["importBatches"] == []
    with pytest.raises(logs.exceptions.InvalidOperationException) as error:
        logs.cancel_import_task(importId=created["importId"])
    assert_aws_error(error, "InvalidOperationException",
                     f"Import task {created['importId']} cannot be cancelled: its status is "
                     "CANCELLED; only an IN_PROGRESS import can be cancelled.")


def test_three_active_imports_at_most(emu, trail):
    logs = emu.client()
    trail.release.clear()
    ids = [logs.create_import_task(importSourceArn=EDS, importRoleArn=ROLE)["importId"]
           for _ in range(3)]
    with pytest.raises(logs.exceptions.InvalidOperationException) as error:
        logs.create_import_task(importSourceArn=EDS, importRoleArn=ROLE)
    assert_aws_error(error, "InvalidOperationException",
                     "There can be no more than 3 active imports per account at a given time.")
    assert len(logs.describe_import_tasks(importStatus="IN_PROGRESS")["imports"]) == 3
    logs.cancel_import_task(importId=ids[0])
    logs.create_import_task(importSourceArn=EDS, importRoleArn=ROLE)
    trail.release.set()


def test_a_failed_query_fails_the_task(emu, trail):
    logs = emu.client()
    trail.answer_before = trail.answer
    trail.answer = lambda op, body: (
        (200, {"QueryStatus": "FAILED", "ErrorMessage": "Query timed out."})
        if op == "GetQueryResults" else trail.answer_before(op, body))
    created = logs.create_import_task(importSourceArn=EDS, importRoleArn=ROLE)
    task = wait_until_done(logs, created["importId"])
    assert task["importStatus"] == "FAILED"
    assert task["errorMessage"] == "The CloudTrail Lake query q1 ended FAILED: Query timed out."


def test_without_a_cloudtrail_endpoint_the_task_fails_saying_why():
    emu = Emulator("--region", REGION)
    try:
        logs = emu.client()
        created = logs.create_import_task(importSourceArn=EDS, importRoleArn=ROLE)
        task = wait_until_done(logs, created["importId"])
        assert task["importStatus"] == "FAILED"
        assert task["errorMessage"] == (
            "No CloudTrail endpoint is configured (--cloudtrail-endpoint or "
            "CWLOGS_CLOUDTRAIL_ENDPOINT), so the event data store cannot be read.")
        groups = logs.describe_log_groups(logGroupNamePrefix="/aws/cloudtrail/")["logGroups"]
        assert [g["logGroupName"] for g in groups] == [f"/aws/cloudtrail/{EDS_ID}"]
    finally:
        emu.stop()


def test_every_validation_error(emu, trail):
    logs = emu.client()
    raw = boto3.client("logs", endpoint_url=emu.url, region_name=REGION,
                       aws_access_key_id="test", aws_secret_access_key="test",
                       config=Config(parameter_validation=False,
                                     retries={"total_max_attempts": 1, "mode": "standard"}))
    cases = [
        (lambda: raw.create_import_task(importRoleArn=ROLE), "InvalidParameterException",
         "1 validation error detected: Value null at 'importSourceArn' failed to satisfy "
         "constraint: Member must not be null"),
        (lambda: raw.create_import_task(), "InvalidParameterException",
         "2 validation errors detected: Value null at 'importSourceArn' failed to satisfy "
         "constraint: Member must not be null; Value null at 'importRoleArn' failed to satisfy "
         "constraint: Member must not be null"),
        (lambda: raw.create_import_task(importSourceArn=EDS, importRoleArn=""),
         "InvalidParameterException",
         "1 validation error detected: Value '' at 'importRoleArn' failed to satisfy "
         "constraint: Member must have length greater than or equal to 1"),
        (lambda: raw.create_import_task(importSourceArn=EDS, importRoleArn=ROLE,
                                        importFilter={"startEventTime": -1}),
         "InvalidParameterException",
         "1 validation error detected: Value '-1' at 'importFilter.startEventTime' failed to "
         "satisfy constraint: Member must have value greater than or equal to 0"),
        (lambda: logs.create_import_task(importSourceArn="arn:aws:s3:::bucket",
                                         importRoleArn=ROLE),
         "InvalidParameterException",
         "Invalid importSourceArn arn:aws:s3:::bucket: only CloudTrail Lake event data store "
         "ARNs (arn:aws:cloudtrail:<region>:<account>:eventdatastore/<id>) can be imported."),
        (lambda: logs.create_import_task(importSourceArn=EDS, importRoleArn="role"),
         "InvalidParameterException", "Invalid importRoleArn role: it must be an IAM role ARN."),
        (lambda: logs.create_import_task(importSourceArn=EDS, importRoleArn=ROLE,
                                         importFilter={"startEventTime": 5, "endEventTime": 4}),
         "InvalidParameterException",
         "The startEventTime must be less than or equal to endEventTime."),
        (lambda: logs.create_import_task(importSourceArn=EDS + "0", importRoleArn=ROLE),
         "ResourceNotFoundException", f"The import source {EDS}0 does not exist."),
        (lambda: logs.create_import_task(importSourceArn=EDS, importRoleArn=ROLE,
                                         importFilter={"startEventTime": 0}),
         "InvalidParameterException",
         "The data being imported must be within the retention period of the import source "
         "(2557 days)."),
        (lambda: raw.describe_import_tasks(importId="a b"), "InvalidParameterException",
         "1 validation error detected: Value at 'importId' failed to satisfy constraint: "
         "Member must satisfy regular expression pattern: [\\-a-zA-Z0-9]+"),
        (lambda: raw.describe_import_tasks(importStatus="DONE", limit=51),
         "InvalidParameterException",
         "2 validation errors detected: Value 'DONE' at 'importStatus' failed to satisfy "
         "constraint: Member must satisfy enum value set: [IN_PROGRESS, CANCELLED, COMPLETED, "
         "FAILED]; Value '51' at 'limit' failed to satisfy constraint: Member must have value "
         "less than or equal to 50"),
        (lambda: raw.describe_import_tasks(limit=0), "InvalidParameterException",
         "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: "
         "Member must have value greater than or equal to 1"),
        (lambda: raw.describe_import_tasks(nextToken=""), "InvalidParameterException",
         "1 validation error detected: Value '' at 'nextToken' failed to satisfy constraint: "
         "Member must have length greater than or equal to 1"),
        (lambda: raw.describe_import_task_batches(), "InvalidParameterException",
         "1 validation error detected: Value null at 'importId' failed to satisfy constraint: "
         "Member must not be null"),
        (lambda: raw.describe_import_task_batches(importId="x", batchImportStatus=["DONE"]),
         "InvalidParameterException",
         "1 validation error detected: Value '[DONE]' at 'batchImportStatus' failed to satisfy "
         "constraint: Member must satisfy constraint: [Member must satisfy enum value set: "
         "[IN_PROGRESS, CANCELLED, COMPLETED, FAILED]]"),
        (lambda: logs.describe_import_task_batches(importId="missing"),
         "ResourceNotFoundException", "Import task missing does not exist."),
        (lambda: raw.cancel_import_task(), "InvalidParameterException",
         "1 validation error detected: Value null at 'importId' failed to satisfy constraint: "
         "Member must not be null"),
        (lambda: raw.cancel_import_task(importId="x" * 257), "InvalidParameterException",
         f"1 validation error detected: Value '{'x' * 257}' at 'importId' failed to satisfy "
         "constraint: Member must have length less than or equal to 256"),
        (lambda: logs.cancel_import_task(importId="missing"), "ResourceNotFoundException",
         "Import task missing does not exist."),
    ]
    for call, code, message in cases:
        with pytest.raises(logs.exceptions.ClientError) as error:
            call()
        assert_aws_error(error, code, message)
    assert logs.describe_import_tasks()["imports"] == []
    assert logs.describe_import_tasks(importId="missing")["imports"] == []
    # A store that is not yet active.
    trail.stores[EDS] = {"Status": "PENDING_DELETION"}
    with pytest.raises(logs.exceptions.InvalidOperationException) as error:
        logs.create_import_task(importSourceArn=EDS, importRoleArn=ROLE)
    assert_aws_error(error, "InvalidOperationException",
                     f"The import source {EDS} must be in an ACTIVE state; it is "
                     "PENDING_DELETION.")


def test_an_import_survives_a_restart_on_its_data_dir(trail, history, tmp_path):
    args = ("--region", REGION, "--cloudtrail-endpoint", trail.url, "--data-dir", str(tmp_path))
    emu = Emulator(*args)
    try:
        logs = emu.client()
        import_id = logs.create_import_task(importSourceArn=EDS, importRoleArn=ROLE)["importId"]
        before = wait_until_done(logs, import_id)
        batches = logs.describe_import_task_batches(importId=import_id)["importBatches"]
    finally:
        emu.stop()
    emu = Emulator(*args)
    try:
        logs = emu.client()
        [after] = logs.describe_import_tasks()["imports"]
        assert after["importId"] == import_id
        assert after["importStatus"] == before["importStatus"] == "COMPLETED"
        assert after["creationTime"] == before["creationTime"]
        assert after["importStatistics"] == before["importStatistics"]
        assert logs.describe_import_task_batches(importId=import_id)["importBatches"] == batches
        events = logs.get_log_events(logGroupName=f"/aws/cloudtrail/{EDS_ID}",
                                     logStreamName=f"000000000000_CloudTrail_{REGION}",
                                     startFromHead=True)["events"]
        assert [e["timestamp"] for e in events] == history
        # The journal held the imported events: CloudTrail was not read again.
        assert sum(c["op"] == "StartQuery" for c in trail.calls) == 1
    finally:
        emu.stop()
    # Without CloudTrail at all, the restored import is still there, events included.
    emu = Emulator("--region", REGION, "--data-dir", str(tmp_path))
    try:
        logs = emu.client()
        [after] = logs.describe_import_tasks()["imports"]
        assert after["importStatus"] == "COMPLETED"
        events = logs.get_log_events(logGroupName=f"/aws/cloudtrail/{EDS_ID}",
                                     logStreamName=f"000000000000_CloudTrail_{REGION}",
                                     startFromHead=True)["events"]
        assert [e["timestamp"] for e in events] == history
    finally:
        emu.stop()


def test_an_import_in_progress_at_a_restart_fails(trail, history, tmp_path):
    args = ("--region", REGION, "--cloudtrail-endpoint", trail.url, "--data-dir", str(tmp_path))
    trail.release.clear()  # the Lake query stays RUNNING
    emu = Emulator(*args)
    try:
        logs = emu.client()
        import_id = logs.create_import_task(importSourceArn=EDS, importRoleArn=ROLE)["importId"]
        [task] = logs.describe_import_tasks()["imports"]
        assert task["importStatus"] == "IN_PROGRESS"
    finally:
        emu.stop()
    trail.release.set()
    emu = Emulator(*args)
    try:
        logs = emu.client()
        [task] = logs.describe_import_tasks()["imports"]
        assert task["importId"] == import_id
        assert task["importStatus"] == "FAILED"
        assert task["errorMessage"] == (
            "The emulator restarted while the import ran; the import stopped after the "
            "batches shown. Create a new import task to import the rest.")
        # Failing it freed its place among the 3 active imports, and a new one runs.
        again = logs.create_import_task(importSourceArn=EDS, importRoleArn=ROLE)["importId"]
        assert wait_until_done(logs, again)["importStatus"] == "COMPLETED"
    finally:
        emu.stop()


def test_an_oversized_event_fails_its_batch_and_the_task(emu, trail, history):
    logs = emu.client()
    huge = row(history[1], "Huge")
    huge.append({"requestParameters": "x" * 1_100_000})
    trail.rows = [row(history[0], "Small"), huge, row(history[3], "Later")]
    created = logs.create_import_task(importSourceArn=EDS, importRoleArn=ROLE)
    task = wait_until_done(logs, created["importId"])
    assert task["importStatus"] == "FAILED"
    assert task["errorMessage"] == "1 of 2 batches failed to import."
    batches = logs.describe_import_task_batches(importId=created["importId"])["importBatches"]
    assert [(b["status"], b.get("errorMessage")) for b in batches] == [
        ("FAILED", "1 events were larger than the 1048576-byte event limit and were not "
                   "imported."),
        ("COMPLETED", None)]
    failed = logs.describe_import_task_batches(importId=created["importId"],
                                               batchImportStatus=["FAILED"])["importBatches"]
    assert failed == batches[:1]
    events = logs.get_log_events(logGroupName=f"/aws/cloudtrail/{EDS_ID}",
                                 logStreamName=f"000000000000_CloudTrail_{REGION}",
                                 startFromHead=True)["events"]
    assert [json.loads(e["message"])["eventName"] for e in events] == ["Small", "Later"]
    assert task["importStatistics"]["bytesImported"] == sum(len(e["message"]) for e in events)
