//! What the HTTP front end, persistence and the admin endpoints share: the server's state
//! ([`AppState`]), who is calling ([`Caller`]) and a finished reply ([`Reply`]).
//!
//! Its own module so that `server`, `state` and `admin` all import it and none of them
//! imports another's internals in a cycle.

use std::sync::{Arc, Mutex};

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::auth::AuthConfig;
use crate::error::Ec2Error;
use crate::model::regions::Region;
use crate::model::{lock, Backend};
use crate::state::Persister;
use crate::wire::xml::error_document;
use crate::Config;

/// Shared state of one running server.
#[derive(Clone)]
pub struct AppState {
    pub backend: Arc<Backend>,
    pub default_account_id: String,
    pub default_region: &'static Region,
    /// `--auth` mode and access keys, checked on every EC2 request.
    pub auth: Arc<AuthConfig>,
    /// Writes `--state-file` after every change; `None` without one.
    pub persister: Option<Arc<Persister>>,
    /// Request IDs, drawn from the server's seed so that `--seed` replies are identical
    /// byte for byte, request IDs included.
    request_ids: Arc<Mutex<Xoshiro256PlusPlus>>,
}

impl AppState {
    pub fn new(config: &Config) -> Self {
        AppState {
            backend: Arc::new(crate::state::backend_for(config)),
            default_account_id: config.account_id.clone(),
            default_region: config.region,
            auth: Arc::new(config.auth.clone()),
            persister: crate::state::persister_for(config),
            // A stream of its own: request IDs never shift a world's IDs or addresses.
            request_ids: Arc::new(Mutex::new(Xoshiro256PlusPlus::seed_from_u64(
                config.seed ^ 0x7265_7175_6573_7473,
            ))),
        }
    }

    /// The next request ID, a UUID as EC2 sends them.
    pub fn new_request_id(&self) -> String {
        let bytes: [u8; 16] = lock(&self.request_ids).gen();
        uuid::Builder::from_random_bytes(bytes)
            .into_uuid()
            .to_string()
    }
}

/// Who is calling and where: from the SigV4 credential scope, else the server's defaults.
#[derive(Debug, Clone)]
pub struct Caller {
    pub account_id: String,
    pub region: &'static Region,
}

impl Caller {
    pub fn defaults(state: &AppState) -> Self {
        Caller {
            account_id: state.default_account_id.clone(),
            region: state.default_region,
        }
    }
}

/// A finished reply, before it becomes an HTTP response.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub body: Vec<u8>,
    pub request_id: String,
    pub action: Option<&'static str>,
    /// Whether the action changes state (so a success must be persisted first).
    pub mutates: bool,
    pub error_code: Option<&'static str>,
    pub caller: Caller,
}

impl Reply {
    pub fn error(
        error: &Ec2Error,
        request_id: String,
        caller: Caller,
        action: Option<&'static str>,
    ) -> Self {
        Reply {
            status: error.status(),
            body: error_document(error, &request_id),
            request_id,
            action,
            mutates: false,
            error_code: Some(error.code()),
            caller,
        }
    }
}
