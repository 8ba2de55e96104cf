//! A session as a node of a cluster stores it: the library's saved state and what the policy
//! tracks beside it.

use cwmp_session::RpcHandle;
use cwmp_session::acs::SavedSession;
use cwmp_types::Request;

/// A session as stored: the library's state and what the policy tracks beside it.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub(super) struct SessionRecord {
    pub(super) saved: SavedSession,
    pub(super) serial: Option<String>,
    pub(super) asked: Vec<(RpcHandle, Request)>,
    /// The identity that started the session (`None` without authentication).
    pub(super) identity: Option<String>,
}

/// A [`SessionRecord`] written from borrowed parts (the same serialized form).
#[derive(serde::Serialize)]
pub(super) struct SessionRecordRef<'a> {
    pub(super) saved: &'a SavedSession,
    pub(super) serial: &'a Option<String>,
    pub(super) asked: Vec<(RpcHandle, &'a Request)>,
    pub(super) identity: &'a Option<String>,
}

#[cfg(test)]
mod tests {
    use std::time::SystemTime;

    use cwmp_session::AcsSession;
    use cwmp_session::acs::Config;
    use cwmp_types::GetParameterValues;

    use super::*;

    #[test]
    fn the_borrowed_record_is_written_as_the_owned_one_and_reads_back() {
        let now = SystemTime::UNIX_EPOCH;
        let mut session = AcsSession::new(Config::default(), now);
        let request: Request =
            GetParameterValues::new(vec!["Device.DeviceInfo.".to_string()]).into();
        let handle = session.queue_request(now, request.clone()).unwrap();
        while session.poll_output().is_some() {}
        let saved = session.save().unwrap();
        let owned = SessionRecord {
            saved: saved.clone(),
            serial: Some("SN1".into()),
            asked: vec![(handle, request.clone())],
            identity: Some("cpe".into()),
        };
        let borrowed = SessionRecordRef {
            saved: &saved,
            serial: &owned.serial,
            asked: vec![(handle, &request)],
            identity: &owned.identity,
        };
        let a = serde_json::to_string(&owned).unwrap();
        assert_eq!(serde_json::to_string(&borrowed).unwrap(), a);
        let back: SessionRecord = serde_json::from_str(&a).unwrap();
        assert_eq!(back.serial.as_deref(), Some("SN1"));
        assert_eq!(back.asked.len(), 1);
        assert_eq!(back.saved.revision(), saved.revision());
    }
}
