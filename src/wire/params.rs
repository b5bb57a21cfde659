//! Decoded Query API parameters and the typed reader that walks EC2's flattened lists.
//!
//! EC2 flattens lists and structures into dotted, 1-indexed keys (`SecurityGroupId.1`,
//! `TagSpecification.1.Tag.2.Key`, `Filter.1.Value.3`). The pairs are decoded once, sorted,
//! and read through [`Scope`]s; every read marks its key as used, so [`Params::finish`] can
//! answer `UnknownParameter` for whatever the action did not recognise, as EC2 does.
//! List indexes are parsed, never used to size anything: `SecurityGroupId.4294967295`
//! costs one entry, not four billion.

use std::cell::Cell;
use std::collections::BTreeMap;

use crate::error::{Ec2Error, Ec2Result};
use crate::wire::xml::is_xml_char;

/// Keys every request may carry that belong to the protocol, not to the action.
const PROTOCOL_KEYS: &[&str] = &[
    "Action",
    "Version",
    "AWSAccessKeyId",
    "Signature",
    "SignatureMethod",
    "SignatureVersion",
    "Timestamp",
    "Expires",
    "SecurityToken",
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Date",
    "X-Amz-Expires",
    "X-Amz-Security-Token",
    "X-Amz-Signature",
    "X-Amz-SignedHeaders",
];

/// All parameters of one request, sorted by key, each key once.
#[derive(Debug, Default)]
pub struct Params {
    entries: Vec<(String, String)>,
    // Cell because readers borrow `Params` shared while marking what they consumed.
    used: Vec<Cell<bool>>,
}

impl Params {
    /// Builds the parameter set from the decoded pairs (query first, then body), refusing
    /// a key given twice and any key or value with a character XML 1.0 cannot carry.
    ///
    /// A repeated key is refused rather than resolved: SigV4's canonical query sorts
    /// repeated keys by value, so a signed `GroupName=a&GroupName=b` still verifies with
    /// its values swapped, and "the last one wins" would let anyone who sees the request
    /// change its meaning without breaking the signature. Characters are checked here, on
    /// the only way parameters come in, because replies echo them: a tag value with U+0001
    /// would make every later DescribeTags of the account malformed XML.
    pub fn from_pairs<I>(pairs: I) -> Ec2Result<Self>
    where
        I: IntoIterator<Item = (String, String)>,
    {
        let mut map = BTreeMap::new();
        for (k, v) in pairs {
            check_xml_text(&k, &k)?;
            check_xml_text(&k, &v)?;
            if map.contains_key(&k) {
                return Err(Ec2Error::InvalidParameterValue(format!(
                    "The parameter {k} is given more than once; each parameter may appear only once in the query string and form body together"
                )));
            }
            map.insert(k, v);
        }
        let entries: Vec<(String, String)> = map.into_iter().collect();
        let used = entries
            .iter()
            .map(|(k, _)| Cell::new(PROTOCOL_KEYS.contains(&k.as_str())))
            .collect();
        Ok(Params { entries, used })
    }

    /// Decodes an `application/x-www-form-urlencoded` string into pairs.
    ///
    /// Decoding follows the WHATWG form rules (`+` is a space, a broken `%` escape is kept
    /// literally, empty segments are skipped), except that bytes which are not UTF-8, raw or
    /// percent-encoded, are refused instead of being replaced with U+FFFD: a mock that
    /// silently altered a tag value or an ID would hide the client's bug.
    pub fn decode_form(input: &[u8]) -> Ec2Result<Vec<(String, String)>> {
        let mut pairs = Vec::new();
        for segment in input.split(|&b| b == b'&') {
            if segment.is_empty() {
                continue;
            }
            let (key, value) = match segment.iter().position(|&b| b == b'=') {
                Some(i) => (&segment[..i], &segment[i + 1..]),
                None => (segment, &b""[..]),
            };
            pairs.push((percent_decode(key)?, percent_decode(value)?));
        }
        Ok(pairs)
    }

    /// The value of a top-level key without marking it used (for `Action` and `Version`).
    pub fn peek(&self, key: &str) -> Option<&str> {
        self.index_of(key).map(|i| self.entries[i].1.as_str())
    }

    /// A reader over the top-level parameters.
    pub fn root(&self) -> Scope<'_> {
        Scope {
            params: self,
            prefix: String::new(),
        }
    }

    /// Fails with `UnknownParameter` naming the first key no reader consumed.
    pub fn finish(&self) -> Ec2Result<()> {
        match self.used.iter().position(|u| !u.get()) {
            Some(i) => Err(Ec2Error::UnknownParameter(self.entries[i].0.clone())),
            None => Ok(()),
        }
    }

    /// The request's own parameters (not protocol keys, not `exclude`) as one canonical string,
    /// so two requests can be compared for idempotency.
    pub fn fingerprint(&self, exclude: &[&str]) -> String {
        let mut out = String::new();
        for (k, v) in &self.entries {
            if PROTOCOL_KEYS.contains(&k.as_str()) || exclude.contains(&k.as_str()) {
                continue;
            }
            out.push_str(k);
            out.push('=');
            out.push_str(v);
            out.push('\n');
        }
        out
    }

    fn index_of(&self, key: &str) -> Option<usize> {
        self.entries
            .binary_search_by(|(k, _)| k.as_str().cmp(key))
            .ok()
    }

    fn take(&self, key: &str) -> Option<&str> {
        let i = self.index_of(key)?;
        self.used[i].set(true);
        Some(self.entries[i].1.as_str())
    }

    /// Indexes of the entries whose key starts with `prefix`, in key order.
    fn with_prefix<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = usize> + 'a {
        let start = self.entries.partition_point(|(k, _)| k.as_str() < prefix);
        (start..self.entries.len()).take_while(move |&i| self.entries[i].0.starts_with(prefix))
    }
}

/// One form-encoded key or value: `+` → space, `%XX` → byte, then strict UTF-8.
fn percent_decode(input: &[u8]) -> Ec2Result<String> {
    // `+` means space only in form encoding, so it is swapped before percent-decoding (an
    // encoded plus, `%2B`, is still a plus afterwards).
    let spaced: Vec<u8> = input
        .iter()
        .map(|&b| if b == b'+' { b' ' } else { b })
        .collect();
    percent_encoding::percent_decode(&spaced)
        .decode_utf8()
        .map(std::borrow::Cow::into_owned)
        .map_err(|_| {
            Ec2Error::InvalidParameterValue(
                "The request contains bytes that are not valid UTF-8; parameters must be UTF-8, percent-encoded".into(),
            )
        })
}

/// Refuses `text` (a value, or the key itself) if it holds a character XML 1.0 cannot
/// carry, naming the parameter and the character's code point (the character itself cannot
/// be shown in the error document).
fn check_xml_text(param: &str, text: &str) -> Ec2Result<()> {
    match text.chars().find(|&c| !is_xml_char(c)) {
        None => Ok(()),
        Some(c) => {
            // The key may itself be the offender: name it with such characters spelt out.
            let shown: String = param
                .chars()
                .map(|c| {
                    if is_xml_char(c) {
                        c.to_string()
                    } else {
                        format!("U+{:04X}", c as u32)
                    }
                })
                .collect();
            Err(Ec2Error::InvalidParameterValue(format!(
                "Value for parameter {shown} is invalid. It contains the character U+{:04X}, which is not allowed (control characters other than tab, line feed and carriage return, U+FFFE and U+FFFF cannot be carried by XML)",
                c as u32
            )))
        }
    }
}

/// A view of the parameters under one dotted prefix (`""`, `PrivateIpAddresses.2.`, …).
#[derive(Debug, Clone)]
pub struct Scope<'a> {
    params: &'a Params,
    prefix: String,
}

impl<'a> Scope<'a> {
    // Concatenated by hand: every parameter read builds a key, and `format!` costs several
    // times as much as the two copies (measured with `cargo bench --bench load`).
    fn key(&self, name: &str) -> String {
        let mut key = String::with_capacity(self.prefix.len() + name.len() + 1);
        key.push_str(&self.prefix);
        key.push_str(name);
        key
    }

    /// The full wire name of a member, for error messages.
    pub fn wire_name(&self, name: &str) -> String {
        self.key(name)
    }

    /// True when any parameter lies at or below `name` in this scope.
    pub fn has(&self, name: &str) -> bool {
        let key = self.key(name);
        if self.params.index_of(&key).is_some() {
            return true;
        }
        let dotted = format!("{key}.");
        let found = self.params.with_prefix(&dotted).next().is_some();
        found
    }

    pub fn string(&self, name: &str) -> Option<String> {
        self.params.take(&self.key(name)).map(str::to_owned)
    }

    pub fn required_string(&self, name: &str) -> Ec2Result<String> {
        self.string(name)
            .ok_or_else(|| Ec2Error::MissingParameter(self.key(name)))
    }

    pub fn bool(&self, name: &str) -> Ec2Result<Option<bool>> {
        let key = self.key(name);
        match self.params.take(&key) {
            None => Ok(None),
            Some(v) if v.eq_ignore_ascii_case("true") => Ok(Some(true)),
            Some(v) if v.eq_ignore_ascii_case("false") => Ok(Some(false)),
            Some(v) => Err(Ec2Error::InvalidParameterType {
                param: key.clone(),
                value: v.to_owned(),
                expected: "boolean",
            }),
        }
    }

    pub fn int(&self, name: &str) -> Ec2Result<Option<i64>> {
        let key = self.key(name);
        match self.params.take(&key) {
            None => Ok(None),
            Some(v) => {
                v.trim()
                    .parse::<i64>()
                    .map(Some)
                    .map_err(|_| Ec2Error::InvalidParameterType {
                        param: key.clone(),
                        value: v.to_owned(),
                        expected: "integer",
                    })
            }
        }
    }

    /// A nested structure: `name.Member` keys read through the returned scope.
    pub fn structure(&self, name: &str) -> Scope<'a> {
        Scope {
            params: self.params,
            prefix: format!("{}{}.", self.prefix, name),
        }
    }

    /// The members of a flattened list of structures (`name.N.Member`), ordered by N.
    pub fn list(&self, name: &str) -> Vec<Scope<'a>> {
        self.indexes(name, true)
            .into_iter()
            .map(|seg| Scope {
                params: self.params,
                prefix: format!("{}{}.{}.", self.prefix, name, seg),
            })
            .collect()
    }

    /// The values of a flattened list of strings (`name.N`), ordered by N.
    pub fn string_list(&self, name: &str) -> Vec<String> {
        self.indexes(name, false)
            .into_iter()
            .filter_map(|seg| self.string(&format!("{name}.{seg}")))
            .collect()
    }

    /// The distinct index segments under `name.`, sorted numerically. Keys whose segment is
    /// not a positive integer are left unconsumed so that `finish` reports them.
    fn indexes(&self, name: &str, nested: bool) -> Vec<String> {
        let mut base = self.key(name);
        base.push('.');
        let mut found: BTreeMap<u64, String> = BTreeMap::new();
        for i in self.params.with_prefix(&base) {
            let rest = &self.params.entries[i].0[base.len()..];
            let (seg, tail) = match rest.split_once('.') {
                Some((seg, tail)) => (seg, Some(tail)),
                None => (rest, None),
            };
            if nested != tail.is_some() {
                continue;
            }
            if let Ok(n) = seg.parse::<u64>() {
                if n >= 1 && seg.bytes().all(|b| b.is_ascii_digit()) {
                    found.entry(n).or_insert_with(|| seg.to_owned());
                }
            }
        }
        found.into_values().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Params {
        Params::from_pairs(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string()))).unwrap()
    }

    fn refusal(pairs: &[(&str, &str)]) -> Ec2Error {
        Params::from_pairs(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string()))).unwrap_err()
    }

    #[test]
    fn a_repeated_key_is_refused_naming_it() {
        let e = refusal(&[("GroupName", "first-zz"), ("GroupName", "second-aa")]);
        assert_eq!(e.code(), "InvalidParameterValue");
        assert!(e.to_string().contains("GroupName"), "{e}");
        // Equal values too: whether a repeat is harmless is not the server's guess to make.
        let e = refusal(&[("Action", "DescribeVpcs"), ("Action", "DescribeVpcs")]);
        assert!(e.to_string().contains("Action"), "{e}");
    }

    #[test]
    fn characters_xml_cannot_carry_are_refused_in_keys_and_values() {
        for bad in [
            '\u{0}', '\u{1}', '\u{8}', '\u{B}', '\u{C}', '\u{1F}', '\u{FFFE}', '\u{FFFF}',
        ] {
            let value = format!("a{bad}b");
            let e = refusal(&[("Tag.1.Value", &value)]);
            assert_eq!(e.code(), "InvalidParameterValue");
            let text = e.to_string();
            assert!(text.contains("Tag.1.Value"), "{text}");
            assert!(text.contains(&format!("U+{:04X}", bad as u32)), "{text}");
            assert!(
                !text.contains(bad),
                "the message must not carry it: {text:?}"
            );
            let key = format!("Tag{bad}");
            let text = refusal(&[(&key, "v")]).to_string();
            assert!(!text.contains(bad), "{text:?}");
        }
        // Tab, LF, CR and everything else XML carries are values like any other.
        let p = params(&[("Description", "a\tb\nc\rd \u{7F} \u{FFFD} \u{1F980}")]);
        assert!(p.root().string("Description").is_some());
    }

    #[test]
    fn lists_are_ordered_by_numeric_index_and_gaps_are_fine() {
        let p = params(&[
            ("SecurityGroupId.10", "sg-c"),
            ("SecurityGroupId.2", "sg-b"),
            ("SecurityGroupId.1", "sg-a"),
        ]);
        assert_eq!(
            p.root().string_list("SecurityGroupId"),
            ["sg-a", "sg-b", "sg-c"]
        );
        p.finish().unwrap();
    }

    #[test]
    fn huge_index_is_one_entry() {
        let p = params(&[("SecurityGroupId.4294967295", "sg-a")]);
        assert_eq!(p.root().string_list("SecurityGroupId"), ["sg-a"]);
        let p = params(&[("SecurityGroupId.99999999999999999999999", "sg-a")]);
        assert!(p.root().string_list("SecurityGroupId").is_empty());
        assert!(matches!(p.finish(), Err(Ec2Error::UnknownParameter(_))));
    }

    #[test]
    fn nested_structures_and_lists() {
        let p = params(&[
            ("TagSpecification.1.ResourceType", "vpc"),
            ("TagSpecification.1.Tag.1.Key", "Name"),
            ("TagSpecification.1.Tag.1.Value", "x"),
            ("TagSpecification.1.Tag.2.Key", "env"),
        ]);
        let specs = p.root().list("TagSpecification");
        assert_eq!(specs.len(), 1);
        assert_eq!(specs[0].string("ResourceType").as_deref(), Some("vpc"));
        let tags = specs[0].list("Tag");
        assert_eq!(tags.len(), 2);
        assert_eq!(tags[1].string("Key").as_deref(), Some("env"));
        assert_eq!(tags[1].string("Value"), None);
        tags[0].string("Key");
        tags[0].string("Value");
        p.finish().unwrap();
    }

    #[test]
    fn unread_keys_are_unknown_parameters() {
        let p = params(&[("Action", "X"), ("Bogus", "1"), ("DryRun", "true")]);
        assert_eq!(p.root().bool("DryRun").unwrap(), Some(true));
        assert_eq!(p.finish(), Err(Ec2Error::UnknownParameter("Bogus".into())));
    }

    #[test]
    fn wrong_types_are_invalid_values() {
        let p = params(&[("MaxResults", "abc"), ("DryRun", "maybe")]);
        assert_eq!(
            p.root().int("MaxResults").unwrap_err().code(),
            "InvalidParameterValue"
        );
        assert_eq!(
            p.root().bool("DryRun").unwrap_err().code(),
            "InvalidParameterValue"
        );
    }

    #[test]
    fn form_decoding_is_whatwg_but_strict_utf8() {
        let pairs = Params::decode_form(b"&a=1+2&&b=%41%zz%4&c&d=x=y&%C3%A9=\xc3\xa9").unwrap();
        let pairs: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("a", "1 2"),
                ("b", "A%zz%4"),
                ("c", ""),
                ("d", "x=y"),
                ("\u{e9}", "\u{e9}")
            ]
        );
        assert!(Params::decode_form(b"a=%FF").is_err());
        assert!(Params::decode_form(b"a=\xff").is_err());
        assert!(Params::decode_form(b"%C3=1").is_err());
    }

    #[test]
    fn zero_index_is_not_a_member() {
        let p = params(&[("SubnetId.0", "subnet-1")]);
        assert!(p.root().string_list("SubnetId").is_empty());
        assert!(p.finish().is_err());
    }

    mod round_trip {
        //! Property tests: what a client form-encodes is what the readers give back.

        use super::*;
        use proptest::prelude::*;

        /// Keys and values: any Unicode XML can carry, and short strings dense in the
        /// characters the form encoding treats specially (`&`, `=`, `%`, `+`, space), empty
        /// included.
        fn text() -> impl Strategy<Value = String> {
            prop_oneof![
                any::<String>().prop_map(|s| s.chars().filter(|&c| is_xml_char(c)).collect()),
                "[a-zA-Z0-9&=%+ .\u{e9}\u{1F980}-]{0,8}",
                Just(String::new()),
            ]
        }

        /// Strictly increasing 1-based indexes with random gaps (some past 9 and 10, so
        /// numeric order differs from text order).
        fn indexes(len: usize) -> impl Strategy<Value = Vec<u64>> {
            proptest::collection::vec(prop_oneof![4 => 1u64..3, 1 => 3u64..1000], len).prop_map(
                |gaps| {
                    gaps.iter()
                        .scan(0u64, |n, g| {
                            *n += g;
                            Some(*n)
                        })
                        .collect()
                },
            )
        }

        proptest! {
            #[test]
            fn form_pairs_round_trip(pairs in proptest::collection::vec((text(), text()), 0..12)) {
                let encoded = serde_urlencoded::to_string(&pairs).unwrap();
                let decoded = Params::decode_form(encoded.as_bytes()).unwrap();
                prop_assert_eq!(&decoded, &pairs, "through {:?}", encoded);

                // `from_pairs` keeps every key once, and refuses a key given twice.
                let mut once: BTreeMap<String, String> = BTreeMap::new();
                let mut repeated = None;
                for (k, v) in &pairs {
                    if once.insert(k.clone(), v.clone()).is_some() && repeated.is_none() {
                        repeated = Some(k.clone());
                    }
                }
                match (Params::from_pairs(decoded), repeated) {
                    (Ok(params), None) => {
                        prop_assert_eq!(params.entries.len(), once.len());
                        for (k, v) in &once {
                            let read = params.root().string(k);
                            prop_assert_eq!(read.as_deref(), Some(v.as_str()));
                        }
                        prop_assert!(params.finish().is_ok());
                    }
                    (Err(e), Some(k)) => {
                        prop_assert_eq!(e.code(), "InvalidParameterValue");
                        prop_assert!(e.to_string().contains(&format!("parameter {k} is given")), "{}", e);
                    }
                    (result, repeated) => {
                        prop_assert!(false, "{:?} with repeated key {:?}", result.map(|_| ()), repeated);
                    }
                }
            }

            #[test]
            fn flattened_lists_round_trip(
                (lists, outer, inner) in proptest::collection::vec(
                    proptest::collection::vec(text(), 0..6), 0..6,
                )
                .prop_flat_map(|lists| {
                    let inner: Vec<_> = lists.iter().map(|l| indexes(l.len())).collect();
                    (Just(lists.clone()), indexes(lists.len()), inner)
                }),
                shuffle_seed in any::<u64>(),
            ) {
                let mut pairs: Vec<(String, String)> = Vec::new();
                for ((values, n), ms) in lists.iter().zip(&outer).zip(&inner) {
                    for (value, m) in values.iter().zip(ms) {
                        pairs.push((format!("X.{n}.Y.{m}"), value.clone()));
                    }
                }
                // Wire order is the client's business: rotate it by a random amount.
                if !pairs.is_empty() {
                    let k = (shuffle_seed % pairs.len() as u64) as usize;
                    pairs.rotate_left(k);
                }
                let encoded = serde_urlencoded::to_string(&pairs).unwrap();
                let params =
                    Params::from_pairs(Params::decode_form(encoded.as_bytes()).unwrap()).unwrap();

                // A member with no values has no key at all, so it cannot be seen.
                let expected: Vec<&Vec<String>> = lists.iter().filter(|l| !l.is_empty()).collect();
                let members = params.root().list("X");
                prop_assert_eq!(members.len(), expected.len());
                for (member, values) in members.iter().zip(expected) {
                    prop_assert_eq!(&member.string_list("Y"), values);
                }
                prop_assert!(params.finish().is_ok());
            }
        }
    }
}
