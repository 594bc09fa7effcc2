//! The measuring harness: medians of an adaptive number of runs, the heap
//! counter, and the result lines the xtask table is built from.
//!
//! Why not criterion: one sample of a 10,000-member add Commit takes
//! seconds and its setup tens of seconds, so criterion's warm-up and
//! sample counts would make N = 10,000 impractical. A scenario runs up to
//! `runs` times and stops early once `budget` has been spent (at least one
//! run always), so the largest groups finish; the median is printed with
//! the number of runs behind it.

use std::time::{Duration, Instant};

use cap::Cap;

/// Counting global allocator of the bench binary: retained heap is the
/// difference of [`heap_now`] around an operation whose result is kept.
#[global_allocator]
static ALLOC: Cap<std::alloc::System> = Cap::new(std::alloc::System, usize::MAX);

/// Bytes currently allocated by the whole process.
pub fn heap_now() -> usize {
    ALLOC.allocated()
}

/// What a scenario reports: a median time or a byte count.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    /// Median time of the runs, and how many runs.
    Time(Duration, usize),
    /// A size in bytes.
    Bytes(u64),
}

/// One result line's coordinates.
#[derive(Debug, Clone, Copy)]
pub struct Point {
    /// `ours`, `openmls` or `mls-rs`.
    pub lib: &'static str,
    /// 1 or 2.
    pub suite: u16,
    /// Group size.
    pub n: usize,
    /// Threads of the rayon pool.
    pub threads: usize,
}

/// Collects results and prints each as it comes, one tab-separated
/// `RESULT` line (parsed by `cargo xtask bench --compare`).
pub struct Harness {
    /// Most runs per scenario.
    pub runs: usize,
    /// Stop adding runs once a scenario has spent this long.
    pub budget: Duration,
    point: Point,
}

impl Harness {
    /// A harness for `runs` runs at most and a time budget per scenario.
    pub fn new(runs: usize, budget: Duration, point: Point) -> Self {
        Self {
            runs: runs.max(1),
            budget,
            point,
        }
    }

    /// Print a byte count.
    pub fn bytes(&self, scenario: &str, bytes: u64) {
        self.emit(scenario, Value::Bytes(bytes));
    }

    /// Print a note for a scenario that is not run (e.g. the library has
    /// no such operation), so the table says so instead of a blank.
    pub fn skip(&self, scenario: &str, why: &str) {
        let p = self.point;
        println!(
            "RESULT\t{}\t{}\t{}\t{}\t{}\tskip\t{}",
            p.lib, scenario, p.n, p.suite, p.threads, why
        );
    }

    /// Time `run` up to `self.runs` times. Each call of `prepare` (not
    /// timed) makes the input of one run; `run` is the timed region; `check`
    /// (not timed) receives its output and returns an error when the
    /// members do not agree. All three get `state`, the scenario's mutable
    /// objects (groups, stores). Prints and returns the median.
    pub fn time<S, I, O, E>(
        &self,
        scenario: &str,
        state: &mut S,
        mut prepare: impl FnMut(&mut S, usize) -> Result<I, E>,
        mut run: impl FnMut(&mut S, I) -> Result<O, E>,
        mut check: impl FnMut(&mut S, usize, O) -> Result<(), E>,
    ) -> Result<Duration, E> {
        let started = Instant::now();
        let mut times = Vec::with_capacity(self.runs);
        for i in 0..self.runs {
            if i > 0 && started.elapsed() > self.budget {
                break;
            }
            let input = prepare(state, i)?;
            let t = Instant::now();
            let out = run(state, input)?;
            times.push(t.elapsed());
            check(state, i, out)?;
        }
        let m = median(&mut times);
        self.emit(scenario, Value::Time(m, times.len()));
        Ok(m)
    }

    fn emit(&self, scenario: &str, value: Value) {
        let p = self.point;
        let (v, unit) = match value {
            Value::Time(d, runs) => (format!("{}", d.as_nanos()), format!("ns\t{runs}")),
            Value::Bytes(b) => (b.to_string(), "B\t1".to_string()),
        };
        println!(
            "RESULT\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            p.lib, scenario, p.n, p.suite, p.threads, v, unit
        );
    }
}

/// The median (the lower middle of an even count).
pub fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times
        .get(times.len().saturating_sub(1) / 2)
        .copied()
        .unwrap_or_default()
}

/// 1 KiB of application data.
pub fn payload() -> Vec<u8> {
    (0..1024u32).map(|i| (i % 251) as u8).collect()
}

/// An error of any library, with the scenario it happened in.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Fail unless two members' epoch authenticators are equal.
pub fn agree(what: &str, a: &[u8], b: &[u8]) -> Result<(), BoxError> {
    if a.is_empty() || a != b {
        return Err(format!("{what}: members disagree on the epoch authenticator").into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        let ms = Duration::from_millis;
        assert_eq!(median(&mut [ms(3), ms(1), ms(2)]), ms(2));
        assert_eq!(median(&mut [ms(4), ms(1), ms(3), ms(2)]), ms(2));
        assert_eq!(median(&mut []), Duration::ZERO);
    }

    #[test]
    fn agreement_needs_equal_non_empty_values() {
        assert!(agree("x", b"ab", b"ab").is_ok());
        assert!(agree("x", b"ab", b"ac").is_err());
        assert!(agree("x", b"", b"").is_err());
    }
}
