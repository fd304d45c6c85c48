//! Property tests through the SDK: random batches, out-of-order puts, page limits and time
//! ranges, read forward and backward. The router-level suite in `emulator/tests` runs many more
//! cases; these few prove the same invariants hold through the real client.

use proptest::prelude::*;

use crate::common::*;

#[derive(Debug, Clone)]
struct Scenario {
    /// Each batch: sorted timestamp offsets (ms before NOW) with message lengths.
    batches: Vec<Vec<(i64, usize)>>,
    limit: Option<i32>,
    range: (Option<i64>, Option<i64>),
}

fn scenario() -> impl Strategy<Value = Scenario> {
    let batch = prop::collection::vec((0i64..5_000, 1usize..300), 1..60).prop_map(|mut events| {
        events.sort_by_key(|e| std::cmp::Reverse(e.0));
        events
    });
    (
        prop::collection::vec(batch, 1..6),
        prop::option::of(1i32..40),
        (prop::option::of(0i64..5_000), prop::option::of(0i64..5_000)),
    )
        .prop_map(|(batches, limit, (a, b))| Scenario {
            batches,
            limit,
            range: (a.map(|a| NOW - a), b.map(|b| NOW - b)),
        })
}

async fn check(s: Scenario) {
    let h = harness_with(cwlogs_emulator::SequenceTokenMode::Ignore).await;
    h.group_and_stream("g", "s").await;
    let mut expected: Vec<(i64, usize, String)> = Vec::new();
    for batch in &s.batches {
        let events: Vec<(i64, String)> = batch
            .iter()
            .map(|&(age, len)| {
                let n = expected.len();
                let message = format!("{n}:{}", "x".repeat(len));
                expected.push((NOW - age, n, message.clone()));
                (NOW - age, message)
            })
            .collect();
        h.put_all("g", "s", &events).await;
    }
    expected.sort_by_key(|(t, n, _)| (*t, *n));
    let (start, end) = s.range;
    expected.retain(|(t, _, _)| start.is_none_or(|st| *t >= st) && end.is_none_or(|en| *t < en));
    let want: Vec<String> = expected.into_iter().map(|(_, _, m)| m).collect();

    for head in [true, false] {
        let mut pages: Vec<Vec<String>> = Vec::new();
        let mut token: Option<String> = None;
        for _ in 0..1_000 {
            let out = h
                .client
                .get_log_events()
                .log_group_name("g")
                .log_stream_name("s")
                .start_from_head(head)
                .set_limit(s.limit)
                .set_start_time(start)
                .set_end_time(end)
                .set_next_token(token.clone())
                .send()
                .await
                .unwrap();
            let page: Vec<String> = out
                .events()
                .iter()
                .map(|e| e.message().unwrap().to_owned())
                .collect();
            if let Some(limit) = s.limit {
                assert!(page.len() <= limit as usize);
            }
            let next = if head {
                out.next_forward_token()
            } else {
                out.next_backward_token()
            }
            .map(str::to_owned);
            let done = next == token;
            if done {
                assert!(
                    page.is_empty(),
                    "the repeated token comes with an empty page"
                );
            }
            pages.push(page);
            if done {
                break;
            }
            token = next;
        }
        if !head {
            pages.reverse();
        }
        let got: Vec<String> = pages.into_iter().flatten().collect();
        assert_eq!(got, want, "startFromHead={head}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]
    #[test]
    fn pages_concatenate_to_the_sorted_events_exactly_once(s in scenario()) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(check(s));
    }
}
