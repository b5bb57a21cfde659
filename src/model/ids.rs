//! Typed resource IDs and MAC addresses.
//!
//! Real EC2 IDs are a prefix and 17 lowercase hex digits; older resources (and the API
//! reference's examples, such as `subnet-b2a249da`) have 8. Both shapes parse; new IDs always
//! have 17. Each kind has its own ID type ([`VpcId`], [`SubnetId`], …), so an interface ID can
//! never be looked up among subnets, and its `parse` answers the kind's Malformed error.
//!
//! An ID is stored as its digits in a 17-byte array padded with zeros: `Copy`, no allocation,
//! and ordered exactly as the ID's text is (a shorter ID sorts before a longer one that it
//! starts), which is the order Describe answers and pages in.

use std::fmt;

use rand::Rng;

use crate::error::{Ec2Error, Ec2Result};
use crate::kinds::Kind;

/// The hex digits of an ID.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Digits([u8; 17]);

impl Digits {
    /// 17 random lowercase hex digits (68 bits, every digit uniform).
    pub fn random<R: Rng + ?Sized>(rng: &mut R) -> Digits {
        let hi: u64 = rng.gen::<u64>() & 0xf;
        let lo: u64 = rng.gen();
        let value = (u128::from(hi) << 64) | u128::from(lo);
        let mut out = [0u8; 17];
        for (i, slot) in out.iter_mut().enumerate() {
            let nibble = (value >> (4 * (16 - i))) & 0xf;
            *slot = b"0123456789abcdef"[nibble as usize];
        }
        Digits(out)
    }

    /// 8 hex digits of `value`, the shape of older (and some AWS-owned) IDs.
    pub fn short(value: u32) -> Digits {
        let mut out = [0u8; 17];
        for (i, slot) in out.iter_mut().take(8).enumerate() {
            let nibble = (value >> (4 * (7 - i))) & 0xf;
            *slot = b"0123456789abcdef"[nibble as usize];
        }
        Digits(out)
    }

    /// The digits of `text` if it is 8 or 17 lowercase hex digits.
    pub fn parse(text: &str) -> Option<Digits> {
        let bytes = text.as_bytes();
        if (bytes.len() != 8 && bytes.len() != 17)
            || !bytes
                .iter()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b))
        {
            return None;
        }
        let mut out = [0u8; 17];
        out[..bytes.len()].copy_from_slice(bytes);
        Some(Digits(out))
    }

    pub fn as_str(&self) -> &str {
        let len = self.0.iter().position(|&b| b == 0).unwrap_or(17);
        // Only ever ASCII hex digits (see `random` and `parse`).
        std::str::from_utf8(&self.0[..len]).unwrap_or_default()
    }
}

/// What every typed ID can do.
pub trait ResourceId:
    Copy + Ord + Eq + std::hash::Hash + fmt::Display + fmt::Debug + Send + Sync + 'static
{
    const KIND: Kind;

    fn from_digits(digits: Digits) -> Self;

    fn digits(&self) -> Digits;

    /// The ID if `text` is one of this kind (prefix, dash, 8 or 17 hex digits).
    fn try_parse(text: &str) -> Option<Self> {
        let rest = text
            .strip_prefix(Self::KIND.prefix())
            .and_then(|r| r.strip_prefix('-'))?;
        Digits::parse(rest).map(Self::from_digits)
    }

    /// The ID, or the kind's Malformed error (NotFound for kinds EC2 gives no Malformed code).
    fn parse(text: &str) -> Ec2Result<Self> {
        Self::try_parse(text).ok_or_else(|| Ec2Error::malformed(Self::KIND, text))
    }

    /// The kind's NotFound error for this ID.
    fn not_found(&self) -> Ec2Error {
        Ec2Error::NotFound {
            kind: Self::KIND,
            id: self.to_string(),
        }
    }
}

macro_rules! resource_ids {
    ($($(#[$doc:meta])* $name:ident => $kind:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(Digits);

        impl ResourceId for $name {
            const KIND: Kind = Kind::$kind;

            fn from_digits(digits: Digits) -> Self {
                $name(digits)
            }

            fn digits(&self) -> Digits {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(Self::KIND.prefix())?;
                f.write_str("-")?;
                f.write_str(self.0.as_str())
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(self, f)
            }
        }
    )*};
}

resource_ids! {
    /// `vpc-…`
    VpcId => Vpc;
    /// `vpc-cidr-assoc-…`
    VpcCidrAssociationId => VpcCidrAssociation;
    /// `subnet-…`
    SubnetId => Subnet;
    /// `subnet-cidr-assoc-…`
    SubnetCidrAssociationId => SubnetCidrAssociation;
    /// `sg-…`
    SecurityGroupId => SecurityGroup;
    /// `sgr-…`
    SecurityGroupRuleId => SecurityGroupRule;
    /// `eni-…`
    NetworkInterfaceId => NetworkInterface;
    /// `eni-attach-…`
    AttachmentId => NetworkInterfaceAttachment;
    /// `eni-perm-…`
    InterfacePermissionId => NetworkInterfacePermission;
    /// `dopt-…`
    DhcpOptionsId => DhcpOptions;
    /// `rtb-…`
    RouteTableId => RouteTable;
    /// `rtbassoc-…`
    RouteTableAssociationId => RouteTableAssociation;
    /// `igw-…`
    InternetGatewayId => InternetGateway;
    /// `eigw-…`
    EgressOnlyInternetGatewayId => EgressOnlyInternetGateway;
    /// `acl-…`
    NetworkAclId => NetworkAcl;
    /// `aclassoc-…`
    NetworkAclAssociationId => NetworkAclAssociation;
    /// `pl-…`
    PrefixListId => PrefixList;
    /// `ami-…`
    ImageId => Image;
    /// `i-…`
    InstanceId => Instance;
    /// `r-…`
    ReservationId => Reservation;
    /// `eipalloc-…`
    AllocationId => ElasticIp;
    /// `eipassoc-…`
    ElasticIpAssociationId => ElasticIpAssociation;
}

/// A locally administered unicast MAC address, as its 48-bit number.
pub fn new_mac<R: Rng + ?Sized>(rng: &mut R) -> u64 {
    let b: [u8; 5] = rng.gen();
    b.iter().fold(0x02u64, |acc, &x| (acc << 8) | u64::from(x))
}

/// A MAC address in EC2's `02:xx:xx:xx:xx:xx` form.
pub fn format_mac(mac: u64) -> String {
    let b = mac.to_be_bytes();
    format!(
        "{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
        b[2], b[3], b[4], b[5], b[6], b[7]
    )
}

/// The number of a MAC address given as six lowercase hex pairs (`02:74:b0:72:79:61`).
pub fn parse_mac(text: &str) -> Option<u64> {
    let parts: Vec<&str> = text.split(':').collect();
    if parts.len() != 6 {
        return None;
    }
    parts.iter().try_fold(0u64, |acc, part| {
        let lower_hex = part.len() == 2
            && part
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        lower_hex
            .then(|| u8::from_str_radix(part, 16).ok())
            .flatten()
            .map(|b| (acc << 8) | u64::from(b))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_xoshiro::Xoshiro256PlusPlus;

    #[test]
    fn ids_have_seventeen_hex_digits_and_are_recognised() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
        for _ in 0..1000 {
            let id = NetworkInterfaceId::from_digits(Digits::random(&mut rng));
            let text = id.to_string();
            assert_eq!(text.len(), "eni-".len() + 17, "{text}");
            assert_eq!(NetworkInterfaceId::try_parse(&text), Some(id));
        }
    }

    #[test]
    fn shapes() {
        assert!(SubnetId::try_parse("subnet-b2a249da").is_some());
        assert!(SubnetId::try_parse("subnet-B2A249DA").is_none());
        assert!(SubnetId::try_parse("subnet-123").is_none());
        assert!(SubnetId::try_parse("vpc-b2a249da").is_none());
        assert!(SubnetId::try_parse("subnetb2a249da").is_none());
        // Longer prefixes that start like shorter ones are other kinds.
        assert!(NetworkInterfaceId::try_parse("eni-attach-0123456789abcdef0").is_none());
        assert!(AttachmentId::try_parse("eni-attach-0123456789abcdef0").is_some());
        assert_eq!(
            VpcId::parse("vpc-12").unwrap_err().code(),
            "InvalidVpcID.Malformed"
        );
    }

    #[test]
    fn ids_order_as_their_text() {
        let mut texts = [
            "vpc-0123456789abcdef0",
            "vpc-b2a249da",
            "vpc-b2a249da0123456789",
            "vpc-0123456789abcdef1",
            "vpc-00000000",
        ];
        let mut ids: Vec<VpcId> = texts.iter().filter_map(|t| VpcId::try_parse(t)).collect();
        assert_eq!(ids.len(), 4, "one of them has 18 digits");
        ids.sort();
        texts.sort_unstable();
        let sorted: Vec<String> = ids.iter().map(ToString::to_string).collect();
        let expected: Vec<&str> = texts
            .iter()
            .copied()
            .filter(|t| VpcId::try_parse(t).is_some())
            .collect();
        assert_eq!(sorted, expected);
    }

    #[test]
    fn macs_are_locally_administered_and_round_trip() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(2);
        let mac = new_mac(&mut rng);
        let text = format_mac(mac);
        assert!(text.starts_with("02:"), "{text}");
        assert_eq!(text.len(), 17);
        assert_eq!(parse_mac(&text), Some(mac));
        assert_eq!(parse_mac("02:74:b0:72:79:61"), Some(0x0274_b072_7961));
        assert_eq!(parse_mac("02:74:B0:72:79:61"), None);
        assert_eq!(parse_mac("not a mac"), None);
    }
}
