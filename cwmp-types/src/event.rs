//! Inform event codes and the `EventStruct`.

use core::fmt;

/// An Inform `EventCode`: every standard code, method events `M <Method>` (including vendor
/// `M X_…`), vendor events `X <OUI> <text>`, and anything else a device sends, kept as text.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum EventCode {
    /// `0 BOOTSTRAP`
    Bootstrap,
    /// `1 BOOT`
    Boot,
    /// `2 PERIODIC`
    Periodic,
    /// `3 SCHEDULED`
    Scheduled,
    /// `4 VALUE CHANGE`
    ValueChange,
    /// `5 KICKED`
    Kicked,
    /// `6 CONNECTION REQUEST`
    ConnectionRequest,
    /// `7 TRANSFER COMPLETE`
    TransferComplete,
    /// `8 DIAGNOSTICS COMPLETE`
    DiagnosticsComplete,
    /// `9 REQUEST DOWNLOAD`
    RequestDownload,
    /// `10 AUTONOMOUS TRANSFER COMPLETE`
    AutonomousTransferComplete,
    /// `11 DU STATE CHANGE COMPLETE`
    DuStateChangeComplete,
    /// `12 AUTONOMOUS DU STATE CHANGE COMPLETE`
    AutonomousDuStateChangeComplete,
    /// `13 WAKEUP`
    Wakeup,
    /// `14 HEARTBEAT`
    Heartbeat,
    /// `M <Method>`: the method name (`Reboot`, `Download`, `X_ACME_Foo`, …).
    Method(String),
    /// `X <OUI> <text>` or `X <token> <text>`: everything after `X `.
    Vendor(String),
    /// A code that matches no pattern, kept verbatim.
    Other(String),
}

const STANDARD: [(EventCode, &str); 15] = [
    (EventCode::Bootstrap, "0 BOOTSTRAP"),
    (EventCode::Boot, "1 BOOT"),
    (EventCode::Periodic, "2 PERIODIC"),
    (EventCode::Scheduled, "3 SCHEDULED"),
    (EventCode::ValueChange, "4 VALUE CHANGE"),
    (EventCode::Kicked, "5 KICKED"),
    (EventCode::ConnectionRequest, "6 CONNECTION REQUEST"),
    (EventCode::TransferComplete, "7 TRANSFER COMPLETE"),
    (EventCode::DiagnosticsComplete, "8 DIAGNOSTICS COMPLETE"),
    (EventCode::RequestDownload, "9 REQUEST DOWNLOAD"),
    (
        EventCode::AutonomousTransferComplete,
        "10 AUTONOMOUS TRANSFER COMPLETE",
    ),
    (
        EventCode::DuStateChangeComplete,
        "11 DU STATE CHANGE COMPLETE",
    ),
    (
        EventCode::AutonomousDuStateChangeComplete,
        "12 AUTONOMOUS DU STATE CHANGE COMPLETE",
    ),
    (EventCode::Wakeup, "13 WAKEUP"),
    (EventCode::Heartbeat, "14 HEARTBEAT"),
];

impl EventCode {
    /// Every standard numbered code, in numeric order.
    pub fn standard() -> impl Iterator<Item = Self> {
        STANDARD.into_iter().map(|(c, _)| c)
    }

    /// `M Reboot`
    pub fn m_reboot() -> Self {
        Self::Method("Reboot".into())
    }
    /// `M ScheduleInform`
    pub fn m_schedule_inform() -> Self {
        Self::Method("ScheduleInform".into())
    }
    /// `M Download`
    pub fn m_download() -> Self {
        Self::Method("Download".into())
    }
    /// `M Upload`
    pub fn m_upload() -> Self {
        Self::Method("Upload".into())
    }
    /// `M ScheduleDownload`
    pub fn m_schedule_download() -> Self {
        Self::Method("ScheduleDownload".into())
    }
    /// `M ChangeDUState`
    pub fn m_change_du_state() -> Self {
        Self::Method("ChangeDUState".into())
    }

    /// Parses wire text; never fails. Surrounding whitespace is ignored and inner runs of
    /// spaces in standard codes are tolerated (`1  BOOT`).
    pub fn parse(text: &str) -> Self {
        let t = text.trim();
        if let Some(rest) = t.strip_prefix("M ") {
            let m = rest.trim();
            if !m.is_empty() && !m.contains(char::is_whitespace) {
                return Self::Method(m.to_owned());
            }
        }
        if let Some(rest) = t.strip_prefix("X ") {
            if !rest.trim().is_empty() {
                return Self::Vendor(rest.to_owned());
            }
        }
        let normalised: String = t.split_whitespace().collect::<Vec<_>>().join(" ");
        for (code, s) in STANDARD {
            if s.eq_ignore_ascii_case(&normalised) {
                return code;
            }
        }
        Self::Other(text.to_owned())
    }

    /// The wire text.
    pub fn as_str(&self) -> std::borrow::Cow<'_, str> {
        match self {
            Self::Method(m) => format!("M {m}").into(),
            Self::Vendor(v) => format!("X {v}").into(),
            Self::Other(o) => o.as_str().into(),
            standard => STANDARD
                .iter()
                .find(|(c, _)| c == standard)
                .map_or("", |(_, s)| s)
                .into(),
        }
    }

    /// Whether several instances may appear in one Inform ("Multiple", cumulative): the
    /// `M …` method events. Standard numbered codes are "Single". Vendor `X` events are
    /// treated as single (the spec leaves them vendor-defined).
    pub fn is_multiple(&self) -> bool {
        matches!(self, Self::Method(_))
    }

    /// Whether at most one instance is reported per Inform.
    pub fn is_single(&self) -> bool {
        !self.is_multiple()
    }

    /// The numeric part of a standard code.
    pub fn number(&self) -> Option<u8> {
        STANDARD
            .iter()
            .position(|(c, _)| c == self)
            .map(|i| i as u8)
    }
}

impl fmt::Display for EventCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_str())
    }
}

impl From<&str> for EventCode {
    fn from(s: &str) -> Self {
        Self::parse(s)
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for EventCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.as_str())
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for EventCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <String as serde::Deserialize>::deserialize(d)?;
        Ok(Self::parse(&s))
    }
}

/// One event of an Inform: the code and the CommandKey of the RPC it reports (empty if none).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "PascalCase"))]
#[non_exhaustive]
pub struct EventStruct {
    /// `EventCode`
    pub event_code: EventCode,
    /// `CommandKey` (empty when the event has none; absent on the wire decodes as empty).
    pub command_key: String,
}

impl EventStruct {
    /// An event with an empty CommandKey.
    pub fn new(event_code: EventCode) -> Self {
        Self {
            event_code,
            command_key: String::new(),
        }
    }

    /// An event with a CommandKey (for `M …` events).
    pub fn with_command_key(event_code: EventCode, command_key: impl Into<String>) -> Self {
        Self {
            event_code,
            command_key: command_key.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_standard_code_round_trips() {
        let mut n = 0;
        for code in EventCode::standard() {
            let text = code.to_string();
            assert_eq!(EventCode::parse(&text), code);
            assert_eq!(code.number(), Some(n));
            assert!(code.is_single());
            n += 1;
        }
        assert_eq!(n, 15);
    }

    #[test]
    fn method_vendor_and_other() {
        assert_eq!(EventCode::parse("M Reboot"), EventCode::m_reboot());
        assert_eq!(EventCode::parse("M X_ACME_Foo").to_string(), "M X_ACME_Foo");
        assert!(EventCode::parse("M Download").is_multiple());
        assert_eq!(
            EventCode::parse("X 00D09E Thing happened"),
            EventCode::Vendor("00D09E Thing happened".into())
        );
        assert_eq!(
            EventCode::parse("X 00D09E Thing").to_string(),
            "X 00D09E Thing"
        );
        assert_eq!(
            EventCode::parse("15 FUTURE"),
            EventCode::Other("15 FUTURE".into())
        );
        assert_eq!(EventCode::parse("  1  boot "), EventCode::Boot);
        assert_eq!(EventCode::parse(""), EventCode::Other(String::new()));
    }

    #[test]
    fn every_code_kind_round_trips_through_wire_text() {
        let codes = EventCode::standard().chain([
            EventCode::m_reboot(),
            EventCode::m_schedule_inform(),
            EventCode::m_download(),
            EventCode::m_upload(),
            EventCode::m_schedule_download(),
            EventCode::m_change_du_state(),
            EventCode::Method("X_ACME_Frobnicate".into()),
            EventCode::Vendor("00D09E Thing happened".into()),
            EventCode::Vendor("ACME something".into()),
            EventCode::Other("15 FUTURE EVENT".into()),
            EventCode::Other("BOOT".into()),
        ]);
        for code in codes {
            let text = code.to_string();
            assert_eq!(EventCode::parse(&text), code, "{text}");
            assert_eq!(EventCode::from(text.as_str()), code);
        }
        assert_eq!(
            EventCode::m_change_du_state().to_string(),
            "M ChangeDUState"
        );
        assert_eq!(EventCode::Heartbeat.as_str(), "14 HEARTBEAT");
        assert_eq!(EventCode::m_reboot().number(), None);
    }

    #[test]
    fn single_and_multiple() {
        for code in EventCode::standard() {
            assert!(code.is_single() && !code.is_multiple(), "{code}");
        }
        assert!(EventCode::Method("X_ACME_Foo".into()).is_multiple());
        assert!(EventCode::Vendor("00D09E x".into()).is_single());
    }

    #[test]
    fn lenient_parsing() {
        // Case, whitespace runs, surrounding whitespace (pretty-printed bodies).
        assert_eq!(
            EventCode::parse("\n  4 value   change\t"),
            EventCode::ValueChange
        );
        assert_eq!(
            EventCode::parse("M  X_ACME_Foo "),
            EventCode::Method("X_ACME_Foo".into())
        );
        // `M` with a method name containing spaces is not a method event.
        assert_eq!(
            EventCode::parse("M two words"),
            EventCode::Other("M two words".into())
        );
        assert_eq!(EventCode::parse("M "), EventCode::Other("M ".into()));
        assert_eq!(EventCode::parse("X "), EventCode::Other("X ".into()));
        // Lower-case `m`/`x` prefixes are not the spec's patterns.
        assert_eq!(
            EventCode::parse("m Reboot"),
            EventCode::Other("m Reboot".into())
        );
    }

    proptest::proptest! {
        /// Any text parses without panicking, and what it parses to survives its own wire text.
        #[test]
        fn parse_is_stable_through_display(text in "\\PC{0,30}|[0-9]{1,2} [A-Za-z ]{0,20}|[MX] .{0,12}") {
            let code = EventCode::parse(&text);
            proptest::prop_assert_eq!(EventCode::parse(&code.to_string()), code);
        }
    }
}
