//! Peak heap while decoding, per input: a counting global allocator records the highest
//! number of live heap bytes during one `cwmp_soap::decode`, reported against the size of
//! the message (target: at most 3×). Run with `cargo bench -p cwmp-benches --bench peak_heap`.
//!
//! This file alone allows unsafe code: a `GlobalAlloc` implementation must be `unsafe`.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The system allocator, counting live bytes and their peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn added(n: usize) {
    let live = LIVE.fetch_add(n, Ordering::Relaxed) + n;
    PEAK.fetch_max(live, Ordering::Relaxed);
}

// SAFETY: every call is forwarded unchanged to `System`, which upholds the `GlobalAlloc`
// contract; the counters are plain atomics and never affect the returned memory.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same layout, same contract as the caller's.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            added(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same layout, same contract as the caller's.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            added(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` with `layout` (all allocations go through it).
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded unchanged; `ptr` and `layout` come from this allocator.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            // The old and the new block may both be live during the copy.
            added(new_size);
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Peak live heap bytes above the starting level while `f` runs.
fn peak_during<T>(f: impl FnOnce() -> T) -> (usize, T) {
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let out = f();
    (PEAK.load(Ordering::Relaxed) - base, out)
}

fn main() {
    // `cargo bench` passes `--bench`; this program takes no options.
    println!(
        "| input | message bytes | peak heap bytes (cwmp-soap) | ratio | peak heap bytes (cwmp crate) | ratio |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    let mut worst = 0.0f64;
    for case in cwmp_benches::cases() {
        let size = case.xml.len();
        let (ours, decoded) = peak_during(|| cwmp_soap::decode(&case.xml));
        if let Err(e) = &decoded {
            panic!("{}: cwmp-soap cannot decode the input: {e}", case.name);
        }
        // The result is part of what decoding costs: it is counted, then dropped here.
        drop(decoded);
        let (theirs, parsed) = peak_during(|| cwmp::parse_bytes(&case.xml));
        let theirs_ok = parsed.is_ok();
        drop(parsed);
        let ratio = ours as f64 / size as f64;
        worst = worst.max(ratio);
        let theirs = if theirs_ok {
            format!("{theirs} | {:.2}", theirs as f64 / size as f64)
        } else {
            "parse failed | -".to_owned()
        };
        println!(
            "| {} | {size} | {ours} | {ratio:.2} | {theirs} |",
            case.name
        );
    }
    println!();
    println!(
        "worst cwmp-soap ratio {worst:.2} (target ≤ 3.00): {}",
        if worst <= 3.0 { "met" } else { "NOT met" }
    );
}
