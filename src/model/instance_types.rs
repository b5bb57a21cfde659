//! The instance-type catalogue: each type's network limits (interfaces per card and in
//! total, addresses per interface), processor and memory, as DescribeInstanceTypes answers.
//!
//! A short interim table of common types; the complete generated catalogue replaces it.

use std::sync::OnceLock;

#[derive(Debug, Clone)]
pub struct NetworkCard {
    pub index: u32,
    pub maximum_network_interfaces: u32,
    pub network_performance: String,
    pub baseline_bandwidth_gbps: Option<f64>,
    pub peak_bandwidth_gbps: Option<f64>,
}

#[derive(Debug, Clone)]
pub struct NetworkInfo {
    pub network_performance: String,
    pub maximum_network_interfaces: u32,
    pub maximum_network_cards: u32,
    pub default_network_card_index: u32,
    pub network_cards: Vec<NetworkCard>,
    pub ipv4_addresses_per_interface: u32,
    pub ipv6_addresses_per_interface: u32,
    pub ipv6_supported: bool,
    pub ena_support: String,
    pub efa_supported: bool,
    pub maximum_efa_interfaces: u32,
    pub encryption_in_transit_supported: bool,
    pub ena_srd_supported: bool,
}

#[derive(Debug, Clone)]
pub struct InstanceType {
    pub name: String,
    pub network: NetworkInfo,
    pub architectures: Vec<String>,
    pub virtualization_types: Vec<String>,
    pub default_vcpus: u32,
    pub memory_mib: u64,
}

impl InstanceType {
    pub fn card(&self, index: u32) -> Option<&NetworkCard> {
        self.network.network_cards.iter().find(|c| c.index == index)
    }
}

#[derive(Debug)]
pub struct Catalogue {
    types: Vec<InstanceType>,
}

impl Catalogue {
    pub fn get(&self, name: &str) -> Option<&InstanceType> {
        self.types.iter().find(|t| t.name == name)
    }

    pub fn iter(&self) -> impl Iterator<Item = &InstanceType> {
        self.types.iter()
    }

    pub fn offered_in_region(&self, _region: &str, name: &str) -> bool {
        self.get(name).is_some()
    }

    pub fn offered_in_zone(&self, _zone: &str, name: &str) -> bool {
        self.get(name).is_some()
    }
}

/// name, network cards, interfaces per card, IPv4 and IPv6 per interface, arch, vCPUs, MiB.
type Row = (&'static str, u32, u32, u32, u32, &'static str, u32, u64);

const INTERIM: &[Row] = &[
    ("t2.micro", 1, 2, 2, 2, "x86_64", 1, 1024),
    ("t3.nano", 1, 2, 2, 2, "x86_64", 2, 512),
    ("t3.micro", 1, 2, 2, 2, "x86_64", 2, 1024),
    ("t3.small", 1, 3, 4, 4, "x86_64", 2, 2048),
    ("t3.medium", 1, 3, 6, 6, "x86_64", 2, 4096),
    ("t4g.micro", 1, 2, 2, 2, "arm64", 2, 1024),
    ("m5.large", 1, 3, 10, 10, "x86_64", 2, 8192),
    ("m5.xlarge", 1, 4, 15, 15, "x86_64", 4, 16384),
    ("c5n.18xlarge", 1, 15, 50, 50, "x86_64", 72, 196_608),
    ("p4d.24xlarge", 4, 15, 50, 50, "x86_64", 96, 1_179_648),
    ("m1.small", 1, 2, 4, 0, "x86_64", 1, 1740),
];

pub fn catalogue() -> &'static Catalogue {
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE.get_or_init(|| Catalogue {
        types: INTERIM
            .iter()
            .map(
                |&(name, cards, per_card, v4, v6, arch, vcpus, mib)| InstanceType {
                    name: name.to_owned(),
                    network: NetworkInfo {
                        network_performance: "Up to 10 Gigabit".into(),
                        maximum_network_interfaces: cards * per_card,
                        maximum_network_cards: cards,
                        default_network_card_index: 0,
                        network_cards: (0..cards)
                            .map(|index| NetworkCard {
                                index,
                                maximum_network_interfaces: per_card,
                                network_performance: "Up to 10 Gigabit".into(),
                                baseline_bandwidth_gbps: None,
                                peak_bandwidth_gbps: None,
                            })
                            .collect(),
                        ipv4_addresses_per_interface: v4,
                        ipv6_addresses_per_interface: v6,
                        ipv6_supported: v6 > 0,
                        ena_support: "required".into(),
                        efa_supported: false,
                        maximum_efa_interfaces: 0,
                        encryption_in_transit_supported: false,
                        ena_srd_supported: false,
                    },
                    architectures: vec![arch.to_owned()],
                    virtualization_types: vec!["hvm".into()],
                    default_vcpus: vcpus,
                    memory_mib: mib,
                },
            )
            .collect(),
    })
}
