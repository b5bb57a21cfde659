//! Tags by resource ID: what CreateTags, DeleteTags and DescribeTags do to the world.
//!
//! Tags live on their resources (`Vpc::tags`, `Rule::tags`, …), so deleting a resource takes
//! its tags with it and every Describe's `tag:` filters see what CreateTags set. This module
//! only finds a resource's tags from its ID, whatever its kind: [`TAGGABLE`] has one line
//! per taggable kind (the kinds whose row in `crate::kinds` names a tag resource type).

use crate::error::{Ec2Error, Ec2Result};
use crate::kinds::Kind;
use crate::model::filters::{wildcard_match, Filter};
use crate::model::ids::{Digits, InstanceId, PrefixListId, ResourceId, SecurityGroupRuleId};
use crate::model::table::Table;
use crate::model::tags::{Tag, Tags};
use crate::model::World;

/// A resource that carries tags.
pub trait Tagged: Clone {
    fn tags(&self) -> &Tags;
    fn tags_mut(&mut self) -> &mut Tags;
}

/// Called with each (resource ID, tags) of a kind.
type TagVisitor<'a> = &'a mut dyn FnMut(String, &Tags);

/// How to reach the tags of one taggable kind.
struct TagAccess {
    kind: Kind,
    get: fn(&World, Digits) -> Option<&Tags>,
    set: fn(&mut World, Digits, Tags),
    /// Every (resource ID, tags) of the kind.
    each: fn(&World, TagVisitor<'_>),
}

fn get_in<K: ResourceId, V: Tagged>(table: &Table<K, V>, d: Digits) -> Option<&Tags> {
    table.get(&K::from_digits(d)).map(|v| v.tags())
}

fn set_in<K: ResourceId, V: Tagged>(table: &mut Table<K, V>, d: Digits, tags: Tags) {
    table.update(&K::from_digits(d), |v| *v.tags_mut() = tags);
}

fn each_in<K: ResourceId, V: Tagged>(table: &Table<K, V>, f: TagVisitor<'_>) {
    for (id, v) in table.iter() {
        f(id.to_string(), v.tags());
    }
}

/// One line per taggable kind.
static TAGGABLE: &[TagAccess] = &[
    TagAccess {
        kind: Kind::Instance,
        get: |w, d| {
            w.instances
                .get(&InstanceId::from_digits(d))
                .filter(|i| !i.expired_at(w.now()))
                .map(|i| &i.tags)
        },
        set: |w, d, t| set_in(&mut w.instances, d, t),
        each: |w, f| {
            for i in w.visible_instances() {
                f(i.id.to_string(), &i.tags);
            }
        },
    },
    TagAccess {
        kind: Kind::ElasticIp,
        get: |w, d| get_in(&w.elastic_ips, d),
        set: |w, d, t| set_in(&mut w.elastic_ips, d, t),
        each: |w, f| each_in(&w.elastic_ips, f),
    },
    TagAccess {
        kind: Kind::RouteTable,
        get: |w, d| get_in(&w.route_tables, d),
        set: |w, d, t| set_in(&mut w.route_tables, d, t),
        each: |w, f| each_in(&w.route_tables, f),
    },
    TagAccess {
        kind: Kind::InternetGateway,
        get: |w, d| get_in(&w.internet_gateways, d),
        set: |w, d, t| set_in(&mut w.internet_gateways, d, t),
        each: |w, f| each_in(&w.internet_gateways, f),
    },
    TagAccess {
        kind: Kind::EgressOnlyInternetGateway,
        get: |w, d| get_in(&w.egress_only_internet_gateways, d),
        set: |w, d, t| set_in(&mut w.egress_only_internet_gateways, d, t),
        each: |w, f| each_in(&w.egress_only_internet_gateways, f),
    },
    TagAccess {
        kind: Kind::NetworkAcl,
        get: |w, d| get_in(&w.network_acls, d),
        set: |w, d, t| set_in(&mut w.network_acls, d, t),
        each: |w, f| each_in(&w.network_acls, f),
    },
    TagAccess {
        kind: Kind::PrefixList,
        // AWS-managed lists are not the user's to tag: their ID is NotFound for tagging.
        get: |w, d| {
            w.prefix_lists
                .get(&PrefixListId::from_digits(d))
                .filter(|p| !p.aws_managed)
                .map(|p| &p.tags)
        },
        set: |w, d, t| set_in(&mut w.prefix_lists, d, t),
        each: |w, f| {
            for (id, p) in w.prefix_lists.iter().filter(|(_, p)| !p.aws_managed) {
                f(id.to_string(), &p.tags);
            }
        },
    },
    TagAccess {
        kind: Kind::DhcpOptions,
        get: |w, d| get_in(&w.dhcp_options, d),
        set: |w, d, t| set_in(&mut w.dhcp_options, d, t),
        each: |w, f| each_in(&w.dhcp_options, f),
    },
    TagAccess {
        kind: Kind::NetworkInterface,
        get: |w, d| get_in(&w.network_interfaces, d),
        set: |w, d, t| set_in(&mut w.network_interfaces, d, t),
        each: |w, f| each_in(&w.network_interfaces, f),
    },
    TagAccess {
        kind: Kind::SecurityGroup,
        get: |w, d| get_in(&w.security_groups, d),
        set: |w, d, t| set_in(&mut w.security_groups, d, t),
        each: |w, f| each_in(&w.security_groups, f),
    },
    TagAccess {
        kind: Kind::SecurityGroupRule,
        get: |w, d| {
            w.security_group_rule(&SecurityGroupRuleId::from_digits(d))
                .map(|(_, r)| &r.tags)
        },
        set: |w, d, t| {
            w.update_security_group_rule(&SecurityGroupRuleId::from_digits(d), |r| r.tags = t);
        },
        each: |w, f| {
            for group in w.security_groups.values() {
                for rule in group.ingress.iter().chain(&group.egress) {
                    f(rule.id.to_string(), &rule.tags);
                }
            }
        },
    },
    TagAccess {
        kind: Kind::Subnet,
        get: |w, d| get_in(&w.subnets, d),
        set: |w, d, t| set_in(&mut w.subnets, d, t),
        each: |w, f| each_in(&w.subnets, f),
    },
    TagAccess {
        kind: Kind::Vpc,
        get: |w, d| get_in(&w.vpcs, d),
        set: |w, d, t| set_in(&mut w.vpcs, d, t),
        each: |w, f| each_in(&w.vpcs, f),
    },
];

/// The taggable kind whose ID shape `id` has, and the ID's digits. DHCP options (`dopt-`)
/// and every kind the server does not tag have none, so tagging them answers `InvalidID`
/// rather than pretending.
fn target(id: &str) -> Option<(&'static TagAccess, Digits)> {
    TAGGABLE.iter().find_map(|t| {
        let rest = id
            .strip_prefix(t.kind.prefix())
            .and_then(|r| r.strip_prefix('-'))?;
        Digits::parse(rest).map(|d| (t, d))
    })
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagRow {
    pub resource_id: String,
    /// The kind's tag resource type (`vpc`, `network-interface`, …).
    pub resource_type: &'static str,
    pub key: String,
    pub value: String,
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

impl TagRow {
    /// True when the row passes every filter (ANDed; a filter's values ORed, wildcards on).
    pub fn matches_all(&self, filters: &[Filter]) -> bool {
        filters.iter().all(|f| {
            // The reference calls `tag:KEY` "the key/value combination of the tag": a row is
            // a single tag, so it matches when it is that key with a matching value.
            let candidate = match f.name.strip_prefix("tag:") {
                Some(key) => (key == self.key).then_some(self.value.as_str()),
                None => match f.name.as_str() {
                    "key" => Some(self.key.as_str()),
                    "value" => Some(self.value.as_str()),
                    "resource-id" => Some(self.resource_id.as_str()),
                    "resource-type" => Some(self.resource_type),
                    _ => None,
                },
            };
            candidate.is_some_and(|c| f.values.iter().any(|p| wildcard_match(p, c)))
        })
    }
}

impl World {
    /// The tags of any taggable resource: its NotFound error when the ID has a known shape
    /// but names nothing, `InvalidID` when the shape is no kind the server tags.
    pub fn tags_of(&self, id: &str) -> Ec2Result<&Tags> {
        let (access, digits) = target(id).ok_or_else(|| Ec2Error::InvalidId(id.to_owned()))?;
        (access.get)(self, digits).ok_or_else(|| Ec2Error::NotFound {
            kind: access.kind,
            id: id.to_owned(),
        })
    }

    /// Adds or overwrites `tags` on every resource, or on none: each resource's new tag set
    /// is computed (and checked against the per-resource limit) before any is stored.
    pub fn create_tags(&mut self, ids: &[String], tags: &[Tag]) -> Ec2Result<()> {
        let mut updated = Vec::with_capacity(ids.len());
        for id in ids {
            let mut next = self.tags_of(id)?.clone();
            next.set_all(tags)?;
            updated.push((id, next));
        }
        self.store_tags(updated);
        Ok(())
    }

    /// Removes the tags `deletion` names from every resource, or from none if any ID is bad.
    /// Naming a tag a resource does not have is not an error, as in EC2.
    pub fn delete_tags(&mut self, ids: &[String], deletion: &TagDeletion) -> Ec2Result<()> {
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
        self.store_tags(updated);
        Ok(())
    }

    fn store_tags(&mut self, updated: Vec<(&String, Tags)>) {
        for (id, next) in updated {
            if let Some((access, digits)) = target(id) {
                (access.set)(self, digits, next);
            }
        }
    }

    /// Every tag of every resource that passes the filters, ordered by resource ID then key
    /// (a total order, since keys are unique per resource, which pagination resumes from).
    pub fn tag_rows(&self, filters: &[Filter]) -> Ec2Result<Vec<TagRow>> {
        check_tag_filter_names(filters)?;
        let mut rows = Vec::new();
        for access in TAGGABLE {
            let resource_type = access.kind.info().tag_type.unwrap_or_default();
            (access.each)(self, &mut |resource_id, tags| {
                for t in tags.iter() {
                    let row = TagRow {
                        resource_id: resource_id.clone(),
                        resource_type,
                        key: t.key.clone(),
                        value: t.value.clone(),
                    };
                    if row.matches_all(filters) {
                        rows.push(row);
                    }
                }
            });
        }
        rows.sort_unstable_by(|a, b| (&a.resource_id, &a.key).cmp(&(&b.resource_id, &b.key)));
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn taggable_kinds_by_id_shape() {
        let kind = |id: &str| target(id).map(|(t, _)| t.kind);
        assert_eq!(kind("vpc-0123456789abcdef0"), Some(Kind::Vpc));
        assert_eq!(kind("subnet-b2a249da"), Some(Kind::Subnet));
        assert_eq!(kind("sg-0123456789abcdef0"), Some(Kind::SecurityGroup));
        assert_eq!(kind("sgr-0123456789abcdef0"), Some(Kind::SecurityGroupRule));
        assert_eq!(kind("eni-0123456789abcdef0"), Some(Kind::NetworkInterface));
        assert_eq!(kind("dopt-0123456789abcdef0"), Some(Kind::DhcpOptions));
        assert_eq!(kind("i-0123456789abcdef0"), Some(Kind::Instance));
        assert_eq!(kind("eipalloc-0123456789abcdef0"), Some(Kind::ElasticIp));
        for unknown in ["ami-0123456789abcdef0", "vpc-12", "", "-"] {
            assert_eq!(kind(unknown), None, "{unknown}");
        }
        for access in TAGGABLE {
            assert!(access.kind.info().tag_type.is_some(), "{:?}", access.kind);
        }
    }

    #[test]
    fn tag_filter_on_a_row_needs_its_key() {
        let row = TagRow {
            resource_id: "vpc-0123456789abcdef0".into(),
            resource_type: "vpc",
            key: "Name".into(),
            value: "web".into(),
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
