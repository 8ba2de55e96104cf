//! The example CPE agent's HTTP: each POST to the ACS (the session machine's `Authorization`,
//! gzip with a fallback to plain bodies, the response or the transport failure fed back to the
//! machine) and the Download's GET.

use std::time::{Duration, Instant};

use cwmp_session::connreq::basic;
use cwmp_session::cpe::{Input, TransportError};
use cwmp_session::http::{IncomingResponse, SendReason};
use cwmp_session::{CpeRequest, CpeSession, TransferKind};
use cwmp_types::{DateTime, Download, FaultCode, FaultStruct, TransferComplete};
use hyper::header::WWW_AUTHENTICATE;
use hyper::{StatusCode, Uri};

use super::{Agent, sleep_until, unix_now};
use crate::device::describe;
use crate::http::ContentCoding;
use crate::transport::{self, ClientError};

/// Longest a Download may take.
const DOWNLOAD_TIMEOUT: Duration = Duration::from_secs(60);
/// Largest file a Download accepts (the simulated flash).
const MAX_DOWNLOAD: usize = 64 << 20;

impl Agent {
    /// Sends one POST and feeds the outcome to the machine.
    pub(super) async fn send(
        &mut self,
        cpe: &mut CpeSession,
        request: cwmp_session::http::HttpRequest,
    ) {
        if self.noting() {
            let line = if request.body.is_empty() {
                "(empty POST)".to_owned()
            } else {
                describe(
                    cwmp_soap::decode(&request.body)
                        .ok()
                        .map(|d| d.envelope.body)
                        .as_ref(),
                )
            };
            self.note(format!("CPE → ACS  {line}"));
        }
        match request.reason {
            SendReason::NewSession => {
                self.client.end_session();
                self.basic = false;
            }
            // A redirect goes to a target that has not asked for credentials yet.
            SendReason::Redirect => self.basic = false,
            _ => {}
        }
        // The machine's answer to the ACS's challenge (Digest with the next nonce count, as
        // the ACS authenticates each request), or Basic when that is what the ACS asked for
        // over plain HTTP.
        let authorization = request.authorization.clone().or_else(|| {
            self.basic
                .then(|| basic::authorization(&self.config.acs_credentials))
        });
        // The machine's response deadline (set as it sent this request) bounds the whole
        // exchange (connect, send, answer): an ACS that stops answering fails the session
        // instead of hanging the agent. (`poll_timeout` is not it: it also carries the
        // periodic and scheduled Informs.)
        let deadline = Some(Instant::now() + self.config.response_timeout);
        let exchange = async {
            match request.url.parse::<Uri>() {
                Ok(url) => {
                    let soap_action = request.soap_action.is_some();
                    let body = request.body.clone();
                    let auth = authorization.as_deref();
                    let mut outcome = self
                        .client
                        .post(&url, body.clone(), auth, soap_action)
                        .await;
                    if outcome
                        .as_ref()
                        .is_ok_and(|r| r.status == StatusCode::UNSUPPORTED_MEDIA_TYPE)
                        && self
                            .client
                            .coding
                            .is_some_and(|c| c != ContentCoding::Identity)
                    {
                        // The ACS does not take compressed bodies: send them plain from now on
                        // (as CPEs that compress do), and resend this one at once.
                        self.client.coding = None;
                        self.note(
                            "ACS → CPE  415 Unsupported Media Type (resent, and every body from \
                         now on, uncompressed)"
                                .into(),
                        );
                        outcome = self.client.post(&url, body, auth, soap_action).await;
                    }
                    outcome
                }
                Err(e) => Err(ClientError::BadUrl(e.to_string())),
            }
        };
        let outcome = tokio::select! {
            outcome = exchange => outcome,
            () = sleep_until(deadline) => Err(ClientError::TimedOut),
        };
        let now = Instant::now();
        match outcome {
            Ok(response) => {
                // The challenges offered, as one list (RFC 9110 §11.6.1), for the machine.
                let challenge = (response.status == StatusCode::UNAUTHORIZED)
                    .then(|| {
                        let offered: Vec<&str> = response
                            .headers
                            .get_all(WWW_AUTHENTICATE)
                            .iter()
                            .filter_map(|v| v.to_str().ok())
                            .collect();
                        offered.join(", ")
                    })
                    .filter(|c| !c.is_empty());
                // Basic alone over plain HTTP: the machine refuses to send the password in
                // clear text; the example ACS's `--basic` asks for it all the same, so the
                // agent answers it (the machine resends without `Authorization`).
                let basic_only = challenge.as_deref().is_some_and(|c| {
                    let schemes = auth_schemes(c);
                    !request.url.to_ascii_lowercase().starts_with("https://")
                        && schemes.iter().any(|s| s.eq_ignore_ascii_case("basic"))
                        && !schemes.iter().any(|s| s.eq_ignore_ascii_case("digest"))
                });
                if basic_only {
                    self.basic = true;
                }
                if self.noting() {
                    let line = match response.status {
                        StatusCode::OK if !response.body.is_empty() => describe(
                            cwmp_soap::decode(&response.body)
                                .ok()
                                .map(|d| d.envelope.body)
                                .as_ref(),
                        ),
                        StatusCode::OK | StatusCode::NO_CONTENT => {
                            format!("{} (session over)", response.status)
                        }
                        other => other.to_string(),
                    };
                    self.note(format!("ACS → CPE  {line}"));
                }
                let location = response.redirect.as_ref().map(ToString::to_string);
                let content_type = response
                    .headers
                    .get(hyper::header::CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok());
                let mut incoming = IncomingResponse::new(response.status.as_u16(), &response.body);
                if let Some(l) = &location {
                    incoming = incoming.with_location(l);
                }
                if let Some(ct) = content_type {
                    incoming = incoming.with_content_type(ct);
                }
                if let Some(c) = challenge.as_deref().filter(|_| !basic_only) {
                    incoming = incoming.with_www_authenticate(c);
                }
                let _ = cpe.handle_input(Input::HttpResponse {
                    now,
                    response: incoming,
                });
            }
            Err(e) => {
                self.note(format!("     transport failed: {e}"));
                let error = match e {
                    ClientError::BadUrl(_) | ClientError::Io(_) => TransportError::Connect,
                    ClientError::TimedOut => {
                        // The connection may still be busy with the late exchange.
                        self.client.drop_connection();
                        TransportError::ConnectionLost
                    }
                    _ => TransportError::ConnectionLost,
                };
                let _ = cpe.handle_input(Input::TransportFailed { now, error });
            }
        }
    }

    /// Carries out a Download (an HTTP GET of the file) and queues its TransferComplete.
    pub(super) async fn download(&mut self, cpe: &mut CpeSession, download: &Download) {
        let start = DateTime::from_unix(unix_now());
        let fetched = match download.url.parse::<Uri>() {
            Ok(url) => {
                let fetch =
                    transport::fetch_from_cluster(&url, MAX_DOWNLOAD, &self.config.spread_over);
                tokio::time::timeout(DOWNLOAD_TIMEOUT, fetch).await
            }
            Err(_) => Ok(Err(ClientError::BadUrl(download.url.clone()))),
        };
        let fault = match fetched {
            Ok(Ok((StatusCode::OK, file))) => {
                if download.file_size == 0
                    || u64::try_from(file.len()) == Ok(download.file_size.into())
                {
                    FaultStruct::success()
                } else {
                    let mut f = FaultStruct::failure(FaultCode::FileCorrupted);
                    f.fault_string = format!(
                        "got {} bytes, FileSize says {}",
                        file.len(),
                        download.file_size
                    );
                    f
                }
            }
            Ok(Ok((status, _))) => transfer_failure(format!("the file server answered {status}")),
            Ok(Err(e)) => transfer_failure(e.to_string()),
            Err(_) => transfer_failure(format!("no file within {DOWNLOAD_TIMEOUT:?}")),
        };
        if !fault.is_success() {
            self.report
                .problems
                .push(format!("download failed: {}", fault.fault_string));
        }
        let complete = DateTime::from_unix(unix_now());
        let body = TransferComplete::new(download.command_key.clone(), fault, start, complete);
        let request = CpeRequest::TransferComplete {
            kind: TransferKind::Download,
            body,
        };
        if let Err(e) = cpe.queue_request(Instant::now(), request) {
            self.report
                .problems
                .push(format!("cannot queue TransferComplete: {e}"));
        }
        // The TransferComplete must survive a restart until the ACS acknowledges it.
        self.persist(cpe);
    }
}

/// The auth-schemes of a `WWW-Authenticate` list: the first token of each challenge (a token
/// that follows a comma and is not a `name=value` parameter).
fn auth_schemes(header: &str) -> Vec<&str> {
    let mut schemes = Vec::new();
    let mut in_quotes = false;
    let mut start = 0;
    let mut pieces = Vec::new();
    for (i, c) in header.char_indices() {
        match c {
            '"' => in_quotes = !in_quotes,
            ',' if !in_quotes => {
                pieces.push(&header[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    pieces.push(&header[start..]);
    for piece in pieces {
        let first = piece.split_whitespace().next().unwrap_or("");
        if !first.is_empty() && !first.contains('=') {
            schemes.push(first);
        }
    }
    schemes
}

fn transfer_failure(reason: String) -> FaultStruct {
    let mut fault = FaultStruct::failure(FaultCode::FileTransferFailure);
    fault.fault_string = reason;
    fault
}
