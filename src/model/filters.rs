//! `Filter.N` matching shared by every Describe action: wildcards, tag filters, AND/OR rules.
//!
//! EC2 semantics: filters are ANDed, the values of one filter are ORed, `*` matches any run
//! of characters and `?` exactly one, a backslash escapes either. Filter names are checked
//! before any resource is looked at, so an unknown name is an error even on an empty world.

use crate::error::{Ec2Error, Ec2Result};
use crate::model::tags::Tags;

/// One `Filter.N`: a name and the values any of which may match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    pub name: String,
    pub values: Vec<String>,
}

/// A resource that Describe actions can filter.
pub trait Filterable {
    /// The filter names this resource type answers (besides `tag:KEY`, `tag-key`, `tag-value`).
    const FILTER_NAMES: &'static [&'static str];

    fn tags(&self) -> &Tags;

    /// The values the resource has for one of `FILTER_NAMES`; any of them may match.
    fn filter_values(&self, name: &str) -> Vec<String>;
}

/// Shared rows (tables hold `Arc`s) filter as themselves.
impl<T: Filterable> Filterable for std::sync::Arc<T> {
    const FILTER_NAMES: &'static [&'static str] = T::FILTER_NAMES;

    fn tags(&self) -> &Tags {
        (**self).tags()
    }

    fn filter_values(&self, name: &str) -> Vec<String> {
        (**self).filter_values(name)
    }
}

/// Refuses any filter name the resource type does not know, as EC2 does.
pub fn check_names<T: Filterable>(filters: &[Filter]) -> Ec2Result<()> {
    for f in filters {
        let known = f.name.starts_with("tag:")
            || f.name == "tag-key"
            || f.name == "tag-value"
            || T::FILTER_NAMES.contains(&f.name.as_str());
        if !known {
            return Err(Ec2Error::InvalidFilter(f.name.clone()));
        }
    }
    Ok(())
}

/// True when the resource passes every filter.
pub fn matches_all<T: Filterable>(item: &T, filters: &[Filter]) -> bool {
    filters.iter().all(|f| matches_one(item, f))
}

fn matches_one<T: Filterable>(item: &T, f: &Filter) -> bool {
    if let Some(key) = f.name.strip_prefix("tag:") {
        return any_matches(f, item.tags().get(key));
    }
    match f.name.as_str() {
        "tag-key" => any_matches(f, item.tags().iter().map(|t| t.key.as_str())),
        "tag-value" => any_matches(f, item.tags().iter().map(|t| t.value.as_str())),
        name => any_matches(f, item.filter_values(name).iter().map(String::as_str)),
    }
}

fn any_matches<'a>(f: &Filter, candidates: impl IntoIterator<Item = &'a str>) -> bool {
    candidates
        .into_iter()
        .any(|c| f.values.iter().any(|p| wildcard_match(p, c)))
}

/// EC2's filter wildcards: `*` any run, `?` one character, `\` escapes the next character.
pub fn wildcard_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    // Iterative matcher with one backtrack point: linear in practice, never exponential.
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() {
            match p[pi] {
                '*' => {
                    star = Some((pi, ti));
                    pi += 1;
                    continue;
                }
                '?' => {
                    pi += 1;
                    ti += 1;
                    continue;
                }
                '\\' if pi + 1 < p.len() && p[pi + 1] == t[ti] => {
                    pi += 2;
                    ti += 1;
                    continue;
                }
                c if c != '\\' && c == t[ti] => {
                    pi += 1;
                    ti += 1;
                    continue;
                }
                _ => {}
            }
        }
        match star {
            Some((sp, st)) => {
                pi = sp + 1;
                ti = st + 1;
                star = Some((sp, st + 1));
            }
            None => return false,
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

#[cfg(test)]
mod tests {
    use super::wildcard_match as m;

    #[test]
    fn wildcards() {
        assert!(m("abc", "abc"));
        assert!(!m("abc", "abcd"));
        assert!(m("a*", "abcd"));
        assert!(m("*d", "abcd"));
        assert!(m("a*c*", "abxcyz"));
        assert!(m("a?c", "abc"));
        assert!(!m("a?c", "ac"));
        assert!(m("*", ""));
        assert!(!m("?", ""));
        assert!(m(r"a\*", "a*"));
        assert!(!m(r"a\*", "ab"));
        assert!(m(r"a\?", "a?"));
        assert!(m("10.0.*", "10.0.2.157"));
    }
}
