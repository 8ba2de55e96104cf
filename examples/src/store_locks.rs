//! The store's locks: an owner token and a TTL (the per-device lock of an Inform, the
//! sweeper's).

use super::*;

impl Store {
    /// Takes the lock `name` for `ttl` (trying again every few milliseconds for up to `wait`)
    /// and reads the record of device `serial` in the same round trip: `Ok(None)` if the lock
    /// stayed taken, else the record (`None` for a device never written).
    pub async fn lock_and_get_device(
        &self,
        name: &str,
        token: &str,
        ttl: Duration,
        wait: Duration,
        serial: &str,
    ) -> Result<Option<Option<Vec<u8>>>, StoreError> {
        retry_for(wait, || async move {
            match &self.backend {
                Backend::Memory(_) => Ok(if self.try_lock(name, token, ttl).await? {
                    Some(self.device(serial).await?)
                } else {
                    None
                }),
                Backend::Redis(r) => {
                    let lock = self.key("lock", name);
                    let device = self.key("d", serial);
                    let reply: redis::Value = r
                        .lock_get
                        .run(
                            &mut self.redis(r),
                            2,
                            lock.len() + device.len() + 64,
                            |cmd| {
                                cmd.arg(&lock).arg(&device).arg(token).arg(millis(ttl));
                            },
                        )
                        .await?;
                    let items: Vec<redis::Value> = redis::FromRedisValue::from_redis_value(&reply)?;
                    let taken: i64 = item(&items, 0)?.unwrap_or(0);
                    let device: Option<Vec<u8>> = item(&items, 1)?;
                    Ok((taken == 1).then_some(device))
                }
            }
        })
        .await
    }

    /// Takes the lock `name` with `token` for `ttl` if it is free (or expired).
    pub async fn try_lock(
        &self,
        name: &str,
        token: &str,
        ttl: Duration,
    ) -> Result<bool, StoreError> {
        match &self.backend {
            Backend::Memory(m) => {
                let mut m = Self::memory(m);
                let now = Instant::now();
                match m.locks.get(name) {
                    Some((_, expires)) if *expires > now => Ok(false),
                    _ => {
                        m.locks
                            .insert(name.to_owned(), (token.to_owned(), now + ttl));
                        Ok(true)
                    }
                }
            }
            Backend::Redis(r) => {
                let set: Option<String> = redis::cmd("SET")
                    .arg(self.key("lock", name))
                    .arg(token)
                    .arg("NX")
                    .arg("PX")
                    .arg(millis(ttl))
                    .query_async(&mut self.redis(r))
                    .await?;
                Ok(set.is_some())
            }
        }
    }

    /// Takes the lock, trying again every few milliseconds for up to `wait`; `Ok(false)` if it
    /// stayed taken.
    pub async fn lock(
        &self,
        name: &str,
        token: &str,
        ttl: Duration,
        wait: Duration,
    ) -> Result<bool, StoreError> {
        let taken = retry_for(wait, || async move {
            Ok(self.try_lock(name, token, ttl).await?.then_some(()))
        })
        .await?;
        Ok(taken.is_some())
    }

    /// Releases the lock if it still holds `token` (a lock that expired and was taken by
    /// another holder is left alone).
    pub async fn unlock(&self, name: &str, token: &str) -> Result<(), StoreError> {
        match &self.backend {
            Backend::Memory(m) => {
                let mut m = Self::memory(m);
                if m.locks.get(name).is_some_and(|(t, _)| t == token) {
                    m.locks.remove(name);
                }
                Ok(())
            }
            Backend::Redis(r) => {
                let lock = self.key("lock", name);
                let _: i64 = r
                    .unlock
                    .run(&mut self.redis(r), 1, lock.len() + token.len(), |cmd| {
                        cmd.arg(&lock).arg(token);
                    })
                    .await?;
                Ok(())
            }
        }
    }
}

/// Runs `attempt` until it gives `Some`, again after 1, 2, 4, … ms (20 at most) for up to
/// `wait`; `None` if it never did.
async fn retry_for<T, F, Fut>(wait: Duration, mut attempt: F) -> Result<Option<T>, StoreError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Option<T>, StoreError>>,
{
    let give_up = tokio::time::Instant::now() + wait;
    let mut pause = Duration::from_millis(1);
    loop {
        if let Some(got) = attempt().await? {
            return Ok(Some(got));
        }
        if tokio::time::Instant::now() + pause > give_up {
            return Ok(None);
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_millis(20));
    }
}
