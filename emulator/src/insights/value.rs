//! The values a query computes with, and how results print them. Log fields are text; they
//! act as numbers where an operation needs one and the text is a number, as in AWS.

use std::borrow::Cow;
use std::cmp::Ordering;

use crate::clock::{civil_from_days, days_from_civil};

/// A field's value in one record.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// The field is absent: it is left out of result rows.
    Missing,
    /// Text (every extracted field starts as text).
    Text(String),
    /// A number.
    Number(f64),
    /// A condition's outcome.
    Bool(bool),
    /// A point in time, epoch milliseconds (`@timestamp`, `bin(...)`, `fromMillis(...)`).
    Time(i64),
    /// A map or a list (`jsonParse`, `split`): only ever a JSON object or array. The docs:
    /// maps and lists count as null for string, number and datetime functions, and comparing
    /// them to anything is false.
    Json(Box<serde_json::Value>),
}

impl Value {
    /// Whether the field is present.
    pub fn is_present(&self) -> bool {
        !matches!(self, Value::Missing)
    }

    /// The value as a number, when it is one or is text that reads as one.
    pub fn as_number(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            Value::Text(text) => text.trim().parse::<f64>().ok().filter(|n| n.is_finite()),
            Value::Time(t) => Some(*t as f64),
            Value::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
            Value::Missing | Value::Json(_) => None,
        }
    }

    /// The value as text, as a result row would show it.
    pub fn as_text(&self) -> Option<Cow<'_, str>> {
        match self {
            Value::Missing => None,
            Value::Text(text) => Some(Cow::Borrowed(text)),
            Value::Number(n) => Some(Cow::Owned(format_number(*n))),
            // The docs: a condition "equals 0 or 1".
            Value::Bool(b) => Some(Cow::Borrowed(if *b { "1" } else { "0" })),
            Value::Time(t) => Some(Cow::Owned(format_time(*t))),
            Value::Json(_) => None,
        }
    }

    /// The value as a result row shows it: as text, and a map or list as compact JSON.
    pub fn display(&self) -> Option<Cow<'_, str>> {
        match self {
            Value::Json(json) => Some(Cow::Owned(json.to_string())),
            other => other.as_text(),
        }
    }

    /// A JSON value as a query sees it: containers stay maps and lists, a string is text,
    /// other scalars are their JSON text, null is missing.
    pub fn from_json(json: &serde_json::Value) -> Self {
        match json {
            serde_json::Value::Null => Value::Missing,
            serde_json::Value::String(text) => Value::Text(text.clone()),
            serde_json::Value::Object(_) | serde_json::Value::Array(_) => {
                Value::Json(Box::new(json.clone()))
            }
            other => Value::Text(other.to_string()),
        }
    }

    /// The value at a dotted path below a map or list (`users.1.action`), if any.
    pub fn path(&self, path: &str) -> Value {
        let Value::Json(json) = self else {
            return Value::Missing;
        };
        let mut at: &serde_json::Value = json;
        for segment in path.split('.') {
            at = match at {
                serde_json::Value::Object(map) => match map.get(segment) {
                    Some(inner) => inner,
                    None => return Value::Missing,
                },
                serde_json::Value::Array(items) => {
                    match segment.parse::<usize>().ok().and_then(|i| items.get(i)) {
                        Some(inner) => inner,
                        None => return Value::Missing,
                    }
                }
                _ => return Value::Missing,
            };
        }
        Value::from_json(at)
    }

    /// Whether a condition holds.
    pub fn is_true(&self) -> bool {
        match self {
            Value::Bool(b) => *b,
            Value::Number(n) => *n != 0.0,
            Value::Text(text) => !text.is_empty(),
            Value::Time(_) | Value::Json(_) => true,
            Value::Missing => false,
        }
    }

    /// Compares two values: as numbers when both are numbers (or numeric text and a number),
    /// else as text. `None` when either is missing.
    pub fn compare(&self, other: &Value) -> Option<Ordering> {
        if !self.is_present()
            || !other.is_present()
            || matches!(self, Value::Json(_))
            || matches!(other, Value::Json(_))
        {
            return None;
        }
        let numeric_intent = matches!(self, Value::Number(_) | Value::Time(_))
            || matches!(other, Value::Number(_) | Value::Time(_));
        if let (Some(a), Some(b)) = (self.as_number(), other.as_number()) {
            if numeric_intent || both_numeric_text(self, other) {
                return a.partial_cmp(&b);
            }
        }
        Some(self.as_text()?.cmp(&other.as_text()?))
    }

    /// The order `sort` uses (missing values last): AWS's "natural" order. Every value that
    /// is not a number sorts before every number; numbers compare by value; other values are
    /// cut into runs of digits and runs of other characters, compared run by run, two digit
    /// runs by length and then value, any other pair as Unicode text.
    pub fn sort_cmp(&self, other: &Value) -> Ordering {
        match (self.is_present(), other.is_present()) {
            (false, false) => return Ordering::Equal,
            (false, true) => return Ordering::Greater,
            (true, false) => return Ordering::Less,
            (true, true) => {}
        }
        let number = |v: &Value| match v {
            Value::Number(n) => Some(*n),
            Value::Time(t) => Some(*t as f64),
            Value::Bool(b) => Some(f64::from(u8::from(*b))),
            Value::Text(text) => text.trim().parse::<f64>().ok().filter(|n| n.is_finite()),
            Value::Missing | Value::Json(_) => None,
        };
        // Text is formatted only when the numbers tie or neither is a number.
        let texts = || {
            (
                self.as_text().unwrap_or_default(),
                other.as_text().unwrap_or_default(),
            )
        };
        match (number(self), number(other)) {
            (Some(x), Some(y)) => x.total_cmp(&y).then_with(|| {
                let (a, b) = texts();
                a.cmp(&b)
            }),
            (Some(_), None) => Ordering::Greater,
            (None, Some(_)) => Ordering::Less,
            (None, None) => {
                let (a, b) = texts();
                natural_cmp(&a, &b)
            }
        }
    }
}

/// Run-by-run comparison of two texts (see [`Value::sort_cmp`]).
fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut a, mut b) = (runs(a), runs(b));
    loop {
        match (a.next(), b.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => {
                let digits = |s: &str| s.starts_with(|c: char| c.is_ascii_digit());
                let order = if digits(x) && digits(y) {
                    x.len().cmp(&y.len()).then_with(|| x.cmp(y))
                } else {
                    x.cmp(y)
                };
                if order != Ordering::Equal {
                    return order;
                }
            }
        }
    }
}

/// A text cut into maximal runs of ASCII digits and of other characters.
fn runs(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        let first = rest.chars().next()?;
        let digit = first.is_ascii_digit();
        let end = rest
            .char_indices()
            .find(|(_, c)| c.is_ascii_digit() != digit)
            .map_or(rest.len(), |(i, _)| i);
        let (run, tail) = rest.split_at(end);
        rest = tail;
        Some(run)
    })
}

fn both_numeric_text(a: &Value, b: &Value) -> bool {
    matches!((a, b), (Value::Text(_), Value::Text(_)))
}

/// A number as results print it: whole numbers without a fraction.
pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// `yyyy-MM-dd HH:mm:ss.SSS` in UTC, as Insights prints `@timestamp`.
pub fn format_time(millis: i64) -> String {
    let seconds = millis.div_euclid(1000);
    let ms = millis.rem_euclid(1000);
    let days = seconds.div_euclid(86_400);
    let secs_of_day = seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}.{ms:03}",
        secs_of_day / 3600,
        secs_of_day % 3600 / 60,
        secs_of_day % 60
    )
}

/// A period of `bin`, `datefloor` and `dateceil`: a fixed length, or whole calendar months.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    /// Milliseconds.
    Fixed(i64),
    /// Calendar months (`mo`, `q` = 3, `y` = 12), in UTC.
    Months(i64),
}

/// Parses `5m`, `30s`, `1h`, `100ms`, `1d`, `1w`, `1mo`, `1q`, `1y` and the documented aliases
/// (`msec`, `sec`, `min`, `hr`, `day`, `week`, `mon`, `qtr`, `yr`, plurals of the longer ones).
/// The documented caps apply: at most 1000 ms, 60 s or m, 24 h ("bin(300s) is implemented as
/// 60 s").
pub fn period(text: &str) -> Option<Period> {
    match unit_amount(text)? {
        (amount, Unit::Fixed { unit_ms, cap }) => {
            amount.min(cap).checked_mul(unit_ms).map(Period::Fixed)
        }
        (amount, Unit::Months(per)) => amount.checked_mul(per).map(Period::Months),
    }
}

/// A fixed duration written as `bin()`'s periods are (`30s`, `5m`, `1h`, `1d`, ...), in
/// milliseconds, without `bin`'s caps; calendar units (months, quarters, years) are not one.
pub fn duration_ms(text: &str) -> Option<i64> {
    match unit_amount(text)? {
        (amount, Unit::Fixed { unit_ms, .. }) => amount.checked_mul(unit_ms),
        (_, Unit::Months(_)) => None,
    }
}

/// A period's unit: milliseconds with `bin`'s cap on the amount, or a number of months.
enum Unit {
    Fixed { unit_ms: i64, cap: i64 },
    Months(i64),
}

/// A period's positive amount and its unit.
fn unit_amount(text: &str) -> Option<(i64, Unit)> {
    let split = text.find(|c: char| !c.is_ascii_digit())?;
    let (amount, unit) = text.split_at(split);
    let amount: i64 = amount.parse().ok().filter(|n| *n > 0)?;
    let unit = unit.to_ascii_lowercase();
    let unit = match unit.as_str() {
        "ms" | "s" | "m" | "h" | "d" | "w" | "q" | "y" | "mo" => unit.as_str(),
        long => long.strip_suffix('s').unwrap_or(long),
    };
    let fixed = |unit_ms, cap| Some((amount, Unit::Fixed { unit_ms, cap }));
    match unit {
        "ms" | "msec" | "millisecond" => fixed(1, 1000),
        "s" | "sec" | "second" => fixed(1_000, 60),
        "m" | "min" | "minute" => fixed(60_000, 60),
        "h" | "hr" | "hour" => fixed(3_600_000, 24),
        "d" | "day" => fixed(86_400_000, i64::MAX),
        "w" | "week" => fixed(7 * 86_400_000, i64::MAX),
        "mo" | "mon" | "month" => Some((amount, Unit::Months(1))),
        "q" | "qtr" | "quarter" => Some((amount, Unit::Months(3))),
        "y" | "yr" | "year" => Some((amount, Unit::Months(12))),
        _ => None,
    }
}

impl Period {
    /// The start of the period `millis` falls in.
    pub fn floor(self, millis: i64) -> i64 {
        match self {
            Period::Fixed(p) => millis.div_euclid(p) * p,
            Period::Months(n) => {
                let (year, month, _) = civil_from_days(millis.div_euclid(86_400_000));
                let index = year * 12 + i64::from(month) - 1;
                let start = index - index.rem_euclid(n);
                days_from_civil(start.div_euclid(12), (start.rem_euclid(12) + 1) as u32, 1)
                    * 86_400_000
            }
        }
    }

    /// The end of the period `millis` falls in (itself when it starts one).
    pub fn ceil(self, millis: i64) -> i64 {
        let floor = self.floor(millis);
        if floor == millis {
            return millis;
        }
        match self {
            Period::Fixed(p) => floor + p,
            Period::Months(n) => {
                let (year, month, _) = civil_from_days(floor.div_euclid(86_400_000));
                let next = year * 12 + i64::from(month) - 1 + n;
                days_from_civil(next.div_euclid(12), (next.rem_euclid(12) + 1) as u32, 1)
                    * 86_400_000
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_print_as_insights_prints_them() {
        assert_eq!(format_time(0), "1970-01-01 00:00:00.000");
        assert_eq!(format_time(1_767_225_600_123), "2026-01-01 00:00:00.123");
        assert_eq!(format_time(951_782_400_000), "2000-02-29 00:00:00.000");
    }

    #[test]
    fn numbers_and_comparisons() {
        assert_eq!(format_number(10.0), "10");
        assert_eq!(format_number(12.5), "12.5");
        let text = |s: &str| Value::Text(s.into());
        assert_eq!(
            text("10").compare(&Value::Number(9.0)),
            Some(Ordering::Greater)
        );
        assert_eq!(text("10").compare(&text("9")), Some(Ordering::Greater));
        assert_eq!(text("abc").compare(&text("abd")), Some(Ordering::Less));
        assert_eq!(Value::Missing.compare(&text("a")), None);
        assert_eq!(period("5m"), Some(Period::Fixed(300_000)));
        assert_eq!(period("100ms"), Some(Period::Fixed(100)));
        assert_eq!(
            period("300s"),
            Some(Period::Fixed(60_000)),
            "the documented cap"
        );
        assert_eq!(period("2hrs"), Some(Period::Fixed(7_200_000)));
        assert_eq!(period("1q"), Some(Period::Months(3)));
        assert_eq!(period("5x"), None);
        assert_eq!(period("m"), None);
        // 2026-05-17 → the quarter starts 2026-04-01, the year 2026-01-01.
        let may = 1_778_976_000_000;
        assert_eq!(
            format_time(Period::Months(3).floor(may)),
            "2026-04-01 00:00:00.000"
        );
        assert_eq!(
            format_time(Period::Months(12).floor(may)),
            "2026-01-01 00:00:00.000"
        );
        assert_eq!(
            format_time(Period::Months(1).ceil(may)),
            "2026-06-01 00:00:00.000"
        );
    }

    #[test]
    fn sort_uses_the_documented_natural_order() {
        // The ascending order the Sort page documents.
        let documented = [
            "!:",
            "#",
            "*%04",
            "0#",
            "5A",
            "111A",
            "2345_",
            "@",
            "@_",
            "A",
            "A9876fghj",
            "a12345hfh",
            "0",
            "01",
            "1",
            "2",
            "3",
        ];
        let mut shuffled: Vec<Value> = documented
            .iter()
            .rev()
            .map(|s| Value::Text((*s).into()))
            .collect();
        shuffled.rotate_left(7);
        shuffled.sort_by(|a, b| a.sort_cmp(b));
        let sorted: Vec<String> = shuffled
            .iter()
            .map(|v| v.as_text().unwrap().into_owned())
            .collect();
        assert_eq!(sorted, documented);
    }
}
