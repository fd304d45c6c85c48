//! The transformed event: a JSON value whose objects keep their keys in insertion order (as
//! AWS's transformed messages do), with dotted-path access (`outer.inner`).

use std::fmt::Write as _;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

/// A JSON value with ordered objects.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A number, kept as written.
    Number(serde_json::Number),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object, keys in insertion order.
    Object(Object),
}

/// An object: keys in insertion order, unique.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Object(pub Vec<(String, Value)>);

impl Object {
    /// The value of `key` (one level).
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.0.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Sets `key` (one level), keeping its place when it exists.
    pub fn insert(&mut self, key: &str, value: Value) {
        match self.get_mut(key) {
            Some(slot) => *slot = value,
            None => self.0.push((key.to_owned(), value)),
        }
    }

    fn remove(&mut self, key: &str) -> Option<Value> {
        let at = self.0.iter().position(|(k, _)| k == key)?;
        Some(self.0.remove(at).1)
    }

    /// The value at a dotted path.
    pub fn path(&self, path: &str) -> Option<&Value> {
        if let Some(v) = self.get(path) {
            return Some(v);
        }
        let (head, rest) = path.split_once('.')?;
        match self.get(head)? {
            Value::Object(inner) => inner.path(rest),
            _ => None,
        }
    }

    /// The value at a dotted path, mutable.
    pub fn path_mut(&mut self, path: &str) -> Option<&mut Value> {
        if self.get(path).is_some() {
            return self.get_mut(path);
        }
        let (head, rest) = path.split_once('.')?;
        match self.get_mut(head)? {
            Value::Object(inner) => inner.path_mut(rest),
            _ => None,
        }
    }

    /// Whether a dotted path holds a value.
    pub fn has(&self, path: &str) -> bool {
        self.path(path).is_some()
    }

    /// Sets the value at a dotted path, creating intermediate objects (a non-object in the
    /// way is replaced).
    pub fn set_path(&mut self, path: &str, value: Value) {
        match path.split_once('.') {
            None => self.insert(path, value),
            Some((head, rest)) => {
                if !matches!(self.get(head), Some(Value::Object(_))) {
                    self.insert(head, Value::Object(Object::default()));
                }
                if let Some(Value::Object(inner)) = self.get_mut(head) {
                    inner.set_path(rest, value);
                }
            }
        }
    }

    /// Removes and returns the value at a dotted path.
    pub fn remove_path(&mut self, path: &str) -> Option<Value> {
        if self.get(path).is_some() {
            return self.remove(path);
        }
        let (head, rest) = path.split_once('.')?;
        match self.get_mut(head)? {
            Value::Object(inner) => inner.remove_path(rest),
            _ => None,
        }
    }
}

impl Value {
    /// A string value.
    pub fn str(s: impl Into<String>) -> Self {
        Value::String(s.into())
    }

    /// Parses JSON text.
    pub fn parse(text: &str) -> Option<Value> {
        serde_json::from_str(text).ok()
    }

    /// The value as compact JSON.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        match self {
            Value::Null => out.push_str("null"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Number(n) => {
                let _ = write!(out, "{n}");
            }
            Value::String(s) => write_string(out, s),
            Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Value::Object(object) => {
                out.push('{');
                for (i, (key, value)) in object.0.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_string(out, key);
                    out.push(':');
                    value.write(out);
                }
                out.push('}');
            }
        }
    }

    /// The text of a scalar as a processor reads it (a string as is, others as JSON).
    pub fn as_text(&self) -> String {
        match self {
            Value::String(s) => s.clone(),
            other => other.to_json(),
        }
    }
}

fn write_string(out: &mut String, s: &str) {
    out.push_str(&serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into()));
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::str(v))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Object::default();
        while let Some((key, value)) = map.next_entry::<String, Value>()? {
            object.insert(&key, value);
        }
        Ok(Value::Object(object))
    }
}
