//! DHCP options sets: the region's default one every account has, the ones users create, and
//! which set each VPC uses (`AssociateDhcpOptions`, with `default` meaning none).

use std::sync::Arc;

use crate::error::{Ec2Error, Ec2Result};
use crate::model::filters::Filterable;
use crate::model::ids::{DhcpOptionsId, VpcId};
use crate::model::tagging::Tagged;
use crate::model::tags::{Tag, Tags};
use crate::model::vpcs::id_used_twice;
use crate::model::world::draw_id;
use crate::model::World;

/// The keys EC2 accepts, and how many values each takes at most.
const KEYS: &[(&str, usize)] = &[
    ("domain-name-servers", 4),
    ("domain-name", 1),
    ("ntp-servers", 4),
    ("netbios-name-servers", 4),
    ("netbios-node-type", 1),
    ("ipv6-address-preferred-lease-time", 1),
];

#[derive(Debug, Clone)]
pub struct DhcpOptions {
    pub id: DhcpOptionsId,
    pub owner_id: String,
    /// Key and values, in the order they were given.
    pub configurations: Vec<(String, Vec<String>)>,
    pub tags: Tags,
}

impl Tagged for DhcpOptions {
    fn tags(&self) -> &Tags {
        &self.tags
    }
    fn tags_mut(&mut self) -> &mut Tags {
        &mut self.tags
    }
}

/// The domain name of the region's default set: `ec2.internal` in us-east-1,
/// `<region>.compute.internal` elsewhere, as EC2 names them.
pub fn default_domain_name(region: &str) -> String {
    if region == "us-east-1" {
        "ec2.internal".to_owned()
    } else {
        format!("{region}.compute.internal")
    }
}

/// Checks a CreateDhcpOptions configuration: known keys, each once, within its value count.
pub fn check_configurations(configurations: &[(String, Vec<String>)]) -> Ec2Result<()> {
    if configurations.is_empty() {
        return Err(Ec2Error::MissingParameter("DhcpConfiguration".into()));
    }
    for (i, (key, values)) in configurations.iter().enumerate() {
        let Some((_, max)) = KEYS.iter().find(|(k, _)| k == key) else {
            return Err(Ec2Error::InvalidParameterValue(format!(
                "Value ({key}) for parameter name is invalid. Unknown DHCP option"
            )));
        };
        if configurations[..i].iter().any(|(k, _)| k == key) {
            return Err(Ec2Error::InvalidParameterValue(format!(
                "The DHCP option {key} is specified more than once"
            )));
        }
        if values.is_empty() {
            return Err(Ec2Error::InvalidParameterValue(format!(
                "Value for parameter {key} is invalid. At least one value is required"
            )));
        }
        if values.len() > *max {
            return Err(Ec2Error::InvalidParameterValue(format!(
                "Value for parameter {key} is invalid. At most {max} values are allowed"
            )));
        }
        if key == "netbios-node-type" && !["1", "2", "4", "8"].contains(&values[0].as_str()) {
            return Err(Ec2Error::InvalidParameterValue(format!(
                "Value ({}) for parameter netbios-node-type is invalid. Valid values: 1, 2, 4, 8",
                values[0]
            )));
        }
    }
    Ok(())
}

impl World {
    /// The region's default set, made with the world: `domain-name` and `AmazonProvidedDNS`.
    pub(in crate::model) fn add_default_dhcp_options(&mut self) {
        let set = DhcpOptions {
            id: self.dhcp_options_id,
            owner_id: self.account_id.clone(),
            configurations: vec![
                (
                    "domain-name".into(),
                    vec![default_domain_name(self.region.name)],
                ),
                (
                    "domain-name-servers".into(),
                    vec!["AmazonProvidedDNS".into()],
                ),
            ],
            tags: Tags::default(),
        };
        self.dhcp_options.insert(set.id, set);
    }

    /// Looks up a DHCP options set, answering EC2's Malformed or NotFound error.
    pub fn dhcp_options_set(&self, id: &str) -> Ec2Result<&Arc<DhcpOptions>> {
        self.dhcp_options.lookup(id)
    }

    pub fn create_dhcp_options(
        &mut self,
        configurations: Vec<(String, Vec<String>)>,
        tags: &[Tag],
        id: Option<DhcpOptionsId>,
    ) -> Ec2Result<DhcpOptionsId> {
        check_configurations(&configurations)?;
        if let Some(id) = &id {
            if self.dhcp_options.contains(id) {
                return Err(id_used_twice(id));
            }
        }
        let mut set_tags = Tags::default();
        set_tags.set_all(tags)?;
        let id = match id {
            Some(id) => id,
            None => draw_id(&mut self.streams, |id| self.dhcp_options.contains(id)),
        };
        self.dhcp_options.insert(
            id,
            DhcpOptions {
                id,
                owner_id: self.account_id.clone(),
                configurations,
                tags: set_tags,
            },
        );
        Ok(id)
    }

    /// Deletes a set no VPC uses.
    pub fn delete_dhcp_options(&mut self, id: &str) -> Ec2Result<()> {
        let id = self.dhcp_options_set(id)?.id;
        if self.vpcs.values().any(|v| v.dhcp_options_id == Some(id)) {
            return Err(Ec2Error::DependencyViolation(format!(
                "The dhcpOptions '{id}' has dependencies and cannot be deleted."
            )));
        }
        self.dhcp_options.remove(&id);
        Ok(())
    }

    /// Makes a VPC use a set, or none at all with `default`.
    pub fn associate_dhcp_options(&mut self, options: &str, vpc: &str) -> Ec2Result<()> {
        let set = if options == "default" {
            None
        } else {
            Some(self.dhcp_options_set(options)?.id)
        };
        let vpc: VpcId = self.vpc(vpc)?.id;
        self.vpcs.update(&vpc, |v| v.dhcp_options_id = set);
        Ok(())
    }
}

impl Filterable for DhcpOptions {
    const FILTER_NAMES: &'static [&'static str] = &["dhcp-options-id", "key", "value", "owner-id"];

    fn tags(&self) -> &Tags {
        &self.tags
    }

    fn filter_values(&self, name: &str) -> Vec<String> {
        match name {
            "dhcp-options-id" => vec![self.id.to_string()],
            "key" => self.configurations.iter().map(|(k, _)| k.clone()).collect(),
            "value" => self
                .configurations
                .iter()
                .flat_map(|(_, v)| v.iter().cloned())
                .collect(),
            "owner-id" => vec![self.owner_id.clone()],
            _ => Vec::new(),
        }
    }
}
