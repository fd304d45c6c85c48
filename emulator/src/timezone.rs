//! Time zones, as AWS's Java services read them (`ZoneId.of`): `Z`, fixed offsets and IANA
//! region ids with their DST rules (from jiff's bundled tz database, so every machine has the
//! same rules). dateTimeConverter and scheduled queries read their zones here.

use jiff::civil::DateTime;
use jiff::tz::{AmbiguousOffset, Offset, TimeZone};
use jiff::Timestamp;

/// A time zone: a fixed offset or an IANA region with its rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Zone {
    zone: TimeZone,
    /// Whether the zone is a region (its `z` letter prints the region's abbreviation).
    region: bool,
}

impl Zone {
    /// UTC, the default of sourceTimezone and targetTimezone.
    pub const UTC: Zone = Zone {
        zone: TimeZone::UTC,
        region: false,
    };

    /// Reads a zone id as Java's `ZoneId.of` does: `Z`, `UTC`, `GMT`, a fixed offset
    /// (`+05:30`, `-0800`, `UTC+2`), or an IANA region id, spelled as the tz database spells
    /// it (`America/New_York`; ids are case-sensitive in Java).
    pub fn named(id: &str) -> Option<Zone> {
        if let Some(minutes) = zone_offset(id) {
            let offset = Offset::from_seconds(i32::try_from(minutes * 60).ok()?).ok()?;
            return Some(Zone {
                zone: TimeZone::fixed(offset),
                region: false,
            });
        }
        let zone = TimeZone::get(id).ok()?;
        (zone.iana_name() == Some(id)).then_some(Zone { zone, region: true })
    }

    /// Minutes east of UTC at the instant `epoch_millis`.
    pub fn offset_minutes(&self, epoch_millis: i64) -> i64 {
        match Timestamp::from_millisecond(epoch_millis) {
            Ok(ts) => i64::from(self.zone.to_offset(ts).seconds()) / 60,
            Err(_) => 0,
        }
    }

    /// The instant of a local wall-clock time (`local_millis` counts local time as if it were
    /// UTC). A time a DST gap skips is moved forward by the gap and a time a fold repeats
    /// takes the earlier offset, as Java's `ZonedDateTime.of` does.
    pub fn to_utc(&self, local_millis: i64) -> Option<i64> {
        let instant = self
            .zone
            .to_ambiguous_timestamp(civil(local_millis)?)
            .compatible()
            .ok()?;
        Some(instant.as_millisecond())
    }

    /// The local wall-clock time of an instant, as milliseconds counted as if local time
    /// were UTC.
    pub fn to_local(&self, epoch_millis: i64) -> i64 {
        epoch_millis + self.offset_minutes(epoch_millis) * 60_000
    }

    /// The instant of a local wall-clock time that happens: `None` for a time a DST gap
    /// skips, the first of the two for a time a fold repeats (a schedule's rule: a skipped
    /// time does not run, a repeated one runs once).
    pub fn occurrence(&self, local_millis: i64) -> Option<i64> {
        let offset = match self
            .zone
            .to_ambiguous_timestamp(civil(local_millis)?)
            .offset()
        {
            AmbiguousOffset::Unambiguous { offset } => offset,
            AmbiguousOffset::Fold { before, .. } => before,
            AmbiguousOffset::Gap { .. } => return None,
        };
        Some(local_millis - i64::from(offset.seconds()) * 1000)
    }

    /// A region's abbreviation at an instant (`EST`, `EDT`); `None` for a fixed offset.
    pub fn abbreviation(&self, epoch_millis: i64) -> Option<String> {
        if !self.region {
            return None;
        }
        let ts = Timestamp::from_millisecond(epoch_millis).ok()?;
        Some(self.zone.to_offset_info(ts).abbreviation().to_owned())
    }
}

/// The civil date and time of local milliseconds.
fn civil(local_millis: i64) -> Option<DateTime> {
    Some(TimeZone::UTC.to_datetime(Timestamp::from_millisecond(local_millis).ok()?))
}

/// A fixed zone: `UTC`, `GMT`, `Z`, or an offset (`+05:30`, `-0800`, `UTC+2`). Minutes east
/// of UTC.
pub(crate) fn zone_offset(zone: &str) -> Option<i64> {
    let rest = zone
        .strip_prefix("UTC")
        .or_else(|| zone.strip_prefix("GMT"))
        .unwrap_or(zone);
    if rest.is_empty() || rest == "Z" {
        return Some(0);
    }
    let (sign, body) = match rest.as_bytes().first()? {
        b'+' => (1, &rest[1..]),
        b'-' => (-1, &rest[1..]),
        _ => return None,
    };
    let (h, m) = match body.split_once(':') {
        Some((h, m)) => (h, m),
        None if body.len() == 4 => body.split_at(2),
        None => (body, "0"),
    };
    let (h, m) = (h.parse::<i64>().ok()?, m.parse::<i64>().ok()?);
    (h <= 18 && m < 60).then_some(sign * (h * 60 + m))
}
