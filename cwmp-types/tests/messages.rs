//! The short constructors build the messages the spec describes.

use cwmp_types::*;

fn time(s: &str) -> DateTime {
    s.parse().unwrap()
}

#[test]
fn inform_and_response() {
    let inform = Inform::new(
        DeviceIdStruct::new("Acme", "00D09E", "", "SN1"),
        vec![
            EventStruct::new(EventCode::Boot),
            EventStruct::with_command_key(EventCode::m_reboot(), "rb1"),
        ],
    )
    .with_current_time(time("2024-01-31T12:00:00Z"))
    .with_retry_count(2)
    .with_parameter(
        "Device.DeviceInfo.SoftwareVersion",
        ParameterValue::string("1.2.3"),
    );
    assert_eq!(inform.max_envelopes, 1);
    assert_eq!(inform.retry_count, 2);
    assert!(inform.has_event(&EventCode::m_reboot()));
    assert!(!inform.has_event(&EventCode::Bootstrap));
    assert_eq!(
        inform
            .parameter("Device.DeviceInfo.SoftwareVersion")
            .map(|v| v.text.as_str()),
        Some("1.2.3")
    );
    assert_eq!(inform.device_id.username(), "00D09E-SN1");
    assert_eq!(inform.validate(), Ok(()));

    // MaxEnvelopes is 1 however the response is made.
    assert_eq!(InformResponse::default().max_envelopes, 1);
    assert_eq!(InformResponse::new(), InformResponse::default());
}

#[test]
fn transfers() {
    let (start, end) = (time("2024-01-31T12:00:00Z"), time("2024-01-31T12:01:00Z"));
    let ok = TransferComplete::success("dl1", start, end);
    assert!(ok.fault_struct.is_success());
    assert_eq!(ok.start_time, DateTimeField::Valid(start));
    let failed = TransferComplete::failure("dl1", FaultCode::FileCorrupted, start, end);
    assert_eq!(failed.fault_struct.fault_code.code(), 9018);
    assert_eq!(
        failed.fault_struct.fault_string,
        "File transfer failure: file corrupted"
    );

    assert_eq!(DownloadResponse::pending().status, 1);
    assert_eq!(
        DownloadResponse::pending().complete_time,
        DateTimeField::UNKNOWN
    );
    assert_eq!(DownloadResponse::completed(start, end).status, 0);
    assert_eq!(UploadResponse::pending().status, 1);
    assert_eq!(
        UploadResponse::completed(start, end).complete_time,
        DateTimeField::Valid(end)
    );

    let sd = ScheduleDownload::new(
        "sd1",
        "1 Firmware Upgrade Image",
        "https://fw.example/img",
        vec![TimeWindowStruct::new(0, 3600, "1 At Any Time")],
    );
    assert_eq!(sd.time_window_list[0].max_retries, -1);
    assert_eq!(sd.validate(), Ok(()));

    let atc = AutonomousTransferComplete::new(
        "https://fw.example/img",
        true,
        "1 Firmware Upgrade Image",
        FaultStruct::success(),
        start,
        end,
    );
    assert_eq!(atc.announce_url, "");
    assert_eq!(atc.validate(), Ok(()));

    let rd = RequestDownload::new("X 00D09E Config").with_arg("Version", "2");
    assert_eq!(rd.file_type_arg, vec![ArgStruct::new("Version", "2")]);
    assert_eq!(rd.validate(), Ok(()));
}

#[test]
fn deployment_units() {
    let uuid = "6ba7b810-9dad-11d1-80b4-00c04fd430c8";
    let cdus = ChangeDuState::new(
        vec![
            InstallOpStruct::new("https://du.example/a.ipk").into(),
            UpdateOpStruct::new(uuid, "").into(),
            UninstallOpStruct::new(uuid).into(),
        ],
        "cdus1",
    );
    assert!(matches!(cdus.operations[1], Operation::Update(_)));
    assert_eq!(cdus.validate(), Ok(()));

    let result = OpResultStruct::new(uuid, "Installed", FaultStruct::success());
    let done = DuStateChangeComplete::new(vec![result.clone()], "cdus1");
    assert_eq!(done.validate(), Ok(()));
    let auto = AutonomousDuStateChangeComplete::new(vec![AutonomousOpResultStruct::new(
        result, "Install",
    )]);
    assert_eq!(auto.validate(), Ok(()));
}

#[test]
fn other_requests() {
    assert_eq!(SetVouchers::new(["Zm9v"]).voucher_list, ["Zm9v"]);
    assert_eq!(GetOptions::new("").option_name, "");
    assert_eq!(
        SetParameterAttributes::new(vec![SetParameterAttributesStruct::notification(
            "Device.A", 2
        )])
        .validate(),
        Ok(())
    );
    assert_eq!(
        GetQueuedTransfersResponse::new(vec![QueuedTransferStruct::new("k", 2)]).validate(),
        Ok(())
    );
    assert_eq!(
        GetAllQueuedTransfersResponse::new(vec![]).transfer_list,
        vec![]
    );
    assert_eq!(GetOptionsResponse::new(vec![]).option_list, vec![]);
    assert_eq!(
        GetParameterAttributesResponse::new(vec![ParameterAttributeStruct::new(
            "Device.A",
            1,
            vec!["Subscriber".into()]
        )])
        .validate(),
        Ok(())
    );
    let kicked = Kicked::new("cmd", "http://ref.example", "arg", "http://next.example");
    assert_eq!(kicked.next, "http://next.example");
    assert_eq!(kicked.validate(), Ok(()));
}

#[test]
fn envelopes_and_bodies() {
    let e = Envelope::with_id("7", InformResponse::new())
        .use_version(CwmpVersion::V1_4)
        .hold_requests(false);
    assert_eq!(e.namespace, CwmpNamespace::Cwmp1_2);
    assert_eq!(e.header.use_cwmp_version, Some(CwmpVersion::V1_4));
    assert_eq!(e.header.hold_requests, Some(false));
    assert_eq!(e.implied_version(), CwmpVersion::V1_4);
    assert!(e.body.response().is_some());
    assert!(e.body.request().is_none());
    assert!(!e.body.is_fault());

    let e = Envelope::new(Inform::default())
        .in_namespace(CwmpNamespace::Cwmp1_2)
        .session_timeout(30);
    assert_eq!(e.implied_version(), CwmpVersion::V1_3);
    let e = e.supported_versions(CwmpVersion::ALL);
    assert_eq!(e.implied_version(), CwmpVersion::V1_4);
    assert_eq!(e.body.request().map(Request::method_name), Some("Inform"));

    let e = Envelope::with_id("8", Fault::new(FaultCode::MethodNotSupported))
        .use_version(CwmpVersion::V1_0);
    assert_eq!(e.namespace, CwmpNamespace::Cwmp1_0);
    assert!(e.body.is_fault());
    assert_eq!(
        e.body.fault().map(|f| f.fault_code),
        Some(FaultCode::MethodNotSupported)
    );
    assert_eq!(e.body.method_name(), "Fault");
}
