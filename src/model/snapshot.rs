//! The state format: every world as plain data, read by `--init` and `--state-file` and
//! written by the admin `state` endpoint and by persistence, so a state can be captured and
//! replayed.
//!
//! A [`Snapshot`] is JSON: `accounts` → `regions` → one [`WorldSnapshot`] each, listing VPCs,
//! subnets, security groups (with their rules), network interfaces and interface permissions.
//! Any ID may be fixed by the file (8 or 17 hex digits: `subnet-b2a249da`) or left out, and
//! then the world draws one as the API would.
//!
//! [`World::import`] builds a world through the model's own operations — CreateVpc,
//! CreateSubnet, ModifySubnetAttribute, CreateSecurityGroup, AuthorizeSecurityGroup*,
//! CreateNetworkInterface, CreateNetworkInterfacePermission, with the ID-fixing variants —
//! so every rule the API enforces is enforced on a file too, and a refusal names the entry:
//! `accounts[123456789012].regions[ap-southeast-1].subnets[2] (subnet-b2a249da): …`. The
//! world is built fresh and only returned whole: nothing is ever half-loaded.
//!
//! The world's random generator is not part of the format: it is not needed to rebuild
//! anything, and a loaded world's generator is seeded from the server's seed and a digest of
//! the world's snapshot. The same seed and the same file therefore give the same IDs and
//! addresses on every run, and a state file reloaded after a restart does not replay the IDs
//! it already holds (as reseeding from the seed alone would).

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::marker::PhantomData;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::path::Path;
use std::sync::Arc;

use ipnet::{Ipv4Net, Ipv6Net};
use serde::de::{Error as _, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::actions::network_interfaces::{
    check_connection_tracking, parse_interface_type, parse_prefix,
};
use crate::actions::security_groups::{
    check_group_text, check_rule_description, normalize_ports, normalize_protocol,
};
use crate::error::Ec2Error;
use crate::model::ids::{check_fixed_id, is_well_formed, new_id};
use crate::model::interface_permissions::{Grantee, PermissionType};
use crate::model::network_interfaces::{
    ClientTokenRecord, ConnectionTracking, InterfaceType, NewNetworkInterface,
    MAX_IPV4_PER_INTERFACE, MAX_IPV6_PER_INTERFACE,
};
use crate::model::regions::{self, Region};
use crate::model::security_groups::{
    self, NewSecurityGroup, Peer, PeerSpec, RuleSpec, SecurityGroup, DEFAULT_GROUP_NAME,
};
use crate::model::subnets::{HostnameType, NewSubnet, SubnetAttributes, ZoneChoice};
use crate::model::tags::{Tag, Tags};
use crate::model::vpcs::{FixedVpc, NewVpc, VpcIpv6Block};
use crate::model::World;

/// The format version this server writes and reads; a file may leave it out.
pub const FORMAT_VERSION: u32 = 1;

// ---------------------------------------------------------------------------------------------
// The format
// ---------------------------------------------------------------------------------------------

/// Every world of a server (or of a file), by account and region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Snapshot {
    #[serde(default = "format_version")]
    pub version: u32,
    /// Account ID (12 digits) → its regions.
    #[serde(default)]
    pub accounts: OrderedMap<AccountSnapshot>,
}

impl Default for Snapshot {
    fn default() -> Self {
        Snapshot {
            version: FORMAT_VERSION,
            accounts: OrderedMap::default(),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AccountSnapshot {
    /// Region name → the account's world there.
    #[serde(default)]
    pub regions: OrderedMap<WorldSnapshot>,
}

/// One (account, region)'s resources.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WorldSnapshot {
    /// `true` (the default): the world first gets the default VPC, default subnets and
    /// default group of a new account, and the file's resources are added to them. `false`:
    /// the file describes everything, the default VPC included if there is to be one.
    #[serde(default = "yes")]
    pub default_vpc: bool,
    /// The DHCP options set every VPC names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dhcp_options_id: Option<String>,
    #[serde(default)]
    pub vpcs: Vec<VpcEntry>,
    #[serde(default)]
    pub subnets: Vec<SubnetEntry>,
    #[serde(default)]
    pub security_groups: Vec<SecurityGroupEntry>,
    #[serde(default)]
    pub network_interfaces: Vec<NetworkInterfaceEntry>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub interface_permissions: Vec<InterfacePermissionEntry>,
}

impl Default for WorldSnapshot {
    fn default() -> Self {
        WorldSnapshot {
            default_vpc: true,
            dhcp_options_id: None,
            vpcs: Vec::new(),
            subnets: Vec::new(),
            security_groups: Vec::new(),
            network_interfaces: Vec::new(),
            interface_permissions: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VpcEntry {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The IPv4 block, /16 to /28.
    pub cidr_block: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cidr_block_association_id: Option<String>,
    /// An IPv6 /56, or null for none.
    #[serde(default)]
    pub ipv6_cidr_block: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipv6_cidr_block_association_id: Option<String>,
    /// `default` or `dedicated`.
    #[serde(default = "default_tenancy")]
    pub instance_tenancy: String,
    /// The region's default VPC (only with `"defaultVpc": false`, which creates none).
    #[serde(default, skip_serializing_if = "is_false")]
    pub is_default: bool,
    #[serde(default, skip_serializing_if = "OrderedMap::is_empty")]
    pub tags: OrderedMap<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SubnetEntry {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub vpc_id: String,
    /// The IPv4 block, /16 to /28, inside the VPC's and overlapping no other subnet's.
    pub cidr_block: String,
    /// An IPv6 /64 inside the VPC's /56, or null for none.
    #[serde(default)]
    pub ipv6_cidr_block: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipv6_cidr_block_association_id: Option<String>,
    /// A zone name of the region (`ap-southeast-1b`); left out, the world picks one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability_zone: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub default_for_az: bool,
    /// Left out: the same as `defaultForAz`, as EC2 sets it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub map_public_ip_on_launch: Option<bool>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub assign_ipv6_address_on_creation: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub map_customer_owned_ip_on_launch: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub enable_dns64: bool,
    /// `ip-name` (the default) or `resource-name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hostname_type: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub enable_resource_name_dns_a_record: bool,
    #[serde(
        default,
        skip_serializing_if = "is_false",
        rename = "enableResourceNameDnsAAAARecord"
    )]
    pub enable_resource_name_dns_aaaa_record: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_lni_at_device_index: Option<i64>,
    #[serde(default, skip_serializing_if = "OrderedMap::is_empty")]
    pub tags: OrderedMap<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SecurityGroupEntry {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `default` names the VPC's own group (every VPC has exactly one): the entry gives it
    /// its ID, description, rules and tags instead of adding a group.
    pub group_name: String,
    /// Required, except for a `default` group ("default VPC security group").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Left out: the default VPC, as CreateSecurityGroup without VpcId.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
    /// Left out: the rules EC2 gives a new group (none in; for `default`, all traffic from
    /// the group itself). Given, even `[]`: exactly these.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ingress: Option<Vec<RuleEntry>>,
    /// Left out: EC2's all-traffic rule to 0.0.0.0/0 (and ::/0 in a VPC with IPv6).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub egress: Option<Vec<RuleEntry>>,
    #[serde(default, skip_serializing_if = "OrderedMap::is_empty")]
    pub tags: OrderedMap<String>,
}

/// One `sgr-` rule: a protocol, ports, and exactly one peer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RuleEntry {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `-1` (all), `tcp`, `udp`, `icmp`, `icmpv6` or a protocol number.
    pub ip_protocol: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_port: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_port: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cidr_ipv4: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cidr_ipv6: Option<String>,
    /// A group of the same VPC (the group itself included).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referenced_group_id: Option<String>,
    /// Prefix lists are not modelled: only ever written, never accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix_list_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "OrderedMap::is_empty")]
    pub tags: OrderedMap<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NetworkInterfaceEntry {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub subnet_id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Group IDs of the subnet's VPC; left out, the VPC's `default` group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<String>>,
    /// `interface` (the default), `efa`, `efa-only` or `trunk`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interface_type: Option<String>,
    /// Left out, the world draws one (`02:…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mac_address: Option<String>,
    /// The primary (flagged, else the first listed) and secondary addresses; left out, the
    /// world picks a primary, after every interface that names its addresses has them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub private_ip_addresses: Vec<PrivateIpEntry>,
    /// Delegated /28s.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ipv4_prefixes: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ipv6_addresses: Vec<Ipv6AddressEntry>,
    /// Delegated /80s.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ipv6_prefixes: Vec<String>,
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub source_dest_check: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection_tracking: Option<ConnectionTrackingEntry>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator_principal: Option<String>,
    /// The CreateNetworkInterface client token that made it, so that a retry after a restart
    /// still returns this interface.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_token: Option<ClientTokenEntry>,
    #[serde(default, skip_serializing_if = "OrderedMap::is_empty")]
    pub tags: OrderedMap<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PrivateIpEntry {
    pub private_ip_address: String,
    #[serde(default, skip_serializing_if = "is_false")]
    pub primary: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Ipv6AddressEntry {
    pub ipv6_address: String,
    #[serde(default, skip_serializing_if = "is_false")]
    pub is_primary_ipv6: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConnectionTrackingEntry {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tcp_established_timeout: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub udp_stream_timeout: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub udp_timeout: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClientTokenEntry {
    pub token: String,
    /// The canonical parameters of the request the token came with; a retry with other
    /// parameters is `IdempotentParameterMismatch`.
    #[serde(default)]
    pub request_fingerprint: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InterfacePermissionEntry {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub network_interface_id: String,
    /// Exactly one of `awsAccountId` and `awsService`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aws_account_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aws_service: Option<String>,
    /// `INSTANCE-ATTACH` or `EIP-ASSOCIATE`.
    pub permission: String,
}

/// Resource counts of one world, as the admin `summary` endpoint lists them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WorldSummary {
    pub account: String,
    pub region: String,
    pub vpcs: usize,
    pub subnets: usize,
    pub security_groups: usize,
    pub security_group_rules: usize,
    pub network_interfaces: usize,
    pub interface_permissions: usize,
    pub private_ip_addresses: usize,
    pub ipv6_addresses: usize,
}

fn format_version() -> u32 {
    FORMAT_VERSION
}

fn yes() -> bool {
    true
}

fn default_tenancy() -> String {
    "default".into()
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn is_true(b: &bool) -> bool {
    *b
}

/// A JSON object read and written in document order, with duplicate keys refused: tags keep
/// the order EC2 shows them in, and `{"Name": "a", "Name": "b"}` is a mistake, not a choice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderedMap<V>(pub Vec<(String, V)>);

impl<V> Default for OrderedMap<V> {
    fn default() -> Self {
        OrderedMap(Vec::new())
    }
}

impl<V> OrderedMap<V> {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn get(&self, key: &str) -> Option<&V> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
}

impl<V: Serialize> Serialize for OrderedMap<V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for OrderedMap<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(OrderedMapVisitor(PhantomData))
    }
}

struct OrderedMapVisitor<V>(PhantomData<V>);

impl<'de, V: Deserialize<'de>> Visitor<'de> for OrderedMapVisitor<V> {
    type Value = OrderedMap<V>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
        let mut seen = HashSet::new();
        let mut entries = Vec::new();
        while let Some((key, value)) = access.next_entry::<String, V>()? {
            if !seen.insert(key.clone()) {
                return Err(A::Error::custom(format!("duplicate key `{key}`")));
            }
            entries.push((key, value));
        }
        Ok(OrderedMap(entries))
    }
}

// ---------------------------------------------------------------------------------------------
// Reading and checking
// ---------------------------------------------------------------------------------------------

/// Why a state could not be loaded: the entry at fault and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    /// `accounts[…].regions[…].subnets[2] (subnet-b2a249da)`; empty for a file that is not
    /// JSON of this format at all (the message then has the line and column).
    pub entry: String,
    pub message: String,
}

impl LoadError {
    fn new(entry: impl Into<String>, message: impl Into<String>) -> Self {
        LoadError {
            entry: entry.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.entry.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.entry, self.message)
        }
    }
}

impl std::error::Error for LoadError {}

impl Snapshot {
    /// Parses the JSON format; the worlds are checked by [`Snapshot::check`].
    pub fn from_json(text: &str) -> Result<Snapshot, LoadError> {
        let snapshot: Snapshot =
            serde_json::from_str(text).map_err(|e| LoadError::new("", e.to_string()))?;
        if snapshot.version != FORMAT_VERSION {
            return Err(LoadError::new(
                "version",
                format!(
                    "format version {} is not supported (this server reads {FORMAT_VERSION})",
                    snapshot.version
                ),
            ));
        }
        Ok(snapshot)
    }

    /// Reads and parses a file.
    pub fn read_file(path: &Path) -> Result<Snapshot, LoadError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| LoadError::new("", format!("cannot read {}: {e}", path.display())))?;
        Snapshot::from_json(&text)
    }

    /// Pretty JSON, as the admin endpoint answers it.
    pub fn to_json_pretty(&self) -> Vec<u8> {
        // Serialising these types cannot fail: every map key is a string.
        serde_json::to_vec_pretty(self).unwrap_or_default()
    }

    /// Compact JSON, as persistence writes it.
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// Every world the snapshot lists, with its account ID and region checked.
    pub fn worlds(&self) -> Result<Vec<(&str, &'static Region, &WorldSnapshot)>, LoadError> {
        let mut out = Vec::new();
        for (account, entry) in &self.accounts.0 {
            if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
                return Err(LoadError::new(
                    format!("accounts[{account}]"),
                    "an account ID is 12 digits",
                ));
            }
            for (region, world) in &entry.regions.0 {
                let Some(r) = regions::region(region) else {
                    return Err(LoadError::new(
                        format!("accounts[{account}].regions[{region}]"),
                        "unknown region (see DescribeRegions for the list)",
                    ));
                };
                out.push((account.as_str(), r, world));
            }
        }
        Ok(out)
    }

    /// Checks every world by building it, so that a server given this snapshot can start
    /// from it. Validity does not depend on the seed: everything a file names is placed
    /// before anything is drawn at random.
    pub fn check(self) -> Result<CheckedSnapshot, LoadError> {
        for (account, region, world) in self.worlds()? {
            World::import(account, region, world, 0)?;
        }
        Ok(CheckedSnapshot(Arc::new(self)))
    }
}

/// A snapshot whose every world is known to load: what a server may be configured with.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedSnapshot(Arc<Snapshot>);

impl CheckedSnapshot {
    pub fn snapshot(&self) -> &Snapshot {
        &self.0
    }
}

// ---------------------------------------------------------------------------------------------
// Export
// ---------------------------------------------------------------------------------------------

fn tag_map(tags: &Tags) -> OrderedMap<String> {
    OrderedMap(
        tags.iter()
            .map(|t| (t.key.clone(), t.value.clone()))
            .collect(),
    )
}

fn rule_entry(rule: &security_groups::Rule) -> RuleEntry {
    let mut entry = RuleEntry {
        id: Some(rule.id.clone()),
        ip_protocol: rule.protocol.clone(),
        from_port: rule.from_port.map(i64::from),
        to_port: rule.to_port.map(i64::from),
        cidr_ipv4: None,
        cidr_ipv6: None,
        referenced_group_id: None,
        prefix_list_id: None,
        description: rule.description.clone(),
        tags: tag_map(&rule.tags),
    };
    match &rule.peer {
        Peer::Ipv4(net) => entry.cidr_ipv4 = Some(net.to_string()),
        Peer::Ipv6(net) => entry.cidr_ipv6 = Some(net.to_string()),
        Peer::Group { group_id, .. } => entry.referenced_group_id = Some(group_id.clone()),
        Peer::PrefixList(id) => entry.prefix_list_id = Some(id.clone()),
    }
    entry
}

impl World {
    /// Everything in this world, with every ID, in the format [`World::import`] reads:
    /// importing the result gives a world whose Describe replies are identical.
    pub fn export(&self) -> WorldSnapshot {
        let vpcs = self
            .vpcs
            .values()
            .map(|v| VpcEntry {
                id: Some(v.id.clone()),
                cidr_block: v.cidr.to_string(),
                cidr_block_association_id: Some(v.cidr_association_id.clone()),
                ipv6_cidr_block: v.ipv6.as_ref().map(|b| b.cidr.to_string()),
                ipv6_cidr_block_association_id: v.ipv6.as_ref().map(|b| b.association_id.clone()),
                instance_tenancy: v.instance_tenancy.clone(),
                is_default: v.is_default,
                tags: tag_map(&v.tags),
            })
            .collect();
        let subnets = self
            .subnets
            .values()
            .map(|s| SubnetEntry {
                id: Some(s.id.clone()),
                vpc_id: s.vpc_id.clone(),
                cidr_block: s.cidr().to_string(),
                ipv6_cidr_block: s.ipv6_cidr().map(|c| c.to_string()),
                ipv6_cidr_block_association_id: s.ipv6.as_ref().map(|b| b.association_id.clone()),
                availability_zone: Some(s.zone.name.to_owned()),
                default_for_az: s.default_for_az,
                // Left out where it is what the field's absence means, to keep files short.
                map_public_ip_on_launch: (s.map_public_ip_on_launch != s.default_for_az)
                    .then_some(s.map_public_ip_on_launch),
                assign_ipv6_address_on_creation: s.assign_ipv6_address_on_creation,
                map_customer_owned_ip_on_launch: s.map_customer_owned_ip_on_launch,
                enable_dns64: s.enable_dns64,
                hostname_type: (s.hostname_type != HostnameType::IpName)
                    .then(|| s.hostname_type.as_str().to_owned()),
                enable_resource_name_dns_a_record: s.enable_resource_name_dns_a_record,
                enable_resource_name_dns_aaaa_record: s.enable_resource_name_dns_aaaa_record,
                enable_lni_at_device_index: s.enable_lni_at_device_index,
                tags: tag_map(&s.tags),
            })
            .collect();
        let security_groups = self
            .security_groups
            .values()
            .map(|g| SecurityGroupEntry {
                id: Some(g.id.clone()),
                group_name: g.name.clone(),
                description: Some(g.description.clone()),
                vpc_id: Some(g.vpc_id.clone()),
                ingress: Some(g.ingress.iter().map(rule_entry).collect()),
                egress: Some(g.egress.iter().map(rule_entry).collect()),
                tags: tag_map(&g.tags),
            })
            .collect();
        let network_interfaces = self
            .network_interfaces
            .values()
            .map(|e| NetworkInterfaceEntry {
                id: Some(e.id.clone()),
                subnet_id: e.subnet_id.clone(),
                description: e.description.clone(),
                groups: Some(e.groups.iter().map(|g| g.id.clone()).collect()),
                interface_type: Some(e.interface_type.as_str().to_owned()),
                mac_address: Some(e.mac_address.clone()),
                private_ip_addresses: e
                    .private_ips
                    .iter()
                    .map(|p| PrivateIpEntry {
                        private_ip_address: p.address.to_string(),
                        primary: p.primary,
                    })
                    .collect(),
                ipv4_prefixes: e.ipv4_prefixes.iter().map(|p| p.to_string()).collect(),
                ipv6_addresses: e
                    .ipv6_addresses
                    .iter()
                    .map(|a| Ipv6AddressEntry {
                        ipv6_address: a.address.to_string(),
                        is_primary_ipv6: a.is_primary,
                    })
                    .collect(),
                ipv6_prefixes: e.ipv6_prefixes.iter().map(|p| p.to_string()).collect(),
                source_dest_check: e.source_dest_check,
                connection_tracking: e.connection_tracking.map(|c| ConnectionTrackingEntry {
                    tcp_established_timeout: c.tcp_established_timeout,
                    udp_stream_timeout: c.udp_stream_timeout,
                    udp_timeout: c.udp_timeout,
                }),
                operator_principal: e.operator_principal.clone(),
                client_token: e.client_token.as_ref().map(|token| ClientTokenEntry {
                    token: token.clone(),
                    request_fingerprint: self
                        .client_tokens
                        .get(token)
                        .map(|r| r.fingerprint.clone())
                        .unwrap_or_default(),
                }),
                tags: tag_map(&e.tags),
            })
            .collect();
        let interface_permissions = self
            .interface_permissions
            .values()
            .map(|p| InterfacePermissionEntry {
                id: Some(p.id.clone()),
                network_interface_id: p.network_interface_id.clone(),
                aws_account_id: p.aws_account_id().map(str::to_owned),
                aws_service: p.aws_service().map(str::to_owned),
                permission: p.permission.as_str().to_owned(),
            })
            .collect();
        WorldSnapshot {
            // Everything is listed, the default VPC included.
            default_vpc: false,
            dhcp_options_id: Some(self.dhcp_options_id.clone()),
            vpcs,
            subnets,
            security_groups,
            network_interfaces,
            interface_permissions,
        }
    }

    /// Resource counts, for the admin summary.
    pub fn summary(&self) -> WorldSummary {
        WorldSummary {
            account: self.account_id.clone(),
            region: self.region.name.to_owned(),
            vpcs: self.vpcs.len(),
            subnets: self.subnets.len(),
            security_groups: self.security_groups.len(),
            security_group_rules: self
                .security_groups
                .values()
                .map(|g| g.ingress.len() + g.egress.len())
                .sum(),
            network_interfaces: self.network_interfaces.len(),
            interface_permissions: self.interface_permissions.len(),
            private_ip_addresses: self
                .network_interfaces
                .values()
                .map(|e| e.private_ips.len())
                .sum(),
            ipv6_addresses: self
                .network_interfaces
                .values()
                .map(|e| e.ipv6_addresses.len())
                .sum(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Import
// ---------------------------------------------------------------------------------------------

impl World {
    /// Builds the world a snapshot describes, checking it as the API would check the requests
    /// that make it. `seed` is the world's seed (see the module docs for how it is mixed).
    pub fn import(
        account_id: &str,
        region: &'static Region,
        snapshot: &WorldSnapshot,
        seed: u64,
    ) -> Result<World, LoadError> {
        let seed = seed ^ digest(&serde_json::to_vec(snapshot).unwrap_or_default());
        let mut world = if snapshot.default_vpc {
            World::new(account_id, region, seed)
        } else {
            World::without_defaults(account_id, region, seed)
        };
        let mut import = Import {
            world: &mut world,
            path: format!("accounts[{account_id}].regions[{}]", region.name),
        };
        import.dhcp_options(snapshot.dhcp_options_id.as_deref())?;
        for (i, vpc) in snapshot.vpcs.iter().enumerate() {
            import.vpc(i, vpc)?;
        }
        for (i, subnet) in snapshot.subnets.iter().enumerate() {
            import.subnet(i, subnet)?;
        }
        // Groups first, rules second: a rule may name any group of its VPC, listed later too.
        let mut group_ids = Vec::with_capacity(snapshot.security_groups.len());
        let mut default_groups = HashMap::new();
        for (i, group) in snapshot.security_groups.iter().enumerate() {
            group_ids.push(import.group(i, group, &mut default_groups)?);
        }
        for ((i, group), id) in snapshot.security_groups.iter().enumerate().zip(&group_ids) {
            import.rules(i, group, id)?;
        }
        // Interfaces that name their addresses first, those that leave the primary to the
        // world after: a drawn address then never takes one that a later entry names, so
        // whether a file loads does not depend on the seed.
        let (named, drawn): (Vec<_>, Vec<_>) = snapshot
            .network_interfaces
            .iter()
            .enumerate()
            .partition(|(_, e)| {
                !e.private_ip_addresses.is_empty()
                    || e.interface_type.as_deref() == Some(InterfaceType::EfaOnly.as_str())
            });
        for (i, eni) in named.into_iter().chain(drawn) {
            import.interface(i, eni)?;
        }
        for (i, perm) in snapshot.interface_permissions.iter().enumerate() {
            import.permission(i, perm)?;
        }
        Ok(world)
    }
}

/// A world being built, and the path of its entries for error messages.
struct Import<'a> {
    world: &'a mut World,
    path: String,
}

impl Import<'_> {
    fn entry(&self, list: &str, i: usize, id: Option<&str>) -> String {
        match id {
            Some(id) => format!("{}.{list}[{i}] ({id})", self.path),
            None => format!("{}.{list}[{i}]", self.path),
        }
    }

    /// The model's refusal in words that make sense for a file, naming what it collides with.
    fn explain(&self, e: &Ec2Error) -> String {
        match e {
            Ec2Error::InvalidIpAddressInUse(what) => match self.holder_of(what) {
                Some(holder) => format!("{what} is already in use by {holder}"),
                None => format!("{what} is already in use"),
            },
            // The generic code adds nothing to the message; the specific ones name the rule.
            Ec2Error::InvalidParameterValue(message) => message.clone(),
            other => format!("{other} ({})", other.code()),
        }
    }

    /// The interface holding an address or overlapping a prefix, for "already in use".
    fn holder_of(&self, what: &str) -> Option<String> {
        let v4: Option<Ipv4Net> = what
            .parse::<Ipv4Net>()
            .ok()
            .or_else(|| what.parse::<Ipv4Addr>().ok().map(Ipv4Net::from));
        let v6: Option<Ipv6Net> = what
            .parse::<Ipv6Net>()
            .ok()
            .or_else(|| what.parse::<Ipv6Addr>().ok().map(Ipv6Net::from));
        let overlaps4 = |n: &Ipv4Net| v4.is_some_and(|w| w.contains(n) || n.contains(&w));
        let overlaps6 = |n: &Ipv6Net| v6.is_some_and(|w| w.contains(n) || n.contains(&w));
        self.world
            .network_interfaces
            .values()
            .find(|e| {
                e.private_ips
                    .iter()
                    .any(|p| overlaps4(&Ipv4Net::from(p.address)))
                    || e.ipv4_prefixes.iter().any(overlaps4)
                    || e.ipv6_addresses
                        .iter()
                        .any(|a| overlaps6(&Ipv6Net::from(a.address)))
                    || e.ipv6_prefixes.iter().any(overlaps6)
            })
            .map(|e| e.id.clone())
    }

    fn tags(&self, entry: &str, tags: &OrderedMap<String>) -> Result<Vec<Tag>, LoadError> {
        let tags: Vec<Tag> = tags
            .0
            .iter()
            .map(|(k, v)| Tag {
                key: k.clone(),
                value: v.clone(),
            })
            .collect();
        // The same limits as TagSpecification.
        Tags::default()
            .set_all(&tags)
            .map_err(|e| LoadError::new(entry, format!("tags: {}", self.explain(&e))))?;
        Ok(tags)
    }

    fn dhcp_options(&mut self, id: Option<&str>) -> Result<(), LoadError> {
        let Some(id) = id else { return Ok(()) };
        if !is_well_formed(id, "dopt") {
            return Err(LoadError::new(
                format!("{}.dhcpOptionsId", self.path),
                format!(
                    "'{id}' is not a valid ID: expected dopt- and 8 or 17 lowercase hex digits"
                ),
            ));
        }
        self.world.dhcp_options_id = id.to_owned();
        // The default VPC, if the world made one, names the set too.
        for vpc in self.world.vpcs.values_mut() {
            vpc.dhcp_options_id = id.to_owned();
        }
        Ok(())
    }

    fn vpc(&mut self, i: usize, e: &VpcEntry) -> Result<(), LoadError> {
        let entry = self.entry("vpcs", i, e.id.as_deref());
        let fail = |message: String| LoadError::new(entry.clone(), message);
        let cidr = parse_v4_block(&e.cidr_block).map_err(&fail)?;
        if e.instance_tenancy != "default" && e.instance_tenancy != "dedicated" {
            return Err(fail(format!(
                "instanceTenancy '{}' is not one of default, dedicated",
                e.instance_tenancy
            )));
        }
        let ipv6 = match &e.ipv6_cidr_block {
            None => {
                if e.ipv6_cidr_block_association_id.is_some() {
                    return Err(fail(
                        "ipv6CidrBlockAssociationId is given without an ipv6CidrBlock".into(),
                    ));
                }
                None
            }
            Some(block) => {
                let cidr = parse_v6_block(block).map_err(&fail)?;
                let association_id = self
                    .association_id(
                        e.ipv6_cidr_block_association_id.as_deref(),
                        "vpc-cidr-assoc",
                    )
                    .map_err(&fail)?;
                Some(VpcIpv6Block {
                    association_id,
                    cidr,
                    network_border_group: self.world.region.name.to_owned(),
                })
            }
        };
        let tags = self.tags(&entry, &e.tags)?;
        let id = self
            .world
            .create_vpc_fixed(
                NewVpc {
                    cidr,
                    amazon_provided_ipv6: false,
                    instance_tenancy: e.instance_tenancy.clone(),
                    tags,
                },
                FixedVpc {
                    id: e.id.clone(),
                    ipv6,
                    is_default: e.is_default,
                },
            )
            .map_err(|err| match err {
                Ec2Error::VpcRange(c) => fail(format!(
                    "CIDR {c} is invalid: a VPC's block is a /16 to a /28"
                )),
                other => fail(self.explain(&other)),
            })?;
        if let Some(assoc) = &e.cidr_block_association_id {
            let assoc = self
                .association_id(Some(assoc), "vpc-cidr-assoc")
                .map_err(&fail)?;
            if let Some(vpc) = self.world.vpcs.get_mut(&id) {
                vpc.cidr_association_id = assoc;
            }
        }
        Ok(())
    }

    /// A fixed association ID (shape checked) or a drawn one.
    fn association_id(&mut self, given: Option<&str>, prefix: &str) -> Result<String, String> {
        match given {
            Some(id) if is_well_formed(id, prefix) => Ok(id.to_owned()),
            Some(id) => Err(format!(
                "'{id}' is not a valid association ID: expected {prefix}- and 8 or 17 lowercase hex digits"
            )),
            None => Ok(new_id(&mut self.world.rng, prefix)),
        }
    }

    fn subnet(&mut self, i: usize, e: &SubnetEntry) -> Result<(), LoadError> {
        let entry = self.entry("subnets", i, e.id.as_deref());
        let fail = |message: String| LoadError::new(entry.clone(), message);
        // The same strict parsers as VPC blocks: a file that says 10.0.0.5/24 is refused,
        // not silently read as 10.0.0.0/24.
        let cidr: Ipv4Net = parse_v4_block(&e.cidr_block).map_err(&fail)?;
        let ipv6_cidr = e
            .ipv6_cidr_block
            .as_deref()
            .map(|b| parse_v6_block(b).map_err(&fail))
            .transpose()?;
        if e.ipv6_cidr_block.is_none() && e.ipv6_cidr_block_association_id.is_some() {
            return Err(fail(
                "ipv6CidrBlockAssociationId is given without an ipv6CidrBlock".into(),
            ));
        }
        let hostname_type = match e.hostname_type.as_deref() {
            None | Some("ip-name") => HostnameType::IpName,
            Some("resource-name") => HostnameType::ResourceName,
            Some(other) => {
                return Err(fail(format!(
                    "hostnameType '{other}' is not one of ip-name, resource-name"
                )))
            }
        };
        let zone = match &e.availability_zone {
            Some(name) => ZoneChoice::Name(name.clone()),
            None => ZoneChoice::Any,
        };
        let tags = self.tags(&entry, &e.tags)?;
        let request = NewSubnet {
            vpc_id: e.vpc_id.clone(),
            cidr,
            ipv6_cidr,
            zone,
            tags,
        };
        let id = self
            .world
            .create_subnet_with_id(request, e.id.clone(), false)
            .map_err(|err| fail(self.explain_subnet(&e.vpc_id, &err)))?;
        if let (Some(assoc), Some(_)) = (&e.ipv6_cidr_block_association_id, &ipv6_cidr) {
            let assoc = self
                .association_id(Some(assoc), "subnet-cidr-assoc")
                .map_err(&fail)?;
            if let Some(block) = self
                .world
                .subnets
                .get_mut(&id)
                .and_then(|s| s.ipv6.as_mut())
            {
                block.association_id = assoc;
            }
        }
        // ModifySubnetAttribute's own checks (the IPv6 attributes need an IPv6 block).
        let attributes = SubnetAttributes {
            assign_ipv6_address_on_creation: Some(e.assign_ipv6_address_on_creation),
            map_public_ip_on_launch: Some(e.map_public_ip_on_launch.unwrap_or(e.default_for_az)),
            map_customer_owned_ip_on_launch: Some(e.map_customer_owned_ip_on_launch),
            enable_dns64: Some(e.enable_dns64),
            hostname_type: Some(hostname_type),
            enable_resource_name_dns_a_record: Some(e.enable_resource_name_dns_a_record),
            enable_resource_name_dns_aaaa_record: Some(e.enable_resource_name_dns_aaaa_record),
            enable_lni_at_device_index: e.enable_lni_at_device_index,
            disable_lni_at_device_index: None,
        };
        self.world
            .modify_subnet_attribute(&id, attributes, false)
            .map_err(|err| fail(self.explain(&err)))?;
        if e.default_for_az {
            self.mark_default_for_az(&id).map_err(&fail)?;
        }
        Ok(())
    }

    /// A default subnet lies in the default VPC, one per zone.
    fn mark_default_for_az(&mut self, id: &str) -> Result<(), String> {
        let Some(subnet) = self.world.subnets.get(id) else {
            return Err(format!("the subnet {id} vanished"));
        };
        let in_default_vpc = self
            .world
            .vpcs
            .get(&subnet.vpc_id)
            .is_some_and(|v| v.is_default);
        if !in_default_vpc {
            return Err(format!(
                "defaultForAz is only for subnets of the default VPC, and {} is not it",
                subnet.vpc_id
            ));
        }
        let zone = subnet.zone.name;
        if let Some(other) = self
            .world
            .subnets
            .values()
            .find(|s| s.id != id && s.default_for_az && s.zone.name == zone)
        {
            return Err(format!(
                "{zone} has one default subnet, and {} already is",
                other.id
            ));
        }
        if let Some(subnet) = self.world.subnets.get_mut(id) {
            subnet.default_for_az = true;
        }
        Ok(())
    }

    fn explain_subnet(&self, vpc_id: &str, err: &Ec2Error) -> String {
        let vpc = self.world.vpcs.get(vpc_id);
        match err {
            Ec2Error::SubnetConflict(c) => {
                let siblings = || self.world.subnets.values().filter(|s| s.vpc_id == vpc_id);
                if let Ok(c4) = c.parse::<Ipv4Net>() {
                    if let Some(s) = siblings()
                        .find(|s| s.cidr().contains(&c4) || c4.contains(&s.cidr()))
                    {
                        return format!("CIDR {c} overlaps {} ({})", s.id, s.cidr());
                    }
                }
                if let Some(s) = siblings().find(|s| s.ipv6_cidr().map(|n| n.to_string()).as_deref() == Some(c.as_str()))
                {
                    return format!("IPv6 CIDR {c} is already the block of {}", s.id);
                }
                self.explain(err)
            }
            Ec2Error::SubnetRange(c) => match vpc {
                Some(v) if c.contains(':') => format!(
                    "IPv6 CIDR {c} is invalid: a subnet's IPv6 block is an aligned /64 inside its VPC's ({})",
                    v.ipv6
                        .as_ref()
                        .map_or_else(|| "none".to_owned(), |b| b.cidr.to_string())
                ),
                Some(v) => format!(
                    "CIDR {c} is invalid: a subnet's block is an aligned /16 to /28 inside its VPC's ({})",
                    v.cidr
                ),
                None => self.explain(err),
            },
            other => self.explain(other),
        }
    }

    /// Adds (or, for `default`, rebuilds) a group without its rules; returns its ID.
    fn group(
        &mut self,
        i: usize,
        e: &SecurityGroupEntry,
        default_groups: &mut HashMap<String, usize>,
    ) -> Result<String, LoadError> {
        let entry = self.entry("securityGroups", i, e.id.as_deref());
        let fail = |message: String| LoadError::new(entry.clone(), message);
        let tags = self.tags(&entry, &e.tags)?;
        if e.group_name != DEFAULT_GROUP_NAME {
            let description = e
                .description
                .clone()
                .filter(|d| !d.is_empty())
                .ok_or_else(|| fail("a security group needs a description".into()))?;
            check_group_text("GroupName", &e.group_name).map_err(|err| fail(err.to_string()))?;
            if e.group_name.starts_with("sg-") {
                return Err(fail("group names may not be in the format sg-*".into()));
            }
            check_group_text("GroupDescription", &description)
                .map_err(|err| fail(err.to_string()))?;
            let request = NewSecurityGroup {
                name: e.group_name.clone(),
                description,
                vpc_id: e.vpc_id.clone(),
                tags,
            };
            return self
                .world
                .create_security_group_with_id(request, e.id.clone(), false)
                .map_err(|err| fail(self.explain(&err)));
        }

        // Every VPC got its `default` group when it was made; this entry describes it.
        let vpc_id = match &e.vpc_id {
            Some(id) => id.clone(),
            None => match self.world.default_vpc() {
                Some(v) => v.id.clone(),
                None => {
                    return Err(fail(
                        "no vpcId, and the world has no default VPC for the group to be in".into(),
                    ))
                }
            },
        };
        let has_ipv6 = match self.world.vpc(&vpc_id) {
            Ok(v) => v.ipv6.is_some(),
            Err(err) => return Err(fail(self.explain(&err))),
        };
        if let Some(j) = default_groups.insert(vpc_id.clone(), i) {
            return Err(fail(format!(
                "{vpc_id} has one default group, and securityGroups[{j}] already describes it"
            )));
        }
        let Some(old_id) = self
            .world
            .security_groups
            .values()
            .find(|g| g.vpc_id == vpc_id && g.name == DEFAULT_GROUP_NAME)
            .map(|g| g.id.clone())
        else {
            return Err(fail(format!("{vpc_id} has no default group")));
        };
        let id = e.id.clone().unwrap_or_else(|| old_id.clone());
        if id != old_id {
            check_fixed_id(&id, "sg", self.world.security_groups.contains_key(&id))
                .map_err(|err| fail(err.to_string()))?;
        }
        let description = e
            .description
            .clone()
            .unwrap_or_else(|| "default VPC security group".into());
        check_group_text("GroupDescription", &description).map_err(|err| fail(err.to_string()))?;
        let mut group_tags = Tags::default();
        group_tags
            .set_all(&tags)
            .map_err(|err| fail(self.explain(&err)))?;
        self.world.security_groups.remove(&old_id);
        let account = self.world.account_id.clone();
        let mut group = SecurityGroup::new_default(
            id.clone(),
            &vpc_id,
            &account,
            has_ipv6,
            &mut self.world.rng,
        );
        group.description = description;
        group.tags = group_tags;
        self.world.security_groups.insert(id.clone(), group);
        Ok(id)
    }

    /// Replaces a group's rules with the entry's, through AuthorizeSecurityGroup*'s checks.
    fn rules(&mut self, i: usize, e: &SecurityGroupEntry, group_id: &str) -> Result<(), LoadError> {
        for (egress, rules) in [(false, &e.ingress), (true, &e.egress)] {
            let Some(rules) = rules else { continue };
            if let Some(group) = self.world.security_groups.get_mut(group_id) {
                if egress {
                    group.egress.clear();
                } else {
                    group.ingress.clear();
                }
            }
            let list = if egress { "egress" } else { "ingress" };
            for (j, rule) in rules.iter().enumerate() {
                let entry = format!(
                    "{}.{list}[{j}]",
                    self.entry("securityGroups", i, Some(group_id))
                );
                self.rule(&entry, group_id, egress, rule)?;
            }
        }
        Ok(())
    }

    fn rule(
        &mut self,
        entry: &str,
        group_id: &str,
        egress: bool,
        e: &RuleEntry,
    ) -> Result<(), LoadError> {
        let fail = |message: String| LoadError::new(entry, message);
        let protocol =
            normalize_protocol(Some(&e.ip_protocol)).map_err(|err| fail(err.to_string()))?;
        let (from_port, to_port) = normalize_ports(&protocol, e.from_port, e.to_port)
            .map_err(|err| fail(err.to_string()))?;
        let peers = [
            e.cidr_ipv4.is_some(),
            e.cidr_ipv6.is_some(),
            e.referenced_group_id.is_some(),
            e.prefix_list_id.is_some(),
        ];
        if peers.iter().filter(|p| **p).count() != 1 {
            return Err(fail(
                "a rule has exactly one of cidrIpv4, cidrIpv6, referencedGroupId".into(),
            ));
        }
        let peer = if let Some(c) = &e.cidr_ipv4 {
            PeerSpec::Ipv4(parse_v4_block(c).map_err(&fail)?)
        } else if let Some(c) = &e.cidr_ipv6 {
            PeerSpec::Ipv6(parse_v6_block(c).map_err(&fail)?)
        } else if let Some(g) = &e.referenced_group_id {
            PeerSpec::Group {
                group_id: Some(g.clone()),
                group_name: None,
                user_id: None,
                vpc_id: None,
            }
        } else {
            return Err(fail(
                "prefix lists are not modelled: a rule cannot reference one".into(),
            ));
        };
        if let Some(d) = &e.description {
            check_rule_description(d).map_err(|err| fail(err.to_string()))?;
        }
        let tags = self.tags(entry, &e.tags)?;
        let spec = RuleSpec {
            protocol,
            from_port,
            to_port,
            peer,
            // The API drops an empty description; a file must not make a state it cannot.
            description: e.description.clone().filter(|d| !d.is_empty()),
        };
        let group = security_groups::GroupRef::Id(group_id.to_owned());
        let added = self
            .world
            .authorize_security_group_rules(&group, egress, &[spec], &tags, false)
            .map_err(|err| fail(self.explain(&err)))?;
        let (Some(fixed), Some(drawn)) = (&e.id, added.first()) else {
            return Ok(());
        };
        let taken = self
            .world
            .security_groups
            .values()
            .flat_map(|g| g.ingress.iter().chain(&g.egress))
            .any(|r| r.id == *fixed);
        check_fixed_id(fixed, "sgr", taken).map_err(|err| fail(err.to_string()))?;
        if let Some(group) = self.world.security_groups.get_mut(group_id) {
            let rules = if egress {
                &mut group.egress
            } else {
                &mut group.ingress
            };
            if let Some(rule) = rules.iter_mut().find(|r| r.id == drawn.id) {
                rule.id = fixed.clone();
            }
        }
        Ok(())
    }

    fn interface(&mut self, i: usize, e: &NetworkInterfaceEntry) -> Result<(), LoadError> {
        let entry = self.entry("networkInterfaces", i, e.id.as_deref());
        let fail = |message: String| LoadError::new(entry.clone(), message);
        let interface_type = e
            .interface_type
            .as_deref()
            .map(parse_interface_type)
            .transpose()
            .map_err(|err| fail(err.to_string()))?;
        if e.description.chars().count() > 255 {
            return Err(fail("the description is over 255 characters".into()));
        }

        let mut listed = Vec::with_capacity(e.private_ip_addresses.len());
        for p in &e.private_ip_addresses {
            let ip: Ipv4Addr = p
                .private_ip_address
                .parse()
                .map_err(|_| fail(format!("'{}' is not an IPv4 address", p.private_ip_address)))?;
            listed.push((ip, p.primary));
        }
        if listed.iter().filter(|(_, primary)| *primary).count() > 1 {
            return Err(fail("more than one private IP address is primary".into()));
        }
        // The flagged address is the primary, else the first one, as CreateNetworkInterface
        // reads PrivateIpAddresses.
        let primary_index = listed.iter().position(|(_, p)| *p).unwrap_or(0);
        let primary_ip = listed.get(primary_index).map(|(ip, _)| *ip);
        let secondary_ips: Vec<Ipv4Addr> = listed
            .iter()
            .enumerate()
            .filter(|(k, _)| *k != primary_index)
            .map(|(_, (ip, _))| *ip)
            .collect();
        if let Some(dup) = first_duplicate(listed.iter().map(|(ip, _)| *ip)) {
            return Err(fail(format!("{dup} is listed twice")));
        }
        let mut ipv4_prefixes = Vec::with_capacity(e.ipv4_prefixes.len());
        for p in &e.ipv4_prefixes {
            ipv4_prefixes
                .push(parse_prefix::<Ipv4Net>(p, 28).map_err(|err| fail(err.to_string()))?);
        }
        let mut ipv6_addresses = Vec::with_capacity(e.ipv6_addresses.len());
        for a in &e.ipv6_addresses {
            let ip: Ipv6Addr = a
                .ipv6_address
                .parse()
                .map_err(|_| fail(format!("'{}' is not an IPv6 address", a.ipv6_address)))?;
            ipv6_addresses.push((ip, a.is_primary_ipv6));
        }
        if ipv6_addresses.iter().filter(|(_, p)| *p).count() > 1 {
            return Err(fail("more than one IPv6 address is primary".into()));
        }
        if let Some(dup) = first_duplicate(ipv6_addresses.iter().map(|(ip, _)| *ip)) {
            return Err(fail(format!("{dup} is listed twice")));
        }
        let mut ipv6_prefixes = Vec::with_capacity(e.ipv6_prefixes.len());
        for p in &e.ipv6_prefixes {
            ipv6_prefixes
                .push(parse_prefix::<Ipv6Net>(p, 80).map_err(|err| fail(err.to_string()))?);
        }
        let any_address = !listed.is_empty()
            || !ipv4_prefixes.is_empty()
            || !ipv6_addresses.is_empty()
            || !ipv6_prefixes.is_empty();
        if interface_type == Some(InterfaceType::EfaOnly) && any_address {
            return Err(fail("an efa-only interface has no IP addresses".into()));
        }
        let v4_total = listed
            .len()
            .max(usize::from(interface_type != Some(InterfaceType::EfaOnly)))
            + ipv4_prefixes.len();
        if v4_total as u64 > MAX_IPV4_PER_INTERFACE {
            return Err(fail(format!(
                "more than {MAX_IPV4_PER_INTERFACE} IPv4 addresses and prefixes"
            )));
        }
        if (ipv6_addresses.len() + ipv6_prefixes.len()) as u64 > MAX_IPV6_PER_INTERFACE {
            return Err(fail(format!(
                "more than {MAX_IPV6_PER_INTERFACE} IPv6 addresses and prefixes"
            )));
        }
        let connection_tracking = e.connection_tracking.as_ref().map(|c| ConnectionTracking {
            tcp_established_timeout: c.tcp_established_timeout,
            udp_stream_timeout: c.udp_stream_timeout,
            udp_timeout: c.udp_timeout,
        });
        if let Some(ct) = &connection_tracking {
            check_connection_tracking(ct).map_err(|err| fail(err.to_string()))?;
        }
        let tags = self.tags(&entry, &e.tags)?;
        let request = NewNetworkInterface {
            subnet_id: e.subnet_id.clone(),
            description: e.description.clone(),
            group_ids: e.groups.clone().unwrap_or_default(),
            primary_ip,
            secondary_ips,
            ipv4_prefixes,
            ipv6_addresses,
            // Exactly the listed IPv6 addresses, whatever the subnet's
            // AssignIpv6AddressOnCreation says.
            ipv6_address_count: Some(0),
            ipv6_prefixes,
            interface_type,
            connection_tracking,
            operator_principal: e.operator_principal.clone(),
            tags,
            ..NewNetworkInterface::default()
        };
        let id = self
            .world
            .create_network_interface_with_id(request, e.id.clone(), false)
            .map_err(|err| fail(self.explain(&err)))?;

        if let Some(mac) = &e.mac_address {
            if !is_mac(mac) {
                return Err(fail(format!(
                    "'{mac}' is not a MAC address (six lowercase hex pairs: 02:74:b0:72:79:61)"
                )));
            }
            if let Some(other) = self
                .world
                .network_interfaces
                .values()
                .find(|o| o.id != id && o.mac_address == *mac)
            {
                return Err(fail(format!("MAC address {mac} is already {}'s", other.id)));
            }
            if let Some(eni) = self.world.network_interfaces.get_mut(&id) {
                self.world
                    .macs
                    .remove(&crate::model::network_interfaces::mac_number(
                        &eni.mac_address,
                    ));
                eni.mac_address = mac.clone();
                self.world
                    .macs
                    .insert(crate::model::network_interfaces::mac_number(mac));
            }
        }
        if let Some(token) = &e.client_token {
            if token.token.is_empty() {
                return Err(fail("an empty client token".into()));
            }
            if let Some(record) = self.world.client_tokens.get(&token.token) {
                return Err(fail(format!(
                    "client token '{}' is already {}'s",
                    token.token, record.network_interface_id
                )));
            }
            self.world.client_tokens.insert(
                token.token.clone(),
                ClientTokenRecord {
                    fingerprint: token.request_fingerprint.clone(),
                    network_interface_id: id.clone(),
                },
            );
        }
        if let Some(eni) = self.world.network_interfaces.get_mut(&id) {
            eni.source_dest_check = e.source_dest_check;
            eni.client_token = e.client_token.as_ref().map(|t| t.token.clone());
        }
        Ok(())
    }

    fn permission(&mut self, i: usize, e: &InterfacePermissionEntry) -> Result<(), LoadError> {
        let entry = self.entry("interfacePermissions", i, e.id.as_deref());
        let fail = |message: String| LoadError::new(entry.clone(), message);
        let permission = PermissionType::parse(&e.permission).ok_or_else(|| {
            fail(format!(
                "permission '{}' is not one of INSTANCE-ATTACH, EIP-ASSOCIATE",
                e.permission
            ))
        })?;
        let grantee = match (&e.aws_account_id, &e.aws_service) {
            (Some(account), None) => {
                if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(fail(format!("awsAccountId '{account}' is not 12 digits")));
                }
                Grantee::Account(account.clone())
            }
            (None, Some(service)) if !service.trim().is_empty() => {
                Grantee::Service(service.clone())
            }
            _ => {
                return Err(fail(
                    "a permission has exactly one of awsAccountId and awsService".into(),
                ))
            }
        };
        self.world
            .create_interface_permission_with_id(
                &e.network_interface_id,
                grantee,
                permission,
                e.id.clone(),
                false,
            )
            .map_err(|err| fail(self.explain(&err)))?;
        Ok(())
    }
}

/// An IPv4 block in canonical form (a file says what it means: no host bits).
fn parse_v4_block(text: &str) -> Result<Ipv4Net, String> {
    let net: Ipv4Net = text
        .parse()
        .map_err(|_| format!("'{text}' is not an IPv4 CIDR block"))?;
    if net != net.trunc() {
        return Err(format!(
            "CIDR {text} has host bits set; the block is {}",
            net.trunc()
        ));
    }
    Ok(net)
}

fn parse_v6_block(text: &str) -> Result<Ipv6Net, String> {
    let net: Ipv6Net = text
        .parse()
        .map_err(|_| format!("'{text}' is not an IPv6 CIDR block"))?;
    if net != net.trunc() {
        return Err(format!(
            "CIDR {text} has host bits set; the block is {}",
            net.trunc()
        ));
    }
    Ok(net)
}

fn first_duplicate<T: Eq + std::hash::Hash + Copy>(items: impl Iterator<Item = T>) -> Option<T> {
    let mut seen = HashSet::new();
    items.into_iter().find(|item| !seen.insert(*item))
}

/// `02:74:b0:72:79:61`: six lowercase hex pairs, as EC2 writes MAC addresses.
fn is_mac(mac: &str) -> bool {
    let parts: Vec<&str> = mac.split(':').collect();
    parts.len() == 6
        && parts.iter().all(|p| {
            p.len() == 2
                && p.bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        })
}

/// FNV-1a: stable across Rust versions, so a seeded run stays reproducible.
fn digest(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region() -> &'static Region {
        regions::region("ap-southeast-1").unwrap()
    }

    #[test]
    fn a_default_world_round_trips_through_export() {
        let world = World::new("123456789012", region(), 7);
        let exported = world.export();
        let again = World::import("123456789012", region(), &exported, 99).unwrap();
        assert_eq!(again.export(), exported);
    }

    #[test]
    fn every_kind_of_entry_round_trips_through_export() {
        let text = include_str!("../../fixtures/init/everything.json");
        let checked = Snapshot::from_json(text).unwrap().check().unwrap();
        let worlds = checked.snapshot().worlds().unwrap();
        for (account, region, world) in worlds {
            let first = World::import(account, region, world, 1).unwrap().export();
            let second = World::import(account, region, &first, 2).unwrap().export();
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
    fn the_digest_is_stable() {
        assert_eq!(digest(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(digest(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
