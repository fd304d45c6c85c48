//! dateTimeConverter: Java `DateTimeFormatter` patterns (the syntax AWS documents for
//! `matchPatterns` and `targetFormat`), the common letters: `y M d H h a m s S E Z X z` and
//! quoted literals. Time zones are what Java's `ZoneId.of` reads: `Z`, fixed offsets
//! (`+05:30`, `UTC+2`) and IANA region ids (`America/New_York`, with its DST rules).

use crate::timezone::{zone_offset, Zone};

/// AWS's default `targetFormat`.
pub const DEFAULT_TARGET_FORMAT: &str = "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'";

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Literal(String),
    /// A pattern letter and how often it repeats.
    Field(char, usize),
}

/// A compiled pattern.
#[derive(Debug, Clone, PartialEq)]
pub struct Pattern(Vec<Token>);

/// Month names, January first (shared with Insights' `formatDate`).
pub(crate) const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
/// Day names, Monday first (shared with Insights' `formatDate`).
pub(crate) const DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

impl Pattern {
    /// Compiles a pattern, or says which letter is not supported.
    pub fn compile(text: &str) -> Result<Self, String> {
        let mut tokens = Vec::new();
        let chars: Vec<char> = text.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c == '\'' {
                let mut lit = String::new();
                i += 1;
                while i < chars.len() && chars[i] != '\'' {
                    lit.push(chars[i]);
                    i += 1;
                }
                i += 1;
                if lit.is_empty() {
                    lit.push('\'');
                }
                tokens.push(Token::Literal(lit));
            } else if c.is_ascii_alphabetic() {
                let mut n = 1;
                while i + n < chars.len() && chars[i + n] == c {
                    n += 1;
                }
                if !"yuMLdHhkKamsSEZXxz".contains(c) {
                    return Err(format!(
                        "Unsupported date time pattern letter '{c}' in {text}"
                    ));
                }
                tokens.push(Token::Field(c, n));
                i += n;
            } else {
                tokens.push(Token::Literal(c.to_string()));
                i += 1;
            }
        }
        Ok(Self(tokens))
    }

    /// Parses `text` wholly: epoch milliseconds (UTC), reading local time in `zone` unless
    /// the text carries an offset.
    pub fn parse(&self, text: &str, zone: &Zone) -> Option<i64> {
        let (mut year, mut month, mut day) = (1970i64, 1i64, 1i64);
        let (mut hour, mut minute, mut second, mut millis) = (0i64, 0i64, 0i64, 0i64);
        let mut pm: Option<bool> = None;
        let mut offset: Option<i64> = None;
        let mut rest = text;
        for token in &self.0 {
            match token {
                Token::Literal(lit) => rest = rest.strip_prefix(lit.as_str())?,
                Token::Field(c, n) => match c {
                    'y' | 'u' => {
                        let (v, r) = digits(rest, if *n == 2 { 2 } else { 4 }, *n == 2)?;
                        year = if *n == 2 { 2000 + v } else { v };
                        rest = r;
                    }
                    'M' | 'L' if *n >= 3 => {
                        let (v, r) = name(rest, &MONTHS, *n == 3)?;
                        month = v + 1;
                        rest = r;
                    }
                    'M' | 'L' => (month, rest) = digits(rest, 2, *n == 2)?,
                    'd' => (day, rest) = digits(rest, 2, *n == 2)?,
                    'H' | 'k' => (hour, rest) = digits(rest, 2, *n == 2)?,
                    'h' | 'K' => (hour, rest) = digits(rest, 2, *n == 2)?,
                    'm' => (minute, rest) = digits(rest, 2, *n == 2)?,
                    's' => (second, rest) = digits(rest, 2, *n == 2)?,
                    'S' => {
                        let (v, r) = digits(rest, *n, true)?;
                        millis = scale_fraction(v, *n);
                        rest = r;
                    }
                    'a' => {
                        let upper = rest.get(..2)?.to_ascii_uppercase();
                        pm = Some(match upper.as_str() {
                            "AM" => false,
                            "PM" => true,
                            _ => return None,
                        });
                        rest = &rest[2..];
                    }
                    'E' => rest = name(rest, &DAYS, *n <= 3)?.1,
                    'Z' | 'X' | 'x' | 'z' => {
                        let (o, r) = parse_offset(rest)?;
                        offset = Some(o);
                        rest = r;
                    }
                    _ => return None,
                },
            }
        }
        if !rest.is_empty() {
            return None;
        }
        if let Some(pm) = pm {
            hour = hour % 12 + if pm { 12 } else { 0 };
        }
        if !(1..=12).contains(&month)
            || !(1..=31).contains(&day)
            || hour > 23
            || minute > 59
            || second > 60
        {
            return None;
        }
        let days = days_from_civil(year, month, day);
        let local = (days * 86_400 + hour * 3600 + minute * 60 + second) * 1000 + millis;
        match offset {
            Some(offset) => Some(local - offset * 60_000),
            None => zone.to_utc(local),
        }
    }

    /// Formats epoch milliseconds in `zone`.
    pub fn format(&self, epoch_millis: i64, zone: &Zone) -> String {
        let zone_minutes = zone.offset_minutes(epoch_millis);
        let local = epoch_millis + zone_minutes * 60_000;
        let days = local.div_euclid(86_400_000);
        let ms_of_day = local.rem_euclid(86_400_000);
        let (year, month, day) = civil_from_days(days);
        let (hour, minute, second, millis) = (
            ms_of_day / 3_600_000,
            ms_of_day / 60_000 % 60,
            ms_of_day / 1000 % 60,
            ms_of_day % 1000,
        );
        let mut out = String::new();
        for token in &self.0 {
            match token {
                Token::Literal(lit) => out.push_str(lit),
                Token::Field(c, n) => match c {
                    'y' | 'u' if *n == 2 => out.push_str(&format!("{:02}", year.rem_euclid(100))),
                    'y' | 'u' => out.push_str(&format!("{year:0n$}", n = *n)),
                    'M' | 'L' if *n >= 4 => out.push_str(MONTHS[(month - 1) as usize]),
                    'M' | 'L' if *n == 3 => out.push_str(&MONTHS[(month - 1) as usize][..3]),
                    'M' | 'L' => out.push_str(&format!("{month:0n$}", n = *n)),
                    'd' => out.push_str(&format!("{day:0n$}", n = *n)),
                    'H' | 'k' => out.push_str(&format!("{hour:0n$}", n = *n)),
                    'h' | 'K' => {
                        let h12 = if hour % 12 == 0 { 12 } else { hour % 12 };
                        out.push_str(&format!("{h12:0n$}", n = *n));
                    }
                    'm' => out.push_str(&format!("{minute:0n$}", n = *n)),
                    's' => out.push_str(&format!("{second:0n$}", n = *n)),
                    'S' => {
                        let digits = format!("{millis:03}000000000");
                        out.push_str(&digits[..*n]);
                    }
                    'a' => out.push_str(if hour < 12 { "AM" } else { "PM" }),
                    'E' => {
                        let weekday = (days + 3).rem_euclid(7) as usize;
                        let full = DAYS[weekday];
                        out.push_str(if *n <= 3 { &full[..3] } else { full });
                    }
                    'X' if zone_minutes == 0 => out.push('Z'),
                    'z' => match zone.abbreviation(epoch_millis) {
                        Some(name) => out.push_str(&name),
                        None => {
                            out.push_str(&offset_text(zone_minutes, true).replace("+00:00", "UTC"))
                        }
                    },
                    'Z' => out.push_str(&offset_text(zone_minutes, false)),
                    _ => out.push_str(&offset_text(zone_minutes, *n >= 3 || *c == 'X')),
                },
            }
        }
        out
    }
}

fn offset_text(minutes: i64, colon: bool) -> String {
    let sign = if minutes < 0 { '-' } else { '+' };
    let m = minutes.abs();
    if colon {
        format!("{sign}{:02}:{:02}", m / 60, m % 60)
    } else {
        format!("{sign}{:02}{:02}", m / 60, m % 60)
    }
}

fn parse_offset(text: &str) -> Option<(i64, &str)> {
    if let Some(rest) = text.strip_prefix('Z') {
        return Some((0, rest));
    }
    for named in ["UTC", "GMT"] {
        if let Some(rest) = text.strip_prefix(named) {
            return Some((0, rest));
        }
    }
    let end = text
        .char_indices()
        .skip(1)
        .find(|(_, c)| !(c.is_ascii_digit() || *c == ':'))
        .map_or(text.len(), |(i, _)| i);
    zone_offset(&text[..end]).map(|o| (o, &text[end..]))
}

/// Reads up to `max` digits (exactly `max` when `exact`).
fn digits(text: &str, max: usize, exact: bool) -> Option<(i64, &str)> {
    let n = text
        .bytes()
        .take(max)
        .take_while(u8::is_ascii_digit)
        .count();
    if n == 0 || (exact && n != max) {
        return None;
    }
    Some((text[..n].parse().ok()?, &text[n..]))
}

fn scale_fraction(value: i64, digits: usize) -> i64 {
    match digits {
        1 => value * 100,
        2 => value * 10,
        3 => value,
        n => value / 10i64.pow(n as u32 - 3),
    }
}

/// Reads a month or day name, full or its three-letter short form.
fn name<'t>(text: &'t str, names: &[&str], short: bool) -> Option<(i64, &'t str)> {
    for (i, full) in names.iter().enumerate() {
        let candidate = if short { &full[..3] } else { full };
        if text.len() >= candidate.len()
            && text.is_char_boundary(candidate.len())
            && text[..candidate.len()].eq_ignore_ascii_case(candidate)
        {
            return Some((i as i64, &text[candidate.len()..]));
        }
    }
    None
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}
