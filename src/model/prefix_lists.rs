//! Managed prefix lists: the ones users create (versioned sets of CIDRs with a maximum size)
//! and the AWS-managed ones every region has for its gateway-endpoint services (S3,
//! DynamoDB), which security group rules and routes may name.
//!
//! The AWS-managed lists are made with the world, owned by `AWS`, never exported and never
//! changeable. Their IDs are derived from the region and the service (8 hex digits, the shape
//! of real AWS list IDs), so they are the same in every account of a region, as in EC2. Their
//! entries are representative ranges of each service, the same in every region: ec2-mock does
//! not carry AWS's published ranges of every region.

use std::sync::Arc;

use ipnet::IpNet;

use crate::error::{Ec2Error, Ec2Result};
use crate::model::filters::Filterable;
use crate::model::ids::{Digits, PrefixListId, ResourceId};
use crate::model::tagging::Tagged;
use crate::model::tags::{Tag, Tags};
use crate::model::vpcs::id_used_twice;
use crate::model::world::draw_id;
use crate::model::World;

/// The most entries a list may be made with (EC2's quota for `MaxEntries`).
pub const MAX_ENTRIES_LIMIT: i64 = 1000;
/// The versions of a list whose entries stay readable (Amazon VPC quotas, "Versions per
/// prefix list": past it, the oldest goes).
pub const VERSIONS_KEPT: usize = 1000;

/// The AWS-managed lists of every region: service and entries.
const AWS_LISTS: &[(&str, &[&str])] = &[
    (
        "s3",
        &[
            "3.5.0.0/19",
            "16.15.176.0/20",
            "16.182.0.0/16",
            "18.34.0.0/19",
            "52.216.0.0/15",
            "54.231.0.0/16",
        ],
    ),
    (
        "dynamodb",
        &[
            "3.218.180.0/22",
            "35.71.64.0/22",
            "52.94.0.0/22",
            "52.119.224.0/20",
        ],
    ),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressFamily {
    Ipv4,
    Ipv6,
}

impl AddressFamily {
    pub fn as_str(self) -> &'static str {
        match self {
            AddressFamily::Ipv4 => "IPv4",
            AddressFamily::Ipv6 => "IPv6",
        }
    }

    pub fn parse(value: &str) -> Option<AddressFamily> {
        match value {
            "IPv4" => Some(AddressFamily::Ipv4),
            "IPv6" => Some(AddressFamily::Ipv6),
            _ => None,
        }
    }

    fn holds(self, net: &IpNet) -> bool {
        matches!(
            (self, net),
            (AddressFamily::Ipv4, IpNet::V4(_)) | (AddressFamily::Ipv6, IpNet::V6(_))
        )
    }
}

#[derive(Debug, Clone)]
pub struct PrefixList {
    pub id: PrefixListId,
    pub name: String,
    pub address_family: AddressFamily,
    pub max_entries: i64,
    pub entries: Vec<PrefixListEntry>,
    /// Starts at 1 and goes up with every change of the entries.
    pub version: i64,
    /// The entries of earlier versions, oldest first, for GetManagedPrefixListEntries'
    /// `TargetVersion` (a list loaded from a state file starts with none).
    pub history: Vec<(i64, Vec<PrefixListEntry>)>,
    /// Changed by ModifyManagedPrefixList at least once (its state is `modify-complete`).
    pub modified: bool,
    /// The account, or `AWS` for the AWS-managed lists.
    pub owner_id: String,
    pub aws_managed: bool,
    pub tags: Tags,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrefixListEntry {
    pub cidr: IpNet,
    pub description: Option<String>,
}

impl Tagged for PrefixList {
    fn tags(&self) -> &Tags {
        &self.tags
    }
    fn tags_mut(&mut self) -> &mut Tags {
        &mut self.tags
    }
}

impl PrefixList {
    pub fn arn(&self, region: &str) -> String {
        let owner = if self.aws_managed {
            "aws"
        } else {
            &self.owner_id
        };
        format!("arn:aws:ec2:{region}:{owner}:prefix-list/{}", self.id)
    }
}

/// What CreateManagedPrefixList asks for.
#[derive(Debug, Clone)]
pub struct NewPrefixList {
    pub name: String,
    pub address_family: AddressFamily,
    pub max_entries: i64,
    pub entries: Vec<PrefixListEntry>,
    pub tags: Vec<Tag>,
}

/// What ModifyManagedPrefixList changes.
#[derive(Debug, Clone, Default)]
pub struct PrefixListChange {
    pub current_version: Option<i64>,
    pub name: Option<String>,
    pub max_entries: Option<i64>,
    pub add: Vec<PrefixListEntry>,
    pub remove: Vec<IpNet>,
}

/// An AWS-managed list's ID: 8 hex digits of an FNV-1a digest of region and service.
fn aws_list_id(region: &str, service: &str) -> PrefixListId {
    let h = format!("{region}/{service}")
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        });
    PrefixListId::from_digits(Digits::short(h as u32))
}

/// More entries than the list's `MaxEntries`. EC2's code for this is not documented;
/// InvalidParameterValue is the closest documented one.
fn max_entries_exceeded(max: i64) -> Ec2Error {
    Ec2Error::InvalidParameterValue(format!(
        "The prefix list would have more entries than its maximum of {max}"
    ))
}

/// The reference: "Constraints: Up to 255 characters in length. The name cannot start with
/// com.amazonaws." An empty name is no name.
fn check_name(name: &str) -> Ec2Result<()> {
    if name.starts_with("com.amazonaws") {
        return Err(Ec2Error::InvalidParameterValue(
            "Prefix list names starting with com.amazonaws are reserved".into(),
        ));
    }
    if name.is_empty() || name.chars().count() > 255 {
        return Err(Ec2Error::InvalidParameterValue(
            "A prefix list name must be 1 to 255 characters long".into(),
        ));
    }
    Ok(())
}

fn check_entries(family: AddressFamily, entries: &[PrefixListEntry]) -> Ec2Result<()> {
    for (i, e) in entries.iter().enumerate() {
        if !family.holds(&e.cidr) {
            return Err(Ec2Error::InvalidParameterValue(format!(
                "The CIDR {} does not match the address family {} of the prefix list",
                e.cidr,
                family.as_str()
            )));
        }
        if entries[..i].iter().any(|o| o.cidr == e.cidr) {
            return Err(Ec2Error::InvalidParameterValue(format!(
                "The CIDR {} is specified more than once",
                e.cidr
            )));
        }
    }
    Ok(())
}

impl World {
    /// The region's AWS-managed lists, made with the world.
    pub(in crate::model) fn add_aws_prefix_lists(&mut self) {
        for (service, cidrs) in AWS_LISTS {
            let id = aws_list_id(self.region.name, service);
            let entries: Vec<PrefixListEntry> = cidrs
                .iter()
                .filter_map(|c| c.parse().ok())
                .map(|cidr| PrefixListEntry {
                    cidr,
                    description: None,
                })
                .collect();
            self.prefix_lists.insert(
                id,
                PrefixList {
                    id,
                    name: format!("com.amazonaws.{}.{service}", self.region.name),
                    address_family: AddressFamily::Ipv4,
                    max_entries: entries.len() as i64,
                    entries,
                    version: 1,
                    history: Vec::new(),
                    modified: false,
                    owner_id: "AWS".into(),
                    aws_managed: true,
                    tags: Tags::default(),
                },
            );
        }
    }

    /// Whether `id` is one of the region's AWS-managed lists.
    pub fn aws_prefix_list_exists(&self, id: PrefixListId) -> bool {
        self.prefix_lists.get(&id).is_some_and(|p| p.aws_managed)
    }

    pub fn prefix_list(&self, id: &str) -> Ec2Result<&Arc<PrefixList>> {
        self.prefix_lists.lookup(id)
    }

    /// A list the user may change: not AWS-managed.
    fn own_prefix_list(&self, id: &str) -> Ec2Result<Arc<PrefixList>> {
        let list = self.prefix_list(id)?;
        if list.aws_managed {
            return Err(Ec2Error::InvalidParameterValue(format!(
                "The prefix list {} is managed by AWS and cannot be modified or deleted",
                list.id
            )));
        }
        Ok(list.clone())
    }

    pub fn create_prefix_list(
        &mut self,
        req: NewPrefixList,
        id: Option<PrefixListId>,
    ) -> Ec2Result<PrefixListId> {
        check_name(&req.name)?;
        check_entries(req.address_family, &req.entries)?;
        if !(1..=MAX_ENTRIES_LIMIT).contains(&req.max_entries) {
            return Err(Ec2Error::InvalidParameterValue(format!(
                "Value ({}) for parameter maxEntries is invalid. It must be between 1 and {MAX_ENTRIES_LIMIT}",
                req.max_entries
            )));
        }
        if req.entries.len() as i64 > req.max_entries {
            return Err(max_entries_exceeded(req.max_entries));
        }
        if let Some(id) = &id {
            if self.prefix_lists.contains(id) {
                return Err(id_used_twice(id));
            }
        }
        let mut tags = Tags::default();
        tags.set_all(&req.tags)?;
        let id = match id {
            Some(id) => id,
            None => draw_id(&mut self.streams, |id| self.prefix_lists.contains(id)),
        };
        self.prefix_lists.insert(
            id,
            PrefixList {
                id,
                name: req.name,
                address_family: req.address_family,
                max_entries: req.max_entries,
                entries: req.entries,
                version: 1,
                history: Vec::new(),
                modified: false,
                owner_id: self.account_id.clone(),
                aws_managed: false,
                tags,
            },
        );
        Ok(id)
    }

    /// ModifyManagedPrefixList: name, size, entries added and removed; the version goes up
    /// when the entries change, and `CurrentVersion` must be the version now.
    pub fn modify_prefix_list(&mut self, id: &str, change: PrefixListChange) -> Ec2Result<()> {
        let list = self.own_prefix_list(id)?;
        if let Some(name) = &change.name {
            check_name(name)?;
        }
        let changes_entries = !change.add.is_empty() || !change.remove.is_empty();
        if changes_entries && change.max_entries.is_some() {
            // EC2's words (hashicorp/terraform-provider-aws#26034).
            return Err(Ec2Error::InvalidParameterCombination(
                "You cannot modify the entries and the maximum entries for the prefix list in the same request."
                    .into(),
            ));
        }
        if changes_entries && change.current_version.is_none() {
            return Err(Ec2Error::MissingParameter("CurrentVersion".into()));
        }
        if let Some(v) = change.current_version {
            if v != list.version {
                return Err(Ec2Error::PrefixListVersionMismatch {
                    given: v,
                    current: list.version,
                });
            }
        }
        // EC2 refuses a CIDR both added and removed (its words, as the Terraform provider
        // quotes them), so a description changes by removing the entry and adding it again.
        if let Some(both) = change.add.iter().find(|a| change.remove.contains(&a.cidr)) {
            return Err(Ec2Error::InvalidParameterValue(format!(
                "Request cannot contain Cidr {} in both AddPrefixListEntries and RemovePrefixListEntries",
                both.cidr
            )));
        }
        let mut entries = list.entries.clone();
        for cidr in &change.remove {
            let Some(i) = entries.iter().position(|e| e.cidr == *cidr) else {
                return Err(Ec2Error::InvalidParameterValue(format!(
                    "The CIDR {cidr} is not an entry of the prefix list {}",
                    list.id
                )));
            };
            entries.remove(i);
        }
        check_entries(list.address_family, &change.add)?;
        for e in &change.add {
            // An entry the list has is refused, whatever its description
            // (hashicorp/terraform-provider-aws#29204 quotes EC2's code and words).
            if let Some(existing) = entries.iter().find(|x| x.cidr == e.cidr) {
                return Err(Ec2Error::InvalidPrefixListModification(format!(
                    "An entry with the CIDR ({}) and description ({}) already exists.",
                    existing.cidr,
                    existing.description.as_deref().unwrap_or_default()
                )));
            }
            entries.push(e.clone());
        }
        let max_entries = change.max_entries.unwrap_or(list.max_entries);
        if !(1..=MAX_ENTRIES_LIMIT).contains(&max_entries) {
            return Err(Ec2Error::InvalidParameterValue(format!(
                "Value ({max_entries}) for parameter maxEntries is invalid. It must be between 1 and {MAX_ENTRIES_LIMIT}"
            )));
        }
        if entries.len() as i64 > max_entries {
            return Err(max_entries_exceeded(max_entries));
        }
        // The reference: "If any of the resources that reference the prefix list cannot
        // support the new maximum size, the modify operation fails", naming the first ten.
        if max_entries > list.max_entries {
            let over = self.groups_over_quota_if_resized(list.id, max_entries);
            if !over.is_empty() {
                let names: Vec<String> = over.iter().map(ToString::to_string).collect();
                return Err(Ec2Error::InvalidParameterValue(format!(
                    "The prefix list {} cannot have {max_entries} entries: the rules of {} would exceed the quota of rules per security group",
                    list.id,
                    names.join(", ")
                )));
            }
        }
        self.prefix_lists.update(&list.id, |p| {
            if let Some(name) = change.name {
                p.name = name;
            }
            p.max_entries = max_entries;
            p.modified = true;
            if changes_entries {
                let old = std::mem::replace(&mut p.entries, entries);
                p.history.push((p.version, old));
                if p.history.len() > VERSIONS_KEPT {
                    p.history.remove(0);
                }
                p.version += 1;
            }
        });
        Ok(())
    }

    /// The entries of one version of a list: the current one, or one kept in its history.
    pub fn prefix_list_entries(
        &self,
        id: &str,
        version: Option<i64>,
    ) -> Ec2Result<&[PrefixListEntry]> {
        let list = self.prefix_list(id)?;
        match version {
            None => Ok(&list.entries),
            Some(v) if v == list.version => Ok(&list.entries),
            Some(v) => list
                .history
                .iter()
                .find(|(kept, _)| *kept == v)
                .map(|(_, entries)| entries.as_slice())
                .ok_or_else(|| {
                    Ec2Error::InvalidParameterValue(format!(
                        "Value ({v}) for parameter targetVersion is invalid. The prefix list {} has no version {v}",
                        list.id
                    ))
                }),
        }
    }

    /// DeleteManagedPrefixList: refused while a rule or route names the list.
    pub fn delete_prefix_list(&mut self, id: &str) -> Ec2Result<Arc<PrefixList>> {
        let list = self.own_prefix_list(id)?;
        let in_rule = self.security_groups.values().any(|g| {
            g.ingress
                .iter()
                .chain(&g.egress)
                .any(|r| r.peer == crate::model::security_groups::Peer::PrefixList(list.id))
        });
        let in_route = self.route_tables.values().any(|t| {
            t.routes.iter().any(|r| {
                r.destination == crate::model::route_tables::Destination::PrefixList(list.id)
            })
        });
        if in_rule || in_route {
            return Err(Ec2Error::DependencyViolation(format!(
                "The prefix list {} is referenced by another resource and cannot be deleted.",
                list.id
            )));
        }
        self.prefix_lists.remove(&list.id);
        Ok(list)
    }
}

impl Filterable for PrefixList {
    const FILTER_NAMES: &'static [&'static str] =
        &["owner-id", "prefix-list-id", "prefix-list-name"];

    fn tags(&self) -> &Tags {
        &self.tags
    }

    fn filter_values(&self, name: &str) -> Vec<String> {
        match name {
            "owner-id" => vec![self.owner_id.clone()],
            "prefix-list-id" => vec![self.id.to_string()],
            "prefix-list-name" => vec![self.name.clone()],
            _ => Vec::new(),
        }
    }
}
