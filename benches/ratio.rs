//! Decode throughput of cwmp-soap as a share of the quick-xml floor, measured in pairs.
//!
//! Criterion times each contender in its own window, so on a shared machine a burst of
//! load during one window skews the ratio. Here both run in alternation, in short rounds
//! (about 1 ms each), and the ratio is taken per round: load that comes and goes hits both
//! sides of a pair alike. Prints, per input, the median of the ratios of 101 rounds (and their spread), and the
//! ratio of each side's best round.
//!
//! `cargo bench -p cwmp-benches --bench ratio`

use std::hint::black_box;

use cwmp_benches::floor;
use std::time::{Duration, Instant};

fn ours(xml: &[u8]) -> bool {
    cwmp_soap::decode(xml).is_ok()
}

/// Time of `n` calls of `f`.
fn time<T>(n: u32, xml: &[u8], f: fn(&[u8]) -> T) -> Duration {
    let start = Instant::now();
    for _ in 0..n {
        black_box(f(black_box(xml)));
    }
    start.elapsed()
}

fn main() {
    // `cargo bench` passes `--bench`; a further argument filters the inputs by name.
    let filter = std::env::args().skip(1).find(|a| !a.starts_with("--"));
    println!(
        "| input | cwmp-soap | quick-xml floor | % of floor (median of rounds) | spread (min–max) | % of floor (best round of each) |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    for case in cwmp_benches::cases() {
        if filter.as_deref().is_some_and(|f| !case.name.contains(f)) {
            continue;
        }
        let xml = case.xml.as_slice();
        assert!(
            ours(xml),
            "{}: cwmp-soap cannot decode its input",
            case.name
        );
        // Calls per round: about 1 ms of the floor.
        let once = time(1, xml, floor).max(Duration::from_nanos(100));
        let n = u32::try_from((1_000_000 / once.as_nanos()).clamp(1, 100_000)).unwrap_or(1);
        // Warm-up.
        let _ = (time(n, xml, ours), time(n, xml, floor));
        let mut ratios = Vec::new();
        let (mut t_ours, mut t_floor) = (Vec::new(), Vec::new());
        for round in 0..101 {
            // Alternate which side goes first.
            let (a, b) = if round % 2 == 0 {
                let a = time(n, xml, ours);
                (a, time(n, xml, floor))
            } else {
                let b = time(n, xml, floor);
                (time(n, xml, ours), b)
            };
            ratios.push(b.as_secs_f64() / a.as_secs_f64());
            t_ours.push(a.as_secs_f64() / f64::from(n));
            t_floor.push(b.as_secs_f64() / f64::from(n));
        }
        let median = |v: &mut Vec<f64>| {
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        };
        let r = median(&mut ratios);
        let mib = |t: f64| xml.len() as f64 / t / f64::from(1u32 << 20);
        let (o, f) = (median(&mut t_ours), median(&mut t_floor));
        // The best round of each side: the one least disturbed by other jobs.
        let best = t_floor[0] / t_ours[0];
        println!(
            "| {} | {:.0} MiB/s | {:.0} MiB/s | {:.1}% | {:.1}–{:.1}% | {:.1}% |",
            case.name,
            mib(o),
            mib(f),
            100.0 * r,
            100.0 * ratios[0],
            100.0 * ratios[ratios.len() - 1],
            100.0 * best,
        );
    }
}
