//! Static table of AWS commercial regions and their availability zones, as EC2's
//! DescribeRegions / DescribeAvailabilityZones report them.
//!
//! Regions launched before November 2012 map zone letters to AZ IDs per account;
//! for those a commonly observed mapping is used so responses look like a real
//! account's. Newer regions use AWS's uniform mapping.

#[derive(Debug)]
pub struct Region {
    pub name: &'static str,
    pub opt_in_status: &'static str,
    pub zones: &'static [Zone],
}

#[derive(Debug)]
pub struct Zone {
    pub name: &'static str,
    pub id: &'static str,
    pub state: &'static str,
}

const OPT_IN_NOT_REQUIRED: &str = "opt-in-not-required";
// Every world serves every region, so opt-in regions report themselves as opted in, as
// they would for an account that enabled them; DescribeRegions then lists them by default.
const OPTED_IN: &str = "opted-in";

const fn z(name: &'static str, id: &'static str) -> Zone {
    Zone {
        name,
        id,
        state: "available",
    }
}

const fn classic(name: &'static str, zones: &'static [Zone]) -> Region {
    Region {
        name,
        opt_in_status: OPT_IN_NOT_REQUIRED,
        zones,
    }
}

const fn opt_in(name: &'static str, zones: &'static [Zone]) -> Region {
    Region {
        name,
        opt_in_status: OPTED_IN,
        zones,
    }
}

/// Sorted by name so DescribeRegions output is deterministic.
pub static REGIONS: &[Region] = &[
    opt_in(
        "af-south-1",
        &[
            z("af-south-1a", "afs1-az1"),
            z("af-south-1b", "afs1-az2"),
            z("af-south-1c", "afs1-az3"),
        ],
    ),
    opt_in(
        "ap-east-1",
        &[
            z("ap-east-1a", "ape1-az1"),
            z("ap-east-1b", "ape1-az2"),
            z("ap-east-1c", "ape1-az3"),
        ],
    ),
    // Tokyo's "b" zone was retired, so accounts see only a, c and d.
    classic(
        "ap-northeast-1",
        &[
            z("ap-northeast-1a", "apne1-az4"),
            z("ap-northeast-1c", "apne1-az1"),
            z("ap-northeast-1d", "apne1-az2"),
        ],
    ),
    classic(
        "ap-northeast-2",
        &[
            z("ap-northeast-2a", "apne2-az1"),
            z("ap-northeast-2b", "apne2-az2"),
            z("ap-northeast-2c", "apne2-az3"),
            z("ap-northeast-2d", "apne2-az4"),
        ],
    ),
    classic(
        "ap-northeast-3",
        &[
            z("ap-northeast-3a", "apne3-az3"),
            z("ap-northeast-3b", "apne3-az1"),
            z("ap-northeast-3c", "apne3-az2"),
        ],
    ),
    classic(
        "ap-south-1",
        &[
            z("ap-south-1a", "aps1-az1"),
            z("ap-south-1b", "aps1-az3"),
            z("ap-south-1c", "aps1-az2"),
        ],
    ),
    opt_in(
        "ap-south-2",
        &[
            z("ap-south-2a", "aps2-az1"),
            z("ap-south-2b", "aps2-az2"),
            z("ap-south-2c", "aps2-az3"),
        ],
    ),
    classic(
        "ap-southeast-1",
        &[
            z("ap-southeast-1a", "apse1-az1"),
            z("ap-southeast-1b", "apse1-az2"),
            z("ap-southeast-1c", "apse1-az3"),
        ],
    ),
    classic(
        "ap-southeast-2",
        &[
            z("ap-southeast-2a", "apse2-az1"),
            z("ap-southeast-2b", "apse2-az3"),
            z("ap-southeast-2c", "apse2-az2"),
        ],
    ),
    opt_in(
        "ap-southeast-3",
        &[
            z("ap-southeast-3a", "apse3-az1"),
            z("ap-southeast-3b", "apse3-az2"),
            z("ap-southeast-3c", "apse3-az3"),
        ],
    ),
    opt_in(
        "ap-southeast-4",
        &[
            z("ap-southeast-4a", "apse4-az1"),
            z("ap-southeast-4b", "apse4-az2"),
            z("ap-southeast-4c", "apse4-az3"),
        ],
    ),
    opt_in(
        "ap-southeast-5",
        &[
            z("ap-southeast-5a", "apse5-az1"),
            z("ap-southeast-5b", "apse5-az2"),
            z("ap-southeast-5c", "apse5-az3"),
        ],
    ),
    opt_in(
        "ap-southeast-7",
        &[
            z("ap-southeast-7a", "apse7-az1"),
            z("ap-southeast-7b", "apse7-az2"),
            z("ap-southeast-7c", "apse7-az3"),
        ],
    ),
    // Canada Central never exposed a "c" zone; the third AZ arrived as "d".
    classic(
        "ca-central-1",
        &[
            z("ca-central-1a", "cac1-az1"),
            z("ca-central-1b", "cac1-az2"),
            z("ca-central-1d", "cac1-az4"),
        ],
    ),
    opt_in(
        "ca-west-1",
        &[
            z("ca-west-1a", "caw1-az1"),
            z("ca-west-1b", "caw1-az2"),
            z("ca-west-1c", "caw1-az3"),
        ],
    ),
    classic(
        "eu-central-1",
        &[
            z("eu-central-1a", "euc1-az2"),
            z("eu-central-1b", "euc1-az3"),
            z("eu-central-1c", "euc1-az1"),
        ],
    ),
    opt_in(
        "eu-central-2",
        &[
            z("eu-central-2a", "euc2-az1"),
            z("eu-central-2b", "euc2-az2"),
            z("eu-central-2c", "euc2-az3"),
        ],
    ),
    classic(
        "eu-north-1",
        &[
            z("eu-north-1a", "eun1-az1"),
            z("eu-north-1b", "eun1-az2"),
            z("eu-north-1c", "eun1-az3"),
        ],
    ),
    opt_in(
        "eu-south-1",
        &[
            z("eu-south-1a", "eus1-az1"),
            z("eu-south-1b", "eus1-az2"),
            z("eu-south-1c", "eus1-az3"),
        ],
    ),
    opt_in(
        "eu-south-2",
        &[
            z("eu-south-2a", "eus2-az1"),
            z("eu-south-2b", "eus2-az2"),
            z("eu-south-2c", "eus2-az3"),
        ],
    ),
    classic(
        "eu-west-1",
        &[
            z("eu-west-1a", "euw1-az3"),
            z("eu-west-1b", "euw1-az1"),
            z("eu-west-1c", "euw1-az2"),
        ],
    ),
    classic(
        "eu-west-2",
        &[
            z("eu-west-2a", "euw2-az2"),
            z("eu-west-2b", "euw2-az3"),
            z("eu-west-2c", "euw2-az1"),
        ],
    ),
    classic(
        "eu-west-3",
        &[
            z("eu-west-3a", "euw3-az1"),
            z("eu-west-3b", "euw3-az2"),
            z("eu-west-3c", "euw3-az3"),
        ],
    ),
    opt_in(
        "il-central-1",
        &[
            z("il-central-1a", "ilc1-az1"),
            z("il-central-1b", "ilc1-az2"),
            z("il-central-1c", "ilc1-az3"),
        ],
    ),
    opt_in(
        "me-central-1",
        &[
            z("me-central-1a", "mec1-az1"),
            z("me-central-1b", "mec1-az2"),
            z("me-central-1c", "mec1-az3"),
        ],
    ),
    opt_in(
        "me-south-1",
        &[
            z("me-south-1a", "mes1-az1"),
            z("me-south-1b", "mes1-az2"),
            z("me-south-1c", "mes1-az3"),
        ],
    ),
    opt_in(
        "mx-central-1",
        &[
            z("mx-central-1a", "mxc1-az1"),
            z("mx-central-1b", "mxc1-az2"),
            z("mx-central-1c", "mxc1-az3"),
        ],
    ),
    classic(
        "sa-east-1",
        &[
            z("sa-east-1a", "sae1-az1"),
            z("sa-east-1b", "sae1-az2"),
            z("sa-east-1c", "sae1-az3"),
        ],
    ),
    classic(
        "us-east-1",
        &[
            z("us-east-1a", "use1-az6"),
            z("us-east-1b", "use1-az1"),
            z("us-east-1c", "use1-az2"),
            z("us-east-1d", "use1-az4"),
            z("us-east-1e", "use1-az3"),
            z("us-east-1f", "use1-az5"),
        ],
    ),
    classic(
        "us-east-2",
        &[
            z("us-east-2a", "use2-az1"),
            z("us-east-2b", "use2-az2"),
            z("us-east-2c", "use2-az3"),
        ],
    ),
    // N. California has only two AZs open to new accounts; the letters skip one.
    classic(
        "us-west-1",
        &[z("us-west-1a", "usw1-az1"), z("us-west-1c", "usw1-az3")],
    ),
    classic(
        "us-west-2",
        &[
            z("us-west-2a", "usw2-az2"),
            z("us-west-2b", "usw2-az1"),
            z("us-west-2c", "usw2-az3"),
            z("us-west-2d", "usw2-az4"),
        ],
    ),
];

pub fn region(name: &str) -> Option<&'static Region> {
    REGIONS.iter().find(|r| r.name == name)
}

pub fn endpoint(region: &str) -> String {
    format!("ec2.{region}.amazonaws.com")
}

impl Region {
    pub fn zone(&self, name: &str) -> Option<&'static Zone> {
        self.zones.iter().find(|z| z.name == name)
    }

    pub fn zone_by_id(&self, id: &str) -> Option<&'static Zone> {
        self.zones.iter().find(|z| z.id == id)
    }
}

impl Zone {
    pub fn region_name(&self) -> &'static str {
        &self.name[..self.name.len() - 1]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn zone_names_are_region_plus_one_letter() {
        for r in REGIONS {
            assert!(!r.zones.is_empty(), "{} has no zones", r.name);
            for z in r.zones {
                let suffix = z
                    .name
                    .strip_prefix(r.name)
                    .unwrap_or_else(|| panic!("{} not in {}", z.name, r.name));
                assert_eq!(suffix.len(), 1, "{}", z.name);
                assert!(suffix.chars().all(|c| c.is_ascii_lowercase()), "{}", z.name);
                assert_eq!(z.region_name(), r.name);
                assert_eq!(z.state, "available");
            }
        }
    }

    #[test]
    fn zone_ids_unique_within_region_and_share_prefix() {
        for r in REGIONS {
            let ids: HashSet<_> = r.zones.iter().map(|z| z.id).collect();
            assert_eq!(ids.len(), r.zones.len(), "duplicate zone id in {}", r.name);
            let prefixes: HashSet<_> = r
                .zones
                .iter()
                .map(|z| z.id.split_once("-az").expect("id has -az").0)
                .collect();
            assert_eq!(prefixes.len(), 1, "mixed id prefixes in {}", r.name);
        }
    }

    #[test]
    fn zone_ids_unique_globally() {
        let all: Vec<_> = REGIONS.iter().flat_map(|r| r.zones).map(|z| z.id).collect();
        let set: HashSet<_> = all.iter().collect();
        assert_eq!(set.len(), all.len());
    }

    #[test]
    fn region_names_unique_and_sorted() {
        let names: Vec<_> = REGIONS.iter().map(|r| r.name).collect();
        let set: HashSet<_> = names.iter().collect();
        assert_eq!(set.len(), names.len());
        let mut sorted = names.clone();
        sorted.sort_unstable();
        assert_eq!(names, sorted);
    }

    #[test]
    fn opt_in_statuses() {
        let opt_in = [
            "af-south-1",
            "ap-east-1",
            "ap-south-2",
            "ap-southeast-3",
            "ap-southeast-4",
            "ap-southeast-5",
            "ap-southeast-7",
            "ca-west-1",
            "eu-south-1",
            "eu-south-2",
            "eu-central-2",
            "il-central-1",
            "me-south-1",
            "me-central-1",
            "mx-central-1",
        ];
        for r in REGIONS {
            let expected = if opt_in.contains(&r.name) {
                "opted-in"
            } else {
                "opt-in-not-required"
            };
            assert_eq!(r.opt_in_status, expected, "{}", r.name);
        }
        for name in opt_in {
            assert!(region(name).is_some(), "{name} missing");
        }
    }

    #[test]
    fn lookups() {
        let r = region("us-east-1").expect("us-east-1");
        assert!(r.zone("us-east-1a").is_some());
        assert_eq!(r.zones.len(), 6);
        assert!(r.zone("us-east-2a").is_none());
        assert_eq!(r.zone_by_id("use1-az1").map(|z| z.name), Some("us-east-1b"));
        assert!(r.zone_by_id("use2-az1").is_none());
        assert!(region("us-east-9").is_none());

        let apse1 = region("ap-southeast-1").expect("ap-southeast-1");
        assert!(apse1.zone("ap-southeast-1b").is_some());

        let apne1 = region("ap-northeast-1").expect("ap-northeast-1");
        assert!(apne1.zone("ap-northeast-1b").is_none());
        assert_eq!(
            apne1.zone("ap-northeast-1a").map(|z| z.id),
            Some("apne1-az4")
        );

        assert_eq!(region("us-west-1").map(|r| r.zones.len()), Some(2));
    }

    #[test]
    fn endpoint_format() {
        assert_eq!(endpoint("us-east-1"), "ec2.us-east-1.amazonaws.com");
        assert_eq!(endpoint("eu-west-3"), "ec2.eu-west-3.amazonaws.com");
    }

    #[test]
    fn region_count() {
        assert_eq!(REGIONS.len(), 32);
    }
}
