//! `formatDate` (alias `strftime`) and `parseDate` (the functions page's datetime table):
//! strftime-style formatting, Java `DateTimeFormatter` parsing (the transformer's own pattern
//! engine), and the optional time zone: UTC, a fixed offset or an IANA id (`timezone.rs`).

use crate::clock::civil_from_days;
use crate::timezone::Zone;
use crate::transform::datetime::{Pattern, DAYS, MONTHS};

/// The strftime conversions `formatDate` evaluates (C's set, less the locale-dependent
/// `%c %x %X` and the week numbers).
const STRFTIME_CONVERSIONS: &str = "YymdeHIMSpjaAbBhZzsFTDRnt%";

/// Checks a strftime format; the error names the first conversion this engine does not do.
pub fn check_strftime(format: &str) -> Result<(), String> {
    let mut chars = format.chars();
    while let Some(c) = chars.next() {
        if c == '%' {
            match chars.next() {
                Some(conv) if STRFTIME_CONVERSIONS.contains(conv) => {}
                Some(conv) => {
                    return Err(format!(
                        "the format %{conv} of formatDate() is not supported by this emulator"
                    ))
                }
                None => return Err("the formatDate() format ends with a lone %".into()),
            }
        }
    }
    Ok(())
}

/// Checks a Java `DateTimeFormatter` pattern for `parseDate`.
pub fn check_java_pattern(pattern: &str) -> Result<(), String> {
    Pattern::compile(pattern)
        .map(|_| ())
        .map_err(|e| format!("parseDate(): {e}"))
}

/// A time-zone argument as Java's `ZoneId.of` reads it, or an error naming it.
pub fn check_zone(zone: &str) -> Result<Zone, String> {
    Zone::named(zone).ok_or_else(|| {
        format!("'{zone}' is not a time zone: use an id such as Europe/Paris, UTC or an offset such as +05:30")
    })
}

/// `parseDate(text, pattern, zone)`: epoch milliseconds, or `None` when the text does not fit.
pub fn parse_date(text: &str, pattern: &str, zone: &Zone) -> Option<i64> {
    Pattern::compile(pattern).ok()?.parse(text, zone)
}

/// `formatDate(millis, format, zone)` with a format [`check_strftime`] accepted.
pub fn format_date(millis: i64, format: &str, zone: &Zone) -> String {
    let zone_minutes = zone.offset_minutes(millis);
    let local = millis + zone_minutes * 60_000;
    let days = local.div_euclid(86_400_000);
    let ms_of_day = local.rem_euclid(86_400_000);
    let (year, month, day) = civil_from_days(days);
    let (hour, minute, second) = (
        ms_of_day / 3_600_000,
        ms_of_day / 60_000 % 60,
        ms_of_day / 1000 % 60,
    );
    let hour12 = if hour % 12 == 0 { 12 } else { hour % 12 };
    let month_name = MONTHS[month as usize - 1];
    let day_name = DAYS[(days + 3).rem_euclid(7) as usize];
    let year_day = days - crate::clock::days_from_civil(year, 1, 1) + 1;
    let offset = {
        let m = zone_minutes.abs();
        let sign = if zone_minutes < 0 { '-' } else { '+' };
        format!("{sign}{:02}{:02}", m / 60, m % 60)
    };
    let mut out = String::new();
    let mut chars = format.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let piece = match chars.next() {
            Some('Y') => format!("{year:04}"),
            Some('y') => format!("{:02}", year.rem_euclid(100)),
            Some('m') => format!("{month:02}"),
            Some('d') => format!("{day:02}"),
            Some('e') => format!("{day:2}"),
            Some('H') => format!("{hour:02}"),
            Some('I') => format!("{hour12:02}"),
            Some('M') => format!("{minute:02}"),
            Some('S') => format!("{second:02}"),
            Some('p') => (if hour < 12 { "AM" } else { "PM" }).to_owned(),
            Some('j') => format!("{year_day:03}"),
            Some('a') => day_name[..3].to_owned(),
            Some('A') => day_name.to_owned(),
            Some('b') | Some('h') => month_name[..3].to_owned(),
            Some('B') => month_name.to_owned(),
            Some('Z') => match zone.abbreviation(millis) {
                Some(abbreviation) => abbreviation,
                None if zone_minutes == 0 => "UTC".to_owned(),
                None => offset.clone(),
            },
            Some('z') => offset.clone(),
            Some('s') => millis.div_euclid(1000).to_string(),
            Some('F') => format!("{year:04}-{month:02}-{day:02}"),
            Some('T') => format!("{hour:02}:{minute:02}:{second:02}"),
            Some('D') => format!("{month:02}/{day:02}/{:02}", year.rem_euclid(100)),
            Some('R') => format!("{hour:02}:{minute:02}"),
            Some('n') => "\n".to_owned(),
            Some('t') => "\t".to_owned(),
            Some(other) => format!("%{other}"),
            None => "%".to_owned(),
        };
        out.push_str(&piece);
    }
    out
}
