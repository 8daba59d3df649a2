//! A global allocator that, before freeing a block, looks for a byte pattern in it. Tests set
//! the pattern to a secret, drop the values holding it, and ask whether any freed block still
//! contained it: memory handed back to the allocator must not carry the secret.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

/// The scanning allocator; install it with `#[global_allocator]` in a test binary.
pub struct Scanning;

static PATTERN: Mutex<Vec<u8>> = Mutex::new(Vec::new());
static ARMED: AtomicBool = AtomicBool::new(false);
static FOUND: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    static IN_SCAN: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

unsafe impl GlobalAlloc for Scanning {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if ARMED.load(Ordering::SeqCst) && !IN_SCAN.with(|f| f.replace(true)) {
            // SAFETY: `ptr` is a live block of `layout.size()` bytes until `System.dealloc`.
            let block = unsafe { std::slice::from_raw_parts(ptr, layout.size()) };
            if let Ok(pattern) = PATTERN.try_lock() {
                if !pattern.is_empty()
                    && block
                        .windows(pattern.len())
                        .any(|w| w == pattern.as_slice())
                {
                    FOUND.fetch_add(1, Ordering::SeqCst);
                }
            }
            IN_SCAN.with(|f| f.set(false));
        }
        unsafe { System.dealloc(ptr, layout) }
    }
}

/// Runs `f` with `pattern` armed and returns how many freed blocks still contained it.
/// Tests using this must run one at a time (`--test-threads=1` or one test per binary).
pub fn freed_blocks_containing(pattern: &[u8], f: impl FnOnce()) -> usize {
    *PATTERN.lock().unwrap_or_else(|e| e.into_inner()) = pattern.to_vec();
    FOUND.store(0, Ordering::SeqCst);
    ARMED.store(true, Ordering::SeqCst);
    f();
    ARMED.store(false, Ordering::SeqCst);
    FOUND.load(Ordering::SeqCst)
}
