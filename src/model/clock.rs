//! The world's clock: the wall clock by default, or a stepping one, so that times in replies
//! (launch and attach times) are reproducible in tests and `--seed` runs.
//!
//! Every request to a world advances its clock once, before it runs ([`Clock::advance`]);
//! a stepping clock therefore gives the n-th request of a world the time
//! `start + n × step`, whatever the timing of the requests. The steps are counted in an
//! atomic, so reads (under a shared lock) advance it too, and a world copied for a reset
//! keeps counting from where it was: time never runs backwards.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::sources;

#[derive(Debug, Clone)]
pub enum Clock {
    /// The machine's wall clock.
    System,
    /// Always the same instant.
    Fixed(SystemTime),
    /// `start`, then one `step` later at every request.
    Stepping {
        start: SystemTime,
        step: Duration,
        steps: Arc<AtomicU64>,
    },
}

impl Clock {
    /// A stepping clock from `start`.
    pub fn stepping(start: SystemTime, step: Duration) -> Clock {
        Clock::Stepping {
            start,
            step,
            steps: Arc::new(AtomicU64::new(0)),
        }
    }

    /// The stepping clock of `--seed` runs: 2026-01-01T00:00:00Z, one second per request.
    pub fn seeded() -> Clock {
        Clock::stepping(
            UNIX_EPOCH + Duration::from_secs(1_767_225_600),
            Duration::from_secs(1),
        )
    }

    /// A clock of the same kind for a new world: a stepping clock starts again from its
    /// start, with a count of its own.
    pub fn fresh(&self) -> Clock {
        match self {
            Clock::Stepping { start, step, .. } => Clock::stepping(*start, *step),
            other => other.clone(),
        }
    }

    /// The time now, as this clock tells it.
    pub fn now(&self) -> SystemTime {
        match self {
            Clock::System => sources::wall_clock(),
            Clock::Fixed(t) => *t,
            Clock::Stepping { start, step, steps } => {
                let n = steps.load(Ordering::SeqCst);
                *start + step.saturating_mul(u32::try_from(n).unwrap_or(u32::MAX))
            }
        }
    }

    /// Moves a stepping clock on by one step; the others move by themselves or never.
    pub fn advance(&self) {
        if let Clock::Stepping { steps, .. } = self {
            steps.fetch_add(1, Ordering::SeqCst);
        }
    }
}

/// A time as EC2's XML shows it: `2026-01-01T00:00:00.000Z`.
pub fn iso8601(t: SystemTime) -> String {
    let since = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    let (days, rem) = (since.as_secs() / 86_400, since.as_secs() % 86_400);
    let (y, m, d) = civil_from_days(days as i64);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        since.subsec_millis()
    )
}

/// A time as EC2's reason texts show it: `2026-01-01 00:00:00 GMT`.
pub fn gmt_text(t: SystemTime) -> String {
    let since = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    let (days, rem) = (since.as_secs() / 86_400, since.as_secs() % 86_400);
    let (y, m, d) = civil_from_days(days as i64);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} GMT",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's
/// `civil_from_days`: a date crate would be a dependency for these ten lines).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stepping_clock_moves_only_when_advanced() {
        let c = Clock::seeded();
        let t0 = c.now();
        assert_eq!(c.now(), t0);
        c.advance();
        assert_eq!(c.now(), t0 + Duration::from_secs(1));
        let copy = c.clone();
        copy.advance();
        assert_eq!(
            c.now(),
            t0 + Duration::from_secs(2),
            "copies share the count"
        );
        assert_eq!(c.fresh().now(), t0, "a new world starts from the start");
        let f = Clock::Fixed(t0);
        f.advance();
        assert_eq!(f.now(), t0);
    }

    #[test]
    fn times_are_written_as_ec2_writes_them() {
        let t = Clock::seeded().now();
        assert_eq!(iso8601(t), "2026-01-01T00:00:00.000Z");
        assert_eq!(gmt_text(t), "2026-01-01 00:00:00 GMT");
        let leap = UNIX_EPOCH + Duration::from_millis(951_782_400_123 + 86_399_000);
        assert_eq!(iso8601(leap), "2000-02-29T23:59:59.123Z");
        assert_eq!(iso8601(UNIX_EPOCH), "1970-01-01T00:00:00.000Z");
    }
}
