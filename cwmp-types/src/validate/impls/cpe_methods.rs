//! [`Validate`] for the CPE methods (called by the ACS) and their responses.

use super::*;

// ---------------------------------------------------------------- CPE methods

impl Validate for GetRpcMethods {
    fn validate(&self) -> Result {
        Ok(())
    }
}

impl Validate for GetRpcMethodsResponse {
    fn validate(&self) -> Result {
        self.method_list
            .iter()
            .try_for_each(|m| check_len("MethodList", m, limits::STRING_64))
    }
}

impl Validate for SetParameterValues {
    /// Full names only, none twice, each value valid for its type.
    fn validate(&self) -> Result {
        for (i, p) in self.parameter_list.iter().enumerate() {
            full_name("Name", &p.name)?;
            p.value.validate()?;
            if self.parameter_list[..i].iter().any(|q| q.name == p.name) {
                return Err(ValidationError::invalid(
                    "ParameterList",
                    "names a parameter twice",
                ));
            }
        }
        parameter_key(&self.parameter_key)
    }
}

impl Validate for SetParameterValuesResponse {
    fn validate(&self) -> Result {
        status(self.status)
    }
}

impl Validate for GetParameterValues {
    fn validate(&self) -> Result {
        at_least("ParameterNames", self.parameter_names.len(), 1)?;
        self.parameter_names
            .iter()
            .try_for_each(|n| name("ParameterNames", n))
    }
}

impl Validate for GetParameterValuesResponse {
    fn validate(&self) -> Result {
        each(&self.parameter_list)
    }
}

impl Validate for GetParameterNames {
    fn validate(&self) -> Result {
        name("ParameterPath", &self.parameter_path)
    }
}

impl Validate for GetParameterNamesResponse {
    fn validate(&self) -> Result {
        each(&self.parameter_list)
    }
}

impl Validate for SetParameterAttributes {
    fn validate(&self) -> Result {
        at_least("ParameterList", self.parameter_list.len(), 1)?;
        each(&self.parameter_list)
    }
}

impl Validate for SetParameterAttributesResponse {
    fn validate(&self) -> Result {
        Ok(())
    }
}

impl Validate for GetParameterAttributes {
    fn validate(&self) -> Result {
        self.parameter_names
            .iter()
            .try_for_each(|n| name("ParameterNames", n))
    }
}

impl Validate for GetParameterAttributesResponse {
    fn validate(&self) -> Result {
        each(&self.parameter_list)
    }
}

impl Validate for AddObject {
    fn validate(&self) -> Result {
        object_name("ObjectName", &self.object_name)?;
        parameter_key(&self.parameter_key)
    }
}

impl Validate for AddObjectResponse {
    fn validate(&self) -> Result {
        in_range(
            "InstanceNumber",
            i64::from(self.instance_number),
            1,
            i64::from(u32::MAX),
        )?;
        status(self.status)
    }
}

impl Validate for DeleteObject {
    fn validate(&self) -> Result {
        object_name("ObjectName", &self.object_name)?;
        parameter_key(&self.parameter_key)
    }
}

impl Validate for DeleteObjectResponse {
    fn validate(&self) -> Result {
        status(self.status)
    }
}

impl Validate for Reboot {
    fn validate(&self) -> Result {
        command_key(&self.command_key)
    }
}

impl Validate for RebootResponse {
    fn validate(&self) -> Result {
        Ok(())
    }
}

impl Validate for Download {
    fn validate(&self) -> Result {
        command_key(&self.command_key)?;
        file_type("FileType", &self.file_type)?;
        required_url("URL", &self.url, limits::URL)?;
        string_256("Username", &self.username)?;
        string_256("Password", &self.password)?;
        string_256("TargetFileName", &self.target_file_name)?;
        url("SuccessURL", &self.success_url, limits::URL)?;
        url("FailureURL", &self.failure_url, limits::URL)
    }
}

impl Validate for DownloadResponse {
    fn validate(&self) -> Result {
        status(self.status)?;
        date_time("StartTime", &self.start_time)?;
        date_time("CompleteTime", &self.complete_time)
    }
}

impl Validate for Upload {
    fn validate(&self) -> Result {
        command_key(&self.command_key)?;
        file_type("FileType", &self.file_type)?;
        required_url("URL", &self.url, limits::URL)?;
        string_256("Username", &self.username)?;
        string_256("Password", &self.password)
    }
}

impl Validate for UploadResponse {
    fn validate(&self) -> Result {
        status(self.status)?;
        date_time("StartTime", &self.start_time)?;
        date_time("CompleteTime", &self.complete_time)
    }
}

impl Validate for FactoryReset {
    fn validate(&self) -> Result {
        Ok(())
    }
}

impl Validate for FactoryResetResponse {
    fn validate(&self) -> Result {
        Ok(())
    }
}

impl Validate for GetQueuedTransfers {
    fn validate(&self) -> Result {
        Ok(())
    }
}

impl Validate for GetQueuedTransfersResponse {
    fn validate(&self) -> Result {
        at_most(
            "TransferList",
            self.transfer_list.len(),
            limits::QUEUED_TRANSFERS,
        )?;
        each(&self.transfer_list)
    }
}

impl Validate for GetAllQueuedTransfers {
    fn validate(&self) -> Result {
        Ok(())
    }
}

impl Validate for GetAllQueuedTransfersResponse {
    fn validate(&self) -> Result {
        at_most(
            "TransferList",
            self.transfer_list.len(),
            limits::QUEUED_TRANSFERS,
        )?;
        each(&self.transfer_list)
    }
}

impl Validate for ScheduleInform {
    fn validate(&self) -> Result {
        if self.delay_seconds == 0 {
            return Err(ValidationError::out_of_range(
                "DelaySeconds",
                1,
                i64::from(u32::MAX),
            ));
        }
        command_key(&self.command_key)
    }
}

impl Validate for ScheduleInformResponse {
    fn validate(&self) -> Result {
        Ok(())
    }
}

impl Validate for SetVouchers {
    /// At least one voucher, each valid base64.
    fn validate(&self) -> Result {
        at_least("VoucherList", self.voucher_list.len(), 1)?;
        for v in &self.voucher_list {
            if ParameterValue::new(v.as_str(), ValueType::Base64)
                .as_base64()
                .is_err()
            {
                return Err(ValidationError::invalid("VoucherList", "not valid base64"));
            }
        }
        Ok(())
    }
}

impl Validate for SetVouchersResponse {
    fn validate(&self) -> Result {
        Ok(())
    }
}

impl Validate for GetOptions {
    fn validate(&self) -> Result {
        check_len("OptionName", &self.option_name, limits::OPTION_NAME)
    }
}

impl Validate for GetOptionsResponse {
    fn validate(&self) -> Result {
        each(&self.option_list)
    }
}

impl Validate for ScheduleDownload {
    /// Besides the lengths: one or two time windows that do not overlap.
    fn validate(&self) -> Result {
        command_key(&self.command_key)?;
        file_type("FileType", &self.file_type)?;
        required_url("URL", &self.url, limits::URL)?;
        string_256("Username", &self.username)?;
        string_256("Password", &self.password)?;
        string_256("TargetFileName", &self.target_file_name)?;
        let windows = &self.time_window_list;
        at_least("TimeWindowList", windows.len(), 1)?;
        at_most("TimeWindowList", windows.len(), limits::TIME_WINDOWS)?;
        each(windows)?;
        if let [a, b] = windows.as_slice() {
            if a.window_start < b.window_end && b.window_start < a.window_end {
                return Err(ValidationError::invalid(
                    "TimeWindowList",
                    "time windows overlap",
                ));
            }
        }
        Ok(())
    }
}

impl Validate for ScheduleDownloadResponse {
    fn validate(&self) -> Result {
        Ok(())
    }
}

impl Validate for CancelTransfer {
    fn validate(&self) -> Result {
        command_key(&self.command_key)
    }
}

impl Validate for CancelTransferResponse {
    fn validate(&self) -> Result {
        Ok(())
    }
}

impl Validate for ChangeDuState {
    fn validate(&self) -> Result {
        at_least("Operations", self.operations.len(), 1)?;
        each(&self.operations)?;
        command_key(&self.command_key)
    }
}

impl Validate for ChangeDuStateResponse {
    fn validate(&self) -> Result {
        Ok(())
    }
}
