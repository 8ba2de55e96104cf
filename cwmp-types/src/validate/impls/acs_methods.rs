//! [`Validate`] for the ACS methods (called by the CPE), their responses and unknown methods.

use super::*;

// ---------------------------------------------------------------- ACS methods

impl Validate for Inform {
    /// Besides the fields: at most 64 events, no standard event twice, `MaxEnvelopes` 1.
    fn validate(&self) -> Result {
        self.device_id.validate()?;
        at_most("Event", self.event.len(), limits::EVENTS_PER_INFORM)?;
        for (i, e) in self.event.iter().enumerate() {
            e.validate()?;
            if e.event_code.number().is_some()
                && self.event[..i].iter().any(|p| p.event_code == e.event_code)
            {
                return Err(ValidationError::invalid(
                    "Event",
                    "a single event code appears twice",
                ));
            }
        }
        in_range("MaxEnvelopes", i64::from(self.max_envelopes), 1, 1)?;
        date_time("CurrentTime", &self.current_time)?;
        each(&self.parameter_list)
    }
}

impl Validate for InformResponse {
    fn validate(&self) -> Result {
        in_range("MaxEnvelopes", i64::from(self.max_envelopes), 1, 1)
    }
}

impl Validate for TransferComplete {
    fn validate(&self) -> Result {
        command_key(&self.command_key)?;
        transfer_fault(&self.fault_struct)?;
        date_time("StartTime", &self.start_time)?;
        date_time("CompleteTime", &self.complete_time)
    }
}

impl Validate for TransferCompleteResponse {
    fn validate(&self) -> Result {
        Ok(())
    }
}

impl Validate for AutonomousTransferComplete {
    fn validate(&self) -> Result {
        url("AnnounceURL", &self.announce_url, limits::LONG_URL)?;
        url("TransferURL", &self.transfer_url, limits::LONG_URL)?;
        file_type("FileType", &self.file_type)?;
        string_256("TargetFileName", &self.target_file_name)?;
        transfer_fault(&self.fault_struct)?;
        date_time("StartTime", &self.start_time)?;
        date_time("CompleteTime", &self.complete_time)
    }
}

impl Validate for AutonomousTransferCompleteResponse {
    fn validate(&self) -> Result {
        Ok(())
    }
}

impl Validate for DuStateChangeComplete {
    fn validate(&self) -> Result {
        at_least("Results", self.results.len(), 1)?;
        each(&self.results)?;
        command_key(&self.command_key)
    }
}

impl Validate for DuStateChangeCompleteResponse {
    fn validate(&self) -> Result {
        Ok(())
    }
}

impl Validate for AutonomousDuStateChangeComplete {
    fn validate(&self) -> Result {
        at_least("Results", self.results.len(), 1)?;
        each(&self.results)
    }
}

impl Validate for AutonomousDuStateChangeCompleteResponse {
    fn validate(&self) -> Result {
        Ok(())
    }
}

impl Validate for RequestDownload {
    fn validate(&self) -> Result {
        file_type("FileType", &self.file_type)?;
        at_most(
            "FileTypeArg",
            self.file_type_arg.len(),
            limits::FILE_TYPE_ARGS,
        )?;
        each(&self.file_type_arg)
    }
}

impl Validate for RequestDownloadResponse {
    fn validate(&self) -> Result {
        Ok(())
    }
}

impl Validate for Kicked {
    fn validate(&self) -> Result {
        check_len("Command", &self.command, limits::KICKED_COMMAND)?;
        check_len("Referer", &self.referer, limits::KICKED_REFERER)?;
        check_len("Arg", &self.arg, limits::KICKED_ARG)?;
        check_len("Next", &self.next, limits::KICKED_NEXT)
    }
}

impl Validate for KickedResponse {
    fn validate(&self) -> Result {
        check_len("NextURL", &self.next_url, limits::KICKED_NEXT)
    }
}

impl Validate for UnknownMethod {
    /// The name must be usable as an element name (the content is sent verbatim, unchecked).
    fn validate(&self) -> Result {
        if is_nc_name(&self.name) {
            Ok(())
        } else {
            Err(ValidationError::invalid("Name", "not an XML element name"))
        }
    }
}
