//! The store's indexes and fleet-wide records: session deadlines for the sweeper,
//! Connection Requests due again, device records, and the cluster's shared nonce secret.

use super::*;

impl Store {
    /// Up to `limit` sessions whose deadline is at or before `now`, earliest first.
    pub async fn due(&self, now: SystemTime, limit: usize) -> Result<Vec<String>, StoreError> {
        match &self.backend {
            Backend::Memory(m) => {
                let mut m = Self::memory(m);
                let instant = Instant::now();
                m.sessions.retain(|_, s| s.expires > instant);
                let deadlines = m
                    .sessions
                    .iter()
                    .filter_map(|(k, s)| Some((k, s.deadline?)));
                Ok(earliest(deadlines, now, limit))
            }
            Backend::Redis(r) => self.redis_due(r, &r.deadlines, now, limit).await,
        }
    }

    /// Up to `limit` devices whose Connection Request is due again (see
    /// [`Write::connection_request_due`]).
    pub async fn due_connection_requests(
        &self,
        now: SystemTime,
        limit: usize,
    ) -> Result<Vec<String>, StoreError> {
        match &self.backend {
            Backend::Memory(m) => {
                let m = Self::memory(m);
                Ok(earliest(
                    m.connection_requests.iter().map(|(s, d)| (s, *d)),
                    now,
                    limit,
                ))
            }
            Backend::Redis(r) => self.redis_due(r, &r.connection_requests, now, limit).await,
        }
    }

    /// Up to `limit` members of the sorted set `index` scored at or before `now`.
    async fn redis_due(
        &self,
        r: &Redis,
        index: &str,
        now: SystemTime,
        limit: usize,
    ) -> Result<Vec<String>, StoreError> {
        Ok(redis::cmd("ZRANGEBYSCORE")
            .arg(index)
            .arg("-inf")
            .arg(unix_ms(now))
            .arg("LIMIT")
            .arg(0)
            .arg(limit)
            .query_async(&mut self.redis(r))
            .await?)
    }

    /// Sets when a device's Connection Request is due again (`None`: no longer).
    pub async fn schedule_connection_request(
        &self,
        serial: &str,
        due: Option<SystemTime>,
    ) -> Result<(), StoreError> {
        match &self.backend {
            Backend::Memory(m) => {
                let mut m = Self::memory(m);
                match due {
                    Some(d) => m.connection_requests.insert(serial.to_owned(), d),
                    None => m.connection_requests.remove(serial),
                };
                Ok(())
            }
            Backend::Redis(r) => {
                let mut cmd = match due {
                    Some(d) => {
                        let mut c = redis::cmd("ZADD");
                        c.arg(&r.connection_requests).arg(unix_ms(d));
                        c
                    }
                    None => {
                        let mut c = redis::cmd("ZREM");
                        c.arg(&r.connection_requests);
                        c
                    }
                };
                let _: i64 = cmd.arg(serial).query_async(&mut self.redis(r)).await?;
                Ok(())
            }
        }
    }

    /// Drops `key` from the deadline index (its session expired with its TTL).
    pub async fn forget_deadline(&self, key: &str) -> Result<(), StoreError> {
        match &self.backend {
            Backend::Memory(_) => Ok(()),
            Backend::Redis(r) => {
                let _: i64 = redis::cmd("ZREM")
                    .arg(&r.deadlines)
                    .arg(key)
                    .query_async(&mut self.redis(r))
                    .await?;
                Ok(())
            }
        }
    }

    /// A device's record, if any.
    pub async fn device(&self, serial: &str) -> Result<Option<Vec<u8>>, StoreError> {
        match &self.backend {
            Backend::Memory(m) => Ok(Self::memory(m).devices.get(serial).cloned()),
            Backend::Redis(r) => Ok(redis::cmd("GET")
                .arg(self.key("d", serial))
                .query_async(&mut self.redis(r))
                .await?),
        }
    }

    /// Writes a device record outside a session write (no cap is checked).
    pub async fn put_device(&self, serial: &str, record: &[u8]) -> Result<(), StoreError> {
        match &self.backend {
            Backend::Memory(m) => {
                Self::memory(m)
                    .devices
                    .insert(serial.to_owned(), record.to_vec());
                Ok(())
            }
            Backend::Redis(r) => {
                // The record and the set of devices the cap counts, in one round trip.
                let () = redis::pipe()
                    .atomic()
                    .cmd("SET")
                    .arg(self.key("d", serial))
                    .arg(record)
                    .ignore()
                    .cmd("SADD")
                    .arg(&r.device_set)
                    .arg(serial)
                    .ignore()
                    .query_async(&mut self.redis(r))
                    .await?;
                Ok(())
            }
        }
    }

    /// Every device record (for reports and tests; a scan of the whole fleet).
    pub async fn devices(&self) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        match &self.backend {
            Backend::Memory(m) => Ok(Self::memory(m)
                .devices
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()),
            Backend::Redis(r) => {
                let prefix = self.key("d", "");
                let mut out = Vec::new();
                let mut cursor = 0u64;
                loop {
                    let (next, keys): (u64, Vec<String>) = redis::cmd("SCAN")
                        .arg(cursor)
                        .arg("MATCH")
                        .arg(format!("{prefix}*"))
                        .arg("COUNT")
                        .arg(1000)
                        .query_async(&mut self.redis(r))
                        .await?;
                    if !keys.is_empty() {
                        let values: Vec<Option<Vec<u8>>> = redis::cmd("MGET")
                            .arg(&keys)
                            .query_async(&mut self.redis(r))
                            .await?;
                        for (k, v) in keys.iter().zip(values) {
                            if let Some(v) = v {
                                out.push((k[prefix.len()..].to_owned(), v));
                            }
                        }
                    }
                    if next == 0 {
                        return Ok(out);
                    }
                    cursor = next;
                }
            }
        }
    }

    /// A 32-byte secret shared by every node using this store (for the digest nonces): the
    /// first node to ask sets it from `candidate`, the others read it.
    pub async fn shared_secret(&self, candidate: [u8; 32]) -> Result<[u8; 32], StoreError> {
        let hex = crate::http::hex(&candidate);
        let stored = match &self.backend {
            Backend::Memory(m) => Self::memory(m)
                .secret
                .get_or_insert_with(|| hex.clone().into_bytes())
                .clone(),
            Backend::Redis(r) => {
                let key = format!("{}:secret", self.config.prefix);
                let _: Option<String> = redis::cmd("SET")
                    .arg(&key)
                    .arg(&hex)
                    .arg("NX")
                    .query_async(&mut self.redis(r))
                    .await?;
                let v: Option<Vec<u8>> = redis::cmd("GET")
                    .arg(&key)
                    .query_async(&mut self.redis(r))
                    .await?;
                v.unwrap_or_default()
            }
        };
        let text = std::str::from_utf8(&stored).map_err(|e| StoreError(e.to_string()))?;
        let mut secret = [0u8; 32];
        for (i, b) in secret.iter_mut().enumerate() {
            *b = text
                .get(i * 2..i * 2 + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| StoreError("the shared secret is not 64 hex digits".into()))?;
        }
        Ok(secret)
    }
}

/// Up to `limit` names whose time is at or before `now`, earliest first.
fn earliest<'a>(
    times: impl Iterator<Item = (&'a String, SystemTime)>,
    now: SystemTime,
    limit: usize,
) -> Vec<String> {
    let mut due: Vec<(SystemTime, &String)> = times
        .filter(|(_, t)| *t <= now)
        .map(|(name, t)| (t, name))
        .collect();
    due.sort();
    due.into_iter()
        .take(limit)
        .map(|(_, name)| name.clone())
        .collect()
}
