//! Peak heap while decoding, per input: a counting global allocator records the highest
//! number of live heap bytes during one `cwmp_soap::decode`, reported against the size of
//! the message (target: at most 3×). Run with `cargo bench -p cwmp-benches --bench peak_heap`.
//! The allocator is `cwmp_benches::counting::Counting`.

use cwmp_benches::counting::Counting;

#[global_allocator]
static ALLOC: Counting = Counting::new();

fn main() {
    // `cargo bench` passes `--bench`; this program takes no options.
    println!(
        "| input | message bytes | peak heap bytes (cwmp-soap) | ratio | peak heap bytes (cwmp crate) | ratio |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    let mut worst = 0.0f64;
    for case in cwmp_benches::cases() {
        let size = case.xml.len();
        let (ours, decoded) = ALLOC.peak_during(|| cwmp_soap::decode(&case.xml));
        if let Err(e) = &decoded {
            panic!("{}: cwmp-soap cannot decode the input: {e}", case.name);
        }
        // The result is part of what decoding costs: it is counted, then dropped here.
        drop(decoded);
        let (theirs, parsed) = ALLOC.peak_during(|| cwmp::parse_bytes(&case.xml));
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
