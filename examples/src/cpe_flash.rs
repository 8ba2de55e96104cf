//! What the example CPE agent keeps across reboots and restarts: the device as it leaves the
//! factory, and the state file (event queue and the tree's stored part).

use cwmp_datamodel::{ReadOnly, Stored, Value};
use cwmp_session::EventQueue;

use super::AgentConfig;
use crate::device::{Device, DeviceIdentity};

const CR_URL: &str = "Device.ManagementServer.ConnectionRequestURL";

/// The device fresh from the factory: the tree with the ACS URL, the Connection Request
/// URL, the credentials, the periodic Inform and the retry policy of the agent's
/// configuration.
pub(super) fn factory_device(
    identity: &DeviceIdentity,
    config: &AgentConfig,
    cr_url: &str,
) -> Device {
    let mut device = Device::new(identity, &config.acs_url, "1.0.0");
    // The listener's address is the system's (a new path at every start), not a stored value.
    let url = cr_url.to_owned();
    let read = move |_: &str| Ok(Value::from(url.as_str()));
    device
        .model
        .bind(CR_URL, ReadOnly(read))
        .expect("in the schema");
    let periodic = config.fallback_periodic_interval;
    let interval = periodic.map_or(3600, |d| {
        u32::try_from(d.as_secs().max(1)).unwrap_or(u32::MAX)
    });
    let retry = &config.retry_policy;
    for (leaf, value) in [
        ("Username", config.acs_credentials.username.clone()),
        ("Password", config.acs_credentials.password.clone()),
        (
            "ConnectionRequestUsername",
            config.connection_request_credentials.username.clone(),
        ),
        (
            "ConnectionRequestPassword",
            config.connection_request_credentials.password.clone(),
        ),
        ("PeriodicInformEnable", periodic.is_some().to_string()),
        ("PeriodicInformInterval", interval.to_string()),
        (
            "CWMPRetryMinimumWaitInterval",
            retry.minimum_wait_interval().to_string(),
        ),
        (
            "CWMPRetryIntervalMultiplier",
            retry.interval_multiplier().to_string(),
        ),
    ] {
        let path = format!("Device.ManagementServer.{leaf}");
        if let Err(e) = device.model.set(&path, value.as_str()) {
            // A configuration the schema refuses keeps the schema's default.
            eprintln!(
                "{}: {path} = {value:?} refused ({e:?})",
                identity.serial_number
            );
        }
    }
    device.model.clear_changes();
    device
}

/// Loads the persisted event queue and tree: the agent process (re)starting is a boot of the
/// device. A missing file is a first start (`0 BOOTSTRAP`, the factory tree); a file holding
/// only an event queue (as older agents wrote) keeps the factory tree.
pub(super) fn load_state(path: &std::path::Path) -> std::io::Result<(EventQueue, Option<Stored>)> {
    let bad = |e: serde_json::Error| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("{}: {e}", path.display()),
        )
    };
    match std::fs::read(path) {
        Ok(bytes) => {
            let json: serde_json::Value = serde_json::from_slice(&bytes).map_err(bad)?;
            let (mut queue, stored): (EventQueue, _) = match json.get("queue") {
                Some(queue) => {
                    let queue = serde_json::from_value(queue.clone()).map_err(bad)?;
                    let stored = match json.get("model") {
                        Some(m) if !m.is_null() => {
                            Some(serde_json::from_value(m.clone()).map_err(bad)?)
                        }
                        _ => None,
                    };
                    (queue, stored)
                }
                None => (serde_json::from_value(json).map_err(bad)?, None),
            };
            queue.on_reboot();
            Ok((queue, stored))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok((EventQueue::bootstrap(), None)),
        Err(e) => Err(e),
    }
}

/// Saves the event queue and the tree (written to a temporary file, then renamed over the old
/// one).
pub(super) fn save_state(
    path: &std::path::Path,
    queue: &EventQueue,
    model: Option<&Stored>,
) -> std::io::Result<()> {
    let state = serde_json::json!({ "queue": queue, "model": model });
    let json = serde_json::to_vec(&state).map_err(std::io::Error::other)?;
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    std::fs::write(&tmp, json)?;
    std::fs::rename(&tmp, path)
}
