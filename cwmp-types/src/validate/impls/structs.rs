//! [`Validate`] for the codes, names and values, the structures and the SOAP fault.

use super::*;

// ---------------------------------------------------------------- codes, names, values

impl Validate for ParameterName {
    /// The rules of [`ParameterName::new`], reported as `Name`.
    fn validate(&self) -> Result {
        name("Name", self)
    }
}

impl Validate for EventCode {
    /// At most 64 characters and one of the spec's patterns: a standard code, `M <Method>`,
    /// `X <OUI|token> <text>`, or a future numbered code `<number> <WORDS>`.
    fn validate(&self) -> Result {
        check_len("EventCode", &self.as_str(), limits::STRING_64)?;
        let ok = match self {
            Self::Method(m) => is_token(m),
            Self::Vendor(v) => is_token_then_text(v),
            Self::Other(o) => {
                let mut parts = o.split(' ');
                let number = parts.next().unwrap_or_default();
                let mut rest = parts.peekable();
                !number.is_empty()
                    && number.bytes().all(|b| b.is_ascii_digit())
                    && rest.peek().is_some()
                    && rest.all(is_token)
            }
            _ => true,
        };
        if ok {
            Ok(())
        } else {
            Err(ValidationError::invalid(
                "EventCode",
                "not a standard, `M <Method>` or `X <OUI> <text>` event code",
            ))
        }
    }
}

impl Validate for ParameterValue {
    /// The text must be valid for the declared `xsi:type`.
    fn validate(&self) -> Result {
        self.check()
            .map_err(|_| ValidationError::invalid("Value", "text does not match its xsi:type"))
    }
}

// ---------------------------------------------------------------- structs

impl Validate for DeviceIdStruct {
    fn validate(&self) -> Result {
        check_len("Manufacturer", &self.manufacturer, limits::DEVICE_ID_FIELD)?;
        if !is_hex_group(&self.oui, limits::OUI) || self.oui.bytes().any(|b| b.is_ascii_lowercase())
        {
            return Err(ValidationError::invalid(
                "OUI",
                "must be 6 upper-case hex digits",
            ));
        }
        check_len("ProductClass", &self.product_class, limits::DEVICE_ID_FIELD)?;
        check_len("SerialNumber", &self.serial_number, limits::DEVICE_ID_FIELD)
    }
}

impl Validate for EventStruct {
    fn validate(&self) -> Result {
        self.event_code.validate()?;
        command_key(&self.command_key)
    }
}

impl Validate for ParameterValueStruct {
    fn validate(&self) -> Result {
        name("Name", &self.name)?;
        self.value.validate()
    }
}

impl Validate for ParameterInfoStruct {
    fn validate(&self) -> Result {
        name("Name", &self.name)
    }
}

impl Validate for SetParameterAttributesStruct {
    fn validate(&self) -> Result {
        name("Name", &self.name)?;
        notification(self.notification)?;
        access_list(&self.access_list)
    }
}

impl Validate for ParameterAttributeStruct {
    fn validate(&self) -> Result {
        name("Name", &self.name)?;
        notification(self.notification)?;
        access_list(&self.access_list)
    }
}

impl Validate for FaultStruct {
    /// Code 0 (success) or a CPE code (9000–9899); `FaultString` at most 256 characters.
    /// TransferComplete and deployment unit results narrow the codes further.
    fn validate(&self) -> Result {
        if !matches!(self.fault_code.code(), 0 | 9000..=9899) {
            return Err(ValidationError::invalid(
                "FaultCode",
                "not 0 or a CPE fault code (9000-9899)",
            ));
        }
        check_len("FaultString", &self.fault_string, limits::FAULT_STRING)
    }
}

impl Validate for QueuedTransferStruct {
    fn validate(&self) -> Result {
        command_key(&self.command_key)?;
        transfer_state(self.state)
    }
}

impl Validate for AllQueuedTransferStruct {
    fn validate(&self) -> Result {
        command_key(&self.command_key)?;
        transfer_state(self.state)?;
        file_type("FileType", &self.file_type)?;
        string_256("TargetFileName", &self.target_file_name)
    }
}

impl Validate for TimeWindowStruct {
    fn validate(&self) -> Result {
        if self.window_end < self.window_start {
            return Err(ValidationError::invalid(
                "WindowEnd",
                "must not be before WindowStart",
            ));
        }
        non_empty("WindowMode", &self.window_mode)?;
        check_len("WindowMode", &self.window_mode, limits::STRING_64)?;
        string_256("UserMessage", &self.user_message)?;
        in_range(
            "MaxRetries",
            i64::from(self.max_retries),
            -1,
            i64::from(i32::MAX),
        )
    }
}

impl Validate for ArgStruct {
    fn validate(&self) -> Result {
        check_len("Name", &self.name, limits::ARG_NAME)?;
        check_len("Value", &self.value, limits::ARG_VALUE)
    }
}

impl Validate for OptionStruct {
    fn validate(&self) -> Result {
        check_len("OptionName", &self.option_name, limits::OPTION_NAME)?;
        in_range("State", i64::from(self.state), 0, 3)?;
        in_range("Mode", i64::from(self.mode), 0, 2)?;
        date_time("StartDate", &self.start_date)?;
        if let Some(d) = &self.expiration_date {
            date_time("ExpirationDate", d)?;
        }
        in_range("IsTransferable", i64::from(self.is_transferable), 0, 1)
    }
}

impl Validate for InstallOpStruct {
    fn validate(&self) -> Result {
        required_url("URL", &self.url, limits::LONG_URL)?;
        optional_uuid("UUID", &self.uuid)?;
        string_256("Username", &self.username)?;
        string_256("Password", &self.password)?;
        string_256("ExecutionEnvRef", &self.execution_env_ref)
    }
}

impl Validate for UpdateOpStruct {
    fn validate(&self) -> Result {
        optional_uuid("UUID", &self.uuid)?;
        check_len("Version", &self.version, limits::DU_VERSION)?;
        url("URL", &self.url, limits::LONG_URL)?;
        string_256("Username", &self.username)?;
        string_256("Password", &self.password)
    }
}

impl Validate for UninstallOpStruct {
    fn validate(&self) -> Result {
        uuid("UUID", &self.uuid)?;
        check_len("Version", &self.version, limits::DU_VERSION)?;
        string_256("ExecutionEnvRef", &self.execution_env_ref)
    }
}

impl Validate for Operation {
    fn validate(&self) -> Result {
        match self {
            Self::Install(op) => op.validate(),
            Self::Update(op) => op.validate(),
            Self::Uninstall(op) => op.validate(),
        }
    }
}

impl Validate for OpResultStruct {
    fn validate(&self) -> Result {
        optional_uuid("UUID", &self.uuid)?;
        check_len("Version", &self.version, limits::DU_VERSION)?;
        if !matches!(
            self.current_state.as_str(),
            "Installed" | "Uninstalled" | "Failed"
        ) {
            return Err(ValidationError::invalid(
                "CurrentState",
                "not Installed, Uninstalled or Failed",
            ));
        }
        date_time("StartTime", &self.start_time)?;
        date_time("CompleteTime", &self.complete_time)?;
        du_fault(&self.fault)
    }
}

impl Validate for AutonomousOpResultStruct {
    fn validate(&self) -> Result {
        self.result.validate()?;
        non_empty("OperationPerformed", &self.operation_performed)
    }
}

impl Validate for SetParameterValuesFault {
    fn validate(&self) -> Result {
        check_len(
            "ParameterName",
            &self.parameter_name,
            limits::PARAMETER_NAME,
        )?;
        if !self.fault_code.is_cpe_fault() {
            return Err(ValidationError::invalid(
                "FaultCode",
                "not a CPE fault code (9000-9899)",
            ));
        }
        Ok(())
    }
}

impl Validate for Fault {
    /// An ACS (8000–8899) or CPE (9000–9899) code; per-parameter entries only with 9003.
    fn validate(&self) -> Result {
        if !self.fault_code.is_acs_fault() && !self.fault_code.is_cpe_fault() {
            return Err(ValidationError::invalid(
                "FaultCode",
                "not an ACS (8000-8899) or CPE (9000-9899) fault code",
            ));
        }
        if !self.set_parameter_values_faults.is_empty()
            && self.fault_code != FaultCode::InvalidArguments
        {
            return Err(ValidationError::invalid(
                "SetParameterValuesFault",
                "only allowed in a 9003 fault",
            ));
        }
        each(&self.set_parameter_values_faults)
    }
}
