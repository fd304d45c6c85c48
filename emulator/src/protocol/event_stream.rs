//! AWS event-stream framing (`application/vnd.amazon.eventstream`), the body of StartLiveTail
//! and GetLogObject answers: a sequence of binary messages, each
//!
//! ```text
//! total length u32 | headers length u32 | prelude CRC32 u32 | headers | payload | message CRC32 u32
//! ```
//!
//! (big-endian; the prelude CRC covers the first 8 bytes, the message CRC everything before
//! it). A header is `name length u8 | name | type u8 | value`; the emulator writes only string
//! headers (type 7: `length u16 | UTF-8`). Every message carries `:message-type` (`event` or
//! `exception`), `:event-type` or `:exception-type`, and `:content-type`.

use bytes::{BufMut, Bytes, BytesMut};

/// The content type of an event-stream answer.
pub const CONTENT_TYPE: &str = "application/vnd.amazon.eventstream";

/// The header value type of a string.
const STRING_TYPE: u8 = 7;
/// Prelude (total length, headers length, prelude CRC) plus the trailing message CRC.
const FRAME_OVERHEAD: usize = 16;

/// An `event` message of type `event_type` with a JSON `payload`.
pub fn event(event_type: &str, payload: &[u8]) -> Bytes {
    frame(
        &[
            (":event-type", event_type),
            (":content-type", "application/json"),
            (":message-type", "event"),
        ],
        payload,
    )
}

/// The `initial-response` event that opens every JSON-protocol event stream: the operation's
/// non-stream output members (none for these operations, so `{}`). boto3 and the AWS CLI
/// refuse a stream that does not start with it.
pub fn initial_response() -> Bytes {
    event("initial-response", b"{}")
}

/// An `exception` message: a modeled error of the stream (`SessionTimeoutException`) with its
/// `{"message": ...}` payload. It ends the stream.
pub fn exception(exception_type: &str, message: &str) -> Bytes {
    let payload = serde_json::to_vec(&serde_json::json!({ "message": message }))
        .expect("a JSON object always serializes");
    frame(
        &[
            (":exception-type", exception_type),
            (":content-type", "application/json"),
            (":message-type", "exception"),
        ],
        &payload,
    )
}

/// One message with string `headers` and `payload`.
fn frame(headers: &[(&str, &str)], payload: &[u8]) -> Bytes {
    let headers_len: usize = headers
        .iter()
        .map(|(name, value)| 1 + name.len() + 1 + 2 + value.len())
        .sum();
    let total = FRAME_OVERHEAD + headers_len + payload.len();
    let mut out = BytesMut::with_capacity(total);
    out.put_u32(u32::try_from(total).expect("frames are far below 4 GiB"));
    out.put_u32(u32::try_from(headers_len).expect("headers are short"));
    out.put_u32(crc32fast::hash(&out[..8]));
    for (name, value) in headers {
        out.put_u8(u8::try_from(name.len()).expect("header names are short"));
        out.put_slice(name.as_bytes());
        out.put_u8(STRING_TYPE);
        out.put_u16(u16::try_from(value.len()).expect("header values are short"));
        out.put_slice(value.as_bytes());
    }
    out.put_slice(payload);
    out.put_u32(crc32fast::hash(&out));
    out.freeze()
}

/// A message read back (tests check what the server wrote).
#[cfg(test)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// String headers in order.
    pub headers: Vec<(String, String)>,
    /// The payload.
    pub payload: Vec<u8>,
}

#[cfg(test)]
impl Message {
    /// The value of header `name`.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Splits `bytes` into messages, checking both CRCs; `Err` names the first problem. Only
/// string headers are understood (the only kind the emulator writes).
#[cfg(test)]
pub fn decode_all(mut bytes: &[u8]) -> Result<Vec<Message>, String> {
    let mut messages = Vec::new();
    while !bytes.is_empty() {
        let read_u32 = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize;
        if bytes.len() < 12 {
            return Err("truncated prelude".into());
        }
        let total = read_u32(bytes);
        let headers_len = read_u32(&bytes[4..]);
        if read_u32(&bytes[8..]) != crc32fast::hash(&bytes[..8]) as usize {
            return Err("bad prelude CRC".into());
        }
        if bytes.len() < total || total < FRAME_OVERHEAD + headers_len {
            return Err("truncated message".into());
        }
        let (message, rest) = bytes.split_at(total);
        if read_u32(&message[total - 4..]) != crc32fast::hash(&message[..total - 4]) as usize {
            return Err("bad message CRC".into());
        }
        let mut headers = Vec::new();
        let mut h = &message[12..12 + headers_len];
        while !h.is_empty() {
            let name_len = h[0] as usize;
            let name = String::from_utf8(h[1..1 + name_len].to_vec()).map_err(|e| e.to_string())?;
            h = &h[1 + name_len..];
            if h[0] != STRING_TYPE {
                return Err(format!("header {name} is not a string"));
            }
            let len = u16::from_be_bytes([h[1], h[2]]) as usize;
            let value = String::from_utf8(h[3..3 + len].to_vec()).map_err(|e| e.to_string())?;
            h = &h[3 + len..];
            headers.push((name, value));
        }
        messages.push(Message {
            headers,
            payload: message[12 + headers_len..total - 4].to_vec(),
        });
        bytes = rest;
    }
    Ok(messages)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_round_trips_with_its_headers_and_crcs() {
        let bytes = event("sessionUpdate", br#"{"sessionResults":[]}"#);
        let messages = decode_all(&bytes).unwrap();
        assert_eq!(messages.len(), 1);
        assert_eq!(messages[0].header(":event-type"), Some("sessionUpdate"));
        assert_eq!(messages[0].header(":message-type"), Some("event"));
        assert_eq!(messages[0].payload, br#"{"sessionResults":[]}"#);
        let mut corrupt = bytes.to_vec();
        let last = corrupt.len() - 5;
        corrupt[last] ^= 1;
        assert_eq!(decode_all(&corrupt), Err("bad message CRC".into()));
    }

    #[test]
    fn the_known_answer_of_the_initial_response() {
        // Three headers of 31, 33 and 22 bytes, the 2-byte payload `{}`, 16 bytes of framing.
        let bytes = initial_response();
        assert_eq!(bytes.len(), 16 + 86 + 2);
        assert_eq!(&bytes[..8], &[0, 0, 0, 104, 0, 0, 0, 86]);
        let messages = decode_all(&bytes).unwrap();
        assert_eq!(messages[0].header(":event-type"), Some("initial-response"));
        assert_eq!(messages[0].payload, b"{}");
    }

    #[test]
    fn an_exception_names_its_type() {
        let bytes = exception("SessionTimeoutException", "Session timed out");
        let messages = decode_all(&bytes).unwrap();
        assert_eq!(messages[0].header(":message-type"), Some("exception"));
        assert_eq!(
            messages[0].header(":exception-type"),
            Some("SessionTimeoutException")
        );
        assert_eq!(messages[0].payload, br#"{"message":"Session timed out"}"#);
    }
}
