//! Sequence tokens in both modes: strict (AWS before 2023, the default) and ignore.

use aws_sdk_cloudwatchlogs::operation::put_log_events::PutLogEventsError;
use cwlogs_emulator::SequenceTokenMode;

use crate::common::*;

async fn put(
    h: &Harness,
    messages: &[&str],
    token: Option<&str>,
) -> Result<Option<String>, PutLogEventsError> {
    let events: Vec<(i64, String)> = messages.iter().map(|m| (NOW, m.to_string())).collect();
    h.client
        .put_log_events()
        .log_group_name("g")
        .log_stream_name("s")
        .set_log_events(Some(input_events(&events)))
        .set_sequence_token(token.map(str::to_owned))
        .send()
        .await
        .map(|out| out.next_sequence_token().map(str::to_owned))
        .map_err(|e| e.into_service_error())
}

#[tokio::test]
async fn strict_tokens_chain_and_match_describe_log_streams() {
    let h = harness().await;
    h.group_and_stream("g", "s").await;
    let first = put(&h, &["a"], None).await.unwrap().unwrap();
    assert_eq!(first.len(), 56);
    assert!(first.bytes().all(|b| b.is_ascii_digit()));
    assert_eq!(
        h.upload_sequence_token("g", "s").await.as_deref(),
        Some(first.as_str())
    );
    let second = put(&h, &["b"], Some(&first)).await.unwrap().unwrap();
    assert!(second > first, "tokens move forward");
    assert_eq!(
        h.upload_sequence_token("g", "s").await.as_deref(),
        Some(second.as_str())
    );
    put(&h, &["c"], Some(&second)).await.unwrap();
    assert_eq!(h.read_all("g", "s").await, ["a", "b", "c"]);
}

#[tokio::test]
async fn strict_refuses_a_missing_or_wrong_token_naming_the_expected_one() {
    let h = harness().await;
    h.group_and_stream("g", "s").await;
    let current = put(&h, &["a"], None).await.unwrap().unwrap();
    for sent in [
        None,
        Some("123"),
        Some("49000000000000000000000000000000000000000000000000000001"),
    ] {
        let err = put(&h, &["b"], sent).await.unwrap_err();
        let PutLogEventsError::InvalidSequenceTokenException(inner) = &err else {
            panic!("{err:?}")
        };
        assert_eq!(inner.expected_sequence_token(), Some(current.as_str()));
        assert_aws_error(
            &err,
            "InvalidSequenceTokenException",
            &invalid_token_message(&current),
        );
        // watchtower's recovery: the last word of the message is the token to use.
        let last_word = err.meta().message().unwrap().rsplit(' ').next().unwrap();
        assert_eq!(last_word, current);
    }
    put(&h, &["b"], Some(&current))
        .await
        .expect("the expected token works");
    assert_eq!(h.read_all("g", "s").await, ["a", "b"]);
}

#[tokio::test]
async fn strict_token_on_a_new_stream_is_invalid_with_null() {
    let h = harness().await;
    h.group_and_stream("g", "s").await;
    let err = put(
        &h,
        &["a"],
        Some("49590293515121184143516241009459514993483551644565275730"),
    )
    .await
    .unwrap_err();
    let PutLogEventsError::InvalidSequenceTokenException(inner) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(inner.expected_sequence_token(), None);
    assert_aws_error(
        &err,
        "InvalidSequenceTokenException",
        &invalid_token_message("null"),
    );
}

#[tokio::test]
async fn strict_resend_of_the_accepted_batch_is_data_already_accepted() {
    let h = harness().await;
    h.group_and_stream("g", "s").await;
    let t1 = put(&h, &["a", "b"], None).await.unwrap().unwrap();
    // The article's loop: resend with the token the batch was accepted under (none here).
    let err = put(&h, &["a", "b"], None).await.unwrap_err();
    let PutLogEventsError::DataAlreadyAcceptedException(inner) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(inner.expected_sequence_token(), Some(t1.as_str()));
    assert_aws_error(
        &err,
        "DataAlreadyAcceptedException",
        &already_accepted_message(&t1),
    );
    let t2 = put(&h, &["c"], Some(&t1)).await.unwrap().unwrap();
    // Same token as the accepted batch, same messages: already accepted.
    let err = put(&h, &["c"], Some(&t1)).await.unwrap_err();
    assert!(matches!(
        err,
        PutLogEventsError::DataAlreadyAcceptedException(_)
    ));
    assert_aws_error(
        &err,
        "DataAlreadyAcceptedException",
        &already_accepted_message(&t2),
    );
    // Same token, different messages: an invalid token.
    let err = put(&h, &["d"], Some(&t1)).await.unwrap_err();
    assert!(matches!(
        err,
        PutLogEventsError::InvalidSequenceTokenException(_)
    ));
    assert_aws_error(
        &err,
        "InvalidSequenceTokenException",
        &invalid_token_message(&t2),
    );
    assert_eq!(
        h.read_all("g", "s").await,
        ["a", "b", "c"],
        "nothing is stored twice"
    );
}

#[tokio::test]
async fn ignore_mode_accepts_any_token_and_still_returns_one() {
    let h = harness_with(SequenceTokenMode::Ignore).await;
    h.group_and_stream("g", "s").await;
    let first = put(&h, &["a"], None).await.unwrap();
    assert!(first.is_some());
    put(&h, &["a"], None)
        .await
        .expect("a resend is stored again");
    put(&h, &["b"], Some("not-a-real-token")).await.unwrap();
    put(&h, &["c"], first.as_deref()).await.unwrap();
    assert_eq!(h.read_all("g", "s").await, ["a", "a", "b", "c"]);
    assert!(h.upload_sequence_token("g", "s").await.is_some());
}
