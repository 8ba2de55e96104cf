//! One boot of the example CPE agent: the session machine driven until the device reboots,
//! resets or the agent stops (Informs with the tree's parameters, the ACS's RPCs answered by
//! the tree, deferred actions after each session, Connection Requests and scheduled
//! Downloads).

use std::time::{Duration, Instant};

use cwmp_session::CpeSession;
use cwmp_session::Reply;
use cwmp_session::cpe::{Deferred, Event, InformArgs, Input, Output};
use cwmp_types::{DateTime, EventCode, EventStruct, Request};
use tokio::sync::watch;

use super::{Agent, BootEnd, sleep_until, unix_now};
use crate::crlisten;
use crate::device::Device;
use crate::natcr::NatPaths;
use crate::support::Stats;

impl Agent {
    /// Drives the machine until the device reboots or the agent is shut down.
    pub(super) async fn run_boot(
        &mut self,
        cpe: &mut CpeSession,
        device: &mut Device,
        connection_requests: &mut Option<crlisten::ConnectionRequests>,
        nat: &mut NatPaths,
        shutdown: &mut watch::Receiver<bool>,
    ) -> BootEnd {
        loop {
            // Changes the device made (a Status following its Enable, ...) are told to the
            // session: `4 VALUE CHANGE`, with a session of its own for an active one.
            if let Err(e) = device.model.notify_session(cpe, Instant::now()) {
                self.report.problems.push(format!("value change: {e}"));
            }
            while let Some(output) = cpe.poll_output() {
                match output {
                    Output::SendHttp(request) => self.send(cpe, request).await,
                    Output::Event(Event::InformDue { .. }) => {
                        self.note(format!("---- session {} ----", self.report.sessions + 1));
                        let mut published = Vec::new();
                        nat.add_inform_parameters(&mut published);
                        device.publish(&published);
                        if let Err(e) = device.model.notify_session(cpe, Instant::now()) {
                            self.report.problems.push(format!("value change: {e}"));
                        }
                        let mut parameters = device.model.inform_parameters();
                        parameters.retain(|p| !published.iter().any(|q| q.name == p.name));
                        parameters.extend(published);
                        let args = InformArgs::new(DateTime::from_unix(unix_now()), parameters);
                        if let Err(e) = cpe.start_session(Instant::now(), args) {
                            self.report
                                .problems
                                .push(format!("cannot start a session: {e}"));
                        }
                    }
                    Output::Event(Event::AcsRequest { handle, request }) => {
                        Stats::bump(&self.stats.rpcs);
                        let now = Instant::now();
                        let answered = device.model.answer_session(cpe, now, unix_now(), &request);
                        let reply = match answered {
                            Some((reply, effects)) => {
                                if matches!(request, Request::SetParameterValues(_)) {
                                    device.follow_settings();
                                }
                                self.take_effects(cpe, &device.model, effects);
                                reply
                            }
                            None => match device.answer(&request) {
                                Ok(response) => Reply::Response(response),
                                Err(fault) => Reply::Fault(fault),
                            },
                        };
                        if let Err(e) = cpe.respond(Instant::now(), handle, reply) {
                            self.report.problems.push(format!("cannot answer: {e}"));
                        }
                        // What the device changed in answer (a Status following its Enable).
                        if let Err(e) = device.model.notify_session(cpe, Instant::now()) {
                            self.report.problems.push(format!("value change: {e}"));
                        }
                    }
                    Output::Event(Event::CpeRequestAcknowledged { .. }) => {
                        self.report.transfers_reported += 1;
                    }
                    Output::Event(Event::SessionEstablished { version }) => {
                        device
                            .model
                            .on_session_event(&Event::SessionEstablished { version });
                    }
                    Output::Event(Event::SessionEnded(end)) => {
                        if self.config.state_file.is_some() {
                            self.stored = Some(device.model.stored());
                        }
                        self.persist(cpe);
                        self.report.sessions += 1;
                        Stats::bump(&self.stats.sessions);
                        self.client.end_session();
                        self.basic = false;
                        if let Err(failure) = &end.result {
                            self.report.failed_sessions += 1;
                            Stats::bump(&self.stats.failures);
                            self.report
                                .problems
                                .push(format!("session failed: {failure}"));
                            let retry = end.retry_at.map_or(String::new(), |at| {
                                format!(
                                    "; retry {} in {:.1}s",
                                    end.retry_count,
                                    at.saturating_duration_since(Instant::now()).as_secs_f64()
                                )
                            });
                            self.note(format!("     session failed: {failure}{retry}"));
                        }
                        // The device's own record of deferred actions duplicates the
                        // machine's; the machine's list is the one acted on.
                        device.take_deferred();
                        for action in end.deferred {
                            match action {
                                Deferred::Reboot { .. } => {
                                    return BootEnd::Reboot {
                                        interrupted_download: None,
                                    };
                                }
                                Deferred::FactoryReset => return BootEnd::FactoryReset,
                                Deferred::Download(download) => {
                                    if self.config.restart_during_download && !self.restart_done {
                                        self.restart_done = true;
                                        self.note("     (power lost during the download)".into());
                                        return BootEnd::Reboot {
                                            interrupted_download: Some(download),
                                        };
                                    }
                                    if download.delay_seconds > 0 {
                                        let delay =
                                            Duration::from_secs(download.delay_seconds.into());
                                        self.note(format!(
                                            "     (download in {}s)",
                                            download.delay_seconds
                                        ));
                                        self.scheduled_downloads
                                            .push((Instant::now() + delay, download));
                                        self.scheduled_downloads.sort_by_key(|(at, _)| *at);
                                    } else {
                                        self.download(cpe, &download).await;
                                    }
                                }
                                other => {
                                    self.report
                                        .problems
                                        .push(format!("unexpected deferred action {other:?}"));
                                }
                            }
                        }
                    }
                    _ => {}
                }
            }
            let deadline = cpe.poll_timeout();
            let next_download = self.scheduled_downloads.first().map(|(at, _)| *at);
            tokio::select! {
                () = sleep_until(deadline) => {
                    let _ = cpe.handle_input(Input::Timeout(Instant::now()));
                }
                () = sleep_until(next_download) => {
                    let (_, download) = self.scheduled_downloads.remove(0);
                    self.download(cpe, &download).await;
                }
                Some(()) = async {
                    match connection_requests.as_mut() {
                        Some(c) => c.recv().await,
                        None => std::future::pending().await,
                    }
                } => {
                    self.note("ACS → CPE  GET Connection Request (digest verified)".into());
                    let event = EventStruct::new(EventCode::ConnectionRequest);
                    if let Err(e) = cpe.queue_event(Instant::now(), event, true) {
                        self.report.problems.push(format!("connection request: {e}"));
                    }
                }
                notice = nat.recv() => {
                    for line in notice.lines {
                        self.note(line);
                    }
                    let codes = [
                        (notice.connection_request, EventCode::ConnectionRequest),
                        (notice.value_change, EventCode::ValueChange),
                    ];
                    for (due, code) in codes {
                        if due {
                            let event = EventStruct::new(code);
                            if let Err(e) = cpe.queue_event(Instant::now(), event, true) {
                                self.report.problems.push(format!("connection request: {e}"));
                            }
                        }
                    }
                }
                changed = shutdown.changed() => {
                    // A dropped sender stops the agent too (rather than waking this loop
                    // forever).
                    if changed.is_err() || *shutdown.borrow() {
                        return BootEnd::Shutdown;
                    }
                }
            }
        }
    }
}
