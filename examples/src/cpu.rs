//! CPU time of this process's threads by name, and of a Redis server: how the demo tells the
//! ACS's share of the machine from the CPEs' when both run in one process.

use std::time::Duration;

/// CPU time spent so far by the threads of this process whose name starts with `prefix`
/// (threads that ended are not counted: use it for long-lived pools), or `None` without
/// `/proc`.
pub fn threads_cpu(prefix: &str) -> Option<CpuTime> {
    let mut total = CpuTime::default();
    for entry in std::fs::read_dir("/proc/self/task").ok()?.flatten() {
        let dir = entry.path();
        let Ok(comm) = std::fs::read_to_string(dir.join("comm")) else {
            continue;
        };
        if !comm.trim_end().starts_with(prefix) {
            continue;
        }
        let ticks = std::fs::read_to_string(dir.join("stat"))
            .ok()
            .and_then(|s| stat_ticks(&s));
        let Some((user, system)) = ticks else {
            continue;
        };
        total.user += Duration::from_millis(user * 10);
        total.system += Duration::from_millis(system * 10);
    }
    Some(total)
}

/// CPU time in user space and in the kernel (from `/proc/…/stat`: clock ticks of 10 ms).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CpuTime {
    /// In user space.
    pub user: Duration,
    /// In the kernel (system calls, the TCP stack, …).
    pub system: Duration,
}

impl CpuTime {
    /// User and kernel together.
    pub fn total(&self) -> Duration {
        self.user + self.system
    }

    /// The time spent since `earlier`.
    pub fn since(&self, earlier: &Self) -> Self {
        Self {
            user: self.user.saturating_sub(earlier.user),
            system: self.system.saturating_sub(earlier.system),
        }
    }
}

/// utime and stime of a `/proc/…/stat` line (fields 14 and 15, after the parenthesized name,
/// which may hold spaces).
fn stat_ticks(stat: &str) -> Option<(u64, u64)> {
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace().skip(11);
    let user: u64 = fields.next()?.parse().ok()?;
    let system: u64 = fields.next()?.parse().ok()?;
    Some((user, system))
}

/// The CPU time of a Redis server from its `INFO cpu` text (`used_cpu_sys` +
/// `used_cpu_user`, seconds).
pub fn redis_info_cpu(info: &str) -> Option<Duration> {
    let mut total = 0.0;
    let mut seen = 0;
    for line in info.lines() {
        let Some((name, value)) = line.trim_end().split_once(':') else {
            continue;
        };
        if name == "used_cpu_sys" || name == "used_cpu_user" {
            total += value.parse::<f64>().ok()?;
            seen += 1;
        }
    }
    (seen == 2).then(|| Duration::from_secs_f64(total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_fields_after_a_name_with_spaces() {
        let line = "12 (acs node 1) S 1 2 3 4 5 6 7 8 9 10 250 40 0 0 20 0";
        assert_eq!(stat_ticks(line), Some((250, 40)));
    }

    #[test]
    fn redis_cpu_adds_user_and_system() {
        let info = "# CPU\r\nused_cpu_sys:1.500000\r\nused_cpu_user:2.250000\r\nused_cpu_sys_children:9.0\r\n";
        assert_eq!(redis_info_cpu(info), Some(Duration::from_millis(3750)));
        assert_eq!(redis_info_cpu("used_cpu_sys:1.0\n"), None);
    }

    #[test]
    fn this_thread_is_counted_by_its_name() {
        let t = std::thread::Builder::new()
            .name("cpu-probe-thread".into())
            .spawn(|| {
                // Spin until the kernel has counted a tick of this thread in user space (a
                // first tick may land in the kernel, reading /proc).
                let mut x = 0u64;
                loop {
                    for i in 0..1_000_000u64 {
                        x = x.wrapping_mul(31).wrapping_add(i);
                    }
                    let spent = threads_cpu("cpu-probe").expect("/proc on Linux");
                    if spent.user > Duration::ZERO {
                        return (x, spent);
                    }
                }
            })
            .expect("spawn");
        let (_, spent) = t.join().expect("join");
        assert!(spent.user > Duration::ZERO);
        assert_eq!(threads_cpu("no-such-thread-name"), Some(CpuTime::default()));
    }
}
