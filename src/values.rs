//! Value parsing: every policy for account IDs, addresses, CIDR blocks, prefixes and names
//! stated once, for the actions and the state-file loader alike.
//!
//! The policies differ on purpose, each as EC2 (or a state file) needs it:
//!
//! | value | host bits | error |
//! |---|---|---|
//! | blocks in a request: VPCs, subnets, routes, ACL entries ([`block_v4`], [`block_v6`]) | cleared: `10.250.1.0/16` is `10.250.0.0/16` | `InvalidParameterValue` naming the parameter |
//! | security group rule CIDRs ([`rule_cidr_v4`], [`rule_cidr_v6`]) | cleared, the same way | `CIDR block … is malformed` |
//! | delegated prefixes ([`delegated_prefix`]) | refused: exactly /28 or /80, aligned | `InvalidParameterValue` |
//! | blocks in a state file ([`file_block_v4`], [`file_block_v6`]) | refused: a file says what it means | a sentence for the file's reader |
//!
//! It imports only the error enum, so the model may use it too.

use std::net::{Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

use ipnet::{Ipv4Net, Ipv6Net};

use crate::error::{Ec2Error, Ec2Result};

/// An AWS account ID: exactly 12 decimal digits.
pub fn is_account_id(value: &str) -> bool {
    value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit())
}

/// An IPv4 block of a request (`CidrBlock`), surrounding spaces ignored, in canonical form.
/// EC2 clears host bits rather than refusing them; the service model says so of CreateVpc's
/// and CreateSubnet's `CidrBlock`: "We modify the specified CIDR block to its canonical form;
/// for example, if you specify 100.68.0.18/18, we modify it to 100.68.0.0/18". Every block a
/// request names is read this way, so the policy is this one function.
pub fn block_v4(value: &str, param: &str) -> Ec2Result<Ipv4Net> {
    value
        .trim()
        .parse::<Ipv4Net>()
        .map(|n| n.trunc())
        .map_err(|_| {
            Ec2Error::InvalidParameterValue(format!(
                "Value ({value}) for parameter {param} is invalid. This is not a valid CIDR block."
            ))
        })
}

/// An IPv6 block of a request (`Ipv6CidrBlock`), in canonical form, as [`block_v4`].
pub fn block_v6(value: &str, param: &str) -> Ec2Result<Ipv6Net> {
    value
        .trim()
        .parse::<Ipv6Net>()
        .map(|n| n.trunc())
        .map_err(|_| {
            Ec2Error::InvalidParameterValue(format!(
            "Value ({value}) for parameter {param} is invalid. This is not a valid IPv6 CIDR block."
        ))
        })
}

/// A security group rule's IPv4 peer, in EC2's canonical form (host bits cleared).
pub fn rule_cidr_v4(value: &str) -> Ec2Result<Ipv4Net> {
    value
        .parse::<Ipv4Net>()
        .map(|n| n.trunc())
        .map_err(|_| malformed_cidr(value))
}

/// A security group rule's IPv6 peer, in canonical form.
pub fn rule_cidr_v6(value: &str) -> Ec2Result<Ipv6Net> {
    value
        .parse::<Ipv6Net>()
        .map(|n| n.trunc())
        .map_err(|_| malformed_cidr(value))
}

fn malformed_cidr(value: &str) -> Ec2Error {
    Ec2Error::InvalidParameterValue(format!("CIDR block {value} is malformed"))
}

/// A single IPv4 address of a request.
pub fn ipv4_address(value: &str) -> Ec2Result<Ipv4Addr> {
    value
        .trim()
        .parse::<Ipv4Addr>()
        .map_err(|_| invalid_address(value))
}

/// A single IPv6 address of a request.
pub fn ipv6_address(value: &str) -> Ec2Result<Ipv6Addr> {
    value
        .trim()
        .parse::<Ipv6Addr>()
        .map_err(|_| invalid_address(value))
}

fn invalid_address(value: &str) -> Ec2Error {
    Ec2Error::InvalidParameterValue(format!("invalid value for parameter address: {value}"))
}

/// What [`delegated_prefix`] needs of `Ipv4Net` and `Ipv6Net`.
pub trait Block: FromStr + Copy {
    fn length(&self) -> u8;
    fn is_canonical(&self) -> bool;
    fn canonical(&self) -> Self;
}

impl Block for Ipv4Net {
    fn length(&self) -> u8 {
        self.prefix_len()
    }
    fn is_canonical(&self) -> bool {
        *self == self.trunc()
    }
    fn canonical(&self) -> Self {
        self.trunc()
    }
}

impl Block for Ipv6Net {
    fn length(&self) -> u8 {
        self.prefix_len()
    }
    fn is_canonical(&self) -> bool {
        *self == self.trunc()
    }
    fn canonical(&self) -> Self {
        self.trunc()
    }
}

/// A delegated prefix of exactly `len` bits, aligned on its own boundary.
pub fn delegated_prefix<N: Block>(value: &str, len: u8) -> Ec2Result<N> {
    let invalid = || {
        Ec2Error::InvalidParameterValue(format!(
            "Value ({value}) for parameter prefix is invalid. It must be an aligned /{len} prefix."
        ))
    };
    let net: N = value.trim().parse().map_err(|_| invalid())?;
    if net.length() != len || !net.is_canonical() {
        return Err(invalid());
    }
    Ok(net)
}

/// An IPv4 block in a state file: canonical form only.
pub fn file_block_v4(text: &str) -> Result<Ipv4Net, String> {
    file_block(text, "IPv4")
}

/// An IPv6 block in a state file: canonical form only.
pub fn file_block_v6(text: &str) -> Result<Ipv6Net, String> {
    file_block(text, "IPv6")
}

fn file_block<N: Block + std::fmt::Display>(text: &str, family: &str) -> Result<N, String> {
    let net: N = text
        .parse()
        .map_err(|_| format!("'{text}' is not an {family} CIDR block"))?;
    if !net.is_canonical() {
        return Err(format!(
            "CIDR {text} has host bits set; the block is {}",
            net.canonical()
        ));
    }
    Ok(net)
}

/// Group names, group descriptions and rule descriptions are all limited to 255 characters.
const MAX_GROUP_TEXT: usize = 255;
/// Besides ASCII letters and digits, the characters the API reference allows in security
/// group names and descriptions.
pub const GROUP_TEXT_PUNCTUATION: &str = " ._-:/()#,@[]+=&;{}!$*";

fn group_text_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || GROUP_TEXT_PUNCTUATION.contains(c)
}

/// A security group's name or description: at most 255 characters from the documented set.
pub fn check_group_text(param: &str, value: &str) -> Ec2Result<()> {
    if value.chars().count() > MAX_GROUP_TEXT {
        return Err(Ec2Error::InvalidParameterValue(format!(
            "Value ({value}) for parameter {param} is invalid. Length exceeds maximum of {MAX_GROUP_TEXT} characters."
        )));
    }
    if !value.is_ascii() {
        return Err(Ec2Error::InvalidParameterValue(format!(
            "Value ({value}) for parameter {param} is invalid. Character sets beyond ASCII are not supported."
        )));
    }
    if !value.chars().all(group_text_char) {
        return Err(Ec2Error::InvalidParameterValue(format!(
            "Value ({value}) for parameter {param} is invalid. Valid characters are a-z, A-Z, 0-9, spaces, and {GROUP_TEXT_PUNCTUATION}"
        )));
    }
    Ok(())
}

/// A security group rule's description, from the same set.
pub fn check_rule_description(description: &str) -> Ec2Result<()> {
    if description.chars().count() > MAX_GROUP_TEXT || !description.chars().all(group_text_char) {
        return Err(Ec2Error::InvalidParameterValue(format!(
            "Invalid rule description. Valid descriptions are strings less than 256 characters from the following set: a-zA-Z0-9{GROUP_TEXT_PUNCTUATION}"
        )));
    }
    Ok(())
}

/// CreateNetworkInterface's limit on a description, which EC2 keeps for changes too.
pub const MAX_INTERFACE_DESCRIPTION: usize = 255;

/// A network interface's description.
pub fn check_interface_description(description: &str) -> Ec2Result<()> {
    if description.chars().count() > MAX_INTERFACE_DESCRIPTION {
        return Err(Ec2Error::InvalidParameterValue(format!(
            "The description must be at most {MAX_INTERFACE_DESCRIPTION} characters long"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_cidrs_are_canonicalised_or_malformed() {
        assert_eq!(
            rule_cidr_v4("10.1.2.3/8").unwrap().to_string(),
            "10.0.0.0/8"
        );
        assert_eq!(
            rule_cidr_v4("10.0.0.1").unwrap_err().to_string(),
            "CIDR block 10.0.0.1 is malformed"
        );
        assert_eq!(
            rule_cidr_v6("2001:db8::1/64").unwrap().to_string(),
            "2001:db8::/64"
        );
        assert!(rule_cidr_v6("10.0.0.0/8").is_err());
    }

    #[test]
    fn file_blocks_refuse_host_bits() {
        assert!(file_block_v4("10.0.0.0/24").is_ok());
        assert_eq!(
            file_block_v4("10.0.0.5/24").unwrap_err(),
            "CIDR 10.0.0.5/24 has host bits set; the block is 10.0.0.0/24"
        );
        assert!(file_block_v6("2001:db8::/64").is_ok());
        assert!(file_block_v6("nope").is_err());
    }

    #[test]
    fn prefixes_are_exact_and_aligned() {
        assert!(delegated_prefix::<Ipv4Net>("10.0.0.16/28", 28).is_ok());
        assert!(delegated_prefix::<Ipv4Net>("10.0.0.17/28", 28).is_err());
        assert!(delegated_prefix::<Ipv4Net>("10.0.0.16/27", 28).is_err());
        assert!(delegated_prefix::<Ipv6Net>("2001:db8::/80", 80).is_ok());
    }

    #[test]
    fn account_ids() {
        assert!(is_account_id("123456789012"));
        assert!(!is_account_id("12345678901"));
        assert!(!is_account_id("12345678901a"));
    }
}
