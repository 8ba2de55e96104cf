//! A global allocator that counts live heap bytes and their peak, for the heap benches
//! (`peak_heap.rs`, `datamodel_heap.rs`). A bench installs it with
//!
//! ```no_run
//! use cwmp_benches::counting::Counting;
//!
//! #[global_allocator]
//! static ALLOC: Counting = Counting::new();
//!
//! fn main() {
//!     let (peak, v) = ALLOC.peak_during(|| vec![0u8; 1000]);
//!     assert!(peak >= v.len());
//! }
//! ```
//!
//! and reads [`Counting::live`] or measures a closure with [`Counting::peak_during`]. Every
//! call is forwarded to [`System`]; only the sizes the callers ask for are counted (not the
//! allocator's own bookkeeping or rounding).
//!
//! This module alone in the library allows unsafe code: a `GlobalAlloc` implementation must
//! be `unsafe`.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The system allocator, counting live heap bytes and their peak.
#[derive(Debug, Default)]
pub struct Counting {
    live: AtomicUsize,
    peak: AtomicUsize,
}

impl Counting {
    /// An allocator with its counters at zero (`const`, for a `static`).
    pub const fn new() -> Self {
        Self {
            live: AtomicUsize::new(0),
            peak: AtomicUsize::new(0),
        }
    }

    /// Heap bytes live now.
    pub fn live(&self) -> usize {
        self.live.load(Ordering::Relaxed)
    }

    /// Runs `f` and returns the peak of live heap bytes above the level at its start while it
    /// ran (what it returns is still live at the end, so it is counted), with its result.
    /// Allocations of other threads meanwhile are counted too.
    pub fn peak_during<T>(&self, f: impl FnOnce() -> T) -> (usize, T) {
        let base = self.live();
        self.peak.store(base, Ordering::Relaxed);
        let out = f();
        (self.peak.load(Ordering::Relaxed).saturating_sub(base), out)
    }

    fn added(&self, n: usize) {
        let live = self.live.fetch_add(n, Ordering::Relaxed) + n;
        self.peak.fetch_max(live, Ordering::Relaxed);
    }

    fn removed(&self, n: usize) {
        self.live.fetch_sub(n, Ordering::Relaxed);
    }
}

// SAFETY: every call is forwarded unchanged to `System`, which upholds the `GlobalAlloc`
// contract; the counters are plain atomics and never affect the returned memory.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same layout, same contract as the caller's.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            self.added(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same layout, same contract as the caller's.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            self.added(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` with `layout` (all allocations go through it).
        unsafe { System.dealloc(ptr, layout) };
        self.removed(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded unchanged; `ptr` and `layout` come from this allocator.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            // The old and the new block may both be live during the copy.
            self.added(new_size);
            self.removed(layout.size());
        }
        p
    }
}
