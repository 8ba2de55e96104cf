//! The HTTP floor measurement runs its sessions over real loopback HTTP and reads the server
//! threads' CPU time.

use cwmp_examples::http_floor;

#[test]
fn every_session_runs_its_five_posts_and_the_server_cpu_is_counted() {
    let report = http_floor::run(1000, 8).expect("the floor run");
    // Each session checks the status of its five answers (a 204 only for the last).
    assert_eq!(report.sessions, 1000);
    // 1,000 connections and 5,000 exchanges take the server's threads well over one clock tick
    // (10 ms) of CPU in a test build; the clients' threads are not counted.
    assert!(
        report.server_cpu.total() >= std::time::Duration::from_millis(10),
        "{report}"
    );
    assert!(report.to_string().contains("sessions: 1000"), "{report}");
}
