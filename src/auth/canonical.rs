//! SigV4's canonical request, string to sign and signing key, byte for byte as `aws-sigv4`
//! (and every AWS SDK) computes them.

use axum::http::HeaderMap;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

use super::sigv4::mismatch;
use super::{ALGORITHM, TERMINATOR};
use crate::error::Ec2Error;

/// The canonical request of SigV4, as bytes (header values need not be UTF-8).
pub(super) fn canonical_request(
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
pub(super) fn canonical_uri(path: &str) -> String {
    if path.is_empty() {
        return "/".to_owned();
    }
    uri_encode(path.as_bytes(), false)
}

/// Query pairs decoded (`+` is a space, as `aws-sigv4` reads it), re-encoded by SigV4's rules,
/// sorted by encoded key then value.
pub(super) fn canonical_query(query: &[(Vec<u8>, Vec<u8>)], skip: Option<&str>) -> String {
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
pub(super) fn decode_query(raw: &str) -> Vec<(Vec<u8>, Vec<u8>)> {
    raw.split('&')
        .filter(|s| !s.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(k.as_bytes()), percent_decode(v.as_bytes()))
        })
        .collect()
}

pub(super) fn percent_decode(input: &[u8]) -> Vec<u8> {
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
pub(super) fn uri_encode(input: &[u8], encode_slash: bool) -> String {
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
pub(super) fn trim_all(value: &[u8]) -> Vec<u8> {
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

pub(super) fn string_to_sign(amz_date: &str, scope: &str, canonical_request: &[u8]) -> String {
    format!(
        "{ALGORITHM}\n{amz_date}\n{scope}\n{}",
        hex::encode(Sha256::digest(canonical_request))
    )
}

pub(super) fn hmac(key: &[u8]) -> Result<Hmac<Sha256>, Ec2Error> {
    // HMAC takes keys of any length, so this cannot fail; the error arm is for the type only.
    <Hmac<Sha256> as KeyInit>::new_from_slice(key).map_err(|_| mismatch())
}

pub(super) fn hmac_sha256(key: &[u8], data: &str) -> Result<Vec<u8>, Ec2Error> {
    let mut mac = hmac(key)?;
    mac.update(data.as_bytes());
    Ok(mac.finalize().into_bytes().to_vec())
}

/// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").
pub(super) fn signing_key(
    secret: &str,
    date: &str,
    region: &str,
    service: &str,
) -> Result<Vec<u8>, Ec2Error> {
    let k_date = hmac_sha256(format!("AWS4{secret}").as_bytes(), date)?;
    let k_region = hmac_sha256(&k_date, region)?;
    let k_service = hmac_sha256(&k_region, service)?;
    hmac_sha256(&k_service, TERMINATOR)
}
