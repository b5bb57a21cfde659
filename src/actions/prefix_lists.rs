//! CreateManagedPrefixList, DescribeManagedPrefixLists, GetManagedPrefixListEntries,
//! ModifyManagedPrefixList, DeleteManagedPrefixList, and DescribePrefixLists (the AWS
//! service lists, in their older shape).

use std::sync::Arc;

use ipnet::IpNet;

use crate::actions::common::{
    decode_token, encode_token, parse_page_within, parse_tag_specifications, write_tag_set, Page,
};
use crate::actions::describe::{Found, Query};
use crate::actions::{Action, Call, Read, Write};
use crate::error::{Ec2Error, Ec2Result};
use crate::kinds::Kind;
use crate::model::prefix_lists::{
    AddressFamily, NewPrefixList, PrefixList, PrefixListChange, PrefixListEntry,
};
use crate::model::World;
use crate::wire::params::Scope;
use crate::wire::xml::XmlWriter;

/// A list with the region it is in, for its ARN.
pub type RegionalList = (Arc<PrefixList>, &'static str);

fn parse_entries(p: &Scope<'_>, name: &str) -> Ec2Result<Vec<PrefixListEntry>> {
    p.list(name)
        .into_iter()
        .map(|e| {
            let cidr = e.required_string("Cidr")?;
            let cidr: IpNet = cidr.trim().parse().map_err(|_| {
                Ec2Error::InvalidParameterValue(format!(
                    "Value ({cidr}) for parameter cidr is invalid. This is not a valid CIDR block."
                ))
            })?;
            Ok(PrefixListEntry {
                cidr: cidr.trunc(),
                description: e.string("Description"),
            })
        })
        .collect()
}

pub struct CreateManagedPrefixList {
    request: NewPrefixList,
}

impl Action for CreateManagedPrefixList {
    type Output = RegionalList;

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let p = call.root();
        let name = p.required_string("PrefixListName")?;
        let entries = parse_entries(&p, "Entry");
        let max_entries = p.int("MaxEntries")?;
        let family = p.required_string("AddressFamily")?;
        let tags = parse_tag_specifications(&p, Kind::PrefixList)?;
        let _client_token = p.string("ClientToken");
        call.finish()?;
        let address_family = AddressFamily::parse(&family).ok_or_else(|| {
            Ec2Error::InvalidParameterValue(format!(
                "Value ({family}) for parameter addressFamily is invalid. Valid values: IPv4, IPv6"
            ))
        })?;
        Ok(CreateManagedPrefixList {
            request: NewPrefixList {
                name,
                address_family,
                max_entries: max_entries
                    .ok_or_else(|| Ec2Error::MissingParameter("MaxEntries".into()))?,
                entries: entries?,
                tags,
            },
        })
    }

    fn render((list, region): &RegionalList, w: &mut XmlWriter) {
        w.node("prefixList", |w| write_prefix_list(w, list, region));
    }
}

impl Write for CreateManagedPrefixList {
    fn write(self, world: &mut World) -> Ec2Result<RegionalList> {
        let id = world.create_prefix_list(self.request, None)?;
        Ok((world.prefix_lists().fetch(&id)?, world.region().name))
    }
}

pub struct DescribeManagedPrefixLists {
    query: Query,
}

impl Action for DescribeManagedPrefixLists {
    type Output = (Found<Arc<PrefixList>>, &'static str);

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let query = Query::parse_within(&call.root(), "PrefixListId", 1, 100)?;
        call.finish()?;
        Ok(DescribeManagedPrefixLists { query })
    }

    fn render((found, region): &Self::Output, w: &mut XmlWriter) {
        found.render(w, "prefixListSet", |w, list| {
            write_prefix_list(w, list, region)
        });
    }
}

impl Read for DescribeManagedPrefixLists {
    fn read(self, world: &World) -> Ec2Result<Self::Output> {
        Ok((
            self.query.run(world.prefix_lists(), Arc::clone)?,
            world.region().name,
        ))
    }
}

pub struct GetManagedPrefixListEntries {
    id: String,
    target_version: Option<i64>,
    page: Page,
}

impl Action for GetManagedPrefixListEntries {
    type Output = (Vec<PrefixListEntry>, Option<String>);

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let p = call.root();
        let id = p.required_string("PrefixListId")?;
        let target_version = p.int("TargetVersion")?;
        let page = parse_page_within(&p, 1, 100)?;
        call.finish()?;
        Ok(GetManagedPrefixListEntries {
            id,
            target_version,
            page,
        })
    }

    fn render((entries, next_token): &Self::Output, w: &mut XmlWriter) {
        w.list("entrySet", entries, |w, e| {
            w.text("cidr", e.cidr);
            w.opt("description", e.description.as_deref());
        });
        w.opt("nextToken", next_token.as_deref());
    }
}

impl Read for GetManagedPrefixListEntries {
    fn read(self, world: &World) -> Ec2Result<Self::Output> {
        let all = world.prefix_list_entries(&self.id, self.target_version)?;
        let start = match &self.page.next_token {
            None => 0,
            Some(token) => decode_token(token)?
                .parse::<usize>()
                .map_err(|_| Ec2Error::InvalidPaginationToken(token.clone()))?,
        };
        let limit = self.page.max_results.unwrap_or(usize::MAX);
        let entries: Vec<PrefixListEntry> = all.iter().skip(start).take(limit).cloned().collect();
        let end = start.saturating_add(entries.len());
        let next_token = (end < all.len()).then(|| encode_token(&end.to_string()));
        Ok((entries, next_token))
    }
}

pub struct ModifyManagedPrefixList {
    id: String,
    change: PrefixListChange,
}

impl Action for ModifyManagedPrefixList {
    type Output = RegionalList;

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let p = call.root();
        let id = p.required_string("PrefixListId")?;
        let current_version = p.int("CurrentVersion")?;
        let name = p.string("PrefixListName");
        let add = parse_entries(&p, "AddEntry");
        let remove: Vec<String> = p
            .list("RemoveEntry")
            .into_iter()
            .map(|e| e.string("Cidr").unwrap_or_default())
            .collect();
        let max_entries = p.int("MaxEntries")?;
        let _sync = p.bool("IpamPrefixListResolverSyncEnabled")?;
        call.finish()?;
        let remove = remove
            .iter()
            .map(|c| {
                c.trim().parse::<IpNet>().map(|n| n.trunc()).map_err(|_| {
                    Ec2Error::InvalidParameterValue(format!(
                        "Value ({c}) for parameter cidr is invalid. This is not a valid CIDR block."
                    ))
                })
            })
            .collect::<Ec2Result<Vec<_>>>()?;
        Ok(ModifyManagedPrefixList {
            id,
            change: PrefixListChange {
                current_version,
                name,
                max_entries,
                add: add?,
                remove,
            },
        })
    }

    fn render((list, region): &RegionalList, w: &mut XmlWriter) {
        w.node("prefixList", |w| write_prefix_list(w, list, region));
    }
}

impl Write for ModifyManagedPrefixList {
    fn write(self, world: &mut World) -> Ec2Result<RegionalList> {
        world.modify_prefix_list(&self.id, self.change)?;
        Ok((world.prefix_list(&self.id)?.clone(), world.region().name))
    }
}

pub struct DeleteManagedPrefixList {
    id: String,
}

impl Action for DeleteManagedPrefixList {
    type Output = RegionalList;

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let id = call.root().required_string("PrefixListId")?;
        call.finish()?;
        Ok(DeleteManagedPrefixList { id })
    }

    // The deleted list, in `delete-complete`: the deletion is immediate here.
    fn render((list, region): &RegionalList, w: &mut XmlWriter) {
        w.node("prefixList", |w| {
            write_prefix_list_in(w, list, region, "delete-complete")
        });
    }
}

impl Write for DeleteManagedPrefixList {
    fn write(self, world: &mut World) -> Ec2Result<RegionalList> {
        Ok((world.delete_prefix_list(&self.id)?, world.region().name))
    }
}

pub struct DescribePrefixLists {
    query: Query,
}

impl Action for DescribePrefixLists {
    type Output = Found<Arc<PrefixList>>;

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let query = Query::parse(&call.root(), "PrefixListId")?;
        call.finish()?;
        Ok(DescribePrefixLists { query })
    }

    fn render(found: &Self::Output, w: &mut XmlWriter) {
        found.render(w, "prefixListSet", |w, list| {
            w.string_list(
                "cidrSet",
                &list.entries.iter().map(|e| e.cidr).collect::<Vec<_>>(),
            );
            w.text("prefixListId", list.id);
            w.text("prefixListName", &list.name);
        });
    }
}

impl Read for DescribePrefixLists {
    // DescribePrefixLists shows the AWS service lists only (the older API of gateway
    // endpoints); the user's lists are DescribeManagedPrefixLists'.
    fn read(self, world: &World) -> Ec2Result<Self::Output> {
        self.query.run_keyed(world.prefix_lists(), |_, list| {
            list.aws_managed.then(|| list.clone())
        })
    }
}

fn write_prefix_list(w: &mut XmlWriter, list: &PrefixList, region: &str) {
    let state = if list.modified || list.version > 1 {
        "modify-complete"
    } else {
        "create-complete"
    };
    write_prefix_list_in(w, list, region, state);
}

/// One `ManagedPrefixList`, in the order of botocore's output shape.
fn write_prefix_list_in(w: &mut XmlWriter, list: &PrefixList, region: &str, state: &str) {
    w.text("prefixListId", list.id);
    w.text("addressFamily", list.address_family.as_str());
    w.text("state", state);
    w.text("prefixListArn", list.arn(region));
    w.text("prefixListName", &list.name);
    // EC2 shows no size and no version for AWS's own lists (re:Post: "Lists that don't have
    // version return nothing instead of Version: 0").
    if !list.aws_managed {
        w.text("maxEntries", list.max_entries);
        w.text("version", list.version);
    }
    write_tag_set(w, &list.tags);
    w.text("ownerId", &list.owner_id);
}
