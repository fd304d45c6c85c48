//! The pattern engine through the Rust SDK: Insights' `pattern` over a synthetic corpus with
//! known templates, and the log anomaly detectors (create, list, ListAnomalies on the
//! emulator's clock, UpdateAnomaly, the errors).

use aws_sdk_cloudwatchlogs::operation::get_query_results::GetQueryResultsOutput;
use aws_sdk_cloudwatchlogs::types::{
    AnomalyDetectorStatus, EvaluationFrequency, QueryStatus, State, SuppressionState,
    SuppressionType,
};

use crate::common::{assert_aws_error, harness, service_error, Harness, MINUTE, NOW};

/// A small deterministic generator (the corpus must be the same on every run).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % below
    }

    fn hex(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from_digit(self.next(16) as u32, 16).unwrap())
            .collect()
    }

    fn uuid(&mut self) -> String {
        format!(
            "{}-{}-{}-{}-{}",
            self.hex(8),
            self.hex(4),
            self.hex(4),
            self.hex(4),
            self.hex(12)
        )
    }

    fn ip(&mut self) -> String {
        format!(
            "10.{}.{}.{}",
            self.next(256),
            self.next(256),
            self.next(256)
        )
    }
}

/// The corpus: five templates with random values and two error templates, with the pattern
/// each must come back as and how many events it has.
fn corpus() -> (Vec<String>, Vec<(&'static str, usize)>) {
    let mut r = Lcg(7);
    let expected = vec![
        ("<Time-1> INFO user <ID-2> logged in from <IP-3>", 50),
        (
            "INFO GET /api/orders order_id=<Number-1> took <Number-2> ms",
            40,
        ),
        ("DEBUG cache hit key=<ID-1> size=<Number-2>", 30),
        (
            "INFO payment <UUID-1> processed amount=<Number-2> currency=USD",
            20,
        ),
        ("WARN disk usage at <Number-1> percent on volume <ID-2>", 10),
        (
            "ERROR database connection to <IP-1> timed out after <Number-2> ms",
            7,
        ),
        ("ERROR request <UUID-1> failed with status <Number-2>", 3),
    ];
    let mut messages = Vec::new();
    for (template, count) in &expected {
        for _ in 0..*count {
            let message = match template.split(' ').nth(1).unwrap() {
                "INFO" => format!(
                    "2026-01-01T00:{:02}:{:02}.{:03}Z INFO user u{:06} logged in from {}",
                    r.next(60),
                    r.next(60),
                    r.next(1000),
                    r.next(1_000_000),
                    r.ip()
                ),
                "GET" => format!(
                    "INFO GET /api/orders order_id={} took {} ms",
                    r.next(100_000),
                    r.next(2000)
                ),
                "cache" => format!("DEBUG cache hit key=a{} size={}", r.hex(15), r.next(65_536)),
                "payment" => format!(
                    "INFO payment {} processed amount={}.{:02} currency=USD",
                    r.uuid(),
                    r.next(1000),
                    r.next(100)
                ),
                "disk" => format!(
                    "WARN disk usage at {} percent on volume vol-a{}",
                    r.next(100),
                    r.hex(7)
                ),
                "database" => format!(
                    "ERROR database connection to {} timed out after {} ms",
                    r.ip(),
                    r.next(30_000)
                ),
                _ => format!(
                    "ERROR request {} failed with status {}",
                    r.uuid(),
                    [500, 502, 503][r.next(3) as usize]
                ),
            };
            messages.push(message);
        }
    }
    // Interleave the templates, as real logs do.
    let mut shuffled = Vec::with_capacity(messages.len());
    while !messages.is_empty() {
        let i = r.next(messages.len() as u64) as usize;
        shuffled.push(messages.swap_remove(i));
    }
    (shuffled, expected)
}

async fn finished(h: &Harness, query: &str) -> GetQueryResultsOutput {
    let id = h
        .client
        .start_query()
        .log_group_name("app")
        .start_time((NOW - 20 * MINUTE) / 1000)
        .end_time(NOW / 1000)
        .query_string(query)
        .send()
        .await
        .unwrap()
        .query_id
        .unwrap();
    for _ in 0..400 {
        let out = h
            .client
            .get_query_results()
            .query_id(&id)
            .send()
            .await
            .unwrap();
        if out.status() != Some(&QueryStatus::Running) {
            return out;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("query {id} did not end");
}

fn field<'o>(row: &'o [aws_sdk_cloudwatchlogs::types::ResultField], name: &str) -> &'o str {
    row.iter()
        .find(|f| f.field() == Some(name))
        .and_then(|f| f.value())
        .unwrap_or_else(|| panic!("no {name} in {row:?}"))
}

#[tokio::test]
async fn the_synthetic_corpus_comes_back_as_its_templates_with_exact_counts() {
    let h = harness().await;
    h.group_and_stream("app", "web").await;
    let (messages, expected) = corpus();
    let events: Vec<(i64, String)> = messages
        .into_iter()
        .enumerate()
        .map(|(i, m)| (NOW - 15 * MINUTE + i as i64 * 1000, m))
        .collect();
    h.put_all("app", "web", &events).await;

    let out = finished(&h, "pattern @message").await;
    assert_eq!(out.status(), Some(&QueryStatus::Complete));
    let found: Vec<(String, usize)> = out
        .results()
        .iter()
        .map(|row| {
            (
                field(row, "@pattern").to_owned(),
                field(row, "@sampleCount").parse().unwrap(),
            )
        })
        .collect();
    let expected: Vec<(String, usize)> = expected
        .iter()
        .map(|(p, c)| ((*p).to_owned(), *c))
        .collect();
    assert_eq!(found, expected);
    let first = &out.results()[0];
    assert_eq!(field(first, "@ratio"), "0.3125");
    assert_eq!(field(first, "@severityLabel"), "Info");
    assert_eq!(field(first, "@PatternId").len(), 32);
    let errors = &out.results()[5];
    assert_eq!(field(errors, "@severityLabel"), "Error");
    let samples: serde_json::Value = serde_json::from_str(field(errors, "@logSamples")).unwrap();
    assert!(samples[0]["logEvent"]
        .as_str()
        .unwrap()
        .starts_with("ERROR database connection to 10."));
}

/// A detector on group "app" and its ARN.
async fn detector(h: &Harness) -> String {
    h.client
        .create_log_anomaly_detector()
        .log_group_arn_list("arn:aws:logs:us-east-1:000000000000:log-group:app")
        .detector_name("app-detector")
        .evaluation_frequency(EvaluationFrequency::OneMin)
        .send()
        .await
        .unwrap()
        .anomaly_detector_arn
        .unwrap()
}

#[tokio::test]
async fn a_detector_reports_a_spike_at_its_evaluation_frequency_and_can_be_suppressed() {
    let h = harness().await;
    h.group_and_stream("app", "web").await;
    let arn = detector(&h).await;
    let got = h
        .client
        .get_log_anomaly_detector()
        .anomaly_detector_arn(&arn)
        .send()
        .await
        .unwrap();
    assert_eq!(got.detector_name(), Some("app-detector"));
    assert_eq!(
        got.anomaly_detector_status(),
        Some(&AnomalyDetectorStatus::Training)
    );
    assert_eq!(got.anomaly_visibility_time(), Some(7));
    assert_eq!(got.creation_time_stamp(), NOW);

    // Six quiet minutes: two heartbeats a minute. Then a minute of 30 errors.
    let mut events: Vec<(i64, String)> = (0..12)
        .map(|i| (NOW + i * 30_000, "heartbeat ok".to_owned()))
        .collect();
    events.extend((0..30).map(|i| {
        (
            NOW + 6 * MINUTE + i * 1000,
            format!("ERROR upstream 10.0.0.{i} refused connection"),
        )
    }));
    events.extend((0..30).map(|i| (NOW + 6 * MINUTE + i * 1000 + 500, "heartbeat ok".to_owned())));
    events.sort();
    h.put_all("app", "web", &events).await;

    // Before the 7th minute ends, nothing is reported.
    h.clock.set(NOW + 6 * MINUTE + 59_000);
    let none = h
        .client
        .list_anomalies()
        .anomaly_detector_arn(&arn)
        .send()
        .await
        .unwrap();
    assert!(none.anomalies().is_empty(), "{none:?}");

    h.clock.set(NOW + 7 * MINUTE);
    let list = h
        .client
        .list_anomalies()
        .anomaly_detector_arn(&arn)
        .send()
        .await
        .unwrap();
    let mut found: Vec<(String, String, bool)> = list
        .anomalies()
        .iter()
        .map(|a| {
            (
                a.pattern_string().to_owned(),
                a.description().to_owned(),
                a.active(),
            )
        })
        .collect();
    found.sort();
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(found[0].0, "ERROR upstream <IP-1> refused connection");
    assert!(
        found[0].1.starts_with("New pattern seen 30 times"),
        "{}",
        found[0].1
    );
    assert_eq!(found[1].0, "heartbeat ok");
    assert!(
        found[1].1.starts_with("Count of the pattern rose to 30"),
        "{}",
        found[1].1
    );
    let error = list
        .anomalies()
        .iter()
        .find(|a| a.pattern_string().starts_with("ERROR"))
        .unwrap();
    assert_eq!(error.anomaly_id().len(), 36);
    assert_eq!(error.pattern_id().len(), 32);
    assert_eq!(error.priority(), Some("HIGH"));
    assert_eq!(error.first_seen(), NOW + 6 * MINUTE);
    assert_eq!(
        error.histogram().get(&(NOW + 6 * MINUTE).to_string()),
        Some(&30)
    );
    assert_eq!(error.state(), &State::Active);
    assert!(regex_lite_match(
        error.pattern_regex().unwrap(),
        error.log_samples()[0].message().unwrap()
    ));
    assert!(error
        .pattern_tokens()
        .iter()
        .any(|t| t.is_dynamic() == Some(true) && t.enumerations().map(|e| e.len()) == Some(30)));

    h.client
        .update_anomaly()
        .anomaly_detector_arn(&arn)
        .anomaly_id(error.anomaly_id())
        .suppression_type(SuppressionType::Infinite)
        .send()
        .await
        .unwrap();
    let suppressed = h
        .client
        .list_anomalies()
        .anomaly_detector_arn(&arn)
        .suppression_state(SuppressionState::Suppressed)
        .send()
        .await
        .unwrap();
    assert_eq!(suppressed.anomalies().len(), 1);
    assert_eq!(suppressed.anomalies()[0].state(), &State::Suppressed);
    assert_eq!(suppressed.anomalies()[0].suppressed(), Some(true));
    // Without suppressionType and suppressionPeriod, UpdateAnomaly ends the suppression.
    h.client
        .update_anomaly()
        .anomaly_detector_arn(&arn)
        .anomaly_id(error.anomaly_id())
        .send()
        .await
        .unwrap();
    let unsuppressed = h
        .client
        .list_anomalies()
        .anomaly_detector_arn(&arn)
        .suppression_state(SuppressionState::Unsuppressed)
        .send()
        .await
        .unwrap();
    assert_eq!(unsuppressed.anomalies().len(), 2);

    // The next minute is quiet: the anomalies stay listed, no longer active.
    h.clock.set(NOW + 8 * MINUTE);
    let later = h
        .client
        .list_anomalies()
        .anomaly_detector_arn(&arn)
        .send()
        .await
        .unwrap();
    assert!(later.anomalies().iter().all(|a| !a.active()));
    let status = h
        .client
        .get_log_anomaly_detector()
        .anomaly_detector_arn(&arn)
        .send()
        .await
        .unwrap();
    assert_eq!(
        status.anomaly_detector_status(),
        Some(&AnomalyDetectorStatus::Analyzing)
    );
}

/// Whether `regex` (the emulator's, Rust syntax) matches `text`: the sample belongs to it.
fn regex_lite_match(regex: &str, text: &str) -> bool {
    // The test crate has no regex dependency; the pattern's fixed words must appear in order.
    let mut rest = text;
    for literal in regex
        .trim_start_matches("^\\s*")
        .split("\\s+")
        .filter(|w| !w.contains('\\') && !w.contains('('))
    {
        match rest.find(literal) {
            Some(at) => rest = &rest[at + literal.len()..],
            None => return false,
        }
    }
    true
}

#[tokio::test]
async fn detector_listing_update_delete_and_errors() {
    let h = harness().await;
    h.group("app").await;
    let arn = detector(&h).await;
    assert!(arn.starts_with("arn:aws:logs:us-east-1:000000000000:anomaly-detector:"));
    let listed = h.client.list_log_anomaly_detectors().send().await.unwrap();
    assert_eq!(listed.anomaly_detectors().len(), 1);
    assert_eq!(
        listed.anomaly_detectors()[0].anomaly_detector_arn(),
        Some(arn.as_str())
    );
    assert_eq!(
        listed.anomaly_detectors()[0].evaluation_frequency(),
        Some(&EvaluationFrequency::OneMin)
    );

    h.clock.set(NOW + MINUTE);
    h.client
        .update_log_anomaly_detector()
        .anomaly_detector_arn(&arn)
        .enabled(false)
        .anomaly_visibility_time(30)
        .send()
        .await
        .unwrap();
    let got = h
        .client
        .get_log_anomaly_detector()
        .anomaly_detector_arn(&arn)
        .send()
        .await
        .unwrap();
    assert_eq!(
        got.anomaly_detector_status(),
        Some(&AnomalyDetectorStatus::Paused)
    );
    assert_eq!(got.anomaly_visibility_time(), Some(30));
    assert_eq!(got.last_modified_time_stamp(), NOW + MINUTE);

    let two = h
        .client
        .create_log_anomaly_detector()
        .log_group_arn_list("arn:aws:logs:us-east-1:000000000000:log-group:app")
        .log_group_arn_list("arn:aws:logs:us-east-1:000000000000:log-group:other")
        .send()
        .await;
    assert_aws_error(
        &service_error(two),
        "InvalidParameterException",
        "logGroupArnList must contain exactly one log group ARN.",
    );
    let missing_group = h
        .client
        .create_log_anomaly_detector()
        .log_group_arn_list("arn:aws:logs:us-east-1:000000000000:log-group:nope")
        .send()
        .await;
    assert_aws_error(
        &service_error(missing_group),
        "ResourceNotFoundException",
        "The specified log group does not exist.",
    );
    let visibility = h
        .client
        .create_log_anomaly_detector()
        .log_group_arn_list("arn:aws:logs:us-east-1:000000000000:log-group:app")
        .anomaly_visibility_time(3)
        .send()
        .await;
    assert_aws_error(
        &service_error(visibility),
        "InvalidParameterException",
        "1 validation error detected: Value '3' at 'anomalyVisibilityTime' failed to satisfy constraint: Member must have value greater than or equal to 7",
    );

    h.client
        .delete_log_anomaly_detector()
        .anomaly_detector_arn(&arn)
        .send()
        .await
        .unwrap();
    let gone = h
        .client
        .get_log_anomaly_detector()
        .anomaly_detector_arn(&arn)
        .send()
        .await;
    assert_aws_error(
        &service_error(gone),
        "ResourceNotFoundException",
        "The specified anomaly detector does not exist.",
    );
}
