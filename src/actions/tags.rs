//! CreateTags, DeleteTags, DescribeTags: tags on every resource type the server knows.

use crate::actions::common::{
    decode_token, dry_run, encode_token, parse_filters, parse_page, write_next_token, Page,
};
use crate::actions::Call;
use crate::error::{Ec2Error, Ec2Result};
use crate::model::tagging::{TagDeletion, TagMatch, TagRow};
use crate::model::tags::{validate_tag, Tag};
use crate::model::World;
use crate::wire::params::Scope;

/// CreateTags as the request gives it.
#[derive(Debug, Clone)]
pub struct CreateTagsRequest {
    pub resource_ids: Vec<String>,
    pub tags: Vec<Tag>,
}

impl CreateTagsRequest {
    fn parse(p: &Scope) -> Self {
        let tags = p
            .list("Tag")
            .into_iter()
            .map(|t| Tag {
                key: t.string("Key").unwrap_or_default(),
                // The reference: a tag without a value gets the empty string.
                value: t.string("Value").unwrap_or_default(),
            })
            .collect();
        CreateTagsRequest {
            resource_ids: p.string_list("ResourceId"),
            tags,
        }
    }

    /// The stateless rules: both lists present, every tag within EC2's limits.
    fn validate(&self) -> Ec2Result<()> {
        if self.resource_ids.is_empty() {
            return Err(Ec2Error::MissingParameter("ResourceId".into()));
        }
        if self.tags.is_empty() {
            return Err(Ec2Error::MissingParameter("Tag".into()));
        }
        self.tags.iter().try_for_each(validate_tag)
    }
}

/// DeleteTags as the request gives it.
#[derive(Debug, Clone)]
pub struct DeleteTagsRequest {
    pub resource_ids: Vec<String>,
    pub deletion: TagDeletion,
}

impl DeleteTagsRequest {
    fn parse(p: &Scope) -> Self {
        let matches: Vec<TagMatch> = p
            .list("Tag")
            .into_iter()
            .map(|t| TagMatch {
                key: t.string("Key").unwrap_or_default(),
                // Absent and empty differ here: `Tag.1.Value=` deletes only an empty value.
                value: t.string("Value"),
            })
            .collect();
        let deletion = if matches.is_empty() {
            TagDeletion::All
        } else {
            TagDeletion::Matching(matches)
        };
        DeleteTagsRequest {
            resource_ids: p.string_list("ResourceId"),
            deletion,
        }
    }

    /// The same key and value rules as CreateTags: `aws:` keys are not the user's to delete.
    fn validate(&self) -> Ec2Result<()> {
        if self.resource_ids.is_empty() {
            return Err(Ec2Error::MissingParameter("ResourceId".into()));
        }
        if let TagDeletion::Matching(matches) = &self.deletion {
            for m in matches {
                validate_tag(&Tag {
                    key: m.key.clone(),
                    value: m.value.clone().unwrap_or_default(),
                })?;
            }
        }
        Ok(())
    }
}

pub fn create_tags(call: &Call<'_>, world: &mut World) -> Ec2Result<Vec<u8>> {
    let p = call.root();
    let dry = dry_run(&p)?;
    let req = CreateTagsRequest::parse(&p);
    call.finish()?;
    req.validate()?;
    world.create_tags(&req.resource_ids, &req.tags, dry)?;
    Ok(call.reply(|w| {
        w.text("return", "true");
    }))
}

pub fn delete_tags(call: &Call<'_>, world: &mut World) -> Ec2Result<Vec<u8>> {
    let p = call.root();
    let dry = dry_run(&p)?;
    let req = DeleteTagsRequest::parse(&p);
    call.finish()?;
    req.validate()?;
    world.delete_tags(&req.resource_ids, &req.deletion, dry)?;
    Ok(call.reply(|w| {
        w.text("return", "true");
    }))
}

pub fn describe_tags(call: &Call<'_>, world: &mut World) -> Ec2Result<Vec<u8>> {
    let p = call.root();
    let dry = dry_run(&p)?;
    let filters = parse_filters(&p)?;
    let page = parse_page(&p)?;
    call.finish()?;
    let rows = world.tag_rows(&filters)?;
    let (rows, next_token) = paginate(rows, &page)?;
    if dry {
        return Err(Ec2Error::DryRunOperation);
    }
    Ok(call.reply(|w| {
        w.list("tagSet", &rows, |w, row| {
            w.text("resourceId", row.resource_id);
            w.text("resourceType", row.resource_type.as_str());
            w.text("key", row.key);
            w.text("value", row.value);
        });
        write_next_token(w, &next_token);
    }))
}

/// Cuts the ordered rows into one page. The token names the last row as `{resource id}
/// {key}` (IDs hold no space, so the first space splits them), with the hex scheme the
/// other Describe calls use; the next page starts after that row even if it was deleted.
fn paginate<'a>(
    rows: Vec<TagRow<'a>>,
    page: &Page,
) -> Ec2Result<(Vec<TagRow<'a>>, Option<String>)> {
    let after = match &page.next_token {
        None => None,
        Some(token) => {
            let decoded = decode_token(token)?;
            match decoded.split_once(' ') {
                Some((id, key)) if !id.is_empty() => Some((id.to_owned(), key.to_owned())),
                _ => return Err(Ec2Error::InvalidPaginationToken(token.clone())),
            }
        }
    };
    let limit = page.max_results.unwrap_or(usize::MAX);
    let mut rest = rows.into_iter().filter(|r| {
        after.as_ref().map_or(true, |(id, key)| {
            (r.resource_id, r.key) > (id.as_str(), key.as_str())
        })
    });
    let chosen: Vec<TagRow<'a>> = rest.by_ref().take(limit).collect();
    // A token only when another page has something in it, never for an empty last page.
    let next_token = match rest.next() {
        Some(_) => chosen
            .last()
            .map(|r| encode_token(&format!("{} {}", r.resource_id, r.key))),
        None => None,
    };
    Ok((chosen, next_token))
}
