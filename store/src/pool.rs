//! A small blocking connection pool shared by the backends.
//!
//! Why not r2d2 and friends: the SQLite pool crates pin older rusqlite versions (only one
//! libsqlite3-sys can link), and none of them forgets its connections after `fork()`. A
//! process forked with connections open (gunicorn `--preload`) must not use or even close the
//! parent's connections: closing a SQLite handle or sending a PostgreSQL Terminate from the
//! child breaks the parent's. So the pool notes its process id; in a child it leaks the
//! inherited connections (they belong to the parent) and opens its own.

use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use mfakit_core::{MfaError, Result};

type Connect<C> = Box<dyn Fn() -> Result<C> + Send + Sync>;

struct State<C> {
    idle: Vec<C>,
    open: usize,
    pid: u32,
}

pub(crate) struct Pool<C> {
    state: Mutex<State<C>>,
    freed: Condvar,
    max: usize,
    timeout: Duration,
    connect: Connect<C>,
}

impl<C> Pool<C> {
    pub(crate) fn new(max: usize, timeout: Duration, connect: Connect<C>) -> Pool<C> {
        Pool {
            state: Mutex::new(State {
                idle: Vec::new(),
                open: 0,
                pid: std::process::id(),
            }),
            freed: Condvar::new(),
            max,
            timeout,
            connect,
        }
    }

    fn lock(&self) -> MutexGuard<'_, State<C>> {
        // The state is a list and a counter, consistent after any panic between statements.
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let pid = std::process::id();
        if state.pid != pid {
            for inherited in state.idle.drain(..) {
                std::mem::forget(inherited);
            }
            state.open = 0;
            state.pid = pid;
        }
        state
    }

    /// A connection, waiting at most the timeout for one to be free.
    pub(crate) fn get(&self) -> Result<Pooled<'_, C>> {
        let deadline = Instant::now() + self.timeout;
        let mut state = self.lock();
        loop {
            if let Some(conn) = state.idle.pop() {
                return Ok(Pooled::new(self, conn, state.pid));
            }
            if state.open < self.max {
                state.open += 1;
                let pid = state.pid;
                drop(state);
                return match (self.connect)() {
                    Ok(conn) => Ok(Pooled::new(self, conn, pid)),
                    Err(e) => {
                        self.lock().open -= 1;
                        self.freed.notify_one();
                        Err(e)
                    }
                };
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(MfaError::storage("timed out waiting for a free connection"));
            }
            state = self
                .freed
                .wait_timeout(state, left)
                .unwrap_or_else(|p| p.into_inner())
                .0;
            if state.pid != std::process::id() {
                state = self.lock();
            }
        }
    }
}

/// A connection on loan; back to the pool on drop unless marked broken.
pub(crate) struct Pooled<'a, C> {
    pool: &'a Pool<C>,
    conn: Option<C>,
    pid: u32,
    broken: bool,
}

impl<'a, C> Pooled<'a, C> {
    fn new(pool: &'a Pool<C>, conn: C, pid: u32) -> Self {
        Pooled {
            pool,
            conn: Some(conn),
            pid,
            broken: false,
        }
    }

    /// Don't return this connection to the pool (after an I/O error).
    pub(crate) fn discard(&mut self) {
        self.broken = true;
    }
}

impl<C> std::ops::Deref for Pooled<'_, C> {
    type Target = C;
    fn deref(&self) -> &C {
        // `conn` is only taken in `drop`.
        self.conn.as_ref().unwrap_or_else(|| unreachable!())
    }
}

impl<C> std::ops::DerefMut for Pooled<'_, C> {
    fn deref_mut(&mut self) -> &mut C {
        self.conn.as_mut().unwrap_or_else(|| unreachable!())
    }
}

impl<C> Drop for Pooled<'_, C> {
    fn drop(&mut self) {
        let Some(conn) = self.conn.take() else { return };
        let mut state = self.pool.lock();
        if state.pid != self.pid {
            // Borrowed before a fork: the parent's connection; leave it alone.
            std::mem::forget(conn);
        } else if self.broken {
            state.open -= 1;
            drop(state);
            drop(conn);
        } else {
            state.idle.push(conn);
        }
        self.pool.freed.notify_one();
    }
}
