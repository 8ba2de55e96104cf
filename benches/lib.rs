//! Inputs shared by the cwmp-rs benchmarks: deterministic messages built with cwmp-types and
//! written by the cwmp-soap encoder.
//!
//! | name | message |
//! |---|---|
//! | `inform` | an Inform: 2 events, the TR-181 forced-inform parameters and a few more |
//! | `gpv_resp_100` / `_1000` / `_10000` | GetParameterValuesResponse with that many values |
//! | `gpn_resp_10000` | GetParameterNamesResponse with 10,000 entries |
//! | `spv_100` | SetParameterValues with 100 values |
//!
//! And [`floor`], the quick-xml event loop the decoder is measured against, and
//! [`sessions`], the whole session of the `session` bench, and [`counting`], the counting
//! global allocator of the heap benches.
//!
//! Unsafe code is denied (by the workspace's lints, as `deny` here) except in [`counting`]: a
//! `GlobalAlloc` implementation must be `unsafe`.

pub mod counting;
pub mod sessions;

use cwmp_types::{
    DateTimeField, DeviceIdStruct, Envelope, EventCode, EventStruct, GetParameterNamesResponse,
    GetParameterValuesResponse, Inform, ParameterInfoStruct, ParameterValue, ParameterValueStruct,
    SetParameterValues,
};

/// The floor the decoder is measured against: quick-xml's namespace-resolving event loop over
/// `xml`, every event resolved, nothing kept. Returns the event count.
pub fn floor(xml: &[u8]) -> usize {
    let mut reader = quick_xml::NsReader::from_reader(xml);
    let mut events = 0usize;
    loop {
        match reader.read_resolved_event() {
            Ok((_, quick_xml::events::Event::Eof)) => return events,
            Ok(_) => events += 1,
            Err(e) => panic!("the floor reader failed: {e}"),
        }
    }
}

/// A benchmark input: its name, the envelope and the envelope's XML.
#[derive(Debug, Clone)]
pub struct Case {
    /// Short name (`gpv_resp_1000`).
    pub name: &'static str,
    /// The message.
    pub envelope: Envelope,
    /// The message as the cwmp-soap encoder writes it.
    pub xml: Vec<u8>,
}

impl Case {
    fn new(name: &'static str, envelope: Envelope) -> Self {
        let mut xml = Vec::new();
        if let Err(e) = cwmp_soap::encode(&envelope, &mut xml) {
            panic!("benchmark input {name} does not encode: {e}");
        }
        Self {
            name,
            envelope,
            xml,
        }
    }
}

/// Every benchmark input, smallest first.
pub fn cases() -> Vec<Case> {
    vec![
        Case::new("inform", inform()),
        Case::new("gpv_resp_100", gpv_response(100)),
        Case::new("gpv_resp_1000", gpv_response(1_000)),
        Case::new("gpv_resp_10000", gpv_response(10_000)),
        Case::new("gpn_resp_10000", gpn_response(10_000)),
        Case::new("spv_100", spv(100)),
    ]
}

/// The `i`-th parameter: a TR-181-like path and a value of one of the common types.
pub fn parameter(i: usize) -> ParameterValueStruct {
    let obj = [
        "Device.IP.Interface",
        "Device.WiFi.SSID",
        "Device.Ethernet.Link",
        "Device.DHCPv4.Server.Pool",
        "Device.Hosts.Host",
    ][i % 5];
    let inst = i / 50 + 1;
    let (leaf, value) = match i % 10 {
        0 => ("Enable", ParameterValue::boolean(i % 3 != 0)),
        1 => ("Status", ParameterValue::string("Up")),
        2 => ("Alias", ParameterValue::string(format!("cpe-{i}"))),
        3 => ("Name", ParameterValue::string(format!("eth{}", i % 8))),
        4 => (
            "LastChange",
            ParameterValue::unsigned_int((i as u32) * 37 % 86_400),
        ),
        5 => (
            "Stats.BytesSent",
            ParameterValue::unsigned_long(i as u64 * 1_048_573),
        ),
        6 => (
            "Stats.ErrorsReceived",
            ParameterValue::unsigned_int(i as u32 % 17),
        ),
        7 => ("MaxBitRate", ParameterValue::int(-1)),
        8 => (
            "X_ACME_Description",
            ParameterValue::string("Uplink <primary> & backup"),
        ),
        _ => (
            "LowerLayers",
            ParameterValue::string(format!("Device.Ethernet.Interface.{}.", i % 4 + 1)),
        ),
    };
    ParameterValueStruct::new(format!("{obj}.{inst}.{leaf}"), value)
}

/// A periodic Inform with the TR-181 forced-inform parameters and a few more.
pub fn inform() -> Envelope {
    let mut inform = Inform::new(
        DeviceIdStruct::new("Acme Networks", "00D09E", "HGW-1000", "ACME00D09E000123"),
        vec![
            EventStruct::new(EventCode::Periodic),
            EventStruct::with_command_key(EventCode::m_reboot(), "reboot-42"),
        ],
    );
    inform.current_time = DateTimeField::parse("2024-05-01T12:34:56Z");
    inform.retry_count = 0;
    let forced = [
        ("Device.RootDataModelVersion", "2.15"),
        ("Device.DeviceInfo.HardwareVersion", "HW-1.2"),
        ("Device.DeviceInfo.SoftwareVersion", "4.3.2-build.1234"),
        ("Device.DeviceInfo.ProvisioningCode", "ACME.DEFAULT"),
        ("Device.ManagementServer.ParameterKey", "pk-0007"),
        (
            "Device.ManagementServer.ConnectionRequestURL",
            "http://203.0.113.7:7547/cr/ACME00D09E000123",
        ),
        ("Device.ManagementServer.AliasBasedAddressing", "0"),
    ];
    inform.parameter_list = forced
        .iter()
        .map(|(n, v)| ParameterValueStruct::new(*n, ParameterValue::string(*v)))
        .chain((0..8).map(parameter))
        .collect();
    Envelope::with_id("1", inform)
}

/// A GetParameterValuesResponse with `n` values.
pub fn gpv_response(n: usize) -> Envelope {
    Envelope::with_id(
        "gpv-1",
        GetParameterValuesResponse::new((0..n).map(parameter).collect()),
    )
}

/// A GetParameterNamesResponse with `n` entries (objects and parameters).
pub fn gpn_response(n: usize) -> Envelope {
    let list = (0..n)
        .map(|i| {
            let p = parameter(i);
            if i % 7 == 0 {
                let name = p.name.as_str();
                let obj = &name[..name.rfind('.').map_or(0, |d| d + 1)];
                ParameterInfoStruct::new(obj, true)
            } else {
                ParameterInfoStruct::new(p.name, i % 3 == 0)
            }
        })
        .collect();
    Envelope::with_id("gpn-1", GetParameterNamesResponse::new(list))
}

/// A SetParameterValues with `n` values.
pub fn spv(n: usize) -> Envelope {
    Envelope::with_id(
        "spv-1",
        SetParameterValues::new((0..n).map(parameter).collect(), "pk-0008"),
    )
}
