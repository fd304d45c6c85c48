//! A small, strict JSON reader for log messages. It keeps each number's text as written (AWS
//! compares quoted values with it: `12.0` is not `"12"`), keeps duplicate keys in order (the last
//! one wins on lookup), and gives up past a fixed nesting depth instead of recursing without bound.

/// A JSON value.
#[derive(Debug, PartialEq)]
pub(crate) enum Json {
    Null,
    Bool(bool),
    /// The number as written in the message.
    Number(String),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl Json {
    /// The value of `key` in an object; with duplicate keys, the last.
    pub(crate) fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(entries) => entries.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
}

/// Nesting deeper than this is not read (the message then counts as not JSON).
const MAX_DEPTH: usize = 128;

/// Parses a whole message as one JSON object (surrounding whitespace allowed). Anything else,
/// including valid JSON that is not an object, gives `None`.
pub(crate) fn parse_object(message: &str) -> Option<Json> {
    let trimmed = message.trim_start_matches(is_ws);
    if !trimmed.starts_with('{') {
        return None;
    }
    let mut reader = Reader {
        text: message,
        pos: message.len() - trimmed.len(),
    };
    let value = reader.value(0)?;
    reader.skip_ws();
    (reader.pos == message.len()).then_some(value)
}

fn is_ws(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

struct Reader<'a> {
    text: &'a str,
    pos: usize,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> bool {
        if self.peek() == Some(byte) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn literal(&mut self, word: &str, value: Json) -> Option<Json> {
        if self.text[self.pos..].starts_with(word) {
            self.pos += word.len();
            Some(value)
        } else {
            None
        }
    }

    fn value(&mut self, depth: usize) -> Option<Json> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.skip_ws();
        match self.peek()? {
            b'{' => self.object(depth),
            b'[' => self.array(depth),
            b'"' => self.string().map(Json::String),
            b't' => self.literal("true", Json::Bool(true)),
            b'f' => self.literal("false", Json::Bool(false)),
            b'n' => self.literal("null", Json::Null),
            _ => self.number(),
        }
    }

    fn object(&mut self, depth: usize) -> Option<Json> {
        self.pos += 1;
        let mut entries = Vec::new();
        self.skip_ws();
        if self.eat(b'}') {
            return Some(Json::Object(entries));
        }
        loop {
            self.skip_ws();
            if self.peek() != Some(b'"') {
                return None;
            }
            let key = self.string()?;
            self.skip_ws();
            if !self.eat(b':') {
                return None;
            }
            let value = self.value(depth + 1)?;
            entries.push((key, value));
            self.skip_ws();
            if self.eat(b',') {
                continue;
            }
            return self.eat(b'}').then_some(Json::Object(entries));
        }
    }

    fn array(&mut self, depth: usize) -> Option<Json> {
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.eat(b']') {
            return Some(Json::Array(items));
        }
        loop {
            items.push(self.value(depth + 1)?);
            self.skip_ws();
            if self.eat(b',') {
                continue;
            }
            return self.eat(b']').then_some(Json::Array(items));
        }
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, kept as written.
    fn number(&mut self) -> Option<Json> {
        let bytes = self.text.as_bytes();
        let start = self.pos;
        let mut i = self.pos;
        let digits = |i: &mut usize| {
            let from = *i;
            while bytes.get(*i).is_some_and(u8::is_ascii_digit) {
                *i += 1;
            }
            *i - from
        };
        if bytes.get(i) == Some(&b'-') {
            i += 1;
        }
        match bytes.get(i) {
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => {
                digits(&mut i);
            }
            _ => return None,
        }
        if bytes.get(i) == Some(&b'.') {
            i += 1;
            if digits(&mut i) == 0 {
                return None;
            }
        }
        if matches!(bytes.get(i), Some(b'e' | b'E')) {
            i += 1;
            if matches!(bytes.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            if digits(&mut i) == 0 {
                return None;
            }
        }
        self.pos = i;
        Some(Json::Number(self.text[start..i].to_owned()))
    }

    /// A string starting at the current `"`; escapes decoded, a lone surrogate becomes U+FFFD.
    fn string(&mut self) -> Option<String> {
        let bytes = self.text.as_bytes();
        let mut out = String::new();
        let mut i = self.pos + 1;
        let mut segment = i;
        loop {
            match *bytes.get(i)? {
                b'"' => {
                    out.push_str(&self.text[segment..i]);
                    self.pos = i + 1;
                    return Some(out);
                }
                b'\\' => {
                    out.push_str(&self.text[segment..i]);
                    let escape = *bytes.get(i + 1)?;
                    i += 2;
                    match escape {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{08}'),
                        b'f' => out.push('\u{0C}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let (c, next) = self.unicode_escape(i)?;
                            out.push(c);
                            i = next;
                        }
                        _ => return None,
                    }
                    segment = i;
                }
                0x00..=0x1F => return None,
                _ => i += 1,
            }
        }
    }

    /// The code point of `\uXXXX` whose hex digits start at `at`, pairing surrogates.
    fn unicode_escape(&self, at: usize) -> Option<(char, usize)> {
        let hex4 = |at: usize| {
            let digits = self.text.get(at..at + 4)?;
            if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            u32::from_str_radix(digits, 16).ok()
        };
        let first = hex4(at)?;
        if (0xD800..0xDC00).contains(&first) && self.text.get(at + 4..at + 6) == Some("\\u") {
            if let Some(second) = hex4(at + 6).filter(|s| (0xDC00..0xE000).contains(s)) {
                let code = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
                return Some((char::from_u32(code)?, at + 10));
            }
        }
        Some((char::from_u32(first).unwrap_or('\u{FFFD}'), at + 4))
    }
}
