//! Spreading independent work over the machine's cores, for loading many files at once.

use std::sync::Mutex;

/// Maps `items` with `work` on all cores (the order of the results is not kept).
///
/// Items are handed out one at a time from a shared queue, so a thread that drew a few big
/// files does not leave the others idle at the end. The calling thread works too.
pub fn in_parallel<T: Send, R: Send>(items: Vec<T>, work: impl Fn(T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len().max(1));
    if threads <= 1 {
        return items.into_iter().map(work).collect();
    }
    let queue = Mutex::new(items.into_iter());
    // The helpers stop with the calling thread's analysis when its request is cancelled.
    let flag = crate::cancel::current();
    let drain = || {
        let mut done = Vec::new();
        loop {
            // A panic in `work` happens outside the lock, so the queue is never poisoned.
            let next = queue.lock().ok().and_then(|mut q| q.next());
            let Some(item) = next else { break };
            done.push(work(item));
        }
        done
    };
    std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads)
            .map(|_| scope.spawn(|| crate::cancel::with_flag(flag.clone(), drain)))
            .collect();
        let mut results = drain();
        for helper in helpers {
            results.extend(
                helper
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            );
        }
        results
    })
}

#[cfg(test)]
mod tests {
    use super::in_parallel;

    #[test]
    fn every_item_is_mapped_exactly_once() {
        let mut squares = in_parallel((0u64..1000).collect(), |n| n * n);
        squares.sort_unstable();
        let expected: Vec<u64> = (0u64..1000).map(|n| n * n).collect();
        assert_eq!(squares, expected);
        assert!(in_parallel(Vec::<u8>::new(), |n| n).is_empty());
    }

    #[test]
    fn a_panicking_item_fails_the_whole_call() {
        let outcome = std::panic::catch_unwind(|| {
            in_parallel((0..100).collect(), |n: i32| {
                assert!(n != 57, "item 57");
                n
            })
        });
        assert!(outcome.is_err());
    }
}
