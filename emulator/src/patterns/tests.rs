//! The pattern engine's tables and properties.

use proptest::prelude::*;

use super::*;

fn window() -> Window {
    Window {
        start: 0,
        end: 10_000,
        buckets: 10,
    }
}

fn cluster(messages: &[(i64, &str)]) -> Vec<Pattern> {
    let mut clusterer = Clusterer::new(window());
    for (t, m) in messages {
        clusterer.add(*t, m);
    }
    clusterer.finish()
}

#[test]
fn the_documented_example_is_one_pattern() {
    // AWS's Pattern analysis page: three events, one pattern.
    let patterns = cluster(&[
        (1, "2023-01-01 19:00:01 [INFO] Calling DynamoDB to store for resource id 12342342k124-12345"),
        (2, "2023-01-01 19:00:02 [INFO] Calling DynamoDB to store for resource id 324892398123-12345"),
        (3, "2023-01-01 19:00:03 [INFO] Calling DynamoDB to store for resource id 3ff231242342-12345"),
    ]);
    assert_eq!(patterns.len(), 1);
    assert_eq!(
        patterns[0].pattern,
        "<Time-1> [INFO] Calling DynamoDB to store for resource id <ID-2>"
    );
    assert_eq!(patterns[0].count, 3);
    assert_eq!(patterns[0].severity, Severity::Info);
    assert_eq!(patterns[0].id.len(), 32);
    assert_eq!(patterns[0].tokens[0].enumerations.len(), 3);
}

#[test]
fn differing_literals_become_tokens() {
    let patterns = cluster(&[
        (1, "user alice logged in"),
        (2, "user bob logged in"),
        (3, "disk full"),
    ]);
    assert_eq!(patterns[0].pattern, "user <Token-1> logged in");
    assert_eq!(patterns[0].count, 2);
    assert_eq!(
        patterns[0].tokens[0].enumerations,
        vec![("alice".to_owned(), 1), ("bob".to_owned(), 1)]
    );
    assert_eq!(patterns[1].pattern, "disk full");
}

#[test]
fn key_value_and_punctuation_stay_literal() {
    let patterns = cluster(&[
        (1, "GET /a status=200, took 12ms"),
        (2, "GET /a status=404, took 12ms"),
    ]);
    assert_eq!(patterns[0].pattern, "GET /a status=<Number-1>, took 12ms");
    assert!(patterns[0].tokens[0].error_code);
}

#[test]
fn json_messages_cluster_field_by_field() {
    let patterns = cluster(&[
        (
            1,
            r#"{"level":"INFO","service":"svc1","latency":12,"pad":"x"}"#,
        ),
        (
            2,
            r#"{"level":"INFO","service":"svc2","latency":340,"pad":"x"}"#,
        ),
        (
            3,
            r#"{"level":"ERROR","service":"svc1","latency":5,"pad":"x"}"#,
        ),
    ]);
    let found: Vec<(&str, u64, Severity)> = patterns
        .iter()
        .map(|p| (p.pattern.as_str(), p.count, p.severity))
        .collect();
    assert_eq!(
        found,
        [
            (
                r#"{"level":"INFO",<Token-1>"latency":<Number-2>,"pad":"x"}"#,
                2,
                Severity::Info
            ),
            (
                r#"{"level":"ERROR","service":"svc1","latency":<Number-1>,"pad":"x"}"#,
                1,
                Severity::Error
            ),
        ]
    );
}

#[test]
fn each_anomaly_kind_is_found() {
    let kinds = |messages: Vec<(i64, String)>| -> Vec<AnomalyKind> {
        let mut clusterer = Clusterer::new(window());
        for (t, m) in &messages {
            clusterer.add(*t, m);
        }
        let mut kinds: Vec<AnomalyKind> = clusterer
            .finish()
            .iter()
            .flat_map(|p| p.findings().iter().map(|f| f.kind))
            .collect();
        kinds.sort();
        kinds.dedup();
        kinds
    };
    let baseline = |f: &dyn Fn(i64) -> String| (0..90).map(|i| (i * 100, f(i))).collect::<Vec<_>>();
    // Frequency: 1 per 1000 ms, then 20 in the last bucket.
    let mut m = baseline(&|_| "heartbeat ok".into());
    m.retain(|(t, _)| t % 1000 == 0);
    m.extend((0..20).map(|i| (9_000 + i, "heartbeat ok".to_owned())));
    assert_eq!(kinds(m), vec![AnomalyKind::PatternFrequency]);
    // New pattern.
    let mut m = baseline(&|_| "heartbeat ok".into());
    m.push((9_500, "disk on fire".into()));
    assert_eq!(kinds(m), vec![AnomalyKind::NewPattern]);
    // Token variation.
    let mut m = baseline(&|i| format!("login region {}", ["east", "west"][i as usize % 2]));
    m.push((9_500, "login region north".into()));
    assert_eq!(kinds(m), vec![AnomalyKind::TokenVariation]);
    // Numeric token.
    let mut m = baseline(&|i| format!("latency {} ms", 100 + i % 5));
    m.push((9_500, "latency 5000 ms".into()));
    assert_eq!(kinds(m), vec![AnomalyKind::NumericToken]);
    // HTTP error code.
    let mut m = baseline(&|_| "GET /api 200".into());
    m.push((10, "GET /api 201".into()));
    m.extend((0..5).map(|i| (9_500 + i, "GET /api 503".to_owned())));
    assert_eq!(kinds(m), vec![AnomalyKind::HttpErrorCode]);
}

fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z]{1,8}",
        "[0-9]{1,5}",
        "[0-9a-f]{8,12}",
        "(10|192)\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}",
        "2024-0[1-9]-1[0-9] 1[0-9]:[0-5][0-9]:[0-5][0-9]",
        "2024-0[1-9]-1[0-9]",
        "[a-z]{2,5}=[0-9a-z]{1,6}[,;]?",
        "\\{\"[a-z]{1,4}\":[0-9]{1,3},\"[a-z]{1,3}\":\"[a-z0-9]{1,4}\"\\}",
        "\\[?[A-Z]{4,5}\\]?",
        "\\PC{1,6}",
    ]
}

fn message() -> impl Strategy<Value = String> {
    prop::collection::vec(word(), 0..8).prop_map(|w| w.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn counts_add_up_samples_match_and_output_is_deterministic(
        messages in prop::collection::vec((0i64..10_000, message()), 0..40),
        // Small caps put the past-the-cap rule under the same properties.
        cap in prop::sample::select(vec![1usize, 3, MAX_CLUSTERS]),
    ) {
        let run = || {
            let mut c = Clusterer::with_cap(window(), cap);
            for (t, m) in &messages {
                c.add(*t, m);
            }
            c.finish()
        };
        let patterns = run();
        let total: u64 = patterns.iter().map(|p| p.count).sum();
        prop_assert_eq!(total, messages.len() as u64);
        let regexes: Vec<regex::Regex> =
            patterns.iter().map(|p| regex::Regex::new(&p.regex).unwrap()).collect();
        let mut members = 0;
        for (p, regex) in patterns.iter().zip(&regexes) {
            for (_, sample) in &p.samples {
                prop_assert!(regex.is_match(sample), "{:?} does not match {}", sample, p.regex);
            }
            prop_assert_eq!(p.histogram.iter().map(|(_, c)| c).sum::<u64>(), p.count);
            prop_assert_eq!(p.id.len(), 32);
            members += p.count;
        }
        prop_assert_eq!(members, total);
        // Every message matches the regex of some pattern.
        for (_, m) in &messages {
            prop_assert!(regexes.iter().any(|r| r.is_match(m)), "{:?}", m);
        }
        let again = run();
        let texts = |ps: &[Pattern]| ps.iter().map(|p| (p.pattern.clone(), p.count, p.regex.clone())).collect::<Vec<_>>();
        prop_assert_eq!(texts(&patterns), texts(&again));
    }
}

#[test]
fn past_the_cluster_cap_messages_join_existing_clusters_or_the_overflow() {
    let mut clusterer = Clusterer::with_cap(window(), 2);
    let messages = [
        "user alice logged in",
        "disk full",
        // Its leaf ("user", 4 words) has a cluster: it joins it although only 1 of 4 agree.
        "user x y z",
        // A leaf of its own: the overflow pattern takes it.
        "cache miss for key 7",
        "totally different words here now",
        "user bob logged in",
    ];
    for (t, m) in messages.iter().enumerate() {
        clusterer.add(t as i64, m);
    }
    let patterns = clusterer.finish();
    let texts: Vec<(&str, u64)> = patterns
        .iter()
        .map(|p| (p.pattern.as_str(), p.count))
        .collect();
    assert_eq!(
        texts,
        [
            ("user <Token-1> <Token-2> <Token-3>", 3),
            ("<Token-1>", 2),
            ("disk full", 1)
        ]
    );
    assert_eq!(patterns.iter().map(|p| p.count).sum::<u64>(), 6);
    for pattern in &patterns {
        let regex = regex::Regex::new(&pattern.regex).unwrap();
        for (_, sample) in &pattern.samples {
            assert!(regex.is_match(sample), "{sample} !~ {}", pattern.regex);
        }
    }
}
