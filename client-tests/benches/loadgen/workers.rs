//! Concurrent clients: tasks that share out a range of work through one counter, and awaiting
//! a set of tasks. Every worker's loop is bounded by the range it shares.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::task::JoinHandle;

use crate::Res;

/// The starts `0, step, 2 * step, …` below `n`, each handed to exactly one worker.
#[derive(Clone)]
pub struct Claims {
    next: Arc<AtomicUsize>,
    n: usize,
    step: usize,
}

impl Claims {
    /// The next unclaimed start, or `None` once the range is used up.
    pub fn next(&self) -> Option<usize> {
        let start = self.next.fetch_add(self.step, Ordering::Relaxed);
        (start < self.n).then_some(start)
    }
}

/// Spawns `workers` tasks, each made by `worker` from a handle on the shared claims over
/// `0..n` in steps of `step`, and waits for them all.
pub async fn share_out<F, Fut>(workers: usize, n: usize, step: usize, worker: F) -> Res<()>
where
    F: Fn(Claims) -> Fut,
    Fut: Future<Output = Res<()>> + Send + 'static,
{
    let claims = Claims {
        next: Arc::new(AtomicUsize::new(0)),
        n,
        step,
    };
    let tasks = (0..workers)
        .map(|_| tokio::spawn(worker(claims.clone())))
        .collect();
    join_all(tasks).await?;
    Ok(())
}

/// Awaits `tasks` in order; the first that panicked or failed fails the lot.
pub async fn join_all<T>(tasks: Vec<JoinHandle<Res<T>>>) -> Res<Vec<T>> {
    let mut out = Vec::with_capacity(tasks.len());
    for task in tasks {
        out.push(task.await??);
    }
    Ok(out)
}
