//! What the example ACS does with a session's outputs and events: replies, the provisioning
//! policy's reactions (RPCs to queue, answers to check), device records, the end of a session
//! and the Connection Requests that follow, and the timeouts of the sessions in memory.

use super::*;

impl State {
    /// Handles every output of a session; returns the HTTP reply it produced.
    pub(super) fn drain(self: &Arc<Self>, running: &mut Running, now: SystemTime) -> Option<Reply> {
        let mut reply = None;
        while let Some(output) = running.session.poll_output() {
            match output {
                Output::SendHttp(r) => {
                    let status = StatusCode::from_u16(r.status).unwrap_or(StatusCode::OK);
                    reply = Some(Reply {
                        status,
                        body: r.body,
                        headers: Vec::new(),
                    });
                }
                Output::Event(event) => self.on_event(running, event, now),
                _ => {}
            }
        }
        reply
    }

    pub(super) fn on_event(self: &Arc<Self>, running: &mut Running, event: Event, now: SystemTime) {
        match event {
            Event::Inform { inform, .. } => {
                if let (Some(creds), Some(identity)) =
                    (&self.config.cpe_credentials, &running.identity)
                {
                    if !creds.may_speak_for(identity, &inform.device_id) {
                        running.refused = Some(StatusCode::FORBIDDEN);
                        if self.config.verbose {
                            eprintln!(
                                "acs: {} refused: an Inform for {}",
                                log_text(identity),
                                log_text(&inform.device_id.serial_number)
                            );
                        }
                        return;
                    }
                }
                let id = &inform.device_id;
                if [
                    (&id.manufacturer, 64),
                    (&id.oui, 6),
                    (&id.product_class, 64),
                    (&id.serial_number, 64),
                ]
                .iter()
                .any(|(field, max)| field.chars().count() > *max)
                {
                    // TR-069 Table 36: DeviceIdStruct sizes.
                    running.refused = Some(StatusCode::BAD_REQUEST);
                    return;
                }
                let serial = inform.device_id.serial_number.clone();
                self.abandon_previous(running, &serial);
                let codes = inform.event.iter().map(|e| e.event_code.clone()).collect();
                let _ = self.informs.send((serial.clone(), codes));
                if self.config.verbose {
                    let events: Vec<_> =
                        inform.event.iter().map(|e| e.event_code.as_str()).collect();
                    eprintln!(
                        "acs: {}: Inform [{}]",
                        log_text(&serial),
                        log_text(&events.join(", "))
                    );
                }
                let begin = |record: &mut DeviceRecord| {
                    record.in_session = true;
                    if let Some(url) = connection_request_url(&inform) {
                        record.connection_request_url = Some(url);
                    }
                    record.targets.update(&inform);
                    record.policy.on_inform(&inform)
                };
                let requests = match &mut running.device {
                    // With a shared store: the record loaded (under the device's lock) for
                    // the serial number the POST was routed by; another one is refused.
                    Some((s, record)) if *s == serial => begin(record),
                    Some(_) => {
                        running.refused = Some(StatusCode::BAD_REQUEST);
                        return;
                    }
                    None => {
                        let mut devices = self.devices.lock().expect("lock");
                        if !devices.contains_key(&serial)
                            && devices.len() >= self.config.max_devices
                        {
                            running.refused = Some(StatusCode::SERVICE_UNAVAILABLE);
                            return;
                        }
                        let record = devices
                            .entry(serial.clone())
                            .or_insert_with(|| self.new_device_record());
                        self.tracked(record, begin)
                    }
                };
                running.serial = Some(serial);
                self.queue(running, requests, now);
                self.progress.notify_waiters();
            }
            Event::CpeRequest {
                handle,
                request,
                answered,
            } => {
                Stats::bump(&running.stats.rpcs);
                let follow_ups = match &request {
                    Request::TransferComplete(tc) => self
                        .with_device(running, |d| d.policy.on_transfer_complete(tc))
                        .unwrap_or_default(),
                    _ => Vec::new(),
                };
                if !answered {
                    let reply = match &request {
                        Request::Kicked(_) => {
                            RpcReply::Response(KickedResponse::new(self.base_url.clone()).into())
                        }
                        Request::TransferComplete(_) => {
                            RpcReply::Response(TransferCompleteResponse::default().into())
                        }
                        _ => RpcReply::fault(FaultCode::MethodNotSupported),
                    };
                    let _ = running.session.respond(now, handle, reply);
                }
                self.queue(running, follow_ups, now);
            }
            Event::RpcResponse { handle, response } => {
                Stats::bump(&running.stats.rpcs);
                self.answered(running, handle, Ok(&response), now);
            }
            Event::RpcFault { handle, fault } => {
                Stats::bump(&running.stats.rpcs);
                self.answered(running, handle, Err(&fault), now);
            }
            Event::RpcFailed { handle, reason } => {
                let req = running.asked.remove(&handle);
                self.with_device(running, |d| {
                    d.policy.problems.push(format!(
                        "{} failed: {reason:?}",
                        req.as_ref().map_or("?", Request::method_name)
                    ));
                    // Asked again in the device's next session.
                    if let Some(req) = req {
                        d.policy.on_rpc_failed(req);
                    }
                });
            }
            Event::AwaitingRequests => running.session.finish(now),
            Event::Diagnostic(d) if self.config.verbose => {
                eprintln!(
                    "acs: {} {:?}: {} {}",
                    log_text(running.serial.as_deref().unwrap_or("(no Inform)")),
                    d.kind,
                    log_text(d.message),
                    log_text(&d.detail)
                );
            }
            Event::SessionEnded(reason) => {
                Stats::bump(&running.stats.sessions);
                if !matches!(reason, EndReason::Completed | EndReason::NoSession) {
                    Stats::bump(&running.stats.failures);
                    self.with_device(running, |d| {
                        d.policy.problems.push(format!("session ended: {reason:?}"));
                    });
                }
                if self.config.verbose {
                    let serial = running.serial.as_deref().unwrap_or("(no Inform)");
                    eprintln!("acs: {}: session ended: {reason:?}", log_text(serial));
                }
            }
            _ => {}
        }
    }

    /// The device has walked away from its open session (it Informs again): that session is
    /// dropped, if it belongs to the same identity.
    pub(super) fn abandon_previous(&self, running: &Running, serial: &str) {
        let mut sessions = self.sessions.lock().expect("lock");
        let Some(&old_id) = sessions.by_serial.get(serial) else {
            return;
        };
        if old_id == running.id
            || sessions.by_id.get(&old_id).map(|o| &o.identity) != Some(&running.identity)
        {
            return;
        }
        if let Some(old) = sessions.by_id.remove(&old_id) {
            sessions.forget(&old);
            if self.config.verbose {
                eprintln!(
                    "acs: {}: session abandoned by a new Inform",
                    log_text(serial)
                );
            }
        }
    }

    /// A record for a device seen for the first time.
    pub(super) fn new_device_record(&self) -> DeviceRecord {
        let mut policy = Provisioning::new(
            self.config.periodic_interval,
            format!("{}/firmware.bin", self.base_url),
        );
        policy.download_delay_seconds = self.config.download_delay_seconds;
        DeviceRecord {
            policy,
            connection_request_url: None,
            connection_request_sent: false,
            targets: Targets::default(),
            in_session: false,
            session: None,
            inform_nonces: Vec::new(),
        }
    }

    pub(super) fn with_device<T>(
        &self,
        running: &mut Running,
        f: impl FnOnce(&mut DeviceRecord) -> T,
    ) -> Option<T> {
        if let Some((_, record)) = &mut running.device {
            // With a shared store: the record written back with the session (the counters
            // of `Acs::summary` follow once it is written).
            let out = f(record);
            record.policy.problems.truncate(MAX_PROBLEMS);
            return Some(out);
        }
        let serial = running.serial.as_ref()?;
        let mut devices = self.devices.lock().expect("lock");
        devices.get_mut(serial).map(|d| self.tracked(d, f))
    }

    /// Runs `f` on a device record, keeping the counters of [`Acs::summary`] and the
    /// record's list of problems bounded.
    pub(super) fn tracked<T>(
        &self,
        d: &mut DeviceRecord,
        f: impl FnOnce(&mut DeviceRecord) -> T,
    ) -> T {
        let was_done = d.policy.stage == Stage::Done;
        let had = d.policy.problems.len();
        let out = f(d);
        d.policy.problems.truncate(MAX_PROBLEMS);
        let is_done = d.policy.stage == Stage::Done;
        if is_done != was_done {
            if is_done {
                self.done.fetch_add(1, Ordering::Relaxed);
            } else {
                self.done.fetch_sub(1, Ordering::Relaxed);
            }
        }
        let now = d.policy.problems.len();
        if now > had {
            self.problem_count.fetch_add(now - had, Ordering::Relaxed);
        }
        out
    }

    pub(super) fn answered(
        &self,
        running: &mut Running,
        handle: RpcHandle,
        answer: Result<&Response, &cwmp_types::Fault>,
        now: SystemTime,
    ) {
        let Some(req) = running.asked.remove(&handle) else {
            return;
        };
        let follow_ups = self
            .with_device(running, |d| d.policy.on_answer(&req, answer))
            .unwrap_or_default();
        self.queue(running, follow_ups, now);
    }

    pub(super) fn queue(&self, running: &mut Running, requests: Vec<Request>, now: SystemTime) {
        for r in requests {
            match running.session.queue_request(now, r.clone()) {
                Ok(handle) => {
                    running.asked.insert(handle, r);
                }
                Err(e) => {
                    self.with_device(running, |d| {
                        d.policy
                            .problems
                            .push(format!("cannot queue {}: {e}", r.method_name()));
                    });
                }
            }
        }
    }

    /// A session is over: forget it, and send a Connection Request if the policy wants one.
    pub(super) fn finished(self: &Arc<Self>, running: &Running) {
        let Some(serial) = &running.serial else {
            return;
        };
        let target = {
            let mut devices = self.devices.lock().expect("lock");
            let Some(d) = devices.get_mut(serial) else {
                return;
            };
            d.in_session = false;
            if d.policy.wants_connection_request() && !d.connection_request_sent {
                d.connection_request_sent = true;
                Some(d.connection_request_targets())
            } else {
                None
            }
        };
        self.signal(serial);
        if let Some(targets) = target {
            let state = self.clone();
            let serial = serial.clone();
            tokio::spawn(async move {
                let _ = state.send_connection_request(&serial, &targets).await;
            });
        }
    }

    /// Sends a Connection Request by the path the device's published addresses allow
    /// ([`natcr::deliver`]); logs the outcome, and records a failure as a problem of the device.
    pub(super) async fn send_connection_request(
        self: &Arc<Self>,
        serial: &str,
        targets: &Targets,
    ) -> Result<Delivery, String> {
        let credentials = &self.config.connection_request_credentials;
        let result =
            natcr::deliver(targets, self.xmpp.as_ref(), credentials, os_random::<8>()).await;
        match &result {
            Ok(delivery) if self.config.verbose => {
                eprintln!(
                    "acs: {}: connection request over {}: ok",
                    log_text(serial),
                    delivery.path
                );
                for line in &delivery.detail {
                    eprintln!("acs:     {}", log_text(line));
                }
            }
            Ok(_) => {}
            Err((path, e)) => {
                if self.config.verbose {
                    eprintln!(
                        "acs: {}: connection request over {path}: {}",
                        log_text(serial),
                        log_text(e)
                    );
                }
                Stats::bump(&self.stats.failures);
                {
                    let mut devices = self.devices.lock().expect("lock");
                    if let Some(d) = devices.get_mut(serial) {
                        self.tracked(d, |d| {
                            d.policy
                                .problems
                                .push(format!("connection request over {path}: {e}"));
                        });
                    }
                }
                self.signal(serial);
            }
        }
        result.map_err(|(path, e)| format!("{path}: {e}"))
    }

    /// Wakes whoever waits on this device, and on any progress.
    pub(super) fn signal(&self, serial: &str) {
        self.progress.notify_waiters();
        if let Some(n) = self.watchers.0.lock().expect("lock").get(serial) {
            n.notify_one();
        }
    }

    /// Feeds the clock to every session; ends the ones that timed out.
    pub(super) fn expire(self: &Arc<Self>) {
        let now = SystemTime::now();
        let due: Vec<u64> = {
            let sessions = self.sessions.lock().expect("lock");
            sessions
                .by_id
                .iter()
                .filter(|(_, r)| r.session.poll_timeout().is_some_and(|t| t <= now))
                .map(|(id, _)| *id)
                .collect()
        };
        for id in due {
            let Some(mut running) = self.sessions.lock().expect("lock").by_id.remove(&id) else {
                continue;
            };
            let _ = running.session.handle_input(acs::Input::Timeout(now));
            let _ = self.drain(&mut running, now);
            if running.session.is_ended() {
                self.sessions.lock().expect("lock").forget(&running);
                self.finished(&running);
            } else {
                self.sessions.lock().expect("lock").put(running);
            }
        }
    }
}

/// `Device.ManagementServer.ConnectionRequestURL` (or the TR-098 one) from the Inform.
pub(super) fn connection_request_url(inform: &Inform) -> Option<String> {
    inform
        .parameter_list
        .iter()
        .find(|p| {
            p.name
                .as_str()
                .ends_with("ManagementServer.ConnectionRequestURL")
        })
        .map(|p| p.value.text.clone())
        .filter(|u| !u.is_empty() && u.len() <= MAX_URL)
}
