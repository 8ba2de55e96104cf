//! [`Validate`] for the request and response enums, the header, the body and the envelope.

use super::*;

// ---------------------------------------------------------------- enums, header, envelope

impl Validate for Request {
    fn validate(&self) -> Result {
        match self {
            Self::GetRpcMethods(r) => r.validate(),
            Self::SetParameterValues(r) => r.validate(),
            Self::GetParameterValues(r) => r.validate(),
            Self::GetParameterNames(r) => r.validate(),
            Self::SetParameterAttributes(r) => r.validate(),
            Self::GetParameterAttributes(r) => r.validate(),
            Self::AddObject(r) => r.validate(),
            Self::DeleteObject(r) => r.validate(),
            Self::Reboot(r) => r.validate(),
            Self::Download(r) => r.validate(),
            Self::Upload(r) => r.validate(),
            Self::FactoryReset(r) => r.validate(),
            Self::GetQueuedTransfers(r) => r.validate(),
            Self::GetAllQueuedTransfers(r) => r.validate(),
            Self::ScheduleInform(r) => r.validate(),
            Self::SetVouchers(r) => r.validate(),
            Self::GetOptions(r) => r.validate(),
            Self::ScheduleDownload(r) => r.validate(),
            Self::CancelTransfer(r) => r.validate(),
            Self::ChangeDuState(r) => r.validate(),
            Self::Inform(r) => r.validate(),
            Self::TransferComplete(r) => r.validate(),
            Self::AutonomousTransferComplete(r) => r.validate(),
            Self::DuStateChangeComplete(r) => r.validate(),
            Self::AutonomousDuStateChangeComplete(r) => r.validate(),
            Self::RequestDownload(r) => r.validate(),
            Self::Kicked(r) => r.validate(),
            Self::Unknown(r) => r.validate(),
        }
    }
}

impl Validate for Response {
    fn validate(&self) -> Result {
        match self {
            Self::GetRpcMethods(r) => r.validate(),
            Self::SetParameterValues(r) => r.validate(),
            Self::GetParameterValues(r) => r.validate(),
            Self::GetParameterNames(r) => r.validate(),
            Self::SetParameterAttributes(r) => r.validate(),
            Self::GetParameterAttributes(r) => r.validate(),
            Self::AddObject(r) => r.validate(),
            Self::DeleteObject(r) => r.validate(),
            Self::Reboot(r) => r.validate(),
            Self::Download(r) => r.validate(),
            Self::Upload(r) => r.validate(),
            Self::FactoryReset(r) => r.validate(),
            Self::GetQueuedTransfers(r) => r.validate(),
            Self::GetAllQueuedTransfers(r) => r.validate(),
            Self::ScheduleInform(r) => r.validate(),
            Self::SetVouchers(r) => r.validate(),
            Self::GetOptions(r) => r.validate(),
            Self::ScheduleDownload(r) => r.validate(),
            Self::CancelTransfer(r) => r.validate(),
            Self::ChangeDuState(r) => r.validate(),
            Self::Inform(r) => r.validate(),
            Self::TransferComplete(r) => r.validate(),
            Self::AutonomousTransferComplete(r) => r.validate(),
            Self::DuStateChangeComplete(r) => r.validate(),
            Self::AutonomousDuStateChangeComplete(r) => r.validate(),
            Self::RequestDownload(r) => r.validate(),
            Self::Kicked(r) => r.validate(),
            Self::Unknown(r) => r.validate(),
        }
    }
}

impl Validate for Header {
    /// `SupportedCWMPVersions`, when present, must list at least one version.
    fn validate(&self) -> Result {
        if let Some(list) = &self.supported_cwmp_versions {
            at_least("SupportedCWMPVersions", list.len(), 1)?;
        }
        Ok(())
    }
}

impl Validate for Body {
    fn validate(&self) -> Result {
        match self {
            Self::Request(r) => r.validate(),
            Self::Response(r) => r.validate(),
            Self::Fault(f) => f.validate(),
        }
    }
}

impl Validate for Envelope {
    fn validate(&self) -> Result {
        self.header.validate()?;
        self.body.validate()
    }
}
