"""The re-audit of the original operations against AWS's recorded answers (LocalStack's
AWS-validated snapshots, tests/aws/services/logs/*.snapshot.json)."""
from __future__ import annotations

import pytest

from support import assert_aws_error


def test_metric_filter_members_and_messages_as_aws_recorded(logs, group):
    # test_logs_metric_filters.snapshot.json: test_put_metric_filter_basic / _by_prefix.
    logs.put_metric_filter(logGroupName=group, filterName="with-default", filterPattern=" ",
                           metricTransformations=[{"metricName": "m", "metricNamespace": "n",
                                                   "metricValue": "1", "defaultValue": 0.0}])
    logs.put_metric_filter(logGroupName=group, filterName="without", filterPattern="x",
                           metricTransformations=[{"metricName": "m", "metricNamespace": "n",
                                                   "metricValue": "1"}])
    filters = logs.describe_metric_filters(logGroupName=group)["metricFilters"]
    assert [set(f) for f in filters] == [{
        "filterName", "filterPattern", "logGroupName", "metricTransformations", "creationTime",
        "applyOnTransformedLogs"}] * 2
    assert filters[0]["applyOnTransformedLogs"] is False
    assert filters[0]["metricTransformations"] == [
        {"metricName": "m", "metricNamespace": "n", "metricValue": "1", "defaultValue": 0.0}]
    assert filters[1]["metricTransformations"] == [
        {"metricName": "m", "metricNamespace": "n", "metricValue": "1"}]

    # test_put_metric_filter_too_many_transformations: the list is echoed in Java's form.
    with pytest.raises(logs.exceptions.InvalidParameterException) as err:
        logs.put_metric_filter(logGroupName=group, filterName="f", filterPattern="x",
                               metricTransformations=[
                                   {"metricName": "metric1", "metricNamespace": "namespace1",
                                    "metricValue": "1"},
                                   {"metricName": "metric2", "metricNamespace": "namespace2",
                                    "metricValue": "1"}])
    assert_aws_error(
        err, "InvalidParameterException",
        "1 validation error detected: Value '[MetricTransformation(metricName=metric1, "
        "metricNamespace=namespace1, metricValue=1, defaultValue=null, unit=null, "
        "dimensions=null), MetricTransformation(metricName=metric2, metricNamespace=namespace2, "
        "metricValue=1, defaultValue=null, unit=null, dimensions=null)]' at "
        "'metricTransformations' failed to satisfy constraint: Member must have length less "
        "than or equal to 1")
    # test_delete_metric_filter_invalid_log_group_name.
    with pytest.raises(logs.exceptions.InvalidParameterException) as err:
        logs.delete_metric_filter(logGroupName="X" * 513, filterName="f")
    assert_aws_error(err, "InvalidParameterException",
                     "Invalid LogGroup or LogStream, both must have length less than or "
                     "equal to 512.")
    # test_describe_metric_filters_invalid_parameters.
    with pytest.raises(logs.exceptions.InvalidParameterException) as err:
        logs.describe_metric_filters(metricName="X" * 256)
    assert_aws_error(err, "InvalidParameterException",
                     f"1 validation error detected: Value '{'X' * 256}' at 'metricName' failed "
                     "to satisfy constraint: Member must have length less than or equal to 255")


# test_logs_groups.snapshot.json (recorded 2026-02): the members of each DescribeLogGroups form.
def test_describe_log_groups_members_as_aws_recorded(logs, names):
    group = names.group()
    logs.create_log_group(logGroupName=group)
    [described] = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]
    # test_describe_log_groups_with_prefix. The recording cannot speak for
    # bearerTokenAuthenticationEnabled: botocore drops members its model lacks, and the
    # recording's botocore (LocalStack's logs API of 2025-12) did not have that one yet.
    assert set(described) - {"bearerTokenAuthenticationEnabled"} == {
        "arn", "creationTime", "deletionProtectionEnabled", "logGroupArn", "logGroupClass",
        "logGroupName", "metricFilterCount", "storedBytes"}
    assert described["deletionProtectionEnabled"] is False
    assert described["storedBytes"] == 0 and described["metricFilterCount"] == 0
    # test_describe_log_groups_with_pattern: fewer members.
    [brief] = logs.describe_log_groups(logGroupNamePattern=names.prefix)["logGroups"]
    assert set(brief) == {"arn", "creationTime", "logGroupArn", "logGroupClass", "logGroupName",
                          "metricFilterCount"}
    # test_list_log_groups_with_pattern: no match is an empty list.
    response = logs.list_log_groups(logGroupNamePattern="no-such-group")
    assert response["logGroups"] == [] and "nextToken" not in response
    # test_create_log_group_duplicate_error / _invalid_name_length / prefix_and_pattern_error.
    with pytest.raises(logs.exceptions.ResourceAlreadyExistsException) as err:
        logs.create_log_group(logGroupName=group)
    assert_aws_error(err, "ResourceAlreadyExistsException",
                     "The specified log group already exists")
    with pytest.raises(logs.exceptions.InvalidParameterException) as err:
        logs.create_log_group(logGroupName="X" * 513)
    assert_aws_error(err, "InvalidParameterException",
                     "Invalid LogGroup or LogStream, both must have length less than or equal "
                     "to 512.")
    with pytest.raises(logs.exceptions.InvalidParameterException) as err:
        logs.describe_log_groups(logGroupNamePattern=group, logGroupNamePrefix=group)
    assert_aws_error(err, "InvalidParameterException",
                     "LogGroup name prefix and LogGroup name pattern are mutually exclusive "
                     "parameters.")


# test_logs_streams.snapshot.json, and moto's aws_verified test_arn_formats_log_group_and_stream
# and test_get_log_events_using_arn.
def test_streams_and_identifiers_as_aws_recorded(logs, group):
    logs.create_log_stream(logGroupName=group, logStreamName="s")
    [stream] = logs.describe_log_streams(logGroupName=group)["logStreams"]
    assert set(stream) == {"arn", "creationTime", "logStreamName", "storedBytes"}
    [described] = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]
    assert stream["arn"] == described["logGroupArn"] + ":log-stream:s"
    assert logs.describe_log_streams(
        logGroupIdentifier=described["logGroupArn"])["logStreams"] == [stream]
    with pytest.raises(logs.exceptions.ResourceAlreadyExistsException) as err:
        logs.create_log_stream(logGroupName=group, logStreamName="s")
    assert_aws_error(err, "ResourceAlreadyExistsException",
                     "The specified log stream already exists")
    # The ARN ending in :* is no identifier.
    pattern_error = ("1 validation error detected: Value at 'logGroupIdentifier' failed to "
                     "satisfy constraint: Member must satisfy regular expression pattern: "
                     "[\\w#+=/:,.@-]*")
    with pytest.raises(logs.exceptions.InvalidParameterException) as err:
        logs.describe_log_streams(logGroupIdentifier=described["arn"])
    assert_aws_error(err, "InvalidParameterException", pattern_error)
    with pytest.raises(logs.exceptions.InvalidParameterException) as err:
        logs.get_log_events(logGroupIdentifier=described["arn"], logStreamName="s")
    assert_aws_error(err, "InvalidParameterException", pattern_error)


# test_logs_events.snapshot.json and test_logs_filter_events.snapshot.json.
def test_event_errors_as_aws_recorded(logs, stream):
    group, name = stream
    with pytest.raises(logs.exceptions.ResourceNotFoundException) as err:
        logs.get_log_events(logGroupName=group + "-none", logStreamName=name)
    assert_aws_error(err, "ResourceNotFoundException", "The specified log group does not exist.")
    with pytest.raises(logs.exceptions.ResourceNotFoundException) as err:
        logs.get_log_events(logGroupName=group, logStreamName=name + "-none")
    assert_aws_error(err, "ResourceNotFoundException", "The specified log stream does not exist.")
    limit_error = ("1 validation error detected: Value '10001' at 'limit' failed to satisfy "
                   "constraint: Member must have value less than or equal to 10000")
    with pytest.raises(logs.exceptions.InvalidParameterException) as err:
        logs.get_log_events(logGroupName=group, logStreamName=name, limit=10001)
    assert_aws_error(err, "InvalidParameterException", limit_error)
    with pytest.raises(logs.exceptions.InvalidParameterException) as err:
        logs.filter_log_events(logGroupName=group, limit=10001)
    assert_aws_error(err, "InvalidParameterException", limit_error)
    for call in (lambda: logs.get_log_events(logGroupName=group, logStreamName=name,
                                             nextToken="invalid-token"),
                 lambda: logs.filter_log_events(logGroupName=group, logStreamNames=[name],
                                                nextToken="invalid-token")):
        with pytest.raises(logs.exceptions.InvalidParameterException) as err:
            call()
        assert_aws_error(err, "InvalidParameterException", "The specified nextToken is invalid.")


# test_logs_subscription_filters.snapshot.json.
def test_subscription_filters_as_aws_recorded(logs, group):
    account = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"][0]["arn"].split(":")[4]
    function = f"arn:aws:lambda:{logs.meta.region_name}:{account}:function:f"
    assert logs.describe_subscription_filters(logGroupName=group)["subscriptionFilters"] == []
    logs.put_subscription_filter(logGroupName=group, filterName="test", filterPattern="",
                                 destinationArn=function)
    logs.put_subscription_filter(logGroupName=group, filterName="test", filterPattern="[]",
                                 destinationArn=function)
    [described] = logs.describe_subscription_filters(logGroupName=group)["subscriptionFilters"]
    assert set(described) == {"applyOnTransformedLogs", "creationTime", "destinationArn",
                              "distribution", "filterName", "filterPattern", "logGroupName"}
    assert (described["filterPattern"], described["distribution"],
            described["applyOnTransformedLogs"]) == ("[]", "ByLogStream", False)
    logs.put_subscription_filter(logGroupName=group, filterName="test-2", filterPattern="",
                                 destinationArn=function)
    with pytest.raises(logs.exceptions.LimitExceededException) as err:
        logs.put_subscription_filter(logGroupName=group, filterName="test-3", filterPattern="",
                                     destinationArn=function)
    assert_aws_error(err, "LimitExceededException", "Resource limit exceeded.")
    with pytest.raises(logs.exceptions.ResourceNotFoundException) as err:
        logs.delete_subscription_filter(logGroupName=group + "-none", filterName="test")
    assert_aws_error(err, "ResourceNotFoundException", "The specified log group does not exist.")
    with pytest.raises(logs.exceptions.ResourceNotFoundException) as err:
        logs.delete_subscription_filter(logGroupName=group, filterName="wrong-filter-name")
    assert_aws_error(err, "ResourceNotFoundException",
                     "The specified subscription filter does not exist.")
    # test_put_subscription_filter_errors: another account's function is refused before the
    # group is looked up.
    with pytest.raises(logs.exceptions.AccessDeniedException) as err:
        logs.put_subscription_filter(
            logGroupName=group + "-none", filterName="test", filterPattern="",
            destinationArn="arn:aws:lambda:us-east-1:123456789012:function:test")
    assert_aws_error(err, "AccessDeniedException",
                     "Cross-account lambda invocation passing is not allowed. You must use "
                     "DestinationPolicies to create cross account lambda triggers.")


# test_logs_groups.snapshot.json: test_tag_resource_api, the two tag APIs on one group.
def test_both_tag_apis_see_one_tag_set_as_aws_recorded(logs, names):
    group = names.group()
    logs.create_log_group(logGroupName=group, tags={"env": "testing1"})
    arn = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"][0]["logGroupArn"]
    logs.tag_resource(resourceArn=arn, tags={"test1": "val1", "test2": "val2"})
    expected = {"env": "testing1", "test1": "val1", "test2": "val2"}
    assert logs.list_tags_log_group(logGroupName=group)["tags"] == expected
    assert logs.list_tags_for_resource(resourceArn=arn)["tags"] == expected
    logs.tag_log_group(logGroupName=group, tags={"test3": "val3"})
    expected["test3"] = "val3"
    assert logs.list_tags_for_resource(resourceArn=arn)["tags"] == expected
    logs.untag_resource(resourceArn=arn, tagKeys=["env", "test1"])
    logs.untag_log_group(logGroupName=group, tags=["test3"])
    assert logs.list_tags_log_group(logGroupName=group)["tags"] == {"test2": "val2"}
    assert logs.list_tags_for_resource(resourceArn=arn)["tags"] == {"test2": "val2"}
