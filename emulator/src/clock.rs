//! The one source of "now" for the whole emulator.
//!
//! Everything that depends on time (ingestion times, too-old / too-new rejection, retention,
//! creation times) asks a [`Clock`]. Tests inject a [`ManualClock`] and move it; the binary uses
//! [`SystemClock`]. `tokio::time::pause()` does not move `SystemTime`, hence this seam.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

/// A source of wall-clock time in epoch milliseconds, as CloudWatch Logs counts it.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    fn now_millis(&self) -> i64;
}

/// The real wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_millis(&self) -> i64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
            .unwrap_or(0)
    }
}

/// A clock that only moves when told to. Cloning shares the same time.
#[derive(Debug, Clone)]
pub struct ManualClock {
    millis: Arc<AtomicI64>,
}

impl ManualClock {
    /// A clock pinned at `millis` since the epoch.
    pub fn new(millis: i64) -> Self {
        Self {
            millis: Arc::new(AtomicI64::new(millis)),
        }
    }

    /// Sets the time to `millis` since the epoch.
    pub fn set(&self, millis: i64) {
        self.millis.store(millis, Ordering::SeqCst);
    }

    /// Moves the time forward (or backward, with a negative delta) by `delta_millis`.
    pub fn advance(&self, delta_millis: i64) {
        self.millis.fetch_add(delta_millis, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_millis(&self) -> i64 {
        self.millis.load(Ordering::SeqCst)
    }
}

/// The shared handle the store and handlers hold.
pub type SharedClock = Arc<dyn Clock>;

/// A clock that reads another one, except while pinned to a fixed time: a journaled write
/// runs with "now" fixed at one value, so its replay at startup (pinned to the recorded time)
/// sees exactly the times the original saw.
#[derive(Debug)]
pub(crate) struct PinnableClock {
    inner: SharedClock,
    /// The pinned time, or [`i64::MIN`] when not pinned.
    pinned: AtomicI64,
}

impl PinnableClock {
    /// A clock that reads `inner` until pinned.
    pub(crate) fn new(inner: SharedClock) -> Self {
        Self {
            inner,
            pinned: AtomicI64::new(i64::MIN),
        }
    }

    /// Fixes "now" at `millis` until [`Self::unpin`].
    pub(crate) fn pin(&self, millis: i64) {
        self.pinned.store(millis, Ordering::SeqCst);
    }

    /// Lets "now" follow the inner clock again.
    pub(crate) fn unpin(&self) {
        self.pinned.store(i64::MIN, Ordering::SeqCst);
    }

    /// The inner clock's time, pinned or not.
    pub(crate) fn unpinned_now(&self) -> i64 {
        self.inner.now_millis()
    }
}

impl Clock for PinnableClock {
    fn now_millis(&self) -> i64 {
        match self.pinned.load(Ordering::SeqCst) {
            i64::MIN => self.inner.now_millis(),
            pinned => pinned,
        }
    }
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian (Howard Hinnant's method).
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
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

/// (year, month, day) → days since 1970-01-01 (the inverse of [`civil_from_days`]).
pub(crate) fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}
