//! Scheduled queries (CreateScheduledQuery & co): their records, their schedules (`rate(...)`
//! and cron expressions, cron read in the query's `timezone`) and each run's history. Runs are made by `crate::scheduler`
//! on the emulator's clock; this module says when a query is due and keeps what happened.

use std::collections::BTreeMap;

use super::resources::Resource;
use crate::error::LogsError;
use crate::limits::{MAX_SCHEDULED_QUERIES, MAX_SCHEDULED_QUERY_HISTORY};
use crate::timezone::Zone;

const MINUTE: i64 = 60_000;

/// When a scheduled query runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Schedule {
    /// `rate(<n> minute[s]|hour[s]|day[s])`: every `n` units from the anchor.
    Rate(i64),
    /// A cron expression: minute, hour, day of month, month, day of week (and, in the
    /// `cron(...)` form, a year), each a set of allowed values.
    Cron(Box<Cron>),
}

/// The allowed values of each cron field; `None` is `*` / `?`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cron {
    minutes: Vec<u32>,
    hours: Vec<u32>,
    days: Option<Vec<u32>>,
    months: Vec<u32>,
    weekdays: Option<Vec<u32>>,
    years: Option<Vec<u32>>,
}

impl Schedule {
    /// Parses `rate(5 minutes)`, `cron(0 12 * * ? *)` (EventBridge's six fields) or a
    /// standard five-field cron line (`*/15 * * * *`). The error says what is wrong.
    pub fn parse(expression: &str) -> Result<Self, String> {
        let expression = expression.trim();
        if let Some(inner) = expression
            .strip_prefix("rate(")
            .and_then(|r| r.strip_suffix(')'))
        {
            let (count, unit) = inner
                .trim()
                .split_once(' ')
                .ok_or_else(|| format!("Invalid rate expression: {expression}"))?;
            let count: i64 = count
                .parse()
                .ok()
                .filter(|n| *n >= 1)
                .ok_or_else(|| format!("Invalid rate value in {expression}"))?;
            let unit = match unit.trim() {
                "minute" | "minutes" => MINUTE,
                "hour" | "hours" => 60 * MINUTE,
                "day" | "days" => 24 * 60 * MINUTE,
                other => return Err(format!("Invalid rate unit {other} in {expression}")),
            };
            return Ok(Self::Rate(count * unit));
        }
        let (fields, with_year) = match expression
            .strip_prefix("cron(")
            .and_then(|r| r.strip_suffix(')'))
        {
            Some(inner) => (inner.split_whitespace().collect::<Vec<_>>(), true),
            None => (expression.split_whitespace().collect(), false),
        };
        let wanted = if with_year { 6 } else { 5 };
        if fields.len() != wanted {
            return Err(format!(
                "Invalid schedule expression {expression}: expected rate(...), cron(...) with 6 \
                 fields, or a cron line with 5 fields."
            ));
        }
        const MONTHS: &[&str] = &[
            "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
        ];
        const DAYS: &[&str] = &["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
        let any = |f: &str| f == "*" || f == "?";
        let optional = |f: &str, lo, hi, names: &[&str], base| {
            if any(f) {
                Ok(None)
            } else {
                field_values(f, lo, hi, names, base).map(Some)
            }
        };
        // EventBridge numbers weekdays 1-7 from Sunday; standard cron 0-6 (7 also Sunday).
        let weekdays = if with_year {
            optional(fields[4], 1, 7, DAYS, 1)?.map(|d| d.into_iter().map(|d| d - 1).collect())
        } else {
            optional(fields[4], 0, 7, DAYS, 0)?
                .map(|d| d.into_iter().map(|d| d % 7).collect::<Vec<_>>())
        };
        Ok(Self::Cron(Box::new(Cron {
            minutes: field_values(fields[0], 0, 59, &[], 0)?,
            hours: field_values(fields[1], 0, 23, &[], 0)?,
            days: optional(fields[2], 1, 31, &[], 1)?,
            months: field_values(fields[3], 1, 12, MONTHS, 1)?,
            weekdays,
            years: if with_year {
                optional(fields[5], 1970, 2199, &[], 0)?
            } else {
                None
            },
        })))
    }

    /// The first run strictly after `after`; a rate counts from `anchor` in fixed durations,
    /// a cron expression is read on the wall clock of `zone`. As EventBridge Scheduler does
    /// with DST: a time the spring change skips does not run, and a time the autumn change
    /// repeats runs once. `None` when a cron expression never matches again within ten years.
    pub fn next_after(&self, after: i64, anchor: i64, zone: &Zone) -> Option<i64> {
        match self {
            Self::Rate(every) => {
                let passed = (after - anchor).div_euclid(*every) + 1;
                Some(anchor + passed.max(1) * every)
            }
            Self::Cron(cron) => {
                // `t` walks the local wall clock (local time counted as if it were UTC).
                let local_after = zone.to_local(after);
                let mut t = (local_after.div_euclid(MINUTE) + 1) * MINUTE;
                let limit = local_after + 10 * 366 * 24 * 60 * MINUTE;
                while t <= limit {
                    let days = t.div_euclid(24 * 60 * MINUTE);
                    let (year, month, day) = crate::clock::civil_from_days(days);
                    let minute_of_day = (t.rem_euclid(24 * 60 * MINUTE) / MINUTE) as u32;
                    // 1970-01-01 was a Thursday (4, counting Sunday as 0).
                    let weekday = (days + 4).rem_euclid(7) as u32;
                    if !cron.months.contains(&month)
                        || !cron
                            .years
                            .as_ref()
                            .is_none_or(|y| y.contains(&(year as u32)))
                        || !cron.day_matches(day, weekday)
                    {
                        t = (days + 1) * 24 * 60 * MINUTE;
                        continue;
                    }
                    if !cron.hours.contains(&(minute_of_day / 60)) {
                        t = (t.div_euclid(60 * MINUTE) + 1) * 60 * MINUTE;
                        continue;
                    }
                    if cron.minutes.contains(&(minute_of_day % 60)) {
                        if let Some(at) = zone.occurrence(t).filter(|at| *at > after) {
                            return Some(at);
                        }
                    }
                    t += MINUTE;
                }
                None
            }
        }
    }
}

impl Cron {
    fn day_matches(&self, day: u32, weekday: u32) -> bool {
        match (&self.days, &self.weekdays) {
            (None, None) => true,
            (Some(days), None) => days.contains(&day),
            (None, Some(weekdays)) => weekdays.contains(&weekday),
            // Standard cron: either one matching is enough.
            (Some(days), Some(weekdays)) => days.contains(&day) || weekdays.contains(&weekday),
        }
    }
}

/// The values of one cron field: `*`, `n`, `a-b`, `*/s`, `a-b/s`, `a/s` and lists of them;
/// `names` (from `base`) may stand for numbers.
fn field_values(
    field: &str,
    lo: u32,
    hi: u32,
    names: &[&str],
    base: u32,
) -> Result<Vec<u32>, String> {
    let number = |s: &str| -> Result<u32, String> {
        let value = names
            .iter()
            .position(|n| n.eq_ignore_ascii_case(s))
            .map(|i| i as u32 + base)
            .or_else(|| s.parse().ok())
            .ok_or_else(|| format!("Invalid value {s} in the cron field {field}"))?;
        if (lo..=hi).contains(&value) {
            Ok(value)
        } else {
            Err(format!(
                "Value {value} of the cron field {field} is outside {lo}-{hi}"
            ))
        }
    };
    let mut values = Vec::new();
    for part in field.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((range, step)) => (
                range,
                step.parse::<u32>()
                    .ok()
                    .filter(|s| *s >= 1)
                    .ok_or_else(|| format!("Invalid step in the cron field {field}"))?,
            ),
            None => (part, 1),
        };
        let (from, to) = match range {
            "*" => (lo, hi),
            r => match r.split_once('-') {
                Some((a, b)) => (number(a)?, number(b)?),
                None if part.contains('/') => (number(r)?, hi),
                None => {
                    let n = number(r)?;
                    (n, n)
                }
            },
        };
        if from > to {
            return Err(format!("Invalid range in the cron field {field}"));
        }
        values.extend((from..=to).step_by(step as usize));
    }
    values.sort_unstable();
    values.dedup();
    Ok(values)
}

/// Where a scheduled query's results go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryDestination {
    /// `s3Configuration`: `s3://bucket/prefix`.
    S3 {
        /// `destinationIdentifier`.
        uri: String,
        /// `roleArn`.
        role_arn: String,
        /// `ownerAccountId`.
        owner_account_id: Option<String>,
        /// `kmsKeyId`.
        kms_key_id: Option<String>,
    },
    /// `lookupTableConfiguration`: replaces a lookup table's content.
    LookupTable {
        /// `tableName`.
        table_name: String,
        /// `roleArn`.
        role_arn: String,
        /// `description`.
        description: Option<String>,
        /// `kmsKeyId`.
        kms_key_id: Option<String>,
        /// `tags`.
        tags: BTreeMap<String, String>,
    },
}

/// What one destination of one run did (model: `ScheduledQueryDestination`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DestinationOutcome {
    /// `S3` or `LOOKUP_TABLE`.
    pub kind: &'static str,
    /// The S3 URI or table name.
    pub identifier: String,
    /// `COMPLETE`, `FAILED` or `CLIENT_ERROR`.
    pub status: &'static str,
    /// The object key or table ARN written.
    pub processed_identifier: Option<String>,
    /// Why it failed.
    pub error: Option<String>,
}

/// One run (model: `TriggerHistoryRecord`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trigger {
    /// The Logs Insights query's id (GetQueryResults reads its rows).
    pub query_id: Option<String>,
    /// `Complete`, `Failed`, `Timeout` or `InvalidQuery`.
    pub status: &'static str,
    /// When it was due (the schedule's time), epoch milliseconds.
    pub triggered: i64,
    /// Why it failed.
    pub error: Option<String>,
    /// What its destinations did.
    pub destinations: Vec<DestinationOutcome>,
}

/// A scheduled query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduledQuery {
    /// Its name (the key).
    pub name: String,
    /// `arn:<p>:logs:<region>:<account>:scheduled-query:<name>`.
    pub arn: String,
    /// `description`.
    pub description: Option<String>,
    /// `queryLanguage`.
    pub language: String,
    /// `queryString`.
    pub query_string: String,
    /// `logGroupIdentifiers` (names or ARNs).
    pub log_groups: Vec<String>,
    /// `scheduleExpression`, as given.
    pub schedule_expression: String,
    /// The parsed schedule.
    pub schedule: Schedule,
    /// `timezone`, as given.
    pub timezone: Option<String>,
    /// The zone cron expressions are read in (`timezone`, UTC when absent).
    pub zone: Zone,
    /// `startTimeOffset`, seconds before the run the window starts.
    pub start_offset: Option<i64>,
    /// `endTimeOffset`, seconds before the run the window ends.
    pub end_offset: Option<i64>,
    /// `destinationConfiguration`.
    pub destination: Option<QueryDestination>,
    /// `scheduleStartTime`.
    pub schedule_start: Option<i64>,
    /// `scheduleEndTime`.
    pub schedule_end: Option<i64>,
    /// `executionRoleArn`.
    pub execution_role_arn: String,
    /// `ENABLED` or `DISABLED`.
    pub enabled: bool,
    /// Creation time, epoch milliseconds.
    pub creation_time: i64,
    /// Last change, epoch milliseconds.
    pub last_updated: i64,
    /// The next run, if any (recomputed on every change).
    pub next_run: Option<i64>,
    /// Past runs, oldest first (at most [`MAX_SCHEDULED_QUERY_HISTORY`]).
    pub history: Vec<Trigger>,
    /// Its tags (TagResource on its ARN).
    pub tags: BTreeMap<String, String>,
}

impl ScheduledQuery {
    /// Sets [`ScheduledQuery::next_run`] to the first run after `after` that the schedule,
    /// the state and the schedule's start and end allow.
    pub fn plan_next(&mut self, after: i64) {
        let anchor = self.schedule_start.unwrap_or(self.last_updated);
        let after = self
            .schedule_start
            .map_or(after, |start| after.max(start - 1));
        self.next_run = self
            .enabled
            .then(|| self.schedule.next_after(after, anchor, &self.zone))
            .flatten()
            .filter(|t| self.schedule_end.is_none_or(|end| *t <= end));
    }

    /// Records a run and plans the next.
    pub fn record(&mut self, trigger: Trigger) {
        let at = trigger.triggered;
        self.history.push(trigger);
        if self.history.len() > MAX_SCHEDULED_QUERY_HISTORY {
            self.history.remove(0);
        }
        self.plan_next(at);
    }

    /// The status of the last run.
    pub fn last_status(&self) -> Option<&'static str> {
        self.history.last().map(|t| t.status)
    }

    /// When it last ran.
    pub fn last_triggered(&self) -> Option<i64> {
        self.history.last().map(|t| t.triggered)
    }
}

impl Resource for ScheduledQuery {
    const LISTING: &'static str = "ListScheduledQueries";
    const LIMIT: usize = MAX_SCHEDULED_QUERIES;
    fn key(&self) -> &str {
        &self.name
    }
    fn not_found() -> LogsError {
        LogsError::ResourceNotFound("The specified scheduled query does not exist.".into())
    }
    fn limit_exceeded() -> LogsError {
        LogsError::ServiceQuotaExceeded("This request exceeds a service quota.".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_767_225_600_000; // 2026-01-01T00:00:00Z, a Thursday

    #[test]
    fn rates_count_from_their_anchor() {
        let s = Schedule::parse("rate(5 minutes)").unwrap();
        assert_eq!(s.next_after(NOW, NOW, &Zone::UTC), Some(NOW + 5 * MINUTE));
        assert_eq!(
            s.next_after(NOW + 5 * MINUTE, NOW, &Zone::UTC),
            Some(NOW + 10 * MINUTE)
        );
        assert_eq!(
            s.next_after(NOW + 7 * MINUTE, NOW, &Zone::UTC),
            Some(NOW + 10 * MINUTE)
        );
        assert_eq!(
            Schedule::parse("rate(1 hour)").unwrap(),
            Schedule::Rate(60 * MINUTE)
        );
        assert!(Schedule::parse("rate(0 minutes)").is_err());
        assert!(Schedule::parse("rate(5 weeks)").is_err());
    }

    #[test]
    fn cron_expressions_in_both_forms() {
        let every_quarter = Schedule::parse("*/15 * * * *").unwrap();
        assert_eq!(
            every_quarter.next_after(NOW, 0, &Zone::UTC),
            Some(NOW + 15 * MINUTE)
        );
        let noon = Schedule::parse("cron(0 12 * * ? *)").unwrap();
        assert_eq!(
            noon.next_after(NOW, 0, &Zone::UTC),
            Some(NOW + 12 * 60 * MINUTE)
        );
        // The first Monday after Thursday 2026-01-01 is the 5th.
        let monday = Schedule::parse("cron(30 8 ? * MON *)").unwrap();
        assert_eq!(
            monday.next_after(NOW, 0, &Zone::UTC),
            Some(NOW + 4 * 24 * 60 * MINUTE + (8 * 60 + 30) * MINUTE)
        );
        let standard_monday = Schedule::parse("30 8 * * 1").unwrap();
        assert_eq!(
            standard_monday.next_after(NOW, 0, &Zone::UTC),
            monday.next_after(NOW, 0, &Zone::UTC)
        );
        let february = Schedule::parse("0 0 1 FEB *").unwrap();
        assert_eq!(
            february.next_after(NOW, 0, &Zone::UTC),
            Some(NOW + 31 * 24 * 60 * MINUTE)
        );
        assert!(Schedule::parse("cron(0 12 * *)").is_err());
        assert!(Schedule::parse("61 * * * *").is_err());
        assert!(Schedule::parse("cron(0 0 30 2 ? *)")
            .unwrap()
            .next_after(NOW, 0, &Zone::UTC)
            .is_none());
    }

    /// 2026 in New York: DST starts Sunday 8 March (02:00 EST → 03:00 EDT) and ends Sunday
    /// 1 November (02:00 EDT → 01:00 EST).
    #[test]
    fn cron_in_a_zone_with_dst() {
        const HOUR: i64 = 60 * MINUTE;
        let ny = Zone::named("America/New_York").unwrap();
        let march_7 = 1_772_841_600_000; // 2026-03-07T00:00:00Z
        let nine = Schedule::parse("cron(0 9 * * ? *)").unwrap();
        // 09:00 EST on the 7th is 14:00Z; 09:00 EDT on the 8th is 13:00Z.
        let first = nine.next_after(march_7, 0, &ny).unwrap();
        assert_eq!(first, march_7 + 14 * HOUR);
        assert_eq!(
            nine.next_after(first, 0, &ny),
            Some(march_7 + 24 * HOUR + 13 * HOUR)
        );
        // 02:30 does not happen on the 8th: the next run is 02:30 EDT on the 9th (06:30Z).
        let half_past_two = Schedule::parse("30 2 * * *").unwrap();
        assert_eq!(
            half_past_two.next_after(march_7 + 8 * HOUR, 0, &ny),
            Some(march_7 + 2 * 24 * HOUR + 6 * HOUR + 30 * MINUTE)
        );
        // 01:30 happens twice on 1 November; it runs once, at 01:30 EDT (05:30Z).
        let november_1 = 1_793_491_200_000; // 2026-11-01T00:00:00Z
        let half_past_one = Schedule::parse("30 1 * * *").unwrap();
        let once = half_past_one.next_after(november_1, 0, &ny).unwrap();
        assert_eq!(once, november_1 + 5 * HOUR + 30 * MINUTE);
        // The next is 01:30 EST on the 2nd (06:30Z), not 01:30 EST on the 1st (06:30Z of the 1st).
        assert_eq!(
            half_past_one.next_after(once, 0, &ny),
            Some(november_1 + 24 * HOUR + 6 * HOUR + 30 * MINUTE)
        );
        // Rates are durations: the zone does not move them.
        let hourly = Schedule::parse("rate(1 hour)").unwrap();
        assert_eq!(
            hourly.next_after(november_1, november_1, &ny),
            Some(november_1 + HOUR)
        );
    }
}
