//! proptest strategies for every message type (feature `proptest`).
//!
//! Every generated value is representable canonically in XML and comes back identical after
//! a SOAP encode/decode round trip, so the strategies serve both the `cwmp-soap` round-trip
//! tests and the fuzz targets:
//!
//! - strings hold only XML-safe characters (no control characters other than tab and line
//!   feed, no carriage return, no U+FFFE/U+FFFF), often with `<`, `&`, `>`, quotes,
//!   non-ASCII text and surrounding spaces; they are short (0–11 characters) and collections
//!   hold 0–3 items, so tests stay fast;
//! - typed [`ParameterValue`]s carry the canonical text of their type (`1`/`0` booleans,
//!   upper-case hex, padded base64, [`DateTime`] display form);
//! - [`EventCode`]s, [`DateTimeField`]s and [`ValueType`]s survive a trip through their wire
//!   text; [`Header::no_more_requests`] is always `None` (it is never written);
//! - [`UnknownMethod`] names start with `X_` (responses end in `Response`) and their content
//!   is a small well-formed fragment of unprefixed elements with escaped text.
//!
//! ```
//! use cwmp_types::strategy;
//! use proptest::strategy::{Strategy, ValueTree};
//! use proptest::test_runner::TestRunner;
//!
//! let mut runner = TestRunner::deterministic();
//! let envelope = strategy::envelope().new_tree(&mut runner).unwrap().current();
//! assert!(!envelope.body.method_name().is_empty());
//! ```

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;

use crate::*;

/// Largest number of items (exclusive) in a generated collection.
const MAX_ITEMS: usize = 4;
/// Longest generated string (exclusive), in characters.
const MAX_CHARS: usize = 12;

// ---------------------------------------------------------------- text

/// Whether `c` may appear in generated text: XML 1.0 `Char` minus carriage return, minus the
/// C0/C1 control characters other than tab and line feed, minus U+FFFE and U+FFFF.
pub fn is_xml_safe(c: char) -> bool {
    match c {
        '\t' | '\n' => true,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{fffe}' | '\u{ffff}' => false,
        _ => true,
    }
}

/// One XML-safe character, biased towards ASCII letters and the characters XML escapes.
pub fn xml_char() -> impl Strategy<Value = char> {
    prop_oneof![
        6 => prop::char::ranges(vec!['a'..='z', 'A'..='Z', '0'..='9'].into()),
        3 => select(vec![' ', '<', '&', '>', '"', '\'', '.', ';', '#', ']', '\t', '\n', '=']),
        1 => select(vec![
            'é', 'ß', 'Ω', '€', '中', '\u{a0}', '\u{2028}', '\u{fffd}', '\u{e000}', '😀',
            '\u{10ffff}',
        ]),
        1 => any::<char>().prop_filter("XML-safe", |c| is_xml_safe(*c)),
    ]
}

/// Any short XML-safe string (0–11 characters), possibly empty, possibly with surrounding
/// whitespace.
pub fn xml_string() -> impl Strategy<Value = String> {
    vec(xml_char(), 0..MAX_CHARS).prop_map(String::from_iter)
}

/// A short XML-safe string that is non-empty and has no leading or trailing whitespace.
pub fn trimmed_string() -> impl Strategy<Value = String> {
    xml_string().prop_filter("non-empty and trimmed", |s| {
        !s.is_empty() && s.trim() == s.as_str()
    })
}

/// A short XML-safe string without any whitespace (at least one character).
fn token() -> impl Strategy<Value = String> {
    vec(
        xml_char().prop_filter("no whitespace", |c| !c.is_whitespace()),
        1..MAX_CHARS,
    )
    .prop_map(String::from_iter)
}

/// An ASCII XML NCName: a letter or `_`, then letters, digits, `_`, `-` and `.`.
pub fn nc_name() -> impl Strategy<Value = String> {
    (
        prop::char::ranges(vec!['a'..='z', 'A'..='Z', '_'..='_'].into()),
        vec(
            prop::char::ranges(vec!['a'..='z', 'A'..='Z', '0'..='9', '_'..='_', '-'..='.'].into()),
            0..10,
        ),
    )
        .prop_map(|(first, rest)| core::iter::once(first).chain(rest).collect())
}

/// Six upper-case hex digits (an OUI).
pub fn oui() -> impl Strategy<Value = String> {
    vec(prop::char::ranges(vec!['0'..='9', 'A'..='F'].into()), 6..=6).prop_map(String::from_iter)
}

/// A lower-case 8-4-4-4-12 UUID.
fn uuid() -> impl Strategy<Value = String> {
    any::<u128>().prop_map(|n| {
        let h = format!("{n:032x}");
        format!(
            "{}-{}-{}-{}-{}",
            &h[..8],
            &h[8..12],
            &h[12..16],
            &h[16..20],
            &h[20..]
        )
    })
}

/// A URL-like string (sometimes any XML-safe string).
fn url() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => (select(vec!["http", "https", "ftp"]), nc_name(), vec(nc_name(), 0..3)).prop_map(
            |(scheme, host, path)| format!("{scheme}://{host}.example/{}", path.join("/"))
        ),
        1 => xml_string(),
    ]
}

/// An element name for generated XML fragments.
fn element_name() -> impl Strategy<Value = String> {
    (
        prop::char::range('A', 'Z'),
        vec(
            prop::char::ranges(vec!['a'..='z', 'A'..='Z', '0'..='9'].into()),
            0..7,
        ),
    )
        .prop_map(|(first, rest)| core::iter::once(first).chain(rest).collect())
}

/// Escaped character data for generated XML fragments (`&`, `<`, `>` escaped).
fn escaped_text() -> impl Strategy<Value = String> {
    vec(
        prop_oneof![
            6 => prop::char::ranges(vec!['a'..='z', 'A'..='Z', '0'..='9'].into()),
            2 => select(vec![' ', '&', '<', '>', '.', '-', 'é', '中']),
        ],
        0..8,
    )
    .prop_map(|chars| {
        let mut out = String::new();
        for c in chars {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                c => out.push(c),
            }
        }
        out
    })
}

/// A small well-formed XML fragment: 0–3 unprefixed elements, each holding escaped text or
/// 1–2 child elements with escaped text (`<Arg>v&amp;1</Arg><Opt><A>x</A></Opt>`).
pub fn xml_fragment() -> impl Strategy<Value = String> {
    fn leaf() -> impl Strategy<Value = String> {
        (element_name(), escaped_text()).prop_map(|(name, text)| format!("<{name}>{text}</{name}>"))
    }
    let element = prop_oneof![
        3 => leaf(),
        1 => (element_name(), vec(leaf(), 1..3))
            .prop_map(|(name, children)| format!("<{name}>{}</{name}>", children.concat())),
    ];
    vec(element, 0..MAX_ITEMS).prop_map(|parts| parts.concat())
}

// ---------------------------------------------------------------- versions, codes, values

/// A [`CwmpVersion`]: mostly 1.0–1.4, sometimes any `major.minor`.
pub fn cwmp_version() -> impl Strategy<Value = CwmpVersion> {
    prop_oneof![
        3 => select(CwmpVersion::ALL.to_vec()),
        1 => (any::<u8>(), any::<u8>()).prop_map(|(major, minor)| CwmpVersion::new(major, minor)),
    ]
}

/// A [`CwmpNamespace`].
pub fn cwmp_namespace() -> impl Strategy<Value = CwmpNamespace> {
    select(CwmpNamespace::ALL.to_vec())
}

/// A [`FaultCode`] for any `u32`, biased towards the named codes.
pub fn fault_code() -> impl Strategy<Value = FaultCode> {
    prop_oneof![
        2 => select(FaultCode::NAMED.to_vec()),
        1 => (8000u32..10000).prop_map(FaultCode::from_code),
        1 => any::<u32>().prop_map(FaultCode::from_code),
    ]
}

/// A [`SoapFaultCode`].
pub fn soap_fault_code() -> impl Strategy<Value = SoapFaultCode> {
    select(vec![
        SoapFaultCode::Client,
        SoapFaultCode::Server,
        SoapFaultCode::MustUnderstand,
        SoapFaultCode::VersionMismatch,
    ])
}

/// A method name for `M <Method>` events: standard, vendor (`X_…`) or any token.
fn event_method() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => select(vec![
            "Reboot",
            "ScheduleInform",
            "Download",
            "Upload",
            "ScheduleDownload",
            "ChangeDUState",
        ])
        .prop_map(str::to_owned),
        1 => vendor_method_name(),
        1 => token(),
    ]
}

/// The part after `X ` of a vendor event: `<OUI> <text>` or any text that parses back.
fn event_vendor() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => (oui(), trimmed_string()).prop_map(|(oui, text)| format!("{oui} {text}")),
        1 => (token(), trimmed_string()).prop_map(|(t, text)| format!("{t} {text}")),
        1 => trimmed_string(),
    ]
    .prop_filter("parses back as a vendor event", |v| {
        EventCode::parse(&format!("X {v}")) == EventCode::Vendor(v.clone())
    })
}

/// Text that parses back as [`EventCode::Other`] (non-empty, no surrounding whitespace).
fn event_other() -> impl Strategy<Value = String> {
    prop_oneof![
        1 => (15u32..1000, token()).prop_map(|(n, t)| format!("{n} {}", t.to_uppercase())),
        1 => select(vec!["M", "X", "BOOT", "1BOOT", "0 BOOTSTRAP 2"]).prop_map(str::to_owned),
        2 => trimmed_string(),
    ]
    .prop_filter("parses back as Other", |s| {
        !s.is_empty()
            && s.trim() == s.as_str()
            && EventCode::parse(s) == EventCode::Other(s.clone())
    })
}

/// An [`EventCode`] `c` with `EventCode::parse(&c.to_string()) == c`.
pub fn event_code() -> impl Strategy<Value = EventCode> {
    prop_oneof![
        4 => select(EventCode::standard().collect::<Vec<_>>()),
        2 => event_method().prop_map(EventCode::Method),
        1 => event_vendor().prop_map(EventCode::Vendor),
        1 => event_other().prop_map(EventCode::Other),
    ]
}

/// The type names [`ValueType::from_name`] knows.
const KNOWN_TYPE_NAMES: [&str; 10] = [
    "string",
    "int",
    "unsignedInt",
    "long",
    "unsignedLong",
    "boolean",
    "dateTime",
    "base64",
    "base64Binary",
    "hexBinary",
];

/// A vendor type name: an NCName that is none of the known type names.
fn other_type_name() -> impl Strategy<Value = String> {
    prop_oneof![
        1 => select(vec!["X_ACME_Blob", "short", "decimal", "anyURI", "String", "Int"])
            .prop_map(str::to_owned),
        2 => nc_name(),
    ]
    .prop_filter("not a known type name", |n| {
        !KNOWN_TYPE_NAMES.contains(&n.as_str())
    })
}

/// A [`ValueType`], including vendor types.
pub fn value_type() -> impl Strategy<Value = ValueType> {
    prop_oneof![
        select(vec![
            ValueType::String,
            ValueType::Int,
            ValueType::UnsignedInt,
            ValueType::Long,
            ValueType::UnsignedLong,
            ValueType::Boolean,
            ValueType::DateTime,
            ValueType::Base64,
            ValueType::HexBinary,
        ]),
        other_type_name().prop_map(ValueType::Other),
    ]
}

/// Any valid [`DateTime`] (years 1–9999, fractions of 0–9 digits, with or without a zone,
/// leap seconds and `24:00:00` included); its display form parses back to the same value.
pub fn date_time() -> impl Strategy<Value = DateTime> {
    let zone = prop_oneof![
        1 => Just(None),
        2 => Just(Some(0i16)),
        1 => (-14i16..=14, 0i16..60)
            .prop_filter("non-zero offset", |(h, m)| (*h, *m) != (0, 0))
            .prop_map(|(h, m)| Some(if h < 0 { h * 60 - m } else { h * 60 + m })),
    ];
    let fraction = (0u8..=9).prop_flat_map(|digits| {
        let scale = 10u32.pow(9 - u32::from(digits));
        (0..10u32.pow(u32::from(digits))).prop_map(move |n| (n * scale, digits))
    });
    let time = prop_oneof![
        20 => (0u8..24, 0u8..60, 0u8..60),
        1 => (0u8..24, 0u8..60, Just(60u8)),
        1 => Just((24u8, 0u8, 0u8)),
    ];
    (1u16..=9999, 1u8..=12, 1u8..=31, time, fraction, zone)
        .prop_map(
            |(year, month, day, (hour, minute, second), (nanosecond, digits), zone)| {
                let day = day.min(days_in_month(year, month));
                let (nanosecond, fraction_digits) = if hour == 24 {
                    (0, digits)
                } else {
                    (nanosecond, digits)
                };
                DateTime {
                    year,
                    month,
                    day,
                    hour,
                    minute,
                    second,
                    nanosecond,
                    fraction_digits,
                    offset_minutes: zone,
                }
            },
        )
        .prop_filter("round-trips through its text", |d| {
            d.to_string().parse::<DateTime>() == Ok(*d)
        })
}

fn days_in_month(year: u16, month: u8) -> u8 {
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Text that is not a dateTime: non-empty, no surrounding whitespace.
fn invalid_date_time_text() -> impl Strategy<Value = String> {
    prop_oneof![
        1 => select(vec![
            "2019-03-05T11:54::14",
            "2019-02-29T00:00:00Z",
            "2019-13-01T00:00:00Z",
            "0000-01-01T00:00:00Z",
            "2019-01-01T00:00:00.Z",
            "2019-01-01 00:00:00",
            "2019-01-01T25:00:00Z",
            "2019-01-01T00:00:00+15:00",
            "unknown",
        ])
        .prop_map(str::to_owned),
        1 => date_time().prop_map(|d| format!("{d}!")),
        2 => trimmed_string(),
    ]
    .prop_filter("not a dateTime, trimmed", |s| {
        !s.is_empty() && s.trim() == s.as_str() && s.parse::<DateTime>().is_err()
    })
}

/// A [`DateTimeField`]: mostly valid, sometimes invalid text kept verbatim.
pub fn date_time_field() -> impl Strategy<Value = DateTimeField> {
    prop_oneof![
        4 => date_time().prop_map(DateTimeField::Valid),
        1 => Just(DateTimeField::UNKNOWN),
        1 => invalid_date_time_text().prop_map(DateTimeField::Invalid),
    ]
}

/// A [`ParameterValue`] whose text is the canonical form of its type (any text for strings
/// and vendor types).
pub fn parameter_value() -> impl Strategy<Value = ParameterValue> {
    prop_oneof![
        4 => xml_string().prop_map(ParameterValue::string),
        1 => any::<i32>().prop_map(ParameterValue::int),
        1 => any::<u32>().prop_map(ParameterValue::unsigned_int),
        1 => any::<i64>().prop_map(ParameterValue::long),
        1 => any::<u64>().prop_map(ParameterValue::unsigned_long),
        1 => any::<bool>().prop_map(ParameterValue::boolean),
        1 => date_time().prop_map(ParameterValue::date_time),
        1 => vec(any::<u8>(), 0..9).prop_map(|b| ParameterValue::base64(&b)),
        1 => vec(any::<u8>(), 0..6).prop_map(|b| ParameterValue::hex_binary(&b)),
        1 => (xml_string(), other_type_name())
            .prop_map(|(text, name)| ParameterValue::new(text, ValueType::Other(name))),
    ]
}

/// A [`ParameterName`]: a realistic path (full, partial, root, alias) or any XML-safe text
/// not wrapped in XML whitespace (a decoder trims that, as cwmp-soap does).
pub fn parameter_name() -> impl Strategy<Value = ParameterName> {
    let segment = prop_oneof![
        3 => element_name(),
        1 => (1u32..100).prop_map(|n| n.to_string()),
        1 => element_name().prop_map(|a| format!("[{a}]")),
    ];
    prop_oneof![
        3 => (
            select(vec!["Device", "InternetGatewayDevice"]),
            vec(segment, 0..MAX_ITEMS),
            any::<bool>(),
        )
            .prop_map(|(root, segments, partial)| {
                let mut s = root.to_owned();
                for seg in segments {
                    s.push('.');
                    s.push_str(&seg);
                }
                if partial {
                    s.push('.');
                }
                ParameterName::from_wire(s)
            }),
        1 => Just(ParameterName::from_wire("")),
        2 => xml_string().prop_map(|s| {
            ParameterName::from_wire(s.trim_matches([' ', '\t', '\r', '\n']).to_owned())
        }),
    ]
}

// ---------------------------------------------------------------- structs

/// Defines a strategy function building a struct from one strategy per field.
macro_rules! struct_strategy {
    ($(#[$doc:meta])* $fn:ident -> $ty:ident {}) => {
        $(#[$doc])*
        pub fn $fn() -> impl Strategy<Value = $ty> {
            Just($ty {})
        }
    };
    ($(#[$doc:meta])* $fn:ident -> $ty:ident { $($field:ident : $strat:expr),+ $(,)? }) => {
        $(#[$doc])*
        pub fn $fn() -> impl Strategy<Value = $ty> {
            ( $($strat,)+ ).prop_map(|( $($field,)+ )| $ty { $($field),+ })
        }
    };
}

/// A `Vec` of 0–3 items.
fn items<S: Strategy>(s: S) -> impl Strategy<Value = Vec<S::Value>> {
    vec(s, 0..MAX_ITEMS)
}

/// A `Vec` of 1–3 items.
fn some_items<S: Strategy>(s: S) -> impl Strategy<Value = Vec<S::Value>> {
    vec(s, 1..MAX_ITEMS)
}

struct_strategy! {
    /// A [`DeviceIdStruct`] (any OUI text, usually 6 hex digits).
    device_id_struct -> DeviceIdStruct {
        manufacturer: xml_string(),
        oui: prop_oneof![3 => oui(), 1 => xml_string()],
        product_class: xml_string(),
        serial_number: xml_string(),
    }
}

struct_strategy! {
    /// An [`EventStruct`].
    event_struct -> EventStruct {
        event_code: event_code(),
        command_key: xml_string(),
    }
}

struct_strategy! {
    /// A [`ParameterValueStruct`].
    parameter_value_struct -> ParameterValueStruct {
        name: parameter_name(),
        value: parameter_value(),
    }
}

struct_strategy! {
    /// A [`ParameterInfoStruct`].
    parameter_info_struct -> ParameterInfoStruct {
        name: parameter_name(),
        writable: any::<bool>(),
    }
}

struct_strategy! {
    /// A [`SetParameterAttributesStruct`] (any notification number).
    set_parameter_attributes_struct -> SetParameterAttributesStruct {
        name: parameter_name(),
        notification_change: any::<bool>(),
        notification: prop_oneof![3 => 0i32..=6, 1 => any::<i32>()],
        access_list_change: any::<bool>(),
        access_list: items(prop_oneof![2 => Just("Subscriber".to_owned()), 1 => xml_string()]),
    }
}

struct_strategy! {
    /// A [`ParameterAttributeStruct`].
    parameter_attribute_struct -> ParameterAttributeStruct {
        name: parameter_name(),
        notification: prop_oneof![3 => 0i32..=6, 1 => any::<i32>()],
        access_list: items(prop_oneof![2 => Just("Subscriber".to_owned()), 1 => xml_string()]),
    }
}

struct_strategy! {
    /// A [`FaultStruct`] (success or any code).
    fault_struct -> FaultStruct {
        fault_code: prop_oneof![1 => Just(FaultCode::Other(0)), 2 => fault_code()],
        fault_string: xml_string(),
    }
}

struct_strategy! {
    /// A [`QueuedTransferStruct`].
    queued_transfer_struct -> QueuedTransferStruct {
        command_key: xml_string(),
        state: prop_oneof![3 => 1i32..=3, 1 => any::<i32>()],
    }
}

struct_strategy! {
    /// An [`AllQueuedTransferStruct`].
    all_queued_transfer_struct -> AllQueuedTransferStruct {
        command_key: xml_string(),
        state: prop_oneof![3 => 1i32..=3, 1 => any::<i32>()],
        is_download: any::<bool>(),
        file_type: file_type(),
        file_size: any::<u32>(),
        target_file_name: xml_string(),
    }
}

struct_strategy! {
    /// A [`TimeWindowStruct`].
    time_window_struct -> TimeWindowStruct {
        window_start: any::<u32>(),
        window_end: any::<u32>(),
        window_mode: prop_oneof![
            3 => select(vec!["1 At Any Time", "2 Immediately", "3 When Idle", "4 Confirmation Needed"])
                .prop_map(str::to_owned),
            1 => xml_string(),
        ],
        user_message: xml_string(),
        max_retries: any::<i32>(),
    }
}

struct_strategy! {
    /// An [`ArgStruct`].
    arg_struct -> ArgStruct {
        name: xml_string(),
        value: xml_string(),
    }
}

struct_strategy! {
    /// An [`OptionStruct`].
    option_struct -> OptionStruct {
        option_name: xml_string(),
        voucher_sn: any::<u32>(),
        state: any::<u32>(),
        mode: any::<i32>(),
        start_date: date_time_field(),
        expiration_date: option::of(date_time_field()),
        is_transferable: any::<i32>(),
    }
}

struct_strategy! {
    /// An [`InstallOpStruct`].
    install_op_struct -> InstallOpStruct {
        url: url(),
        uuid: prop_oneof![uuid(), xml_string()],
        username: xml_string(),
        password: xml_string(),
        execution_env_ref: xml_string(),
    }
}

struct_strategy! {
    /// An [`UpdateOpStruct`].
    update_op_struct -> UpdateOpStruct {
        uuid: prop_oneof![uuid(), xml_string()],
        version: xml_string(),
        url: url(),
        username: xml_string(),
        password: xml_string(),
    }
}

struct_strategy! {
    /// An [`UninstallOpStruct`].
    uninstall_op_struct -> UninstallOpStruct {
        uuid: prop_oneof![uuid(), xml_string()],
        version: xml_string(),
        execution_env_ref: xml_string(),
    }
}

/// A ChangeDUState [`Operation`].
pub fn operation() -> impl Strategy<Value = Operation> {
    prop_oneof![
        install_op_struct().prop_map(Operation::Install),
        update_op_struct().prop_map(Operation::Update),
        uninstall_op_struct().prop_map(Operation::Uninstall),
    ]
}

struct_strategy! {
    /// An [`OpResultStruct`].
    op_result_struct -> OpResultStruct {
        uuid: prop_oneof![uuid(), xml_string()],
        deployment_unit_ref: xml_string(),
        version: xml_string(),
        current_state: prop_oneof![
            3 => select(vec!["Installed", "Uninstalled", "Failed"]).prop_map(str::to_owned),
            1 => xml_string(),
        ],
        resolved: any::<bool>(),
        execution_unit_ref_list: xml_string(),
        start_time: date_time_field(),
        complete_time: date_time_field(),
        fault: fault_struct(),
    }
}

struct_strategy! {
    /// An [`AutonomousOpResultStruct`].
    autonomous_op_result_struct -> AutonomousOpResultStruct {
        result: op_result_struct(),
        operation_performed: prop_oneof![
            3 => select(vec!["Install", "Update", "Uninstall"]).prop_map(str::to_owned),
            1 => xml_string(),
        ],
    }
}

struct_strategy! {
    /// A [`SetParameterValuesFault`] entry.
    set_parameter_values_fault -> SetParameterValuesFault {
        parameter_name: xml_string(),
        fault_code: fault_code(),
        fault_string: xml_string(),
    }
}

struct_strategy! {
    /// A SOAP [`Fault`] with its CWMP detail.
    fault -> Fault {
        soap_fault_code: soap_fault_code(),
        soap_fault_string: prop_oneof![2 => Just("CWMP fault".to_owned()), 1 => xml_string()],
        fault_code: fault_code(),
        fault_string: xml_string(),
        set_parameter_values_faults: items(set_parameter_values_fault()),
    }
}

/// A file type: a standard one, a vendor one or any text.
fn file_type() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => select(vec![
            "1 Firmware Upgrade Image",
            "2 Web Content",
            "3 Vendor Configuration File",
            "2 Vendor Log File",
            "4 Vendor Log File 2",
        ])
        .prop_map(str::to_owned),
        1 => (oui(), nc_name()).prop_map(|(oui, t)| format!("X {oui} {t}")),
        1 => xml_string(),
    ]
}

/// A vendor method name `X_<VENDOR>_<Name>` that does not end in `Response`.
fn vendor_method_name() -> impl Strategy<Value = String> {
    (
        vec(prop::char::range('A', 'Z'), 2..6),
        element_name(),
        vec(
            prop::char::ranges(vec!['a'..='z', 'A'..='Z', '0'..='9', '_'..='_'].into()),
            0..6,
        ),
    )
        .prop_map(|(vendor, name, rest)| {
            format!(
                "X_{}_{name}{}",
                String::from_iter(vendor),
                String::from_iter(rest)
            )
        })
        .prop_filter("not a response name", |n| !n.ends_with("Response"))
}

/// A vendor request: `X_<VENDOR>_<Name>` with a small XML fragment as content.
pub fn unknown_request() -> impl Strategy<Value = UnknownMethod> {
    (vendor_method_name(), xml_fragment()).prop_map(|(name, xml)| UnknownMethod { name, xml })
}

/// A vendor response: `X_<VENDOR>_<Name>Response` with a small XML fragment as content.
pub fn unknown_response() -> impl Strategy<Value = UnknownMethod> {
    (vendor_method_name(), xml_fragment()).prop_map(|(name, xml)| UnknownMethod {
        name: format!("{name}Response"),
        xml,
    })
}

// ---------------------------------------------------------------- CPE methods

struct_strategy! {
    /// [`GetRpcMethods`]
    get_rpc_methods -> GetRpcMethods {}
}
struct_strategy! {
    /// [`GetRpcMethodsResponse`]
    get_rpc_methods_response -> GetRpcMethodsResponse {
        method_list: items(prop_oneof![
            2 => select(Request::METHOD_NAMES.to_vec()).prop_map(str::to_owned),
            1 => xml_string(),
        ]),
    }
}
struct_strategy! {
    /// [`SetParameterValues`]
    set_parameter_values -> SetParameterValues {
        parameter_list: items(parameter_value_struct()),
        parameter_key: xml_string(),
    }
}
struct_strategy! {
    /// [`SetParameterValuesResponse`]
    set_parameter_values_response -> SetParameterValuesResponse {
        status: any::<i32>(),
    }
}
struct_strategy! {
    /// [`GetParameterValues`]
    get_parameter_values -> GetParameterValues {
        parameter_names: items(parameter_name()),
    }
}
struct_strategy! {
    /// [`GetParameterValuesResponse`]
    get_parameter_values_response -> GetParameterValuesResponse {
        parameter_list: items(parameter_value_struct()),
    }
}
struct_strategy! {
    /// [`GetParameterNames`]
    get_parameter_names -> GetParameterNames {
        parameter_path: parameter_name(),
        next_level: any::<bool>(),
    }
}
struct_strategy! {
    /// [`GetParameterNamesResponse`]
    get_parameter_names_response -> GetParameterNamesResponse {
        parameter_list: items(parameter_info_struct()),
    }
}
struct_strategy! {
    /// [`SetParameterAttributes`]
    set_parameter_attributes -> SetParameterAttributes {
        parameter_list: items(set_parameter_attributes_struct()),
    }
}
struct_strategy! {
    /// [`SetParameterAttributesResponse`]
    set_parameter_attributes_response -> SetParameterAttributesResponse {}
}
struct_strategy! {
    /// [`GetParameterAttributes`]
    get_parameter_attributes -> GetParameterAttributes {
        parameter_names: items(parameter_name()),
    }
}
struct_strategy! {
    /// [`GetParameterAttributesResponse`]
    get_parameter_attributes_response -> GetParameterAttributesResponse {
        parameter_list: items(parameter_attribute_struct()),
    }
}
struct_strategy! {
    /// [`AddObject`]
    add_object -> AddObject {
        object_name: parameter_name(),
        parameter_key: xml_string(),
    }
}
struct_strategy! {
    /// [`AddObjectResponse`]
    add_object_response -> AddObjectResponse {
        instance_number: any::<u32>(),
        status: any::<i32>(),
    }
}
struct_strategy! {
    /// [`DeleteObject`]
    delete_object -> DeleteObject {
        object_name: parameter_name(),
        parameter_key: xml_string(),
    }
}
struct_strategy! {
    /// [`DeleteObjectResponse`]
    delete_object_response -> DeleteObjectResponse {
        status: any::<i32>(),
    }
}
struct_strategy! {
    /// [`Reboot`]
    reboot -> Reboot {
        command_key: xml_string(),
    }
}
struct_strategy! {
    /// [`RebootResponse`]
    reboot_response -> RebootResponse {}
}
struct_strategy! {
    /// [`Download`]
    download -> Download {
        command_key: xml_string(),
        file_type: file_type(),
        url: url(),
        username: xml_string(),
        password: xml_string(),
        file_size: any::<u32>(),
        target_file_name: xml_string(),
        delay_seconds: any::<u32>(),
        success_url: url(),
        failure_url: url(),
    }
}
struct_strategy! {
    /// [`DownloadResponse`]
    download_response -> DownloadResponse {
        status: any::<i32>(),
        start_time: date_time_field(),
        complete_time: date_time_field(),
    }
}
struct_strategy! {
    /// [`Upload`]
    upload -> Upload {
        command_key: xml_string(),
        file_type: file_type(),
        url: url(),
        username: xml_string(),
        password: xml_string(),
        delay_seconds: any::<u32>(),
    }
}
struct_strategy! {
    /// [`UploadResponse`]
    upload_response -> UploadResponse {
        status: any::<i32>(),
        start_time: date_time_field(),
        complete_time: date_time_field(),
    }
}
struct_strategy! {
    /// [`FactoryReset`]
    factory_reset -> FactoryReset {}
}
struct_strategy! {
    /// [`FactoryResetResponse`]
    factory_reset_response -> FactoryResetResponse {}
}
struct_strategy! {
    /// [`GetQueuedTransfers`]
    get_queued_transfers -> GetQueuedTransfers {}
}
struct_strategy! {
    /// [`GetQueuedTransfersResponse`]
    get_queued_transfers_response -> GetQueuedTransfersResponse {
        transfer_list: items(queued_transfer_struct()),
    }
}
struct_strategy! {
    /// [`GetAllQueuedTransfers`]
    get_all_queued_transfers -> GetAllQueuedTransfers {}
}
struct_strategy! {
    /// [`GetAllQueuedTransfersResponse`]
    get_all_queued_transfers_response -> GetAllQueuedTransfersResponse {
        transfer_list: items(all_queued_transfer_struct()),
    }
}
struct_strategy! {
    /// [`ScheduleInform`]
    schedule_inform -> ScheduleInform {
        delay_seconds: any::<u32>(),
        command_key: xml_string(),
    }
}
struct_strategy! {
    /// [`ScheduleInformResponse`]
    schedule_inform_response -> ScheduleInformResponse {}
}
struct_strategy! {
    /// [`SetVouchers`] (vouchers as base64 text)
    set_vouchers -> SetVouchers {
        voucher_list: items(
            vec(any::<u8>(), 0..12).prop_map(|b| ParameterValue::base64(&b).text)
        ),
    }
}
struct_strategy! {
    /// [`SetVouchersResponse`]
    set_vouchers_response -> SetVouchersResponse {}
}
struct_strategy! {
    /// [`GetOptions`]
    get_options -> GetOptions {
        option_name: xml_string(),
    }
}
struct_strategy! {
    /// [`GetOptionsResponse`]
    get_options_response -> GetOptionsResponse {
        option_list: items(option_struct()),
    }
}
struct_strategy! {
    /// [`ScheduleDownload`] (0–3 time windows, so out-of-spec counts are covered too)
    schedule_download -> ScheduleDownload {
        command_key: xml_string(),
        file_type: file_type(),
        url: url(),
        username: xml_string(),
        password: xml_string(),
        file_size: any::<u32>(),
        target_file_name: xml_string(),
        time_window_list: items(time_window_struct()),
    }
}
struct_strategy! {
    /// [`ScheduleDownloadResponse`]
    schedule_download_response -> ScheduleDownloadResponse {}
}
struct_strategy! {
    /// [`CancelTransfer`]
    cancel_transfer -> CancelTransfer {
        command_key: xml_string(),
    }
}
struct_strategy! {
    /// [`CancelTransferResponse`]
    cancel_transfer_response -> CancelTransferResponse {}
}
struct_strategy! {
    /// [`ChangeDuState`]
    change_du_state -> ChangeDuState {
        operations: some_items(operation()),
        command_key: xml_string(),
    }
}
struct_strategy! {
    /// [`ChangeDuStateResponse`]
    change_du_state_response -> ChangeDuStateResponse {}
}

// ---------------------------------------------------------------- ACS methods

struct_strategy! {
    /// [`Inform`]
    inform -> Inform {
        device_id: device_id_struct(),
        event: items(event_struct()),
        max_envelopes: prop_oneof![3 => Just(1u32), 1 => any::<u32>()],
        current_time: date_time_field(),
        retry_count: any::<u32>(),
        parameter_list: items(parameter_value_struct()),
    }
}
struct_strategy! {
    /// [`InformResponse`]
    inform_response -> InformResponse {
        max_envelopes: prop_oneof![3 => Just(1u32), 1 => any::<u32>()],
    }
}
struct_strategy! {
    /// [`TransferComplete`]
    transfer_complete -> TransferComplete {
        command_key: xml_string(),
        fault_struct: fault_struct(),
        start_time: date_time_field(),
        complete_time: date_time_field(),
    }
}
struct_strategy! {
    /// [`TransferCompleteResponse`]
    transfer_complete_response -> TransferCompleteResponse {}
}
struct_strategy! {
    /// [`AutonomousTransferComplete`]
    autonomous_transfer_complete -> AutonomousTransferComplete {
        announce_url: url(),
        transfer_url: url(),
        is_download: any::<bool>(),
        file_type: file_type(),
        file_size: any::<u32>(),
        target_file_name: xml_string(),
        fault_struct: fault_struct(),
        start_time: date_time_field(),
        complete_time: date_time_field(),
    }
}
struct_strategy! {
    /// [`AutonomousTransferCompleteResponse`]
    autonomous_transfer_complete_response -> AutonomousTransferCompleteResponse {}
}
struct_strategy! {
    /// [`DuStateChangeComplete`]
    du_state_change_complete -> DuStateChangeComplete {
        results: items(op_result_struct()),
        command_key: xml_string(),
    }
}
struct_strategy! {
    /// [`DuStateChangeCompleteResponse`]
    du_state_change_complete_response -> DuStateChangeCompleteResponse {}
}
struct_strategy! {
    /// [`AutonomousDuStateChangeComplete`]
    autonomous_du_state_change_complete -> AutonomousDuStateChangeComplete {
        results: items(autonomous_op_result_struct()),
    }
}
struct_strategy! {
    /// [`AutonomousDuStateChangeCompleteResponse`]
    autonomous_du_state_change_complete_response -> AutonomousDuStateChangeCompleteResponse {}
}
struct_strategy! {
    /// [`RequestDownload`]
    request_download -> RequestDownload {
        file_type: file_type(),
        file_type_arg: items(arg_struct()),
    }
}
struct_strategy! {
    /// [`RequestDownloadResponse`]
    request_download_response -> RequestDownloadResponse {}
}
struct_strategy! {
    /// [`Kicked`]
    kicked -> Kicked {
        command: xml_string(),
        referer: xml_string(),
        arg: xml_string(),
        next: url(),
    }
}
struct_strategy! {
    /// [`KickedResponse`]
    kicked_response -> KickedResponse {
        next_url: url(),
    }
}

// ---------------------------------------------------------------- enums, header, envelope

/// Any [`Request`]: every modelled method (each equally likely) and vendor methods.
pub fn request() -> impl Strategy<Value = Request> {
    prop_oneof![
        get_rpc_methods().prop_map(Request::GetRpcMethods),
        set_parameter_values().prop_map(Request::SetParameterValues),
        get_parameter_values().prop_map(Request::GetParameterValues),
        get_parameter_names().prop_map(Request::GetParameterNames),
        set_parameter_attributes().prop_map(Request::SetParameterAttributes),
        get_parameter_attributes().prop_map(Request::GetParameterAttributes),
        add_object().prop_map(Request::AddObject),
        delete_object().prop_map(Request::DeleteObject),
        reboot().prop_map(Request::Reboot),
        download().prop_map(Request::Download),
        upload().prop_map(Request::Upload),
        factory_reset().prop_map(Request::FactoryReset),
        get_queued_transfers().prop_map(Request::GetQueuedTransfers),
        get_all_queued_transfers().prop_map(Request::GetAllQueuedTransfers),
        schedule_inform().prop_map(Request::ScheduleInform),
        set_vouchers().prop_map(Request::SetVouchers),
        get_options().prop_map(Request::GetOptions),
        schedule_download().prop_map(Request::ScheduleDownload),
        cancel_transfer().prop_map(Request::CancelTransfer),
        change_du_state().prop_map(Request::ChangeDuState),
        inform().prop_map(Request::Inform),
        transfer_complete().prop_map(Request::TransferComplete),
        autonomous_transfer_complete().prop_map(Request::AutonomousTransferComplete),
        du_state_change_complete().prop_map(Request::DuStateChangeComplete),
        autonomous_du_state_change_complete().prop_map(Request::AutonomousDuStateChangeComplete),
        request_download().prop_map(Request::RequestDownload),
        kicked().prop_map(Request::Kicked),
        unknown_request().prop_map(Request::Unknown),
    ]
}

/// Any [`Response`]: every modelled method (each equally likely) and vendor methods.
pub fn response() -> impl Strategy<Value = Response> {
    prop_oneof![
        get_rpc_methods_response().prop_map(Response::GetRpcMethods),
        set_parameter_values_response().prop_map(Response::SetParameterValues),
        get_parameter_values_response().prop_map(Response::GetParameterValues),
        get_parameter_names_response().prop_map(Response::GetParameterNames),
        set_parameter_attributes_response().prop_map(Response::SetParameterAttributes),
        get_parameter_attributes_response().prop_map(Response::GetParameterAttributes),
        add_object_response().prop_map(Response::AddObject),
        delete_object_response().prop_map(Response::DeleteObject),
        reboot_response().prop_map(Response::Reboot),
        download_response().prop_map(Response::Download),
        upload_response().prop_map(Response::Upload),
        factory_reset_response().prop_map(Response::FactoryReset),
        get_queued_transfers_response().prop_map(Response::GetQueuedTransfers),
        get_all_queued_transfers_response().prop_map(Response::GetAllQueuedTransfers),
        schedule_inform_response().prop_map(Response::ScheduleInform),
        set_vouchers_response().prop_map(Response::SetVouchers),
        get_options_response().prop_map(Response::GetOptions),
        schedule_download_response().prop_map(Response::ScheduleDownload),
        cancel_transfer_response().prop_map(Response::CancelTransfer),
        change_du_state_response().prop_map(Response::ChangeDuState),
        inform_response().prop_map(Response::Inform),
        transfer_complete_response().prop_map(Response::TransferComplete),
        autonomous_transfer_complete_response().prop_map(Response::AutonomousTransferComplete),
        du_state_change_complete_response().prop_map(Response::DuStateChangeComplete),
        autonomous_du_state_change_complete_response()
            .prop_map(Response::AutonomousDuStateChangeComplete),
        request_download_response().prop_map(Response::RequestDownload),
        kicked_response().prop_map(Response::Kicked),
        unknown_response().prop_map(Response::Unknown),
    ]
}

/// A [`Header`]: `id_must_understand` true, `no_more_requests` `None` (never written),
/// `supported_cwmp_versions` a non-empty list or `None`.
pub fn header() -> impl Strategy<Value = Header> {
    (
        option::of(xml_string()),
        option::of(any::<bool>()),
        option::of(any::<u32>()),
        option::of(some_items(cwmp_version())),
        option::of(cwmp_version()),
    )
        .prop_map(
            |(id, hold_requests, session_timeout, supported_cwmp_versions, use_cwmp_version)| {
                Header {
                    id,
                    id_must_understand: true,
                    hold_requests,
                    no_more_requests: None,
                    session_timeout,
                    supported_cwmp_versions,
                    use_cwmp_version,
                }
            },
        )
}

/// A [`Body`]: a request, a response or a fault.
pub fn body() -> impl Strategy<Value = Body> {
    prop_oneof![
        3 => request().prop_map(Body::Request),
        3 => response().prop_map(Body::Response),
        1 => fault().prop_map(Body::Fault),
    ]
}

/// A whole [`Envelope`] in any `cwmp-1-x` namespace.
pub fn envelope() -> impl Strategy<Value = Envelope> {
    (cwmp_namespace(), header(), body()).prop_map(|(namespace, header, body)| Envelope {
        namespace,
        header,
        body,
    })
}
