//! Tags on resources: EC2's ordering, overwrite and limit rules in one place.

use crate::error::{Ec2Error, Ec2Result};

/// EC2 allows at most this many user tags on one resource.
pub const MAX_TAGS: usize = 50;
// The EC2 model's constraint ("a maximum of 127 Unicode characters"), one less than the
// 128 of AWS's general tagging rules.
const MAX_KEY_LEN: usize = 127;
const MAX_VALUE_LEN: usize = 256;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    pub key: String,
    pub value: String,
}

/// The tags of one resource, keys unique, in the order they were first set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tags(Vec<Tag>);

impl Tags {
    pub const fn new() -> Self {
        Tags(Vec::new())
    }

    pub fn iter(&self) -> impl Iterator<Item = &Tag> {
        self.0.iter()
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|t| t.key == key)
            .map(|t| t.value.as_str())
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Sets every tag (a repeated key overwrites), refusing the whole change if it would
    /// break a limit: nothing is applied unless everything can be.
    pub fn set_all(&mut self, tags: &[Tag]) -> Ec2Result<()> {
        let mut next = self.clone();
        for tag in tags {
            validate_tag(tag)?;
            match next.0.iter_mut().find(|t| t.key == tag.key) {
                Some(existing) => existing.value = tag.value.clone(),
                None => next.0.push(tag.clone()),
            }
        }
        if next.0.len() > MAX_TAGS {
            return Err(Ec2Error::TagLimitExceeded(format!(
                "The maximum number of Tags for a resource has been reached. Maximum: {MAX_TAGS}"
            )));
        }
        *self = next;
        Ok(())
    }
}

/// The per-tag rules: key length 1–127, value up to 256, `aws:` keys reserved.
pub fn validate_tag(tag: &Tag) -> Ec2Result<()> {
    if tag.key.is_empty() {
        return Err(Ec2Error::InvalidParameterValue(
            "Value ( '' ) for parameter Tag key is invalid. Tag key cannot be null or empty."
                .into(),
        ));
    }
    if tag.key.chars().count() > MAX_KEY_LEN {
        return Err(Ec2Error::InvalidParameterValue(format!(
            "Tag key exceeds the maximum length of {MAX_KEY_LEN} characters"
        )));
    }
    if tag.value.chars().count() > MAX_VALUE_LEN {
        return Err(Ec2Error::InvalidParameterValue(format!(
            "Tag value exceeds the maximum length of {MAX_VALUE_LEN} characters"
        )));
    }
    if tag.key.to_ascii_lowercase().starts_with("aws:") {
        return Err(Ec2Error::TagKeyMalformed(tag.key.clone()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(k: &str, v: &str) -> Tag {
        Tag {
            key: k.into(),
            value: v.into(),
        }
    }

    #[test]
    fn overwrite_keeps_position() {
        let mut t = Tags::default();
        t.set_all(&[tag("a", "1"), tag("b", "2")]).unwrap();
        t.set_all(&[tag("a", "3")]).unwrap();
        let pairs: Vec<_> = t
            .iter()
            .map(|t| (t.key.as_str(), t.value.as_str()))
            .collect();
        assert_eq!(pairs, [("a", "3"), ("b", "2")]);
    }

    #[test]
    fn limits_refuse_the_whole_change() {
        let mut t = Tags::default();
        let many: Vec<Tag> = (0..51).map(|i| tag(&format!("k{i}"), "")).collect();
        assert!(t.set_all(&many).is_err());
        assert!(t.is_empty());
        assert!(t.set_all(&[tag("aws:x", "")]).is_err());
        assert!(t.set_all(&[tag("", "")]).is_err());
        assert!(t.set_all(&[tag(&"k".repeat(128), "")]).is_err());
        assert!(t.set_all(&[tag(&"k".repeat(127), "")]).is_ok());
        assert!(t.set_all(&[tag("k", &"v".repeat(257))]).is_err());
    }
}
