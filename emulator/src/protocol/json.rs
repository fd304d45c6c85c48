//! A minimal JSON writer for the two outputs that carry up to 1 MB of messages (GetLogEvents
//! and FilterLogEvents pages). serde_json escapes every message byte by byte; here a message
//! that needs no escaping (the usual case) is checked in wide chunks and copied whole, and
//! numbers go through `itoa`. The bytes written are exactly what serde_json would write.

/// An output buffer with JSON primitives.
#[derive(Default)]
pub struct JsonOut {
    buf: Vec<u8>,
    numbers: itoa::Buffer,
}

impl std::fmt::Debug for JsonOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JsonOut")
            .field("len", &self.buf.len())
            .finish()
    }
}

impl JsonOut {
    /// An empty buffer with room for `capacity` bytes.
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            buf: Vec::with_capacity(capacity),
            numbers: itoa::Buffer::new(),
        }
    }

    /// Appends JSON text as is (punctuation and member names).
    pub fn raw(&mut self, text: &str) -> &mut Self {
        self.buf.extend_from_slice(text.as_bytes());
        self
    }

    /// Appends a number.
    pub fn number(&mut self, value: i64) -> &mut Self {
        self.buf
            .extend_from_slice(self.numbers.format(value).as_bytes());
        self
    }

    /// Appends a string, quoted and escaped.
    pub fn string(&mut self, value: &str) -> &mut Self {
        if needs_no_escaping(value.as_bytes()) {
            self.buf.push(b'"');
            self.buf.extend_from_slice(value.as_bytes());
            self.buf.push(b'"');
        } else {
            serde_json::to_writer(&mut self.buf, value).expect("writing to a Vec cannot fail");
        }
        self
    }

    /// The JSON written.
    pub fn into_bytes(self) -> Vec<u8> {
        self.buf
    }
}

/// Whether JSON would write `bytes` unchanged: no quote, backslash or control character.
/// Checked 64 bytes at a time without early exit inside a chunk, so it vectorizes.
fn needs_no_escaping(bytes: &[u8]) -> bool {
    bytes.chunks(64).all(|chunk| {
        chunk
            .iter()
            .fold(true, |ok, &b| ok & (b >= 0x20) & (b != b'"') & (b != b'\\'))
    })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn strings_are_written_exactly_as_serde_json_writes_them(value in "\\PC*|[\\x00-\\x7f]*") {
            let mut out = JsonOut::default();
            out.string(&value);
            prop_assert_eq!(out.into_bytes(), serde_json::to_vec(&value).unwrap());
        }

        #[test]
        fn numbers_are_written_exactly_as_serde_json_writes_them(value: i64) {
            let mut out = JsonOut::default();
            out.number(value);
            prop_assert_eq!(out.into_bytes(), serde_json::to_vec(&value).unwrap());
        }
    }
}
