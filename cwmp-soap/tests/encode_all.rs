//! The encoder on one sample of every message: the output is well-formed, namespace-correct
//! XML with the right method element, and the decoder reads back exactly the same envelope
//! without warnings.

use cwmp_soap::{BooleanStyle, EncodeOptions, WarningKind, decode, encode, encode_with};
use cwmp_types::*;
use quick_xml::NsReader;
use quick_xml::events::Event;
use quick_xml::name::{Namespace, ResolveResult};

fn dt(s: &str) -> DateTimeField {
    DateTimeField::Valid(s.parse().expect("dateTime"))
}

/// Text that exercises escaping: markup characters, a CR, a tab, non-ASCII, spaces at the ends.
const TRICKY: &str = " a<b>&c \"q\" 'a'\r\n\tz é \u{1F600} ";

fn pvs(n: usize) -> Vec<ParameterValueStruct> {
    (0..n)
        .map(|i| {
            let v = match i % 6 {
                0 => ParameterValue::string(TRICKY),
                1 => ParameterValue::unsigned_int(i as u32),
                2 => ParameterValue::int(-(i as i32)),
                3 => ParameterValue::boolean(i % 2 == 0),
                4 => ParameterValue::new("2024-01-31T12:00:00.5+01:00", ValueType::DateTime),
                _ => ParameterValue::new("x", ValueType::Other("X_ACME_T".into())),
            };
            ParameterValueStruct::new(format!("Device.Obj.{i}.P"), v)
        })
        .collect()
}

fn fault_struct(code: u32, s: &str) -> FaultStruct {
    let mut f = FaultStruct::failure(FaultCode::from_code(code));
    f.fault_string = s.into();
    f
}

fn op_result(i: u32) -> OpResultStruct {
    let mut r = OpResultStruct::default();
    r.uuid = format!("a3a3a3a3-0000-1111-2222-33333333333{i}");
    r.deployment_unit_ref = format!("Device.SoftwareModules.DeploymentUnit.{i}.");
    r.version = "1.0".into();
    r.current_state = "Installed".into();
    r.resolved = i % 2 == 0;
    r.execution_unit_ref_list =
        "Device.SoftwareModules.ExecutionUnit.1.,Device.SoftwareModules.ExecutionUnit.2.".into();
    r.start_time = dt("2024-02-29T23:59:59Z");
    r.complete_time = DateTimeField::Invalid("2019-03-05T11:54::14".into());
    r.fault = fault_struct(if i == 0 { 0 } else { 9012 }, "");
    r
}

/// One non-trivial sample of every request.
pub fn requests() -> Vec<Request> {
    let mut spa = SetParameterAttributesStruct::notification("Device.A.", 2);
    spa.access_list = vec!["Subscriber".into(), TRICKY.into()];
    spa.access_list_change = true;
    let mut spa2 = SetParameterAttributesStruct::notification("Device.B", 0);
    spa2.notification_change = false;

    let mut download = Download::new("ck", "1 Firmware Upgrade Image", "http://h/f?a=1&b=2");
    download.username = "u".into();
    download.password = TRICKY.into();
    download.file_size = u32::MAX;
    download.target_file_name = "fw.bin".into();
    download.delay_seconds = 5;
    download.success_url = "http://ok".into();

    let mut upload = Upload::new("ck2", "2 Vendor Log File", "ftp://h/up");
    upload.delay_seconds = 1;

    let mut sd = ScheduleDownload::default();
    sd.command_key = "sd".into();
    sd.file_type = "1 Firmware Upgrade Image".into();
    sd.url = "http://h/f".into();
    sd.file_size = 10;
    let mut tw = TimeWindowStruct::default();
    tw.window_start = 0;
    tw.window_end = 3600;
    tw.window_mode = "1 At Any Time".into();
    tw.user_message = TRICKY.into();
    tw.max_retries = -1;
    let mut tw2 = tw.clone();
    tw2.window_start = 7200;
    tw2.window_end = 9000;
    tw2.max_retries = 3;
    sd.time_window_list = vec![tw, tw2];

    let mut install = InstallOpStruct::default();
    install.url = "http://h/du.ipk".into();
    install.uuid = "a3a3a3a3-0000-1111-2222-333333333333".into();
    install.username = "u".into();
    install.password = "p".into();
    install.execution_env_ref = "Device.SoftwareModules.ExecEnv.1.".into();
    let mut update = UpdateOpStruct::default();
    update.version = "2.0".into();
    update.url = "http://h/du2.ipk".into();
    let mut uninstall = UninstallOpStruct::default();
    uninstall.uuid = "a3a3a3a3-0000-1111-2222-333333333334".into();
    let mut cds = ChangeDuState::default();
    cds.operations = vec![
        Operation::Install(install),
        Operation::Update(update),
        Operation::Update(UpdateOpStruct::default()),
        Operation::Uninstall(uninstall),
    ];
    cds.command_key = "cds".into();

    let mut inform = Inform::new(
        DeviceIdStruct::new("Acme & Co", "00D09E", "", "SN<1>"),
        vec![
            EventStruct::new(EventCode::Bootstrap),
            EventStruct::with_command_key(EventCode::m_download(), "dl"),
            EventStruct::new(EventCode::Vendor("00D09E Thing".into())),
            EventStruct::new(EventCode::Other("15 FUTURE".into())),
        ],
    );
    inform.current_time = dt("2015-10-05T02:23:01.337Z");
    inform.retry_count = 3;
    inform.parameter_list = pvs(12);

    let mut atc = AutonomousTransferComplete::default();
    atc.announce_url = "http://a".into();
    atc.transfer_url = "http://t".into();
    atc.is_download = true;
    atc.file_type = "3 Vendor Configuration File".into();
    atc.file_size = 77;
    atc.target_file_name = "cfg".into();
    atc.fault_struct = fault_struct(9010, "failed <badly>");
    atc.start_time = dt("2015-01-19T23:08:24");
    atc.complete_time = DateTimeField::UNKNOWN;

    let mut dscc = DuStateChangeComplete::default();
    dscc.results = vec![op_result(0), op_result(1)];
    dscc.command_key = "cds".into();

    let mut adscc = AutonomousDuStateChangeComplete::default();
    let mut a = AutonomousOpResultStruct::default();
    a.result = op_result(2);
    a.operation_performed = "Install".into();
    adscc.results = vec![a];

    let mut rd = RequestDownload::default();
    rd.file_type = "1 Firmware Upgrade Image".into();
    let mut arg = ArgStruct::default();
    arg.name = "Version".into();
    arg.value = TRICKY.into();
    rd.file_type_arg = vec![arg];

    let mut kicked = Kicked::default();
    kicked.command = "c".into();
    kicked.referer = "http://r".into();
    kicked.arg = TRICKY.into();
    kicked.next = "http://n".into();

    let mut spa_req = SetParameterAttributes::default();
    spa_req.parameter_list = vec![spa, spa2];
    let mut vouchers = SetVouchers::default();
    vouchers.voucher_list = vec!["Zm9v".into(), "YmFy".into()];
    let mut get_options = GetOptions::default();
    get_options.option_name = "Opt".into();

    vec![
        GetRpcMethods::default().into(),
        SetParameterValues::new(pvs(7), "key&").into(),
        GetParameterValues::new(["Device.", "Device.A.B", ""]).into(),
        GetParameterNames::new("Device.IP.", true).into(),
        spa_req.into(),
        GetParameterAttributes::new(["Device.A."]).into(),
        AddObject::new("Device.IP.Interface.", "pk").into(),
        DeleteObject::new("Device.IP.Interface.3.", "").into(),
        Reboot::new("rb").into(),
        download.into(),
        upload.into(),
        FactoryReset::default().into(),
        GetQueuedTransfers::default().into(),
        GetAllQueuedTransfers::default().into(),
        ScheduleInform::new(30, "si").into(),
        vouchers.into(),
        get_options.into(),
        sd.into(),
        CancelTransfer::new("ck").into(),
        cds.into(),
        inform.into(),
        TransferComplete::new(
            "ck",
            FaultStruct::success(),
            dt("2024-01-01T00:00:00Z"),
            dt("2024-01-01T00:01:00-07:00"),
        )
        .into(),
        atc.into(),
        dscc.into(),
        adscc.into(),
        rd.into(),
        kicked.into(),
        Request::Unknown(UnknownMethod::new(
            "X_ACME_Frobnicate",
            "<Level>3</Level><Note>a &amp; b</Note>",
        )),
    ]
}

/// One non-trivial sample of every response.
pub fn responses() -> Vec<Response> {
    let mut gpa = GetParameterAttributesResponse::default();
    gpa.parameter_list = vec![
        ParameterAttributeStruct::new("Device.A", 1, vec!["Subscriber".into()]),
        ParameterAttributeStruct::new("Device.B", 6, Vec::new()),
    ];
    let mut dl = DownloadResponse::pending();
    dl.complete_time = dt("2024-01-01T00:00:00.000001Z");
    let mut ul = UploadResponse::default();
    ul.status = 0;
    ul.start_time = dt("2024-01-01T00:00:00Z");
    ul.complete_time = dt("2024-01-01T00:00:09Z");
    let mut q = QueuedTransferStruct::default();
    q.command_key = "a".into();
    q.state = 2;
    let mut gqt = GetQueuedTransfersResponse::default();
    gqt.transfer_list = vec![q];
    let mut aq = AllQueuedTransferStruct::default();
    aq.command_key = "b".into();
    aq.state = 1;
    aq.is_download = true;
    aq.file_type = "1 Firmware Upgrade Image".into();
    aq.file_size = 123;
    aq.target_file_name = "t".into();
    let mut aq2 = aq.clone();
    aq2.is_download = false;
    let mut gaqt = GetAllQueuedTransfersResponse::default();
    gaqt.transfer_list = vec![aq, aq2];
    let mut o = OptionStruct::default();
    o.option_name = "Opt".into();
    o.voucher_sn = 9;
    o.state = 3;
    o.mode = 1;
    o.start_date = dt("2020-01-01T00:00:00Z");
    o.expiration_date = Some(dt("2021-01-01T00:00:00Z"));
    o.is_transferable = 1;
    let mut o2 = o.clone();
    o2.expiration_date = None;
    let mut gor = GetOptionsResponse::default();
    gor.option_list = vec![o, o2];

    vec![
        GetRpcMethodsResponse::new(["Inform", "TransferComplete", "GetRPCMethods"]).into(),
        SetParameterValuesResponse::new(1).into(),
        GetParameterValuesResponse::new(pvs(13)).into(),
        GetParameterNamesResponse::new(vec![
            ParameterInfoStruct::new("Device.", false),
            ParameterInfoStruct::new("Device.A", true),
        ])
        .into(),
        SetParameterAttributesResponse::default().into(),
        gpa.into(),
        AddObjectResponse::new(4, 0).into(),
        DeleteObjectResponse::new(1).into(),
        RebootResponse::default().into(),
        dl.into(),
        ul.into(),
        FactoryResetResponse::default().into(),
        gqt.into(),
        gaqt.into(),
        ScheduleInformResponse::default().into(),
        SetVouchersResponse::default().into(),
        gor.into(),
        ScheduleDownloadResponse::default().into(),
        CancelTransferResponse::default().into(),
        ChangeDuStateResponse::default().into(),
        InformResponse::new().into(),
        TransferCompleteResponse::default().into(),
        AutonomousTransferCompleteResponse::default().into(),
        DuStateChangeCompleteResponse::default().into(),
        AutonomousDuStateChangeCompleteResponse::default().into(),
        RequestDownloadResponse::default().into(),
        KickedResponse::new("http://next").into(),
        Response::Unknown(UnknownMethod::new("X_ACME_FrobnicateResponse", "")),
    ]
}

/// Every sample as an envelope, cycling through namespaces and header entries.
fn envelopes() -> Vec<Envelope> {
    let mut fault = Fault::set_parameter_values(vec![
        SetParameterValuesFault::new("Device.A", FaultCode::InvalidParameterValue),
        SetParameterValuesFault::new("Device.B", FaultCode::from_code(9850)),
    ]);
    fault.fault_string = TRICKY.into();
    let bodies: Vec<Body> = requests()
        .into_iter()
        .map(Body::from)
        .chain(responses().into_iter().map(Body::from))
        .chain([
            Body::from(fault),
            Body::from(Fault::new(FaultCode::AcsRetryRequest)),
        ])
        .collect();
    bodies
        .into_iter()
        .enumerate()
        .map(|(i, body)| {
            let ns = CwmpNamespace::ALL[i % CwmpNamespace::ALL.len()];
            let mut env = Envelope::new(body).in_namespace(ns);
            match i % 4 {
                0 => env.header = Header::with_id(format!("id-{i}")),
                1 => {
                    env.header = Header::with_id(TRICKY);
                    env.header.hold_requests = Some(i % 8 == 1);
                    env.header.use_cwmp_version = Some(CwmpVersion::V1_4);
                }
                2 => {
                    env.header.session_timeout = Some(30);
                    env.header.supported_cwmp_versions = Some(CwmpVersion::ALL.to_vec());
                }
                _ => {}
            }
            env
        })
        .collect()
}

#[test]
fn there_is_a_sample_of_every_method() {
    let req = requests();
    assert_eq!(req.len(), Request::METHOD_NAMES.len() + 1);
    for (r, name) in req.iter().zip(Request::METHOD_NAMES) {
        assert_eq!(r.method_name(), *name);
    }
    let resp = responses();
    assert_eq!(resp.len(), Request::METHOD_NAMES.len() + 1);
    for (r, name) in resp.iter().zip(Request::METHOD_NAMES) {
        assert_eq!(r.request_name(), *name);
    }
}

const SOAP_ENV: &str = "http://schemas.xmlsoap.org/soap/envelope/";

/// Reads `xml` with a namespace-resolving reader; returns the namespace and local name of the
/// Body's child.
fn body_child(xml: &[u8]) -> (String, String) {
    let text = std::str::from_utf8(xml).expect("UTF-8");
    let mut reader = NsReader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut depth = 0;
    let mut in_body = false;
    let mut found = None;
    loop {
        let (ns, event) = reader.read_resolved_event().expect("well-formed");
        let is_empty = matches!(event, Event::Empty(_));
        let ns = match ns {
            ResolveResult::Bound(Namespace(n)) => n.to_owned(),
            ResolveResult::Unbound => String::new(),
            ResolveResult::Unknown(p) => panic!("unbound prefix {p}"),
        };
        match event {
            Event::Start(e) | Event::Empty(e) => {
                let local = e.local_name().as_ref().to_owned();
                if depth == 1 && local == "Body" && ns == SOAP_ENV {
                    in_body = true;
                } else if depth == 2 && in_body && found.is_none() {
                    found = Some((ns, local));
                }
                if !is_empty {
                    depth += 1;
                }
            }
            Event::End(_) => depth -= 1,
            Event::Eof => break,
            Event::DocType(_) => panic!("DOCTYPE"),
            _ => {}
        }
    }
    assert_eq!(depth, 0);
    found.expect("a Body child")
}

#[test]
fn every_message_is_well_formed_with_the_right_method_element() {
    for env in envelopes() {
        for booleans in [BooleanStyle::Numeric, BooleanStyle::Words] {
            let mut options = EncodeOptions::default();
            options.booleans = booleans;
            let mut out = Vec::new();
            encode_with(&env, &options, &mut out).expect("encodes");
            let (ns, local) = body_child(&out);
            match &env.body {
                Body::Fault(_) => assert_eq!((ns.as_str(), local.as_str()), (SOAP_ENV, "Fault")),
                body => {
                    assert_eq!(ns, env.namespace.uri());
                    assert_eq!(local, body.method_name());
                }
            }
        }
    }
}

#[test]
fn every_message_round_trips_through_the_decoder() {
    for env in envelopes() {
        let mut out = Vec::new();
        encode(&env, &mut out).expect("encodes");
        let decoded = decode(&out).unwrap_or_else(|e| {
            panic!("{e}: {}", String::from_utf8_lossy(&out));
        });
        assert_eq!(decoded.envelope, env, "{}", String::from_utf8_lossy(&out));
        // A message without an ID, and the garbage dateTime the samples carry on purpose,
        // are reported as such; nothing else is guessed.
        let unexpected: Vec<_> = decoded
            .warnings
            .iter()
            .filter(|w| !(env.header.id.is_none() && w.kind == WarningKind::MissingId))
            .filter(|w| {
                w.context != "2019-03-05T11:54::14" || w.kind != WarningKind::InvalidDateTime
            })
            .collect();
        assert!(
            unexpected.is_empty(),
            "{:?}\n{}",
            decoded.warnings,
            String::from_utf8_lossy(&out)
        );
    }
}
