//! One (account, region)'s state, born with the default VPC, subnets and security group, and
//! the transaction every change runs in.
//!
//! Every field is private to the model: outside it, a world is read through accessors and
//! changed only through the operations in the other `model` files, which keep the invariants
//! (one MAC per interface, client tokens naming live interfaces, the rule-ID index). Those
//! operations change tables and pools that record how to undo each change, so
//! [`World::transaction`] can make any request all-or-nothing: a refused request, or a dry
//! run, is rolled back whole, random streams and clock included.

use std::net::Ipv4Addr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::SystemTime;

use ipnet::Ipv4Net;
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::error::{Ec2Error, Ec2Result};
use crate::model::allocator::{Ipv4Pool, Ipv6Pool, Pools};
use crate::model::clock::Clock;
use crate::model::dhcp_options::DhcpOptions;
use crate::model::elastic_ips::ElasticIp;
use crate::model::ids::{
    AllocationId, DhcpOptionsId, Digits, EgressOnlyInternetGatewayId, InstanceId,
    InterfacePermissionId, InternetGatewayId, NetworkAclId, NetworkInterfaceId, PrefixListId,
    ResourceId, RouteTableId, SecurityGroupId, SecurityGroupRuleId, SubnetId, VpcId,
};
use crate::model::instances::{Instance, LaunchTokenRecord};
use crate::model::interface_permissions::InterfacePermission;
use crate::model::internet_gateways::{EgressOnlyInternetGateway, InternetGateway};
use crate::model::network_acls::NetworkAcl;
use crate::model::network_interfaces::{ClientTokenRecord, NetworkInterface};
use crate::model::prefix_lists::PrefixList;
use crate::model::random::{Stream, Streams};
use crate::model::regions::Region;
use crate::model::route_tables::{Destination, RouteTable, Target};
use crate::model::security_groups::SecurityGroup;
use crate::model::subnets::{NewSubnet, Subnet, ZoneChoice};
use crate::model::table::Table;
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
    pub(in crate::model) account_id: String,
    pub(in crate::model) region: &'static Region,
    /// The region's default DHCP options set, which every new VPC uses.
    pub(in crate::model) dhcp_options_id: DhcpOptionsId,
    pub(in crate::model) dhcp_options: Table<DhcpOptionsId, DhcpOptions>,
    // Tables keyed by typed ID: lookups are O(log n), and Describe pagination resumes from
    // the last ID returned without scanning what came before.
    pub(in crate::model) vpcs: Table<VpcId, Vpc>,
    pub(in crate::model) subnets: Table<SubnetId, Subnet>,
    pub(in crate::model) security_groups: Table<SecurityGroupId, SecurityGroup>,
    /// Which group each rule belongs to, so a rule is found by its ID alone (tags).
    pub(in crate::model) rule_groups: Table<SecurityGroupRuleId, SecurityGroupId>,
    pub(in crate::model) network_interfaces: Table<NetworkInterfaceId, NetworkInterface>,
    /// CreateNetworkInterfacePermission grants.
    pub(in crate::model) interface_permissions: Table<InterfacePermissionId, InterfacePermission>,
    /// CreateNetworkInterface client tokens, for idempotent retries.
    pub(in crate::model) client_tokens: Table<String, ClientTokenRecord>,
    /// Every MAC address in use (as its 48-bit number), so each interface gets its own.
    pub(in crate::model) macs: Table<u64, ()>,
    pub(in crate::model) route_tables: Table<RouteTableId, RouteTable>,
    pub(in crate::model) internet_gateways: Table<InternetGatewayId, InternetGateway>,
    pub(in crate::model) egress_only_internet_gateways:
        Table<EgressOnlyInternetGatewayId, EgressOnlyInternetGateway>,
    pub(in crate::model) network_acls: Table<NetworkAclId, NetworkAcl>,
    /// The user's managed prefix lists and the region's AWS-managed ones.
    pub(in crate::model) prefix_lists: Table<PrefixListId, PrefixList>,
    pub(in crate::model) instances: Table<InstanceId, Instance>,
    /// RunInstances client tokens, for idempotent retries.
    pub(in crate::model) launch_tokens: Table<String, LaunchTokenRecord>,
    pub(in crate::model) elastic_ips: Table<AllocationId, ElasticIp>,
    /// Every public address held (Elastic IPs and launch addresses), so each is drawn once.
    pub(in crate::model) public_ips: Table<Ipv4Addr, ()>,
    /// Each subnet's IPv4 pool, and the IPv6 pool of those with an IPv6 block.
    pub(in crate::model) ipv4_pools: Pools<Ipv4Pool>,
    pub(in crate::model) ipv6_pools: Pools<Ipv6Pool>,
    /// Sources of every ID, MAC and automatically chosen address in this world.
    pub(in crate::model) streams: Streams,
    pub(in crate::model) clock: Clock,
    /// Requests made to this world so far (each ticks it once, reads too): what passing
    /// instance states settle by.
    pub(in crate::model) ticks: Arc<AtomicU64>,
    /// The streams as the open transaction found them; `None` outside one.
    open: Option<Streams>,
}

/// What rollback and commit do to each part of a world that records its changes.
trait Journal {
    fn rollback(&mut self);
    fn commit(&mut self);
}

impl<K: Ord + Clone, V: Clone> Journal for Table<K, V> {
    fn rollback(&mut self) {
        Table::rollback(self);
    }
    fn commit(&mut self) {
        Table::commit(self);
    }
}

impl<P: crate::model::allocator::AddressPool> Journal for Pools<P> {
    fn rollback(&mut self) {
        Pools::rollback(self);
    }
    fn commit(&mut self) {
        Pools::commit(self);
    }
}

impl World {
    /// A new account's world: the default VPC with one default subnet per zone and its
    /// `default` security group.
    pub fn new(account_id: &str, region: &'static Region, seed: u64, clock: Clock) -> Self {
        let mut world = World::without_defaults(account_id, region, seed, clock);
        world.add_default_vpc();
        world.settle();
        world
    }

    /// A world with nothing in it, not even the default VPC: where a state file that says
    /// `"defaultVpc": false` builds its own.
    pub fn without_defaults(
        account_id: &str,
        region: &'static Region,
        seed: u64,
        clock: Clock,
    ) -> Self {
        let mut streams = Streams::new(seed);
        let dhcp_options_id = DhcpOptionsId::from_digits(Digits::random(
            streams.get(Stream::Id(DhcpOptionsId::KIND)),
        ));
        let mut world = World {
            account_id: account_id.to_owned(),
            region,
            dhcp_options_id,
            dhcp_options: Table::default(),
            vpcs: Table::default(),
            subnets: Table::default(),
            security_groups: Table::default(),
            rule_groups: Table::default(),
            network_interfaces: Table::default(),
            interface_permissions: Table::default(),
            client_tokens: Table::default(),
            macs: Table::default(),
            route_tables: Table::default(),
            internet_gateways: Table::default(),
            egress_only_internet_gateways: Table::default(),
            network_acls: Table::default(),
            prefix_lists: Table::default(),
            instances: Table::default(),
            launch_tokens: Table::default(),
            elastic_ips: Table::default(),
            public_ips: Table::default(),
            ipv4_pools: Pools::default(),
            ipv6_pools: Pools::default(),
            streams,
            clock,
            ticks: Arc::new(AtomicU64::new(0)),
            open: None,
        };
        // Every account has its region's default DHCP options set and the region's
        // AWS-managed prefix lists, default VPC or not.
        world.add_default_dhcp_options();
        world.add_aws_prefix_lists();
        world.settle();
        world
    }

    /// The one list of everything that records changes: rollback and commit go through it.
    fn journals(&mut self) -> [&mut dyn Journal; 20] {
        [
            &mut self.instances,
            &mut self.launch_tokens,
            &mut self.elastic_ips,
            &mut self.public_ips,
            &mut self.route_tables,
            &mut self.internet_gateways,
            &mut self.egress_only_internet_gateways,
            &mut self.network_acls,
            &mut self.prefix_lists,
            &mut self.dhcp_options,
            &mut self.vpcs,
            &mut self.subnets,
            &mut self.security_groups,
            &mut self.rule_groups,
            &mut self.network_interfaces,
            &mut self.interface_permissions,
            &mut self.client_tokens,
            &mut self.macs,
            &mut self.ipv4_pools,
            &mut self.ipv6_pools,
        ]
    }

    /// Runs one request's change all-or-nothing: `change` either succeeds and is kept, or
    /// fails and everything it did is undone (random streams included). With
    /// `dry_run`, a change that would succeed is undone too and answered `DryRunOperation`,
    /// so a dry run runs every check a real request would.
    pub fn transaction<T>(
        &mut self,
        dry_run: bool,
        change: impl FnOnce(&mut World) -> Ec2Result<T>,
    ) -> Ec2Result<T> {
        self.recover();
        self.open = Some(self.streams.clone());
        match change(self) {
            Ok(value) if !dry_run => {
                self.settle();
                Ok(value)
            }
            Ok(_) => {
                self.recover();
                Err(Ec2Error::DryRunOperation)
            }
            Err(e) => {
                self.recover();
                Err(e)
            }
        }
    }

    /// Undoes a transaction left open (by a panic in the middle of one: the lock holding the
    /// world is then poisoned, and whoever takes it next calls this first).
    pub fn recover(&mut self) {
        if let Some(streams) = self.open.take() {
            for journal in self.journals() {
                journal.rollback();
            }
            self.streams = streams;
        }
    }

    /// Keeps every change made so far (outside a transaction: what building a world did).
    pub(crate) fn settle(&mut self) {
        for journal in self.journals() {
            journal.commit();
        }
        self.open = None;
    }

    /// A new ID of kind `K` for things that are not looked up by it (association IDs).
    pub fn fresh_id<K: ResourceId>(&mut self) -> K {
        draw_id(&mut self.streams, |_| false)
    }

    pub(in crate::model) fn rng(&mut self, stream: Stream) -> &mut Xoshiro256PlusPlus {
        self.streams.get(stream)
    }

    pub fn account_id(&self) -> &str {
        &self.account_id
    }

    pub fn region(&self) -> &'static Region {
        self.region
    }

    pub fn dhcp_options_id(&self) -> DhcpOptionsId {
        self.dhcp_options_id
    }

    /// The time of the current request (see [`Clock`]).
    pub fn now(&self) -> SystemTime {
        self.clock.now()
    }

    /// How many requests this world has had (see [`World::tick`]).
    pub fn ticks(&self) -> u64 {
        self.ticks.load(Ordering::SeqCst)
    }

    /// Moves the world's clock on for a new request (see [`Clock::advance`]).
    pub fn tick(&self) {
        self.ticks.fetch_add(1, Ordering::SeqCst);
        self.clock.advance();
    }

    pub fn dhcp_options(&self) -> &Table<DhcpOptionsId, DhcpOptions> {
        &self.dhcp_options
    }

    pub fn vpcs(&self) -> &Table<VpcId, Vpc> {
        &self.vpcs
    }

    pub fn subnets(&self) -> &Table<SubnetId, Subnet> {
        &self.subnets
    }

    pub fn security_groups(&self) -> &Table<SecurityGroupId, SecurityGroup> {
        &self.security_groups
    }

    pub fn network_interfaces(&self) -> &Table<NetworkInterfaceId, NetworkInterface> {
        &self.network_interfaces
    }

    pub fn interface_permissions(&self) -> &Table<InterfacePermissionId, InterfacePermission> {
        &self.interface_permissions
    }

    pub fn client_token(&self, token: &str) -> Option<&ClientTokenRecord> {
        self.client_tokens.get(token).map(|r| &**r)
    }

    pub fn route_tables(&self) -> &Table<RouteTableId, RouteTable> {
        &self.route_tables
    }

    pub fn internet_gateways(&self) -> &Table<InternetGatewayId, InternetGateway> {
        &self.internet_gateways
    }

    pub fn egress_only_internet_gateways(
        &self,
    ) -> &Table<EgressOnlyInternetGatewayId, EgressOnlyInternetGateway> {
        &self.egress_only_internet_gateways
    }

    pub fn network_acls(&self) -> &Table<NetworkAclId, NetworkAcl> {
        &self.network_acls
    }

    pub fn prefix_lists(&self) -> &Table<PrefixListId, PrefixList> {
        &self.prefix_lists
    }

    pub fn ipv4_pool(&self, subnet: &SubnetId) -> Option<&Ipv4Pool> {
        self.ipv4_pools.get(subnet)
    }

    pub fn ipv6_pool(&self, subnet: &SubnetId) -> Option<&Ipv6Pool> {
        self.ipv6_pools.get(subnet)
    }

    /// The default VPC, one default /20 per zone (172.31.0.0/20, 172.31.16.0/20, …), its
    /// `default` security group, main route table and default network ACL, and an internet
    /// gateway with the main table's `0.0.0.0/0` route to it, as a new AWS account has them.
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
            let request = NewSubnet {
                vpc_id: vpc_id.to_string(),
                cidr,
                ipv6_cidr: None,
                zone: ZoneChoice::Name(zone.name.to_owned()),
                tags: Vec::new(),
            };
            // The default subnets fit the default VPC by construction.
            if let Ok(id) = self.create_subnet_with_id(request, None) {
                self.subnets.update(&id, |s| {
                    s.default_for_az = true;
                    s.map_public_ip_on_launch = true;
                });
            }
        }
        if let Ok(igw) = self.create_internet_gateway(&[]) {
            self.internet_gateways
                .update(&igw, |g| g.vpc_id = Some(vpc_id));
            if let Some(main) = self.main_route_table(vpc_id).map(|t| t.id) {
                self.route_tables.update(&main, |t| {
                    t.routes.push(crate::model::route_tables::Route {
                        destination: Destination::Ipv4(Ipv4Net::default()),
                        target: Target::InternetGateway(igw),
                        origin: crate::model::route_tables::Origin::CreateRoute,
                    })
                });
            }
        }
    }
}

/// A new ID of kind `K` from the kind's own stream, drawn again while `taken` says a resource
/// has it already. A free function, so `taken` can borrow a table of the world while the
/// streams are borrowed mutably.
pub(in crate::model) fn draw_id<K: ResourceId>(
    streams: &mut Streams,
    taken: impl Fn(&K) -> bool,
) -> K {
    loop {
        let id = K::from_digits(Digits::random(streams.get(Stream::Id(K::KIND))));
        if !taken(&id) {
            return id;
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
