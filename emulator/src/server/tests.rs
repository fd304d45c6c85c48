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
    router(Arc::new(Store::from_config(&config)), config.default_region)
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
        assert!(
            answer.status == StatusCode::OK
                || ["InvalidParameterException", "ResourceNotFoundException"].contains(&code),
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
async fn every_model_operation_we_lack_says_so_by_name() {
    let app = app();
    for name in ALL_OPERATIONS {
        if Operation::from_name(name).is_some() {
            continue;
        }
        let answer = send(&app, call(Some(&op(name)), "{}")).await;
        assert_error(&answer, 501, "NotImplementedException");
        assert!(answer.json["message"].as_str().unwrap().contains(name));
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
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
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
