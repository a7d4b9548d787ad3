//! Cancellation of a running analysis, the way rust-analyzer's salsa does it: the request's
//! thread carries a flag, long analyses call [`checkpoint`] in their loops, and a checkpoint
//! that finds the flag raised unwinds with a [`Cancelled`] payload up to the request's panic
//! boundary, which answers RequestCancelled. Unwinding with `resume_unwind` runs no panic
//! hook, so a cancellation prints nothing.

use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// The payload a cancelled analysis unwinds with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cancelled;

/// Raised when the request that started an analysis is cancelled (or its answer is no longer
/// awaited).
#[derive(Debug, Clone, Default)]
pub struct Flag(Arc<AtomicBool>);

impl Flag {
    pub fn new() -> Flag {
        Flag::default()
    }

    pub fn raise(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    pub fn is_raised(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    /// A guard that raises the flag when dropped: held by the request's future, so that a
    /// future dropped by a `$/cancelRequest` stops the analysis it was waiting for.
    pub fn raise_on_drop(&self) -> RaiseOnDrop {
        RaiseOnDrop(Some(self.clone()))
    }
}

/// See [`Flag::raise_on_drop`].
#[derive(Debug)]
pub struct RaiseOnDrop(Option<Flag>);

impl RaiseOnDrop {
    /// The analysis finished: the guard goes without raising the flag.
    pub fn disarm(mut self) {
        self.0 = None;
    }
}

impl Drop for RaiseOnDrop {
    fn drop(&mut self) {
        if let Some(flag) = self.0.take() {
            flag.raise();
        }
    }
}

thread_local! {
    static CURRENT: RefCell<Option<Flag>> = const { RefCell::new(None) };
}

/// Runs `work` on this thread with `flag` as the flag its checkpoints look at (restoring
/// the previous one afterwards, also when `work` unwinds).
pub fn with_flag<T>(flag: Option<Flag>, work: impl FnOnce() -> T) -> T {
    struct Restore(Option<Flag>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let previous = self.0.take();
            CURRENT.with(|current| *current.borrow_mut() = previous);
        }
    }
    let previous = CURRENT.with(|current| std::mem::replace(&mut *current.borrow_mut(), flag));
    let _restore = Restore(previous);
    work()
}

/// The flag of the analysis running on this thread, to hand to helper threads.
pub fn current() -> Option<Flag> {
    CURRENT.with(|current| current.borrow().clone())
}

/// Stops the analysis running on this thread if its request was cancelled. Cheap enough for
/// a loop over elements: a thread-local read and a relaxed load.
pub fn checkpoint() {
    let cancelled = CURRENT.with(|current| current.borrow().as_ref().is_some_and(Flag::is_raised));
    if cancelled {
        std::panic::resume_unwind(Box::new(Cancelled));
    }
}

/// Whether a panic payload is a cancellation rather than a bug.
pub fn is_cancellation(payload: &(dyn std::any::Any + Send)) -> bool {
    payload.is::<Cancelled>()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::panic::{catch_unwind, AssertUnwindSafe};

    #[test]
    fn a_raised_flag_stops_work_at_its_next_checkpoint() {
        let flag = Flag::new();
        let mut steps = 0;
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            with_flag(Some(flag.clone()), || {
                for i in 0..10 {
                    if i == 3 {
                        flag.raise();
                    }
                    checkpoint();
                    steps += 1;
                }
            })
        }));
        let payload = outcome.expect_err("the work was stopped");
        assert!(is_cancellation(payload.as_ref()));
        assert_eq!(steps, 3);
        // The flag is gone once the work has unwound: checkpoints elsewhere pass.
        assert!(current().is_none());
        checkpoint();
    }

    #[test]
    fn without_a_flag_or_with_a_lowered_one_checkpoints_pass() {
        checkpoint();
        let flag = Flag::new();
        let done = with_flag(Some(flag), || {
            checkpoint();
            7
        });
        assert_eq!(done, 7);
    }

    #[test]
    fn a_dropped_guard_raises_the_flag_and_a_disarmed_one_does_not() {
        let flag = Flag::new();
        flag.raise_on_drop().disarm();
        assert!(!flag.is_raised());
        // Disarmed, the guard gave back its share of the flag (nothing leaked).
        assert_eq!(std::sync::Arc::strong_count(&flag.0), 1);
        drop(flag.raise_on_drop());
        assert!(flag.is_raised());
    }
}
