//! The auth mode (`--auth`) and the access keys the server knows (`--access-key`).

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::time::SystemTime;

use super::sigv4::{verify, Credential, SignedRequest};
use crate::error::Ec2Error;

/// Whether signatures are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AuthMode {
    /// Any request is served; the credential scope (if any) only selects account and region.
    #[default]
    Permissive,
    /// Every EC2 request must carry a valid SigV4 signature by a configured access key.
    Strict,
}

impl FromStr for AuthMode {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "permissive" => Ok(AuthMode::Permissive),
            "strict" => Ok(AuthMode::Strict),
            other => Err(format!(
                "unknown auth mode '{other}' (expected 'permissive' or 'strict')"
            )),
        }
    }
}

/// One configured access key: its secret, and the account it belongs to if not the default.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessKey {
    pub secret: String,
    /// A 12-digit account; `None` keeps the usual rule (a 12-digit key ID is the account,
    /// anything else is the default account).
    pub account_id: Option<String>,
}

// Written by hand so that `Config`'s derived Debug (and any log of it) never prints a secret.
impl fmt::Debug for AccessKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessKey")
            .field("secret", &"<redacted>")
            .field("account_id", &self.account_id)
            .finish()
    }
}

/// The auth mode and the access keys the server knows.
#[derive(Debug, Clone, Default)]
pub struct AuthConfig {
    mode: AuthMode,
    keys: HashMap<String, AccessKey>,
}

impl AuthConfig {
    /// No signature checks and no keys: the server's historical behaviour.
    pub fn permissive() -> Self {
        AuthConfig::default()
    }

    /// A configuration from parsed keys. Strict mode without any key would refuse every
    /// request, so it is rejected here rather than discovered at the first call; so is a key
    /// ID given twice, since which secret wins would be an accident of ordering.
    pub fn new(
        mode: AuthMode,
        keys: impl IntoIterator<Item = (String, AccessKey)>,
    ) -> Result<Self, String> {
        let mut table = HashMap::new();
        for (id, key) in keys {
            if table.insert(id.clone(), key).is_some() {
                return Err(format!("access key '{id}' is configured twice"));
            }
        }
        if mode == AuthMode::Strict && table.is_empty() {
            return Err(
                "--auth strict needs at least one access key (--access-key AKID:SECRET or EC2_MOCK_ACCESS_KEYS)"
                    .to_owned(),
            );
        }
        Ok(AuthConfig { mode, keys: table })
    }

    /// A configuration from `AKID:SECRET[:ACCOUNT]` specs, as the flags and env var give them.
    pub fn from_specs<S: AsRef<str>>(mode: AuthMode, specs: &[S]) -> Result<Self, String> {
        let keys = specs
            .iter()
            .map(|s| parse_access_key(s.as_ref()))
            .collect::<Result<Vec<_>, _>>()?;
        AuthConfig::new(mode, keys)
    }

    pub fn mode(&self) -> AuthMode {
        self.mode
    }

    /// The account a configured key belongs to, when its spec named one.
    pub fn account_for(&self, access_key_id: &str) -> Option<&str> {
        self.keys.get(access_key_id)?.account_id.as_deref()
    }

    /// In strict mode, verifies the request and returns its credential; in permissive mode,
    /// checks nothing and returns `None`.
    pub fn authenticate(
        &self,
        request: &SignedRequest<'_>,
        now: SystemTime,
    ) -> Result<Option<Credential>, Ec2Error> {
        match self.mode {
            AuthMode::Permissive => Ok(None),
            AuthMode::Strict => verify(request, now, |id| {
                self.keys.get(id).map(|k| k.secret.as_str())
            })
            .map(Some),
        }
    }
}

/// Parses `AKID:SECRET` or `AKID:SECRET:ACCOUNT`.
///
/// The key ID may not contain `/` (the credential scope is `/`-separated) and the account, when
/// given, must be 12 digits. Secrets cannot contain `:` or `,`; AWS secrets never do.
pub fn parse_access_key(spec: &str) -> Result<(String, AccessKey), String> {
    let mut parts = spec.split(':');
    let id = parts.next().unwrap_or_default().trim();
    let secret = parts.next().unwrap_or_default().trim();
    let account = parts.next().map(str::trim);
    if parts.next().is_some() {
        return Err(format!(
            "access key '{id}': expected AKID:SECRET or AKID:SECRET:ACCOUNT, got more fields"
        ));
    }
    if id.is_empty() || secret.is_empty() {
        return Err(format!(
            "access key spec must be AKID:SECRET[:ACCOUNT] with both parts non-empty (key '{id}')"
        ));
    }
    if id.contains('/') || id.bytes().any(|b| !b.is_ascii_graphic()) {
        return Err(format!(
            "access key '{id}' must be printable ASCII without '/'"
        ));
    }
    let account_id = match account {
        None => None,
        Some(a) if a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()) => Some(a.to_owned()),
        Some(a) => {
            return Err(format!(
                "access key '{id}': account must be 12 digits, got '{a}'"
            ))
        }
    };
    Ok((
        id.to_owned(),
        AccessKey {
            secret: secret.to_owned(),
            account_id,
        },
    ))
}
