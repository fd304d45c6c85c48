//! Reading flattened fields (`a.b`, `list.0`) straight out of a JSON message, without
//! building a tree: what a filter or stats over a few JSON fields needs per event. Several
//! fields are read in one pass, and a value that needs no unescaping is not copied. It agrees
//! with flattening (`exec::json_values`): a key `a.b` and a path `a` → `b` both answer `a.b`,
//! the last duplicate wins, nulls and containers are not values, and a message that is not
//! a JSON object has no fields.

use std::borrow::Cow;

use super::value::Value;

/// Where a field read by [`lookup_many`] is: absent, a span of the message, or text that
/// had to be rewritten (an escaped string, a number printed the way flattening prints it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Found {
    /// Not there (or null, or a container).
    #[default]
    Absent,
    /// `message[start..end]`.
    Span(usize, usize),
    /// Rewritten text.
    Owned(String),
}

impl Found {
    /// The text found, borrowed from `message` or from `self`.
    pub fn text<'a>(&'a self, message: &'a str) -> Option<&'a str> {
        match self {
            Found::Absent => None,
            Found::Span(start, end) => message.get(*start..*end),
            Found::Owned(text) => Some(text),
        }
    }
}

/// The value at the flattened `path` of `message`, if it is there.
pub fn lookup(message: &str, path: &str) -> Option<Value> {
    let mut found = Vec::new();
    lookup_many(message, &Paths::new(&[path]), &mut found);
    found[0].text(message).map(|t| Value::Text(t.to_owned()))
}

/// The flattened paths a query reads, prepared once for [`lookup_many`].
#[derive(Debug, Clone, Default)]
pub struct Paths<'p> {
    /// `(slot, path)`.
    wanted: Vec<(usize, &'p str)>,
}

impl<'p> Paths<'p> {
    /// The paths, in slot order.
    pub fn new(paths: &[&'p str]) -> Self {
        Self {
            wanted: paths.iter().copied().enumerate().collect(),
        }
    }

    /// The slot of `path`.
    pub fn slot(&self, path: &str) -> Option<usize> {
        self.wanted.iter().position(|(_, p)| *p == path)
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.wanted.is_empty()
    }
}

/// Reads every one of `paths` from `message` in one pass: afterwards `found[i]` is where
/// path `i`'s value is. `found` is reused between calls, so a scan allocates nothing unless a
/// value needs rewriting.
pub fn lookup_many(message: &str, paths: &Paths<'_>, found: &mut Vec<Found>) {
    found.clear();
    found.resize(paths.wanted.len(), Found::Absent);
    if paths.is_empty() {
        return;
    }
    let bytes = message.as_bytes();
    let mut scan = Scan {
        bytes,
        text: message,
        at: skip_space(bytes, 0),
        found,
    };
    let whole = scan.bytes.get(scan.at) == Some(&b'{')
        && scan.object(&paths.wanted).is_some()
        // A message with anything but space after its object is not JSON.
        && skip_space(bytes, scan.at) == bytes.len();
    if !whole {
        found.iter_mut().for_each(|f| *f = Found::Absent);
    }
}

/// One pass over a message. Each method returns `None` on malformed JSON.
struct Scan<'m, 'f> {
    bytes: &'m [u8],
    text: &'m str,
    at: usize,
    found: &'f mut [Found],
}

impl<'m> Scan<'m, '_> {
    fn space(&mut self) {
        self.at = skip_space(self.bytes, self.at);
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    /// The object at the cursor; `wanted` holds `(slot, path below this object)`.
    fn object(&mut self, wanted: &[(usize, &str)]) -> Option<()> {
        self.at += 1; // '{'
        self.space();
        if self.peek() == Some(b'}') {
            self.at += 1;
            return Some(());
        }
        loop {
            self.space();
            let text: &'m str = self.text;
            let key: Cow<'m, str> = match self.string()? {
                Found::Span(start, end) => Cow::Borrowed(text.get(start..end)?),
                Found::Owned(owned) => Cow::Owned(owned),
                Found::Absent => return None,
            };
            self.space();
            if self.peek()? != b':' {
                return None;
            }
            self.at += 1;
            self.space();
            self.member(&key, wanted)?;
            self.space();
            match self.peek()? {
                b',' => self.at += 1,
                b'}' => {
                    self.at += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    fn array(&mut self, wanted: &[(usize, &str)]) -> Option<()> {
        self.at += 1; // '['
        self.space();
        if self.peek() == Some(b']') {
            self.at += 1;
            return Some(());
        }
        let mut index = 0usize;
        let mut key = String::new();
        loop {
            self.space();
            key.clear();
            std::fmt::Write::write_fmt(&mut key, format_args!("{index}")).ok()?;
            self.member(&key, wanted)?;
            index += 1;
            self.space();
            match self.peek()? {
                b',' => self.at += 1,
                b']' => {
                    self.at += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// The value at the cursor, under `key`: recorded for each path that is `key`, scanned
    /// for each path that goes below it, skipped otherwise.
    fn member(&mut self, key: &str, wanted: &[(usize, &str)]) -> Option<()> {
        match self.peek()? {
            open @ (b'{' | b'[') => {
                let below: Vec<(usize, &str)> = wanted
                    .iter()
                    .filter_map(|(slot, path)| {
                        let rest = path.strip_prefix(key)?.strip_prefix('.')?;
                        (!rest.is_empty()).then_some((*slot, rest))
                    })
                    .collect();
                if below.is_empty() {
                    self.skip_container()
                } else if open == b'{' {
                    self.object(&below)
                } else {
                    self.array(&below)
                }
            }
            _ => {
                let value = self.scalar()?;
                for (slot, path) in wanted {
                    if *path == key {
                        self.found[*slot] = value.clone();
                    }
                }
                Some(())
            }
        }
    }

    /// A string, number, `true`, `false` or `null`, as flattening shows it (null: absent).
    fn scalar(&mut self) -> Option<Found> {
        match self.peek()? {
            b'"' => self.string(),
            b'n' => self.word(b"null").map(|()| Found::Absent),
            b't' => self.word(b"true").map(|()| Found::Owned("true".into())),
            b'f' => self.word(b"false").map(|()| Found::Owned("false".into())),
            _ => self.number(),
        }
    }

    fn word(&mut self, word: &[u8]) -> Option<()> {
        self.bytes
            .get(self.at..self.at + word.len())
            .filter(|w| *w == word)?;
        self.at += word.len();
        Some(())
    }

    /// A JSON number. A plain integer is shown as written; any other form as serde_json
    /// prints the number it reads (`1.50` → `1.5`, `1e2` → `100.0`).
    fn number(&mut self) -> Option<Found> {
        let start = self.at;
        let digits = |scan: &mut Self| {
            let from = scan.at;
            while scan.peek().is_some_and(|b| b.is_ascii_digit()) {
                scan.at += 1;
            }
            scan.at > from
        };
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        let int_start = self.at;
        if !digits(self) {
            return None;
        }
        let leading_zero = self.bytes[int_start] == b'0' && self.at - int_start > 1;
        let mut plain = !leading_zero && self.at - int_start <= 18;
        if self.peek() == Some(b'.') {
            self.at += 1;
            plain = false;
            if !digits(self) {
                return None;
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at += 1;
            plain = false;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.at += 1;
            }
            if !digits(self) {
                return None;
            }
        }
        let text = &self.text[start..self.at];
        if plain && text != "-0" {
            return Some(Found::Span(start, self.at));
        }
        let number: serde_json::Number = serde_json::from_str(text).ok()?;
        Some(Found::Owned(number.to_string()))
    }

    /// A string at the cursor, unescaped.
    fn string(&mut self) -> Option<Found> {
        if self.peek() != Some(b'"') {
            return None;
        }
        let start = self.at;
        let mut escaped = false;
        self.at += 1;
        loop {
            // Straight to the next quote or backslash.
            self.at += memchr::memchr2(b'"', b'\\', self.bytes.get(self.at..)?)?;
            if self.bytes[self.at] == b'"' {
                self.at += 1;
                break;
            }
            escaped = true;
            self.at += 2;
        }
        if escaped {
            let raw = self.text.get(start..self.at)?;
            serde_json::from_str::<String>(raw).ok().map(Found::Owned)
        } else {
            Some(Found::Span(start + 1, self.at - 1))
        }
    }

    /// Skips the object or array at the cursor.
    fn skip_container(&mut self) -> Option<()> {
        let mut depth = 0usize;
        loop {
            match self.peek()? {
                b'"' => {
                    self.string()?;
                    continue;
                }
                b'{' | b'[' => depth += 1,
                b'}' | b']' => {
                    depth -= 1;
                    if depth == 0 {
                        self.at += 1;
                        return Some(());
                    }
                }
                _ => {}
            }
            self.at += 1;
        }
    }
}

fn skip_space(bytes: &[u8], mut at: usize) -> usize {
    while bytes.get(at).is_some_and(u8::is_ascii_whitespace) {
        at += 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_answer_as_flattening_does() {
        let message = r#" {"level":"ERROR","latency":300,"user":{"id":7,"tags":["a","b"]},"a.b":1,"n":null,"ok":true,"s":"q\"uote"} "#;
        let text = |s: &str| Some(Value::Text(s.into()));
        assert_eq!(lookup(message, "level"), text("ERROR"));
        assert_eq!(lookup(message, "latency"), text("300"));
        assert_eq!(lookup(message, "user.id"), text("7"));
        assert_eq!(lookup(message, "user.tags.1"), text("b"));
        assert_eq!(lookup(message, "a.b"), text("1"));
        assert_eq!(lookup(message, "ok"), text("true"));
        assert_eq!(lookup(message, "s"), text("q\"uote"));
        assert_eq!(lookup(message, "n"), None, "null is not a value");
        assert_eq!(lookup(message, "user"), None, "a container is not a value");
        assert_eq!(lookup(message, "nope"), None);
        assert_eq!(lookup("not json", "a"), None);
        assert_eq!(lookup(r#"{"a":1} trailing"#, "a"), None);
        assert_eq!(
            lookup(r#"{"a":1,"a":2}"#, "a"),
            text("2"),
            "the last duplicate"
        );
        assert_eq!(
            lookup(r#"{"a":1.50,"b":1e2,"c":007}"#, "a"),
            None,
            "007 is not JSON"
        );
        assert_eq!(lookup(r#"{"a":1.50,"b":1e2}"#, "a"), text("1.5"));
        assert_eq!(lookup(r#"{"a":1.50,"b":1e2}"#, "b"), text("100.0"));
    }

    #[test]
    fn many_paths_in_one_pass() {
        let message = r#"{"level":"ERROR","user":{"id":7,"name":"a\"b"},"latency":300}"#;
        let mut found = Vec::new();
        let paths = Paths::new(&["latency", "user.name", "nope", "level", "user.id"]);
        lookup_many(message, &paths, &mut found);
        let texts: Vec<Option<&str>> = found.iter().map(|f| f.text(message)).collect();
        assert_eq!(
            texts,
            [Some("300"), Some("a\"b"), None, Some("ERROR"), Some("7")]
        );
        assert!(
            matches!(found[0], Found::Span(..)),
            "a plain number is not copied"
        );
        lookup_many("{\"a\":1", &Paths::new(&["a"]), &mut found);
        assert_eq!(found, [Found::Absent], "malformed JSON has no fields");
    }
}
