//! The store's Lua scripts, run by their SHA1 with every key and argument written straight
//! into one command buffer (`redis::Script`'s invocation keeps a copy of each argument, to
//! resend them with the script's text, and allocates one per argument).

use redis::aio::MultiplexedConnection;
use redis::{Cmd, ErrorKind, FromRedisValue, RedisResult};

/// A Lua script: `EVALSHA`, and on `NOSCRIPT` (the server restarted, or its scripts were
/// flushed) `SCRIPT LOAD` and `EVALSHA` once more.
pub(super) struct Lua {
    code: &'static str,
    sha: String,
}

impl Lua {
    pub(super) fn new(code: &'static str) -> Self {
        Self {
            code,
            sha: redis::Script::new(code).get_hash().to_owned(),
        }
    }

    /// Runs the script with `keys` keys; `fill` writes the keys, then the arguments, into
    /// the command (`size` bytes of them, about: the buffer is allocated once).
    pub(super) async fn run<T: FromRedisValue>(
        &self,
        connection: &mut MultiplexedConnection,
        keys: usize,
        size: usize,
        fill: impl Fn(&mut Cmd),
    ) -> RedisResult<T> {
        let mut loaded = false;
        loop {
            let mut cmd = Cmd::with_capacity(keys + 16, size + self.sha.len() + 64);
            cmd.arg("EVALSHA").arg(&self.sha).arg(keys);
            fill(&mut cmd);
            match cmd.query_async(connection).await {
                Err(e) if e.kind() == ErrorKind::NoScriptError && !loaded => {
                    let _: String = redis::cmd("SCRIPT")
                        .arg("LOAD")
                        .arg(self.code)
                        .query_async(connection)
                        .await?;
                    loaded = true;
                }
                other => return other,
            }
        }
    }
}
