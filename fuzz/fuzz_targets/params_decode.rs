//! The parameter decoder: any bytes through `Params::decode_form`, then `from_pairs`, then
//! every reader on names derived from the decoded keys, then `finish`. Never a panic, and:
//! - decoding refuses only bytes that are not UTF-8 once decoded;
//! - re-encoding the pairs and decoding again gives the same pairs;
//! - `from_pairs` refuses exactly the sets with a repeated key or a character XML 1.0 cannot
//!   carry (`InvalidParameterValue`), and otherwise keeps each key with its value;
//! - readers agree with the pairs (`string`, `int`, `bool`), lists come in index order;
//! - after every key has been read, `finish` accepts.

#![no_main]

use std::collections::BTreeMap;

use ec2_mock::wire::params::{Params, Scope};
use ec2_mock::wire::xml::is_xml_char;
use libfuzzer_sys::fuzz_target;

/// Segments walked per key at most, so a key of many dots costs a bounded amount.
const MAX_DEPTH: usize = 8;

fuzz_target!(|data: &[u8]| {
    let pairs = match Params::decode_form(data) {
        Ok(pairs) => pairs,
        Err(e) => {
            assert_eq!(e.code(), "InvalidParameterValue");
            // Only non-UTF-8 may be refused, and plain UTF-8 without escapes never is.
            assert!(
                std::str::from_utf8(data).is_err() || data.contains(&b'%'),
                "refused valid UTF-8 without escapes: {e:?}"
            );
            return;
        }
    };

    // Re-encoding and decoding is the identity on pairs.
    let encoded = serde_urlencoded::to_string(&pairs).expect("encode");
    let again = Params::decode_form(encoded.as_bytes()).expect("re-decode");
    assert_eq!(pairs, again, "round trip through {encoded:?}");

    let mut last: BTreeMap<String, String> = BTreeMap::new();
    let mut repeated = false;
    for (k, v) in &pairs {
        repeated |= last.insert(k.clone(), v.clone()).is_some();
    }
    let unencodable = pairs
        .iter()
        .any(|(k, v)| k.chars().chain(v.chars()).any(|c| !is_xml_char(c)));
    let params = match Params::from_pairs(pairs.clone()) {
        Ok(params) => {
            assert!(!repeated && !unencodable, "accepted {pairs:?}");
            params
        }
        Err(e) => {
            assert_eq!(e.code(), "InvalidParameterValue");
            assert!(repeated || unencodable, "refused {pairs:?}: {e:?}");
            return;
        }
    };

    for (k, v) in &last {
        assert_eq!(params.peek(k), Some(v.as_str()), "peek {k:?}");
    }

    // Walk every key's dotted path through structures and lists.
    let root = params.root();
    for key in last.keys() {
        let segments: Vec<&str> = key.split('.').collect();
        walk(&root, &segments, 0, &last);
    }
    // Readers on a name that is no key at all.
    let absent = "\u{0}absent";
    if !last.keys().any(|k| k.starts_with(absent)) {
        assert_eq!(root.string(absent), None);
        assert!(root.string_list(absent).is_empty());
        assert!(root.list(absent).is_empty());
        assert!(!root.has(absent));
    }

    // Every key was read through `string` at the root: nothing is left unknown.
    for key in last.keys() {
        let _ = root.string(key);
    }
    params.finish().expect("all keys read");

    // A fresh set, read only partly: `finish` names an unread, non-protocol key.
    let params = Params::from_pairs(pairs).expect("accepted above");
    if let Err(e) = params.finish() {
        assert_eq!(e.code(), "UnknownParameter");
    }
});

fn walk(scope: &Scope<'_>, segments: &[&str], depth: usize, last: &BTreeMap<String, String>) {
    let Some((name, rest)) = segments.split_first() else {
        return;
    };
    let full = scope.wire_name(name);
    assert!(full.ends_with(name));
    assert!(scope.has(name), "has {full:?}");

    if rest.is_empty() {
        let value = last.get(&full).map(String::as_str);
        assert_eq!(scope.string(name).as_deref(), value, "string {full:?}");
        assert_eq!(scope.required_string(name).ok().as_deref(), value);
        match scope.int(name) {
            Ok(Some(n)) => assert_eq!(value.map(|v| v.trim().parse::<i64>()), Some(Ok(n))),
            Ok(None) => assert_eq!(value, None),
            Err(e) => {
                assert_eq!(e.code(), "InvalidParameterValue");
                assert!(value.is_some_and(|v| v.trim().parse::<i64>().is_err()));
            }
        }
        match scope.bool(name) {
            Ok(Some(b)) => {
                assert!(value.is_some_and(|v| v.eq_ignore_ascii_case(&b.to_string())));
            }
            Ok(None) => assert_eq!(value, None),
            Err(e) => assert_eq!(e.code(), "InvalidParameterValue"),
        }
    }
    if depth >= MAX_DEPTH {
        return;
    }

    // `name.N`: a string list, in ascending index order.
    let values = scope.string_list(name);
    let dotted = format!("{full}.");
    let mut expected: Vec<(u64, &String)> = last
        .range(dotted.clone()..)
        .take_while(|(k, _)| k.starts_with(&dotted))
        .filter_map(|(k, v)| {
            let seg = &k[dotted.len()..];
            let n: u64 = seg.parse().ok()?;
            (n >= 1 && seg.bytes().all(|b| b.is_ascii_digit())).then_some((n, v))
        })
        .collect();
    expected.sort_by_key(|(n, _)| *n);
    // Equal indexes spelt differently (`1` and `01`): the first spelling in key order wins.
    expected.dedup_by_key(|(n, _)| *n);
    let expected: Vec<&String> = expected.into_iter().map(|(_, v)| v).collect();
    assert_eq!(
        values.iter().collect::<Vec<_>>(),
        expected,
        "string_list {full:?}"
    );

    // `name.N.…`: follow the key into its list member when `N` is an index, else read
    // `name` as a structure. One path per key, so a key costs O(depth) reader calls.
    let members = scope.list(name);
    for pair in members.windows(2) {
        let index = |s: &Scope<'_>| -> u64 {
            let w = s.wire_name("");
            let w = &w[..w.len() - 1];
            w.rsplit('.')
                .next()
                .and_then(|n| n.parse().ok())
                .unwrap_or(0)
        };
        assert!(
            index(&pair[0]) < index(&pair[1]),
            "list order under {full:?}"
        );
    }
    if let [index, tail @ ..] = rest {
        if !tail.is_empty() {
            let prefix = format!("{full}.{index}.");
            if let Some(member) = members.iter().find(|m| m.wire_name("") == prefix) {
                walk(member, tail, depth + 2, last);
                return;
            }
        }
    }
    walk(&scope.structure(name), rest, depth + 1, last);
}
