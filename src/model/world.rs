//! One (account, region)'s state, born with the default VPC, subnets and security group.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::net::Ipv4Addr;

use ipnet::Ipv4Net;
use rand::rngs::StdRng;
use rand::SeedableRng;

use crate::model::allocator::Ipv4Pool;
use crate::model::ids::new_id;
use crate::model::interface_permissions::InterfacePermission;
use crate::model::network_interfaces::{ClientTokenRecord, NetworkInterface};
use crate::model::regions::Region;
use crate::model::security_groups::SecurityGroup;
use crate::model::subnets::Subnet;
use crate::model::tags::Tags;
use crate::model::vpcs::Vpc;

/// The default VPC's block in every account, and the size of its per-zone default subnets.
const DEFAULT_VPC_CIDR: Ipv4Net = match Ipv4Net::new(Ipv4Addr::new(172, 31, 0, 0), 16) {
    Ok(net) => net,
    Err(_) => panic!("constant CIDR"),
};
const DEFAULT_SUBNET_PREFIX: u8 = 20;

/// Everything one account owns in one region.
// Clone: a world loaded from `--init` is kept as the template that a reset copies.
#[derive(Debug, Clone)]
pub struct World {
    pub account_id: String,
    pub region: &'static Region,
    /// The account's default DHCP options set, named by every VPC.
    pub dhcp_options_id: String,
    // BTreeMaps keyed by ID: lookups by ID are O(log n), and Describe pagination resumes
    // from the last ID returned without scanning what came before.
    pub vpcs: BTreeMap<String, Vpc>,
    pub subnets: BTreeMap<String, Subnet>,
    pub security_groups: BTreeMap<String, SecurityGroup>,
    // Boxed so the B-tree nodes hold pointers: a 400-byte value inline in under-full nodes
    // cost more memory per interface than the interface itself (benches/load.rs).
    pub network_interfaces: BTreeMap<String, Box<NetworkInterface>>,
    /// CreateNetworkInterfacePermission grants, by `eni-perm-` ID.
    pub interface_permissions: BTreeMap<String, InterfacePermission>,
    /// CreateNetworkInterface client tokens, for idempotent retries.
    pub client_tokens: HashMap<String, ClientTokenRecord>,
    /// Every MAC address in use, so each new interface gets one of its own.
    /// Every MAC address in use (as its 48-bit number), so each interface gets its own.
    pub macs: HashSet<u64>,
    /// Source of every ID, MAC and automatically chosen address in this world.
    pub rng: StdRng,
}

impl World {
    pub fn new(account_id: &str, region: &'static Region, seed: u64) -> Self {
        let mut world = World::without_defaults(account_id, region, seed);
        world.add_default_vpc();
        world
    }

    /// A world with nothing in it, not even the default VPC: where a state file that says
    /// `"defaultVpc": false` builds its own.
    pub(crate) fn without_defaults(account_id: &str, region: &'static Region, seed: u64) -> Self {
        let mut rng = StdRng::seed_from_u64(seed);
        let dhcp_options_id = new_id(&mut rng, "dopt");
        World {
            account_id: account_id.to_owned(),
            region,
            dhcp_options_id,
            vpcs: BTreeMap::new(),
            subnets: BTreeMap::new(),
            security_groups: BTreeMap::new(),
            network_interfaces: BTreeMap::new(),
            interface_permissions: BTreeMap::new(),
            client_tokens: HashMap::new(),
            macs: HashSet::new(),
            rng,
        }
    }

    /// The default VPC, one default /20 per zone (172.31.0.0/20, 172.31.16.0/20, …), and
    /// its `default` security group, as a new AWS account has them.
    fn add_default_vpc(&mut self) {
        let vpc_id = self.insert_vpc(
            None,
            DEFAULT_VPC_CIDR,
            None,
            true,
            "default",
            Tags::default(),
        );
        let blocks = DEFAULT_VPC_CIDR
            .subnets(DEFAULT_SUBNET_PREFIX)
            .into_iter()
            .flatten();
        for (zone, cidr) in self.region.zones.iter().zip(blocks) {
            let id = new_id(&mut self.rng, "subnet");
            let mut subnet = Subnet::new(
                id.clone(),
                &self.account_id,
                vpc_id.clone(),
                zone,
                Ipv4Pool::new(cidr),
            );
            subnet.default_for_az = true;
            subnet.map_public_ip_on_launch = true;
            self.subnets.insert(id, subnet);
        }
    }
}

/// The private DNS name EC2 gives an IPv4 address: `ip-10-0-2-157.ec2.internal` in us-east-1,
/// `ip-10-0-2-157.<region>.compute.internal` elsewhere.
pub fn private_dns_name(region: &str, ip: Ipv4Addr) -> String {
    let o = ip.octets();
    if region == "us-east-1" {
        format!("ip-{}-{}-{}-{}.ec2.internal", o[0], o[1], o[2], o[3])
    } else {
        format!(
            "ip-{}-{}-{}-{}.{region}.compute.internal",
            o[0], o[1], o[2], o[3]
        )
    }
}
