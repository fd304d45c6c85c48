//! The values a query computes with, and how results print them. Log fields are text; they
//! act as numbers where an operation needs one and the text is a number, as in AWS.

use std::borrow::Cow;
use std::cmp::Ordering;

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
            Value::Missing => None,
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
        }
    }

    /// Whether a condition holds.
    pub fn is_true(&self) -> bool {
        match self {
            Value::Bool(b) => *b,
            Value::Number(n) => *n != 0.0,
            Value::Text(text) => !text.is_empty(),
            Value::Time(_) => true,
            Value::Missing => false,
        }
    }

    /// Compares two values: as numbers when both are numbers (or numeric text and a number),
    /// else as text. `None` when either is missing.
    pub fn compare(&self, other: &Value) -> Option<Ordering> {
        if !self.is_present() || !other.is_present() {
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

    /// The total order `sort` uses: missing values last, then [`Value::compare`].
    pub fn sort_cmp(&self, other: &Value) -> Ordering {
        match (self.is_present(), other.is_present()) {
            (false, false) => Ordering::Equal,
            (false, true) => Ordering::Greater,
            (true, false) => Ordering::Less,
            (true, true) => self.compare(other).unwrap_or(Ordering::Equal),
        }
    }
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

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian (Howard Hinnant's method).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// A period such as `5m`, `30s`, `1h`, `100ms`, `1d` or `1w`, in milliseconds.
pub fn period_millis(period: &str) -> Option<i64> {
    let split = period.find(|c: char| !c.is_ascii_digit())?;
    let (amount, unit) = period.split_at(split);
    let amount: i64 = amount.parse().ok().filter(|n| *n > 0)?;
    let unit_ms = match unit {
        "ms" => 1,
        "s" | "sec" => 1_000,
        "m" | "min" => 60_000,
        "h" | "hr" => 3_600_000,
        "d" => 86_400_000,
        "w" => 7 * 86_400_000,
        _ => return None,
    };
    amount.checked_mul(unit_ms)
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
        assert_eq!(period_millis("5m"), Some(300_000));
        assert_eq!(period_millis("100ms"), Some(100));
        assert_eq!(period_millis("5x"), None);
        assert_eq!(period_millis("m"), None);
    }
}
