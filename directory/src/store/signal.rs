//! The in-process half of the "directory changed" signal: a generation that moves on every
//! change and a broadcast to wake whoever waits. Kept apart from [`crate::changes`] (which
//! hears other processes and needs the [`crate::Directory`] handle) so the handle can hold it.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use tokio::sync::broadcast;

/// What caches consult: a generation that moves on every change, and whether this process
/// hears about changes at all right now (while it does not, caches must not be trusted).
pub(crate) struct Changes {
    generation: AtomicU64,
    /// Moves on every quiet change this process commits that the users lists show (a
    /// sign-in's time): nothing else cached depends on those, but the roster shows them.
    touches: AtomicU64,
    live: AtomicBool,
    sender: broadcast::Sender<()>,
}

impl Changes {
    pub(crate) fn new(live: bool) -> Self {
        let (sender, _) = broadcast::channel(16);
        Self {
            generation: AtomicU64::new(0),
            touches: AtomicU64::new(0),
            live: AtomicBool::new(live),
            sender,
        }
    }

    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    pub(crate) fn touches(&self) -> u64 {
        self.touches.load(Ordering::Acquire)
    }

    pub(crate) fn touch(&self) {
        self.touches.fetch_add(1, Ordering::AcqRel);
    }

    /// Whether a cached value may be served: only while changes are being heard.
    pub(crate) fn live(&self) -> bool {
        self.live.load(Ordering::Acquire)
    }

    pub(crate) fn set_live(&self, live: bool) {
        self.live.store(live, Ordering::Release);
        self.fire();
    }

    pub(crate) fn fire(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        // Nobody listening is fine: the generation alone invalidates caches.
        let _ = self.sender.send(());
    }

    pub(crate) fn subscribe(&self) -> broadcast::Receiver<()> {
        self.sender.subscribe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn firing_moves_the_generation_and_wakes_subscribers() {
        let changes = Changes::new(true);
        let mut rx = changes.subscribe();
        let before = changes.generation();
        changes.fire();
        assert!(changes.generation() > before);
        assert!(rx.try_recv().is_ok());
        changes.set_live(false);
        assert!(!changes.live());
    }
}
