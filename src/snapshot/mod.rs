//! The state format: every world as plain data, read by `--init` and `--state-file` and
//! written by the admin `state` endpoint and by persistence, so a state can be captured and
//! replayed.
//!
//! A [`Snapshot`] is JSON: `accounts` → `regions` → one [`WorldSnapshot`] each, listing DHCP
//! options, VPCs, subnets, security groups (with their rules), network interfaces, interface
//! permissions, prefix lists, internet and egress-only gateways, route tables and network ACLs.
//! Any ID may be fixed by the file (8 or 17 hex digits: `subnet-b2a249da`) or left out, and
//! then the world draws one as the API would.
//!
//! [`import_world`] builds a world through the model's own operations — CreateVpc,
//! CreateSubnet, ModifySubnetAttribute, CreateSecurityGroup, AuthorizeSecurityGroup*,
//! CreateNetworkInterface, CreateNetworkInterfacePermission, CreateRouteTable, CreateRoute,
//! CreateNetworkAclEntry and the rest, with the ID-fixing variants —
//! so every rule the API enforces is enforced on a file too, and a refusal names the entry:
//! `accounts[123456789012].regions[ap-southeast-1].subnets[2] (subnet-b2a249da): …`. The
//! world is built fresh and only returned whole: nothing is ever half-loaded.
//!
//! The world's random generator is not part of the format: it is not needed to rebuild
//! anything, and a loaded world's generator is seeded from the server's seed and a digest of
//! the world's snapshot. The same seed and the same file therefore give the same IDs and
//! addresses on every run, and a state file reloaded after a restart does not replay the IDs
//! it already holds (as reseeding from the seed alone would).
//!
//! Three parts: [`format`] (the types and their JSON), [`export`] (worlds → snapshot) and
//! [`import`] (snapshot → worlds, with the routing layer in `import/routing.rs`). The model knows nothing of this format.

pub mod export;
pub mod format;
pub mod import;

pub use export::{export, export_world};
pub use format::*;
pub use import::{import_all, import_world};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::clock::Clock;
    use crate::model::regions::{self, Region};
    use crate::model::World;

    fn region() -> &'static Region {
        regions::region("ap-southeast-1").unwrap()
    }

    fn import(account: &str, region: &'static Region, world: &WorldSnapshot, seed: u64) -> World {
        import_world(account, region, world, seed, Clock::System).unwrap()
    }

    #[test]
    fn a_default_world_round_trips_through_export() {
        let world = World::new("123456789012", region(), 7, Clock::System);
        let exported = export_world(&world);
        let again = import("123456789012", region(), &exported, 99);
        assert_eq!(export_world(&again), exported);
    }

    #[test]
    fn every_kind_of_entry_round_trips_through_export() {
        let text = include_str!("../../fixtures/init/everything.json");
        let checked = Snapshot::from_json(text).unwrap().check().unwrap();
        let worlds = checked.snapshot().worlds().unwrap();
        for (account, region, world) in worlds {
            let first = export_world(&import(account, region, world, 1));
            let second = export_world(&import(account, region, &first, 2));
            assert_eq!(first, second);
            // And through JSON text, as a state file holds it.
            let text = serde_json::to_string(&first).unwrap();
            let parsed: WorldSnapshot = serde_json::from_str(&text).unwrap();
            assert_eq!(parsed, first);
        }
    }

    #[test]
    fn tags_keep_their_order_and_refuse_duplicate_keys() {
        let map: OrderedMap<String> = serde_json::from_str(r#"{"b":"1","a":"2"}"#).unwrap();
        assert_eq!(map.0[0].0, "b");
        assert_eq!(serde_json::to_string(&map).unwrap(), r#"{"b":"1","a":"2"}"#);
        let err = serde_json::from_str::<OrderedMap<String>>(r#"{"a":"1","a":"2"}"#).unwrap_err();
        assert!(err.to_string().contains("duplicate key `a`"), "{err}");
    }

    #[test]
    fn an_overlap_names_both_subnets() {
        let text = r#"{"accounts":{"123456789012":{"regions":{"ap-southeast-1":{
            "vpcs":[{"id":"vpc-c31dafaa","cidrBlock":"10.0.0.0/16"}],
            "subnets":[
              {"id":"subnet-b2a249da","vpcId":"vpc-c31dafaa","cidrBlock":"10.0.2.0/24"},
              {"id":"subnet-a61dafcf","vpcId":"vpc-c31dafaa","cidrBlock":"10.0.2.128/25"}
            ]}}}}}"#;
        let err = Snapshot::from_json(text).unwrap().check().unwrap_err();
        assert_eq!(
            err.to_string(),
            "accounts[123456789012].regions[ap-southeast-1].subnets[1] (subnet-a61dafcf): \
             CIDR 10.0.2.128/25 overlaps subnet-b2a249da (10.0.2.0/24)"
        );
    }

    #[test]
    fn strings_xml_cannot_carry_are_refused_naming_the_entry() {
        let text = r#"{"accounts":{"123456789012":{"regions":{"us-east-1":{
            "vpcs":[{"cidrBlock":"10.0.0.0/16","tags":{"Name":"a\u0001b"}}]}}}}}"#;
        let err = Snapshot::from_json(text).unwrap_err();
        assert_eq!(
            err.entry,
            "accounts[123456789012].regions[us-east-1].vpcs[0].tags[Name]"
        );
        assert!(err.message.contains("U+0001"), "{err}");
        let text = r#"{"accounts":{"123456789012":{"regions":{"us-east-1":{
            "securityGroups":[{"groupName":"web","description":"x\uffff"}]}}}}}"#;
        let err = Snapshot::from_json(text).unwrap_err();
        assert_eq!(
            err.to_string(),
            "accounts[123456789012].regions[us-east-1].securityGroups[0].description: contains the character U+FFFF, which XML replies cannot carry (control characters other than tab, line feed and carriage return, U+FFFE and U+FFFF)"
        );
        // In a key too, spelt out in the entry's name.
        let text = r#"{"accounts":{"123456789012":{"regions":{"us-east-1":{
            "vpcs":[{"cidrBlock":"10.0.0.0/16","tags":{"k\u001b":"v"}}]}}}}}"#;
        let err = Snapshot::from_json(text).unwrap_err();
        assert!(err.entry.ends_with("tags[kU+001B]"), "{err}");
        // Tab, LF and CR are fine.
        let text = r#"{"accounts":{"123456789012":{"regions":{"us-east-1":{
            "vpcs":[{"cidrBlock":"10.0.0.0/16","tags":{"Name":"a\tb\nc\rd"}}]}}}}}"#;
        Snapshot::from_json(text).unwrap().check().unwrap();
    }

    #[test]
    fn the_digest_is_stable() {
        assert_eq!(import::digest(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(import::digest(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
