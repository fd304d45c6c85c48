//! Splitting a message into words and typing each word's value: times, IP addresses, UUIDs,
//! identifiers and numbers are dynamic; every other word is literal text.
//!
//! Hand-written byte checks instead of regexes: this runs on every event of a `pattern` query.

/// The type of a dynamic token, as its `<Name-N>` shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TokenType {
    /// A date, a time of day, or both (`2023-01-01 19:00:01` is one token).
    Time,
    /// An IPv4 address, with an optional `:port`.
    Ip,
    /// A UUID.
    Uuid,
    /// An identifier: letters and digits mixed, or a long hex string.
    Id,
    /// An integer or decimal number.
    Number,
    /// A value of no single type (positions where messages of one pattern differ).
    Token,
}

impl TokenType {
    /// The name `<Name-N>` shows; AWS's Pattern analysis page writes `<Time-1>` and `<ID-2>`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Time => "Time",
            Self::Ip => "IP",
            Self::Uuid => "UUID",
            Self::Id => "ID",
            Self::Number => "Number",
            Self::Token => "Token",
        }
    }

    /// A regex matching every value of this type (values never contain white space, except
    /// a date and time joined, which `multiword` positions allow for).
    pub fn regex(self) -> &'static str {
        match self {
            Self::Number => r"-?\d+(?:\.\d+)?",
            Self::Ip => r"\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?",
            Self::Uuid => {
                r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
            }
            Self::Time | Self::Id | Self::Token => r"\S+",
        }
    }
}

/// One element of a masked message: a literal word, or a dynamic value with the literal
/// text around it in its word (`id=` in `id=42,`). Ranges are byte offsets in the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Element {
    /// The whole element (one word, or two for a date and time).
    pub start: usize,
    /// One past its end.
    pub end: usize,
    /// The value's range, for a dynamic element.
    pub value: (usize, usize),
    /// `None` for a literal word.
    pub kind: Option<TokenType>,
    /// Whether it spans two words.
    pub multiword: bool,
    /// Whether it follows the previous element without white space (after a `,` inside a
    /// word, as in JSON: `{"a":1,"b":2}` is two elements).
    pub glued: bool,
}

impl Element {
    /// The literal text before the value in its word.
    pub fn prefix<'m>(&self, message: &'m str) -> &'m str {
        &message[self.start..self.value.0]
    }

    /// The literal text after the value in its word.
    pub fn suffix<'m>(&self, message: &'m str) -> &'m str {
        &message[self.value.1..self.end]
    }
}

/// Splits `message` into masked elements, appended to `out` (cleared first).
pub fn mask(message: &str, out: &mut Vec<Element>) {
    out.clear();
    let bytes = message.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= bytes.len() {
            break;
        }
        let word_end = {
            let mut e = i;
            while e < bytes.len() && !bytes[e].is_ascii_whitespace() {
                e += 1;
            }
            e
        };
        // A word splits after each `,` followed by more text: JSON and CSV-like words then
        // cluster field by field.
        let mut glued = false;
        while i < word_end {
            let start = i;
            while i < word_end && !(bytes[i] == b',' && i + 1 < word_end) {
                i += 1;
            }
            if i < word_end {
                i += 1; // the comma ends this element
            }
            let mut element = classify(message, start, i);
            element.glued = glued;
            glued = true;
            push(out, element);
        }
    }
}

/// Appends an element; a date followed by a time of day becomes one Time token.
fn push(out: &mut Vec<Element>, element: Element) {
    if let (Some(last), Some(TokenType::Time)) = (out.last_mut(), element.kind) {
        if last.kind == Some(TokenType::Time)
            && !last.multiword
            && !element.glued
            && last.value == (last.start, last.end)
            && element.value == (element.start, element.end)
        {
            last.end = element.end;
            last.value.1 = element.end;
            last.multiword = true;
            return;
        }
    }
    out.push(element);
}

/// Types one word: the whole word, or its value after a `key=` / `key:` prefix, without
/// trailing punctuation.
fn classify(message: &str, start: usize, end: usize) -> Element {
    let bytes = message.as_bytes();
    let literal = Element {
        start,
        end,
        value: (start, end),
        kind: None,
        multiword: false,
        glued: false,
    };
    let mut value_end = end;
    while value_end > start
        && matches!(
            bytes[value_end - 1],
            b',' | b';' | b')' | b']' | b'"' | b'\''
        )
    {
        value_end -= 1;
    }
    let mut value_start = start;
    while value_start < value_end && matches!(bytes[value_start], b'(' | b'[' | b'{' | b'"' | b'\'')
    {
        value_start += 1;
    }
    if let Some(kind) = value_type(&bytes[value_start..value_end]) {
        return Element {
            value: (value_start, value_end),
            kind: Some(kind),
            ..literal
        };
    }
    // key=value or key:value, the key made of letters, digits, '_', '.', '-'.
    if let Some(sep) = bytes[value_start..value_end]
        .iter()
        .position(|b| *b == b'=' || *b == b':')
        .map(|p| p + value_start)
    {
        // A JSON key keeps its closing quote: `"latency":12`.
        let key_end = if sep > value_start && bytes[sep - 1] == b'"' {
            sep - 1
        } else {
            sep
        };
        let key_ok = key_end > value_start
            && bytes[value_start..key_end]
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
            && bytes[value_start].is_ascii_alphabetic();
        if key_ok {
            let mut inner = sep + 1;
            while inner < value_end && matches!(bytes[inner], b'"' | b'\'') {
                inner += 1;
            }
            if let Some(kind) = value_type(&bytes[inner..value_end]) {
                return Element {
                    value: (inner, value_end),
                    kind: Some(kind),
                    ..literal
                };
            }
        }
    }
    literal
}

/// The type of a value, `None` when it is literal text.
pub fn value_type(v: &[u8]) -> Option<TokenType> {
    if v.is_empty() {
        return None;
    }
    // Most words of a log line have no digit: then only an all-hex UUID can be a value (a
    // number, an address, a time and an identifier all need a digit). One scan decides.
    if !v.iter().any(u8::is_ascii_digit) {
        return is_uuid(v).then_some(TokenType::Uuid);
    }
    if is_number(v) {
        return Some(TokenType::Number);
    }
    if is_ipv4(v) {
        return Some(TokenType::Ip);
    }
    if is_uuid(v) {
        return Some(TokenType::Uuid);
    }
    if is_time(v) {
        return Some(TokenType::Time);
    }
    if is_id(v) {
        return Some(TokenType::Id);
    }
    None
}

fn is_number(v: &[u8]) -> bool {
    let digits = v.strip_prefix(b"-").unwrap_or(v);
    let (whole, fraction) = match digits.iter().position(|b| *b == b'.') {
        Some(dot) => (&digits[..dot], Some(&digits[dot + 1..])),
        None => (digits, None),
    };
    !whole.is_empty()
        && whole.iter().all(u8::is_ascii_digit)
        && fraction.is_none_or(|f| !f.is_empty() && f.iter().all(u8::is_ascii_digit))
}

fn is_ipv4(v: &[u8]) -> bool {
    let (address, port) = match v.iter().position(|b| *b == b':') {
        Some(colon) => (&v[..colon], Some(&v[colon + 1..])),
        None => (v, None),
    };
    let mut parts = 0;
    for part in address.split(|b| *b == b'.') {
        parts += 1;
        if part.is_empty() || part.len() > 3 || !part.iter().all(u8::is_ascii_digit) {
            return false;
        }
    }
    parts == 4 && port.is_none_or(|p| !p.is_empty() && p.iter().all(u8::is_ascii_digit))
}

fn is_uuid(v: &[u8]) -> bool {
    v.len() == 36
        && v.iter().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => *b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// `dddd-dd-dd…`, `dddd/dd/dd…` or `dd:dd:dd…`, the rest digits and time punctuation.
fn is_time(v: &[u8]) -> bool {
    let digit = |i: usize| v.get(i).is_some_and(u8::is_ascii_digit);
    let date = (0..4).all(digit)
        && matches!(v.get(4), Some(b'-' | b'/'))
        && digit(5)
        && digit(6)
        && v.get(7) == v.get(4)
        && digit(8)
        && digit(9);
    let clock = digit(0) && digit(1) && v.get(2) == Some(&b':') && digit(3) && digit(4);
    (date || clock)
        && v.iter().all(|b| {
            b.is_ascii_digit() || matches!(b, b'-' | b'/' | b':' | b'.' | b',' | b'T' | b'Z' | b'+')
        })
}

/// Letters and digits mixed (with `-` or `_`), at least 6 long, with a digit; or hex of at
/// least 8 with a digit.
fn is_id(v: &[u8]) -> bool {
    if v.len() < 6 {
        return false;
    }
    let mut digits = 0;
    let mut letters = 0;
    for b in v {
        if b.is_ascii_digit() {
            digits += 1;
        } else if b.is_ascii_alphabetic() {
            letters += 1;
        } else if !matches!(b, b'-' | b'_') {
            return false;
        }
    }
    digits > 0 && (letters > 0 || v.len() >= 8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(message: &str) -> Vec<Option<TokenType>> {
        let mut out = Vec::new();
        mask(message, &mut out);
        out.iter().map(|e| e.kind).collect()
    }

    #[test]
    fn types_values() {
        use TokenType::*;
        assert_eq!(
            kinds("2023-01-01 19:00:01 [INFO] Calling DynamoDB to store for resource id 12342342k124-12345"),
            vec![Some(Time), None, None, None, None, None, None, None, None, Some(Id)]
        );
        assert_eq!(
            kinds("GET /index 200 from 10.0.0.1:8080, took 3.5 ms id=abc123def"),
            vec![
                None,
                None,
                Some(Number),
                None,
                Some(Ip),
                None,
                Some(Number),
                None,
                Some(Id)
            ]
        );
        assert_eq!(
            kinds("req 123e4567-e89b-12d3-a456-426614174000 done"),
            vec![None, Some(Uuid), None]
        );
        assert_eq!(
            kinds("version v1.2 HTTP/1.1 user"),
            vec![None, None, None, None]
        );
    }
}
