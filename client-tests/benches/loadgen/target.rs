//! What a suite runs against: a fresh in-process emulator per section, or a running server
//! (`--url`, or moto) wiped before each section.

use cwlogs_emulator::{Emulator, SequenceTokenMode};

use crate::http::Http;
use crate::Res;

/// What a suite runs against.
#[derive(Debug, Clone)]
pub enum Target {
    /// A fresh in-process emulator per section.
    InProcess,
    /// A running server, reset before each section; `pid` lets the memory section read its RSS.
    External {
        name: String,
        url: String,
        pid: Option<u32>,
    },
}

impl Target {
    pub fn name(&self) -> &str {
        match self {
            Target::InProcess => "emulator (in-process)",
            Target::External { name, .. } => name,
        }
    }

    pub fn is_moto(&self) -> bool {
        matches!(self, Target::External { name, .. } if name == "moto")
    }

    /// A server for one section, empty. `mode` applies to in-process emulators; an external
    /// server keeps whatever mode it was started with.
    pub async fn server(&self, mode: SequenceTokenMode) -> Res<Server> {
        match self {
            Target::InProcess => {
                let emulator = Emulator::builder().sequence_tokens(mode).start().await?;
                let http = Http::new(&emulator.endpoint_url())?;
                Ok(Server {
                    http,
                    emulator: Some(emulator),
                })
            }
            Target::External { url, .. } => {
                let http = Http::new(url)?;
                http.reset().await?;
                Ok(Server {
                    http,
                    emulator: None,
                })
            }
        }
    }
}

/// A server for one section: the in-process emulator stops when this is dropped.
pub struct Server {
    pub http: Http,
    pub emulator: Option<Emulator>,
}

impl Server {
    pub async fn stop(self) {
        let Server { http, emulator } = self;
        // Close the pooled connections first, so the server's connection tasks (which hold the
        // store) end and the memory is freed before the next section.
        drop(http);
        if let Some(emulator) = emulator {
            emulator.shutdown().await;
        }
    }
}
