//! Log-group governance through the SDK: KMS keys, deletion protection, bearer-token
//! authentication and the members DescribeLogGroups shows for them.

use aws_sdk_cloudwatchlogs::types::LogGroupClass;

use crate::common::*;

const KEY: &str = "arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab";

#[tokio::test]
async fn kms_key_deletion_protection_and_bearer_tokens_show_in_describe() {
    let h = harness().await;
    h.client
        .create_log_group()
        .log_group_name("/gov")
        .log_group_class(LogGroupClass::from("ESSENTIALS"))
        .deletion_protection_enabled(true)
        .send()
        .await
        .unwrap();
    h.client
        .associate_kms_key()
        .log_group_name("/gov")
        .kms_key_id(KEY)
        .send()
        .await
        .unwrap();
    h.client
        .put_bearer_token_authentication()
        .log_group_identifier("arn:aws:logs:us-east-1:000000000000:log-group:/gov")
        .bearer_token_authentication_enabled(true)
        .send()
        .await
        .unwrap();
    let out = h.client.describe_log_groups().send().await.unwrap();
    let [group] = out.log_groups() else {
        panic!("{out:?}")
    };
    assert_eq!(group.kms_key_id(), Some(KEY));
    assert_eq!(
        group.log_group_class().map(|c| c.as_str()),
        Some("ESSENTIALS")
    );
    assert_eq!(group.deletion_protection_enabled(), Some(true));
    assert_eq!(group.bearer_token_authentication_enabled(), Some(true));

    let error = service_error(
        h.client
            .associate_kms_key()
            .log_group_name("/gov")
            .kms_key_id("alias/mine")
            .send()
            .await,
    );
    assert_aws_error(
        &error,
        "InvalidParameterException",
        "The specified KMS Key Id could not be found. '/gov'",
    );

    h.client
        .disassociate_kms_key()
        .resource_identifier("arn:aws:logs:us-east-1:000000000000:log-group:/gov")
        .send()
        .await
        .unwrap();
    h.client
        .put_log_group_deletion_protection()
        .log_group_identifier("/gov")
        .deletion_protection_enabled(false)
        .send()
        .await
        .unwrap();
    let out = h.client.describe_log_groups().send().await.unwrap();
    assert_eq!(out.log_groups()[0].kms_key_id(), None);
    assert_eq!(
        out.log_groups()[0].deletion_protection_enabled(),
        Some(false)
    );
    h.client
        .delete_log_group()
        .log_group_name("/gov")
        .send()
        .await
        .unwrap();
}

const DATA_PROTECTION: &str = r#"{"Name":"pii","Version":"2021-06-01","Statement":[
 {"DataIdentifier":["arn:aws:dataprotection::aws:data-identifier/EmailAddress"],
  "Operation":{"Audit":{"FindingsDestination":{}}}},
 {"DataIdentifier":["arn:aws:dataprotection::aws:data-identifier/EmailAddress"],
  "Operation":{"Deidentify":{"MaskConfig":{}}}}]}"#;

#[tokio::test]
async fn data_protection_masks_events_ingested_under_it_in_every_read() {
    let h = harness().await;
    h.group_and_stream("/pii", "s").await;
    h.put_all("/pii", "s", &[(NOW - MINUTE, "before a@b.io".into())])
        .await;
    h.clock.advance(1);
    h.client
        .put_data_protection_policy()
        .log_group_identifier("/pii")
        .policy_document(DATA_PROTECTION)
        .send()
        .await
        .unwrap();
    h.put_all("/pii", "s", &[(NOW, "after a@b.io".into())])
        .await;

    let get = |unmask: bool| {
        h.client
            .get_log_events()
            .log_group_name("/pii")
            .log_stream_name("s")
            .start_from_head(true)
            .unmask(unmask)
            .send()
    };
    let messages = |events: &[aws_sdk_cloudwatchlogs::types::OutputLogEvent]| {
        events
            .iter()
            .map(|e| e.message().unwrap_or_default().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        messages(get(false).await.unwrap().events()),
        ["before a@b.io", "after ****"]
    );
    assert_eq!(
        messages(get(true).await.unwrap().events()),
        ["before a@b.io", "after a@b.io"]
    );
    let filtered = h
        .client
        .filter_log_events()
        .log_group_name("/pii")
        .filter_pattern("after")
        .send()
        .await
        .unwrap();
    let hits: Vec<_> = filtered
        .events()
        .iter()
        .filter_map(|e| e.message())
        .collect();
    assert_eq!(hits, ["after ****"]);

    let out = h.client.describe_log_groups().send().await.unwrap();
    assert_eq!(
        out.log_groups()[0]
            .data_protection_status()
            .map(|s| s.as_str()),
        Some("ACTIVATED")
    );
}
