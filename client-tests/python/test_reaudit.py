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
