//! STS at the same endpoint: `GetCallerIdentity`, so clients that ask which account they are
//! in (Terraform's AWS provider does at start, tests that build ARNs do) learn the account
//! ec2-mock will put their EC2 requests in.
//!
//! A request is STS's when its SigV4 credential is scoped to `sts`, or when it names an STS
//! action (which EC2 does not have). STS speaks the same Query protocol with its own
//! namespace and envelopes: `<{Action}Response><{Action}Result>…</{Action}Result>
//! <ResponseMetadata><RequestId/></ResponseMetadata>` on success, and
//! `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>` on error.
//!
//! Every access key acts as its account's root user, the one principal ec2-mock models: the
//! caller's ARN is `arn:aws:iam::ACCOUNT:root` and its user ID the account ID, as STS answers
//! for root credentials.

use crate::error::Ec2Error;
use crate::wire::params::Params;
use crate::wire::xml::{document, XmlWriter};

/// STS's namespace for the 2011-06-15 API.
pub const STS_XMLNS: &str = "https://sts.amazonaws.com/doc/2011-06-15/";

/// The STS actions answered here.
const ACTIONS: &[&str] = &["GetCallerIdentity"];

/// Whether a request is for STS: scoped to it, or naming one of its actions.
pub fn is_sts_request(signed_service: Option<&str>, action: Option<&str>) -> bool {
    signed_service == Some("sts") || action.is_some_and(|a| ACTIONS.contains(&a))
}

/// An answered STS request: the HTTP status and the XML body.
#[derive(Debug)]
pub struct StsReply {
    pub status: u16,
    pub body: Vec<u8>,
    pub action: Option<&'static str>,
    pub error_code: Option<&'static str>,
}

/// Answers one STS request for a caller in `account_id`.
pub fn respond(params: &Params, account_id: &str, request_id: &str) -> StsReply {
    let action = params.peek("Action");
    let known = action.and_then(|a| ACTIONS.iter().copied().find(|k| *k == a));
    let result = match known {
        None => Err(match action {
            None | Some("") => Ec2Error::MissingAction,
            Some(other) => Ec2Error::InvalidAction(other.to_owned()),
        }),
        Some(name) => params.finish().map(|()| name),
    };
    match result {
        Ok(name) => StsReply {
            status: 200,
            body: success(name, request_id, |w| {
                w.text("Arn", format!("arn:aws:iam::{account_id}:root"));
                w.text("UserId", account_id);
                w.text("Account", account_id);
            }),
            action: Some(name),
            error_code: None,
        },
        Err(e) => StsReply {
            status: e.status(),
            body: error(&e, request_id),
            action: known,
            error_code: Some(e.code()),
        },
    }
}

/// `<{Action}Response xmlns=…><{Action}Result>…</…><ResponseMetadata>…`.
fn success(action: &str, request_id: &str, result: impl FnOnce(&mut XmlWriter)) -> Vec<u8> {
    let root = format!("{action}Response");
    let result_name = format!("{action}Result");
    document(&root, Some(STS_XMLNS), |w| {
        w.node(&result_name, result);
        w.node("ResponseMetadata", |w| {
            w.text("RequestId", request_id);
        });
    })
}

/// STS's error document: the code's type is `Sender` for every client error.
fn error(e: &Ec2Error, request_id: &str) -> Vec<u8> {
    document("ErrorResponse", Some(STS_XMLNS), |w| {
        w.node("Error", |w| {
            w.text(
                "Type",
                if e.status() < 500 {
                    "Sender"
                } else {
                    "Receiver"
                },
            );
            w.text("Code", e.code());
            w.text("Message", e);
        });
        w.text("RequestId", request_id);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Params {
        Params::from_pairs(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string()))).unwrap()
    }

    #[test]
    fn caller_identity_is_the_accounts_root() {
        let r = respond(
            &params(&[("Action", "GetCallerIdentity"), ("Version", "2011-06-15")]),
            "111122223333",
            "rid",
        );
        assert_eq!(r.status, 200);
        let body = String::from_utf8(r.body).unwrap();
        assert!(body.contains(r#"<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::111122223333:root</Arn><UserId>111122223333</UserId><Account>111122223333</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata></GetCallerIdentityResponse>"#), "{body}");
    }

    #[test]
    fn errors_are_sts_documents() {
        let r = respond(&params(&[("Action", "AssumeRole")]), "111122223333", "rid");
        assert_eq!(r.status, 400);
        let body = String::from_utf8(r.body).unwrap();
        assert!(body.contains("<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type><Code>InvalidAction</Code>"), "{body}");
        let r = respond(
            &params(&[("Action", "GetCallerIdentity"), ("Bogus", "1")]),
            "111122223333",
            "rid",
        );
        assert_eq!(r.error_code, Some("UnknownParameter"));
        assert!(is_sts_request(Some("sts"), Some("Anything")));
        assert!(is_sts_request(None, Some("GetCallerIdentity")));
        assert!(!is_sts_request(Some("ec2"), Some("DescribeVpcs")));
    }
}
