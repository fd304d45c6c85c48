//! AWS JSON 1.1 framing, in one place: which operation a request names, which region it is
//! for, how its body decodes, and how results and errors go back on the wire.
//!
//! Errors are written the way smithy-rs, botocore and the JS SDK read them: the code in both the
//! `X-Amzn-ErrorType` header and the body's `__type`, the text in `message`, and for the two
//! sequence-token errors an `expectedSequenceToken` member.

pub mod event_stream;
mod json;
mod operation;

pub use json::JsonOut;

pub use operation::{parse_target, Operation, ALL_OPERATIONS};

use std::borrow::Cow;

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::error::{LogsError, LogsResult};

/// The content type of every request and response.
pub const CONTENT_TYPE: &str = "application/x-amz-json-1.1";
/// The header that carries the request id on every answer.
pub const REQUEST_ID_HEADER: &str = "x-amzn-RequestId";
/// The header smithy clients read the error code from first.
pub const ERROR_TYPE_HEADER: &str = "X-Amzn-ErrorType";

/// Decodes a request body into an operation's input. An empty body is an empty object, as AWS
/// treats it; anything that is not a JSON object, or has a member of the wrong JSON type, is a
/// SerializationException.
pub fn decode<'a, T: Deserialize<'a>>(body: &'a [u8]) -> LogsResult<T> {
    let body: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        body
    };
    if body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(LogsError::Serialization(
            "The request body must be a JSON object".into(),
        ));
    }
    serde_json::from_slice(body)
        .map_err(|e| LogsError::Serialization(format!("Could not parse the request body: {e}")))
}

/// A string member decoded without copying when the JSON has no escapes in it. Hot-path inputs
/// (PutLogEvents messages) use it; serde's `Cow<str>` would always copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text<'a>(pub Cow<'a, str>);

impl<'a> Text<'a> {
    /// The string.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> serde::de::Visitor<'de> for TextVisitor {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: serde::de::Error>(
                self,
                v: &'de str,
            ) -> Result<Self::Value, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(TextVisitor)
    }
}

/// Encodes an operation's output.
pub fn encode<T: serde::Serialize>(output: &T) -> Vec<u8> {
    serde_json::to_vec(output).expect("output types always serialize")
}

/// The `X-Amz-Target` header: `None` when it is missing; UnknownOperationException when it is
/// sent twice (which one would be meant?) or is not text.
pub fn target_from_headers(headers: &HeaderMap) -> LogsResult<Option<&str>> {
    let mut targets = headers.get_all("x-amz-target").iter();
    let Some(target) = targets.next() else {
        return Ok(None);
    };
    let count = 1 + targets.count();
    if count > 1 {
        return Err(LogsError::UnknownOperation(format!(
            "Expected one X-Amz-Target header, got {count}"
        )));
    }
    target.to_str().map(Some).map_err(|_| {
        LogsError::UnknownOperation(format!(
            "Unrecognized operation target: {} (not ASCII text)",
            String::from_utf8_lossy(target.as_bytes())
        ))
    })
}

/// The region named by the SigV4 credential scope of `Authorization`
/// (`Credential=AKID/20261124/us-east-1/logs/aws4_request`); `None` when the request carries
/// no credential scope (then the configured default region applies). A scope whose region is
/// not a region name (upper case, `_`, longer than 64) is AWS's InvalidSignatureException: it
/// must never be served another region's data.
pub fn region_from_headers(headers: &HeaderMap) -> LogsResult<Option<&str>> {
    let Some(auth) = headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let Some(credential) = auth
        .to_str()
        .ok()
        .and_then(|auth| auth.split("Credential=").nth(1))
    else {
        return Ok(None);
    };
    let scope = credential.split([',', ' ']).next().unwrap_or_default();
    let region = scope.split('/').nth(2).unwrap_or_default();
    let valid = !region.is_empty()
        && region.len() <= 64
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if valid {
        Ok(Some(region))
    } else {
        Err(LogsError::InvalidSignature(format!(
            "Credential should be scoped to a valid region, not '{region}'. "
        )))
    }
}

/// A successful answer: 200, the JSON 1.1 content type, the request id, and `body`.
pub fn success(body: Vec<u8>, request_id: &str) -> Response {
    let mut response = (StatusCode::OK, body).into_response();
    stamp(response.headers_mut(), request_id);
    response
}

/// An error answer in AWS's shape.
pub fn error_response(error: &LogsError, request_id: &str) -> Response {
    let mut body = serde_json::json!({
        "__type": error.code(),
        "message": error.to_string(),
    });
    if let Some((member, value)) = error.extra_member() {
        body[member] = value;
    }
    aws_error(error.code(), body, error.http_status(), request_id)
}

/// An AWS error answer with any `code` (fault injection names codes this emulator has no
/// variant for): `{"__type", "message"}`, `X-Amzn-ErrorType`, the request id.
pub fn error_with_code(code: &str, message: &str, status: u16, request_id: &str) -> Response {
    let body = serde_json::json!({"__type": code, "message": message});
    aws_error(code, body, status, request_id)
}

fn aws_error(code: &str, body: serde_json::Value, status: u16, request_id: &str) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    let mut response = (status, encode(&body)).into_response();
    let headers = response.headers_mut();
    stamp(headers, request_id);
    if let Ok(code) = HeaderValue::from_str(code) {
        headers.insert(ERROR_TYPE_HEADER, code);
    }
    response
}

fn stamp(headers: &mut HeaderMap, request_id: &str) {
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
    if let Ok(id) = HeaderValue::from_str(request_id) {
        headers.insert(REQUEST_ID_HEADER, id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Probe {
        limit: Option<i32>,
    }

    #[test]
    fn region_comes_from_the_credential_scope() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static(
                "AWS4-HMAC-SHA256 Credential=test/20261124/ap-northeast-1/logs/aws4_request, SignedHeaders=host, Signature=abc",
            ),
        );
        assert_eq!(region_from_headers(&headers), Ok(Some("ap-northeast-1")));
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer x"));
        assert_eq!(region_from_headers(&headers), Ok(None));
        headers.remove(header::AUTHORIZATION);
        assert_eq!(region_from_headers(&headers), Ok(None));
    }

    #[test]
    fn bodies_decode_or_fail_as_serialization_errors() {
        assert_eq!(decode::<Probe>(b"").unwrap().limit, None);
        assert_eq!(decode::<Probe>(b"{\"limit\": 5}").unwrap().limit, Some(5));
        for bad in [&b"{"[..], b"[]", b"5", b"{\"limit\": \"5\"}", b"\xff"] {
            assert!(
                matches!(decode::<Probe>(bad), Err(LogsError::Serialization(_))),
                "{bad:?}"
            );
        }
    }
}
