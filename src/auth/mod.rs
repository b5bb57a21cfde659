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
//!
//! Three files: [`keys`] (the mode and the access-key table), [`sigv4`] (reading the
//! signature from the header or the presigned query, and checking scope, time and headers)
//! and [`canonical`] (the canonical request, string to sign and signing key).

mod canonical;
mod keys;
mod sigv4;
#[cfg(test)]
mod tests;

pub use keys::{parse_access_key, AccessKey, AuthConfig, AuthMode};
pub use sigv4::{verify, Credential, SignedRequest};

/// The service name every EC2 credential scope must carry.
pub const SERVICE: &str = "ec2";
/// The services a request to this endpoint may be signed for: EC2, and STS (whose
/// GetCallerIdentity ec2-mock answers at the same endpoint, see `crate::sts`).
pub const SERVICES: [&str; 2] = [SERVICE, "sts"];
/// The only signing algorithm accepted (SigV4a's ECDSA variant is not).
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";
/// The last element of every credential scope.
pub(super) const TERMINATOR: &str = "aws4_request";
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
