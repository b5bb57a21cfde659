//! What many actions share: DryRun, ID lists, filters, pagination, tag specifications, tagSet.

use std::collections::BTreeMap;

use crate::error::{Ec2Error, Ec2Result};
use crate::model::filters::{self, Filter, Filterable};
use crate::model::tags::{Tag, Tags};
use crate::wire::params::Scope;
use crate::wire::xml::XmlWriter;

/// `DryRun`, defaulting to false.
pub fn dry_run(root: &Scope) -> Ec2Result<bool> {
    Ok(root.bool("DryRun")?.unwrap_or(false))
}

/// `Filter.N.Name` / `Filter.N.Value.M`.
pub fn parse_filters(root: &Scope) -> Ec2Result<Vec<Filter>> {
    root.list("Filter")
        .into_iter()
        .map(|f| {
            let name = f.required_string("Name")?;
            Ok(Filter {
                name,
                values: f.string_list("Value"),
            })
        })
        .collect()
}

/// `MaxResults` and `NextToken` as EC2 bounds them (5–1000 for the Describe calls here).
#[derive(Debug, Clone, Default)]
pub struct Page {
    pub max_results: Option<usize>,
    pub next_token: Option<String>,
}

pub fn parse_page(root: &Scope) -> Ec2Result<Page> {
    parse_page_within(root, 5, 1000)
}

/// `MaxResults` within an action's own bounds, and `NextToken`.
pub fn parse_page_within(root: &Scope, min: i64, max: i64) -> Ec2Result<Page> {
    let max_results = match root.int("MaxResults")? {
        None => None,
        Some(n) if (min..=max).contains(&n) => Some(n as usize),
        Some(n) => {
            return Err(Ec2Error::InvalidParameterValue(format!(
                "Value ( {n} ) for parameter maxResults is invalid. Expecting a value between {min} and {max}."
            )))
        }
    };
    let next_token = root.string("NextToken");
    Ok(Page {
        max_results,
        next_token,
    })
}

/// An opaque token naming the last key returned; the next page starts after it.
pub(crate) fn encode_token(last_key: &str) -> String {
    last_key.bytes().map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn decode_token(token: &str) -> Ec2Result<String> {
    let invalid = || Ec2Error::InvalidPaginationToken(token.to_owned());
    if token.is_empty() || token.len() % 2 != 0 {
        return Err(invalid());
    }
    let bytes = (0..token.len())
        .step_by(2)
        .map(|i| {
            token
                .get(i..i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        })
        .collect::<Option<Vec<u8>>>()
        .ok_or_else(invalid)?;
    String::from_utf8(bytes).map_err(|_| invalid())
}

/// The prefix of a resource ID (`vpc` of `vpc-0123…`).
fn id_kind(id: &str) -> &str {
    id.rsplit_once('-').map_or("", |(kind, _)| kind)
}

/// One page of a Describe answer: keys in ID order, and the token for the next page.
pub struct Selection {
    pub ids: Vec<String>,
    pub next_token: Option<String>,
}

/// The shared Describe mechanism: explicit IDs (each must exist) or the whole collection,
/// narrowed by filters, cut into pages. Filter names are checked first, so an unknown one
/// is an error even when nothing would match.
pub fn select<'a, T, F>(
    items: &'a BTreeMap<String, T>,
    ids: &[String],
    lookup: F,
    filters: &[Filter],
    page: &Page,
) -> Ec2Result<Selection>
where
    T: Filterable,
    F: Fn(&str) -> Ec2Result<&'a T>,
{
    filters::check_names::<T>(filters)?;
    let after = page.next_token.as_deref().map(decode_token).transpose()?;
    if let (Some(token), Some(after)) = (&page.next_token, &after) {
        // A token names the last ID of the previous page, so it must name an ID of this
        // collection's kind: a DescribeSubnets token is no DescribeVpcs token.
        let sample = ids
            .first()
            .map(String::as_str)
            .or(items.keys().next().map(String::as_str));
        if sample.is_some_and(|k| id_kind(k) != id_kind(after)) {
            return Err(Ec2Error::InvalidPaginationToken(token.clone()));
        }
    }
    let limit = page.max_results.unwrap_or(usize::MAX);
    let mut chosen = Vec::new();
    let mut more = false;
    // Once the page is full, look on only for one more match: a token is given only when
    // another page has something in it, never for an empty last page.
    let mut consider = |key: &str, item: &T| {
        if !filters::matches_all(item, filters) {
            return true;
        }
        if chosen.len() == limit {
            more = true;
            return false;
        }
        chosen.push(key.to_owned());
        true
    };
    if ids.is_empty() {
        let range = match &after {
            Some(k) => items.range::<str, _>((
                std::ops::Bound::Excluded(k.as_str()),
                std::ops::Bound::Unbounded,
            )),
            None => items.range::<str, _>(..),
        };
        for (key, item) in range {
            if !consider(key, item) {
                break;
            }
        }
    } else {
        let mut wanted: Vec<&str> = ids.iter().map(String::as_str).collect();
        wanted.sort_unstable();
        wanted.dedup();
        // Every ID must exist before any is answered, as EC2 fails the whole call.
        for id in &wanted {
            lookup(id)?;
        }
        for id in wanted {
            if after.as_deref().is_some_and(|a| id <= a) {
                continue;
            }
            let item = lookup(id)?;
            if !consider(id, item) {
                break;
            }
        }
    }
    let next_token = if more {
        chosen.last().map(|k| encode_token(k))
    } else {
        None
    };
    Ok(Selection {
        ids: chosen,
        next_token,
    })
}

/// Refuses a request that names the same address (or prefix) twice.
pub(crate) fn no_repeats<T: Ord>(items: &[T], what: &str) -> Ec2Result<()> {
    let mut sorted: Vec<&T> = items.iter().collect();
    sorted.sort_unstable();
    if sorted.windows(2).any(|w| w[0] == w[1]) {
        return Err(Ec2Error::InvalidParameterValue(format!(
            "The same {what} is specified more than once"
        )));
    }
    Ok(())
}

/// `TagSpecification.N` for a create action whose resource type is `resource_type`.
pub fn parse_tag_specifications(root: &Scope, resource_type: &str) -> Ec2Result<Vec<Tag>> {
    let mut tags = Vec::new();
    for spec in root.list("TagSpecification") {
        let given = spec.string("ResourceType").unwrap_or_default();
        if given.is_empty() {
            return Err(Ec2Error::InvalidParameterValue(
                "Tag specification resource type must have a value".into(),
            ));
        }
        if given != resource_type {
            return Err(Ec2Error::InvalidParameterValue(format!(
                "'{given}' is not a valid taggable resource type for this operation."
            )));
        }
        for tag in spec.list("Tag") {
            tags.push(Tag {
                key: tag.string("Key").unwrap_or_default(),
                value: tag.string("Value").unwrap_or_default(),
            });
        }
    }
    Ok(tags)
}

/// `<tagSet>` with `<item><key/><value/></item>` per tag.
pub fn write_tag_set(w: &mut XmlWriter, tags: &Tags) {
    w.list("tagSet", tags.iter(), |w, t| {
        w.text("key", &t.key);
        w.text("value", &t.value);
    });
}

/// Writes `<nextToken>` when there is a next page.
pub fn write_next_token(w: &mut XmlWriter, token: &Option<String>) {
    w.opt("nextToken", token.as_deref());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_reject_garbage() {
        let t = encode_token("vpc-0123");
        assert_eq!(decode_token(&t).unwrap(), "vpc-0123");
        assert!(decode_token("zz").is_err());
        assert!(decode_token("abc").is_err());
        assert!(decode_token("").is_err());
        assert!(decode_token("ff").is_err());
    }
}
