//! GetLogEvents: the page rules, the tokens, and the article's paging loop.

use aws_sdk_cloudwatchlogs::operation::get_log_events::{GetLogEventsError, GetLogEventsOutput};

use crate::common::*;

/// A GetLogEvents call on g/s, built by `configure`.
async fn get(
    h: &Harness,
    configure: impl FnOnce(
        aws_sdk_cloudwatchlogs::operation::get_log_events::builders::GetLogEventsFluentBuilder,
    ) -> aws_sdk_cloudwatchlogs::operation::get_log_events::builders::GetLogEventsFluentBuilder,
) -> Result<GetLogEventsOutput, GetLogEventsError> {
    configure(
        h.client
            .get_log_events()
            .log_group_name("g")
            .log_stream_name("s"),
    )
    .send()
    .await
    .map_err(|e| e.into_service_error())
}

/// Pages from the head until the same forward token comes back, as the article's loop does.
/// Returns the page sizes (including the final empty page) and every message in order.
async fn read_forward_to_end(
    h: &Harness,
    start_time: Option<i64>,
    end_time: Option<i64>,
) -> (Vec<usize>, Vec<String>) {
    let mut sizes = Vec::new();
    let mut messages = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let sent = token.clone();
        let out = get(h, |b| {
            b.start_from_head(true)
                .set_next_token(sent.clone())
                .set_start_time(start_time)
                .set_end_time(end_time)
        })
        .await
        .unwrap();
        sizes.push(out.events().len());
        messages.extend(out.events().iter().map(|e| e.message().unwrap().to_owned()));
        let next = out.next_forward_token().unwrap().to_owned();
        assert!(is_aws_page_token(&next, 'f'), "{next}");
        if Some(&next) == token.as_ref() {
            return (sizes, messages);
        }
        assert!(sizes.len() < 1_000, "paging must terminate");
        token = Some(next);
    }
}

#[tokio::test]
async fn the_articles_26351_events_come_in_pages_of_10000_10000_6351() {
    let h = harness().await;
    h.group_and_stream("g", "s").await;
    let events = numbered_events(26_351);
    h.put_all("g", "s", &events).await;
    let (sizes, messages) = read_forward_to_end(&h, None, None).await;
    assert_eq!(sizes, [10_000, 10_000, 6_351, 0]);
    let expected: Vec<String> = events.into_iter().map(|(_, m)| m).collect();
    assert_eq!(messages, expected);
}

#[tokio::test]
async fn hundred_byte_messages_fill_a_page_with_8322_events() {
    let h = harness().await;
    h.group_and_stream("g", "s").await;
    let events: Vec<(i64, String)> = (0..20_000)
        .map(|i| (NOW - HOUR + i / 10, format!("{i:0100}")))
        .collect();
    h.put_all("g", "s", &events).await;
    let (sizes, _) = read_forward_to_end(&h, None, None).await;
    assert_eq!(sizes, [8_322, 8_322, 20_000 - 2 * 8_322, 0]);
}

#[tokio::test]
async fn twenty_200_kib_events_come_five_a_page() {
    let h = harness().await;
    h.group_and_stream("g", "s").await;
    let events: Vec<(i64, String)> = (0..20)
        .map(|i| {
            (
                NOW - HOUR + i,
                char::from(b'a' + i as u8).to_string().repeat(200 * 1024),
            )
        })
        .collect();
    h.put_all("g", "s", &events).await;
    let (sizes, messages) = read_forward_to_end(&h, None, None).await;
    assert_eq!(sizes, [5, 5, 5, 5, 0]);
    assert_eq!(messages.len(), 20);
    assert!(messages
        .iter()
        .zip(&events)
        .all(|(got, (_, want))| got == want));
}

#[tokio::test]
async fn limit_caps_the_page_and_is_validated() {
    let h = harness().await;
    h.group_and_stream("g", "s").await;
    h.put_all("g", "s", &numbered_events(25)).await;
    let out = get(&h, |b| b.start_from_head(true).limit(10))
        .await
        .unwrap();
    assert_eq!(out.events().len(), 10);
    assert_eq!(out.events()[0].message(), Some("line 00000"));
    for (limit, bound) in [
        (0, "greater than or equal to 1"),
        (10_001, "less than or equal to 10000"),
    ] {
        let err = get(&h, |b| b.limit(limit)).await.unwrap_err();
        assert!(matches!(
            err,
            GetLogEventsError::InvalidParameterException(_)
        ));
        assert_aws_error(
            &err,
            "InvalidParameterException",
            &format!(
                "1 validation error detected: Value '{limit}' at 'limit' failed to satisfy \
                 constraint: Member must have value {bound}"
            ),
        );
    }
}

#[tokio::test]
async fn without_start_from_head_the_newest_page_comes_first_and_backward_tokens_walk_back() {
    let h = harness().await;
    h.group_and_stream("g", "s").await;
    let events = numbered_events(25);
    h.put_all("g", "s", &events).await;
    let out = get(&h, |b| b.limit(10)).await.unwrap();
    let page: Vec<_> = out.events().iter().map(|e| e.message().unwrap()).collect();
    assert_eq!(
        page.first(),
        Some(&"line 00015"),
        "newest page, ascending within"
    );
    assert_eq!(page.last(), Some(&"line 00024"));

    let mut seen: Vec<String> = page.iter().map(|m| m.to_string()).collect();
    let mut token = out.next_backward_token().unwrap().to_owned();
    assert!(is_aws_page_token(&token, 'b'));
    loop {
        let sent = token.clone();
        let out = get(&h, |b| b.limit(10).next_token(sent)).await.unwrap();
        let mut page: Vec<String> = out
            .events()
            .iter()
            .map(|e| e.message().unwrap().to_owned())
            .collect();
        page.append(&mut seen);
        seen = page;
        let next = out.next_backward_token().unwrap().to_owned();
        if next == token {
            assert!(out.events().is_empty());
            break;
        }
        token = next;
    }
    let expected: Vec<String> = events.into_iter().map(|(_, m)| m).collect();
    assert_eq!(seen, expected);
}

#[tokio::test]
async fn start_time_is_inclusive_and_end_time_exclusive() {
    let h = harness().await;
    h.group_and_stream("g", "s").await;
    let events: Vec<(i64, String)> = (0..10)
        .map(|i| (NOW - 100 + i * 10, format!("e{i}")))
        .collect();
    h.put_all("g", "s", &events).await;
    let (_, messages) = read_forward_to_end(&h, Some(NOW - 80), Some(NOW - 40)).await;
    assert_eq!(messages, ["e2", "e3", "e4", "e5"]);
    let out = get(&h, |b| b.start_time(NOW - 80).end_time(NOW - 40))
        .await
        .unwrap();
    let newest: Vec<_> = out.events().iter().map(|e| e.message().unwrap()).collect();
    assert_eq!(newest, ["e2", "e3", "e4", "e5"]);
    let out = get(&h, |b| {
        b.start_time(NOW).end_time(NOW - 50).start_from_head(true)
    })
    .await
    .unwrap();
    assert!(out.events().is_empty());
}

#[tokio::test]
async fn events_come_sorted_by_timestamp_with_ties_in_arrival_order() {
    let h = harness().await;
    h.group_and_stream("g", "s").await;
    h.put_all("g", "s", &[(NOW - 10, "b1".into()), (NOW - 5, "c1".into())])
        .await;
    let token = h.upload_sequence_token("g", "s").await;
    h.client
        .put_log_events()
        .log_group_name("g")
        .log_stream_name("s")
        .set_log_events(Some(input_events(&[
            (NOW - 20, "a".into()),
            (NOW - 10, "b2".into()),
        ])))
        .set_sequence_token(token)
        .send()
        .await
        .unwrap();
    let out = get(&h, |b| b.start_from_head(true)).await.unwrap();
    let order: Vec<_> = out.events().iter().map(|e| e.message().unwrap()).collect();
    assert_eq!(order, ["a", "b1", "b2", "c1"]);
    assert!(out.events().iter().all(|e| e.ingestion_time() == Some(NOW)));
}

#[tokio::test]
async fn tokens_are_deterministic_positions_that_survive_later_writes() {
    let h = harness_with(cwlogs_emulator::SequenceTokenMode::Ignore).await;
    h.group_and_stream("g", "s").await;
    let events: Vec<(i64, String)> = (0..30)
        .map(|i| (NOW - 1_000 + i * 10, format!("e{i:02}")))
        .collect();
    h.put_all("g", "s", &events).await;
    let first = get(&h, |b| b.start_from_head(true).limit(10))
        .await
        .unwrap();
    let again = get(&h, |b| b.start_from_head(true).limit(10))
        .await
        .unwrap();
    assert_eq!(first.next_forward_token(), again.next_forward_token());
    assert_eq!(first.next_backward_token(), again.next_backward_token());

    // An event that sorts before the position already read is not returned going forward,
    // and nothing is repeated or skipped.
    h.put_all("g", "s", &[(NOW - 995, "late".into())]).await;
    let token = first.next_forward_token().unwrap().to_owned();
    let second = get(&h, |b| b.start_from_head(true).limit(10).next_token(token))
        .await
        .unwrap();
    let page: Vec<_> = second
        .events()
        .iter()
        .map(|e| e.message().unwrap())
        .collect();
    let want: Vec<String> = (10..20).map(|i| format!("e{i:02}")).collect();
    assert_eq!(page, want);

    // Events appended later are found from the end token.
    let (_, rest) = {
        let mut token = second.next_forward_token().unwrap().to_owned();
        let mut rest = Vec::new();
        loop {
            let sent = token.clone();
            let out = get(&h, |b| b.start_from_head(true).next_token(sent))
                .await
                .unwrap();
            rest.extend(out.events().iter().map(|e| e.message().unwrap().to_owned()));
            if out.next_forward_token() == Some(token.as_str()) {
                break ((), (rest, token));
            }
            token = out.next_forward_token().unwrap().to_owned();
        }
    };
    let (rest, end_token) = rest;
    assert_eq!(rest.len(), 10);
    h.put_all("g", "s", &[(NOW, "appended".into())]).await;
    let out = get(&h, |b| {
        b.start_from_head(true).next_token(end_token.clone())
    })
    .await
    .unwrap();
    let page: Vec<_> = out.events().iter().map(|e| e.message().unwrap()).collect();
    assert_eq!(page, ["appended"]);
}

#[tokio::test]
async fn an_empty_stream_answers_aws_shaped_tokens_that_repeat() {
    let h = harness().await;
    h.group_and_stream("g", "s").await;
    for head in [true, false] {
        let out = get(&h, |b| b.start_from_head(head)).await.unwrap();
        assert!(out.events().is_empty());
        let forward = out.next_forward_token().unwrap().to_owned();
        assert!(is_aws_page_token(&forward, 'f'), "{forward}");
        assert!(is_aws_page_token(out.next_backward_token().unwrap(), 'b'));
        let again = get(&h, |b| b.start_from_head(true).next_token(forward.clone()))
            .await
            .unwrap();
        assert_eq!(again.next_forward_token(), Some(forward.as_str()));
    }
}

#[tokio::test]
async fn malformed_or_foreign_tokens_are_invalid() {
    let h = harness().await;
    h.group_and_stream("g", "s").await;
    h.stream("g", "other").await;
    h.put_all("g", "s", &numbered_events(3)).await;
    let foreign = h
        .client
        .get_log_events()
        .log_group_name("g")
        .log_stream_name("other")
        .start_from_head(true)
        .send()
        .await
        .unwrap()
        .next_forward_token()
        .unwrap()
        .to_owned();
    let real = get(&h, |b| b.start_from_head(true))
        .await
        .unwrap()
        .next_forward_token()
        .unwrap()
        .to_owned();
    let tampered = format!(
        "{}{}",
        &real[..30],
        if &real[30..31] == "9" { "8" } else { "9" }
    ) + &real[31..];
    for token in [
        "invalid-token".to_string(),
        "f/123/s".into(),
        foreign,
        tampered,
    ] {
        let err = get(&h, |b| b.start_from_head(true).next_token(token.clone()))
            .await
            .unwrap_err();
        assert!(
            matches!(err, GetLogEventsError::InvalidParameterException(_)),
            "{token}"
        );
        assert_aws_error(
            &err,
            "InvalidParameterException",
            "The specified nextToken is invalid.",
        );
    }
}

#[tokio::test]
async fn missing_group_or_stream_and_identifier_forms() {
    let h = harness().await;
    let err = get(&h, |b| b).await.unwrap_err();
    assert_aws_error(
        &err,
        "ResourceNotFoundException",
        "The specified log group does not exist.",
    );
    h.group("g").await;
    let err = get(&h, |b| b).await.unwrap_err();
    assert_aws_error(
        &err,
        "ResourceNotFoundException",
        "The specified log stream does not exist.",
    );
    h.stream("g", "s").await;
    h.put_all("g", "s", &numbered_events(2)).await;
    let out = h
        .client
        .get_log_events()
        .log_group_identifier("arn:aws:logs:us-east-1:000000000000:log-group:g")
        .log_stream_name("s")
        .start_from_head(true)
        .send()
        .await
        .unwrap();
    assert_eq!(out.events().len(), 2);
    let err = get(&h, |b| b.log_group_identifier("g")).await.unwrap_err();
    // Not a modelled error of GetLogEvents, so the SDK surfaces it by code.
    assert_aws_error(
        &err,
        "ValidationException",
        "LogGroup name and LogGroup ARN are mutually exclusive parameters.",
    );
}

#[tokio::test]
async fn tokens_of_a_deleted_stream_do_not_work_on_its_successor() {
    let h = harness().await;
    h.group_and_stream("g", "s").await;
    h.put_all("g", "s", &numbered_events(3)).await;
    let old = get(&h, |b| b.start_from_head(true)).await.unwrap();
    let old_page_token = old.next_forward_token().unwrap().to_owned();
    let old_sequence_token = h.upload_sequence_token("g", "s").await.unwrap();
    h.client
        .delete_log_stream()
        .log_group_name("g")
        .log_stream_name("s")
        .send()
        .await
        .unwrap();
    h.stream("g", "s").await;
    h.put_all("g", "s", &numbered_events(3)).await;

    let err = get(&h, |b| b.start_from_head(true).next_token(old_page_token))
        .await
        .unwrap_err();
    assert_aws_error(
        &err,
        "InvalidParameterException",
        "The specified nextToken is invalid.",
    );
    let err = service_error(
        h.client
            .put_log_events()
            .log_group_name("g")
            .log_stream_name("s")
            .set_log_events(Some(input_events(&[(NOW, "x".into())])))
            .sequence_token(&old_sequence_token)
            .send()
            .await,
    );
    let current = h.upload_sequence_token("g", "s").await.unwrap();
    assert_ne!(current, old_sequence_token);
    assert_aws_error(
        &err,
        "InvalidSequenceTokenException",
        &invalid_token_message(&current),
    );
}
