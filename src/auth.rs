//! AWS Signature Version 4 verification for `--auth strict`, and the access-key table.
//!
//! [`verify`] is pure: it takes the request as bytes and headers, the clock time and a secret
//! lookup, and answers the verified credential or the error EC2 would send. It never reads the
//! clock itself, so tests can replay AWS's published test-suite vectors at their fixed date.
//!
//! Only the canonicalisation is written here; HMAC-SHA256 and SHA-256 come from RustCrypto's
//! `hmac` and `sha2`, and the signature comparison is `Mac::verify_slice`, which is
//! constant-time. No crate verifies SigV4 on the server side (`aws-sigv4` only signs).
//!
//! Every byte of a request may be hostile: header values are handled as bytes, nothing is
//! indexed without a check, and every failure is an [`Ec2Error`], never a panic.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::http::{header, HeaderMap};
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

use crate::error::Ec2Error;

/// The service name every EC2 credential scope must carry.
pub const SERVICE: &str = "ec2";
/// The only signing algorithm accepted (SigV4a's ECDSA variant is not).
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";
/// The last element of every credential scope.
const TERMINATOR: &str = "aws4_request";
/// How far `X-Amz-Date` may be from the server's clock, either way: AWS's documented window
/// for `RequestExpired` is 15 minutes.
pub const MAX_CLOCK_SKEW_SECS: i64 = 15 * 60;
/// The longest lifetime a presigned URL may ask for: seven days, as AWS allows.
pub const MAX_PRESIGN_EXPIRES_SECS: i64 = 7 * 24 * 60 * 60;

/// EC2's message when the key is unknown (the same text real EC2 sends with `AuthFailure`).
pub const UNKNOWN_KEY_MESSAGE: &str =
    "AWS was not able to validate the provided access credentials";
/// EC2's message for a signature that does not verify.
pub const SIGNATURE_MISMATCH_MESSAGE: &str = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

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

/// What the verifier sees of a request: the raw request line parts, headers and body.
#[derive(Debug, Clone, Copy)]
pub struct SignedRequest<'a> {
    pub method: &'a str,
    /// The path as it arrived on the wire (still percent-encoded); EC2 uses `/`.
    pub path: &'a str,
    /// The raw query string, without `?`.
    pub query: Option<&'a str>,
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
}

/// A verified credential scope: `AKID/yyyymmdd/region/service/aws4_request`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential {
    pub access_key_id: String,
    pub date: String,
    pub region: String,
    pub service: String,
}

impl fmt::Display for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}/{}/{}/{}/{TERMINATOR}",
            self.access_key_id, self.date, self.region, self.service
        )
    }
}

/// Verifies a SigV4-signed EC2 request (signature in the `Authorization` header or presigned
/// in the query). `secret_of` answers the secret of a key ID, `None` for an unknown key.
pub fn verify<'k>(
    request: &SignedRequest<'_>,
    now: SystemTime,
    secret_of: impl Fn(&str) -> Option<&'k str>,
) -> Result<Credential, Ec2Error> {
    verify_for_service(SERVICE, request, now, secret_of)
}

/// Parameters of a presigned URL that carry the signature rather than the request.
const PRESIGN_PARAMS: [&str; 6] = [
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Date",
    "X-Amz-Expires",
    "X-Amz-SignedHeaders",
    "X-Amz-Signature",
];

/// The signature fields, wherever they came from.
struct Signed {
    credential: Credential,
    /// `X-Amz-Date` exactly as sent: it is part of the string to sign.
    amz_date: String,
    timestamp: i64,
    /// Presigned URLs only: how long after `timestamp` the URL stays valid.
    expires: Option<i64>,
    signed_headers: Vec<String>,
    signature: String,
}

/// [`verify`] with the service as a parameter, so unit tests can use AWS's test-suite vectors
/// (which are scoped to the service `service`).
fn verify_for_service<'k>(
    service: &str,
    request: &SignedRequest<'_>,
    now: SystemTime,
    secret_of: impl Fn(&str) -> Option<&'k str>,
) -> Result<Credential, Ec2Error> {
    let query = decode_query(request.query.unwrap_or_default());
    let presigned = query
        .iter()
        .any(|(k, _)| PRESIGN_PARAMS.iter().any(|p| k.as_slice() == p.as_bytes()));
    let signed = match request.headers.get(header::AUTHORIZATION) {
        Some(auth) => from_header(auth.as_bytes(), request.headers)?,
        None if presigned => from_query(&query)?,
        // What real EC2 answers a request that carries no credentials at all.
        None => return Err(Ec2Error::MissingParameter("AWSAccessKeyId".to_owned())),
    };
    check_scope(&signed, service)?;

    let Some(secret) = secret_of(&signed.credential.access_key_id) else {
        return Err(Ec2Error::AuthFailure(UNKNOWN_KEY_MESSAGE.to_owned()));
    };
    check_time(&signed, unix_seconds(now))?;
    check_signed_headers(&signed.signed_headers, request.headers)?;

    let payload_hash = payload_hash(request.headers, request.body)?;
    // A presigned URL carries its own signature in the query; it cannot have signed itself.
    let skip = if signed.expires.is_some() {
        Some("X-Amz-Signature")
    } else {
        None
    };
    let canonical = canonical_request(
        request.method,
        request.path,
        &query,
        skip,
        request.headers,
        &signed.signed_headers,
        &payload_hash,
    );
    let scope = format!(
        "{}/{}/{}/{TERMINATOR}",
        signed.credential.date, signed.credential.region, signed.credential.service
    );
    let to_sign = string_to_sign(&signed.amz_date, &scope, &canonical);
    let key = signing_key(
        secret,
        &signed.credential.date,
        &signed.credential.region,
        &signed.credential.service,
    )?;
    let provided = match hex::decode(signed.signature.as_bytes()) {
        Ok(bytes) if bytes.len() == 32 => bytes,
        _ => return Err(mismatch()),
    };
    let mut mac = hmac(&key)?;
    mac.update(to_sign.as_bytes());
    // Constant-time: `verify_slice` compares without early exit.
    mac.verify_slice(&provided).map_err(|_| mismatch())?;
    Ok(signed.credential)
}

fn mismatch() -> Ec2Error {
    Ec2Error::SignatureDoesNotMatch(SIGNATURE_MISMATCH_MESSAGE.to_owned())
}

/// Parses `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` plus `X-Amz-Date`.
fn from_header(value: &[u8], headers: &HeaderMap) -> Result<Signed, Ec2Error> {
    let text = String::from_utf8_lossy(value);
    let text = text.trim();
    let (algorithm, rest) = text.split_once(' ').unwrap_or((text, ""));
    let mut credential = None;
    let mut signed_headers = None;
    let mut signature = None;
    // Another scheme (SigV2's `AWS AKID:sig`, a bearer token) has none of the SigV4 parts;
    // AWS answers it with the same "requires" list as a SigV4 header missing all of them.
    if algorithm == ALGORITHM {
        for part in rest.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let Some((name, value)) = part.split_once('=') else {
                return Err(Ec2Error::IncompleteSignature(format!(
                    "'{part}' not a valid key=value pair (missing equal-sign) in Authorization header: '{text}'."
                )));
            };
            match name.trim() {
                "Credential" => credential = Some(value.trim().to_owned()),
                "SignedHeaders" => signed_headers = Some(value.trim().to_owned()),
                "Signature" => signature = Some(value.trim().to_owned()),
                _ => {}
            }
        }
    }
    let amz_date = headers
        .get("x-amz-date")
        .map(|v| String::from_utf8_lossy(v.as_bytes()).trim().to_owned());

    let mut missing = String::new();
    for (present, name) in [
        (credential.is_some(), "Credential"),
        (signature.is_some(), "Signature"),
        (signed_headers.is_some(), "SignedHeaders"),
    ] {
        if !present {
            missing.push_str(&format!(
                "Authorization header requires '{name}' parameter. "
            ));
        }
    }
    if amz_date.is_none() {
        missing.push_str(
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ",
        );
    }
    let (Some(credential), Some(signed_headers), Some(signature), Some(amz_date)) =
        (credential, signed_headers, signature, amz_date)
    else {
        return Err(Ec2Error::IncompleteSignature(format!(
            "{missing}Authorization={text}"
        )));
    };
    Ok(Signed {
        credential: parse_credential(&credential)?,
        timestamp: parse_amz_date(&amz_date)?,
        amz_date,
        expires: None,
        signed_headers: split_signed_headers(&signed_headers),
        signature,
    })
}

/// Parses the `X-Amz-*` parameters of a presigned URL.
fn from_query(query: &[(Vec<u8>, Vec<u8>)]) -> Result<Signed, Ec2Error> {
    let param = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k.as_slice() == name.as_bytes())
            .map(|(_, v)| String::from_utf8_lossy(v).into_owned())
    };
    let missing: Vec<&str> = PRESIGN_PARAMS
        .iter()
        .copied()
        .filter(|p| param(p).is_none())
        .collect();
    if !missing.is_empty() {
        let list = missing
            .iter()
            .map(|p| format!("'{p}'"))
            .collect::<Vec<_>>()
            .join(", ");
        return Err(Ec2Error::IncompleteSignature(format!(
            "AWS query-string parameters must include {list}. Re-examine the query-string parameters."
        )));
    }
    let get = |name: &str| param(name).unwrap_or_default();
    if get("X-Amz-Algorithm") != ALGORITHM {
        return Err(Ec2Error::IncompleteSignature(format!(
            "X-Amz-Algorithm only supports '{ALGORITHM}'"
        )));
    }
    let expires = match get("X-Amz-Expires").parse::<i64>() {
        Ok(e) if e < 0 => {
            return Err(Ec2Error::IncompleteSignature(
                "X-Amz-Expires must be non-negative".to_owned(),
            ))
        }
        Ok(e) if e > MAX_PRESIGN_EXPIRES_SECS => {
            return Err(Ec2Error::IncompleteSignature(format!(
                "X-Amz-Expires must be less than a week (in seconds) that is {MAX_PRESIGN_EXPIRES_SECS}"
            )))
        }
        Ok(e) => e,
        Err(_) => {
            return Err(Ec2Error::IncompleteSignature(
                "X-Amz-Expires should be a number".to_owned(),
            ))
        }
    };
    let amz_date = get("X-Amz-Date");
    Ok(Signed {
        credential: parse_credential(&get("X-Amz-Credential"))?,
        timestamp: parse_amz_date(&amz_date)?,
        amz_date,
        expires: Some(expires),
        signed_headers: split_signed_headers(&get("X-Amz-SignedHeaders")),
        signature: get("X-Amz-Signature"),
    })
}

/// `AKID/yyyymmdd/region/service/aws4_request`, exactly five elements.
fn parse_credential(text: &str) -> Result<Credential, Ec2Error> {
    let parts: Vec<&str> = text.split('/').collect();
    let [access_key_id, date, region, service, terminator] = parts.as_slice() else {
        return Err(Ec2Error::IncompleteSignature(format!(
            "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '{text}'"
        )));
    };
    if *terminator != TERMINATOR {
        return Err(Ec2Error::SignatureDoesNotMatch(format!(
            "Credential should be scoped with a valid terminator: '{TERMINATOR}', not '{terminator}'."
        )));
    }
    Ok(Credential {
        access_key_id: (*access_key_id).to_owned(),
        date: (*date).to_owned(),
        region: (*region).to_owned(),
        service: (*service).to_owned(),
    })
}

/// The scope must name this service and the day of `X-Amz-Date`. (An unknown region is
/// refused later, with the `AuthFailure` the server has always sent for it.)
fn check_scope(signed: &Signed, service: &str) -> Result<(), Ec2Error> {
    if signed.credential.service != service {
        return Err(Ec2Error::SignatureDoesNotMatch(format!(
            "Credential should be scoped to correct service: '{service}'. "
        )));
    }
    let day = signed.amz_date.get(..8).unwrap_or_default();
    if signed.credential.date != day {
        return Err(Ec2Error::SignatureDoesNotMatch(format!(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{}' != '{day}', from '{}'.",
            signed.credential.date, signed.amz_date
        )));
    }
    Ok(())
}

/// A signed request is valid for 15 minutes either side of its timestamp; a presigned URL from
/// (its timestamp − 15 minutes) until its own expiry.
fn check_time(signed: &Signed, now: i64) -> Result<(), Ec2Error> {
    let too_early = signed.timestamp.saturating_sub(now) > MAX_CLOCK_SKEW_SECS;
    let too_late = match signed.expires {
        Some(expires) => now > signed.timestamp.saturating_add(expires),
        None => now.saturating_sub(signed.timestamp) > MAX_CLOCK_SKEW_SECS,
    };
    if too_early || too_late {
        return Err(Ec2Error::RequestExpired);
    }
    Ok(())
}

/// `Host` must be signed (or anyone could replay the request at another endpoint), and every
/// signed header must be present.
fn check_signed_headers(signed: &[String], headers: &HeaderMap) -> Result<(), Ec2Error> {
    if !signed.iter().any(|h| h == "host") {
        return Err(Ec2Error::IncompleteSignature(
            "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.".to_owned(),
        ));
    }
    for name in signed {
        if !headers.keys().any(|k| k.as_str() == name) {
            return Err(Ec2Error::IncompleteSignature(format!(
                "'{name}' is named as a SignedHeader, but it does not exist in the HTTP request."
            )));
        }
    }
    Ok(())
}

fn split_signed_headers(list: &str) -> Vec<String> {
    list.split(';')
        .map(|h| h.trim().to_ascii_lowercase())
        .collect()
}

/// The hex SHA-256 of the body. A client may send it as `x-amz-content-sha256`, and signs that
/// value; it must then be the body's hash, or a tampered body would pass with an old header.
fn payload_hash(headers: &HeaderMap, body: &[u8]) -> Result<String, Ec2Error> {
    let actual = hex::encode(Sha256::digest(body));
    match headers.get("x-amz-content-sha256") {
        None => Ok(actual),
        Some(sent) => {
            let sent = String::from_utf8_lossy(sent.as_bytes()).trim().to_owned();
            if sent.eq_ignore_ascii_case(&actual) {
                Ok(sent)
            } else {
                Err(mismatch())
            }
        }
    }
}

/// The canonical request of SigV4, as bytes (header values need not be UTF-8).
fn canonical_request(
    method: &str,
    path: &str,
    query: &[(Vec<u8>, Vec<u8>)],
    skip_param: Option<&str>,
    headers: &HeaderMap,
    signed_headers: &[String],
    payload_hash: &str,
) -> Vec<u8> {
    let mut out = Vec::with_capacity(512);
    out.extend_from_slice(method.as_bytes());
    out.push(b'\n');
    out.extend_from_slice(canonical_uri(path).as_bytes());
    out.push(b'\n');
    out.extend_from_slice(canonical_query(query, skip_param).as_bytes());
    out.push(b'\n');
    for name in signed_headers {
        out.extend_from_slice(name.as_bytes());
        out.push(b':');
        let mut first = true;
        for (_, value) in headers.iter().filter(|(k, _)| k.as_str() == name) {
            if !first {
                out.push(b',');
            }
            first = false;
            out.extend_from_slice(&trim_all(value.as_bytes()));
        }
        out.push(b'\n');
    }
    out.push(b'\n');
    out.extend_from_slice(signed_headers.join(";").as_bytes());
    out.push(b'\n');
    out.extend_from_slice(payload_hash.as_bytes());
    out
}

/// The path encoded once more, as SigV4 requires of every service but S3. EC2 only uses `/`,
/// so dot segments are not normalised: a client that sends them is on its own.
fn canonical_uri(path: &str) -> String {
    if path.is_empty() {
        return "/".to_owned();
    }
    uri_encode(path.as_bytes(), false)
}

/// Query pairs decoded (`+` is a space, as `aws-sigv4` reads it), re-encoded by SigV4's rules,
/// sorted by encoded key then value.
fn canonical_query(query: &[(Vec<u8>, Vec<u8>)], skip: Option<&str>) -> String {
    let mut pairs: Vec<(String, String)> = query
        .iter()
        .filter(|(k, _)| !matches!(skip, Some(s) if k.as_slice() == s.as_bytes()))
        .map(|(k, v)| (uri_encode(k, true), uri_encode(v, true)))
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// Splits a raw query into decoded pairs; a key without `=` has an empty value, empty segments
/// are dropped, and malformed `%` escapes stay literal.
fn decode_query(raw: &str) -> Vec<(Vec<u8>, Vec<u8>)> {
    raw.split('&')
        .filter(|s| !s.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(k.as_bytes()), percent_decode(v.as_bytes()))
        })
        .collect()
}

fn percent_decode(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        match input[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hi = input.get(i + 1).and_then(|b| (*b as char).to_digit(16));
                let lo = input.get(i + 2).and_then(|b| (*b as char).to_digit(16));
                if let (Some(hi), Some(lo)) = (hi, lo) {
                    // Two hex digits are at most 0xFF, so the cast cannot truncate.
                    out.push((hi * 16 + lo) as u8);
                    i += 3;
                    continue;
                }
                out.push(b'%');
            }
            b => out.push(b),
        }
        i += 1;
    }
    out
}

/// SigV4's URI encoding: unreserved characters stay, every other byte is `%XX` (upper case).
/// `/` is encoded in query keys and values but kept in paths.
fn uri_encode(input: &[u8], encode_slash: bool) -> String {
    let mut out = String::with_capacity(input.len());
    for &b in input {
        let keep = b.is_ascii_alphanumeric()
            || matches!(b, b'-' | b'_' | b'.' | b'~')
            || (b == b'/' && !encode_slash);
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Trims spaces at both ends and collapses runs of spaces to one, as `aws-sigv4` does (only
/// the space character: tabs and other whitespace are kept).
fn trim_all(value: &[u8]) -> Vec<u8> {
    let start = value.iter().position(|b| *b != b' ').unwrap_or(value.len());
    let end = value
        .iter()
        .rposition(|b| *b != b' ')
        .map_or(start, |e| e + 1);
    let mut out = Vec::with_capacity(end.saturating_sub(start));
    for &b in value.get(start..end).unwrap_or_default() {
        if b == b' ' && out.last() == Some(&b' ') {
            continue;
        }
        out.push(b);
    }
    out
}

fn string_to_sign(amz_date: &str, scope: &str, canonical_request: &[u8]) -> String {
    format!(
        "{ALGORITHM}\n{amz_date}\n{scope}\n{}",
        hex::encode(Sha256::digest(canonical_request))
    )
}

fn hmac(key: &[u8]) -> Result<Hmac<Sha256>, Ec2Error> {
    // HMAC takes keys of any length, so this cannot fail; the error arm is for the type only.
    <Hmac<Sha256> as KeyInit>::new_from_slice(key).map_err(|_| mismatch())
}

fn hmac_sha256(key: &[u8], data: &str) -> Result<Vec<u8>, Ec2Error> {
    let mut mac = hmac(key)?;
    mac.update(data.as_bytes());
    Ok(mac.finalize().into_bytes().to_vec())
}

/// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").
fn signing_key(secret: &str, date: &str, region: &str, service: &str) -> Result<Vec<u8>, Ec2Error> {
    let k_date = hmac_sha256(format!("AWS4{secret}").as_bytes(), date)?;
    let k_region = hmac_sha256(&k_date, region)?;
    let k_service = hmac_sha256(&k_region, service)?;
    hmac_sha256(&k_service, TERMINATOR)
}

/// Seconds since the Unix epoch (negative before it, which no real clock is).
fn unix_seconds(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(e) => i64::try_from(e.duration().as_secs()).map_or(i64::MIN, |s| -s),
    }
}

/// Parses ISO 8601 basic format, `yyyymmddThhmmssZ`, to Unix seconds. Hand-written because it
/// is one fixed format and a date crate would be a dependency for twenty lines.
fn parse_amz_date(text: &str) -> Result<i64, Ec2Error> {
    let invalid = || {
        Ec2Error::IncompleteSignature(format!(
            "Date must be in ISO-8601 'basic format'. Got '{text}'. See http://en.wikipedia.org/wiki/ISO_8601"
        ))
    };
    let b = text.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return Err(invalid());
    }
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let digits = b.get(range)?;
        digits.iter().try_fold(0i64, |acc, d| {
            d.is_ascii_digit().then(|| acc * 10 + i64::from(d - b'0'))
        })
    };
    let (Some(year), Some(month), Some(day), Some(hour), Some(minute), Some(second)) = (
        num(0..4),
        num(4..6),
        num(6..8),
        num(9..11),
        num(11..13),
        num(13..15),
    ) else {
        return Err(invalid());
    };
    if !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return Err(invalid());
    }
    Ok(days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    //! Known-good vectors from AWS's SigV4 test suite (as shipped in the `aws-sigv4` crate's
    //! `aws-signing-test-suite/v4`), all at 2015-08-30T12:36:00Z with the suite's example key,
    //! then one test per refusal.

    use super::*;
    use axum::http::HeaderValue;
    use proptest::prelude::*;
    use std::time::Duration;

    const AKID: &str = "AKIDEXAMPLE";
    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    const SUITE_SERVICE: &str = "service";
    /// 2015-08-30T12:36:00Z.
    const SUITE_TIME: u64 = 1_440_938_160;
    const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.append(
                axum::http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                HeaderValue::from_str(v).unwrap(),
            );
        }
        map
    }

    fn suite_secret(id: &str) -> Option<&'static str> {
        (id == AKID).then_some(SECRET)
    }

    fn run_suite(
        method: &str,
        query: Option<&str>,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<Credential, Ec2Error> {
        let request = SignedRequest {
            method,
            path: "/",
            query,
            headers,
            body,
        };
        verify_for_service(SUITE_SERVICE, &request, at(SUITE_TIME), suite_secret)
    }

    fn auth_header(signed: &str, signature: &str) -> String {
        format!(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders={signed}, Signature={signature}"
        )
    }

    // --- The test suite ---------------------------------------------------------------------

    #[test]
    fn get_vanilla_canonical_request_matches_the_suite() {
        let h = headers(&[
            ("host", "example.amazonaws.com"),
            ("x-amz-date", "20150830T123600Z"),
        ]);
        let signed = split_signed_headers("host;x-amz-date");
        let canonical = canonical_request("GET", "/", &[], None, &h, &signed, EMPTY_SHA256);
        assert_eq!(
            String::from_utf8(canonical.clone()).unwrap(),
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n\
             e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            string_to_sign(
                "20150830T123600Z",
                "20150830/us-east-1/service/aws4_request",
                &canonical
            ),
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n\
             bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63"
        );
    }

    #[test]
    fn get_vanilla_header_signature_verifies() {
        let sig = "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";
        let h = headers(&[
            ("host", "example.amazonaws.com"),
            ("x-amz-date", "20150830T123600Z"),
            ("authorization", &auth_header("host;x-amz-date", sig)),
        ]);
        let credential = run_suite("GET", None, &h, b"").unwrap();
        assert_eq!(
            credential.to_string(),
            "AKIDEXAMPLE/20150830/us-east-1/service/aws4_request"
        );
        assert_eq!(credential.region, "us-east-1");
    }

    #[test]
    fn get_vanilla_presigned_url_verifies() {
        let query = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host&X-Amz-Expires=3600&X-Amz-Signature=e93c787ed7f371d5c6b165c1b38ede9550f4dce4144713e844b25b7192d3865d";
        let h = headers(&[("host", "example.amazonaws.com")]);
        run_suite("GET", Some(query), &h, b"").unwrap();
        // Still valid 59 minutes later (X-Amz-Expires=3600), expired after the hour.
        let request = SignedRequest {
            method: "GET",
            path: "/",
            query: Some(query),
            headers: &h,
            body: b"",
        };
        verify_for_service(SUITE_SERVICE, &request, at(SUITE_TIME + 3540), suite_secret).unwrap();
        assert_eq!(
            verify_for_service(SUITE_SERVICE, &request, at(SUITE_TIME + 3601), suite_secret),
            Err(Ec2Error::RequestExpired)
        );
    }

    #[test]
    fn query_order_and_key_case_follow_the_suite() {
        let h = headers(&[
            ("host", "example.amazonaws.com"),
            ("x-amz-date", "20150830T123600Z"),
            (
                "authorization",
                &auth_header(
                    "host;x-amz-date",
                    "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500",
                ),
            ),
        ]);
        run_suite("GET", Some("Param2=value2&Param1=value1"), &h, b"").unwrap();
        let presigned = "Param2=value2&Param1=value1&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host&X-Amz-Expires=3600&X-Amz-Signature=86012e2c9ad4d77369f5d81c11f75158aae4f895a085212cc6d3f923d300bed5";
        run_suite(
            "GET",
            Some(presigned),
            &headers(&[("host", "example.amazonaws.com")]),
            b"",
        )
        .unwrap();
    }

    #[test]
    fn unreserved_and_utf8_query_characters_follow_the_suite() {
        let unreserved = "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        let h = headers(&[
            ("host", "example.amazonaws.com"),
            ("x-amz-date", "20150830T123600Z"),
            (
                "authorization",
                &auth_header(
                    "host;x-amz-date",
                    "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197",
                ),
            ),
        ]);
        run_suite("GET", Some(&format!("{unreserved}={unreserved}")), &h, b"").unwrap();

        let h = headers(&[
            ("host", "example.amazonaws.com"),
            ("x-amz-date", "20150830T123600Z"),
            (
                "authorization",
                &auth_header(
                    "host;x-amz-date",
                    "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04",
                ),
            ),
        ]);
        // The suite sends the raw UTF-8; a client that percent-encodes it signs the same thing.
        run_suite("GET", Some("\u{1234}=bar"), &h, b"").unwrap();
        run_suite("GET", Some("%E1%88%B4=bar"), &h, b"").unwrap();
    }

    #[test]
    fn header_values_are_trimmed_and_duplicates_joined_as_in_the_suite() {
        let h = headers(&[
            ("host", "example.amazonaws.com"),
            ("my-header1", " value1"),
            ("my-header2", " \"a   b   c\""),
            ("x-amz-date", "20150830T123600Z"),
            (
                "authorization",
                &auth_header(
                    "host;my-header1;my-header2;x-amz-date",
                    "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736",
                ),
            ),
        ]);
        run_suite("GET", None, &h, b"").unwrap();

        let h = headers(&[
            ("host", "example.amazonaws.com"),
            ("my-header1", "value2"),
            ("my-header1", "value2"),
            ("my-header1", "value1"),
            ("x-amz-date", "20150830T123600Z"),
            (
                "authorization",
                &auth_header(
                    "host;my-header1;x-amz-date",
                    "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea",
                ),
            ),
        ]);
        run_suite("GET", None, &h, b"").unwrap();
    }

    #[test]
    fn form_body_with_content_sha256_follows_the_suite() {
        let body = b"Param1=value1";
        let hash = "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e";
        let h = headers(&[
            ("content-type", "application/x-www-form-urlencoded"),
            ("host", "example.amazonaws.com"),
            ("content-length", "13"),
            ("x-amz-date", "20150830T123600Z"),
            ("x-amz-content-sha256", hash),
            (
                "authorization",
                &auth_header(
                    "content-length;content-type;host;x-amz-content-sha256;x-amz-date",
                    "d3875051da38690788ef43de4db0d8f280229d82040bfac253562e56c3f20e0b",
                ),
            ),
        ]);
        run_suite("POST", None, &h, body).unwrap();

        // The presigned form of the same request: the body is hashed, not sent in a header.
        let query = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=content-length%3Bcontent-type%3Bhost&X-Amz-Expires=3600&X-Amz-Signature=89a40deed0f26f9461242825a082d2222717248abc7ab41f552ad84a94ad46e9";
        let h = headers(&[
            ("content-type", "application/x-www-form-urlencoded"),
            ("host", "example.amazonaws.com"),
            ("content-length", "13"),
        ]);
        run_suite("POST", Some(query), &h, body).unwrap();
        assert_eq!(
            run_suite("POST", Some(query), &h, b"Param1=value2"),
            Err(mismatch()),
            "a changed body must not verify"
        );
    }

    #[test]
    fn session_token_is_signed_as_in_the_suite() {
        let token = "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267";
        let h = headers(&[
            ("host", "example.amazonaws.com"),
            ("x-amz-date", "20150830T123600Z"),
            ("x-amz-security-token", token),
            (
                "authorization",
                &auth_header(
                    "host;x-amz-date;x-amz-security-token",
                    "07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8",
                ),
            ),
        ]);
        run_suite("GET", None, &h, b"").unwrap();
        let query = format!("X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host&X-Amz-Expires=3600&X-Amz-Security-Token={token}&X-Amz-Signature=7ff2b50b376cb4d151970630573d6291dc128cc5c2a12ffb237f73cc53f67b6c");
        run_suite(
            "GET",
            Some(&query),
            &headers(&[("host", "example.amazonaws.com")]),
            b"",
        )
        .unwrap();
    }

    #[test]
    fn post_with_query_follows_the_suite() {
        let h = headers(&[
            ("host", "example.amazonaws.com"),
            ("x-amz-date", "20150830T123600Z"),
            (
                "authorization",
                &auth_header(
                    "host;x-amz-date",
                    "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11",
                ),
            ),
        ]);
        run_suite("POST", Some("Param1=value1"), &h, b"").unwrap();
        // The method is signed: the same request as a GET does not verify.
        assert_eq!(
            run_suite("GET", Some("Param1=value1"), &h, b""),
            Err(mismatch())
        );
    }

    // --- Refusals ---------------------------------------------------------------------------

    /// The get-vanilla request, with the given changes applied.
    fn vanilla(
        edit: impl FnOnce(&mut Vec<(&'static str, String)>),
    ) -> Result<Credential, Ec2Error> {
        let mut pairs: Vec<(&'static str, String)> = vec![
            ("host", "example.amazonaws.com".into()),
            ("x-amz-date", "20150830T123600Z".into()),
            (
                "authorization",
                auth_header(
                    "host;x-amz-date",
                    "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
                ),
            ),
        ];
        edit(&mut pairs);
        let borrowed: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        run_suite("GET", None, &headers(&borrowed), b"")
    }

    fn set(pairs: &mut Vec<(&'static str, String)>, name: &'static str, value: &str) {
        pairs.retain(|(k, _)| *k != name);
        pairs.push((name, value.to_owned()));
    }

    fn incomplete(result: Result<Credential, Ec2Error>) -> String {
        match result {
            Err(Ec2Error::IncompleteSignature(msg)) => msg,
            other => panic!("expected IncompleteSignature, got {other:?}"),
        }
    }

    fn signature_mismatch(result: Result<Credential, Ec2Error>) -> String {
        match result {
            Err(Ec2Error::SignatureDoesNotMatch(msg)) => msg,
            other => panic!("expected SignatureDoesNotMatch, got {other:?}"),
        }
    }

    #[test]
    fn no_credentials_at_all_is_missing_access_key_id() {
        let h = headers(&[("host", "example.amazonaws.com")]);
        let err = run_suite("GET", Some("Action=DescribeVpcs"), &h, b"").unwrap_err();
        assert_eq!(err, Ec2Error::MissingParameter("AWSAccessKeyId".into()));
        assert_eq!(err.code(), "MissingParameter");
        assert_eq!(err.status(), 400);
    }

    #[test]
    fn header_missing_parts_lists_each_one() {
        let msg = incomplete(vanilla(|p| {
            set(
                p,
                "authorization",
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request",
            )
        }));
        assert_eq!(
            msg,
            "Authorization header requires 'Signature' parameter. Authorization header requires \
             'SignedHeaders' parameter. Authorization=AWS4-HMAC-SHA256 \
             Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request"
        );
        let msg = incomplete(vanilla(|p| p.retain(|(k, _)| *k != "x-amz-date")));
        assert!(
            msg.starts_with("Authorization header requires existence of either a 'X-Amz-Date'"),
            "{msg}"
        );
    }

    #[test]
    fn other_schemes_are_incomplete_signatures() {
        for scheme in [
            "AWS AKIDEXAMPLE:c2lnbmF0dXJl",
            "Bearer abc",
            "",
            "AWS4-HMAC-SHA256",
        ] {
            let msg = incomplete(vanilla(|p| set(p, "authorization", scheme)));
            assert!(
                msg.starts_with("Authorization header requires 'Credential' parameter."),
                "{scheme}: {msg}"
            );
        }
    }

    #[test]
    fn a_part_without_equals_sign_is_named() {
        let msg = incomplete(vanilla(|p| {
            set(
                p,
                "authorization",
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, 5fa00f",
            )
        }));
        assert!(
            msg.starts_with("'5fa00f' not a valid key=value pair (missing equal-sign)"),
            "{msg}"
        );
    }

    #[test]
    fn malformed_credential_and_date_are_incomplete() {
        let msg = incomplete(vanilla(|p| {
            set(
                p,
                "authorization",
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1, SignedHeaders=host, Signature=00",
            )
        }));
        assert!(
            msg.starts_with("Credential must have exactly 5 slash-delimited elements"),
            "{msg}"
        );
        for bad in [
            "2015-08-30T12:36:00Z",
            "20150830T123600",
            "20150231T123600Z",
            "20150830T246000Z",
            "2015０830T123600Z",
        ] {
            let msg = incomplete(vanilla(|p| set(p, "x-amz-date", bad)));
            assert!(
                msg.starts_with("Date must be in ISO-8601 'basic format'."),
                "{bad}: {msg}"
            );
        }
    }

    #[test]
    fn scope_must_name_ec2_the_request_day_and_the_terminator() {
        let with_scope = |scope: &'static str| {
            vanilla(move |p| {
                set(
                    p,
                    "authorization",
                    &format!("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/{scope}, SignedHeaders=host;x-amz-date, Signature=00"),
                )
            })
        };
        // The suite's own service is "service"; EC2's `verify` insists on "ec2".
        let h = headers(&[
            ("host", "example.amazonaws.com"),
            ("x-amz-date", "20150830T123600Z"),
            ("authorization", &auth_header("host;x-amz-date", "00")),
        ]);
        let request = SignedRequest {
            method: "GET",
            path: "/",
            query: None,
            headers: &h,
            body: b"",
        };
        let msg = signature_mismatch(verify(&request, at(SUITE_TIME), suite_secret));
        assert_eq!(
            msg,
            "Credential should be scoped to correct service: 'ec2'. "
        );

        let msg = signature_mismatch(with_scope("20150831/us-east-1/service/aws4_request"));
        assert_eq!(
            msg,
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from \
             HTTP: '20150831' != '20150830', from '20150830T123600Z'."
        );
        let msg = signature_mismatch(with_scope("20150830/us-east-1/service/aws5_request"));
        assert!(
            msg.contains("valid terminator: 'aws4_request', not 'aws5_request'"),
            "{msg}"
        );
    }

    #[test]
    fn unknown_key_is_auth_failure() {
        let err = vanilla(|p| {
            set(
                p,
                "authorization",
                "AWS4-HMAC-SHA256 Credential=AKIDOTHER/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
            )
        })
        .unwrap_err();
        assert_eq!(err, Ec2Error::AuthFailure(UNKNOWN_KEY_MESSAGE.into()));
        assert_eq!((err.code(), err.status()), ("AuthFailure", 401));
    }

    #[test]
    fn wrong_signature_or_secret_does_not_match() {
        // One flipped hex digit.
        let err = vanilla(|p| {
            set(
                p,
                "authorization",
                &auth_header(
                    "host;x-amz-date",
                    "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf30",
                ),
            )
        })
        .unwrap_err();
        assert_eq!(err, mismatch());
        assert_eq!((err.code(), err.status()), ("SignatureDoesNotMatch", 403));
        // Not hex, or the wrong length.
        for sig in ["zz", "5fa0", ""] {
            let err = vanilla(|p| set(p, "authorization", &auth_header("host;x-amz-date", sig)));
            assert_eq!(err, Err(mismatch()), "{sig:?}");
        }
        // The right signature under another secret.
        let h = headers(&[
            ("host", "example.amazonaws.com"),
            ("x-amz-date", "20150830T123600Z"),
            (
                "authorization",
                &auth_header(
                    "host;x-amz-date",
                    "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
                ),
            ),
        ]);
        let request = SignedRequest {
            method: "GET",
            path: "/",
            query: None,
            headers: &h,
            body: b"",
        };
        let err = verify_for_service(SUITE_SERVICE, &request, at(SUITE_TIME), |_| Some("nope"));
        assert_eq!(err, Err(mismatch()));
    }

    #[test]
    fn a_changed_signed_header_or_query_does_not_match() {
        assert_eq!(
            vanilla(|p| set(p, "host", "evil.example.com")),
            Err(mismatch())
        );
        let h = headers(&[
            ("host", "example.amazonaws.com"),
            ("x-amz-date", "20150830T123600Z"),
            (
                "authorization",
                &auth_header(
                    "host;x-amz-date",
                    "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
                ),
            ),
        ]);
        assert_eq!(
            run_suite("GET", Some("Action=DeleteVpc"), &h, b""),
            Err(mismatch())
        );
        assert_eq!(run_suite("GET", None, &h, b"x"), Err(mismatch()));
    }

    #[test]
    fn content_sha256_must_match_the_body() {
        let err = vanilla(|p| set(p, "x-amz-content-sha256", &"0".repeat(64))).unwrap_err();
        assert_eq!(err, mismatch());
    }

    #[test]
    fn timestamps_more_than_15_minutes_off_are_expired() {
        let h = headers(&[
            ("host", "example.amazonaws.com"),
            ("x-amz-date", "20150830T123600Z"),
            (
                "authorization",
                &auth_header(
                    "host;x-amz-date",
                    "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
                ),
            ),
        ]);
        let request = SignedRequest {
            method: "GET",
            path: "/",
            query: None,
            headers: &h,
            body: b"",
        };
        let check = |now| verify_for_service(SUITE_SERVICE, &request, at(now), suite_secret);
        assert!(check(SUITE_TIME + 900).is_ok());
        assert!(check(SUITE_TIME - 900).is_ok());
        let err = check(SUITE_TIME + 901).unwrap_err();
        assert_eq!(err, Ec2Error::RequestExpired);
        assert_eq!(
            (err.code(), err.status(), err.to_string().as_str()),
            ("RequestExpired", 400, "Request has expired.")
        );
        assert_eq!(check(SUITE_TIME - 901), Err(Ec2Error::RequestExpired));
    }

    #[test]
    fn signed_headers_must_include_host_and_exist() {
        let msg = incomplete(vanilla(|p| {
            set(p, "authorization", &auth_header("x-amz-date", "00"))
        }));
        assert!(
            msg.starts_with("'Host' or ':authority' must be a 'SignedHeader'"),
            "{msg}"
        );
        let msg = incomplete(vanilla(|p| {
            set(
                p,
                "authorization",
                &auth_header("host;x-amz-date;x-amz-target", "00"),
            )
        }));
        assert_eq!(
            msg,
            "'x-amz-target' is named as a SignedHeader, but it does not exist in the HTTP request."
        );
    }

    #[test]
    fn presigned_urls_need_every_parameter_and_a_sane_expiry() {
        let base = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host&X-Amz-Expires=3600&X-Amz-Signature=e93c787ed7f371d5c6b165c1b38ede9550f4dce4144713e844b25b7192d3865d";
        let h = headers(&[("host", "example.amazonaws.com")]);
        let without = |name: &str| {
            base.split('&')
                .filter(|p| !p.starts_with(name))
                .collect::<Vec<_>>()
                .join("&")
        };
        let msg = incomplete(run_suite(
            "GET",
            Some(&without("X-Amz-Signature=")),
            &h,
            b"",
        ));
        assert_eq!(
            msg,
            "AWS query-string parameters must include 'X-Amz-Signature'. Re-examine the query-string parameters."
        );
        let msg = incomplete(run_suite("GET", Some(&without("X-Amz-Expires=")), &h, b""));
        assert!(msg.contains("'X-Amz-Expires'"), "{msg}");

        let replaced = |from: &str, to: &str| base.replace(from, to);
        let msg = incomplete(run_suite(
            "GET",
            Some(&replaced("X-Amz-Expires=3600", "X-Amz-Expires=604801")),
            &h,
            b"",
        ));
        assert!(msg.contains("less than a week"), "{msg}");
        let msg = incomplete(run_suite(
            "GET",
            Some(&replaced("X-Amz-Expires=3600", "X-Amz-Expires=soon")),
            &h,
            b"",
        ));
        assert_eq!(msg, "X-Amz-Expires should be a number");
        let msg = incomplete(run_suite(
            "GET",
            Some(&replaced("AWS4-HMAC-SHA256", "AWS4-ECDSA-P256-SHA256")),
            &h,
            b"",
        ));
        assert_eq!(msg, "X-Amz-Algorithm only supports 'AWS4-HMAC-SHA256'");
        // A longer lifetime than was signed does not verify.
        assert_eq!(
            run_suite(
                "GET",
                Some(&replaced("X-Amz-Expires=3600", "X-Amz-Expires=7200")),
                &h,
                b""
            ),
            Err(mismatch())
        );
        // A presigned URL dated in the future is refused like a skewed header.
        let request = SignedRequest {
            method: "GET",
            path: "/",
            query: Some(base),
            headers: &h,
            body: b"",
        };
        assert_eq!(
            verify_for_service(SUITE_SERVICE, &request, at(SUITE_TIME - 901), suite_secret),
            Err(Ec2Error::RequestExpired)
        );
    }

    // --- Pieces -----------------------------------------------------------------------------

    #[test]
    fn dates_parse_exactly() {
        assert_eq!(parse_amz_date("19700101T000000Z"), Ok(0));
        assert_eq!(parse_amz_date("20150830T123600Z"), Ok(SUITE_TIME as i64));
        assert_eq!(parse_amz_date("20000229T000000Z"), Ok(951_782_400));
        assert!(
            parse_amz_date("19000229T000000Z").is_err(),
            "1900 is no leap year"
        );
        assert!(parse_amz_date("20240230T000000Z").is_err());
        assert!(parse_amz_date("20241301T000000Z").is_err());
        assert!(parse_amz_date("20241201T235960Z").is_err());
        assert!(parse_amz_date("").is_err());
    }

    #[test]
    fn encoding_and_trimming_follow_sigv4() {
        assert_eq!(uri_encode(b"a b/c~", true), "a%20b%2Fc~");
        assert_eq!(uri_encode(b"/a%2Fb", false), "/a%252Fb");
        assert_eq!(percent_decode(b"a+b%2f%zz%"), b"a b/%zz%");
        assert_eq!(trim_all(b"  a   b  "), b"a b");
        assert_eq!(trim_all(b"   "), b"");
        assert_eq!(
            canonical_query(&decode_query("b=2&a=&c&&a=1"), None),
            "a=&a=1&b=2&c="
        );
    }

    #[test]
    fn access_key_specs_parse() {
        let (id, key) = parse_access_key("AKIDEXAMPLE:secret").unwrap();
        assert_eq!(
            (id.as_str(), key.secret.as_str()),
            ("AKIDEXAMPLE", "secret")
        );
        assert_eq!(key.account_id, None);
        let (_, key) = parse_access_key("AKID2:s/e+c:111122223333").unwrap();
        assert_eq!(key.account_id.as_deref(), Some("111122223333"));
        for bad in [
            "",
            "AKID",
            "AKID:",
            ":secret",
            "AKID:s:123",
            "AKID:s:111122223333:x",
            "A/B:s",
        ] {
            assert!(parse_access_key(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn auth_config_checks_its_keys_and_hides_secrets() {
        assert!(AuthConfig::from_specs::<&str>(AuthMode::Strict, &[]).is_err());
        assert!(AuthConfig::from_specs(AuthMode::Strict, &["A:x", "A:y"]).is_err());
        let config =
            AuthConfig::from_specs(AuthMode::Strict, &["A:topsecret:111122223333", "B:x"]).unwrap();
        assert_eq!(config.account_for("A"), Some("111122223333"));
        assert_eq!(config.account_for("B"), None);
        assert_eq!(config.account_for("C"), None);
        assert!(!format!("{config:?}").contains("topsecret"));
        assert_eq!("strict".parse(), Ok(AuthMode::Strict));
        assert!("Strict".parse::<AuthMode>().is_err());
        // Permissive mode checks nothing, even an unsigned request.
        let h = HeaderMap::new();
        let request = SignedRequest {
            method: "GET",
            path: "/",
            query: None,
            headers: &h,
            body: b"",
        };
        assert_eq!(
            AuthConfig::permissive().authenticate(&request, at(0)),
            Ok(None)
        );
    }

    proptest! {
        /// Any bytes in the Authorization header, X-Amz-Date and the query give an answer,
        /// never a panic.
        #[test]
        fn arbitrary_input_never_panics(
            auth in proptest::collection::vec(any::<u8>(), 0..200),
            date in proptest::collection::vec(any::<u8>(), 0..24),
            query in "[ -~]{0,200}",
            prefix in prop_oneof![
                Just(String::new()),
                Just("AWS4-HMAC-SHA256 ".to_owned()),
                Just("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/".to_owned()),
            ],
        ) {
            let mut h = HeaderMap::new();
            h.insert("host", HeaderValue::from_static("example.amazonaws.com"));
            let mut value = prefix.into_bytes();
            value.extend(auth);
            if let Ok(v) = HeaderValue::from_bytes(&value) {
                h.insert(header::AUTHORIZATION, v);
            }
            if let Ok(v) = HeaderValue::from_bytes(&date) {
                h.insert("x-amz-date", v);
            }
            let request = SignedRequest {
                method: "GET",
                path: "/",
                query: Some(&query),
                headers: &h,
                body: b"",
            };
            let _ = verify(&request, at(SUITE_TIME), suite_secret);
        }
    }
}
