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
}
