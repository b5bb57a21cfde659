//! Export: every world of a backend in the state format, with every ID.

use crate::model::ids::format_mac;
use crate::model::network_acls::{AclCidr, NetworkAcl, LAST_RULE_V4, LAST_RULE_V6};
use crate::model::route_tables::{Associated, Destination, RouteTable, Target};
use crate::model::security_groups::{self, Peer};
use crate::model::subnets::HostnameType;
use crate::model::tags::Tags;
use crate::model::{read, Backend, World, WorldFilter};

use super::format::*;

/// The worlds `filter` selects (those in use or loaded at start), in the `--init` format.
pub fn export(backend: &Backend, filter: &WorldFilter) -> Snapshot {
    let mut snapshot = Snapshot::default();
    for world in backend.selected(filter) {
        let world = read(&world);
        let account = world.account_id().to_owned();
        let exported = export_world(&world);
        if snapshot.accounts.get(&account).is_none() {
            snapshot
                .accounts
                .0
                .push((account.clone(), AccountSnapshot::default()));
        }
        if let Some((_, entry)) = snapshot.accounts.0.iter_mut().find(|(a, _)| *a == account) {
            entry
                .regions
                .0
                .push((world.region().name.to_owned(), exported));
        }
    }
    snapshot
}

fn tag_map(tags: &Tags) -> OrderedMap<String> {
    OrderedMap(
        tags.iter()
            .map(|t| (t.key.clone(), t.value.clone()))
            .collect(),
    )
}

fn rule_entry(rule: &security_groups::Rule) -> RuleEntry {
    let mut entry = RuleEntry {
        id: Some(rule.id.to_string()),
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
        Peer::Group { group_id, .. } => entry.referenced_group_id = Some(group_id.to_string()),
        Peer::PrefixList(id) => entry.prefix_list_id = Some(id.to_string()),
    }
    entry
}

/// Everything in a world, with every ID, in the format [`super::import_world`] reads:
/// importing the result gives a world whose Describe replies are identical.
pub fn export_world(world: &World) -> WorldSnapshot {
    let vpcs = world
        .vpcs()
        .values()
        .map(|v| VpcEntry {
            id: Some(v.id.to_string()),
            cidr_block: v.cidr.to_string(),
            cidr_block_association_id: Some(v.cidr_association_id.to_string()),
            ipv6_cidr_block: v.ipv6.as_ref().map(|b| b.cidr.to_string()),
            ipv6_cidr_block_association_id: v.ipv6.as_ref().map(|b| b.association_id.to_string()),
            instance_tenancy: v.instance_tenancy.clone(),
            is_default: v.is_default,
            dhcp_options_id: match v.dhcp_options_id {
                Some(id) if id == world.dhcp_options_id() => None,
                Some(id) => Some(id.to_string()),
                None => Some("default".to_owned()),
            },
            // Left out where they are what the VPC was made with, to keep files short.
            enable_dns_support: (!v.enable_dns_support).then_some(false),
            enable_dns_hostnames: (v.enable_dns_hostnames != v.is_default)
                .then_some(v.enable_dns_hostnames),
            enable_network_address_usage_metrics: v
                .enable_network_address_usage_metrics
                .then_some(true),
            tags: tag_map(&v.tags),
        })
        .collect();
    let subnets = world
        .subnets()
        .values()
        .map(|s| SubnetEntry {
            id: Some(s.id.to_string()),
            vpc_id: s.vpc_id.to_string(),
            cidr_block: s.cidr.to_string(),
            ipv6_cidr_block: s.ipv6_cidr().map(|c| c.to_string()),
            ipv6_cidr_block_association_id: s.ipv6.as_ref().map(|b| b.association_id.to_string()),
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
    let security_groups = world
        .security_groups()
        .values()
        .map(|g| SecurityGroupEntry {
            id: Some(g.id.to_string()),
            group_name: g.name.clone(),
            description: Some(g.description.clone()),
            vpc_id: Some(g.vpc_id.to_string()),
            ingress: Some(g.ingress.iter().map(rule_entry).collect()),
            egress: Some(g.egress.iter().map(rule_entry).collect()),
            tags: tag_map(&g.tags),
        })
        .collect();
    let network_interfaces = world
        .network_interfaces()
        .values()
        .map(|e| NetworkInterfaceEntry {
            id: Some(e.id.to_string()),
            subnet_id: e.subnet_id.to_string(),
            description: e.description.clone(),
            groups: Some(e.groups.iter().map(|g| g.id.to_string()).collect()),
            interface_type: Some(e.interface_type.as_str().to_owned()),
            mac_address: Some(format_mac(e.mac)),
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
                request_fingerprint: world
                    .client_token(token)
                    .map(|r| r.fingerprint.clone())
                    .unwrap_or_default(),
            }),
            tags: tag_map(&e.tags),
        })
        .collect();
    let interface_permissions = world
        .interface_permissions()
        .values()
        .map(|p| InterfacePermissionEntry {
            id: Some(p.id.to_string()),
            network_interface_id: p.network_interface_id.to_string(),
            aws_account_id: p.aws_account_id().map(str::to_owned),
            aws_service: p.aws_service().map(str::to_owned),
            permission: p.permission.as_str().to_owned(),
        })
        .collect();
    WorldSnapshot {
        // Everything is listed, the default VPC included.
        default_vpc: false,
        dhcp_options_id: Some(world.dhcp_options_id().to_string()),
        dhcp_options: world
            .dhcp_options()
            .values()
            .map(|d| DhcpOptionsEntry {
                id: Some(d.id.to_string()),
                configurations: OrderedMap(d.configurations.clone()),
                tags: tag_map(&d.tags),
            })
            .collect(),
        vpcs,
        subnets,
        security_groups,
        network_interfaces,
        interface_permissions,
        prefix_lists: world
            .prefix_lists()
            .values()
            .filter(|p| !p.aws_managed)
            .map(|p| PrefixListEntry {
                id: Some(p.id.to_string()),
                prefix_list_name: p.name.clone(),
                address_family: p.address_family.as_str().to_owned(),
                max_entries: p.max_entries,
                entries: p
                    .entries
                    .iter()
                    .map(|e| PrefixListCidrEntry {
                        cidr: e.cidr.to_string(),
                        description: e.description.clone(),
                    })
                    .collect(),
                version: (p.version != 1).then_some(p.version),
                tags: tag_map(&p.tags),
            })
            .collect(),
        internet_gateways: world
            .internet_gateways()
            .values()
            .map(|g| InternetGatewayEntry {
                id: Some(g.id.to_string()),
                vpc_id: g.vpc_id.map(|v| v.to_string()),
                tags: tag_map(&g.tags),
            })
            .collect(),
        egress_only_internet_gateways: world
            .egress_only_internet_gateways()
            .values()
            .map(|g| EgressOnlyInternetGatewayEntry {
                id: Some(g.id.to_string()),
                vpc_id: g.vpc_id.to_string(),
                tags: tag_map(&g.tags),
            })
            .collect(),
        route_tables: world
            .route_tables()
            .values()
            .map(|t| route_table_entry(world, t))
            .collect(),
        network_acls: world
            .network_acls()
            .values()
            .map(network_acl_entry)
            .collect(),
    }
}

fn route_table_entry(world: &World, t: &RouteTable) -> RouteTableEntry {
    let main = t.associations.iter().find(|a| a.with == Associated::Main);
    RouteTableEntry {
        id: Some(t.id.to_string()),
        vpc_id: t.vpc_id.to_string(),
        main: main.is_some(),
        main_association_id: main.map(|a| a.id.to_string()),
        routes: t
            .routes
            .iter()
            // Every table has its VPC's local routes; the file leaves them implied.
            .filter(|r| r.target != Target::Local)
            .map(|r| {
                let mut entry = RouteEntry {
                    destination_cidr_block: None,
                    destination_ipv6_cidr_block: None,
                    destination_prefix_list_id: None,
                    gateway_id: None,
                    egress_only_internet_gateway_id: None,
                    network_interface_id: None,
                    blackhole: world.route_state(t, r) == "blackhole",
                };
                match r.destination {
                    Destination::Ipv4(n) => entry.destination_cidr_block = Some(n.to_string()),
                    Destination::Ipv6(n) => entry.destination_ipv6_cidr_block = Some(n.to_string()),
                    Destination::PrefixList(p) => {
                        entry.destination_prefix_list_id = Some(p.to_string())
                    }
                }
                match r.target {
                    Target::Local => {}
                    Target::InternetGateway(g) => entry.gateway_id = Some(g.to_string()),
                    Target::EgressOnlyInternetGateway(g) => {
                        entry.egress_only_internet_gateway_id = Some(g.to_string())
                    }
                    Target::NetworkInterface(e) => entry.network_interface_id = Some(e.to_string()),
                }
                entry
            })
            .collect(),
        associations: t
            .associations
            .iter()
            .filter_map(|a| {
                let (subnet_id, gateway_id) = match a.with {
                    Associated::Main => return None,
                    Associated::Subnet(s) => (Some(s.to_string()), None),
                    Associated::Gateway(g) => (None, Some(g.to_string())),
                };
                Some(RouteTableAssociationEntry {
                    id: Some(a.id.to_string()),
                    subnet_id,
                    gateway_id,
                })
            })
            .collect(),
        tags: tag_map(&t.tags),
    }
}

fn network_acl_entry(a: &std::sync::Arc<NetworkAcl>) -> NetworkAclEntry {
    NetworkAclEntry {
        id: Some(a.id.to_string()),
        vpc_id: a.vpc_id.to_string(),
        is_default: a.is_default,
        entries: Some(
            a.entries
                .iter()
                // The final `*` rules are in every ACL; the file leaves them implied.
                .filter(|e| e.rule_number != LAST_RULE_V4 && e.rule_number != LAST_RULE_V6)
                .map(|e| {
                    let (cidr_block, ipv6_cidr_block) = match e.cidr {
                        AclCidr::Ipv4(n) => (Some(n.to_string()), None),
                        AclCidr::Ipv6(n) => (None, Some(n.to_string())),
                    };
                    AclRuleEntry {
                        rule_number: i64::from(e.rule_number),
                        egress: e.egress,
                        protocol: e.protocol.clone(),
                        rule_action: if e.allow { "allow" } else { "deny" }.to_owned(),
                        cidr_block,
                        ipv6_cidr_block,
                        icmp_type_code: e
                            .icmp
                            .map(|(icmp_type, code)| IcmpEntry { icmp_type, code }),
                        port_range: e.ports.map(|(from, to)| PortRangeEntry { from, to }),
                    }
                })
                .collect(),
        ),
        associations: a
            .associations
            .iter()
            .map(|x| AclAssociationEntry {
                id: Some(x.id.to_string()),
                subnet_id: x.subnet_id.to_string(),
            })
            .collect(),
        tags: tag_map(&a.tags),
    }
}
