//! Every token the emulator hands out, and what each one means. Tokens are opaque to clients but
//! deterministic: the same position always encodes to the same string.
//!
//! - [`PageToken`]: GetLogEvents' `f/<56 digits>/s` and `b/<56 digits>/s`. A token names a
//!   *position* in the stream's order (an [`EventKey`]), never a list index, so events written
//!   after a page was read can neither repeat nor shift later pages. Forward tokens mean "events
//!   at or after this key", backward tokens "events before this key". The digits carry the
//!   stream's fingerprint and a checksum, so a token from another stream, or an edited one, is
//!   refused.
//! - Sequence tokens (PutLogEvents, strict mode): 56 digits, `49` + stream fingerprint + a
//!   counter that moves forward with every accepted batch.
//! - [`FilterCursor`]: FilterLogEvents' `nextToken`, the position of the last event dealt with
//!   in group order.
//! - Describe*/List* tokens are `listing.rs`'s; [`seal`] and [`unseal`] make every text token
//!   opaque and tamper-evident (hex plus a checksum).

use super::events::EventKey;

/// A deterministic 64-bit FNV-1a hash. Tokens must be stable across runs, which rules out the
/// randomly seeded std hasher.
pub fn fingerprint(parts: &[&[u8]]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.iter().chain(std::iter::once(&0xffu8)) {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

/// Which way a GetLogEvents token pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Toward newer events (`f/` tokens).
    Forward,
    /// Toward older events (`b/` tokens).
    Backward,
}

/// A decoded GetLogEvents token: a direction and a boundary key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageToken {
    /// Which way the next page goes.
    pub direction: Direction,
    /// Forward: the next page starts at this key (inclusive). Backward: it ends before it.
    pub key: EventKey,
}

const TEN_POW_16: u64 = 10_000_000_000_000_000;
const TEN_POW_11: u64 = 100_000_000_000;

impl PageToken {
    /// The token string for this position in the stream with fingerprint `stream`.
    pub fn encode(&self, stream: u64) -> String {
        let body = format!(
            "{:019}{:010}{:016}",
            self.key.timestamp,
            self.key.seq,
            stream % TEN_POW_16
        );
        let check = fingerprint(&[body.as_bytes()]) % TEN_POW_11;
        let prefix = match self.direction {
            Direction::Forward => 'f',
            Direction::Backward => 'b',
        };
        format!("{prefix}/{body}{check:011}/s")
    }

    /// Parses a token issued for the stream with fingerprint `stream`; `None` if it is
    /// malformed, edited, or was issued for another stream.
    pub fn decode(token: &str, stream: u64) -> Option<Self> {
        let (direction, rest) = match token.as_bytes().first()? {
            b'f' => (Direction::Forward, &token[1..]),
            b'b' => (Direction::Backward, &token[1..]),
            _ => return None,
        };
        let digits = rest.strip_prefix('/')?.strip_suffix("/s")?;
        if digits.len() != 56 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let (body, check) = digits.split_at(45);
        if check.parse::<u64>().ok()? != fingerprint(&[body.as_bytes()]) % TEN_POW_11 {
            return None;
        }
        let timestamp: i64 = body[..19].parse().ok()?;
        let seq: u32 = body[19..29].parse().ok()?;
        let owner: u64 = body[29..45].parse().ok()?;
        if owner != stream % TEN_POW_16 {
            return None;
        }
        Some(Self {
            direction,
            key: EventKey { timestamp, seq },
        })
    }
}

/// The sequence token after `accepted_batches` accepted puts to the stream with fingerprint
/// `stream`: `49`, 22 digits of fingerprint, and the 32-digit zero-padded counter.
pub fn sequence_token(stream: u64, accepted_batches: u64) -> String {
    format!(
        "49{:022}{:032}",
        u128::from(stream) % 10u128.pow(22),
        accepted_batches
    )
}

/// An event id: 56 decimal digits, unique within a region and stable across calls (tools
/// deduplicate on it). Built from the stream's fingerprint and the event's key.
pub fn event_id(stream: u64, key: EventKey) -> String {
    format!(
        "{:019}{:010}{:020}{:07}",
        key.timestamp,
        key.seq,
        stream,
        stream % 10_000_000
    )
}

/// A FilterLogEvents `nextToken`: the direction and the position of the last event returned,
/// in the group-wide order (timestamp, stream name, arrival), bound to the group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterCursor {
    /// Which way the next page goes.
    pub direction: Direction,
    /// The last event returned: its timestamp and arrival number...
    pub key: EventKey,
    /// ...and its stream.
    pub stream: String,
}

impl FilterCursor {
    /// The opaque token string for the group with fingerprint `group`.
    pub fn encode(&self, group: u64) -> String {
        let direction = match self.direction {
            Direction::Forward => 'f',
            Direction::Backward => 'b',
        };
        seal(&format!(
            "{direction}/{}/{}/{group}/{}",
            self.key.timestamp, self.key.seq, self.stream
        ))
    }

    /// Parses a token issued for the group with fingerprint `group`.
    pub fn decode(token: &str, group: u64) -> Option<Self> {
        let plain = unseal(token)?;
        let mut parts = plain.splitn(5, '/');
        let direction = match parts.next()? {
            "f" => Direction::Forward,
            "b" => Direction::Backward,
            _ => return None,
        };
        let timestamp = parts.next()?.parse().ok()?;
        let seq = parts.next()?.parse().ok()?;
        if parts.next()?.parse::<u64>().ok()? != group {
            return None;
        }
        Some(Self {
            direction,
            key: EventKey { timestamp, seq },
            stream: parts.next()?.to_owned(),
        })
    }
}

/// Hex-encodes `plain` with a checksum, so any text survives and edits are detected.
pub(super) fn seal(plain: &str) -> String {
    let mut out = String::with_capacity(plain.len() * 2 + 8);
    for byte in plain.bytes() {
        out.push_str(&format!("{byte:02x}"));
    }
    out.push_str(&format!("{:08x}", fingerprint(&[plain.as_bytes()]) as u32));
    out
}

/// The text [`seal`] sealed, if `token` is intact.
pub(super) fn unseal(token: &str) -> Option<String> {
    if token.len() < 8 || !token.len().is_multiple_of(2) || !token.is_ascii() {
        return None;
    }
    let (hex, check) = token.split_at(token.len() - 8);
    let bytes = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).ok())
        .collect::<Option<Vec<u8>>>()?;
    if u32::from_str_radix(check, 16).ok()? != fingerprint(&[&bytes]) as u32 {
        return None;
    }
    String::from_utf8(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_tokens_have_the_aws_shape_and_round_trip() {
        let token = PageToken {
            direction: Direction::Forward,
            key: EventKey {
                timestamp: 1_700_000_000_123,
                seq: 42,
            },
        };
        let text = token.encode(7);
        assert_eq!(text.len(), 2 + 56 + 2);
        assert!(text.starts_with("f/") && text.ends_with("/s"));
        assert_eq!(PageToken::decode(&text, 7), Some(token));
        assert_eq!(PageToken::decode(&text, 8), None, "another stream's token");
        let mut edited = text.clone().into_bytes();
        edited[20] = if edited[20] == b'9' {
            b'8'
        } else {
            edited[20] + 1
        };
        let edited = String::from_utf8(edited).unwrap();
        assert_eq!(PageToken::decode(&edited, 7), None);
    }

    #[test]
    fn filter_cursors_round_trip_and_are_bound_to_their_group() {
        let cursor = FilterCursor {
            direction: Direction::Backward,
            key: EventKey {
                timestamp: 5,
                seq: 9,
            },
            stream: "a/b@c:".into(),
        };
        let token = cursor.encode(77);
        assert_eq!(FilterCursor::decode(&token, 77), Some(cursor));
        assert_eq!(FilterCursor::decode(&token, 78), None);
    }

    #[test]
    fn sequence_tokens_are_56_digits_and_ordered() {
        let a = sequence_token(u64::MAX, 1);
        let b = sequence_token(u64::MAX, 2);
        assert_eq!(a.len(), 56);
        assert!(a.bytes().all(|c| c.is_ascii_digit()));
        assert!(a < b);
    }
}
