//! A cancel token: cloned into every exchange of a command, fired once
//! (by Ctrl-C), awaited by all. Work that sees it stops where it is and
//! keeps what arrived.
//!
//! The interactive chat stops one answer, not the command: while an
//! [`Intercept`] of the command's token lives, a Ctrl-C fires the
//! intercept's own fresh token instead. Nothing else changes: with no
//! intercept, Ctrl-C fires the command's token as it always did.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::Notify;

#[derive(Clone, Debug, Default)]
pub struct Cancel(Arc<Inner>);

#[derive(Debug, Default)]
struct Inner {
    fired: AtomicBool,
    notify: Notify,
    /// Where a Ctrl-C goes instead of this token (see [`Cancel::intercept`]).
    intercepted_by: Mutex<Option<Cancel>>,
}

impl Cancel {
    pub fn new() -> Cancel {
        Cancel::default()
    }

    /// A token fired by the first Ctrl-C that no [`Intercept`] takes. Call
    /// it inside the runtime.
    pub fn on_ctrl_c() -> Cancel {
        let cancel = Cancel::new();
        let fire = cancel.clone();
        tokio::spawn(async move {
            while tokio::signal::ctrl_c().await.is_ok() {
                fire.interrupt();
            }
        });
        cancel
    }

    /// Ctrl-C: fires the token of the live [`Intercept`], else this one.
    pub fn interrupt(&self) {
        let intercept = self.slot().clone();
        match intercept {
            Some(turn) => turn.cancel(),
            None => self.cancel(),
        }
    }

    /// Until the returned value is dropped, a Ctrl-C fires its token, a new
    /// one, and leaves this one alone: the interactive chat stops the
    /// answer of one turn and goes on. A token already fired stays fired
    /// (the intercept's token is then fired too).
    pub fn intercept(&self) -> Intercept {
        let turn = Cancel::new();
        if self.is_cancelled() {
            turn.cancel();
        }
        *self.slot() = Some(turn.clone());
        Intercept {
            root: self.clone(),
            turn,
        }
    }

    fn slot(&self) -> std::sync::MutexGuard<'_, Option<Cancel>> {
        // (A poisoned lock still holds a valid Option.)
        self.0
            .intercepted_by
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    pub fn cancel(&self) {
        self.0.fired.store(true, Ordering::SeqCst);
        self.0.notify.notify_waiters();
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.fired.load(Ordering::SeqCst)
    }

    /// Resolves once the token is fired (at once if it already was).
    pub async fn cancelled(&self) {
        let notified = self.0.notify.notified();
        tokio::pin!(notified);
        // Registered before the check, so a fire in between is not lost.
        notified.as_mut().enable();
        if self.is_cancelled() {
            return;
        }
        notified.await;
    }
}

/// A Ctrl-C taken from a command's token for a while (one turn of the
/// interactive chat); dropping it gives Ctrl-C back to that token.
#[derive(Debug)]
pub struct Intercept {
    root: Cancel,
    turn: Cancel,
}

impl Intercept {
    /// The token a Ctrl-C fires while this intercept lives.
    pub fn token(&self) -> &Cancel {
        &self.turn
    }
}

impl Drop for Intercept {
    fn drop(&mut self) {
        *self.root.slot() = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_clone_sees_one_fire() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let cancel = Cancel::new();
            let a = cancel.clone();
            let b = cancel.clone();
            let waiters = async { tokio::join!(a.cancelled(), b.cancelled()) };
            let fire = async {
                tokio::task::yield_now().await;
                cancel.cancel();
            };
            tokio::join!(waiters, fire);
            // Already fired: resolves at once.
            cancel.cancelled().await;
            assert!(a.is_cancelled());
        });
    }

    #[test]
    fn an_intercept_takes_ctrl_c_while_it_lives() {
        let root = Cancel::new();
        let first = root.intercept();
        root.interrupt();
        assert!(first.token().is_cancelled());
        assert!(!root.is_cancelled());
        drop(first);
        // A new turn starts unfired.
        let second = root.intercept();
        assert!(!second.token().is_cancelled());
        drop(second);
        // No intercept: Ctrl-C fires the command's token, and a turn
        // started after that is fired at once.
        root.interrupt();
        assert!(root.is_cancelled());
        assert!(root.intercept().token().is_cancelled());
    }
}
