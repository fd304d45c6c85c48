"""boto3 on subscription filters and destinations: shapes, paging, limits, and each error's exact
code and message. Where a message was recorded on AWS (LocalStack's aws-validated snapshots),
the test says so."""
from __future__ import annotations

import json

import pytest

from support import EMAIL_MASKING_POLICY, REGION, assert_aws_error

ACCOUNT = "000000000000"
KINESIS = f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/logs-in"
FIREHOSE = f"arn:aws:firehose:{REGION}:{ACCOUNT}:deliverystream/logs-in"
LAMBDA = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:handler"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/cwl-to-kinesis"


def test_put_describe_update_delete_subscription_filters(logs, group):
    logs.put_subscription_filter(logGroupName=group, filterName="to-lambda",
                                 filterPattern="", destinationArn=LAMBDA)
    logs.put_subscription_filter(logGroupName=group, filterName="errors",
                                 filterPattern="ERROR", destinationArn=KINESIS, roleArn=ROLE,
                                 distribution="Random")
    filters = logs.describe_subscription_filters(logGroupName=group)["subscriptionFilters"]
    for f in filters:
        assert isinstance(f.pop("creationTime"), int)
    # Sorted by name; distribution defaults to ByLogStream and applyOnTransformedLogs to false
    # (as the recorded AWS answer shows); no roleArn for a Lambda filter.
    assert filters == [
        {"filterName": "errors", "logGroupName": group, "filterPattern": "ERROR",
         "destinationArn": KINESIS, "roleArn": ROLE, "distribution": "Random",
         "applyOnTransformedLogs": False},
        {"filterName": "to-lambda", "logGroupName": group, "filterPattern": "",
         "destinationArn": LAMBDA, "distribution": "ByLogStream",
         "applyOnTransformedLogs": False},
    ]
    # Re-putting a name updates it and does not count against the limit of 2.
    logs.put_subscription_filter(logGroupName=group, filterName="to-lambda",
                                 filterPattern="[]", destinationArn=LAMBDA)
    page = logs.describe_subscription_filters(logGroupName=group, filterNamePrefix="to-")
    assert [f["filterPattern"] for f in page["subscriptionFilters"]] == ["[]"]
    with pytest.raises(logs.exceptions.LimitExceededException) as third:
        logs.put_subscription_filter(logGroupName=group, filterName="third",
                                     filterPattern="", destinationArn=LAMBDA)
    assert_aws_error(third, "LimitExceededException", "Resource limit exceeded.")  # recorded
    first = logs.describe_subscription_filters(logGroupName=group, limit=1)
    assert [f["filterName"] for f in first["subscriptionFilters"]] == ["errors"]
    second = logs.describe_subscription_filters(logGroupName=group, limit=1,
                                                nextToken=first["nextToken"])
    assert [f["filterName"] for f in second["subscriptionFilters"]] == ["to-lambda"]
    assert "nextToken" not in second
    logs.delete_subscription_filter(logGroupName=group, filterName="errors")
    with pytest.raises(logs.exceptions.ResourceNotFoundException) as gone:
        logs.delete_subscription_filter(logGroupName=group, filterName="errors")
    assert_aws_error(gone, "ResourceNotFoundException",
                     "The specified subscription filter does not exist.")  # recorded
    assert [f["filterName"] for f in
            logs.describe_subscription_filters(logGroupName=group)["subscriptionFilters"]] == [
        "to-lambda"]


def test_deleting_a_group_deletes_its_subscription_filters(logs, group):
    logs.put_subscription_filter(logGroupName=group, filterName="f", filterPattern="",
                                 destinationArn=LAMBDA)
    logs.delete_log_group(logGroupName=group)
    logs.create_log_group(logGroupName=group)
    assert logs.describe_subscription_filters(logGroupName=group)["subscriptionFilters"] == []


def test_subscription_filter_errors(logs, group):
    missing = group + "-missing"
    for call in (
        lambda: logs.describe_subscription_filters(logGroupName=missing),
        lambda: logs.delete_subscription_filter(logGroupName=missing, filterName="f"),
        lambda: logs.put_subscription_filter(logGroupName=missing, filterName="f",
                                             filterPattern="", destinationArn=LAMBDA),
    ):
        with pytest.raises(logs.exceptions.ResourceNotFoundException) as nf:
            call()
        assert_aws_error(nf, "ResourceNotFoundException",
                         "The specified log group does not exist.")  # recorded
    for vendor, arn in (("kinesis", KINESIS), ("firehose", FIREHOSE)):
        with pytest.raises(logs.exceptions.InvalidParameterException) as no_role:
            # AWS checks the destination before the group (recorded): a missing group still
            # gets the role error.
            logs.put_subscription_filter(logGroupName=missing, filterName="f",
                                         filterPattern="", destinationArn=arn)
        assert_aws_error(no_role, "InvalidParameterException",
                         f"destinationArn for vendor {vendor} cannot be used without roleArn")
    with pytest.raises(ClientErrorType(logs)) as cross:
        logs.put_subscription_filter(
            logGroupName=missing, filterName="f", filterPattern="",
            destinationArn="arn:aws:lambda:us-east-1:123456789012:function:test")
    assert_aws_error(cross, "AccessDeniedException",
                     "Cross-account lambda invocation passing is not allowed. You must use "
                     "DestinationPolicies to create cross account lambda triggers.")  # recorded
    with pytest.raises(logs.exceptions.InvalidParameterException) as bad_arn:
        logs.put_subscription_filter(logGroupName=group, filterName="f", filterPattern="",
                                     destinationArn="arn:aws:sqs:us-east-1:1:queue")
    assert_aws_error(bad_arn, "InvalidParameterException",
                     "Invalid destinationArn arn:aws:sqs:us-east-1:1:queue: expected the ARN of "
                     "a Kinesis stream, a Firehose delivery stream, a Lambda function or a "
                     "CloudWatch Logs destination.")
    with pytest.raises(logs.exceptions.InvalidParameterException) as bad_pattern:
        logs.put_subscription_filter(logGroupName=group, filterName="f", filterPattern="{ $.a = ",
                                     destinationArn=LAMBDA)
    assert_aws_error(bad_pattern, "InvalidParameterException",
                     "If a filter pattern starts with '{' it must end with '}'")
    with pytest.raises(logs.exceptions.InvalidParameterException) as model:
        logs.put_subscription_filter(logGroupName=group, filterName="a:b", filterPattern="",
                                     destinationArn=LAMBDA, distribution="Spread")
    assert_aws_error(
        model, "InvalidParameterException",
        "2 validation errors detected: Value at 'filterName' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [^:*]*; Value 'Spread' at "
        "'distribution' failed to satisfy constraint: Member must satisfy enum value set: "
        "[Random, ByLogStream]")
    with pytest.raises(logs.exceptions.InvalidParameterException) as limit:
        logs.describe_subscription_filters(logGroupName=group, limit=51)
    assert_aws_error(
        limit, "InvalidParameterException",
        "1 validation error detected: Value '51' at 'limit' failed to satisfy constraint: "
        "Member must have value less than or equal to 50")


def ClientErrorType(logs):
    """AccessDeniedException is not in the logs model's error shapes: boto3 raises it as a plain
    ClientError."""
    return logs.exceptions.ClientError


def test_destinations_put_policy_describe_delete_and_tags(logs, names):
    name = names.stream("dest")
    out = logs.put_destination(destinationName=name, targetArn=KINESIS, roleArn=ROLE,
                               tags={"team": "logs"})["destination"]
    arn = f"arn:aws:logs:{REGION}:{ACCOUNT}:destination:{name}"
    created = out.pop("creationTime")
    assert out == {"destinationName": name, "targetArn": KINESIS, "roleArn": ROLE, "arn": arn}
    policy = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "111111111111"},
         "Action": "logs:PutSubscriptionFilter", "Resource": arn}]})
    logs.put_destination_policy(destinationName=name, accessPolicy=policy, forceUpdate=True)
    # Putting it again changes target and role, keeps creation time, policy and tags.
    again = logs.put_destination(destinationName=name, targetArn=FIREHOSE, roleArn=ROLE)
    assert again["destination"]["creationTime"] == created
    [described] = logs.describe_destinations(DestinationNamePrefix=name)["destinations"]
    assert described == {"destinationName": name, "targetArn": FIREHOSE, "roleArn": ROLE,
                         "accessPolicy": policy, "arn": arn, "creationTime": created}
    assert logs.list_tags_for_resource(resourceArn=arn)["tags"] == {"team": "logs"}
    logs.tag_resource(resourceArn=arn, tags={"env": "test"})
    logs.untag_resource(resourceArn=arn, tagKeys=["team"])
    assert logs.list_tags_for_resource(resourceArn=arn)["tags"] == {"env": "test"}
    logs.put_destination(destinationName=name + "-2", targetArn=KINESIS, roleArn=ROLE)
    pages = list(logs.get_paginator("describe_destinations").paginate(
        DestinationNamePrefix=name, PaginationConfig={"PageSize": 1}))
    assert [[d["destinationName"] for d in p["destinations"]] for p in pages] == [
        [name], [name + "-2"]]
    logs.delete_destination(destinationName=name)
    logs.delete_destination(destinationName=name + "-2")
    assert logs.describe_destinations(DestinationNamePrefix=name)["destinations"] == []
    for call in (
        lambda: logs.delete_destination(destinationName=name),
        lambda: logs.put_destination_policy(destinationName=name, accessPolicy=policy),
        lambda: logs.list_tags_for_resource(resourceArn=arn),
    ):
        with pytest.raises(logs.exceptions.ResourceNotFoundException) as nf:
            call()
        assert_aws_error(nf, "ResourceNotFoundException",
                         "The specified destination does not exist.")


def test_destination_errors(logs, names):
    name = names.stream("dest")
    with pytest.raises(logs.exceptions.InvalidParameterException) as model:
        logs.put_destination(destinationName="a*b", targetArn=KINESIS, roleArn=ROLE)
    assert_aws_error(
        model, "InvalidParameterException",
        "1 validation error detected: Value at 'destinationName' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: [^:*]*")
    with pytest.raises(logs.exceptions.InvalidParameterException) as target:
        logs.put_destination(destinationName=name, targetArn=LAMBDA, roleArn=ROLE)
    assert_aws_error(target, "InvalidParameterException",
                     f"Invalid targetArn {LAMBDA}: expected the ARN of a Kinesis stream or a "
                     "Firehose delivery stream.")
    logs.put_destination(destinationName=name, targetArn=KINESIS, roleArn=ROLE)
    with pytest.raises(logs.exceptions.InvalidParameterException) as not_json:
        logs.put_destination_policy(destinationName=name, accessPolicy="allow all")
    assert_aws_error(not_json, "InvalidParameterException",
                     "The access policy is not a valid JSON policy document.")
    big = json.dumps({"Statement": [], "Pad": "x" * 5200})
    with pytest.raises(logs.exceptions.InvalidParameterException) as too_big:
        logs.put_destination_policy(destinationName=name, accessPolicy=big)
    assert_aws_error(too_big, "InvalidParameterException",
                     f"The access policy is {len(big)} bytes; it can be up to 5120 bytes.")
    with pytest.raises(logs.exceptions.InvalidParameterException) as prefix:
        logs.describe_destinations(DestinationNamePrefix="a:b")
    assert_aws_error(
        prefix, "InvalidParameterException",
        "1 validation error detected: Value at 'DestinationNamePrefix' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: [^:*]*")
    logs.delete_destination(destinationName=name)


def http(method: str, url: str) -> dict:
    import urllib.request
    with urllib.request.urlopen(urllib.request.Request(url, method=method), timeout=10) as answer:
        return json.loads(answer.read())


def test_deliveries_endpoint_filters_drains_clears_bounds_and_resets(start_emulator, names):
    import base64
    import gzip
    import urllib.parse
    emu = start_emulator("--outbox-size", "4", "--sequence-tokens", "ignore")
    logs = emu.client()
    group = names.group()
    logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName="s")
    logs.put_subscription_filter(logGroupName=group, filterName="k", filterPattern="ERROR",
                                 destinationArn=KINESIS, roleArn=ROLE)
    logs.put_subscription_filter(logGroupName=group, filterName="l", filterPattern="",
                                 destinationArn=LAMBDA)
    from support import now_ms
    logs.put_log_events(logGroupName=group, logStreamName="s", logEvents=[
        {"timestamp": now_ms(), "message": "ERROR one"}])
    url = emu.url + "/_cwlogs/deliveries"
    listed = http("GET", url)
    # The Kinesis control message, then one delivery per filter.
    assert [(d["filterName"], d["payload"]["messageType"], d["status"])
            for d in listed["deliveries"]] == [
        ("k", "CONTROL_MESSAGE", "recorded"), ("k", "DATA_MESSAGE", "recorded"),
        ("l", "DATA_MESSAGE", "recorded")]
    assert listed["dropped"] == 0
    data = listed["deliveries"][2]
    assert json.loads(gzip.decompress(base64.b64decode(data["data"]))) == data["payload"]
    assert data["payload"]["logEvents"][0]["message"] == "ERROR one"
    only = http("GET", f"{url}?destination={urllib.parse.quote(LAMBDA, safe='')}&drain=true")
    assert [d["destinationArn"] for d in only["deliveries"]] == [LAMBDA]
    assert [d["destinationArn"] for d in http("GET", url)["deliveries"]] == [KINESIS, KINESIS]
    # Bounded: 4 entries; the oldest go first and are counted.
    for i in range(3):
        logs.put_log_events(logGroupName=group, logStreamName="s", logEvents=[
            {"timestamp": now_ms(), "message": f"INFO {i}"}])
    after = http("GET", url)
    assert len(after["deliveries"]) == 4 and after["dropped"] == 1
    assert after["deliveries"][0]["payload"]["messageType"] == "DATA_MESSAGE"
    assert http("DELETE", url) == {"cleared": True}
    assert http("GET", url) == {"deliveries": [], "dropped": 0}
    logs.put_log_events(logGroupName=group, logStreamName="s", logEvents=[
        {"timestamp": now_ms(), "message": "INFO again"}])
    assert len(http("GET", url)["deliveries"]) == 1
    http("POST", emu.url + "/_cwlogs/reset")
    assert http("GET", url)["deliveries"] == []


def test_metrics_endpoint_shows_what_metric_filters_counted(start_emulator, names):
    from support import now_ms
    emu = start_emulator("--sequence-tokens", "ignore")
    logs = emu.client()
    group = names.group()
    logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName="s")
    logs.put_metric_filter(logGroupName=group, filterName="latency",
                           filterPattern="{ $.latency > 0 }", metricTransformations=[
                               {"metricName": "Latency", "metricNamespace": "Api",
                                "metricValue": "$.latency", "unit": "Milliseconds"}])
    minute = now_ms() // 60_000 * 60_000 - 60_000
    logs.put_log_events(logGroupName=group, logStreamName="s", logEvents=[
        {"timestamp": minute + 1, "message": '{"latency": 30}'},
        {"timestamp": minute + 2, "message": '{"latency": 12.5}'},
        {"timestamp": minute + 3, "message": "not json"}])
    assert http("GET", emu.url + "/_cwlogs/metrics") == {"metrics": [
        {"namespace": "Api", "metricName": "Latency", "dimensions": {},
         "unit": "Milliseconds", "timestamp": minute, "sampleCount": 2, "sum": 42.5,
         "minimum": 12.5, "maximum": 30.0}]}
    http("POST", emu.url + "/_cwlogs/reset")
    assert http("GET", emu.url + "/_cwlogs/metrics") == {"metrics": []}


def test_aws_cli_subscription_and_destination_commands(cli_env, logs, group, names):
    import subprocess

    def aws(*args, check=True):
        proc = subprocess.run(["aws", "logs", *args, "--output", "json"], env=cli_env,
                              capture_output=True, text=True, timeout=60)
        if check:
            assert proc.returncode == 0, proc.stderr
        return proc

    aws("put-subscription-filter", "--log-group-name", group, "--filter-name", "errors",
        "--filter-pattern", "ERROR", "--destination-arn", KINESIS, "--role-arn", ROLE,
        "--distribution", "Random")
    [f] = json.loads(aws("describe-subscription-filters", "--log-group-name",
                         group).stdout)["subscriptionFilters"]
    assert (f["filterName"], f["destinationArn"], f["distribution"]) == (
        "errors", KINESIS, "Random")
    no_role = aws("put-subscription-filter", "--log-group-name", group, "--filter-name", "f",
                  "--filter-pattern", "", "--destination-arn", FIREHOSE, check=False)
    assert_aws_error(no_role, "InvalidParameterException",
                     "destinationArn for vendor firehose cannot be used without roleArn",
                     "PutSubscriptionFilter")
    aws("delete-subscription-filter", "--log-group-name", group, "--filter-name", "errors")
    assert logs.describe_subscription_filters(logGroupName=group)["subscriptionFilters"] == []

    name = names.stream("cli-dest")
    created = json.loads(aws("put-destination", "--destination-name", name, "--target-arn",
                             KINESIS, "--role-arn", ROLE).stdout)["destination"]
    assert created["arn"] == f"arn:aws:logs:{REGION}:{ACCOUNT}:destination:{name}"
    aws("put-destination-policy", "--destination-name", name, "--access-policy",
        json.dumps({"Version": "2012-10-17", "Statement": []}))
    [d] = json.loads(aws("describe-destinations", "--destination-name-prefix",
                         name).stdout)["destinations"]
    assert json.loads(d["accessPolicy"]) == {"Version": "2012-10-17", "Statement": []}
    aws("delete-destination", "--destination-name", name)
    missing = aws("delete-destination", "--destination-name", name, check=False)
    assert_aws_error(missing, "ResourceNotFoundException",
                     "The specified destination does not exist.", "DeleteDestination")


def test_field_selection_criteria_select_and_emit_system_fields_annotate(start_emulator,
                                                                          names):
    from support import now_ms
    emu = start_emulator("--sequence-tokens", "ignore", "--region", REGION)
    logs = emu.client()
    group = names.group()
    logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName="s")
    # Selected: the group's region is REGION; annotated with two system fields.
    logs.put_subscription_filter(
        logGroupName=group, filterName="here", filterPattern="", destinationArn=LAMBDA,
        fieldSelectionCriteria=f'@aws.region = "{REGION}" AND @aws.account IN ["{ACCOUNT}"]',
        emitSystemFields=["@aws.account", "@source.log"])
    # Not selected: another region only.
    logs.put_subscription_filter(
        logGroupName=group, filterName="elsewhere", filterPattern="",
        destinationArn=LAMBDA.replace("handler", "other"),
        fieldSelectionCriteria='@aws.region NOT IN ["' + REGION + '"]')
    [here, elsewhere] = sorted(
        logs.describe_subscription_filters(logGroupName=group)["subscriptionFilters"],
        key=lambda f: f["filterName"] != "here")
    assert here["emitSystemFields"] == ["@aws.account", "@source.log"]
    assert elsewhere["fieldSelectionCriteria"] == '@aws.region NOT IN ["' + REGION + '"]'
    t = now_ms()
    logs.put_log_events(logGroupName=group, logStreamName="s",
                        logEvents=[{"timestamp": t, "message": "hello"}])
    listed = http("GET", emu.url + "/_cwlogs/deliveries")["deliveries"]
    assert [d["filterName"] for d in listed] == ["here"]
    [event] = listed[0]["payload"]["logEvents"]
    assert {k: v for k, v in event.items() if k != "id"} == {
        "timestamp": t, "message": "hello", "@aws.account": ACCOUNT,
        "@source.log": f"{ACCOUNT}:{group}"}

    for criteria in ['@aws.region = us-east-1', 'region = "x"', '@aws.region IN "x"']:
        with pytest.raises(logs.exceptions.InvalidParameterException):
            logs.put_subscription_filter(logGroupName=group, filterName="bad",
                                         filterPattern="", destinationArn=LAMBDA,
                                         fieldSelectionCriteria=criteria)
    with pytest.raises(logs.exceptions.InvalidParameterException) as err:
        logs.put_subscription_filter(logGroupName=group, filterName="bad", filterPattern="",
                                     destinationArn=LAMBDA, emitSystemFields=["@aws.zone"])
    assert_aws_error(err, "InvalidParameterException",
                     "Invalid emitSystemFields value @aws.zone: valid values are "
                     "@aws.account, @aws.region, @source.log.")


def test_deliveries_carry_what_data_protection_masks(start_emulator, names):
    # Issue 16: masking applies to every egress, subscription deliveries included; an event
    # ingested before the policy was not masked at ingestion and is delivered as sent.
    from support import now_ms
    emu = start_emulator("--sequence-tokens", "ignore")
    logs = emu.client()
    group = names.group()
    logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName="s")
    logs.put_subscription_filter(logGroupName=group, filterName="l", filterPattern="",
                                 destinationArn=LAMBDA)
    logs.put_log_events(logGroupName=group, logStreamName="s", logEvents=[
        {"timestamp": now_ms(), "message": "before jane.doe@example.com"}])
    logs.put_data_protection_policy(logGroupIdentifier=group, policyDocument=EMAIL_MASKING_POLICY)
    logs.put_log_events(logGroupName=group, logStreamName="s", logEvents=[
        {"timestamp": now_ms(), "message": "after jane.doe@example.com"}])
    delivered = [e["message"]
                 for d in http("GET", emu.url + "/_cwlogs/deliveries")["deliveries"]
                 for e in d["payload"]["logEvents"]]
    assert delivered == ["before jane.doe@example.com", "after ****"]
