//! The blocking, std-only CPE of `examples/cpe_blocking.rs` against the example ACS over
//! loopback HTTP: digest authentication, the provisioning RPCs on the cwmp-datamodel tree,
//! Download, Reboot, and a value change with its own session.

use std::sync::Arc;
use std::time::Duration;

use cwmp_examples::acs::{Acs, AcsConfig};
use cwmp_examples::policy::Stage;
use cwmp_examples::support::Stats;
use cwmp_examples::transport::bind;

#[allow(dead_code, unreachable_pub)]
#[path = "../cpe_blocking.rs"]
mod cpe_blocking;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_blocking_cpe_runs_the_scenario_and_its_value_change_session() {
    let mut config = AcsConfig::default();
    config.periodic_interval = 600;
    let acs = Acs::start(
        bind("127.0.0.1:0").await.unwrap(),
        config,
        Arc::new(Stats::default()),
    );
    let url = acs.url();
    let cpe = tokio::task::spawn_blocking(move || cpe_blocking::run(&url, "BLOCKING-T"));
    let sessions = tokio::time::timeout(Duration::from_secs(60), cpe)
        .await
        .expect("the CPE finishes its four sessions")
        .unwrap()
        .expect("no I/O error");
    assert_eq!(sessions.len(), 4, "{sessions:#?}");
    assert!(
        sessions.iter().all(|s| s.ends_with("Ok(())")),
        "{sessions:#?}"
    );
    assert!(sessions[0].contains("0 BOOTSTRAP"), "{sessions:#?}");
    assert!(
        !sessions[0].contains("4 VALUE CHANGE"),
        "set-up is no change: {sessions:#?}"
    );
    // (7 TRANSFER COMPLETE comes from the queued TransferComplete, not the free events.)
    assert!(!sessions[1].contains("BOOT"), "{sessions:#?}");
    assert!(
        sessions[2].contains("1 BOOT") && sessions[2].contains("M Reboot"),
        "{sessions:#?}"
    );
    assert!(
        sessions[2].contains("4 VALUE CHANGE"),
        "new SoftwareVersion: {sessions:#?}"
    );
    assert!(
        sessions[3].contains("4 VALUE CHANGE") && !sessions[3].contains("BOOT"),
        "{sessions:#?}"
    );
    // The ACS got through GetParameterValues, SetParameterValues, AddObject,
    // SetParameterValues, GetParameterNames, Download and Reboot without a problem.
    assert_eq!(acs.stage("BLOCKING-T"), Some(Stage::ConnectionRequest));
    let (_, _, problems) = acs.progress();
    assert!(
        problems
            .iter()
            .all(|(_, p)| p.to_lowercase().contains("connection request")),
        "{problems:?}"
    );
}
