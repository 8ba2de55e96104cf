//! CPU time and heap of cwmp-datamodel on the tree of 10,000 parameters of
//! `datamodel_tree.rs`: CPU time per GetParameterValues of `Device.` (target: under 2 ms),
//! GetParameterNames and SetParameterValues of 100, measured as this thread's time on a CPU so
//! that a loaded machine does not inflate it (criterion's wall times are in `datamodel.rs`);
//! the schema's heap; the tree's beyond its names and value texts (target: at most 200 bytes
//! per stored parameter); the peak while answering each request; the heap per device of 100
//! trees of the examples' device (TR-181 DeviceInfo, ManagementServer, IP.Interface), each
//! with its own copy of the schema and all sharing one. Run with
//! `cargo bench -p cwmp-benches --bench datamodel_heap`.
//! The allocator is `cwmp_benches::counting::Counting`.

#[path = "datamodel_tree.rs"]
mod tree;

use cwmp_benches::counting::Counting;

#[global_allocator]
static ALLOC: Counting = Counting::new();

use std::sync::Arc;

use cwmp_datamodel::{DataModel, Schema};

/// The part of TR-181 the examples' simulated device supports (`examples/src/device.rs`).
const DEVICE: &[&str] = &[
    "Device.DeviceInfo.",
    "Device.ManagementServer.",
    "Device.IP.Interface.{i}.",
];

/// Devices built for the per-device heap.
const DEVICES: usize = 100;

/// A device's tree as the examples build one: its schema and one IP interface.
fn device(schema: impl Into<Arc<Schema>>) -> DataModel {
    let mut m = DataModel::new(schema);
    let i = m
        .add_instance("Device.IP.Interface.")
        .expect("the table is in the schema");
    for (leaf, value) in [("Alias", "wan"), ("Name", "ip1")] {
        m.set(&format!("Device.IP.Interface.{i}.{leaf}"), value)
            .expect("valid for the schema");
    }
    m.clear_changes();
    m
}

/// Heap bytes per device of [`DEVICES`] devices, each built by `build`.
fn per_device(mut build: impl FnMut() -> DataModel) -> usize {
    let before = ALLOC.live();
    let fleet: Vec<DataModel> = (0..DEVICES).map(|_| build()).collect();
    let bytes = ALLOC.live() - before;
    drop(fleet);
    bytes / DEVICES
}

/// Nanoseconds this thread has run on a CPU (Linux `/proc/thread-self/schedstat`): unlike
/// wall time, it does not grow when other processes take the cores.
fn cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|n| n.parse().ok()))
        .expect("Linux /proc/thread-self/schedstat")
}

/// Mean CPU microseconds of `f` over `n` calls.
fn cpu_per_call(n: u32, mut f: impl FnMut()) -> f64 {
    f();
    let start = cpu_ns();
    for _ in 0..n {
        f();
    }
    (cpu_ns() - start) as f64 / f64::from(n) / 1000.0
}

fn main() {
    use cwmp_types::{GetParameterNames, GetParameterValues};
    let live = || ALLOC.live();
    let start = live();
    let schema = tree::schema();
    let schema_heap = live() - start;
    let before_tree = live();
    let mut model = tree::tree(schema);
    let tree_heap = live() - before_tree;
    let names = model
        .get_parameter_names(&GetParameterNames::new("", false))
        .unwrap();
    let name_bytes: usize = names
        .parameter_list
        .iter()
        .map(|p| p.name.as_str().len())
        .sum();
    let nodes = names.parameter_list.len();
    let params = names
        .parameter_list
        .iter()
        .filter(|p| !p.name.as_str().ends_with('.'))
        .count();
    let value_bytes: usize = model.stored().values.values().map(String::len).sum();
    drop(names);
    let overhead = tree_heap - name_bytes - value_bytes;
    let per = overhead as f64 / params as f64;
    let (gpv_peak, gpv) =
        ALLOC.peak_during(|| model.get_parameter_values(&GetParameterValues::new(["Device."])));
    let gpv_len = gpv.map(|r| r.parameter_list.len()).unwrap_or(0);
    let (gpn_peak, _) =
        ALLOC.peak_during(|| model.get_parameter_names(&GetParameterNames::new("Device.", false)));
    let spv = tree::spv(100, 1);
    let (spv_peak, r) = ALLOC.peak_during(|| model.set_parameter_values(&spv));
    assert!(r.is_ok());
    let (gpv_cpu, gpn_cpu, spv_cpu) = (
        cpu_per_call(200, || {
            drop(model.get_parameter_values(&GetParameterValues::new(["Device."])))
        }),
        cpu_per_call(200, || {
            drop(model.get_parameter_names(&GetParameterNames::new("Device.", false)))
        }),
        {
            let reqs: Vec<_> = (0..64).map(|r| tree::spv(100, r)).collect();
            let mut k = 0;
            cpu_per_call(2000, || {
                k = (k + 1) % reqs.len();
                assert!(model.set_parameter_values(&reqs[k]).is_ok());
            })
        },
    );
    println!("| CPU time per call (this thread, load-independent) | µs |");
    println!("|---|---:|");
    println!(
        "| GetParameterValues `Device.` ({params} values, walk and response built) | {gpv_cpu:.0} |"
    );
    println!("| GetParameterNames `Device.` NextLevel false | {gpn_cpu:.0} |");
    println!("| SetParameterValues of 100 | {spv_cpu:.1} |");
    println!();
    println!("| measure | bytes |");
    println!("|---|---:|");
    println!("| schema (TR-181 DeviceInfo + ManagementServer + vendor table) | {schema_heap} |");
    println!("| tree: {params} parameters, {nodes} nodes | {tree_heap} |");
    println!("| of which names (keys) | {name_bytes} |");
    println!("| of which value texts | {value_bytes} |");
    println!("| overhead per stored parameter beyond name and value text | {per:.1} |");
    println!(
        "| peak during GetParameterValues `Device.` ({gpv_len} values, response kept) | {gpv_peak} |"
    );
    println!("| peak during GetParameterNames `Device.` NextLevel false | {gpn_peak} |");
    println!("| peak during SetParameterValues of 100 | {spv_peak} |");
    let device_schema = Schema::tr181().select(DEVICE);
    let device_schema_heap = {
        let before = live();
        let copy = device_schema.clone();
        let bytes = live() - before;
        drop(copy);
        bytes
    };
    let copied = per_device(|| device(device_schema.clone()));
    let shared_schema = Arc::new(device_schema);
    let shared = per_device(|| device(Arc::clone(&shared_schema)));
    println!(
        "| the examples' device schema (DeviceInfo, ManagementServer, IP.Interface) | {device_schema_heap} |"
    );
    println!("| per device of {DEVICES}, each with its own copy of the schema | {copied} |");
    println!("| per device of {DEVICES}, all sharing one schema (`Arc<Schema>`) | {shared} |");
    println!();
    println!(
        "overhead per parameter {per:.1} bytes (target ≤ 200): {}",
        if per <= 200.0 { "met" } else { "NOT met" }
    );
}
