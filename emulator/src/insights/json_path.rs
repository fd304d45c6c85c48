//! Reading one flattened field (`a.b`, `list.0`) straight out of a JSON message, without
//! building a tree: what a filter or stats over a few JSON fields needs per event. It agrees
//! with flattening (`exec::json_values`): a key `a.b` and a path `a` → `b` both answer `a.b`,
//! the last duplicate wins, nulls and containers are not values, and a message that is not
//! a JSON object has no fields.

use super::value::Value;

/// The value at the flattened `path` of `message`, if it is there.
pub fn lookup(message: &str, path: &str) -> Option<Value> {
    let bytes = message.as_bytes();
    let mut at = skip_space(bytes, 0);
    if bytes.get(at) != Some(&b'{') {
        return None;
    }
    let found = find_in_object(bytes, &mut at, path)?;
    // A message with anything but space after its object is not JSON.
    (skip_space(bytes, at) == bytes.len())
        .then_some(found)
        .flatten()
}

/// Scans the object at `*at` for `path`; leaves `*at` after the object. The outer `None`
/// means malformed JSON; the inner one, not found.
fn find_in_object(bytes: &[u8], at: &mut usize, path: &str) -> Option<Option<Value>> {
    *at += 1; // '{'
    let mut found = None;
    *at = skip_space(bytes, *at);
    if bytes.get(*at) == Some(&b'}') {
        *at += 1;
        return Some(None);
    }
    loop {
        *at = skip_space(bytes, *at);
        let key = read_string(bytes, at)?;
        *at = skip_space(bytes, *at);
        if bytes.get(*at) != Some(&b':') {
            return None;
        }
        *at = skip_space(bytes, *at + 1);
        if let Some(hit) = value_at(bytes, at, &key, path)? {
            found = Some(hit);
        }
        *at = skip_space(bytes, *at);
        match bytes.get(*at) {
            Some(b',') => *at += 1,
            Some(b'}') => {
                *at += 1;
                return Some(found);
            }
            _ => return None,
        }
    }
}

/// The value at `*at`, under `key`: the answer when `key` is `path` (a scalar) or a prefix
/// of it (descending); skipped otherwise.
fn value_at(bytes: &[u8], at: &mut usize, key: &str, path: &str) -> Option<Option<Value>> {
    let rest = if key == path {
        Some("")
    } else {
        path.strip_prefix(key).and_then(|r| r.strip_prefix('.'))
    };
    match (bytes.get(*at)?, rest) {
        (b'{', Some(rest)) if !rest.is_empty() => find_in_object(bytes, at, rest),
        (b'[', Some(rest)) if !rest.is_empty() => find_in_array(bytes, at, rest),
        (b'{' | b'[', _) => {
            skip_value(bytes, at)?;
            Some(None)
        }
        (_, Some("")) => scalar(bytes, at).map(Some),
        _ => {
            skip_value(bytes, at)?;
            Some(None)
        }
    }
}

fn find_in_array(bytes: &[u8], at: &mut usize, path: &str) -> Option<Option<Value>> {
    *at += 1; // '['
    let mut found = None;
    *at = skip_space(bytes, *at);
    if bytes.get(*at) == Some(&b']') {
        *at += 1;
        return Some(None);
    }
    let mut index = 0usize;
    loop {
        *at = skip_space(bytes, *at);
        if let Some(hit) = value_at(bytes, at, &index.to_string(), path)? {
            found = Some(hit);
        }
        index += 1;
        *at = skip_space(bytes, *at);
        match bytes.get(*at) {
            Some(b',') => *at += 1,
            Some(b']') => {
                *at += 1;
                return Some(found);
            }
            _ => return None,
        }
    }
}

/// A string, number, `true`, `false` or `null` at `*at`, as flattening shows it.
fn scalar(bytes: &[u8], at: &mut usize) -> Option<Value> {
    match bytes.get(*at)? {
        b'"' => read_string(bytes, at).map(Value::Text),
        b'n' => {
            expect(bytes, at, b"null")?;
            Some(Value::Missing)
        }
        b't' => {
            expect(bytes, at, b"true")?;
            Some(Value::Text("true".into()))
        }
        b'f' => {
            expect(bytes, at, b"false")?;
            Some(Value::Text("false".into()))
        }
        _ => {
            let start = *at;
            while bytes.get(*at).is_some_and(|b| {
                b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E')
            }) {
                *at += 1;
            }
            let text = std::str::from_utf8(&bytes[start..*at]).ok()?;
            // Printed as serde_json prints the number it reads.
            let number: serde_json::Number = serde_json::from_str(text).ok()?;
            Some(Value::Text(number.to_string()))
        }
    }
}

fn expect(bytes: &[u8], at: &mut usize, word: &[u8]) -> Option<()> {
    bytes.get(*at..*at + word.len()).filter(|w| *w == word)?;
    *at += word.len();
    Some(())
}

/// Skips any value at `*at`.
fn skip_value(bytes: &[u8], at: &mut usize) -> Option<()> {
    match bytes.get(*at)? {
        b'{' | b'[' => {
            let mut depth = 0usize;
            loop {
                match bytes.get(*at)? {
                    b'"' => {
                        skip_string(bytes, at)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            *at += 1;
                            return Some(());
                        }
                    }
                    _ => {}
                }
                *at += 1;
            }
        }
        _ => scalar(bytes, at).map(|_| ()),
    }
}

fn skip_string(bytes: &[u8], at: &mut usize) -> Option<()> {
    *at += 1;
    loop {
        match bytes.get(*at)? {
            b'\\' => *at += 2,
            b'"' => {
                *at += 1;
                return Some(());
            }
            _ => *at += 1,
        }
    }
}

/// The string at `*at`, unescaped (without allocating a copy when it has no escapes is not
/// worth the code: keys and values are short).
fn read_string(bytes: &[u8], at: &mut usize) -> Option<String> {
    if bytes.get(*at) != Some(&b'"') {
        return None;
    }
    let start = *at;
    skip_string(bytes, at)?;
    let raw = std::str::from_utf8(&bytes[start..*at]).ok()?;
    if raw.contains('\\') {
        serde_json::from_str(raw).ok()
    } else {
        Some(raw[1..raw.len() - 1].to_owned())
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
        assert_eq!(lookup(message, "n"), Some(Value::Missing));
        assert_eq!(lookup(message, "user"), None, "a container is not a value");
        assert_eq!(lookup(message, "nope"), None);
        assert_eq!(lookup("not json", "a"), None);
        assert_eq!(lookup(r#"{"a":1} trailing"#, "a"), None);
        assert_eq!(
            lookup(r#"{"a":1,"a":2}"#, "a"),
            text("2"),
            "the last duplicate"
        );
    }
}
