//! The state format's types: [`Snapshot`] → accounts → regions → [`WorldSnapshot`], read and
//! written as JSON, and [`LoadError`], which names the entry at fault.

use std::collections::HashSet;
use std::fmt;
use std::marker::PhantomData;
use std::path::Path;
use std::sync::Arc;

use serde::de::{Error as _, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::import::import_world;
use crate::model::clock::Clock;
use crate::model::regions::{self, Region};
use crate::values::is_account_id;
use crate::wire::xml::is_xml_char;

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
    /// The ID of the region's default DHCP options set (which new VPCs use).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dhcp_options_id: Option<String>,
    /// DHCP options sets; an entry with the default set's ID describes that set.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dhcp_options: Vec<DhcpOptionsEntry>,
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
    /// Customer-managed prefix lists (the AWS-managed ones every region has are not listed).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prefix_lists: Vec<PrefixListEntry>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub internet_gateways: Vec<InternetGatewayEntry>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub egress_only_internet_gateways: Vec<EgressOnlyInternetGatewayEntry>,
    /// Every VPC has a main table, made with it; an entry with `"main": true` describes it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub route_tables: Vec<RouteTableEntry>,
    /// Every VPC has a default ACL, made with it; an entry with `"isDefault": true`
    /// describes it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub network_acls: Vec<NetworkAclEntry>,
}

impl Default for WorldSnapshot {
    fn default() -> Self {
        WorldSnapshot {
            default_vpc: true,
            dhcp_options_id: None,
            dhcp_options: Vec::new(),
            vpcs: Vec::new(),
            subnets: Vec::new(),
            security_groups: Vec::new(),
            network_interfaces: Vec::new(),
            interface_permissions: Vec::new(),
            prefix_lists: Vec::new(),
            internet_gateways: Vec::new(),
            egress_only_internet_gateways: Vec::new(),
            route_tables: Vec::new(),
            network_acls: Vec::new(),
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
    /// The DHCP options set the VPC uses: a set's ID, `default` for none, or left out for
    /// the region's default set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dhcp_options_id: Option<String>,
    /// ModifyVpcAttribute's attributes; left out: as EC2 makes the VPC (DNS support on,
    /// DNS hostnames on for the default VPC only, address usage metrics off).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_dns_support: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_dns_hostnames: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_network_address_usage_metrics: Option<bool>,
    #[serde(default, skip_serializing_if = "OrderedMap::is_empty")]
    pub tags: OrderedMap<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DhcpOptionsEntry {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `domain-name` → its values, and so on, in order.
    pub configurations: OrderedMap<Vec<String>>,
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
    /// A prefix list: the file's own, or one of the region's AWS-managed lists.
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PrefixListEntry {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub prefix_list_name: String,
    /// `IPv4` or `IPv6`.
    pub address_family: String,
    pub max_entries: i64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub entries: Vec<PrefixListCidrEntry>,
    /// Left out: 1, as CreateManagedPrefixList makes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
    #[serde(default, skip_serializing_if = "OrderedMap::is_empty")]
    pub tags: OrderedMap<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PrefixListCidrEntry {
    pub cidr: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InternetGatewayEntry {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The VPC it is attached to; left out, detached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
    #[serde(default, skip_serializing_if = "OrderedMap::is_empty")]
    pub tags: OrderedMap<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EgressOnlyInternetGatewayEntry {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub vpc_id: String,
    #[serde(default, skip_serializing_if = "OrderedMap::is_empty")]
    pub tags: OrderedMap<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RouteTableEntry {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub vpc_id: String,
    /// The VPC's main table (made with the VPC; one per VPC).
    #[serde(default, skip_serializing_if = "is_false")]
    pub main: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub main_association_id: Option<String>,
    /// The routes besides the `local` ones, which every table has for its VPC's blocks.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub routes: Vec<RouteEntry>,
    /// Subnets and gateways associated with the table.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub associations: Vec<RouteTableAssociationEntry>,
    #[serde(default, skip_serializing_if = "OrderedMap::is_empty")]
    pub tags: OrderedMap<String>,
}

/// One destination (exactly one of the three) and one target (exactly one of the three).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RouteEntry {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination_cidr_block: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination_ipv6_cidr_block: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination_prefix_list_id: Option<String>,
    /// An internet gateway.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub egress_only_internet_gateway_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_interface_id: Option<String>,
    /// A route whose target is gone (deleted, or detached from the VPC): EC2 keeps it as a
    /// `blackhole`. Such a route must say so, and an active one must not.
    #[serde(default, skip_serializing_if = "is_false")]
    pub blackhole: bool,
}

/// Exactly one of `subnetId` and `gatewayId` (an edge association).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RouteTableAssociationEntry {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnet_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NetworkAclEntry {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub vpc_id: String,
    /// The VPC's default ACL (made with the VPC; one per VPC).
    #[serde(default, skip_serializing_if = "is_false")]
    pub is_default: bool,
    /// The numbered rules (the final `*` deny rules are always there). Left out: as EC2
    /// makes the ACL (the default one allows all traffic, a new one none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entries: Option<Vec<AclRuleEntry>>,
    /// The subnets that use this ACL; a subnet listed nowhere uses its VPC's default ACL.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub associations: Vec<AclAssociationEntry>,
    #[serde(default, skip_serializing_if = "OrderedMap::is_empty")]
    pub tags: OrderedMap<String>,
}

/// One numbered rule, in CreateNetworkAclEntry's terms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AclRuleEntry {
    pub rule_number: i64,
    #[serde(default, skip_serializing_if = "is_false")]
    pub egress: bool,
    /// `-1` (all), `tcp`, `udp`, `icmp`, `icmpv6` or a protocol number.
    pub protocol: String,
    /// `allow` or `deny`.
    pub rule_action: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cidr_block: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipv6_cidr_block: Option<String>,
    /// For ICMP: `{"type": 8, "code": -1}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icmp_type_code: Option<IcmpEntry>,
    /// For TCP and UDP: `{"from": 443, "to": 443}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port_range: Option<PortRangeEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IcmpEntry {
    #[serde(rename = "type")]
    pub icmp_type: i64,
    pub code: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PortRangeEntry {
    pub from: i64,
    pub to: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AclAssociationEntry {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub subnet_id: String,
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
    pub fn new(entry: impl Into<String>, message: impl Into<String>) -> Self {
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
        // Every string a file holds may be echoed in a reply one day (tags, descriptions,
        // names, IDs in errors): one that XML cannot carry is refused here, as a request
        // with it is, rather than poisoning every Describe of the world.
        let tree: serde_json::Value =
            serde_json::from_str(text).map_err(|e| LoadError::new("", e.to_string()))?;
        if let Some((entry, c)) = non_xml_char(&tree, &mut String::new()) {
            return Err(LoadError::new(
                entry,
                format!(
                    "contains the character U+{:04X}, which XML replies cannot carry (control characters other than tab, line feed and carriage return, U+FFFE and U+FFFF)",
                    c as u32
                ),
            ));
        }
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
            if !is_account_id(account) {
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
            import_world(account, region, world, 0, Clock::System)?;
        }
        Ok(CheckedSnapshot(Arc::new(self)))
    }
}

/// The first string (key or value) in `value` holding a character XML 1.0 cannot carry:
/// where it is (`accounts[…].regions[…].vpcs[0].tags[Name]`, with such characters in keys
/// spelt `U+XXXX`) and the character.
fn non_xml_char(value: &serde_json::Value, path: &mut String) -> Option<(String, char)> {
    use serde_json::Value;
    let bad = |s: &str| s.chars().find(|&c| !is_xml_char(c));
    match value {
        Value::String(s) => bad(s).map(|c| (path.clone(), c)),
        Value::Array(items) => items.iter().enumerate().find_map(|(i, item)| {
            let len = path.len();
            path.push_str(&format!("[{i}]"));
            let found = non_xml_char(item, path);
            path.truncate(len);
            found
        }),
        Value::Object(map) => {
            // Maps keyed by data (accounts, regions, tags) name their entries `[key]`.
            let keyed = ["accounts", "regions", "tags"]
                .iter()
                .any(|k| path.ends_with(k) && !path.ends_with(&format!("[{k}]")));
            map.iter().find_map(|(key, item)| {
                let len = path.len();
                let shown: String = key
                    .chars()
                    .map(|c| {
                        if is_xml_char(c) {
                            c.to_string()
                        } else {
                            format!("U+{:04X}", c as u32)
                        }
                    })
                    .collect();
                if keyed {
                    path.push_str(&format!("[{shown}]"));
                } else {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(&shown);
                }
                let found = bad(key)
                    .map(|c| (path.clone(), c))
                    .or_else(|| non_xml_char(item, path));
                path.truncate(len);
                found
            })
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => None,
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
