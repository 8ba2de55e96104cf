//! Small helpers of the example binaries: hand-parsed `--flag value` arguments, run
//! statistics, peak memory from `/proc/self/status`, and peer text made safe for log lines.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};

/// `--name value` flags (and bare `--name` switches), parsed by hand.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Flags {
    values: BTreeMap<String, Option<String>>,
}

impl Flags {
    /// Parses the arguments after the program name; `known` lists `(name, takes_value)`.
    pub fn parse(
        args: impl IntoIterator<Item = String>,
        known: &[(&str, bool)],
    ) -> Result<Self, String> {
        let mut values = BTreeMap::new();
        let mut it = args.into_iter();
        while let Some(a) = it.next() {
            let Some(name) = a.strip_prefix("--") else {
                return Err(format!("unexpected argument {a:?}"));
            };
            let (name, inline) = match name.split_once('=') {
                Some((n, v)) => (n, Some(v.to_owned())),
                None => (name, None),
            };
            let Some(&(_, takes)) = known.iter().find(|(k, _)| *k == name) else {
                return Err(format!("unknown flag --{name}"));
            };
            let v = if takes {
                Some(match inline {
                    Some(v) => v,
                    None => it.next().ok_or_else(|| format!("--{name} needs a value"))?,
                })
            } else if inline.is_some() {
                return Err(format!("--{name} takes no value"));
            } else {
                None
            };
            values.insert(name.to_owned(), v);
        }
        Ok(Self { values })
    }

    /// The value of a flag.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name)?.as_deref()
    }

    /// Whether a switch was given.
    pub fn has(&self, name: &str) -> bool {
        self.values.contains_key(name)
    }

    /// Reads the process's arguments with `known` and builds a program's settings with
    /// `build`. `--help` (which `known` must list) prints `usage` and ends with success; an
    /// unknown flag or a bad value prints the reason and `usage` and ends with exit code 2.
    /// `Err` carries the code the program exits with.
    pub fn command_line<T>(
        known: &[(&str, bool)],
        usage: &str,
        build: impl FnOnce(&Self) -> Result<T, String>,
    ) -> Result<T, std::process::ExitCode> {
        let built = Self::parse(std::env::args().skip(1), known).and_then(|f| {
            if f.has("help") {
                return Ok(None);
            }
            build(&f).map(Some)
        });
        match built {
            Ok(Some(t)) => Ok(t),
            Ok(None) => {
                println!("{usage}");
                Err(std::process::ExitCode::SUCCESS)
            }
            Err(e) => {
                eprintln!("{e}\n{usage}");
                Err(std::process::ExitCode::from(2))
            }
        }
    }

    /// A parsed value, or `default` when absent.
    pub fn parse_or<T: std::str::FromStr>(&self, name: &str, default: T) -> Result<T, String> {
        match self.get(name) {
            None => Ok(default),
            Some(v) => v
                .parse()
                .map_err(|_| format!("--{name}: cannot parse {v:?}")),
        }
    }
}

/// Counters shared by every task of a run.
#[derive(Debug, Default)]
pub struct Stats {
    /// Sessions completed.
    pub sessions: AtomicU64,
    /// RPCs exchanged (requests of either side).
    pub rpcs: AtomicU64,
    /// Sessions or scenario steps that failed.
    pub failures: AtomicU64,
    /// CPEs whose scenario finished.
    pub cpes_done: AtomicU64,
}

impl Stats {
    /// Adds one to a counter.
    pub fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// The summary line.
    pub fn summary(&self, elapsed: std::time::Duration) -> String {
        let s = self.sessions.load(Ordering::Relaxed);
        let secs = elapsed.as_secs_f64().max(1e-9);
        format!(
            "sessions: {s}  RPCs: {}  failures: {}  time: {:.2}s  sessions/s: {:.0}",
            self.rpcs.load(Ordering::Relaxed),
            self.failures.load(Ordering::Relaxed),
            secs,
            s as f64 / secs
        )
    }
}

/// Peak resident memory of this process in KiB (`VmHWM`), where /proc exists.
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    parse_kib(&status, "VmHWM:")
}

/// The soft limit on open file descriptors (`Max open files` of `/proc/self/limits`), where
/// /proc exists and the limit is a number.
pub fn open_files_limit() -> Option<u64> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    parse_open_files(&limits)
}

fn parse_open_files(limits: &str) -> Option<u64> {
    limits
        .lines()
        .find_map(|l| l.strip_prefix("Max open files"))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

fn parse_kib(status: &str, key: &str) -> Option<u64> {
    status
        .lines()
        .find_map(|l| l.strip_prefix(key))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Longest peer-supplied text written in a log line.
const MAX_LOGGED: usize = 80;

/// Peer-supplied text for a log line: control characters and quotes escaped, at most
/// 80 characters (a `…` marks a cut), so a field cannot forge or flood lines.
pub fn log_text(s: &str) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i == MAX_LOGGED {
            out.push('…');
            break;
        }
        out.extend(c.escape_debug());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn flags() {
        let known = [("cpes", true), ("listen", true), ("quiet", false)];
        let f = Flags::parse(args("--cpes 10 --listen=127.0.0.1:7547 --quiet"), &known).unwrap();
        assert_eq!(f.parse_or("cpes", 100u32).unwrap(), 10);
        assert_eq!(f.get("listen"), Some("127.0.0.1:7547"));
        assert!(f.has("quiet"));
        assert_eq!(
            Flags::parse(args(""), &known)
                .unwrap()
                .parse_or("cpes", 100u32),
            Ok(100)
        );
        assert!(Flags::parse(args("--cpes"), &known).is_err());
        assert!(Flags::parse(args("--nope 1"), &known).is_err());
        assert!(Flags::parse(args("stray"), &known).is_err());
        assert!(Flags::parse(args("--quiet=1"), &known).is_err());
        let f = Flags::parse(args("--cpes ten"), &known).unwrap();
        assert!(f.parse_or("cpes", 1u32).is_err());
    }

    #[test]
    fn proc_status_parsing() {
        let s = "Name:\tx\nVmHWM:\t  12345 kB\nVmRSS:\t 100 kB\n";
        assert_eq!(parse_kib(s, "VmHWM:"), Some(12345));
        assert_eq!(parse_kib(s, "VmSwap:"), None);
        if std::path::Path::new("/proc/self/status").exists() {
            assert!(peak_rss_kib().unwrap() > 0);
        }
    }

    #[test]
    fn limits_parsing() {
        let l = "Limit                     Soft Limit           Hard Limit           Units\n\
                 Max processes             unlimited            unlimited            processes\n\
                 Max open files            1024                 524288               files\n";
        assert_eq!(parse_open_files(l), Some(1024));
        assert_eq!(
            parse_open_files("Max open files            unlimited            unlimited  files"),
            None
        );
        assert_eq!(parse_open_files(""), None);
    }

    #[test]
    fn summary_line() {
        let st = Stats::default();
        Stats::bump(&st.sessions);
        Stats::bump(&st.sessions);
        Stats::bump(&st.rpcs);
        let line = st.summary(std::time::Duration::from_secs(1));
        assert_eq!(
            line,
            "sessions: 2  RPCs: 1  failures: 0  time: 1.00s  sessions/s: 2"
        );
    }
}
