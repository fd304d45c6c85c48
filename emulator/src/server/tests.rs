//! Protocol tests through the router, without a socket: framing, targets, bodies, errors.

use std::sync::Arc;

use super::router;
use crate::protocol::{Operation, ALL_OPERATIONS, CONTENT_TYPE};
use crate::store::Store;
use crate::Config;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use proptest::prelude::*;
use tower::ServiceExt;

fn app() -> axum::Router {
    let config = Config::default();
    router(
        Arc::new(Store::from_config(&config)),
        &config,
        super::Timeouts::default(),
    )
}

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    json: serde_json::Value,
}

async fn send(app: &axum::Router, request: Request<Body>) -> Answer {
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let json = if bytes.is_empty() {
        serde_json::Value::Null
    } else {
        serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{e}: {bytes:?}"))
    };
    Answer {
        status,
        headers,
        json,
    }
}

fn call(target: Option<&str>, body: impl Into<Body>) -> Request<Body> {
    let mut builder = Request::post("/").header("content-type", CONTENT_TYPE);
    if let Some(target) = target {
        builder = builder.header("x-amz-target", target);
    }
    builder.body(body.into()).unwrap()
}

/// Creates the log group `g`.
async fn create_group_g(app: &axum::Router) {
    let answer = send(
        app,
        call(Some(&op("CreateLogGroup")), r#"{"logGroupName":"g"}"#),
    )
    .await;
    assert!(
        answer.status.is_success() || answer.json["__type"] == "ResourceAlreadyExistsException"
    );
}

fn op(name: &str) -> String {
    format!("Logs_20140328.{name}")
}

#[track_caller]
fn assert_error(answer: &Answer, status: u16, code: &str) {
    assert_eq!(answer.status.as_u16(), status, "{:?}", answer.json);
    assert_eq!(answer.json["__type"], code, "{:?}", answer.json);
    assert_eq!(answer.headers["x-amzn-errortype"], code);
    assert_eq!(answer.headers["content-type"], CONTENT_TYPE);
    assert!(answer.json["message"]
        .as_str()
        .is_some_and(|m| !m.is_empty()));
}

#[tokio::test]
async fn every_implemented_target_is_routed_and_answers_with_a_request_id() {
    let app = app();
    for operation in Operation::IMPLEMENTED {
        let answer = send(&app, call(Some(&op(operation.name())), "{}")).await;
        let code = answer.json["__type"].as_str().unwrap_or("");
        // The newer APIs (deliveries, scheduled queries, ...) answer model violations with
        // ValidationException.
        assert!(
            answer.status == StatusCode::OK
                || [
                    "InvalidParameterException",
                    "ResourceNotFoundException",
                    "ValidationException",
                ]
                .contains(&code),
            "{operation:?}: {} {:?}",
            answer.status,
            answer.json
        );
        let id = answer.headers["x-amzn-requestid"].to_str().unwrap();
        assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");
        assert_eq!(answer.headers["content-type"], CONTENT_TYPE);
    }
}

#[tokio::test]
async fn missing_and_unknown_targets_are_unknown_operation() {
    let app = app();
    assert_error(
        &send(&app, call(None, "{}")).await,
        400,
        "UnknownOperationException",
    );
    for target in [
        op("Frobnicate"),
        "Logs_20140328".into(),
        "Kinesis_20131202.PutRecord".into(),
        "logs_20140328.CreateLogGroup".into(),
    ] {
        assert_error(
            &send(&app, call(Some(&target), "{}")).await,
            400,
            "UnknownOperationException",
        );
    }
}

#[tokio::test]
async fn every_model_operation_is_known_and_implemented() {
    let app = app();
    for name in ALL_OPERATIONS {
        let answer = send(&app, call(Some(&op(name)), "{}")).await;
        assert_ne!(answer.json["__type"], "UnknownOperationException", "{name}");
        assert_ne!(answer.json["__type"], "NotImplementedException", "{name}");
        assert_ne!(answer.status.as_u16(), 501, "{name}");
    }
    // Near misses of model names are unknown operations (400), as AWS answers any target it
    // does not know (aws/aws-sdk-net#1536: CloudWatch Logs' UnknownOperationException).
    for name in [
        "GetLogField",
        "createLogGroup",
        "ListAggregateLogGroupSummary",
    ] {
        let answer = send(&app, call(Some(&op(name)), "{}")).await;
        assert_error(&answer, 400, "UnknownOperationException");
    }
}

#[tokio::test]
async fn bad_bodies_are_serialization_exceptions() {
    let app = app();
    for body in [
        "{",
        "[]",
        "null",
        "\"x\"",
        "{\"limit\": \"5\"}",
        "{\"limit\": 1.5}",
        "{\"logGroupNamePrefix\": 5}",
        "{\"logGroupNamePrefix\": {}}",
        "{\"a\":1,}",
    ] {
        let answer = send(&app, call(Some(&op("DescribeLogGroups")), body)).await;
        assert_error(&answer, 400, "SerializationException");
    }
    let answer = send(&app, call(Some(&op("DescribeLogGroups")), &b"\xff\xfe"[..])).await;
    assert_error(&answer, 400, "SerializationException");
}

#[tokio::test]
async fn an_empty_body_is_an_empty_input() {
    let app = app();
    let answer = send(&app, call(Some(&op("DescribeLogGroups")), "")).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.json, serde_json::json!({"logGroups": []}));
    let answer = send(&app, call(Some(&op("CreateLogGroup")), "")).await;
    assert_error(&answer, 400, "InvalidParameterException");
    assert_eq!(
        answer.json["message"],
        "1 validation error detected: Value null at 'logGroupName' failed to satisfy constraint: Member must not be null"
    );
}

#[tokio::test]
async fn wrong_method_or_path_is_a_4xx_in_aws_shape() {
    let app = app();
    let get = Request::get("/").body(Body::empty()).unwrap();
    assert_error(&send(&app, get).await, 405, "MethodNotAllowedException");
    let elsewhere = Request::post("/logs")
        .header("x-amz-target", op("DescribeLogGroups"))
        .body(Body::from("{}"))
        .unwrap();
    assert_error(&send(&app, elsewhere).await, 404, "NotFoundException");
}

#[tokio::test]
async fn oversized_bodies_are_refused_before_they_are_read() {
    let app = app();
    let declared = Request::post("/")
        .header("x-amz-target", op("PutLogEvents"))
        .header("content-length", "1000000000")
        .body(Body::from("{}"))
        .unwrap();
    assert_error(
        &send(&app, declared).await,
        413,
        "RequestEntityTooLargeException",
    );
    // A streamed body with no declared length that turns out too large.
    let streamed = Request::post("/")
        .header("x-amz-target", op("PutLogEvents"))
        .body(Body::new(MebibyteChunks(9)))
        .unwrap();
    assert_error(
        &send(&app, streamed).await,
        413,
        "RequestEntityTooLargeException",
    );
}

/// A body of N chunks of 1 MiB, with no Content-Length.
struct MebibyteChunks(usize);

impl http_body::Body for MebibyteChunks {
    type Data = axum::body::Bytes;
    type Error = std::io::Error;
    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        if self.0 == 0 {
            return std::task::Poll::Ready(None);
        }
        self.0 -= 1;
        let chunk = axum::body::Bytes::from(vec![b' '; 1 << 20]);
        std::task::Poll::Ready(Some(Ok(http_body::Frame::data(chunk))))
    }
}

#[tokio::test]
async fn health_and_reset_routes() {
    let app = app();
    let health = send(&app, Request::get("/health").body(Body::empty()).unwrap()).await;
    assert_eq!(health.status, StatusCode::OK);
    assert_eq!(health.json["status"], "ok");
    let create = send(
        &app,
        call(Some(&op("CreateLogGroup")), r#"{"logGroupName":"g"}"#),
    )
    .await;
    assert_eq!(create.status, StatusCode::OK);
    assert_eq!(
        create.json,
        serde_json::Value::Null,
        "no output members, no body"
    );
    for path in ["/_cwlogs/reset", "/moto-api/reset"] {
        send(
            &app,
            call(Some(&op("CreateLogGroup")), r#"{"logGroupName":"g"}"#),
        )
        .await;
        let reset = send(&app, Request::post(path).body(Body::empty()).unwrap()).await;
        assert_eq!(reset.status, StatusCode::OK);
        let listed = send(&app, call(Some(&op("DescribeLogGroups")), "{}")).await;
        assert_eq!(listed.json["logGroups"], serde_json::json!([]), "{path}");
    }
}

#[tokio::test]
async fn sequence_token_errors_carry_the_expected_token_member() {
    let app = app();
    send(
        &app,
        call(Some(&op("CreateLogGroup")), r#"{"logGroupName":"g"}"#),
    )
    .await;
    send(
        &app,
        call(
            Some(&op("CreateLogStream")),
            r#"{"logGroupName":"g","logStreamName":"s"}"#,
        ),
    )
    .await;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis();
    let put = format!(
        r#"{{"logGroupName":"g","logStreamName":"s","logEvents":[{{"timestamp":{now},"message":"m"}}]}}"#
    );
    let first = send(&app, call(Some(&op("PutLogEvents")), put.clone())).await;
    let token = first.json["nextSequenceToken"].as_str().unwrap().to_owned();
    let again = send(&app, call(Some(&op("PutLogEvents")), put)).await;
    assert_error(&again, 400, "DataAlreadyAcceptedException");
    assert_eq!(again.json["expectedSequenceToken"], token.as_str());
}

fn any_target() -> impl Strategy<Value = String> {
    prop::sample::select(Operation::IMPLEMENTED.to_vec()).prop_map(|o| op(o.name()))
}

/// JSON-ish bodies: random members with random JSON values, plus raw noise.
fn any_body() -> impl Strategy<Value = Vec<u8>> {
    let value = prop_oneof![
        Just("null".to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|n| format!("{n:?}")),
        "[a-z@:*/ ]{0,12}".prop_map(|s| format!("{s:?}")),
        Just("[]".to_string()),
        Just("{}".to_string()),
        Just(r#"[{"timestamp":1,"message":"m"}]"#.to_string()),
        Just(r#"[{"timestamp":-1}]"#.to_string()),
        Just("true".to_string()),
    ];
    let member = prop::sample::select(vec![
        "logGroupName",
        "logStreamName",
        "logGroupIdentifier",
        "logEvents",
        "limit",
        "nextToken",
        "startTime",
        "endTime",
        "startFromHead",
        "sequenceToken",
        "orderBy",
        "descending",
        "logStreamNamePrefix",
        "logGroupNamePrefix",
        "logGroupNamePattern",
        "tags",
        "logGroupClass",
    ]);
    prop_oneof![
        prop::collection::vec((member, value), 0..6).prop_map(|members| {
            let inner: Vec<String> = members.iter().map(|(k, v)| format!("{k:?}:{v}")).collect();
            format!("{{{}}}", inner.join(",")).into_bytes()
        }),
        prop::collection::vec(any::<u8>(), 0..64),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]
    /// Whatever a client sends, the answer is a well-formed 2xx or 4xx: never a panic or 5xx.
    #[test]
    fn no_input_causes_a_server_error(target in any_target(), body in any_body()) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
        let answer = runtime.block_on(async {
            let app = app();
            send(&app, call(Some("Logs_20140328.CreateLogGroup"), r#"{"logGroupName":"g"}"#)).await;
            send(&app, call(Some(&target), body.clone())).await
        });
        prop_assert!(answer.status.is_success() || answer.status.is_client_error(), "{} {:?}", answer.status, answer.json);
        if !answer.status.is_success() {
            prop_assert!(answer.json["__type"].is_string());
        }
    }
}

/// An in-process emulator on a real socket, for tests about connections.
async fn served(builder: crate::EmulatorBuilder) -> crate::Emulator {
    builder.start().await.unwrap()
}

/// Reads one HTTP/1.1 response (status, lower-cased headers, body) from `reader`; `None` when
/// the connection closed first.
async fn read_response(
    reader: &mut tokio::io::BufReader<tokio::net::TcpStream>,
) -> Option<(u16, Vec<(String, String)>, Vec<u8>)> {
    use tokio::io::{AsyncBufReadExt, AsyncReadExt};
    let mut status_line = String::new();
    if reader.read_line(&mut status_line).await.ok()? == 0 {
        return None;
    }
    let status = status_line.split(' ').nth(1)?.parse().ok()?;
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).await.ok()?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':')?;
        headers.push((name.to_ascii_lowercase(), value.trim().to_owned()));
    }
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .map_or(0, |(_, v)| v.parse().unwrap());
    let mut body = vec![0; length];
    reader.read_exact(&mut body).await.ok()?;
    Some((status, headers, body))
}

fn raw_call(target: &str, body: &str) -> String {
    format!(
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: {CONTENT_TYPE}\r\nX-Amz-Target: {target}\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

#[tokio::test]
async fn an_early_error_leaves_a_keep_alive_connection_usable() {
    use tokio::io::AsyncWriteExt;
    let emulator = served(crate::Emulator::builder()).await;
    for first_target in [
        "Logs_20140328.Frobnicate".to_owned(),
        // A 400 from the model check, before the store is touched (no operation of the
        // model is left unimplemented to stand for a 501).
        op("CreateLogGroup"),
        "nonsense".to_owned(),
    ] {
        let stream = tokio::net::TcpStream::connect(emulator.local_addr())
            .await
            .unwrap();
        let mut reader = tokio::io::BufReader::new(stream);
        // The head first, the body a moment later, as a client streaming its body sends it:
        // an answer given before the body is read must not cost the connection.
        let body = format!("{{\"logGroupName\": \"{}\"}}", "x".repeat(4000));
        let first = raw_call(&first_target, &body);
        let (head, rest) = first.split_at(first.find("\r\n\r\n").unwrap() + 4);
        reader.get_mut().write_all(head.as_bytes()).await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        reader.get_mut().write_all(rest.as_bytes()).await.unwrap();
        let second = raw_call(&op("DescribeLogGroups"), "{}");
        reader.get_mut().write_all(second.as_bytes()).await.unwrap();
        let (status, headers, _) = read_response(&mut reader).await.unwrap();
        assert!([400, 501].contains(&status), "{first_target}: {status}");
        assert!(
            !headers
                .iter()
                .any(|(n, v)| n == "connection" && v == "close"),
            "{headers:?}"
        );
        let (status, _, body) = read_response(&mut reader)
            .await
            .unwrap_or_else(|| panic!("{first_target}: the connection was dropped"));
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
        assert_eq!(body, br#"{"logGroups":[]}"#);
    }
}

#[tokio::test]
async fn an_unread_body_closes_the_connection_and_says_so() {
    use tokio::io::AsyncWriteExt;
    let emulator = served(crate::Emulator::builder()).await;
    for target in [op("PutLogEvents"), "nonsense".to_owned()] {
        let stream = tokio::net::TcpStream::connect(emulator.local_addr())
            .await
            .unwrap();
        let mut reader = tokio::io::BufReader::new(stream);
        let head = format!(
            "POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: {target}\r\nContent-Length: 1000000000\r\n\r\n",
        );
        reader.get_mut().write_all(head.as_bytes()).await.unwrap();
        let (status, headers, _) = read_response(&mut reader).await.unwrap();
        assert_eq!(status, 413, "{target}");
        assert!(headers
            .iter()
            .any(|(n, v)| n == "connection" && v == "close"));
    }
}

#[tokio::test]
async fn slow_heads_slow_bodies_and_idle_connections_are_closed() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let short = std::time::Duration::from_millis(300);
    let emulator = served(crate::Emulator::builder().timeouts(super::Timeouts {
        header_read: short,
        body_read: short,
    }))
    .await;
    let connect = || tokio::net::TcpStream::connect(emulator.local_addr());
    let closed_within = |mut stream: tokio::net::TcpStream| async move {
        let mut rest = Vec::new();
        tokio::time::timeout(
            std::time::Duration::from_secs(5),
            stream.read_to_end(&mut rest),
        )
        .await
        .map(|_| rest)
    };
    // Idle: connected, nothing sent.
    let idle = connect().await.unwrap();
    assert!(
        closed_within(idle).await.is_ok(),
        "an idle connection stays open"
    );
    // Slowloris: half a head, then silence.
    let mut slow = connect().await.unwrap();
    slow.write_all(b"POST / HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    assert!(
        closed_within(slow).await.is_ok(),
        "a slow head is waited for"
    );
    // Idle after a request on a keep-alive connection.
    let mut kept = connect().await.unwrap();
    kept.write_all(raw_call(&op("DescribeLogGroups"), "{}").as_bytes())
        .await
        .unwrap();
    let after = closed_within(kept)
        .await
        .expect("an idle keep-alive connection stays open");
    assert!(after.starts_with(b"HTTP/1.1 200"));
    // A body that never comes: 408, and the connection closed.
    let mut slow_body = connect().await.unwrap();
    let head = format!(
        "POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: {}\r\nContent-Length: 100\r\n\r\n{{",
        op("DescribeLogGroups")
    );
    slow_body.write_all(head.as_bytes()).await.unwrap();
    let answer = closed_within(slow_body)
        .await
        .expect("a slow body is waited for");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("RequestTimeoutException"), "{answer}");
}

/// A call to `target` signed for `region`.
fn signed_call(region: &str, target: &str, body: &str) -> Request<Body> {
    signed_for(region, call(Some(&op(target)), body.to_owned()))
}

fn signed_for(region: &str, request: Request<Body>) -> Request<Body> {
    let (mut parts, body) = request.into_parts();
    let auth = format!(
        "AWS4-HMAC-SHA256 Credential=AKID/20261124/{region}/logs/aws4_request, SignedHeaders=host, Signature=abc"
    );
    parts.headers.insert("authorization", auth.parse().unwrap());
    Request::from_parts(parts, body)
}

#[tokio::test]
async fn a_malformed_region_in_the_scope_is_refused_not_served_the_default() {
    let app = app();
    create_group_g(&app).await;
    for region in ["EU-WEST-1", "eu_west_1", &"a".repeat(65), ""] {
        let answer = send(&app, signed_call(region, "DescribeLogGroups", "{}")).await;
        assert_error(&answer, 400, "InvalidSignatureException");
        assert_eq!(
            answer.json["message"],
            format!("Credential should be scoped to a valid region, not '{region}'. ")
        );
    }
    let answer = send(&app, signed_call("us-east-1", "DescribeLogGroups", "{}")).await;
    assert_eq!(answer.json["logGroups"][0]["logGroupName"], "g");
}

#[tokio::test]
async fn an_arn_of_another_partition_names_no_local_group() {
    let app = app();
    create_group_g(&app).await;
    let local = "arn:aws:logs:us-east-1:000000000000:log-group:g";
    let answer = send(
        &app,
        call(
            Some(&op("DescribeLogStreams")),
            format!(r#"{{"logGroupIdentifier":"{local}"}}"#),
        ),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.json);
    for partition in ["aws-cn", "aws-us-gov", "aws-iso"] {
        let arn = local.replace("arn:aws:", &format!("arn:{partition}:"));
        let answer = send(
            &app,
            call(
                Some(&op("DescribeLogStreams")),
                format!(r#"{{"logGroupIdentifier":"{arn}"}}"#),
            ),
        )
        .await;
        assert_error(&answer, 400, "ResourceNotFoundException");
        assert_eq!(
            answer.json["message"],
            "The specified log group does not exist."
        );
        let answer = send(
            &app,
            call(
                Some(&op("ListTagsForResource")),
                format!(r#"{{"resourceArn":"{arn}"}}"#),
            ),
        )
        .await;
        assert_error(&answer, 400, "ResourceNotFoundException");
    }
}

#[tokio::test]
async fn a_region_of_another_partition_writes_and_resolves_its_own_arns() {
    let app = app();
    let created = send(
        &app,
        signed_call("cn-north-1", "CreateLogGroup", r#"{"logGroupName":"g"}"#),
    )
    .await;
    assert_eq!(created.status, StatusCode::OK);
    let listed = send(&app, signed_call("cn-north-1", "DescribeLogGroups", "{}")).await;
    let arn = listed.json["logGroups"][0]["logGroupArn"].as_str().unwrap();
    assert_eq!(arn, "arn:aws-cn:logs:cn-north-1:000000000000:log-group:g");
    for (identifier, found) in [
        (arn.to_owned(), true),
        (arn.replace("aws-cn", "aws"), false),
    ] {
        let body = format!(r#"{{"logGroupIdentifier":"{identifier}"}}"#);
        let answer = send(&app, signed_call("cn-north-1", "DescribeLogStreams", &body)).await;
        if found {
            assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.json);
        } else {
            assert_error(&answer, 400, "ResourceNotFoundException");
        }
    }
}

#[tokio::test]
async fn a_read_does_not_create_a_region() {
    let config = Config::default();
    let store = Arc::new(Store::from_config(&config));
    let app = router(Arc::clone(&store), &config, super::Timeouts::default());
    for n in 0..100 {
        let region = format!("xx-read-{n}");
        let listed = send(&app, signed_call(&region, "DescribeLogGroups", "{}")).await;
        assert_eq!(listed.json, serde_json::json!({"logGroups": []}));
        let get = send(
            &app,
            signed_call(
                &region,
                "GetLogEvents",
                r#"{"logGroupName":"g","logStreamName":"s"}"#,
            ),
        )
        .await;
        assert_error(&get, 400, "ResourceNotFoundException");
        // A write that fails stores nothing either.
        let failed = send(
            &app,
            signed_call(
                &region,
                "CreateLogStream",
                r#"{"logGroupName":"g","logStreamName":"s"}"#,
            ),
        )
        .await;
        assert_error(&failed, 400, "ResourceNotFoundException");
    }
    assert!(
        store.region_names().is_empty(),
        "{:?}",
        store.region_names()
    );
    let created = send(
        &app,
        signed_call("xx-write-1", "CreateLogGroup", r#"{"logGroupName":"g"}"#),
    )
    .await;
    assert_eq!(created.status, StatusCode::OK);
    assert_eq!(store.region_names(), ["xx-write-1"]);
}

fn post_reset(path: &str) -> axum::http::request::Builder {
    Request::post(path)
}

#[tokio::test]
async fn reset_refuses_what_a_web_page_could_send() {
    let app = app();
    for path in ["/_cwlogs/reset", "/moto-api/reset"] {
        for (what, request) in [
            (
                "text/plain body",
                post_reset(path)
                    .header("content-type", "text/plain")
                    .body(Body::from("x"))
                    .unwrap(),
            ),
            (
                "form body",
                post_reset(path)
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(Body::from("a=b"))
                    .unwrap(),
            ),
            (
                "an Origin, no body",
                post_reset(path)
                    .header("origin", "https://evil.example")
                    .body(Body::empty())
                    .unwrap(),
            ),
        ] {
            create_group_g(&app).await;
            let answer = send(&app, request).await;
            assert_error(&answer, 403, "AccessDeniedException");
            let listed = send(&app, call(Some(&op("DescribeLogGroups")), "{}")).await;
            assert_eq!(listed.json["logGroups"][0]["logGroupName"], "g", "{what}");
        }
        for (what, request) in [
            (
                "curl -X POST",
                post_reset(path).body(Body::empty()).unwrap(),
            ),
            (
                "an empty form (urllib's data=b'')",
                post_reset(path)
                    .header("content-type", "application/x-www-form-urlencoded")
                    .header("content-length", "0")
                    .body(Body::empty())
                    .unwrap(),
            ),
            (
                "JSON, even with an Origin (a page would need a preflight)",
                post_reset(path)
                    .header("content-type", "application/json")
                    .header("origin", "https://evil.example")
                    .body(Body::from("{}"))
                    .unwrap(),
            ),
            (
                "a custom header",
                post_reset(path)
                    .header("x-cwlogs-reset", "1")
                    .header("content-type", "text/plain")
                    .body(Body::from("x"))
                    .unwrap(),
            ),
        ] {
            create_group_g(&app).await;
            let answer = send(&app, request).await;
            assert_eq!(answer.status, StatusCode::OK, "{what}: {:?}", answer.json);
            let listed = send(&app, call(Some(&op("DescribeLogGroups")), "{}")).await;
            assert_eq!(listed.json["logGroups"], serde_json::json!([]), "{what}");
        }
    }
}

#[tokio::test]
async fn reset_can_return_to_the_fixtures() {
    let dir = std::env::temp_dir().join(format!("cwlogs-reset-fixtures-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("g.json"),
        r#"{"logGroupName": "fixed", "streams": [{"logStreamName": "s", "events": [{"relativeMs": -1000, "message": "m"}]}]}"#,
    )
    .unwrap();
    let config = Config {
        fixtures: Some(dir.clone()),
        ..Config::default()
    };
    let store = Arc::new(Store::from_config(&config));
    crate::fixtures::load(&dir, &store, "us-east-1").unwrap();
    let app = router(Arc::clone(&store), &config, super::Timeouts::default());
    let names = |json: &serde_json::Value| -> Vec<String> {
        json["logGroups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["logGroupName"].as_str().unwrap().to_owned())
            .collect()
    };
    send(
        &app,
        call(Some(&op("CreateLogGroup")), r#"{"logGroupName":"mine"}"#),
    )
    .await;
    let reload = send(
        &app,
        Request::post("/_cwlogs/reset?fixtures=reload")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(reload.status, StatusCode::OK, "{:?}", reload.json);
    assert_eq!(
        reload.json,
        serde_json::json!({"reset": true, "fixtureEvents": 1})
    );
    let listed = send(&app, call(Some(&op("DescribeLogGroups")), "{}")).await;
    assert_eq!(names(&listed.json), ["fixed"]);
    // The plain reset wipes the fixtures too.
    send(
        &app,
        Request::post("/_cwlogs/reset").body(Body::empty()).unwrap(),
    )
    .await;
    let listed = send(&app, call(Some(&op("DescribeLogGroups")), "{}")).await;
    assert!(names(&listed.json).is_empty());
    let unknown = send(
        &app,
        Request::post("/_cwlogs/reset?fixtures=maybe")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_error(&unknown, 400, "ValidationException");

    // The handle does the same.
    let emulator = crate::Emulator::builder()
        .fixtures(&dir)
        .start()
        .await
        .unwrap();
    emulator.reset();
    assert!(emulator.store().log_groups("us-east-1").is_empty());
    assert_eq!(emulator.reset_to_fixtures(), Ok(1));
    let groups = emulator.store().log_groups("us-east-1");
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0].name, "fixed");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn other_methods_on_emulator_routes_are_json_405s() {
    let app = app();
    for (method, path) in [
        ("GET", "/_cwlogs/reset"),
        ("GET", "/moto-api/reset"),
        ("POST", "/health"),
        ("PUT", "/"),
    ] {
        let request = Request::builder()
            .method(method)
            .uri(path)
            .body(Body::empty())
            .unwrap();
        assert_error(&send(&app, request).await, 405, "MethodNotAllowedException");
    }
}

#[tokio::test]
async fn two_targets_or_a_non_text_target_are_refused_by_name() {
    let app = app();
    let two = Request::post("/")
        .header("x-amz-target", op("DescribeLogGroups"))
        .header("x-amz-target", op("CreateLogGroup"))
        .body(Body::from(r#"{"logGroupName":"g"}"#))
        .unwrap();
    let answer = send(&app, two).await;
    assert_error(&answer, 400, "UnknownOperationException");
    assert_eq!(
        answer.json["message"],
        "Expected one X-Amz-Target header, got 2"
    );
    let listed = send(&app, call(Some(&op("DescribeLogGroups")), "{}")).await;
    assert_eq!(listed.json["logGroups"], serde_json::json!([]));

    let binary = Request::post("/")
        .header(
            "x-amz-target",
            axum::http::HeaderValue::from_bytes(b"Logs_20140328.\xffx").unwrap(),
        )
        .body(Body::from("{}"))
        .unwrap();
    let answer = send(&app, binary).await;
    assert_error(&answer, 400, "UnknownOperationException");
    assert_eq!(
        answer.json["message"],
        "Unrecognized operation target: Logs_20140328.\u{fffd}x (not ASCII text)"
    );
}

/// Any request a client could send: any method and path, any target (missing, doubled,
/// unknown, unimplemented, not text), any credential scope and content type, any body.
fn any_request() -> impl Strategy<Value = Request<Body>> {
    let target = prop_oneof![
        4 => any_target().prop_map(|t| vec![t.into_bytes()]),
        1 => prop::sample::select(ALL_OPERATIONS.to_vec()).prop_map(|n| vec![op(n).into_bytes()]),
        1 => Just(Vec::new()),
        1 => (any_target(), any_target()).prop_map(|(a, b)| vec![a.into_bytes(), b.into_bytes()]),
        1 => prop::collection::vec(any::<u8>(), 0..40).prop_map(|raw| vec![raw]),
        1 => "[A-Za-z_.0-9]{0,30}".prop_map(|t| vec![t.into_bytes()]),
    ];
    let region = prop_oneof![
        Just(None),
        Just(Some("us-east-1".to_owned())),
        Just(Some("eu-west-1".to_owned())),
        "[a-zA-Z0-9_-]{0,70}".prop_map(Some),
    ];
    let content_type = prop::sample::select(vec![
        None,
        Some(CONTENT_TYPE),
        Some("application/json"),
        Some("text/plain"),
    ]);
    let route = prop::sample::select(vec![
        ("POST", "/"),
        ("POST", "/"),
        ("POST", "/"),
        ("GET", "/"),
        ("PUT", "/"),
        ("GET", "/health"),
        ("POST", "/_cwlogs/reset"),
        ("GET", "/_cwlogs/reset"),
        ("POST", "/moto-api/reset?fixtures=reload"),
        ("POST", "/elsewhere"),
    ]);
    (route, target, region, content_type, any_body()).prop_map(
        |((method, path), targets, region, content_type, body)| {
            let mut builder = Request::builder().method(method).uri(path);
            for target in targets {
                if let Ok(value) = axum::http::HeaderValue::from_bytes(&target) {
                    builder = builder.header("x-amz-target", value);
                }
            }
            if let Some(region) = region {
                builder = builder.header(
                    "authorization",
                    format!("AWS4-HMAC-SHA256 Credential=AKID/20261124/{region}/logs/aws4_request, SignedHeaders=host, Signature=abc"),
                );
            }
            if let Some(content_type) = content_type {
                builder = builder.header("content-type", content_type);
            }
            builder.body(Body::from(body)).unwrap()
        },
    )
}

/// The long fuzz run (`make fuzz`): `CWLOGS_FUZZ_CASES` (default 100,000) malformed requests
/// through one router, whose state they build up; none may answer a 5xx other than 501
/// (an operation the emulator does not implement), and every error is in AWS's shape.
#[test]
#[ignore = "long: run with make fuzz"]
fn fuzz_router() {
    use proptest::test_runner::{Config as RunnerConfig, TestRunner};
    let cases = std::env::var("CWLOGS_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let app = app();
    runtime.block_on(async {
        for setup in [
            call(Some(&op("CreateLogGroup")), r#"{"logGroupName":"g"}"#),
            call(
                Some(&op("CreateLogStream")),
                r#"{"logGroupName":"g","logStreamName":"s"}"#,
            ),
        ] {
            send(&app, setup).await;
        }
    });
    let mut runner = TestRunner::new(RunnerConfig {
        cases,
        failure_persistence: None,
        ..RunnerConfig::default()
    });
    let result = runner.run(&any_request(), |request| {
        let answer = runtime.block_on(send(&app, request));
        let status = answer.status.as_u16();
        prop_assert!(
            status < 500 || status == 501,
            "{} {:?}",
            answer.status,
            answer.json
        );
        if status >= 400 {
            prop_assert!(answer.json["__type"].is_string(), "{:?}", answer.json);
        }
        Ok(())
    });
    if let Err(failure) = result {
        panic!("{failure}");
    }
}

#[tokio::test]
async fn the_vended_route_emits_a_sources_records_to_its_log_group() {
    let app = app();
    create_group_g(&app).await;
    let steps = [
        (
            "PutDeliverySource",
            r#"{"name":"cf","resourceArn":"arn:aws:cloudfront::000000000000:distribution/E1","logType":"ACCESS_LOGS"}"#,
        ),
        (
            "PutDeliveryDestination",
            r#"{"name":"g","deliveryDestinationConfiguration":{"destinationResourceArn":"arn:aws:logs:us-east-1:000000000000:log-group:g"}}"#,
        ),
        (
            "CreateDelivery",
            r#"{"deliverySourceName":"cf","deliveryDestinationArn":"arn:aws:logs:us-east-1:000000000000:delivery-destination:g","recordFields":["sc-status"]}"#,
        ),
    ];
    for (operation, body) in steps {
        let answer = send(&app, call(Some(&op(operation)), body)).await;
        assert_eq!(
            answer.status,
            StatusCode::OK,
            "{operation}: {:?}",
            answer.json
        );
    }
    let emit = |body: &'static str, content_type: &str| {
        Request::post("/_cwlogs/vended")
            .header("content-type", content_type)
            .body(Body::from(body))
            .unwrap()
    };
    let answer = send(
        &app,
        emit(
            r#"{"deliverySourceName":"cf","records":[{"sc-status":200,"c-ip":"x"}]}"#,
            "application/json",
        ),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.json);
    assert_eq!(answer.json["deliveries"][0]["status"], "Delivered");
    assert_eq!(answer.json["deliveries"][0]["records"], 1);
    let events = send(
        &app,
        call(
            Some(&op("GetLogEvents")),
            r#"{"logGroupName":"g","logStreamName":"cf"}"#,
        ),
    )
    .await;
    assert_eq!(events.json["events"][0]["message"], r#"{"sc-status":200}"#);
    // A form post could come from a web page; an unknown source is AWS's not-found.
    let refused = send(&app, emit(r#"{}"#, "text/plain")).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let missing = send(
        &app,
        emit(
            r#"{"deliverySourceName":"nope","records":[]}"#,
            "application/json",
        ),
    )
    .await;
    assert_eq!(missing.json["__type"], "ResourceNotFoundException");
    let malformed = send(&app, emit(r#"{"records":5}"#, "application/json")).await;
    assert_eq!(malformed.json["__type"], "ValidationException");
}

/// A Live Tail stream outlives the connection timeouts (300 ms here), arrives chunked, and is
/// exactly initial-response, sessionStart, updates (the put's event in one), then
/// SessionTimeoutException; every frame's CRCs check out.
#[tokio::test]
async fn a_live_tail_stream_is_framed_chunked_and_not_cut_by_the_timeouts() {
    use crate::protocol::event_stream::decode_all;
    let short = std::time::Duration::from_millis(300);
    let emulator = served(
        crate::Emulator::builder()
            .timeouts(super::Timeouts {
                header_read: short,
                body_read: short,
            })
            .live_tail_timeout(std::time::Duration::from_secs(2)),
    )
    .await;
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<String>();
    let call = |target: &str, body: &str| {
        hyper::Request::post(emulator.endpoint_url())
            .header("x-amz-target", format!("Logs_20140328.{target}"))
            .header("content-type", CONTENT_TYPE)
            .body(body.to_owned())
            .unwrap()
    };
    for (target, body) in [
        ("CreateLogGroup", r#"{"logGroupName":"g"}"#),
        (
            "CreateLogStream",
            r#"{"logGroupName":"g","logStreamName":"s"}"#,
        ),
    ] {
        let answer = client.request(call(target, body)).await.unwrap();
        assert_eq!(answer.status(), 200);
    }
    let response = client
        .request(call(
            "StartLiveTail",
            r#"{"logGroupIdentifiers":["arn:aws:logs:us-east-1:000000000000:log-group:g"]}"#,
        ))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "application/vnd.amazon.eventstream"
    );
    assert_eq!(response.headers()["transfer-encoding"], "chunked");
    assert_eq!(emulator.live_tail_sessions(), 1);
    let now = crate::Clock::now_millis(&crate::SystemClock);
    let put = format!(
        r#"{{"logGroupName":"g","logStreamName":"s","logEvents":[{{"timestamp":{now},"message":"hello"}}]}}"#
    );
    assert_eq!(
        client
            .request(call("PutLogEvents", &put))
            .await
            .unwrap()
            .status(),
        200
    );
    let body = response.into_body().collect().await.unwrap().to_bytes();
    let messages = decode_all(&body).unwrap();
    let kinds: Vec<&str> = messages
        .iter()
        .map(|m| {
            m.header(":event-type")
                .or(m.header(":exception-type"))
                .unwrap()
        })
        .collect();
    assert_eq!(kinds[..2], ["initial-response", "sessionStart"]);
    assert_eq!(kinds.last(), Some(&"SessionTimeoutException"));
    assert!(kinds[2..kinds.len() - 1]
        .iter()
        .all(|k| *k == "sessionUpdate"));
    assert_eq!(messages[0].payload, b"{}");
    let results: Vec<serde_json::Value> = messages[2..messages.len() - 1]
        .iter()
        .flat_map(|m| {
            let update: serde_json::Value = serde_json::from_slice(&m.payload).unwrap();
            update["sessionResults"].as_array().unwrap().clone()
        })
        .collect();
    assert_eq!(results.len(), 1);
    assert_eq!(results[0]["message"], "hello");
    assert_eq!(emulator.live_tail_sessions(), 0);
}

#[tokio::test]
async fn compact_is_refused_without_a_data_dir_and_to_a_web_page() {
    let app = app();
    let answer = send(
        &app,
        post_reset("/_cwlogs/compact").body(Body::empty()).unwrap(),
    )
    .await;
    assert_error(&answer, 400, "ValidationException");
    assert_eq!(
        answer.json["message"],
        "This emulator runs without --data-dir: there is no journal to compact."
    );
    let answer = send(
        &app,
        post_reset("/_cwlogs/compact")
            .header("origin", "https://evil.example")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_error(&answer, 403, "AccessDeniedException");
    let answer = send(
        &app,
        Request::get("/_cwlogs/compact")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(answer.status, StatusCode::METHOD_NOT_ALLOWED);
}
