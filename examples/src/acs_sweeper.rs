//! The shared store's sweeper (any node may run it: ends sessions past their deadline, sends
//! again the Connection Requests a dead node may have lost), and the fleet view a node copies
//! from the store.

use super::*;

impl State {
    /// One round of the sweeper, on the node that gets the sweeper's lock: ends the sessions
    /// past their deadline, as the in-process ACS does, with the same events.
    pub(in crate::acs) async fn sweep(self: &Arc<Self>, store: &Arc<Store>) {
        let now = SystemTime::now();
        Self::prune(&mut self.shared_cache.lock().expect("lock"), Instant::now());
        match store
            .try_lock("sweeper", &self.node_token, SWEEPER_LOCK_TTL)
            .await
        {
            Ok(true) => {}
            _ => return,
        }
        if let Ok(due) = store.due(now, SWEEP_BATCH).await {
            for key in due {
                if let Err(e) = self.expire_shared(store, &key, now).await {
                    if self.config.verbose {
                        eprintln!("acs: sweeping {key}: {}", log_text(&e.to_string()));
                    }
                }
            }
        }
        if let Err(e) = self.resend_connection_requests(store, now).await {
            if self.config.verbose {
                eprintln!("acs: connection requests: {}", log_text(&e.to_string()));
            }
        }
        let _ = store.unlock("sweeper", &self.node_token).await;
    }

    async fn expire_shared(
        self: &Arc<Self>,
        store: &Arc<Store>,
        key: &str,
        now: SystemTime,
    ) -> Result<(), StoreError> {
        drop(self.take_cached(key));
        loop {
            let Some((revision, mut running)) = self.load_running(store, key).await? else {
                return store.forget_deadline(key).await;
            };
            let before = running.session.revision();
            let _ = running.session.handle_input(acs::Input::Timeout(now));
            let _ = self.drain(&mut running, now);
            if running.session.revision() == before {
                // Not due after all (a POST moved its deadline).
                return Ok(());
            }
            if self.write_back(store, key, revision, running).await? {
                return Ok(());
            }
        }
    }

    /// Sends again the Connection Requests whose device has not come since (the node that
    /// sent one may have died before it went out); forgets those of devices that came.
    async fn resend_connection_requests(
        self: &Arc<Self>,
        store: &Arc<Store>,
        now: SystemTime,
    ) -> Result<(), StoreError> {
        let again = Some(now + CONNECTION_REQUEST_RETRY);
        for serial in store.due_connection_requests(now, SWEEP_BATCH).await? {
            let record = store
                .device(&serial)
                .await?
                .and_then(|b| serde_json::from_slice::<DeviceRecord>(&b).ok());
            match record {
                Some(d) if d.policy.wants_connection_request() && !d.in_session => {
                    store.schedule_connection_request(&serial, again).await?;
                    self.send_connection_request_shared(
                        store,
                        &serial,
                        d.connection_request_targets(),
                    );
                }
                Some(d) if d.in_session => {
                    store.schedule_connection_request(&serial, again).await?;
                }
                _ => store.schedule_connection_request(&serial, None).await?,
            }
        }
        Ok(())
    }
}

impl crate::acs::Acs {
    /// With a shared store: copies the device's record from the store into this node's view
    /// (what [`Acs::progress`](crate::acs::Acs::progress) and friends read).
    pub(in crate::acs) async fn refresh_device(&self, serial: &str) {
        let Some(store) = &self.state.config.store else {
            return;
        };
        if let Ok(Some(bytes)) = store.device(serial).await {
            if let Ok(d) = serde_json::from_slice::<DeviceRecord>(&bytes) {
                self.state.cache(serial, d);
            }
        }
    }

    /// With a shared store: copies every device's record from the store into this node's
    /// view, so that [`Acs::progress`](crate::acs::Acs::progress) and
    /// [`Acs::summary`](crate::acs::Acs::summary) report the whole fleet, whichever node served
    /// each device. Without a store, nothing to do.
    pub async fn refresh_from_store(&self) -> Result<(), StoreError> {
        let Some(store) = &self.state.config.store else {
            return Ok(());
        };
        for (serial, bytes) in store.devices().await? {
            if let Ok(d) = serde_json::from_slice::<DeviceRecord>(&bytes) {
                self.state.cache(&serial, d);
            }
        }
        Ok(())
    }
}
