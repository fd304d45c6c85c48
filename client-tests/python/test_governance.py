"""Log-group governance through boto3: KMS keys, deletion protection, bearer-token
authentication, the log group classes and DescribeLogGroups' member sets; resource policies."""
from __future__ import annotations

import pytest

from support import REGION, Emulator, assert_aws_error

ACCOUNT = "123456789012"
KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
OTHER_KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/0987dcba-09fe-87dc-65ba-ab0987654321"


def describe(logs, name, **kwargs):
    groups = logs.describe_log_groups(logGroupNamePrefix=name, **kwargs)["logGroups"]
    assert [g["logGroupName"] for g in groups] == [name]
    return groups[0]


def test_describe_log_groups_returns_every_member_aws_returns(logs, names):
    name = names.group()
    logs.create_log_group(logGroupName=name)
    group = describe(logs, name)
    account = group["arn"].split(":")[4]
    assert set(group) == {
        "logGroupName", "creationTime", "metricFilterCount", "arn", "storedBytes",
        "logGroupClass", "logGroupArn", "deletionProtectionEnabled",
        "bearerTokenAuthenticationEnabled",
    }
    assert group["arn"] == f"arn:aws:logs:{REGION}:{account}:log-group:{name}:*"
    assert group["logGroupArn"] == f"arn:aws:logs:{REGION}:{account}:log-group:{name}"
    assert group["logGroupClass"] == "STANDARD"
    assert group["deletionProtectionEnabled"] is False
    assert group["bearerTokenAuthenticationEnabled"] is False

    # With logGroupNamePattern AWS returns fewer members (AWS-recorded, localstack snapshot).
    brief = logs.describe_log_groups(logGroupNamePattern=name.split("/")[-2])["logGroups"]
    assert [set(g) for g in brief] == [{
        "logGroupName", "creationTime", "metricFilterCount", "arn", "logGroupClass",
        "logGroupArn",
    }]


def test_kms_key_on_create_associate_and_disassociate(logs, names):
    name = names.group()
    logs.create_log_group(logGroupName=name, kmsKeyId=KEY)
    assert describe(logs, name)["kmsKeyId"] == KEY

    logs.associate_kms_key(logGroupName=name, kmsKeyId=OTHER_KEY)
    assert describe(logs, name)["kmsKeyId"] == OTHER_KEY
    logs.disassociate_kms_key(logGroupName=name)
    assert "kmsKeyId" not in describe(logs, name)

    # resourceIdentifier: a log group ARN ...
    arn = describe(logs, name)["logGroupArn"]
    logs.associate_kms_key(resourceIdentifier=arn, kmsKeyId=KEY)
    assert describe(logs, name)["kmsKeyId"] == KEY
    logs.disassociate_kms_key(resourceIdentifier=arn)
    assert "kmsKeyId" not in describe(logs, name)

    # ... or the account's query results.
    account = arn.split(":")[4]
    query_results = f"arn:aws:logs:{REGION}:{account}:query-result:*"
    logs.associate_kms_key(resourceIdentifier=query_results, kmsKeyId=KEY)
    logs.disassociate_kms_key(resourceIdentifier=query_results)


@pytest.mark.parametrize("key", [
    "1234abcd-12ab-34cd-56ef-1234567890ab",
    "alias/my-key",
    f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/my-key",
    f"arn:aws:s3:::bucket/key/abc",
])
def test_only_kms_key_arns_are_accepted(logs, names, key):
    name = names.group()
    with pytest.raises(logs.exceptions.InvalidParameterException) as error:
        logs.create_log_group(logGroupName=name, kmsKeyId=key)
    assert_aws_error(error, "InvalidParameterException",
                     f"The specified KMS Key Id could not be found. '{name}'")
    assert logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"] == []

    logs.create_log_group(logGroupName=name)
    with pytest.raises(logs.exceptions.InvalidParameterException) as error:
        logs.associate_kms_key(logGroupName=name, kmsKeyId=key)
    assert_aws_error(error, "InvalidParameterException",
                     f"The specified KMS Key Id could not be found. '{name}'")
    assert "kmsKeyId" not in describe(logs, name)


def test_kms_errors(logs, names):
    name = names.group()
    with pytest.raises(logs.exceptions.ResourceNotFoundException) as error:
        logs.associate_kms_key(logGroupName=name, kmsKeyId=KEY)
    assert_aws_error(error, "ResourceNotFoundException", "The specified log group does not exist.")
    with pytest.raises(logs.exceptions.ResourceNotFoundException) as error:
        logs.disassociate_kms_key(logGroupName=name)
    assert_aws_error(error, "ResourceNotFoundException", "The specified log group does not exist.")
    with pytest.raises(logs.exceptions.InvalidParameterException) as error:
        logs.associate_kms_key(logGroupName=name, resourceIdentifier="arn:aws:logs:x", kmsKeyId=KEY)
    assert_aws_error(error, "InvalidParameterException",
                     "LogGroup name and resource identifier are mutually exclusive parameters.")
    with pytest.raises(logs.exceptions.InvalidParameterException) as error:
        logs.disassociate_kms_key()
    assert_aws_error(error, "InvalidParameterException",
                     "Either logGroupName or resourceIdentifier must be provided.")
    with pytest.raises(logs.exceptions.InvalidParameterException) as error:
        logs.associate_kms_key(logGroupName=name, kmsKeyId="k" * 257)
    assert_aws_error(
        error, "InvalidParameterException",
        f"1 validation error detected: Value '{'k' * 257}' at 'kmsKeyId' failed to satisfy "
        "constraint: Member must have length less than or equal to 256")


def test_deletion_protection(logs, names):
    name = names.group()
    logs.create_log_group(logGroupName=name, deletionProtectionEnabled=True)
    assert describe(logs, name)["deletionProtectionEnabled"] is True
    with pytest.raises(logs.exceptions.ClientError) as error:
        logs.delete_log_group(logGroupName=name)
    assert_aws_error(error, "ValidationException",
                     "Cannot delete log group with deletion protection enabled. "
                     "Disable deletion protection first.")

    arn = describe(logs, name)["logGroupArn"]
    logs.put_log_group_deletion_protection(logGroupIdentifier=arn, deletionProtectionEnabled=False)
    assert describe(logs, name)["deletionProtectionEnabled"] is False
    logs.put_log_group_deletion_protection(logGroupIdentifier=name, deletionProtectionEnabled=True)
    assert describe(logs, name)["deletionProtectionEnabled"] is True
    logs.put_log_group_deletion_protection(logGroupIdentifier=name, deletionProtectionEnabled=False)
    logs.delete_log_group(logGroupName=name)

    with pytest.raises(logs.exceptions.ResourceNotFoundException) as error:
        logs.put_log_group_deletion_protection(logGroupIdentifier=name,
                                               deletionProtectionEnabled=True)
    assert_aws_error(error, "ResourceNotFoundException", "The specified log group does not exist.")


def test_bearer_token_authentication(logs, names):
    name = names.group()
    logs.create_log_group(logGroupName=name)
    logs.put_bearer_token_authentication(logGroupIdentifier=name,
                                         bearerTokenAuthenticationEnabled=True)
    assert describe(logs, name)["bearerTokenAuthenticationEnabled"] is True
    logs.put_bearer_token_authentication(logGroupIdentifier=name,
                                         bearerTokenAuthenticationEnabled=False)
    assert describe(logs, name)["bearerTokenAuthenticationEnabled"] is False
    with pytest.raises(logs.exceptions.ResourceNotFoundException) as error:
        logs.put_bearer_token_authentication(logGroupIdentifier=name + "x",
                                             bearerTokenAuthenticationEnabled=True)
    assert_aws_error(error, "ResourceNotFoundException", "The specified log group does not exist.")


def test_every_log_group_class_including_essentials(logs, names):
    for cls in ["STANDARD", "INFREQUENT_ACCESS", "DELIVERY", "ESSENTIALS"]:
        name = names.group(cls.lower())
        logs.create_log_group(logGroupName=name, logGroupClass=cls)
        assert describe(logs, name)["logGroupClass"] == cls
        found = logs.describe_log_groups(logGroupNamePrefix=names.group(""),
                                         logGroupClass=cls)["logGroups"]
        assert [g["logGroupName"] for g in found] == [name]
    with pytest.raises(logs.exceptions.InvalidParameterException) as error:
        logs.create_log_group(logGroupName=names.group("x"), logGroupClass="COLD")
    assert_aws_error(
        error, "InvalidParameterException",
        "1 validation error detected: Value 'COLD' at 'logGroupClass' failed to satisfy "
        "constraint: Member must satisfy enum value set: "
        "[STANDARD, INFREQUENT_ACCESS, DELIVERY, ESSENTIALS]")


# --- Resource policies ----------------------------------------------------------------------

POLICY = (
    '{"Version":"2012-10-17","Statement":[{"Sid":"Route53LogsToCloudWatchLogs",'
    '"Effect":"Allow","Principal":{"Service":["route53.amazonaws.com"]},'
    '"Action":"logs:PutLogEvents","Resource":"*"}]}'
)


@pytest.fixture
def fresh_logs():
    """A client of an emulator of its own: account-wide limits are counted from zero."""
    emulator = Emulator()
    yield emulator.client()
    emulator.stop()


def test_account_resource_policies_put_describe_update_delete(fresh_logs):
    logs = fresh_logs
    put = logs.put_resource_policy(policyName="route53", policyDocument=POLICY)
    assert set(put) - {"ResponseMetadata"} == {"resourcePolicy"}
    policy = put["resourcePolicy"]
    assert set(policy) == {"policyName", "policyDocument", "lastUpdatedTime", "policyScope"}
    assert (policy["policyName"], policy["policyDocument"], policy["policyScope"]) == (
        "route53", POLICY, "ACCOUNT")

    updated = POLICY.replace("route53", "events")
    logs.put_resource_policy(policyName="route53", policyDocument=updated)
    logs.put_resource_policy(policyName="another", policyDocument=POLICY)
    described = logs.describe_resource_policies()["resourcePolicies"]
    assert [(p["policyName"], p["policyDocument"]) for p in described] == [
        ("another", POLICY), ("route53", updated)]
    page = logs.describe_resource_policies(limit=1)
    assert [p["policyName"] for p in page["resourcePolicies"]] == ["another"]
    rest = logs.describe_resource_policies(limit=1, nextToken=page["nextToken"])
    assert [p["policyName"] for p in rest["resourcePolicies"]] == ["route53"]
    assert "nextToken" not in rest

    logs.delete_resource_policy(policyName="route53")
    assert [p["policyName"] for p in logs.describe_resource_policies()["resourcePolicies"]] == [
        "another"]
    with pytest.raises(logs.exceptions.ResourceNotFoundException) as error:
        logs.delete_resource_policy(policyName="route53")
    assert_aws_error(error, "ResourceNotFoundException",
                     "Policy with name [route53] does not exist.")


def test_ten_account_resource_policies_per_region(fresh_logs):
    logs = fresh_logs
    for i in range(10):
        logs.put_resource_policy(policyName=f"p{i}", policyDocument=POLICY)
    with pytest.raises(logs.exceptions.LimitExceededException) as error:
        logs.put_resource_policy(policyName="p10", policyDocument=POLICY)
    assert_aws_error(error, "LimitExceededException", "Resource limit exceeded.")
    # Replacing one of the ten is not a new policy.
    logs.put_resource_policy(policyName="p3", policyDocument=POLICY)
    assert len(logs.describe_resource_policies()["resourcePolicies"]) == 10


def test_resource_policy_validation(fresh_logs):
    logs = fresh_logs
    with pytest.raises(logs.exceptions.InvalidParameterException) as error:
        logs.put_resource_policy(policyName="big", policyDocument="x" * 51_201)
    assert_aws_error(
        error, "InvalidParameterException",
        f"1 validation error detected: Value '{'x' * 51_201}' at 'policyDocument' failed to "
        "satisfy constraint: Member must have length less than or equal to 51200")
    logs.put_resource_policy(policyName="max", policyDocument="x" * 51_200)
    with pytest.raises(logs.exceptions.InvalidParameterException) as error:
        logs.put_resource_policy(policyDocument=POLICY)
    assert_aws_error(
        error, "InvalidParameterException",
        "1 validation error detected: Value null at 'policyName' failed to satisfy constraint: "
        "Member must not be null")
    with pytest.raises(logs.exceptions.InvalidParameterException) as error:
        logs.describe_resource_policies(policyScope="GLOBAL")
    assert_aws_error(
        error, "InvalidParameterException",
        "1 validation error detected: Value 'GLOBAL' at 'policyScope' failed to satisfy "
        "constraint: Member must satisfy enum value set: [ACCOUNT, RESOURCE]")


def test_log_group_resource_policy_with_revisions(fresh_logs, names):
    logs = fresh_logs
    name = names.group()
    logs.create_log_group(logGroupName=name)
    arn = logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"][0]["logGroupArn"]

    put = logs.put_resource_policy(policyName="grp", policyDocument=POLICY, resourceArn=arn)
    first = put["revisionId"]
    assert put["resourcePolicy"]["revisionId"] == first
    assert put["resourcePolicy"]["resourceArn"] == arn
    assert put["resourcePolicy"]["policyScope"] == "RESOURCE"

    # The account listing does not show it; the resource's does.
    assert logs.describe_resource_policies()["resourcePolicies"] == []
    mine = logs.describe_resource_policies(resourceArn=arn)["resourcePolicies"]
    assert [(p["policyName"], p["revisionId"]) for p in mine] == [("grp", first)]
    scoped = logs.describe_resource_policies(policyScope="RESOURCE")["resourcePolicies"]
    assert [p["resourceArn"] for p in scoped] == [arn]

    conflict = ("The expected revision id does not match the current revision id of the "
                "resource policy.")
    # A change must quote the current revision: none, or a stale one, is refused.
    for expected in [None, "stale"]:
        kwargs = {"expectedRevisionId": expected} if expected else {}
        with pytest.raises(logs.exceptions.OperationAbortedException) as error:
            logs.put_resource_policy(policyName="grp", policyDocument=POLICY, resourceArn=arn,
                                     **kwargs)
        assert_aws_error(error, "OperationAbortedException", conflict)
    second = logs.put_resource_policy(policyName="grp", policyDocument=POLICY, resourceArn=arn,
                                      expectedRevisionId=first)["revisionId"]
    assert second != first
    with pytest.raises(logs.exceptions.OperationAbortedException) as error:
        logs.delete_resource_policy(resourceArn=arn, expectedRevisionId=first)
    assert_aws_error(error, "OperationAbortedException", conflict)
    logs.delete_resource_policy(resourceArn=arn, expectedRevisionId=second)
    assert logs.describe_resource_policies(resourceArn=arn)["resourcePolicies"] == []
    with pytest.raises(logs.exceptions.ResourceNotFoundException) as error:
        logs.delete_resource_policy(resourceArn=arn, expectedRevisionId=second)
    assert_aws_error(error, "ResourceNotFoundException",
                     f"No resource policy found for resource [{arn}].")

    missing = arn + "-gone"
    with pytest.raises(logs.exceptions.ResourceNotFoundException) as error:
        logs.put_resource_policy(policyName="grp", policyDocument=POLICY, resourceArn=missing)
    assert_aws_error(error, "ResourceNotFoundException", "The specified log group does not exist.")
