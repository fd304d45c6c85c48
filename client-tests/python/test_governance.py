"""Log-group governance through boto3: KMS keys, deletion protection, bearer-token
authentication, the log group classes and DescribeLogGroups' member sets."""
from __future__ import annotations

import pytest

from support import REGION, assert_aws_error

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

