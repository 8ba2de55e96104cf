//! The strategies keep the promises the SOAP round trip relies on.
#![cfg(feature = "proptest")]

use cwmp_types::strategy;
use cwmp_types::*;
use proptest::prelude::*;

/// Checks that `xml` is a sequence of balanced, unprefixed elements whose text has no raw `<`
/// or `>` and only `&amp;`, `&lt;`, `&gt;` references.
fn well_formed_fragment(xml: &str) -> Result<(), String> {
    let mut stack: Vec<&str> = Vec::new();
    let mut rest = xml;
    while !rest.is_empty() {
        if let Some(tag) = rest.strip_prefix('<') {
            let end = tag.find('>').ok_or("unclosed tag")?;
            let name = &tag[..end];
            if let Some(closing) = name.strip_prefix('/') {
                if stack.pop() != Some(closing) {
                    return Err(format!("mismatched </{closing}>"));
                }
            } else {
                if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric()) {
                    return Err(format!("bad element name {name:?}"));
                }
                stack.push(name);
            }
            rest = &tag[end + 1..];
        } else {
            if stack.is_empty() {
                return Err("text outside elements".into());
            }
            let end = rest.find('<').unwrap_or(rest.len());
            let text = &rest[..end];
            if text.contains('>') {
                return Err("raw > in text".into());
            }
            let mut t = text;
            while let Some(i) = t.find('&') {
                let r = &t[i..];
                let ok = ["&amp;", "&lt;", "&gt;"].iter().any(|e| r.starts_with(e));
                if !ok {
                    return Err("bad reference".into());
                }
                t = &r[1..];
            }
            rest = &rest[end..];
        }
    }
    if stack.is_empty() {
        Ok(())
    } else {
        Err("unclosed element".into())
    }
}

#[test]
fn fragment_checker_rejects_bad_xml() {
    assert!(well_formed_fragment("<A>v&amp;1</A><B><C>x</C></B>").is_ok());
    assert!(well_formed_fragment("").is_ok());
    for bad in [
        "<A>",
        "<A></B>",
        "x",
        "<A>&</A>",
        "<A>a>b</A>",
        "<a:b>x</a:b>",
    ] {
        assert!(well_formed_fragment(bad).is_err(), "{bad}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn event_codes_round_trip_through_wire_text(code in strategy::event_code()) {
        let text = code.to_string();
        prop_assert_eq!(&EventCode::parse(&text), &code);
        prop_assert_eq!(text.trim(), text.as_str());
        prop_assert!(!text.is_empty());
    }

    #[test]
    fn fault_codes_round_trip_through_wire_text(code in strategy::fault_code()) {
        let text = code.code().to_string();
        prop_assert_eq!(FaultCode::from_code(text.parse().unwrap()), code);
    }

    #[test]
    fn date_times_round_trip(d in strategy::date_time()) {
        prop_assert_eq!(d.to_string().parse::<DateTime>(), Ok(d));
        prop_assert!(d.fraction_digits <= 9);
    }

    #[test]
    fn date_time_fields_round_trip(f in strategy::date_time_field()) {
        let text = f.to_string();
        prop_assert_eq!(text.trim(), text.as_str());
        prop_assert_eq!(&DateTimeField::parse(&text), &f);
        if let DateTimeField::Invalid(s) = &f {
            prop_assert!(!s.is_empty());
            prop_assert!(s.parse::<DateTime>().is_err());
        }
    }

    #[test]
    fn value_types_round_trip_by_name(t in strategy::value_type()) {
        prop_assert_eq!(&ValueType::from_name(t.name()), &t);
        if let ValueType::Other(name) = &t {
            let first = name.chars().next().unwrap();
            prop_assert!(first.is_ascii_alphabetic() || first == '_');
            prop_assert!(!name.contains(':'));
        }
    }

    #[test]
    fn parameter_values_are_valid_for_their_type(v in strategy::parameter_value()) {
        prop_assert_eq!(v.check(), Ok(()));
        match v.value_type {
            ValueType::String | ValueType::Other(_) => {}
            // Typed values are canonical: no surrounding whitespace, booleans as 1/0.
            ValueType::Boolean => prop_assert!(v.text == "1" || v.text == "0"),
            _ => prop_assert_eq!(v.trimmed(), v.text.as_str()),
        }
    }

    #[test]
    fn strings_are_xml_safe_and_short(s in strategy::xml_string()) {
        prop_assert!(s.chars().count() < 12);
        prop_assert!(s.chars().all(strategy::is_xml_safe));
        prop_assert!(!s.contains('\r'));
    }

    #[test]
    fn unknown_methods_are_vendor_names_with_fragments(
        req in strategy::unknown_request(),
        resp in strategy::unknown_response(),
    ) {
        prop_assert!(req.name.starts_with("X_"));
        prop_assert!(!req.name.ends_with("Response"));
        prop_assert!(resp.name.starts_with("X_"));
        prop_assert!(resp.name.ends_with("Response"));
        for m in [&req, &resp] {
            prop_assert!(!Request::METHOD_NAMES.contains(&m.name.as_str()));
            prop_assert!(m.name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
            prop_assert_eq!(well_formed_fragment(&m.xml), Ok(()));
        }
    }

    #[test]
    fn headers_follow_the_encoder_rules(h in strategy::header()) {
        prop_assert!(h.id_must_understand);
        prop_assert_eq!(h.no_more_requests, None);
        if let Some(list) = &h.supported_cwmp_versions {
            prop_assert!(!list.is_empty());
            prop_assert_eq!(&CwmpVersion::parse_list(&CwmpVersion::format_list(list)), list);
        }
    }

    #[test]
    fn envelopes_are_consistent(e in strategy::envelope()) {
        match &e.body {
            Body::Request(r) => {
                let name = r.method_name();
                prop_assert!(!name.ends_with("Response"));
            }
            Body::Response(r) => prop_assert!(r.method_name().ends_with("Response")),
            Body::Fault(f) => prop_assert!(f.set_parameter_values_faults.len() < 4),
            other => prop_assert!(false, "unexpected body {:?}", other),
        }
        prop_assert!(CwmpNamespace::from_uri(e.namespace.uri().as_bytes()).is_some());
    }
}

/// Every request and response variant is produced (so no method is left out of the
/// round-trip tests).
#[test]
fn every_method_is_generated() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    use std::collections::BTreeSet;

    let mut runner = TestRunner::deterministic();
    let (mut requests, mut responses) = (BTreeSet::new(), BTreeSet::new());
    let (req, resp) = (strategy::request(), strategy::response());
    for _ in 0..2000 {
        let r = req.new_tree(&mut runner).unwrap().current();
        requests.insert(match &r {
            Request::Unknown(_) => "unknown".to_owned(),
            r => r.method_name().to_owned(),
        });
        let r = resp.new_tree(&mut runner).unwrap().current();
        responses.insert(match &r {
            Response::Unknown(_) => "unknown".to_owned(),
            r => r.request_name().to_owned(),
        });
    }
    let mut expected: BTreeSet<String> = Request::METHOD_NAMES
        .iter()
        .map(|s| s.to_string())
        .collect();
    expected.insert("unknown".into());
    assert_eq!(requests, expected);
    assert_eq!(responses, expected);
}
