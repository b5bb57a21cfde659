//! CreateTags, DeleteTags, DescribeTags: tags on every resource type the server knows.

use crate::actions::common::{
    decode_token, encode_token, parse_filters, parse_page, write_return, Page,
};
use crate::actions::{Action, Call, Read, Write};
use crate::error::{Ec2Error, Ec2Result};
use crate::model::filters::Filter;
use crate::model::tagging::{TagDeletion, TagMatch, TagRow};
use crate::model::tags::{validate_tag, Tag};
use crate::model::World;
use crate::wire::params::Scope;
use crate::wire::xml::XmlWriter;

/// CreateTags as the request gives it.
#[derive(Debug, Clone)]
pub struct CreateTags {
    pub resource_ids: Vec<String>,
    pub tags: Vec<Tag>,
}

impl CreateTags {
    fn read(p: &Scope) -> Self {
        let tags = p
            .list("Tag")
            .into_iter()
            .map(|t| Tag {
                key: t.string("Key").unwrap_or_default(),
                // The reference: a tag without a value gets the empty string.
                value: t.string("Value").unwrap_or_default(),
            })
            .collect();
        CreateTags {
            resource_ids: p.string_list("ResourceId"),
            tags,
        }
    }

    /// The stateless rules: both lists present, every tag within EC2's limits.
    fn validate(&self) -> Ec2Result<()> {
        if self.resource_ids.is_empty() {
            return Err(Ec2Error::MissingParameter("resourceIdSet".into()));
        }
        if self.tags.is_empty() {
            return Err(Ec2Error::MissingParameter("Tag".into()));
        }
        self.tags.iter().try_for_each(validate_tag)
    }
}

/// DeleteTags as the request gives it.
#[derive(Debug, Clone)]
pub struct DeleteTags {
    pub resource_ids: Vec<String>,
    pub deletion: TagDeletion,
}

impl DeleteTags {
    fn read(p: &Scope) -> Self {
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
        DeleteTags {
            resource_ids: p.string_list("ResourceId"),
            deletion,
        }
    }

    /// The same key and value rules as CreateTags: `aws:` keys are not the user's to delete.
    fn validate(&self) -> Ec2Result<()> {
        if self.resource_ids.is_empty() {
            return Err(Ec2Error::MissingParameter("resourceIdSet".into()));
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

impl Action for CreateTags {
    type Output = ();

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let req = CreateTags::read(&call.root());
        call.finish()?;
        req.validate()?;
        Ok(req)
    }

    fn render(_: &(), w: &mut XmlWriter) {
        write_return(w);
    }
}

impl Write for CreateTags {
    fn write(self, world: &mut World) -> Ec2Result<()> {
        world.create_tags(&self.resource_ids, &self.tags)
    }
}

impl Action for DeleteTags {
    type Output = ();

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let req = DeleteTags::read(&call.root());
        call.finish()?;
        req.validate()?;
        Ok(req)
    }

    fn render(_: &(), w: &mut XmlWriter) {
        write_return(w);
    }
}

impl Write for DeleteTags {
    fn write(self, world: &mut World) -> Ec2Result<()> {
        world.delete_tags(&self.resource_ids, &self.deletion)
    }
}

pub struct DescribeTags {
    filters: Vec<Filter>,
    page: Page,
}

impl Action for DescribeTags {
    type Output = (Vec<TagRow>, Option<String>);

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let p = call.root();
        let filters = parse_filters(&p)?;
        let page = parse_page(&p)?;
        call.finish()?;
        Ok(DescribeTags { filters, page })
    }

    fn render((rows, next_token): &Self::Output, w: &mut XmlWriter) {
        w.list("tagSet", rows, |w, row| {
            w.text("resourceId", &row.resource_id);
            w.text("resourceType", row.resource_type);
            w.text("key", &row.key);
            w.text("value", &row.value);
        });
        w.opt("nextToken", next_token.as_deref());
    }
}

impl Read for DescribeTags {
    fn read(self, world: &World) -> Ec2Result<Self::Output> {
        let rows = world.tag_rows(&self.filters)?;
        paginate(rows, &self.page)
    }
}

/// Cuts the ordered rows into one page. The token names the last row as `{resource id}
/// {key}` (IDs hold no space, so the first space splits them), with the hex scheme the
/// other Describe calls use; the next page starts after that row even if it was deleted.
fn paginate(rows: Vec<TagRow>, page: &Page) -> Ec2Result<(Vec<TagRow>, Option<String>)> {
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
            (r.resource_id.as_str(), r.key.as_str()) > (id.as_str(), key.as_str())
        })
    });
    let chosen: Vec<TagRow> = rest.by_ref().take(limit).collect();
    // A token only when another page has something in it, never for an empty last page.
    let next_token = match rest.next() {
        Some(_) => chosen
            .last()
            .map(|r| encode_token(&format!("{} {}", r.resource_id, r.key))),
        None => None,
    };
    Ok((chosen, next_token))
}
