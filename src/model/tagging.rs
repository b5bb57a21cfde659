//! Tags by resource ID: what CreateTags, DeleteTags and DescribeTags do to the world.
//!
//! Tags live on their resources (`Vpc::tags`, `Rule::tags`, …), so deleting a resource takes
//! its tags with it and every Describe's `tag:` filters see what CreateTags set. This module
//! only finds a resource's tags from its ID, whatever its type.

use crate::error::{Ec2Error, Ec2Result};
use crate::model::filters::{wildcard_match, Filter};
use crate::model::ids::is_well_formed;
use crate::model::tags::{Tag, Tags};
use crate::model::World;

/// The resource types the server can tag, named as DescribeTags names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResourceType {
    NetworkInterface,
    SecurityGroup,
    SecurityGroupRule,
    Subnet,
    Vpc,
}

impl ResourceType {
    const ALL: [ResourceType; 5] = [
        ResourceType::NetworkInterface,
        ResourceType::SecurityGroup,
        ResourceType::SecurityGroupRule,
        ResourceType::Subnet,
        ResourceType::Vpc,
    ];

    /// The `resourceType` of DescribeTags (and the `resource-type` filter value).
    pub fn as_str(self) -> &'static str {
        match self {
            ResourceType::NetworkInterface => "network-interface",
            ResourceType::SecurityGroup => "security-group",
            ResourceType::SecurityGroupRule => "security-group-rule",
            ResourceType::Subnet => "subnet",
            ResourceType::Vpc => "vpc",
        }
    }

    fn id_prefix(self) -> &'static str {
        match self {
            ResourceType::NetworkInterface => "eni",
            ResourceType::SecurityGroup => "sg",
            ResourceType::SecurityGroupRule => "sgr",
            ResourceType::Subnet => "subnet",
            ResourceType::Vpc => "vpc",
        }
    }

    /// The type whose ID shape `id` has. DHCP options (`dopt-`) and every type the server
    /// does not model have none, so tagging them answers `InvalidID` rather than pretending.
    pub fn of_id(id: &str) -> Option<ResourceType> {
        Self::ALL
            .into_iter()
            .find(|t| is_well_formed(id, t.id_prefix()))
    }

    fn not_found(self, id: &str) -> Ec2Error {
        let id = id.to_owned();
        match self {
            ResourceType::NetworkInterface => Ec2Error::NetworkInterfaceNotFound(id),
            ResourceType::SecurityGroup => Ec2Error::GroupNotFound(id),
            ResourceType::SecurityGroupRule => Ec2Error::SecurityGroupRuleNotFound(id),
            ResourceType::Subnet => Ec2Error::SubnetNotFound(id),
            ResourceType::Vpc => Ec2Error::VpcNotFound(id),
        }
    }
}

/// One tag DeleteTags names: a key alone removes the tag whatever its value; a key with a
/// value (even an empty one) removes it only when the value is exactly that.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagMatch {
    pub key: String,
    pub value: Option<String>,
}

impl TagMatch {
    fn matches(&self, tag: &Tag) -> bool {
        self.key == tag.key && self.value.as_ref().map_or(true, |v| *v == tag.value)
    }
}

/// What DeleteTags removes from each resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagDeletion {
    /// No `Tag.N` at all: every user tag (the only kind this server stores).
    All,
    Matching(Vec<TagMatch>),
}

/// One row of DescribeTags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TagRow<'a> {
    pub resource_id: &'a str,
    pub resource_type: ResourceType,
    pub key: &'a str,
    pub value: &'a str,
}

/// The filters DescribeTags documents, besides `tag:KEY`.
const TAG_FILTER_NAMES: &[&str] = &["key", "resource-id", "resource-type", "value"];

/// Refuses a filter name DescribeTags does not know. `tag-key` and `tag-value`, which
/// other Describe calls take, are not in DescribeTags' list and are refused here.
pub fn check_tag_filter_names(filters: &[Filter]) -> Ec2Result<()> {
    match filters
        .iter()
        .find(|f| !f.name.starts_with("tag:") && !TAG_FILTER_NAMES.contains(&f.name.as_str()))
    {
        Some(f) => Err(Ec2Error::InvalidFilter(f.name.clone())),
        None => Ok(()),
    }
}

impl TagRow<'_> {
    /// True when the row passes every filter (ANDed; a filter's values ORed, wildcards on).
    pub fn matches_all(&self, filters: &[Filter]) -> bool {
        filters.iter().all(|f| {
            // The reference calls `tag:KEY` "the key/value combination of the tag": a row is
            // a single tag, so it matches when it is that key with a matching value.
            let candidate = match f.name.strip_prefix("tag:") {
                Some(key) => (key == self.key).then_some(self.value),
                None => match f.name.as_str() {
                    "key" => Some(self.key),
                    "value" => Some(self.value),
                    "resource-id" => Some(self.resource_id),
                    "resource-type" => Some(self.resource_type.as_str()),
                    _ => None,
                },
            };
            candidate.is_some_and(|c| f.values.iter().any(|p| wildcard_match(p, c)))
        })
    }
}

/// Adds a resource's tags that pass the filters to `rows`.
fn push_rows<'a>(
    rows: &mut Vec<TagRow<'a>>,
    filters: &[Filter],
    resource_id: &'a str,
    resource_type: ResourceType,
    tags: &'a Tags,
) {
    for t in tags.iter() {
        let row = TagRow {
            resource_id,
            resource_type,
            key: &t.key,
            value: &t.value,
        };
        if row.matches_all(filters) {
            rows.push(row);
        }
    }
}

impl World {
    /// The tags of any taggable resource: its NotFound error when the ID has a known shape
    /// but names nothing, `InvalidID` when the shape is no type the server knows.
    pub fn tags_of(&self, id: &str) -> Ec2Result<&Tags> {
        let kind = ResourceType::of_id(id).ok_or_else(|| Ec2Error::InvalidId(id.to_owned()))?;
        let found = match kind {
            ResourceType::NetworkInterface => self.network_interfaces.get(id).map(|e| &e.tags),
            ResourceType::SecurityGroup => self.security_groups.get(id).map(|g| &g.tags),
            ResourceType::SecurityGroupRule => self
                .security_groups
                .values()
                .flat_map(|g| g.ingress.iter().chain(&g.egress))
                .find(|r| r.id == id)
                .map(|r| &r.tags),
            ResourceType::Subnet => self.subnets.get(id).map(|s| &s.tags),
            ResourceType::Vpc => self.vpcs.get(id).map(|v| &v.tags),
        };
        found.ok_or_else(|| kind.not_found(id))
    }

    fn tags_of_mut(&mut self, id: &str) -> Option<&mut Tags> {
        match ResourceType::of_id(id)? {
            ResourceType::NetworkInterface => {
                self.network_interfaces.get_mut(id).map(|e| &mut e.tags)
            }
            ResourceType::SecurityGroup => self.security_groups.get_mut(id).map(|g| &mut g.tags),
            ResourceType::SecurityGroupRule => self
                .security_groups
                .values_mut()
                .flat_map(|g| g.ingress.iter_mut().chain(g.egress.iter_mut()))
                .find(|r| r.id == id)
                .map(|r| &mut r.tags),
            ResourceType::Subnet => self.subnets.get_mut(id).map(|s| &mut s.tags),
            ResourceType::Vpc => self.vpcs.get_mut(id).map(|v| &mut v.tags),
        }
    }

    /// Adds or overwrites `tags` on every resource, or on none: each resource's new tag set
    /// is computed (and checked against the per-resource limit) before any is stored.
    pub fn create_tags(&mut self, ids: &[String], tags: &[Tag], dry_run: bool) -> Ec2Result<()> {
        let mut updated = Vec::with_capacity(ids.len());
        for id in ids {
            let mut next = self.tags_of(id)?.clone();
            next.set_all(tags)?;
            updated.push((id, next));
        }
        if dry_run {
            return Err(Ec2Error::DryRunOperation);
        }
        self.store_tags(updated);
        Ok(())
    }

    /// Removes the tags `deletion` names from every resource, or from none if any ID is bad.
    /// Naming a tag a resource does not have is not an error, as in EC2.
    pub fn delete_tags(
        &mut self,
        ids: &[String],
        deletion: &TagDeletion,
        dry_run: bool,
    ) -> Ec2Result<()> {
        let mut updated = Vec::with_capacity(ids.len());
        for id in ids {
            let current = self.tags_of(id)?;
            let kept: Vec<Tag> = match deletion {
                TagDeletion::All => Vec::new(),
                TagDeletion::Matching(matches) => current
                    .iter()
                    .filter(|t| !matches.iter().any(|m| m.matches(t)))
                    .cloned()
                    .collect(),
            };
            // Rebuilt through `set_all` so the kept tags keep their order and the limits
            // stay enforced in one place; a subset of valid tags cannot fail it.
            let mut next = Tags::new();
            next.set_all(&kept)?;
            updated.push((id, next));
        }
        if dry_run {
            return Err(Ec2Error::DryRunOperation);
        }
        self.store_tags(updated);
        Ok(())
    }

    fn store_tags(&mut self, updated: Vec<(&String, Tags)>) {
        for (id, next) in updated {
            if let Some(tags) = self.tags_of_mut(id) {
                *tags = next;
            }
        }
    }

    /// Every tag of every resource that passes the filters, ordered by resource ID then key
    /// (a total order, since keys are unique per resource, which pagination resumes from).
    pub fn tag_rows(&self, filters: &[Filter]) -> Ec2Result<Vec<TagRow<'_>>> {
        check_tag_filter_names(filters)?;
        let mut rows = Vec::new();
        let mut add = |resource_id, resource_type, tags| {
            push_rows(&mut rows, filters, resource_id, resource_type, tags);
        };
        for (id, eni) in &self.network_interfaces {
            add(id, ResourceType::NetworkInterface, &eni.tags);
        }
        for (id, group) in &self.security_groups {
            add(id, ResourceType::SecurityGroup, &group.tags);
            for rule in group.ingress.iter().chain(&group.egress) {
                add(&rule.id, ResourceType::SecurityGroupRule, &rule.tags);
            }
        }
        for (id, subnet) in &self.subnets {
            add(id, ResourceType::Subnet, &subnet.tags);
        }
        for (id, vpc) in &self.vpcs {
            add(id, ResourceType::Vpc, &vpc.tags);
        }
        rows.sort_unstable_by(|a, b| (a.resource_id, a.key).cmp(&(b.resource_id, b.key)));
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_types_by_id_shape() {
        let of = ResourceType::of_id;
        assert_eq!(of("vpc-0123456789abcdef0"), Some(ResourceType::Vpc));
        assert_eq!(of("subnet-b2a249da"), Some(ResourceType::Subnet));
        assert_eq!(
            of("sg-0123456789abcdef0"),
            Some(ResourceType::SecurityGroup)
        );
        assert_eq!(
            of("sgr-0123456789abcdef0"),
            Some(ResourceType::SecurityGroupRule)
        );
        assert_eq!(
            of("eni-0123456789abcdef0"),
            Some(ResourceType::NetworkInterface)
        );
        for unknown in [
            "dopt-0123456789abcdef0",
            "i-0123456789abcdef0",
            "vpc-12",
            "",
            "-",
        ] {
            assert_eq!(of(unknown), None, "{unknown}");
        }
    }

    #[test]
    fn tag_filter_on_a_row_needs_its_key() {
        let row = TagRow {
            resource_id: "vpc-0123456789abcdef0",
            resource_type: ResourceType::Vpc,
            key: "Name",
            value: "web",
        };
        let f = |name: &str, v: &str| Filter {
            name: name.into(),
            values: vec![v.into()],
        };
        assert!(row.matches_all(&[f("tag:Name", "w*")]));
        assert!(!row.matches_all(&[f("tag:Other", "*")]));
        assert!(row.matches_all(&[f("resource-type", "vpc"), f("key", "Na?e")]));
        assert!(!row.matches_all(&[f("value", "db")]));
    }
}
