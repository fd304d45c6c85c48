//! Input validation shared by every handler, worded the way AWS's front end words it:
//! `1 validation error detected: Value 'x' at 'logGroupName' failed to satisfy constraint:
//! Member must satisfy regular expression pattern: [\.\-_/#A-Za-z0-9]+`.
//!
//! A handler collects every model-constraint violation of its input in one [`Violations`] and
//! calls [`Violations::finish`]; all are reported together, as AWS does.

use std::fmt::Display;

use crate::error::{LogsError, LogsResult};
use std::collections::BTreeMap;

use crate::limits::{
    MAX_LOG_GROUP_IDENTIFIER_LEN, MAX_LOG_GROUP_NAME_LEN, MAX_LOG_STREAM_NAME_LEN, MAX_TAGS,
    MAX_TAG_KEY_LEN, MAX_TAG_VALUE_LEN,
};

/// The model's pattern for log group names (`LogGroupName`).
pub const LOG_GROUP_NAME_PATTERN: &str = r"[\.\-_/#A-Za-z0-9]+";
/// The model's pattern for `logGroupNamePattern` (`LogGroupNamePattern`).
pub const LOG_GROUP_NAME_PATTERN_PATTERN: &str = r"[\.\-_/#A-Za-z0-9]*";
/// The model's pattern for log stream names (`LogStreamName`).
pub const LOG_STREAM_NAME_PATTERN: &str = "[^:*]*";
/// The model's pattern for `logGroupIdentifier` (`LogGroupIdentifier`).
pub const LOG_GROUP_IDENTIFIER_PATTERN: &str = r"[\w#+=/:,.@-]*";

/// Whether `c` may appear in a log group name.
pub fn is_log_group_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '/' | '#')
}

/// Whether `c` may appear in a log group identifier (a name or an ARN).
fn is_identifier_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(c, '_' | '#' | '+' | '=' | '/' | ':' | ',' | '.' | '@' | '-')
}

/// The model-constraint violations found in one request.
#[derive(Debug, Default)]
pub struct Violations {
    found: Vec<String>,
    /// AWS checks name lengths in the service rather than against the model, with a message of
    /// its own; it is reported only when nothing else was.
    name_too_long: bool,
}

impl Violations {
    /// An empty collection.
    pub fn new() -> Self {
        Self::default()
    }

    fn push(&mut self, value: impl Display, field: &str, constraint: impl Display) {
        self.found.push(format!(
            "Value {value} at '{field}' failed to satisfy constraint: Member must {constraint}"
        ));
    }

    /// Records a missing required member; gives the value back when present.
    pub fn required<'v, T: ?Sized>(&mut self, field: &str, value: Option<&'v T>) -> Option<&'v T> {
        if value.is_none() {
            self.push("null", field, "not be null");
        }
        value
    }

    /// Checks a string's length (in characters) against `min..=max`.
    pub fn length(&mut self, field: &str, value: &str, min: usize, max: usize) -> bool {
        let len = value.chars().count();
        if len < min {
            self.push(
                quoted(value),
                field,
                format!("have length greater than or equal to {min}"),
            );
            false
        } else if len > max {
            self.push(
                quoted(value),
                field,
                format!("have length less than or equal to {max}"),
            );
            false
        } else {
            true
        }
    }

    /// Checks a list's length against `min..=max`. The list itself is not echoed back.
    pub fn count(&mut self, field: &str, len: usize, min: usize, max: usize) -> bool {
        if len < min {
            self.push(
                "'[]'",
                field,
                format!("have length greater than or equal to {min}"),
            );
            false
        } else if len > max {
            self.push(
                format!("'[... {len} items]'"),
                field,
                format!("have length less than or equal to {max}"),
            );
            false
        } else {
            true
        }
    }

    /// [`Violations::count`], echoing the list as `shown` gives it when it is too long (AWS
    /// prints some lists whole, in its Java `toString` form).
    pub fn count_showing(
        &mut self,
        field: &str,
        len: usize,
        min: usize,
        max: usize,
        shown: impl FnOnce() -> String,
    ) -> bool {
        if len > max {
            self.push(
                format!("'{}'", shown()),
                field,
                format!("have length less than or equal to {max}"),
            );
            return false;
        }
        self.count(field, len, min, max)
    }

    /// Checks that every character of `value` satisfies `allowed`, reporting `pattern`. AWS
    /// leaves the value out of pattern violations (`Value at 'x' failed ...`, as of 2026).
    pub fn pattern(
        &mut self,
        field: &str,
        value: &str,
        pattern: &str,
        allowed: impl Fn(char) -> bool,
    ) -> bool {
        if value.chars().all(allowed) {
            true
        } else {
            self.found.push(format!(
                "Value at '{field}' failed to satisfy constraint: Member must satisfy regular expression pattern: {pattern}"
            ));
            false
        }
    }

    /// Records that `value` as a whole does not satisfy `pattern` unless `ok` (for patterns
    /// that are more than a character class).
    pub fn whole_pattern(&mut self, field: &str, ok: bool, pattern: &str) -> bool {
        if !ok {
            self.found.push(format!(
                "Value at '{field}' failed to satisfy constraint: Member must satisfy regular expression pattern: {pattern}"
            ));
        }
        ok
    }

    /// Checks a number against `min..=max`.
    pub fn range(&mut self, field: &str, value: i64, min: i64, max: i64) -> bool {
        if value < min {
            self.push(
                quoted(value),
                field,
                format!("have value greater than or equal to {min}"),
            );
            false
        } else if value > max {
            self.push(
                quoted(value),
                field,
                format!("have value less than or equal to {max}"),
            );
            false
        } else {
            true
        }
    }

    /// Checks that `value` is one of `allowed`; gives back its index.
    pub fn one_of(&mut self, field: &str, value: &str, allowed: &[&str]) -> Option<usize> {
        let found = allowed.iter().position(|a| *a == value);
        if found.is_none() {
            self.push(
                quoted(value),
                field,
                format!("satisfy enum value set: [{}]", allowed.join(", ")),
            );
        }
        found
    }

    /// The required `logGroupName` member: present and a valid name. Gives back the name, or
    /// "" when it is missing (the violation is recorded, so `finish` fails).
    pub fn required_group_name<'v>(&mut self, value: Option<&'v str>) -> &'v str {
        self.required_name("logGroupName", value, Self::log_group_name)
    }

    /// The required `logStreamName` member, as [`Violations::required_group_name`].
    pub fn required_stream_name<'v>(&mut self, value: Option<&'v str>) -> &'v str {
        self.required_name("logStreamName", value, Self::log_stream_name)
    }

    fn required_name<'v>(
        &mut self,
        field: &str,
        value: Option<&'v str>,
        check: fn(&mut Self, &str, &str) -> bool,
    ) -> &'v str {
        match self.required(field, value) {
            Some(name) => {
                check(self, field, name);
                name
            }
            None => "",
        }
    }

    /// A log group name: 1–512 characters of `[\.\-_/#A-Za-z0-9]`.
    pub fn log_group_name(&mut self, field: &str, value: &str) -> bool {
        self.name(field, value, MAX_LOG_GROUP_NAME_LEN)
            && self.pattern(field, value, LOG_GROUP_NAME_PATTERN, is_log_group_name_char)
    }

    /// A log stream name: 1–512 characters, none of them `:` or `*`.
    pub fn log_stream_name(&mut self, field: &str, value: &str) -> bool {
        self.name(field, value, MAX_LOG_STREAM_NAME_LEN)
            && self.pattern(field, value, LOG_STREAM_NAME_PATTERN, |c| {
                c != ':' && c != '*'
            })
    }

    fn name(&mut self, field: &str, value: &str, max: usize) -> bool {
        if value.chars().count() > max {
            self.name_too_long = true;
            return false;
        }
        self.length(field, value, 1, max)
    }

    /// A log group identifier (a name or an ARN): 1–2048 characters of `[\w#+=/:,.@-]`.
    pub fn log_group_identifier(&mut self, field: &str, value: &str) -> bool {
        self.length(field, value, 1, MAX_LOG_GROUP_IDENTIFIER_LEN)
            && self.pattern(
                field,
                value,
                LOG_GROUP_IDENTIFIER_PATTERN,
                is_identifier_char,
            )
    }

    /// A `nextToken`-like string: at least one character.
    pub fn non_empty(&mut self, field: &str, value: &str) -> bool {
        self.length(field, value, 1, usize::MAX)
    }

    /// The optional `nextToken` member.
    pub fn next_token(&mut self, token: Option<&str>) {
        if let Some(token) = token {
            self.non_empty("nextToken", token);
        }
    }

    /// The optional `limit` member, `1..=max`; gives back the limit to apply (`max` when absent
    /// or invalid, in which case `finish` fails anyway).
    pub fn limit(&mut self, limit: Option<i64>, max: i64) -> usize {
        self.page_size("limit", limit, 1, max, max as usize)
    }

    /// An optional size member (`limit`, `maxResults`, `maxItems`) in `min..=max`; gives back
    /// the size to apply: `default` when absent (or invalid, in which case `finish` fails).
    pub fn page_size(
        &mut self,
        field: &str,
        value: Option<i64>,
        min: i64,
        max: i64,
        default: usize,
    ) -> usize {
        match value {
            Some(value) if self.range(field, value, min, max) => value as usize,
            _ => default,
        }
    }

    /// The optional `logGroupName` / `logGroupIdentifier` pair (which one is required is the
    /// resolver's business: `ops::resolve_group`).
    pub fn group_reference(&mut self, name: Option<&str>, identifier: Option<&str>) {
        if let Some(name) = name {
            self.log_group_name("logGroupName", name);
        }
        if let Some(identifier) = identifier {
            self.log_group_identifier("logGroupIdentifier", identifier);
        }
    }

    /// The optional `startTime` / `endTime` members (epoch milliseconds, never negative).
    pub fn time_range(&mut self, start: Option<i64>, end: Option<i64>) {
        for (field, time) in [("startTime", start), ("endTime", end)] {
            if let Some(time) = time {
                self.range(field, time, 0, i64::MAX);
            }
        }
    }

    /// A `tags` map (model: `Tags`, `TagKey`, `TagValue`): 1–50 entries, keys of 1–128 and
    /// values of 0–256 characters of `[\p{L}\p{Z}\p{N}_.:/=+\-@]`. Used by CreateLogGroup, the
    /// tagging operations and fixtures alike.
    pub fn tags(&mut self, field: &str, tags: &BTreeMap<String, String>) {
        self.count(field, tags.len(), 1, MAX_TAGS);
        for (key, value) in tags {
            let key_field = format!("{field}.key");
            if self.length(&key_field, key, 1, MAX_TAG_KEY_LEN) {
                self.pattern(
                    &key_field,
                    key,
                    r"^([\p{L}\p{Z}\p{N}_.:/=+\-@]+)$",
                    is_tag_char,
                );
            }
            let value_field = format!("{field}.value");
            if self.length(&value_field, value, 0, MAX_TAG_VALUE_LEN) {
                self.pattern(
                    &value_field,
                    value,
                    r"^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$",
                    is_tag_char,
                );
            }
        }
    }

    /// Checks that every member of a list of enum values is one of `allowed`, in AWS's
    /// wording for list members (the whole list quoted once).
    pub fn members_one_of(&mut self, field: &str, values: &[String], allowed: &[&str]) -> bool {
        let ok = values.iter().all(|v| allowed.contains(&v.as_str()));
        if !ok {
            self.push(
                quoted(format!("[{}]", values.join(", "))),
                field,
                format!(
                    "satisfy constraint: [Member must satisfy enum value set: [{}]]",
                    allowed.join(", ")
                ),
            );
        }
        ok
    }

    /// `Ok` when nothing was found, else AWS's InvalidParameterException listing every violation.
    pub fn finish(self) -> LogsResult<()> {
        match self.found.len() {
            0 if self.name_too_long => Err(LogsError::InvalidParameter(
                "Invalid LogGroup or LogStream, both must have length less than or equal to 512."
                    .into(),
            )),
            0 => Ok(()),
            1 => Err(LogsError::InvalidParameter(format!(
                "1 validation error detected: {}",
                self.found[0]
            ))),
            n => Err(LogsError::InvalidParameter(format!(
                "{n} validation errors detected: {}",
                self.found.join("; ")
            ))),
        }
    }
}

/// `[\p{L}\p{Z}\p{N}_.:/=+\-@]`: letters, separators, numbers and a few symbols.
pub fn is_tag_char(c: char) -> bool {
    c.is_alphabetic()
        || c.is_numeric()
        || (c.is_whitespace() && !c.is_control())
        || matches!(c, '_' | '.' | ':' | '/' | '=' | '+' | '-' | '@')
}

fn quoted(value: impl Display) -> String {
    format!("'{value}'")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_follow_the_aws_wording() {
        let mut v = Violations::new();
        v.range("limit", 10_001, 1, 10_000);
        assert_eq!(
            v.finish().unwrap_err().to_string(),
            "1 validation error detected: Value '10001' at 'limit' failed to satisfy constraint: \
             Member must have value less than or equal to 10000"
        );
        let mut v = Violations::new();
        v.required::<str>("logStreamName", None);
        v.log_group_name("logGroupName", "bad name");
        assert_eq!(
            v.finish().unwrap_err().to_string(),
            "2 validation errors detected: Value null at 'logStreamName' failed to satisfy \
             constraint: Member must not be null; Value at 'logGroupName' failed to \
             satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+"
        );
    }

    #[test]
    fn names_follow_the_model_patterns() {
        let mut v = Violations::new();
        assert!(v.log_group_name("g", "/aws/lambda/fn-1_x.y#z"));
        assert!(v.log_stream_name("s", "2026/11/25/[$LATEST]abc @ weird"));
        assert!(!v.log_stream_name("s", "a:b"));
        assert!(!v.log_stream_name("s", "a*b"));
        assert!(!v.log_group_name("g", ""));
        assert!(!v.log_group_name("g", &"a".repeat(513)));
        let mut v = Violations::new();
        v.log_group_name("logGroupName", &"a".repeat(513));
        assert_eq!(
            v.finish().unwrap_err().to_string(),
            "Invalid LogGroup or LogStream, both must have length less than or equal to 512."
        );
        let mut v = Violations::new();
        assert!(v.log_group_identifier("i", "arn:aws:logs:us-east-1:000000000000:log-group:g"));
        assert!(!v.log_group_identifier("i", "arn:aws:logs:us-east-1:000000000000:log-group:g:*"));
    }
}
