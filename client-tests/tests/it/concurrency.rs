//! Concurrent writers: nothing lost, nothing stored twice, one winner per sequence token.

use std::collections::BTreeSet;

use cwlogs_emulator::SequenceTokenMode;

use crate::common::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_puts_with_one_token_have_exactly_one_winner() {
    let h = harness().await;
    h.group_and_stream("g", "s").await;
    let token = {
        let out = h
            .client
            .put_log_events()
            .log_group_name("g")
            .log_stream_name("s")
            .set_log_events(Some(input_events(&[(NOW, "seed".into())])))
            .send()
            .await
            .unwrap();
        out.next_sequence_token().unwrap().to_owned()
    };
    let tasks: Vec<_> = (0..16)
        .map(|i| {
            let client = h.client.clone();
            let token = token.clone();
            tokio::spawn(async move {
                client
                    .put_log_events()
                    .log_group_name("g")
                    .log_stream_name("s")
                    .set_log_events(Some(input_events(&[(NOW, format!("writer {i}"))])))
                    .sequence_token(token)
                    .send()
                    .await
                    .map_err(|e| e.into_service_error())
            })
        })
        .collect();
    let mut winners = 0;
    let mut losers = Vec::new();
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => winners += 1,
            Err(err) => losers.push(err),
        }
    }
    assert_eq!(winners, 1);
    assert_eq!(losers.len(), 15);
    // Every loser came after the winner, so each was told the token the winner's put returned.
    let current = h.upload_sequence_token("g", "s").await.unwrap();
    for err in &losers {
        assert_aws_error(
            err,
            "InvalidSequenceTokenException",
            &invalid_token_message(&current),
        );
    }
    assert_eq!(h.read_all("g", "s").await.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_lose_and_duplicate_nothing() {
    let h = harness_with(SequenceTokenMode::Ignore).await;
    h.group("g").await;
    for stream in [
        "shared", "own-0", "own-1", "own-2", "own-3", "own-4", "own-5", "own-6", "own-7",
    ] {
        h.stream("g", stream).await;
    }
    let writers: Vec<_> = (0..8)
        .map(|w| {
            let client = h.client.clone();
            tokio::spawn(async move {
                for batch in 0..10 {
                    let events: Vec<(i64, String)> = (0..250)
                        .map(|i| (NOW - 1_000 + i, format!("w{w}-b{batch}-e{i}")))
                        .collect();
                    for stream in ["shared".to_string(), format!("own-{w}")] {
                        client
                            .put_log_events()
                            .log_group_name("g")
                            .log_stream_name(stream)
                            .set_log_events(Some(input_events(&events)))
                            .send()
                            .await
                            .unwrap();
                    }
                }
            })
        })
        .collect();
    for writer in writers {
        writer.await.unwrap();
    }
    let shared = h.read_all("g", "shared").await;
    assert_eq!(shared.len(), 8 * 10 * 250);
    assert_eq!(
        shared.iter().collect::<BTreeSet<_>>().len(),
        shared.len(),
        "no duplicates"
    );
    for w in 0..8 {
        let own = h.read_all("g", &format!("own-{w}")).await;
        assert_eq!(own.len(), 10 * 250);
        assert!(own.iter().all(|m| m.starts_with(&format!("w{w}-"))));
    }
}
