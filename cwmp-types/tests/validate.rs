//! Every send-time rule: a value at the limit passes, one past it fails naming the field.

use cwmp_types::*;

fn t(s: &str) -> DateTimeField {
    DateTimeField::Valid(s.parse().unwrap())
}

fn with<T>(mut v: T, f: impl FnOnce(&mut T)) -> T {
    f(&mut v);
    v
}

fn fail<T: Validate + std::fmt::Debug>(v: &T) -> ValidationError {
    v.validate()
        .expect_err(&format!("expected a validation error for {v:?}"))
}

/// A length rule: `build(text)` is valid when `text` has `max` characters (multi-byte
/// characters count once) and fails with `TooLong { max }` on `field` with `max + 1`.
fn len_rule<T: Validate + std::fmt::Debug>(
    field: &str,
    max: usize,
    fill: char,
    build: impl Fn(String) -> T,
) {
    let at = build(std::iter::repeat_n(fill, max).collect());
    assert_eq!(at.validate(), Ok(()), "{field} at {max}: {at:?}");
    let over = build(std::iter::repeat_n(fill, max + 1).collect());
    let err = fail(&over);
    assert_eq!(err.field, field, "{over:?}");
    assert_eq!(err.kind, ValidationErrorKind::TooLong { max }, "{field}");
}

/// A rule error: `v` fails naming `field` with an `Invalid` reason.
fn invalid<T: Validate + std::fmt::Debug>(field: &str, v: T) {
    let err = fail(&v);
    assert_eq!(err.field, field, "{v:?}");
    assert!(
        matches!(err.kind, ValidationErrorKind::Invalid(_)),
        "{field}: {err}"
    );
}

fn range<T: Validate + std::fmt::Debug>(field: &str, min: i64, max: i64, v: T) {
    let err = fail(&v);
    assert_eq!(err.field, field, "{v:?}");
    assert_eq!(err.kind, ValidationErrorKind::OutOfRange { min, max });
}

// ---------------------------------------------------------------- valid bases

fn device_id() -> DeviceIdStruct {
    DeviceIdStruct::new("Acme", "00D09E", "Router", "SN1")
}

fn download() -> Download {
    Download::new(
        "key",
        "1 Firmware Upgrade Image",
        "http://acs.example/fw.bin",
    )
}

fn upload() -> Upload {
    Upload::new(
        "key",
        "1 Vendor Configuration File",
        "http://acs.example/up",
    )
}

fn window(start: u32, end: u32) -> TimeWindowStruct {
    TimeWindowStruct::new(start, end, "1 At Any Time")
}

fn schedule_download(windows: Vec<TimeWindowStruct>) -> ScheduleDownload {
    ScheduleDownload::new(
        "key",
        "1 Firmware Upgrade Image",
        "http://acs.example/fw.bin",
        windows,
    )
}

const UUID: &str = "6ba7b810-9dad-11d1-80b4-00c04fd430c8";

fn op_result() -> OpResultStruct {
    with(OpResultStruct::default(), |x| {
        x.uuid = UUID.into();
        x.current_state = "Installed".into();
    })
}

fn inform(events: Vec<EventStruct>) -> Inform {
    Inform::new(device_id(), events)
}

#[test]
fn the_valid_bases_are_valid() {
    let all: Vec<Box<dyn Validate>> = vec![
        Box::new(device_id()),
        Box::new(download()),
        Box::new(upload()),
        Box::new(schedule_download(vec![window(0, 10), window(10, 20)])),
        Box::new(op_result()),
        Box::new(inform(vec![EventStruct::new(EventCode::Bootstrap)])),
        Box::new(InformResponse::new()),
        Box::new(InformResponse::default()),
        Box::new(Fault::new(FaultCode::MethodNotSupported)),
        Box::new(Fault::new(FaultCode::AcsRetryRequest)),
        Box::new(Envelope::with_id("1", Reboot::new("k"))),
        Box::new(TransferComplete::success(
            "k",
            DateTime::UNKNOWN,
            DateTime::UNKNOWN,
        )),
        Box::new(DownloadResponse::pending()),
        Box::new(GetParameterValues::new(["Device."])),
        Box::new(AddObject::new("Device.IP.Interface.", "")),
    ];
    for v in all {
        assert_eq!(v.validate(), Ok(()));
    }
}

// ---------------------------------------------------------------- string lengths

#[test]
fn command_keys_are_32_characters() {
    len_rule("CommandKey", 32, 'é', Reboot::new);
    len_rule("CommandKey", 32, 'k', |k| {
        with(download(), |x| x.command_key = k)
    });
    len_rule("CommandKey", 32, 'k', |k| {
        with(upload(), |x| x.command_key = k)
    });
    len_rule("CommandKey", 32, 'k', |k| ScheduleInform::new(1, k));
    len_rule("CommandKey", 32, 'k', CancelTransfer::new);
    len_rule("CommandKey", 32, 'k', |k| {
        ChangeDuState::new(vec![Operation::Uninstall(UninstallOpStruct::new(UUID))], k)
    });
    len_rule("CommandKey", 32, 'k', |k| {
        TransferComplete::success(k, DateTime::UNKNOWN, DateTime::UNKNOWN)
    });
    len_rule("CommandKey", 32, 'k', |k| {
        with(DuStateChangeComplete::default(), |x| {
            x.results = vec![op_result()];
            x.command_key = k;
        })
    });
    len_rule("CommandKey", 32, 'k', |k| {
        inform(vec![EventStruct::with_command_key(
            EventCode::m_reboot(),
            k,
        )])
    });
    len_rule("CommandKey", 32, 'k', |k| QueuedTransferStruct::new(k, 1));
    len_rule("CommandKey", 32, 'k', |k| {
        with(schedule_download(vec![window(0, 1)]), |x| x.command_key = k)
    });
}

#[test]
fn parameter_keys_are_32_characters() {
    len_rule("ParameterKey", 32, '€', |k| {
        SetParameterValues::new(vec![], k)
    });
    len_rule("ParameterKey", 32, 'k', |k| AddObject::new("Device.A.", k));
    len_rule("ParameterKey", 32, 'k', |k| {
        DeleteObject::new("Device.A.1.", k)
    });
}

#[test]
fn urls_are_256_or_1024_characters() {
    len_rule("URL", 256, 'u', |u| with(download(), |x| x.url = u));
    len_rule("SuccessURL", 256, 'u', |u| {
        with(download(), |x| x.success_url = u)
    });
    len_rule("FailureURL", 256, 'u', |u| {
        with(download(), |x| x.failure_url = u)
    });
    len_rule("URL", 256, 'u', |u| with(upload(), |x| x.url = u));
    len_rule("URL", 256, 'u', |u| {
        with(schedule_download(vec![window(0, 1)]), |x| x.url = u)
    });
    len_rule("AnnounceURL", 1024, 'u', |u| {
        with(AutonomousTransferComplete::default(), |x| {
            x.announce_url = u;
            x.file_type = "1 Firmware Upgrade Image".into();
        })
    });
    len_rule("TransferURL", 1024, 'u', |u| {
        with(AutonomousTransferComplete::default(), |x| {
            x.transfer_url = u;
            x.file_type = "1 Firmware Upgrade Image".into();
        })
    });
    len_rule("URL", 1024, 'u', InstallOpStruct::new);
    len_rule("URL", 1024, 'u', |u| {
        with(UpdateOpStruct::default(), |x| x.url = u)
    });
    // Required URLs must not be empty.
    invalid("URL", with(download(), |x| x.url = String::new()));
    invalid("URL", with(upload(), |x| x.url = String::new()));
    invalid("URL", InstallOpStruct::new(""));
}

#[test]
fn string_256_fields() {
    len_rule("Username", 256, 'x', |s| {
        with(download(), |x| x.username = s)
    });
    len_rule("Password", 256, 'x', |s| {
        with(download(), |x| x.password = s)
    });
    len_rule("TargetFileName", 256, 'x', |s| {
        with(download(), |x| x.target_file_name = s)
    });
    len_rule("Username", 256, 'x', |s| with(upload(), |x| x.username = s));
    len_rule("Password", 256, 'x', |s| with(upload(), |x| x.password = s));
    len_rule("TargetFileName", 256, 'x', |s| {
        with(schedule_download(vec![window(0, 1)]), |x| {
            x.target_file_name = s
        })
    });
    len_rule("UserMessage", 256, 'x', |s| {
        with(window(0, 1), |x| x.user_message = s)
    });
    len_rule("FaultString", 256, 'x', |s| {
        with(FaultStruct::failure(FaultCode::FileTransferFailure), |x| {
            x.fault_string = s
        })
    });
    len_rule("Username", 256, 'x', |s| {
        with(InstallOpStruct::new("http://x"), |x| x.username = s)
    });
    len_rule("ExecutionEnvRef", 256, 'x', |s| {
        with(UninstallOpStruct::new(UUID), |x| x.execution_env_ref = s)
    });
    len_rule("Value", 256, 'x', |s| ArgStruct::new("n", s));
    len_rule("Arg", 256, 'x', |s| with(Kicked::default(), |x| x.arg = s));
}

#[test]
fn string_64_and_32_fields() {
    len_rule("Manufacturer", 64, 'm', |s| {
        with(device_id(), |x| x.manufacturer = s)
    });
    len_rule("ProductClass", 64, 'p', |s| {
        with(device_id(), |x| x.product_class = s)
    });
    len_rule("SerialNumber", 64, 's', |s| {
        with(device_id(), |x| x.serial_number = s)
    });
    len_rule("MethodList", 64, 'm', |s| GetRpcMethodsResponse::new([s]));
    len_rule("AccessList", 64, 'a', |s| {
        ParameterAttributeStruct::new("Device.A", 0, vec![s])
    });
    len_rule("AccessList", 64, 'a', |s| {
        with(
            SetParameterAttributesStruct::notification("Device.A", 1),
            |x| x.access_list = vec![s],
        )
    });
    len_rule("WindowMode", 64, 'w', |s| {
        with(window(0, 1), |x| x.window_mode = s)
    });
    len_rule("Name", 64, 'n', |s| ArgStruct::new(s, "v"));
    len_rule("OptionName", 64, 'o', GetOptions::new);
    len_rule("OptionName", 64, 'o', |s| {
        with(OptionStruct::default(), |x| x.option_name = s)
    });
    len_rule("Referer", 64, 'r', |s| {
        with(Kicked::default(), |x| x.referer = s)
    });
    len_rule("Command", 32, 'c', |s| {
        with(Kicked::default(), |x| x.command = s)
    });
    len_rule("Next", 1024, 'n', |s| {
        with(Kicked::default(), |x| x.next = s)
    });
    len_rule("NextURL", 1024, 'n', KickedResponse::new);
    len_rule("Version", 32, 'v', |s| {
        with(UpdateOpStruct::default(), |x| x.version = s)
    });
    len_rule("Version", 32, 'v', |s| {
        with(UninstallOpStruct::new(UUID), |x| x.version = s)
    });
    len_rule("Version", 32, 'v', |s| with(op_result(), |x| x.version = s));
}

#[test]
fn file_types_are_64_characters_and_patterned() {
    let build = |s: String| with(download(), |x| x.file_type = s);
    len_rule("FileType", 64, 'x', |s| {
        build(format!("1 {}", &s[2.min(s.len())..]))
    });
    for ok in [
        "1 Firmware Upgrade Image",
        "3 Vendor Configuration File 2",
        "X 00D09E Special Image",
        "X ACME Thing",
        "12 Future",
    ] {
        assert_eq!(build(ok.into()).validate(), Ok(()), "{ok}");
    }
    for bad in [
        "", "Firmware", "1", "0 Zero", "01 Lead", "1  Two", "X 00D09E", "X  x",
    ] {
        invalid("FileType", build(bad.into()));
    }
    invalid("FileType", with(upload(), |x| x.file_type = "Log".into()));
    invalid("FileType", RequestDownload::new("bad"));
    invalid(
        "FileType",
        with(AllQueuedTransferStruct::default(), |x| {
            x.state = 1;
            x.file_type = String::new();
        }),
    );
    invalid("FileType", AutonomousTransferComplete::default());
}

#[test]
fn parameter_names_are_256_characters_and_paths() {
    len_rule("Name", 256, 'A', |s| {
        ParameterValueStruct::new(s, ParameterValue::string("v"))
    });
    len_rule("Name", 256, 'A', |s| ParameterInfoStruct::new(s, true));
    len_rule("Name", 256, 'A', |s| {
        SetParameterAttributesStruct::notification(s, 2)
    });
    len_rule("ParameterNames", 256, 'A', |s| GetParameterValues::new([s]));
    len_rule("ParameterNames", 256, 'A', |s| {
        GetParameterAttributes::new([s])
    });
    len_rule("ParameterPath", 256, 'A', |s| {
        GetParameterNames::new(s, false)
    });
    len_rule("ObjectName", 256, 'A', |s| {
        AddObject::new(format!("{}.", &s[1..]), "")
    });
    len_rule("ParameterName", 256, 'A', |s| {
        Fault::set_parameter_values(vec![SetParameterValuesFault::new(
            s,
            FaultCode::InvalidParameterValue,
        )])
    });
    invalid(
        "Name",
        ParameterValueStruct::new("Device..X", ParameterValue::string("")),
    );
    invalid("ParameterPath", GetParameterNames::new("Device.A B", true));
    assert_eq!(GetParameterNames::new("", true).validate(), Ok(()));
    assert_eq!(
        GetParameterValues::new(["Device.IP.Interface.[wan].Enable"]).validate(),
        Ok(())
    );
}

// ---------------------------------------------------------------- patterns and values

#[test]
fn oui_is_six_upper_case_hex_digits() {
    let dev = |oui: &str| with(device_id(), |x| x.oui = oui.into());
    assert_eq!(dev("ABCDEF").validate(), Ok(()));
    assert_eq!(dev("012345").validate(), Ok(()));
    for bad in ["", "00d09e", "00D09", "00D09E0", "00D0G9", "00 D09"] {
        invalid("OUI", dev(bad));
    }
    invalid("OUI", with(inform(vec![]), |x| x.device_id = dev("x")));
}

#[test]
fn event_codes_are_64_characters_and_patterned() {
    let ev = |c: EventCode| EventStruct::new(c);
    for ok in [
        EventCode::Bootstrap,
        EventCode::Heartbeat,
        EventCode::m_reboot(),
        EventCode::Method("X_ACME_Frob".into()),
        EventCode::Vendor("00D09E Something happened".into()),
        EventCode::Other("15 FUTURE EVENT".into()),
    ] {
        assert_eq!(ev(ok.clone()).validate(), Ok(()), "{ok}");
    }
    for bad in [
        EventCode::Method(String::new()),
        EventCode::Method("A B".into()),
        EventCode::Vendor("00D09E".into()),
        EventCode::Other("garbage".into()),
        EventCode::Other("15".into()),
        EventCode::Other(String::new()),
    ] {
        invalid("EventCode", ev(bad));
    }
    // "M " + 62 characters is 64.
    len_rule("EventCode", 64, 'x', |s| {
        ev(EventCode::Method(s.chars().skip(2).collect()))
    });
}

#[test]
fn uuids_follow_8_4_4_4_12() {
    assert_eq!(UninstallOpStruct::new(UUID).validate(), Ok(()));
    assert_eq!(
        UninstallOpStruct::new(UUID.to_uppercase()).validate(),
        Ok(())
    );
    for bad in [
        "",
        "6ba7b810-9dad-11d1-80b4",
        "6ba7b810-9dad-11d1-80b4-00c04fd430cg",
    ] {
        invalid("UUID", UninstallOpStruct::new(bad));
    }
    // Optional where the spec says so.
    assert_eq!(InstallOpStruct::new("http://x").validate(), Ok(()));
    assert_eq!(UpdateOpStruct::default().validate(), Ok(()));
    invalid(
        "UUID",
        with(InstallOpStruct::new("http://x"), |x| x.uuid = "nope".into()),
    );
    invalid("UUID", with(op_result(), |x| x.uuid = "nope".into()));
}

#[test]
fn values_must_match_their_type() {
    let spv = |v: ParameterValue| {
        SetParameterValues::new(vec![ParameterValueStruct::new("Device.A", v)], "")
    };
    assert_eq!(spv(ParameterValue::boolean(true)).validate(), Ok(()));
    assert_eq!(
        spv(ParameterValue::new(
            "anything",
            ValueType::Other("X_Blob".into())
        ))
        .validate(),
        Ok(())
    );
    for bad in [
        ParameterValue::new("30", ValueType::Boolean),
        ParameterValue::new("x", ValueType::Int),
        ParameterValue::new("4294967296", ValueType::UnsignedInt),
        ParameterValue::new("2019-03-05T11:54::14", ValueType::DateTime),
        ParameterValue::new("Zm=v", ValueType::Base64),
        ParameterValue::new("abc", ValueType::HexBinary),
    ] {
        invalid("Value", spv(bad));
    }
}

#[test]
fn date_times_must_be_valid_when_sent() {
    let garbage = DateTimeField::Invalid("2019-03-05T11:54::14".into());
    invalid(
        "CurrentTime",
        with(inform(vec![]), |x| x.current_time = garbage.clone()),
    );
    invalid(
        "StartTime",
        with(DownloadResponse::pending(), |x| {
            x.start_time = garbage.clone()
        }),
    );
    invalid(
        "CompleteTime",
        with(UploadResponse::pending(), |x| {
            x.complete_time = garbage.clone()
        }),
    );
    invalid(
        "CompleteTime",
        TransferComplete::success("k", DateTime::UNKNOWN, garbage.clone()),
    );
    invalid(
        "StartDate",
        with(OptionStruct::default(), |x| x.start_date = garbage.clone()),
    );
    invalid(
        "ExpirationDate",
        with(OptionStruct::default(), |x| {
            x.expiration_date = Some(garbage.clone())
        }),
    );
    invalid("StartTime", with(op_result(), |x| x.start_time = garbage));
    assert_eq!(
        DownloadResponse::completed(t("2024-01-01T00:00:00Z"), t("2024-01-01T00:01:00Z"))
            .validate(),
        Ok(())
    );
}

// ---------------------------------------------------------------- counts and numbers

#[test]
fn inform_events_and_envelopes() {
    let many = |n: usize| {
        inform(
            (0..n)
                .map(|i| EventStruct::with_command_key(EventCode::m_reboot(), i.to_string()))
                .collect(),
        )
    };
    assert_eq!(many(64).validate(), Ok(()));
    let err = fail(&many(65));
    assert_eq!(
        (err.field, err.kind),
        ("Event", ValidationErrorKind::TooMany { max: 64 })
    );
    // Single events at most once; multiple (`M …`) events repeat freely.
    invalid(
        "Event",
        inform(vec![
            EventStruct::new(EventCode::Boot),
            EventStruct::new(EventCode::Boot),
        ]),
    );
    range(
        "MaxEnvelopes",
        1,
        1,
        with(inform(vec![]), |x| x.max_envelopes = 0),
    );
    range(
        "MaxEnvelopes",
        1,
        1,
        with(InformResponse::new(), |x| x.max_envelopes = 2),
    );
}

#[test]
fn list_counts() {
    let queued = |n: usize| {
        with(GetQueuedTransfersResponse::default(), |x| {
            x.transfer_list = vec![QueuedTransferStruct::new("k", 1); n];
        })
    };
    assert_eq!(queued(16).validate(), Ok(()));
    assert_eq!(
        fail(&queued(17)).kind,
        ValidationErrorKind::TooMany { max: 16 }
    );
    let entry = with(AllQueuedTransferStruct::default(), |x| {
        x.state = 2;
        x.file_type = "1 Firmware Upgrade Image".into();
    });
    let all = |n: usize| {
        with(GetAllQueuedTransfersResponse::default(), |x| {
            x.transfer_list = vec![entry.clone(); n];
        })
    };
    assert_eq!(all(16).validate(), Ok(()));
    assert_eq!(fail(&all(17)).field, "TransferList");
    let args = |n: usize| {
        with(RequestDownload::new("1 Firmware Upgrade Image"), |x| {
            x.file_type_arg = vec![ArgStruct::new("a", "b"); n];
        })
    };
    assert_eq!(args(16).validate(), Ok(()));
    let err = fail(&args(17));
    assert_eq!(
        (err.field, err.kind),
        ("FileTypeArg", ValidationErrorKind::TooMany { max: 16 })
    );

    // TimeWindowList: 1..=2, not overlapping.
    let err = fail(&schedule_download(vec![]));
    assert_eq!(
        (err.field, err.kind),
        ("TimeWindowList", ValidationErrorKind::TooFew { min: 1 })
    );
    let err = fail(&schedule_download(vec![
        window(0, 1),
        window(2, 3),
        window(4, 5),
    ]));
    assert_eq!(
        (err.field, err.kind),
        ("TimeWindowList", ValidationErrorKind::TooMany { max: 2 })
    );
    invalid(
        "TimeWindowList",
        schedule_download(vec![window(0, 10), window(5, 20)]),
    );
    invalid("WindowEnd", schedule_download(vec![window(10, 5)]));

    // Lists the spec requires to be non-empty.
    for (field, err) in [
        ("ParameterNames", fail(&GetParameterValues::default())),
        ("ParameterList", fail(&SetParameterAttributes::default())),
        ("Operations", fail(&ChangeDuState::default())),
        ("Results", fail(&DuStateChangeComplete::default())),
        ("Results", fail(&AutonomousDuStateChangeComplete::default())),
        ("VoucherList", fail(&SetVouchers::default())),
    ] {
        assert_eq!(
            (err.field, err.kind),
            (field, ValidationErrorKind::TooFew { min: 1 })
        );
    }
    invalid("VoucherList", SetVouchers::new(["not base64!"]));
    assert_eq!(SetVouchers::new(["Zm9v"]).validate(), Ok(()));
}

#[test]
fn numeric_ranges() {
    for n in 0..=6 {
        assert_eq!(
            SetParameterAttributesStruct::notification("Device.A", n).validate(),
            Ok(())
        );
    }
    range(
        "Notification",
        0,
        6,
        SetParameterAttributesStruct::notification("Device.A", 7),
    );
    range(
        "Notification",
        0,
        6,
        ParameterAttributeStruct::new("Device.A", -1, vec![]),
    );
    range("Status", 0, 1, SetParameterValuesResponse::new(2));
    range("Status", 0, 1, DeleteObjectResponse::new(-1));
    range("Status", 0, 1, AddObjectResponse::new(1, 3));
    range(
        "InstanceNumber",
        1,
        i64::from(u32::MAX),
        AddObjectResponse::new(0, 0),
    );
    range("State", 1, 3, QueuedTransferStruct::new("k", 0));
    range("State", 1, 3, QueuedTransferStruct::new("k", 4));
    range(
        "DelaySeconds",
        1,
        i64::from(u32::MAX),
        ScheduleInform::new(0, "k"),
    );
    assert_eq!(ScheduleInform::new(1, "k").validate(), Ok(()));
    range(
        "MaxRetries",
        -1,
        i64::from(i32::MAX),
        with(window(0, 1), |x| x.max_retries = -2),
    );
    let option = OptionStruct::default();
    range("State", 0, 3, with(option.clone(), |x| x.state = 4));
    range("Mode", 0, 2, with(option.clone(), |x| x.mode = 3));
    range(
        "IsTransferable",
        0,
        1,
        with(option.clone(), |x| x.is_transferable = 2),
    );
    assert_eq!(option.validate(), Ok(()));
}

// ---------------------------------------------------------------- parameters, objects, faults

#[test]
fn parameter_lists() {
    let p = |n: &str| ParameterValueStruct::new(n, ParameterValue::string("v"));
    invalid(
        "ParameterList",
        SetParameterValues::new(vec![p("Device.A"), p("Device.B"), p("Device.A")], ""),
    );
    invalid("Name", SetParameterValues::new(vec![p("Device.A.")], ""));
    invalid("ObjectName", AddObject::new("Device.IP.Interface", ""));
    invalid("ObjectName", DeleteObject::new("", ""));
    assert_eq!(
        DeleteObject::new("Device.IP.Interface.3.", "k").validate(),
        Ok(())
    );
}

#[test]
fn fault_codes_by_context() {
    // A SOAP fault carries an ACS or CPE code; per-parameter entries only with 9003.
    invalid("FaultCode", Fault::new(FaultCode::from_code(0)));
    invalid("FaultCode", Fault::new(FaultCode::from_code(8900)));
    assert_eq!(Fault::new(FaultCode::from_code(9850)).validate(), Ok(()));
    let mut f = Fault::new(FaultCode::RequestDenied);
    f.set_parameter_values_faults
        .push(SetParameterValuesFault::new(
            "Device.A",
            FaultCode::NonWritableParameter,
        ));
    invalid("SetParameterValuesFault", f);
    invalid(
        "FaultCode",
        Fault::set_parameter_values(vec![SetParameterValuesFault::new(
            "Device.A",
            FaultCode::AcsInvalidArguments,
        )]),
    );

    // TransferComplete: 0, 9001, 9002, 9010–9012, 9014–9020, extension and vendor codes.
    let tc = |code: u32| {
        TransferComplete::failure(
            "k",
            FaultCode::from_code(code),
            DateTime::UNKNOWN,
            DateTime::UNKNOWN,
        )
    };
    for ok in [0, 9001, 9002, 9010, 9011, 9012, 9014, 9020, 9033, 9899] {
        assert_eq!(tc(ok).validate(), Ok(()), "{ok}");
    }
    for bad in [9000, 9003, 9013, 9021, 8000, 1] {
        invalid("FaultCode", tc(bad));
    }
    // Deployment unit results: 0, 9001, 9003, 9012, 9013, 9015–9018, 9022–9032, ext, vendor.
    let du = |code: u32| {
        with(op_result(), |x| {
            x.fault = FaultStruct::failure(FaultCode::from_code(code))
        })
    };
    for ok in [0, 9001, 9003, 9012, 9013, 9015, 9018, 9022, 9032, 9850] {
        assert_eq!(du(ok).validate(), Ok(()), "{ok}");
    }
    for bad in [9002, 9010, 9014, 9019, 9021, 8001] {
        invalid("FaultCode", du(bad));
    }
    invalid(
        "CurrentState",
        with(op_result(), |x| x.current_state = "Running".into()),
    );
    invalid(
        "OperationPerformed",
        AutonomousOpResultStruct::new(op_result(), ""),
    );
    assert_eq!(
        AutonomousOpResultStruct::new(op_result(), "Install").validate(),
        Ok(())
    );
}

#[test]
fn envelopes_headers_and_unknown_methods() {
    let mut e = Envelope::with_id("1", InformResponse::new());
    e.header.supported_cwmp_versions = Some(vec![]);
    let err = fail(&e);
    assert_eq!(err.field, "SupportedCWMPVersions");
    e.header.supported_cwmp_versions = Some(vec![CwmpVersion::V1_4]);
    assert_eq!(e.validate(), Ok(()));

    assert_eq!(
        Request::Unknown(UnknownMethod::new("X_ACME_Frob", "<A>1</A>")).validate(),
        Ok(())
    );
    for bad in ["", "1abc", "a b", "a:b", "<x>"] {
        invalid("Name", Request::Unknown(UnknownMethod::new(bad, "")));
    }
    // Errors from inside the body come out of the envelope unchanged.
    let err = fail(&Envelope::new(Reboot::new("k".repeat(33))));
    assert_eq!(err, ValidationError::too_long("CommandKey", 32));
    assert_eq!(err.to_string(), "CommandKey: longer than 32 characters");
}
