//! Method elements: every request and response of cwmp-types, and unknown methods.

use cwmp_types::*;

use super::reader::{Elem, Ns, Parser, Result, read_struct};
use crate::encode::fragment::ENVELOPE_PREFIXES;
use crate::{DecodeErrorKind, WarningKind};

impl<'a> Parser<'a, '_> {
    /// The method element in the Body.
    pub(super) fn method(&mut self, m: Elem<'a>) -> Result<Body> {
        use Body::{Request as Q, Response as R};
        Ok(match m.local() {
            // ---------------------------------------------------------- CPE methods
            "GetRPCMethods" => Q(read_struct!(self, m, GetRpcMethods::default(), {}).into()),
            "GetRPCMethodsResponse" => R(read_struct!(self, m, GetRpcMethodsResponse::default(), {
                "MethodList" => method_list: strings(req),
            })
            .into()),
            "SetParameterValues" => Q(read_struct!(self, m, SetParameterValues::default(), {
                "ParameterList" => parameter_list: parameter_values(req),
                "ParameterKey" => parameter_key: string(req),
            })
            .into()),
            "SetParameterValuesResponse" => R(
                read_struct!(self, m, SetParameterValuesResponse::default(), {
                    "Status" => status: i32(req),
                })
                .into(),
            ),
            "GetParameterValues" => Q(read_struct!(self, m, GetParameterValues::default(), {
                "ParameterNames" => parameter_names: names(req),
            })
            .into()),
            "GetParameterValuesResponse" => R(
                read_struct!(self, m, GetParameterValuesResponse::default(), {
                    "ParameterList" => parameter_list: parameter_values(req),
                })
                .into(),
            ),
            "GetParameterNames" => Q(read_struct!(self, m, GetParameterNames::default(), {
                "ParameterPath" => parameter_path: name(req),
                "NextLevel" => next_level: boolean(req),
            })
            .into()),
            "GetParameterNamesResponse" => {
                let offset = m.offset;
                let r = read_struct!(self, m, GetParameterNamesResponse::default(), {
                    "ParameterList" => parameter_list: parameter_infos(req),
                });
                self.objects_without_dot(&r.parameter_list, offset);
                R(r.into())
            }
            "SetParameterAttributes" => {
                Q(read_struct!(self, m, SetParameterAttributes::default(), {
                    "ParameterList" => parameter_list: set_attribute_list(req),
                })
                .into())
            }
            "SetParameterAttributesResponse" => {
                R(read_struct!(self, m, SetParameterAttributesResponse::default(), {}).into())
            }
            "GetParameterAttributes" => {
                Q(read_struct!(self, m, GetParameterAttributes::default(), {
                    "ParameterNames" => parameter_names: names(req),
                })
                .into())
            }
            "GetParameterAttributesResponse" => R(
                read_struct!(self, m, GetParameterAttributesResponse::default(), {
                    "ParameterList" => parameter_list: attribute_list(req),
                })
                .into(),
            ),
            "AddObject" => Q(read_struct!(self, m, AddObject::default(), {
                "ObjectName" => object_name: object_name(req),
                "ParameterKey" => parameter_key: string(req),
            })
            .into()),
            "AddObjectResponse" => R(read_struct!(self, m, AddObjectResponse::default(), {
                "InstanceNumber" => instance_number: u32(req),
                "Status" => status: i32(req),
            })
            .into()),
            "DeleteObject" => Q(read_struct!(self, m, DeleteObject::default(), {
                "ObjectName" => object_name: object_name(req),
                "ParameterKey" => parameter_key: string(req),
            })
            .into()),
            "DeleteObjectResponse" => R(read_struct!(self, m, DeleteObjectResponse::default(), {
                "Status" => status: i32(req),
            })
            .into()),
            "Reboot" => Q(read_struct!(self, m, Reboot::default(), {
                "CommandKey" => command_key: string(req),
            })
            .into()),
            "RebootResponse" => R(read_struct!(self, m, RebootResponse::default(), {}).into()),
            "Download" => Q(read_struct!(self, m, Download::default(), {
                "CommandKey" => command_key: string(req),
                "FileType" => file_type: string(req),
                "URL" => url: string(req),
                "Username" => username: string(req),
                "Password" => password: string(req),
                "FileSize" => file_size: u32(req),
                "TargetFileName" => target_file_name: string(req),
                "DelaySeconds" => delay_seconds: u32(req),
                "SuccessURL" => success_url: string(req),
                "FailureURL" => failure_url: string(req),
            })
            .into()),
            "DownloadResponse" => R(read_struct!(self, m, DownloadResponse::default(), {
                "Status" => status: i32(req),
                "StartTime" => start_time: datetime(req),
                "CompleteTime" => complete_time: datetime(req),
            })
            .into()),
            "Upload" => Q(read_struct!(self, m, Upload::default(), {
                "CommandKey" => command_key: string(req),
                "FileType" => file_type: string(req),
                "URL" => url: string(req),
                "Username" => username: string(req),
                "Password" => password: string(req),
                "DelaySeconds" => delay_seconds: u32(req),
            })
            .into()),
            "UploadResponse" => R(read_struct!(self, m, UploadResponse::default(), {
                "Status" => status: i32(req),
                "StartTime" => start_time: datetime(req),
                "CompleteTime" => complete_time: datetime(req),
            })
            .into()),
            "FactoryReset" => Q(read_struct!(self, m, FactoryReset::default(), {}).into()),
            "FactoryResetResponse" => {
                R(read_struct!(self, m, FactoryResetResponse::default(), {}).into())
            }
            "GetQueuedTransfers" => {
                Q(read_struct!(self, m, GetQueuedTransfers::default(), {}).into())
            }
            "GetQueuedTransfersResponse" => R(
                read_struct!(self, m, GetQueuedTransfersResponse::default(), {
                    "TransferList" => transfer_list: queued_transfers(req),
                })
                .into(),
            ),
            "GetAllQueuedTransfers" => {
                Q(read_struct!(self, m, GetAllQueuedTransfers::default(), {}).into())
            }
            "GetAllQueuedTransfersResponse" => R(
                read_struct!(self, m, GetAllQueuedTransfersResponse::default(), {
                    "TransferList" => transfer_list: all_queued_transfers(req),
                })
                .into(),
            ),
            "ScheduleInform" => Q(read_struct!(self, m, ScheduleInform::default(), {
                "DelaySeconds" => delay_seconds: u32(req),
                "CommandKey" => command_key: string(req),
            })
            .into()),
            "ScheduleInformResponse" => {
                R(read_struct!(self, m, ScheduleInformResponse::default(), {}).into())
            }
            "SetVouchers" => Q(read_struct!(self, m, SetVouchers::default(), {
                "VoucherList" => voucher_list: strings(req),
            })
            .into()),
            "SetVouchersResponse" => {
                R(read_struct!(self, m, SetVouchersResponse::default(), {}).into())
            }
            "GetOptions" => Q(read_struct!(self, m, GetOptions::default(), {
                "OptionName" => option_name: string(req),
            })
            .into()),
            "GetOptionsResponse" => R(read_struct!(self, m, GetOptionsResponse::default(), {
                "OptionList" => option_list: option_list(req),
            })
            .into()),
            "ScheduleDownload" => Q(read_struct!(self, m, ScheduleDownload::default(), {
                "CommandKey" => command_key: string(req),
                "FileType" => file_type: string(req),
                "URL" => url: string(req),
                "Username" => username: string(req),
                "Password" => password: string(req),
                "FileSize" => file_size: u32(req),
                "TargetFileName" => target_file_name: string(req),
                "TimeWindowList" => time_window_list: time_windows(req),
            })
            .into()),
            "ScheduleDownloadResponse" => {
                R(read_struct!(self, m, ScheduleDownloadResponse::default(), {}).into())
            }
            "CancelTransfer" => Q(read_struct!(self, m, CancelTransfer::default(), {
                "CommandKey" => command_key: string(req),
            })
            .into()),
            "CancelTransferResponse" => {
                R(read_struct!(self, m, CancelTransferResponse::default(), {}).into())
            }
            "ChangeDUState" => Q(self.change_du_state(m)?.into()),
            "ChangeDUStateResponse" => {
                R(read_struct!(self, m, ChangeDuStateResponse::default(), {}).into())
            }
            // ---------------------------------------------------------- ACS methods
            "Inform" => Q(read_struct!(self, m, Inform::default(), {
                "DeviceId" => device_id: device_id(req),
                "Event" => event: events(req),
                "MaxEnvelopes" => max_envelopes: u32(req),
                "CurrentTime" => current_time: datetime(req),
                "RetryCount" => retry_count: u32(req),
                "ParameterList" => parameter_list: parameter_values(req),
            })
            .into()),
            "InformResponse" => R(read_struct!(self, m, InformResponse::default(), {
                "MaxEnvelopes" => max_envelopes: u32(req),
            })
            .into()),
            "TransferComplete" => Q(read_struct!(self, m, TransferComplete::default(), {
                "CommandKey" => command_key: string(req),
                "FaultStruct" => fault_struct: fault_struct(req),
                "StartTime" => start_time: datetime(req),
                "CompleteTime" => complete_time: datetime(req),
            })
            .into()),
            "TransferCompleteResponse" => {
                R(read_struct!(self, m, TransferCompleteResponse::default(), {}).into())
            }
            "AutonomousTransferComplete" => Q(
                read_struct!(self, m, AutonomousTransferComplete::default(), {
                    "AnnounceURL" => announce_url: string(req),
                    "TransferURL" => transfer_url: string(req),
                    "IsDownload" => is_download: boolean(req),
                    "FileType" => file_type: string(req),
                    "FileSize" => file_size: u32(req),
                    "TargetFileName" => target_file_name: string(req),
                    "FaultStruct" => fault_struct: fault_struct(req),
                    "StartTime" => start_time: datetime(req),
                    "CompleteTime" => complete_time: datetime(req),
                })
                .into(),
            ),
            "AutonomousTransferCompleteResponse" => {
                R(read_struct!(self, m, AutonomousTransferCompleteResponse::default(), {}).into())
            }
            "DUStateChangeComplete" => Q(read_struct!(self, m, DuStateChangeComplete::default(), {
                "Results" => results: op_results(req),
                "CommandKey" => command_key: string,
            })
            .into()),
            "DUStateChangeCompleteResponse" => {
                R(read_struct!(self, m, DuStateChangeCompleteResponse::default(), {}).into())
            }
            "AutonomousDUStateChangeComplete" => Q(
                read_struct!(self, m, AutonomousDuStateChangeComplete::default(), {
                    "Results" => results: autonomous_op_results(req),
                })
                .into(),
            ),
            "AutonomousDUStateChangeCompleteResponse" => R(read_struct!(
                self,
                m,
                AutonomousDuStateChangeCompleteResponse::default(),
                {}
            )
            .into()),
            "RequestDownload" => Q(read_struct!(self, m, RequestDownload::default(), {
                "FileType" => file_type: string(req),
                "FileTypeArg" => file_type_arg: arg_list(req),
            })
            .into()),
            "RequestDownloadResponse" => {
                R(read_struct!(self, m, RequestDownloadResponse::default(), {}).into())
            }
            "Kicked" => Q(read_struct!(self, m, Kicked::default(), {
                "Command" => command: string(req),
                "Referer" => referer: string(req),
                "Arg" => arg: string(req),
                "Next" => next: string(req),
            })
            .into()),
            "KickedResponse" => R(read_struct!(self, m, KickedResponse::default(), {
                "NextURL" => next_url: string(req),
            })
            .into()),
            _ => self.unknown_method(m)?,
        })
    }

    /// A vendor or unknown method, kept by name with its raw content.
    fn unknown_method(&mut self, m: Elem<'a>) -> Result<Body> {
        // quick-xml does not check names; a method name must be one to be written back.
        if !crate::encode::fragment::is_ncname(m.local()) {
            return Err(Self::err(DecodeErrorKind::MalformedXml, m.offset));
        }
        let name = m.local().to_owned();
        let start = m.content_start;
        // The declarations in scope inside the method element, for the prefixes its XML uses,
        // less those the encoder writes around it anyway: its four fixed prefixes, and `cwmp`
        // bound to the method's namespace (which becomes the envelope's, as in `body`).
        let method_ns = match self.ns(&m) {
            Ns::Cwmp(n) => Some(n),
            _ => m.declared_cwmp(),
        };
        let in_scope: Vec<(String, Option<String>)> = self
            .prefix_bindings()
            .into_iter()
            .map(|(prefix, uri)| {
                let written = match prefix.as_str() {
                    "cwmp" => method_ns.map(CwmpNamespace::uri),
                    p => ENVELOPE_PREFIXES
                        .iter()
                        .find(|(fixed, _)| *fixed == p)
                        .map(|(_, uri)| *uri),
                };
                // Bound alike by the encoder: needs no declaration of its own.
                let copy = (written != Some(uri.as_str())).then_some(uri);
                (prefix, copy)
            })
            .collect();
        let end = self.skip(m)?;
        let (s, e) = (
            usize::try_from(start).unwrap_or(usize::MAX),
            usize::try_from(end).unwrap_or(usize::MAX),
        );
        let xml = self
            .source()
            .get(s..e)
            .ok_or_else(|| Self::err(DecodeErrorKind::MalformedXml, start))?;
        if xml.len() > self.opts.max_text_len {
            return Err(Self::err(DecodeErrorKind::TextTooLong, start));
        }
        let xml = self.self_contained(xml, start, &in_scope)?;
        let method = UnknownMethod::new(name, xml);
        Ok(if method.name.ends_with("Response") {
            Body::Response(Response::Unknown(method))
        } else {
            Body::Request(Request::Unknown(method))
        })
    }

    /// The XML of an unknown method (read at `start`), made to mean the same wherever the encoder
    /// writes it: a prefix it uses but declares only on an ancestor (a vendor's, or `xsd` bound
    /// to an old schema URI) gets that declaration copied onto each top-level element that uses
    /// it. `in_scope` holds the ancestors' declarations, with no URI for those the encoder
    /// declares alike around the XML (they are left as they are). The XML must be well-formed
    /// content (quick-xml does not check names, `]]>`, …), else `MalformedXml` at the fault. A
    /// prefix declared nowhere is kept with an `UnboundPrefix` warning (an error with
    /// `strict_namespaces`); characters XML cannot carry are kept with an `InvalidXmlChar` one.
    /// A `&` that starts no reference is written `&amp;` (a literal `&`, as anywhere else).
    fn self_contained(
        &mut self,
        xml: &str,
        start: u64,
        in_scope: &[(String, Option<String>)],
    ) -> Result<String> {
        use crate::encode::fragment::{self, Issue};
        let (escaped, inserted, in_attributes) = super::amp::escape_bare_amps(xml);
        // Offsets in the escaped XML, as input offsets.
        let src = |at: usize| start + super::amp::original_offset(at, &inserted) as u64;
        for at in in_attributes {
            // (Those in text were reported by the reader.)
            self.warn(
                WarningKind::LiteralAmpersand,
                start + at as u64,
                "in an attribute value of unknown method XML",
            );
        }
        let xml: &str = &escaped;
        let mut uses: Vec<(usize, String)> = Vec::new();
        let mut forbidden = fragment::forbidden_char_at(xml);
        fragment::walk(xml, &[], &mut |issue| {
            match issue {
                Issue::UnboundPrefix { top, prefix } => {
                    // Uses come in document order, so those of the element being read are
                    // last: looking only there keeps this linear in the number of elements.
                    let seen = uses
                        .iter()
                        .rev()
                        .take_while(|(a, _)| *a == top)
                        .any(|(_, p)| p == prefix);
                    if !seen {
                        uses.push((top, prefix.to_owned()));
                    }
                }
                Issue::ForbiddenCharRef { offset } => {
                    forbidden = Some(forbidden.map_or(offset, |f| f.min(offset)));
                }
            }
            Ok(())
        })
        .map_err(|e| Self::err(DecodeErrorKind::MalformedXml, src(e.offset)))?;
        if let Some(at) = forbidden {
            // Kept as sent (never lost); the encoder will not write it.
            self.warn(WarningKind::InvalidXmlChar, src(at), "unknown method XML");
        }
        if uses.is_empty() {
            return Ok(xml.to_owned());
        }
        let mut out = String::with_capacity(xml.len() + 64 * uses.len());
        let mut copied = 0;
        for (at, prefix) in &uses {
            let Some((_, uri)) = in_scope.iter().find(|(p, _)| p == prefix) else {
                let offset = src(*at);
                if self.opts.strict_namespaces {
                    return Err(Self::err(DecodeErrorKind::UnboundPrefix, offset));
                }
                self.warn(WarningKind::UnboundPrefix, offset, prefix);
                continue;
            };
            let Some(uri) = uri else {
                continue;
            };
            out.push_str(&xml[copied..*at]);
            copied = *at;
            // The value as written in the source, made a well-formed attribute value (a bare
            // `&` the lenient reader let through becomes `&amp;`), in quotes it cannot contain.
            let (value, carries_forbidden) = fragment::attribute_value(uri);
            if carries_forbidden {
                // Kept (never lost), as in any text; the encoder will not write it.
                self.warn(WarningKind::InvalidXmlChar, src(*at), prefix);
            }
            let quote = if value.contains('"') { '\'' } else { '"' };
            out.push_str(" xmlns:");
            out.push_str(prefix);
            out.push('=');
            out.push(quote);
            out.push_str(&value);
            out.push(quote);
        }
        out.push_str(&xml[copied..]);
        Ok(out)
    }

    /// `ChangeDUState`: `Operations` either repeated with `xsi:type` (the XSD form) or one
    /// container of `InstallOpStruct`/`UpdateOpStruct`/`UninstallOpStruct` (the deployed form).
    fn change_du_state(&mut self, m: Elem<'a>) -> Result<ChangeDuState> {
        let mut v = ChangeDuState::default();
        let (mut saw_operations, mut saw_key) = (false, false);
        while let Some(c) = self.child_of(&m)? {
            match c.local() {
                "Operations" => {
                    saw_operations = true;
                    let declared = self
                        .attr(&c, "type")?
                        .map(|t| t.rsplit_once(':').map_or(&*t, |(_, l)| l).to_owned());
                    match declared {
                        Some(ty) => {
                            if v.operations.len() >= self.opts.max_array_items {
                                return Err(Self::err(DecodeErrorKind::TooManyItems, c.offset));
                            }
                            if let Some(op) = self.operation(c, &ty)? {
                                v.operations.push(op);
                            }
                        }
                        None => {
                            while let Some(op) = self.child_of(&c)? {
                                if v.operations.len() >= self.opts.max_array_items {
                                    return Err(Self::err(
                                        DecodeErrorKind::TooManyItems,
                                        op.offset,
                                    ));
                                }
                                let ty = op.local().to_owned();
                                if let Some(op) = self.operation(op, &ty)? {
                                    v.operations.push(op);
                                }
                            }
                        }
                    }
                }
                "CommandKey" if saw_key => {
                    let at = c.offset;
                    let second = self.string(c)?;
                    self.repeated("CommandKey", at, &mut v.command_key, second)?;
                }
                "CommandKey" => {
                    v.command_key = self.string(c)?;
                    saw_key = true;
                }
                _ => self.unknown(c)?,
            }
        }
        if !saw_operations {
            self.missing(&m, "Operations");
        }
        Ok(v)
    }

    /// One operation of type `ty` read from `e`'s children; an unknown type is skipped with
    /// a warning.
    fn operation(&mut self, e: Elem<'a>, ty: &str) -> Result<Option<Operation>> {
        Ok(Some(match ty {
            "InstallOpStruct" => {
                Operation::Install(read_struct!(self, e, InstallOpStruct::default(), {
                    "URL" => url: string(req),
                    "UUID" => uuid: string,
                    "Username" => username: string,
                    "Password" => password: string,
                    "ExecutionEnvRef" => execution_env_ref: string,
                }))
            }
            "UpdateOpStruct" => {
                Operation::Update(read_struct!(self, e, UpdateOpStruct::default(), {
                    "UUID" => uuid: string,
                    "Version" => version: string,
                    "URL" => url: string,
                    "Username" => username: string,
                    "Password" => password: string,
                }))
            }
            "UninstallOpStruct" => {
                Operation::Uninstall(read_struct!(self, e, UninstallOpStruct::default(), {
                    "UUID" => uuid: string(req),
                    "Version" => version: string,
                    "ExecutionEnvRef" => execution_env_ref: string,
                }))
            }
            _ => {
                self.unknown(e)?;
                return Ok(None);
            }
        }))
    }
}
