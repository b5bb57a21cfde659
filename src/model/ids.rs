//! Resource IDs and MAC addresses: drawn from the world's seeded generator, checked for shape.
//!
//! Real EC2 IDs are a prefix and 17 lowercase hex digits; older resources (and the API
//! reference's examples, such as `subnet-b2a249da`) have 8. Both shapes are accepted on
//! input; new IDs always have 17.

use rand::Rng;

use crate::error::{Ec2Error, Ec2Result};

/// A new `{prefix}-` + 17 lowercase hex digits ID.
pub fn new_id<R: Rng + ?Sized>(rng: &mut R, prefix: &str) -> String {
    // 17 hex digits = 68 bits; take two draws so every digit is uniform.
    let hi: u64 = rng.gen::<u64>() & 0xf;
    let lo: u64 = rng.gen();
    format!("{prefix}-{hi:x}{lo:016x}")
}

/// True when `id` is `{prefix}-` followed by 8 or 17 lowercase hex digits.
pub fn is_well_formed(id: &str, prefix: &str) -> bool {
    let Some(rest) = id.strip_prefix(prefix).and_then(|r| r.strip_prefix('-')) else {
        return false;
    };
    (rest.len() == 8 || rest.len() == 17)
        && rest
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Checks an ID that a state file fixes instead of letting the world draw one: it must have
/// the resource's shape, and no resource of the kind may have it already (`taken`).
pub(crate) fn check_fixed_id(id: &str, prefix: &str, taken: bool) -> Ec2Result<()> {
    if !is_well_formed(id, prefix) {
        return Err(Ec2Error::InvalidParameterValue(format!(
            "'{id}' is not a valid ID: expected {prefix}- and 8 or 17 lowercase hex digits"
        )));
    }
    if taken {
        return Err(Ec2Error::InvalidParameterValue(format!(
            "the ID {id} is used twice"
        )));
    }
    Ok(())
}

/// A locally administered unicast MAC address, in EC2's `02:xx:xx:xx:xx:xx` form.
pub fn new_mac<R: Rng + ?Sized>(rng: &mut R) -> String {
    let b: [u8; 5] = rng.gen();
    format!(
        "02:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
        b[0], b[1], b[2], b[3], b[4]
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::StdRng;
    use rand::SeedableRng;

    #[test]
    fn ids_have_seventeen_hex_digits_and_are_recognised() {
        let mut rng = StdRng::seed_from_u64(1);
        for _ in 0..1000 {
            let id = new_id(&mut rng, "eni");
            assert_eq!(id.len(), "eni-".len() + 17, "{id}");
            assert!(is_well_formed(&id, "eni"));
        }
    }

    #[test]
    fn shapes() {
        assert!(is_well_formed("subnet-b2a249da", "subnet"));
        assert!(!is_well_formed("subnet-B2A249DA", "subnet"));
        assert!(!is_well_formed("subnet-123", "subnet"));
        assert!(!is_well_formed("vpc-b2a249da", "subnet"));
        assert!(!is_well_formed("subnetb2a249da", "subnet"));
    }

    #[test]
    fn macs_are_locally_administered() {
        let mut rng = StdRng::seed_from_u64(2);
        let mac = new_mac(&mut rng);
        assert!(mac.starts_with("02:"));
        assert_eq!(mac.len(), 17);
    }
}
