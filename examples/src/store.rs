//! Where the example ACS keeps sessions and device records: in the process's memory, or in
//! Redis shared by any number of ACS nodes ([`Store::open`] with `memory` or
//! `redis://HOST:PORT`).
//!
//! The store holds opaque bytes (the ACS serializes its records); it knows only what the
//! cluster protocol needs:
//!
//! * **Sessions** under their key, each with the revision of its
//!   [`cwmp_session::acs::SavedSession`]. A write is a compare-and-set on that revision
//!   ([`Store::compare_and_set`]): it happens only if the stored revision is still the one the
//!   writer loaded (or, for a new session, if there is none), and writes the device record
//!   given with it in the same step. On Redis it is one Lua script, so it is atomic and one
//!   round trip.
//! * **Deadlines** of live sessions in one index; [`Store::due`] lists the sessions whose
//!   deadline passed, for a sweeper that any node may run (under [`Store::try_lock`]).
//! * **TTLs**: a live session expires `grace` after its deadline even if no sweeper runs; an
//!   ended one is kept `ended_ttl` to answer a retry of its last POST, then disappears.
//! * **Locks** with a token and a TTL ([`Store::try_lock`], [`Store::lock`],
//!   [`Store::unlock`]): the per-device lock that keeps one session per device at a time, and
//!   the sweeper's. The compare-and-set still guards the state if a holder stalls past the TTL.
//!
//! Redis layout (prefix `cwmp` by default): `PREFIX:s:KEY` a hash (`rev`, `state`),
//! `PREFIX:deadlines` a sorted set (score: deadline in unix ms), `PREFIX:d:SERIAL` a device
//! record, `PREFIX:lock:NAME` a lock token. A Redis Cluster would need the keys of one write
//! in one hash slot; this store targets one Redis (with its replicas).

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Store settings.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct StoreConfig {
    /// How long a live session outlives its deadline when no sweeper ends it (default 60 s).
    pub grace: Duration,
    /// How long an ended session is kept to answer a retry of its last POST (default 30 s).
    pub ended_ttl: Duration,
    /// Prefix of every Redis key (default `cwmp`), so several fleets or tests share one Redis.
    pub prefix: String,
}

impl Default for StoreConfig {
    fn default() -> Self {
        Self {
            grace: Duration::from_secs(60),
            ended_ttl: Duration::from_secs(30),
            prefix: "cwmp".to_owned(),
        }
    }
}

/// A store failure (Redis unreachable, a reply of the wrong shape).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError(pub String);

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "store: {}", self.0)
    }
}

impl std::error::Error for StoreError {}

impl From<redis::RedisError> for StoreError {
    fn from(e: redis::RedisError) -> Self {
        Self(e.to_string())
    }
}

/// What [`Store::compare_and_set_or_load`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CasOutcome {
    /// Written.
    Written,
    /// Another writer came first: what is stored now (the session, if any, and its device's
    /// record).
    Conflict(Option<Stored>, Option<Vec<u8>>),
    /// Not written: a new session or a new device would pass a cluster-wide cap
    /// ([`Write::caps`]).
    Full(Cap),
}

/// A cluster-wide cap a write would pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Cap {
    /// Live sessions (those with a deadline).
    Sessions,
    /// Device records.
    Devices,
}

/// Cluster-wide caps checked by the write that creates a session or a device record, in the
/// same atomic step (so racing nodes cannot pass them together).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caps {
    /// Live sessions at most.
    pub sessions: usize,
    /// Device records at most.
    pub devices: usize,
}

/// A session as stored: its revision and the writer's bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// The revision of the session state inside.
    pub revision: u64,
    /// The bytes written.
    pub state: Vec<u8>,
}

/// One compare-and-set write of a session (and of its device's record).
#[derive(Debug, Clone, Copy)]
pub struct Write<'a> {
    /// The session's key.
    pub key: &'a str,
    /// The revision the writer loaded; `None` for a new session (then no session may exist
    /// under the key).
    pub expected: Option<u64>,
    /// The revision of the state written.
    pub revision: u64,
    /// The state.
    pub state: &'a [u8],
    /// The session's deadline; `None` once it has ended (then it is kept `ended_ttl` for
    /// retries and never swept).
    pub deadline: Option<SystemTime>,
    /// A device record (serial number, bytes) written in the same step.
    pub device: Option<(&'a str, &'a [u8])>,
    /// Whether the device record's bytes differ from those loaded (an unchanged record is not
    /// sent again; the session still names its device).
    pub device_changed: bool,
    /// A lock (name, token) released in the same step if it still holds the token: the
    /// device's lock an Inform took.
    pub unlock: Option<(&'a str, &'a str)>,
    /// Caps a new session (`expected` `None`) or a new device record must stay under.
    pub caps: Option<Caps>,
    /// When the device's Connection Request, sent after this write, is due again if the
    /// device has not come by then (the sending node may die): see
    /// [`Store::due_connection_requests`].
    pub connection_request_due: Option<SystemTime>,
}

/// Sessions, device records and locks; cheap to share behind an `Arc`.
#[derive(Debug)]
pub struct Store {
    backend: Backend,
    config: StoreConfig,
    round_trips: AtomicU64,
}

#[derive(Debug)]
enum Backend {
    Memory(Mutex<Memory>),
    Redis(Redis),
}

#[derive(Debug, Default)]
struct Memory {
    sessions: HashMap<String, MemorySession>,
    devices: HashMap<String, Vec<u8>>,
    locks: HashMap<String, (String, Instant)>,
    secret: Option<Vec<u8>>,
    connection_requests: HashMap<String, SystemTime>,
}

#[derive(Debug)]
struct MemorySession {
    stored: Stored,
    deadline: Option<SystemTime>,
    expires: Instant,
    serial: Option<String>,
}

struct Redis {
    connection: redis::aio::MultiplexedConnection,
    cas: lua::Lua,
    load: lua::Lua,
    lock_get: lua::Lua,
    unlock: lua::Lua,
    deadlines: String,
    connection_requests: String,
    device_set: String,
    /// The prefix of device record keys (`PREFIX:d:`), which the scripts complete.
    device_prefix: String,
}

impl std::fmt::Debug for Redis {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Redis")
            .field("deadlines", &self.deadlines)
            .finish_non_exhaustive()
    }
}

/// The compare-and-set: KEYS session hash, deadline index, device key, Connection Request
/// index, lock key; ARGV expected revision (empty: none may exist), new revision, state, TTL
/// ms, deadline ms (empty: ended), session key (the index member), device record (empty:
/// unchanged or none), serial number (empty: none), Connection Request due ms (empty: none),
/// lock token (empty: no lock to release), device key prefix, the cap on live sessions and
/// on device records (empty: none; KEYS[6] the set of devices). On a conflict it writes
/// nothing and returns what is stored (revision, state, device record), so that the writer
/// redoes its work without another round trip; `{2}` or `{3}` when a new session or a new
/// device would pass its cap.
const CAS_SCRIPT: &str = r"
local current = redis.call('HGET', KEYS[1], 'rev')
if (ARGV[1] == '' and current) or (ARGV[1] ~= '' and current ~= ARGV[1]) then
  if not current then return {0} end
  local v = redis.call('HMGET', KEYS[1], 'state', 'serial')
  local device = false
  if v[2] and v[2] ~= '' then
    device = redis.call('GET', ARGV[11] .. v[2])
  end
  return {0, current, v[1], device}
end
if ARGV[1] == '' and ARGV[12] ~= '' and ARGV[5] ~= ''
    and redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[12]) then
  return {2}
end
local new_device = ARGV[7] ~= '' and redis.call('SISMEMBER', KEYS[6], ARGV[8]) == 0
if new_device and ARGV[13] ~= '' and redis.call('SCARD', KEYS[6]) >= tonumber(ARGV[13]) then
  return {3}
end
if new_device then
  redis.call('SADD', KEYS[6], ARGV[8])
end
redis.call('HSET', KEYS[1], 'rev', ARGV[2], 'state', ARGV[3], 'serial', ARGV[8])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
if ARGV[5] == '' then
  redis.call('ZREM', KEYS[2], ARGV[6])
else
  redis.call('ZADD', KEYS[2], ARGV[5], ARGV[6])
end
if ARGV[7] ~= '' then
  redis.call('SET', KEYS[3], ARGV[7])
end
if ARGV[9] ~= '' then
  redis.call('ZADD', KEYS[4], ARGV[9], ARGV[8])
end
if ARGV[10] ~= '' and redis.call('GET', KEYS[5]) == ARGV[10] then
  redis.call('DEL', KEYS[5])
end
return {1}
";

/// Takes a lock and reads a device record in one round trip: KEYS lock key, device key;
/// ARGV token, TTL ms. Returns `{1, record or false}`, or `{0}` if the lock is taken.
const LOCK_GET_SCRIPT: &str = r"
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return {0}
end
return {1, redis.call('GET', KEYS[2])}
";

/// A session and its device's record in one round trip: KEYS session hash; ARGV the device
/// key prefix (the serial number stored with the session completes it).
const LOAD_SCRIPT: &str = r"
local v = redis.call('HMGET', KEYS[1], 'rev', 'state', 'serial')
local device = false
if v[3] and v[3] ~= '' then
  device = redis.call('GET', ARGV[1] .. v[3])
end
return {v[1], v[2], device}
";

/// Deletes a lock only if it still holds the caller's token.
const UNLOCK_SCRIPT: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
";

/// Item `i` of a script's reply (`None` where it is missing or nil).
fn item<T: redis::FromRedisValue>(
    items: &[redis::Value],
    i: usize,
) -> Result<Option<T>, StoreError> {
    match items.get(i) {
        None | Some(redis::Value::Nil) => Ok(None),
        Some(v) => Ok(Some(T::from_redis_value(v)?)),
    }
}

#[path = "store_fleet.rs"]
mod fleet;
#[path = "store_locks.rs"]
mod locks;
#[path = "store_lua.rs"]
mod lua;

fn unix_ms(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX).max(1)
}

impl Store {
    /// Opens `memory` or `redis://HOST:PORT[/DB]` (checked with a PING).
    pub async fn open(spec: &str, config: StoreConfig) -> Result<Self, StoreError> {
        let backend = if spec == "memory" {
            Backend::Memory(Mutex::new(Memory::default()))
        } else if spec.starts_with("redis://") {
            let client = redis::Client::open(spec)?;
            let mut connection = client.get_multiplexed_async_connection().await?;
            let _: String = redis::cmd("PING").query_async(&mut connection).await?;
            Backend::Redis(Redis {
                connection,
                cas: lua::Lua::new(CAS_SCRIPT),
                load: lua::Lua::new(LOAD_SCRIPT),
                lock_get: lua::Lua::new(LOCK_GET_SCRIPT),
                unlock: lua::Lua::new(UNLOCK_SCRIPT),
                deadlines: format!("{}:deadlines", config.prefix),
                connection_requests: format!("{}:connection-requests", config.prefix),
                device_set: format!("{}:devices", config.prefix),
                device_prefix: format!("{}:d:", config.prefix),
            })
        } else {
            return Err(StoreError(format!(
                "{spec:?}: expected memory or redis://HOST:PORT"
            )));
        };
        Ok(Self {
            backend,
            config,
            round_trips: AtomicU64::new(0),
        })
    }

    /// Whether this is a Redis store.
    pub fn is_shared(&self) -> bool {
        matches!(self.backend, Backend::Redis(_))
    }

    /// The CPU time the Redis server has used since it started (`INFO cpu`); `None` for
    /// memory or if it does not say. Not counted in [`Store::round_trips`].
    pub async fn server_cpu(&self) -> Option<Duration> {
        let Backend::Redis(r) = &self.backend else {
            return None;
        };
        let info: String = redis::cmd("INFO")
            .arg("cpu")
            .query_async(&mut r.connection.clone())
            .await
            .ok()?;
        crate::cpu::redis_info_cpu(&info)
    }

    /// Requests sent to Redis so far (0 for memory): each command or script is one round trip.
    pub fn round_trips(&self) -> u64 {
        self.round_trips.load(Ordering::Relaxed)
    }

    fn redis(&self, r: &Redis) -> redis::aio::MultiplexedConnection {
        self.round_trips.fetch_add(1, Ordering::Relaxed);
        r.connection.clone()
    }

    fn key(&self, kind: &str, name: &str) -> String {
        let prefix = &self.config.prefix;
        let mut key = String::with_capacity(prefix.len() + kind.len() + name.len() + 2);
        for part in [prefix.as_str(), ":", kind, ":", name] {
            key.push_str(part);
        }
        key
    }

    fn memory(m: &Mutex<Memory>) -> std::sync::MutexGuard<'_, Memory> {
        m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// How long a written session lives.
    fn ttl(&self, deadline: Option<SystemTime>, now: SystemTime) -> Duration {
        match deadline {
            Some(d) => d.duration_since(now).unwrap_or_default() + self.config.grace,
            None => self.config.ended_ttl,
        }
    }

    /// The session stored under `key`, if any (and not expired).
    pub async fn load(&self, key: &str) -> Result<Option<Stored>, StoreError> {
        match &self.backend {
            Backend::Memory(m) => {
                let mut m = Self::memory(m);
                let now = Instant::now();
                if m.sessions.get(key).is_some_and(|s| s.expires <= now) {
                    m.sessions.remove(key);
                }
                Ok(m.sessions.get(key).map(|s| s.stored.clone()))
            }
            Backend::Redis(r) => {
                let (rev, state): (Option<u64>, Option<Vec<u8>>) = redis::cmd("HMGET")
                    .arg(self.key("s", key))
                    .arg("rev")
                    .arg("state")
                    .query_async(&mut self.redis(r))
                    .await?;
                Ok(rev
                    .zip(state)
                    .map(|(revision, state)| Stored { revision, state }))
            }
        }
    }

    /// The session stored under `key` and the record of its device (the one written with it
    /// last), in one round trip.
    pub async fn load_with_device(
        &self,
        key: &str,
    ) -> Result<(Option<Stored>, Option<Vec<u8>>), StoreError> {
        match &self.backend {
            Backend::Memory(m) => {
                let mut m = Self::memory(m);
                let now = Instant::now();
                if m.sessions.get(key).is_some_and(|s| s.expires <= now) {
                    m.sessions.remove(key);
                }
                let Some(s) = m.sessions.get(key) else {
                    return Ok((None, None));
                };
                let stored = s.stored.clone();
                let device = s.serial.as_ref().and_then(|d| m.devices.get(d).cloned());
                Ok((Some(stored), device))
            }
            Backend::Redis(r) => {
                let session = self.key("s", key);
                let devices = &r.device_prefix;
                let (rev, state, device): (Option<u64>, Option<Vec<u8>>, Option<Vec<u8>>) = r
                    .load
                    .run(
                        &mut self.redis(r),
                        1,
                        session.len() + devices.len(),
                        |cmd| {
                            cmd.arg(&session).arg(devices);
                        },
                    )
                    .await?;
                let stored = rev
                    .zip(state)
                    .map(|(revision, state)| Stored { revision, state });
                Ok((stored, device))
            }
        }
    }

    /// Writes a session if its stored revision is still `write.expected` (see [`Write`]);
    /// `Ok(false)` if another writer came first (load again and redo the work).
    pub async fn compare_and_set(&self, write: Write<'_>) -> Result<bool, StoreError> {
        Ok(self.compare_and_set_or_load(write).await? == CasOutcome::Written)
    }

    /// [`Store::compare_and_set`] that, when another writer came first, returns what is
    /// stored now (the session, if any, and its device's record), read in the same round
    /// trip: the writer redoes its work on it without loading again.
    pub async fn compare_and_set_or_load(
        &self,
        write: Write<'_>,
    ) -> Result<CasOutcome, StoreError> {
        let now = SystemTime::now();
        let ttl = self.ttl(write.deadline, now);
        match &self.backend {
            Backend::Memory(m) => {
                let mut m = Self::memory(m);
                let instant = Instant::now();
                if m.sessions
                    .get(write.key)
                    .is_some_and(|s| s.expires <= instant)
                {
                    m.sessions.remove(write.key);
                }
                let current = m.sessions.get(write.key).map(|s| s.stored.revision);
                if current != write.expected {
                    let Some(s) = m.sessions.get(write.key) else {
                        return Ok(CasOutcome::Conflict(None, None));
                    };
                    let stored = s.stored.clone();
                    let device = s.serial.as_ref().and_then(|d| m.devices.get(d).cloned());
                    return Ok(CasOutcome::Conflict(Some(stored), device));
                }
                if let Some(caps) = write.caps {
                    let live = || {
                        m.sessions
                            .values()
                            .filter(|s| s.expires > instant && s.deadline.is_some())
                            .count()
                    };
                    if write.expected.is_none()
                        && write.deadline.is_some()
                        && live() >= caps.sessions
                    {
                        return Ok(CasOutcome::Full(Cap::Sessions));
                    }
                    let new_device = write.device.is_some_and(|(serial, _)| {
                        write.device_changed && !m.devices.contains_key(serial)
                    });
                    if new_device && m.devices.len() >= caps.devices {
                        return Ok(CasOutcome::Full(Cap::Devices));
                    }
                }
                m.sessions.insert(
                    write.key.to_owned(),
                    MemorySession {
                        stored: Stored {
                            revision: write.revision,
                            state: write.state.to_vec(),
                        },
                        deadline: write.deadline,
                        expires: instant + ttl,
                        serial: write.device.map(|(serial, _)| serial.to_owned()),
                    },
                );
                if let Some((serial, record)) = write.device {
                    if write.device_changed {
                        m.devices.insert(serial.to_owned(), record.to_vec());
                    }
                    if let Some(due) = write.connection_request_due {
                        m.connection_requests.insert(serial.to_owned(), due);
                    }
                }
                if let Some((name, token)) = write.unlock {
                    if m.locks.get(name).is_some_and(|(t, _)| t == token) {
                        m.locks.remove(name);
                    }
                }
                Ok(CasOutcome::Written)
            }
            Backend::Redis(r) => {
                let (device_key, serial, device) = match write.device {
                    Some((serial, record)) => (
                        self.key("d", serial),
                        serial,
                        if write.device_changed {
                            record
                        } else {
                            &[][..]
                        },
                    ),
                    None => (r.device_prefix.clone(), "", &[][..]),
                };
                let (lock_key, token) = match write.unlock {
                    Some((name, token)) => (self.key("lock", name), token),
                    None => (self.key("lock", ""), ""),
                };
                let session = self.key("s", write.key);
                let devices = &r.device_prefix;
                let size = write.state.len() + device.len() + 512;
                let reply: redis::Value = r
                    .cas
                    .run(&mut self.redis(r), 6, size, |cmd| {
                        cmd.arg(&session)
                            .arg(&r.deadlines)
                            .arg(&device_key)
                            .arg(&r.connection_requests)
                            .arg(&lock_key)
                            .arg(&r.device_set);
                        optional(cmd, write.expected);
                        cmd.arg(write.revision).arg(write.state).arg(millis(ttl));
                        optional(cmd, write.deadline.map(unix_ms));
                        cmd.arg(write.key).arg(device).arg(serial);
                        optional(
                            cmd,
                            write
                                .connection_request_due
                                .filter(|_| !serial.is_empty())
                                .map(unix_ms),
                        );
                        cmd.arg(token).arg(devices);
                        optional(cmd, write.caps.map(|c| c.sessions));
                        optional(cmd, write.caps.map(|c| c.devices));
                    })
                    .await?;
                let items: Vec<redis::Value> = redis::FromRedisValue::from_redis_value(&reply)?;
                match item::<i64>(&items, 0)?.unwrap_or(0) {
                    1 => return Ok(CasOutcome::Written),
                    2 => return Ok(CasOutcome::Full(Cap::Sessions)),
                    3 => return Ok(CasOutcome::Full(Cap::Devices)),
                    _ => {}
                }
                let (rev, state, device): (Option<u64>, Option<Vec<u8>>, Option<Vec<u8>>) =
                    (item(&items, 1)?, item(&items, 2)?, item(&items, 3)?);
                let stored = rev
                    .zip(state)
                    .map(|(revision, state)| Stored { revision, state });
                Ok(CasOutcome::Conflict(stored, device))
            }
        }
    }
}

/// A number, or the empty string for none (as the scripts read their optional arguments).
fn optional<T: redis::ToRedisArgs>(cmd: &mut redis::Cmd, value: Option<T>) {
    match value {
        Some(v) => cmd.arg(v),
        None => cmd.arg(""),
    };
}
