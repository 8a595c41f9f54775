//! A cancel token: cloned into every exchange of a command, fired once
//! (by Ctrl-C), awaited by all. Work that sees it stops where it is and
//! keeps what arrived.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::sync::Notify;

#[derive(Clone, Debug, Default)]
pub struct Cancel(Arc<Inner>);

#[derive(Debug, Default)]
struct Inner {
    fired: AtomicBool,
    notify: Notify,
}

impl Cancel {
    pub fn new() -> Cancel {
        Cancel::default()
    }

    /// A token fired by the first Ctrl-C. Call it inside the runtime.
    pub fn on_ctrl_c() -> Cancel {
        let cancel = Cancel::new();
        let fire = cancel.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                fire.cancel();
            }
        });
        cancel
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
}
