//! The order in which client messages take effect, whatever order tower-lsp polls them in.
//!
//! tower-lsp reads messages one by one and calls the service for each in arrival order, but
//! then runs up to four of the resulting futures at once, so a didChange may be applied after
//! a request sent behind it, or two didChanges the wrong way round. Every message is given a
//! [`Turn`] when the service is called, that is in arrival order, and its future waits for its
//! turn before doing anything:
//!
//! - a *change* (didOpen, didChange, didClose, configuration, watched files, folders) waits
//!   until every message received before it is done, so changes apply strictly in arrival
//!   order and never under a request that is still reading the state;
//! - a *read* (any request) waits only for the changes received before it, so requests run
//!   side by side, each on the state after exactly the messages received before it (later
//!   changes wait for it). This is rust-analyzer's model of a main loop that applies
//!   notifications in order and answers requests on a snapshot.
//!
//! No timer is involved: nothing ever waits for a message that has not arrived.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use tokio::sync::Notify;

/// What a message does to the state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Changes the state: runs alone, after everything received before it.
    Change,
    /// Reads the state: runs after the changes received before it.
    Read,
}

#[derive(Debug, Default)]
struct Queue {
    next: u64,
    /// Messages given a turn and not done yet.
    pending: BTreeSet<u64>,
    /// The changes among them.
    changes: BTreeSet<u64>,
}

/// The queue of messages in arrival order.
#[derive(Debug, Default)]
pub struct Order {
    queue: Mutex<Queue>,
    done: Notify,
}

impl Order {
    /// Gives the message being received now its place, behind every message received before.
    pub fn turn(self: &Arc<Self>, kind: Kind) -> Turn {
        let mut queue = self.queue.lock().unwrap_or_else(|e| e.into_inner());
        let seq = queue.next;
        queue.next += 1;
        queue.pending.insert(seq);
        if kind == Kind::Change {
            queue.changes.insert(seq);
        }
        Turn {
            order: Arc::clone(self),
            seq,
            kind,
        }
    }
}

/// A message's place in the queue; its place is given up when this is dropped (the message is
/// done, was cancelled, or its handler panicked).
#[derive(Debug)]
pub struct Turn {
    order: Arc<Order>,
    seq: u64,
    kind: Kind,
}

impl Turn {
    fn has_come(&self) -> bool {
        let queue = self.order.queue.lock().unwrap_or_else(|e| e.into_inner());
        let before = match self.kind {
            Kind::Change => &queue.pending,
            Kind::Read => &queue.changes,
        };
        before.range(..self.seq).next().is_none()
    }

    /// Waits until the messages this one must follow are done.
    pub async fn wait(&self) {
        loop {
            let done = self.order.done.notified();
            tokio::pin!(done);
            done.as_mut().enable();
            if self.has_come() {
                return;
            }
            done.await;
        }
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        {
            let mut queue = self.order.queue.lock().unwrap_or_else(|e| e.into_inner());
            queue.pending.remove(&self.seq);
            queue.changes.remove(&self.seq);
        }
        self.order.done.notify_waiters();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has_come(turn: &Turn) -> bool {
        turn.has_come()
    }

    #[test]
    fn reads_follow_earlier_changes_and_changes_follow_everything() {
        let order = Arc::new(Order::default());
        let read1 = order.turn(Kind::Read);
        let change = order.turn(Kind::Change);
        let read2 = order.turn(Kind::Read);
        let read3 = order.turn(Kind::Read);
        assert!(has_come(&read1));
        assert!(
            !has_come(&change),
            "a change overtook a request received before it"
        );
        assert!(
            !has_come(&read2),
            "a request overtook a change received before it"
        );
        drop(read1);
        assert!(has_come(&change));
        assert!(!has_come(&read2));
        drop(change);
        // Requests do not wait for one another.
        assert!(has_come(&read2) && has_come(&read3));
        // A change received later never holds up an earlier request.
        let late = order.turn(Kind::Change);
        assert!(has_come(&read3) && !has_come(&late));
    }

    #[test]
    fn a_waiting_turn_wakes_when_its_predecessors_are_done() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        runtime.block_on(async {
            let order = Arc::new(Order::default());
            let first = order.turn(Kind::Change);
            let second = order.turn(Kind::Change);
            let waiting = tokio::spawn(async move {
                second.wait().await;
            });
            tokio::task::yield_now().await;
            assert!(!waiting.is_finished());
            drop(first);
            waiting.await.expect("the second change ran");
        });
    }
}
