//! Known-good vectors from AWS's SigV4 test suite (as shipped in the `aws-sigv4` crate's
//! `aws-signing-test-suite/v4`), all at 2015-08-30T12:36:00Z with the suite's example key,
//! then one test per refusal.

use std::time::{SystemTime, UNIX_EPOCH};

use super::canonical::*;
use super::keys::*;
use super::sigv4::*;
use super::*;
use crate::error::Ec2Error;
use axum::http::HeaderValue;
use axum::http::{header, HeaderMap};
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
fn vanilla(edit: impl FnOnce(&mut Vec<(&'static str, String)>)) -> Result<Credential, Ec2Error> {
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
