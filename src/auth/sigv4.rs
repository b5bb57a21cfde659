//! Reading a SigV4 signature (from the `Authorization` header or a presigned query) and
//! checking it: scope, time, signed headers, payload hash, then the signature itself.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::http::{header, HeaderMap};
use hmac::Mac;

use super::canonical::{canonical_request, decode_query, hmac, signing_key, string_to_sign};
use super::*;
use crate::error::Ec2Error;
use sha2::{Digest, Sha256};

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

/// Verifies a SigV4-signed EC2 (or STS) request (signature in the `Authorization` header or
/// presigned in the query). `secret_of` answers the secret of a key ID, `None` for an unknown
/// key. The credential names the service it was signed for.
pub fn verify<'k>(
    request: &SignedRequest<'_>,
    now: SystemTime,
    secret_of: impl Fn(&str) -> Option<&'k str>,
) -> Result<Credential, Ec2Error> {
    verify_for_services(&SERVICES, request, now, secret_of)
}

/// Parameters of a presigned URL that carry the signature rather than the request.
pub(super) const PRESIGN_PARAMS: [&str; 6] = [
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Date",
    "X-Amz-Expires",
    "X-Amz-SignedHeaders",
    "X-Amz-Signature",
];

/// The signature fields, wherever they came from.
pub(super) struct Signed {
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
#[cfg(test)]
pub(super) fn verify_for_service<'k>(
    service: &str,
    request: &SignedRequest<'_>,
    now: SystemTime,
    secret_of: impl Fn(&str) -> Option<&'k str>,
) -> Result<Credential, Ec2Error> {
    verify_for_services(&[service], request, now, secret_of)
}

/// [`verify`], accepting a scope of any of `services`.
fn verify_for_services<'k>(
    services: &[&str],
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
    check_scope(&signed, services)?;

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

pub(super) fn mismatch() -> Ec2Error {
    Ec2Error::SignatureDoesNotMatch(SIGNATURE_MISMATCH_MESSAGE.to_owned())
}

/// Parses `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` plus `X-Amz-Date`.
pub(super) fn from_header(value: &[u8], headers: &HeaderMap) -> Result<Signed, Ec2Error> {
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
pub(super) fn from_query(query: &[(Vec<u8>, Vec<u8>)]) -> Result<Signed, Ec2Error> {
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
pub(super) fn parse_credential(text: &str) -> Result<Credential, Ec2Error> {
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
pub(super) fn check_scope(signed: &Signed, services: &[&str]) -> Result<(), Ec2Error> {
    if !services.contains(&signed.credential.service.as_str()) {
        return Err(Ec2Error::SignatureDoesNotMatch(format!(
            "Credential should be scoped to correct service: '{}'. ",
            services.first().copied().unwrap_or_default()
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
pub(super) fn check_time(signed: &Signed, now: i64) -> Result<(), Ec2Error> {
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
pub(super) fn check_signed_headers(signed: &[String], headers: &HeaderMap) -> Result<(), Ec2Error> {
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

pub(super) fn split_signed_headers(list: &str) -> Vec<String> {
    list.split(';')
        .map(|h| h.trim().to_ascii_lowercase())
        .collect()
}

/// The hex SHA-256 of the body. A client may send it as `x-amz-content-sha256`, and signs that
/// value; it must then be the body's hash, or a tampered body would pass with an old header.
pub(super) fn payload_hash(headers: &HeaderMap, body: &[u8]) -> Result<String, Ec2Error> {
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

/// Seconds since the Unix epoch (negative before it, which no real clock is).
pub(super) fn unix_seconds(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(e) => i64::try_from(e.duration().as_secs()).map_or(i64::MIN, |s| -s),
    }
}

/// Parses ISO 8601 basic format, `yyyymmddThhmmssZ`, to Unix seconds. Hand-written because it
/// is one fixed format and a date crate would be a dependency for twenty lines.
pub(super) fn parse_amz_date(text: &str) -> Result<i64, Ec2Error> {
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

pub(super) fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
pub(super) fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}
