"""Log-group governance through boto3: KMS keys, deletion protection, bearer-token
authentication, the log group classes and DescribeLogGroups' member sets; resource policies;
data protection policies and the masking of every read."""
from __future__ import annotations

import json
import time

import pytest

from support import REGION, Emulator, assert_aws_error, put_chained

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


# --- Data protection ------------------------------------------------------------------------

MANAGED = "arn:aws:dataprotection::aws:data-identifier/"


def dp_policy(identifiers, custom=None, **overrides):
    policy = {
        "Name": "data-protection",
        "Description": "mask PII",
        "Version": "2021-06-01",
        "Statement": [
            {"Sid": "audit", "DataIdentifier": identifiers,
             "Operation": {"Audit": {"FindingsDestination": {}}}},
            {"Sid": "redact", "DataIdentifier": identifiers,
             "Operation": {"Deidentify": {"MaskConfig": {}}}},
        ],
    }
    if custom:
        policy["Configuration"] = {"CustomDataIdentifier": custom}
    policy.update(overrides)
    return json.dumps(policy)


def two_statements(audit=None, deidentify=None, masked="EmailAddress"):
    """A policy of an Audit and a Deidentify statement, each operation replaceable."""
    return json.dumps({"Version": "2021-06-01", "Statement": [
        {"DataIdentifier": [MANAGED + "EmailAddress"],
         "Operation": {"Audit": {"FindingsDestination": {}} if audit is None else audit}},
        {"DataIdentifier": [MANAGED + masked],
         "Operation": {"Deidentify": {"MaskConfig": {}} if deidentify is None else deidentify}},
    ]})


ALL_MANAGED = [MANAGED + n for n in [
    "EmailAddress", "IpAddress", "AwsSecretKey", "CreditCardNumber", "Ssn-US", "PhoneNumber-US",
]]
SENSITIVE = [
    ("user jane.doe@example.com logged in", "user **** logged in"),
    ("client 203.0.113.7 and 2001:db8::1", "client **** and ****"),
    ("secret=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "secret=****"),
    ("paid with 4111-1111-1111-1111", "paid with ****"),
    ("ssn 078-05-1120 on file", "ssn **** on file"),
    ("call (206) 555-0100", "call ****"),
    ("badge EMP-123456", "badge ****"),
    ("nothing to hide here", "nothing to hide here"),
]


def put_events(logs, group, stream, messages):
    """Puts `messages` now, with the stream's sequence token (strict mode)."""
    now = int(time.time() * 1000)
    streams = logs.describe_log_streams(logGroupName=group, logStreamNamePrefix=stream)
    token = streams["logStreams"][0].get("uploadSequenceToken")
    put_chained(logs, group, stream, [{"timestamp": now, "message": m} for m in messages],
                token=token)


def test_data_protection_masks_every_read_unless_unmask(logs, names):
    group, stream = names.group(), names.stream()
    logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName=stream)
    # Ingested before the policy: never masked (AWS masks at ingestion).
    put_events(logs, group, stream, ["early jane.doe@example.com"])
    time.sleep(0.01)

    document = dp_policy(ALL_MANAGED + ["BadgeId"],
                         custom=[{"Name": "BadgeId", "Regex": "EMP-\\d{6}"}])
    put = logs.put_data_protection_policy(logGroupIdentifier=group, policyDocument=document)
    assert (put["logGroupIdentifier"], put["policyDocument"]) == (group, document)
    got = logs.get_data_protection_policy(logGroupIdentifier=group)
    assert (got["policyDocument"], got["lastUpdatedTime"]) == (document, put["lastUpdatedTime"])
    described = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"][0]
    assert described["dataProtectionStatus"] == "ACTIVATED"

    put_events(logs, group, stream, [m for m, _ in SENSITIVE])
    originals = ["early jane.doe@example.com"] + [m for m, _ in SENSITIVE]
    masked = ["early jane.doe@example.com"] + [m for _, m in SENSITIVE]

    def get(**kwargs):
        return [e["message"] for e in logs.get_log_events(
            logGroupName=group, logStreamName=stream, **kwargs)["events"]]

    def filter_(**kwargs):
        return [e["message"] for e in logs.filter_log_events(
            logGroupName=group, **kwargs)["events"]]

    assert get(startFromHead=True) == masked
    assert get(startFromHead=False) == masked
    assert get(startFromHead=True, unmask=True) == originals
    assert filter_() == masked
    assert filter_(unmask=True) == originals
    # The pattern matches the events as ingested; what is handed out is masked.
    assert filter_(filterPattern='"jane.doe"') == ["early jane.doe@example.com", "user **** logged in"]
    arn = described["logGroupArn"]
    assert [e["message"] for e in logs.get_log_events(
        logGroupIdentifier=arn, logStreamName=stream, startFromHead=True)["events"]] == masked

    logs.delete_data_protection_policy(logGroupIdentifier=group)
    # What was masked at ingestion stays masked; what comes later is not.
    assert get(startFromHead=True) == masked
    time.sleep(0.01)
    put_events(logs, group, stream, ["late jane.doe@example.com"])
    assert get(startFromHead=True)[-1] == "late jane.doe@example.com"
    assert "dataProtectionStatus" not in logs.describe_log_groups(
        logGroupNamePrefix=group)["logGroups"][0]
    got = logs.get_data_protection_policy(logGroupIdentifier=group)
    assert "policyDocument" not in got and got["logGroupIdentifier"] == group
    with pytest.raises(logs.exceptions.ResourceNotFoundException) as error:
        logs.delete_data_protection_policy(logGroupIdentifier=group)
    assert_aws_error(error, "ResourceNotFoundException",
                     "The specified data protection policy does not exist.")


@pytest.mark.parametrize("document,message", [
    ("not json", "it is not a JSON object."),
    (dp_policy([MANAGED + "EmailAddress"], Version="2012-10-17"),
     "Version must be 2021-06-01."),
    (dp_policy([MANAGED + "EmailAddress"], Statement=[]),
     "Statement must hold exactly two statements, an Audit and a Deidentify."),
    (dp_policy([]), "the Audit statement needs a non-empty DataIdentifier list."),
    (dp_policy(["EmailAddress"]),
     "EmailAddress is neither a managed data identifier ARN "
     "(arn:aws:dataprotection::aws:data-identifier/<name>) nor a custom data identifier of the "
     "Configuration."),
    (two_statements(audit={}), "the Audit operation must have a FindingsDestination object."),
    (two_statements(masked="IpAddress"),
     "the DataIdentifier lists of the Audit and Deidentify statements must match exactly."),
    (two_statements(deidentify={"MaskConfig": {"MaskWith": "#"}}),
     "the Deidentify operation must have an empty MaskConfig object."),
    (dp_policy(["Bad"], custom=[{"Name": "Bad", "Regex": "(unclosed"}]),
     "the Regex of custom data identifier Bad is not a valid regular expression."),
    (dp_policy(["Big"], custom=[{"Name": "Big", "Regex": "a" * 201}]),
     "the Regex of custom data identifier Big must be 1 to 200 characters of the supported set."),
    (dp_policy(["c0"], custom=[{"Name": f"c{i}", "Regex": "x"} for i in range(11)]),
     "a policy can have at most 10 custom data identifiers."),
    ("{" + " " * 30_720 + "}", "the document can be up to 30720 characters."),
])
def test_data_protection_policy_validation(logs, names, document, message):
    group = names.group()
    logs.create_log_group(logGroupName=group)
    with pytest.raises(logs.exceptions.InvalidParameterException) as error:
        logs.put_data_protection_policy(logGroupIdentifier=group, policyDocument=document)
    assert_aws_error(error, "InvalidParameterException",
                     f"Invalid data protection policy document: {message}")
    got = logs.get_data_protection_policy(logGroupIdentifier=group)
    assert "policyDocument" not in got


def test_data_protection_policy_name_and_missing_group(logs, names):
    group = names.group()
    with pytest.raises(logs.exceptions.ResourceNotFoundException) as error:
        logs.put_data_protection_policy(logGroupIdentifier=group,
                                        policyDocument=dp_policy([MANAGED + "EmailAddress"]))
    assert_aws_error(error, "ResourceNotFoundException", "The specified log group does not exist.")
    logs.create_log_group(logGroupName=group)
    with pytest.raises(logs.exceptions.InvalidParameterException) as error:
        logs.put_data_protection_policy(
            logGroupIdentifier=group,
            policyDocument=dp_policy([MANAGED + "EmailAddress"], Name="data protection policy"))
    assert_aws_error(error, "InvalidParameterException",
                     "Policy Name can only include alphanumeric characters, hyphens (-) and "
                     "underscores (_)")
    # Managed identifiers the emulator does not mask are still accepted.
    logs.put_data_protection_policy(logGroupIdentifier=group,
                                    policyDocument=dp_policy([MANAGED + "DriversLicense-US"]))


# --- Account policies -----------------------------------------------------------------------


def test_account_data_protection_policy_masks_every_group(fresh_logs, names):
    logs = fresh_logs
    existing, stream = names.group("existing"), names.stream()
    logs.create_log_group(logGroupName=existing)
    logs.create_log_stream(logGroupName=existing, logStreamName=stream)
    put_events(logs, existing, stream, ["before a@b.io"])
    time.sleep(0.01)

    document = dp_policy([MANAGED + "EmailAddress"])
    put = logs.put_account_policy(policyName="pii", policyDocument=document,
                                  policyType="DATA_PROTECTION_POLICY")["accountPolicy"]
    assert set(put) == {"policyName", "policyDocument", "lastUpdatedTime", "policyType", "scope",
                        "accountId"}
    assert (put["policyName"], put["policyDocument"], put["policyType"], put["scope"]) == (
        "pii", document, "DATA_PROTECTION_POLICY", "ALL")

    later = names.group("later")
    logs.create_log_group(logGroupName=later)
    logs.create_log_stream(logGroupName=later, logStreamName=stream)
    # A group policy adds its identifiers: the two are cumulative.
    logs.put_data_protection_policy(logGroupIdentifier=later,
                                    policyDocument=dp_policy([MANAGED + "IpAddress"]))
    for group in [existing, later]:
        put_events(logs, group, stream, ["after a@b.io from 10.0.0.1"])
    assert [e["message"] for e in logs.get_log_events(
        logGroupName=existing, logStreamName=stream, startFromHead=True)["events"]] == [
        "before a@b.io", "after **** from 10.0.0.1"]
    assert [e["message"] for e in logs.filter_log_events(logGroupName=later)["events"]] == [
        "after **** from ****"]
    assert [e["message"] for e in logs.filter_log_events(
        logGroupName=later, unmask=True)["events"]] == ["after a@b.io from 10.0.0.1"]

    for group in logs.describe_log_groups()["logGroups"]:
        assert group["dataProtectionStatus"] == "ACTIVATED"
        assert group["inheritedProperties"] == ["ACCOUNT_DATA_PROTECTION"]

    described = logs.describe_account_policies(policyType="DATA_PROTECTION_POLICY")
    assert [p["policyName"] for p in described["accountPolicies"]] == ["pii"]
    assert described["accountPolicies"][0]["accountId"] == put["accountId"]

    # One account-level data protection policy per region; replacing it is fine.
    with pytest.raises(logs.exceptions.LimitExceededException) as error:
        logs.put_account_policy(policyName="second", policyDocument=document,
                                policyType="DATA_PROTECTION_POLICY")
    assert_aws_error(error, "LimitExceededException",
                     "The account has reached its limit of account policies of type "
                     "DATA_PROTECTION_POLICY.")
    logs.put_account_policy(policyName="pii", policyDocument=document,
                            policyType="DATA_PROTECTION_POLICY")

    logs.delete_account_policy(policyName="pii", policyType="DATA_PROTECTION_POLICY")
    groups = {g["logGroupName"]: g for g in logs.describe_log_groups()["logGroups"]}
    assert "inheritedProperties" not in groups[existing]
    assert "dataProtectionStatus" not in groups[existing]
    assert groups[later]["dataProtectionStatus"] == "ACTIVATED"
    # Masked at ingestion, masked still.
    assert [e["message"] for e in logs.get_log_events(
        logGroupName=existing, logStreamName=stream, startFromHead=True)["events"]] == [
        "before a@b.io", "after **** from 10.0.0.1"]
    with pytest.raises(logs.exceptions.ResourceNotFoundException) as error:
        logs.delete_account_policy(policyName="pii", policyType="DATA_PROTECTION_POLICY")
    assert_aws_error(error, "ResourceNotFoundException", "Policy with name [pii] does not exist.")


SUBSCRIPTION = json.dumps({"DestinationArn": "arn:aws:lambda:ap-northeast-1:123456789012:function:f",
                           "FilterPattern": "ERROR", "Distribution": "Random"})
TRANSFORMER = json.dumps({"transformerConfig": [{"parseJSON": {}}]})
FIELD_INDEX = json.dumps({"Fields": ["requestId"]})
METRICS = json.dumps({})
RETENTION = json.dumps({"retentionInDays": 90, "enforcementMode": "RETROACTIVE"})


@pytest.mark.parametrize("policy_type,document,criteria", [
    ("SUBSCRIPTION_FILTER_POLICY", SUBSCRIPTION, 'LogGroupName NOT IN ["/aws/lambda/f"]'),
    ("TRANSFORMER_POLICY", TRANSFORMER, 'LogGroupNamePrefix IN ["/app"]'),
    ("FIELD_INDEX_POLICY", FIELD_INDEX, 'DataSourceName = "amazon_vpc" AND DataSourceType = "flow"'),
    ("METRIC_EXTRACTION_POLICY", METRICS, 'LogGroupNamePrefix NOT IN ["/aws/containerinsights"]'),
    ("RETENTION_POLICY", RETENTION, 'LogGroupNamePrefix IN ["/app"]'),
])
def test_every_account_policy_type(fresh_logs, policy_type, document, criteria):
    logs = fresh_logs
    put = logs.put_account_policy(policyName="p1", policyDocument=document,
                                  policyType=policy_type, selectionCriteria=criteria)
    assert put["accountPolicy"]["selectionCriteria"] == criteria
    described = logs.describe_account_policies(policyType=policy_type)["accountPolicies"]
    assert [(p["policyName"], p["policyType"], p["selectionCriteria"]) for p in described] == [
        ("p1", policy_type, criteria)]
    assert logs.describe_account_policies(policyType=policy_type,
                                          policyName="other")["accountPolicies"] == []
    other_type = "DATA_PROTECTION_POLICY"
    assert logs.describe_account_policies(policyType=other_type)["accountPolicies"] == []
    logs.delete_account_policy(policyName="p1", policyType=policy_type)
    assert logs.describe_account_policies(policyType=policy_type)["accountPolicies"] == []


def test_account_policy_limits_and_selection_rules(fresh_logs):
    logs = fresh_logs

    def put(name, policy_type, document, criteria=None):
        kwargs = {"selectionCriteria": criteria} if criteria else {}
        return logs.put_account_policy(policyName=name, policyDocument=document,
                                       policyType=policy_type, **kwargs)

    def refused(code, message, *args):
        with pytest.raises(logs.exceptions.ClientError) as error:
            put(*args)
        assert_aws_error(error, code, message)

    # Subscription filters: one per region, criteria only `LogGroupName NOT IN`.
    put("sub", "SUBSCRIPTION_FILTER_POLICY", SUBSCRIPTION)
    refused("LimitExceededException",
            "The account has reached its limit of account policies of type "
            "SUBSCRIPTION_FILTER_POLICY.", "sub2", "SUBSCRIPTION_FILTER_POLICY", SUBSCRIPTION)
    refused("InvalidParameterException",
            'The selectionCriteria LogGroupNamePrefix IN ["/a"] is not supported for policy type '
            "SUBSCRIPTION_FILTER_POLICY.",
            "sub", "SUBSCRIPTION_FILTER_POLICY", SUBSCRIPTION, 'LogGroupNamePrefix IN ["/a"]')
    refused("InvalidParameterException",
            "The selectionCriteria LogGroupName NOT IN [\"x\"] is not supported for policy type "
            "DATA_PROTECTION_POLICY.",
            "dp", "DATA_PROTECTION_POLICY", dp_policy([MANAGED + "EmailAddress"]),
            'LogGroupName NOT IN ["x"]')
    refused("InvalidParameterException", "Invalid selectionCriteria: LogGroupName IS [\"x\"]",
            "t", "TRANSFORMER_POLICY", TRANSFORMER, 'LogGroupName IS ["x"]')

    # Transformers: up to 20 scoped ones, prefixes that do not overlap.
    for i in range(20):
        put(f"t{i:02}", "TRANSFORMER_POLICY", TRANSFORMER, f'LogGroupNamePrefix IN ["/t{i:02}/"]')
    refused("LimitExceededException",
            "The account has reached its limit of account policies of type TRANSFORMER_POLICY.",
            "t20", "TRANSFORMER_POLICY", TRANSFORMER, 'LogGroupNamePrefix IN ["/t20/"]')
    logs.delete_account_policy(policyName="t19", policyType="TRANSFORMER_POLICY")
    refused("InvalidParameterException",
            "The selection criteria overlap with another account policy of this type.",
            "t20", "TRANSFORMER_POLICY", TRANSFORMER, 'LogGroupNamePrefix IN ["/t00/app"]')
    refused("LimitExceededException",
            "The account has reached its limit of account policies of type TRANSFORMER_POLICY.",
            "all", "TRANSFORMER_POLICY", TRANSFORMER)
    described = logs.describe_account_policies(policyType="TRANSFORMER_POLICY")
    assert [p["policyName"] for p in described["accountPolicies"]] == [
        f"t{i:02}" for i in range(19)]
    assert "nextToken" not in described

    # Documents are checked per type.
    refused("InvalidParameterException",
            "Invalid RETENTION_POLICY document: retentionInDays must be NEVER_EXPIRE or one of 30, "
            "60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653.",
            "r", "RETENTION_POLICY", json.dumps({"retentionInDays": 7,
                                                 "enforcementMode": "NEW_ONLY"}))
    refused("InvalidParameterException",
            "Invalid SUBSCRIPTION_FILTER_POLICY document: DestinationArn is required.",
            "sub", "SUBSCRIPTION_FILTER_POLICY", "{}")
    refused("InvalidParameterException",
            "Invalid FIELD_INDEX_POLICY document: it must contain at least one field index.",
            "f", "FIELD_INDEX_POLICY", json.dumps({"Fields": []}))
    refused("InvalidParameterException", "The policy name cannot start with aws/.",
            "aws/mine", "FIELD_INDEX_POLICY", FIELD_INDEX)
    refused("InvalidParameterException",
            "1 validation error detected: Value 'LOGS_POLICY' at 'policyType' failed to satisfy "
            "constraint: Member must satisfy enum value set: [DATA_PROTECTION_POLICY, "
            "SUBSCRIPTION_FILTER_POLICY, FIELD_INDEX_POLICY, TRANSFORMER_POLICY, "
            "METRIC_EXTRACTION_POLICY, RETENTION_POLICY]",
            "x", "LOGS_POLICY", "{}")
    with pytest.raises(logs.exceptions.InvalidParameterException) as error:
        logs.put_account_policy(policyName="x", policyDocument=TRANSFORMER,
                                policyType="TRANSFORMER_POLICY", dryRun=True)
    assert_aws_error(error, "InvalidParameterException",
                     "dryRun is supported only for policyType RETENTION_POLICY.")


def test_retention_policy_dry_run(fresh_logs, names):
    logs = fresh_logs
    for suffix, days in [("short", 7), ("long", 365)]:
        logs.create_log_group(logGroupName=names.group(suffix))
        logs.put_retention_policy(logGroupName=names.group(suffix), retentionInDays=days)
    logs.create_log_group(logGroupName=names.group("forever"))
    result = logs.put_account_policy(
        policyName="r", policyType="RETENTION_POLICY", policyDocument=RETENTION, dryRun=True)
    assert "accountPolicy" not in result
    assert result["dryRunResult"] == {
        "totalMatchedLogGroups": 3, "increasedRetentionLogGroupCount": 1,
        "decreasedRetentionLogGroupCount": 2, "unchangedRetentionLogGroupCount": 0,
        "failedAnalysisCount": 0}
    assert logs.describe_account_policies(policyType="RETENTION_POLICY")["accountPolicies"] == []

    logs.put_account_policy(policyName="r", policyType="RETENTION_POLICY",
                            policyDocument=RETENTION)
    result = logs.delete_account_policy(policyName="r", policyType="RETENTION_POLICY",
                                        dryRun=True)
    assert result["dryRunResult"]["increasedRetentionLogGroupCount"] == 2
    assert result["dryRunResult"]["decreasedRetentionLogGroupCount"] == 1
    assert len(logs.describe_account_policies(policyType="RETENTION_POLICY")[
        "accountPolicies"]) == 1


# --- Export tasks ---------------------------------------------------------------------------


@pytest.fixture
def exporting(tmp_path):
    """A client of an emulator exporting to `tmp_path` (bucket `bucket` exists), and the path."""
    (tmp_path / "bucket").mkdir()
    emulator = Emulator("--export-dir", str(tmp_path))
    yield emulator.client(), tmp_path / "bucket"
    emulator.stop()


def wait_for(logs, task_id):
    for _ in range(200):
        task = logs.describe_export_tasks(taskId=task_id)["exportTasks"][0]
        if task["status"]["code"] not in ("PENDING", "RUNNING"):
            return task
        time.sleep(0.05)
    raise AssertionError(f"export task {task_id} did not finish: {task}")


def test_export_task_writes_aws_object_layout(exporting, names):
    import gzip

    logs, bucket = exporting
    group = names.group()
    logs.create_log_group(logGroupName=group)
    now = int(time.time() * 1000)
    for stream in ["web/1", "worker"]:
        logs.create_log_stream(logGroupName=group, logStreamName=stream)
        logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=[
            {"timestamp": now - 2000, "message": f"{stream} too early"},
            {"timestamp": now - 1000, "message": f"{stream} first"},
            {"timestamp": now, "message": f"{stream} mail a@b.io"},
        ])
    # Exports are an egress point: what a data protection policy masks stays masked.
    logs.put_data_protection_policy(logGroupIdentifier=group,
                                    policyDocument=dp_policy([MANAGED + "EmailAddress"]))
    # Events ingested before the policy are not masked; put one more after it.
    logs.put_log_events(
        logGroupName=group, logStreamName="worker",
        sequenceToken=logs.describe_log_streams(logGroupName=group, logStreamNamePrefix="worker")[
            "logStreams"][0]["uploadSequenceToken"],
        logEvents=[{"timestamp": now, "message": "worker later x@y.io"}])

    task_id = logs.create_export_task(taskName="nightly", logGroupName=group,
                                      fromTime=now - 1000, to=now, destination="bucket",
                                      destinationPrefix="exports/app")["taskId"]
    task = wait_for(logs, task_id)
    assert task["status"] == {"code": "COMPLETED", "message": "Completed successfully"}
    assert set(task) == {"taskId", "taskName", "logGroupName", "from", "to", "destination",
                         "destinationPrefix", "status", "executionInfo"}
    assert (task["taskName"], task["logGroupName"], task["from"], task["to"],
            task["destination"], task["destinationPrefix"]) == (
        "nightly", group, now - 1000, now, "bucket", "exports/app")
    assert set(task["executionInfo"]) == {"creationTime", "completionTime"}

    root = bucket / "exports" / "app"
    assert (root / "aws-logs-write-test").read_text() == "Permission Check Successful"
    objects = sorted(p.relative_to(root / task_id).as_posix()
                     for p in (root / task_id).rglob("*") if p.is_file())
    assert objects == ["web/1/000000.gz", "worker/000000.gz"]

    def iso(ms):
        return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms / 1000)) + f".{ms % 1000:03}Z"

    lines = gzip.decompress((root / task_id / "worker" / "000000.gz").read_bytes()).decode()
    assert lines.splitlines() == [
        f"{iso(now - 1000)} worker first",
        f"{iso(now)} worker mail a@b.io",
        f"{iso(now)} worker later ****",
    ]

    # Filters: status and id; an unknown id is an empty list (AWS-recorded).
    assert [t["taskId"] for t in logs.describe_export_tasks(statusCode="COMPLETED")[
        "exportTasks"]] == [task_id]
    assert logs.describe_export_tasks(statusCode="RUNNING")["exportTasks"] == []
    assert logs.describe_export_tasks(taskId="no-such-task")["exportTasks"] == []

    # Only PENDING or RUNNING tasks can be cancelled.
    with pytest.raises(logs.exceptions.ClientError) as error:
        logs.cancel_export_task(taskId=task_id)
    assert_aws_error(error, "InvalidOperationException",
                     "The specified export task has already finished. Its status is COMPLETED.")
    with pytest.raises(logs.exceptions.ResourceNotFoundException) as error:
        logs.cancel_export_task(taskId="no-such-task")
    assert_aws_error(error, "ResourceNotFoundException",
                     "The specified export task does not exist.")

    # A stream prefix exports only those streams.
    only_web = logs.create_export_task(logGroupName=group, logStreamNamePrefix="web",
                                       fromTime=0, to=now, destination="bucket")["taskId"]
    assert wait_for(logs, only_web)["destinationPrefix"] == "exportedlogs"
    written = sorted(p.relative_to(bucket / "exportedlogs" / only_web).as_posix()
                     for p in (bucket / "exportedlogs" / only_web).rglob("*") if p.is_file())
    assert written == ["web/1/000000.gz"]


def test_export_task_errors(exporting, logs, names):
    exporter, _ = exporting
    group = names.group()
    exporter.create_log_group(logGroupName=group)
    # A bucket that does not exist, and an emulator without --export-dir: AWS's answer for a
    # missing bucket (recorded in localstack's AWS-validated snapshots).
    logs.create_log_group(logGroupName=group)
    for client, bucket in [(exporter, "missing"), (logs, "bucket")]:
        with pytest.raises(client.exceptions.InvalidParameterException) as error:
            client.create_export_task(logGroupName=group, fromTime=0, to=1, destination=bucket)
        assert_aws_error(error, "InvalidParameterException",
                         "The given bucket does not exist. Please make sure the bucket is valid.")
    with pytest.raises(exporter.exceptions.ResourceNotFoundException) as error:
        exporter.create_export_task(logGroupName=group + "x", fromTime=0, to=1,
                                    destination="bucket")
    assert_aws_error(error, "ResourceNotFoundException", "The specified log group does not exist.")
    with pytest.raises(exporter.exceptions.InvalidParameterException) as error:
        exporter.describe_export_tasks(statusCode="DONE")
    assert_aws_error(
        error, "InvalidParameterException",
        "1 validation error detected: Value 'DONE' at 'statusCode' failed to satisfy constraint: "
        "Member must satisfy enum value set: [CANCELLED, COMPLETED, FAILED, PENDING, "
        "PENDING_CANCEL, RUNNING]")
