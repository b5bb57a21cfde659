//! What many actions share: filters, pagination tokens, counts, tag specifications, tagSet.

use crate::error::{Ec2Error, Ec2Result};
use crate::kinds::Kind;
use crate::model::filters::Filter;
use crate::model::tags::{Tag, Tags};
use crate::wire::params::Scope;
use crate::wire::xml::XmlWriter;

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

/// `MaxResults` and `NextToken`.
#[derive(Debug, Clone, Default)]
pub struct Page {
    pub max_results: Option<usize>,
    pub next_token: Option<String>,
}

/// `MaxResults` within the Describe calls' usual bounds (5–1000), and `NextToken`.
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
pub fn encode_token(last_key: &str) -> String {
    last_key.bytes().map(|b| format!("{b:02x}")).collect()
}

pub fn decode_token(token: &str) -> Ec2Result<String> {
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

/// Refuses a request that names the same address (or prefix) twice.
pub fn no_repeats<T: Ord>(items: &[T], what: &str) -> Ec2Result<()> {
    let mut sorted: Vec<&T> = items.iter().collect();
    sorted.sort_unstable();
    if sorted.windows(2).any(|w| w[0] == w[1]) {
        return Err(Ec2Error::InvalidParameterValue(format!(
            "The same {what} is specified more than once"
        )));
    }
    Ok(())
}

/// A count parameter: absent is 0, negative is refused.
pub fn count(p: &Scope<'_>, name: &str) -> Ec2Result<usize> {
    match p.int(name)? {
        None => Ok(0),
        Some(n) => non_negative(n, name),
    }
}

pub fn non_negative(n: i64, name: &str) -> Ec2Result<usize> {
    usize::try_from(n).map_err(|_| {
        Ec2Error::InvalidParameterValue(format!(
            "Value ({n}) for parameter {name} is invalid. The value must not be negative."
        ))
    })
}

/// Every value of the string list `name.N`, each through `parse`.
pub fn parse_all<T>(
    p: &Scope<'_>,
    name: &str,
    parse: impl Fn(&str) -> Ec2Result<T>,
) -> Ec2Result<Vec<T>> {
    p.string_list(name).iter().map(|v| parse(v)).collect()
}

/// Refuses parameters of a feature ec2-mock does not model, rather than ignoring them.
pub fn refuse_unsupported(p: &Scope<'_>, names: &[&str], why: &str) -> Ec2Result<()> {
    match names.iter().find(|n| p.has(n)) {
        Some(name) => Err(Ec2Error::UnsupportedOperation(format!(
            "The parameter {name} is not supported by ec2-mock ({why})"
        ))),
        None => Ok(()),
    }
}

/// `TagSpecification.N` for a create action making a resource of `kind`.
pub fn parse_tag_specifications(root: &Scope, kind: Kind) -> Ec2Result<Vec<Tag>> {
    let resource_type = kind.info().tag_type.unwrap_or_default();
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

/// `<return>true</return>`, the whole reply of most changing actions.
pub fn write_return(w: &mut XmlWriter) {
    w.text("return", "true");
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
