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
