"""Terraform's aws_cloudwatch_log_anomaly_detector against the emulator: apply, read back without
drift, update and destroy; boto3 sees what the provider did. Skipped, saying why, only where
Terraform or the provider mirror is absent."""
from __future__ import annotations

from terraform_support import REQUIRES_TERRAFORM

pytestmark = REQUIRES_TERRAFORM


def config(group: str, frequency: str, enabled: bool, visibility: int) -> str:
    return f"""
resource "aws_cloudwatch_log_group" "app" {{
  name = "{group}"
}}

resource "aws_cloudwatch_log_anomaly_detector" "app" {{
  detector_name           = "app-detector"
  log_group_arn_list      = [aws_cloudwatch_log_group.app.arn]
  evaluation_frequency    = "{frequency}"
  filter_pattern          = "ERROR"
  anomaly_visibility_time = {visibility}
  enabled                 = {str(enabled).lower()}
  tags = {{
    team = "logs"
  }}
}}
"""


def test_anomaly_detector_applies_plans_updates_and_destroys(terraform, logs, names):
    group = names.group("tf-anomaly")
    terraform.write(config(group, "FIVE_MIN", True, 14))
    terraform.apply()
    terraform.assert_no_drift()
    arn = terraform.state()["aws_cloudwatch_log_anomaly_detector.app"]["arn"]
    got = logs.get_log_anomaly_detector(anomalyDetectorArn=arn)
    assert (got["detectorName"], got["evaluationFrequency"], got["filterPattern"],
            got["anomalyVisibilityTime"], got["anomalyDetectorStatus"]) == (
        "app-detector", "FIVE_MIN", "ERROR", 14, "TRAINING")
    assert got["logGroupArnList"][0].endswith(f":log-group:{group}")
    assert logs.list_tags_for_resource(resourceArn=arn)["tags"] == {"team": "logs"}

    terraform.write(config(group, "TEN_MIN", False, 30))
    terraform.apply()
    terraform.assert_no_drift()
    got = logs.get_log_anomaly_detector(anomalyDetectorArn=arn)
    assert (got["evaluationFrequency"], got["anomalyVisibilityTime"],
            got["anomalyDetectorStatus"]) == ("TEN_MIN", 30, "PAUSED")

    terraform.destroy()
    assert logs.list_log_anomaly_detectors()["anomalyDetectors"] == [] or all(
        d["anomalyDetectorArn"] != arn for d in logs.list_log_anomaly_detectors()["anomalyDetectors"])
