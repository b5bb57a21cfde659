//! Replies stay well-formed XML whatever a client puts in the strings that replies echo:
//! the input is split at its first two `\n` into a tag value, a description and a group
//! name (each any UTF-8, control characters, U+FFFE and U+FFFF included), which go to
//! CreateTags, CreateSecurityGroup, CreateNetworkInterface and, as an action name and an
//! ID, to the error paths that echo their input. Every reply, and the Describes after
//! them, must parse as XML 1.0 with no character outside its `Char` production, raw or as
//! a character reference (what expat, and so boto3, refuses).

#![no_main]

use std::sync::OnceLock;

use axum::http::{HeaderMap, Method};
use ec2_mock::app::AppState;
use ec2_mock::server::respond;
use ec2_mock::wire::xml::is_xml_char;
use ec2_mock::Config;
use libfuzzer_sys::fuzz_target;
use quick_xml::events::Event;
use quick_xml::Reader;

fn state() -> &'static AppState {
    static STATE: OnceLock<AppState> = OnceLock::new();
    STATE.get_or_init(|| {
        let config = Config::new("123456789012", "us-east-1", 0).expect("valid config");
        AppState::new(&config)
    })
}

fn call(pairs: &[(&str, &str)]) -> Vec<u8> {
    let body = serde_urlencoded::to_string(pairs).expect("encode");
    respond(
        state(),
        &Method::POST,
        "/",
        &HeaderMap::new(),
        None,
        body.as_bytes(),
    )
    .body
}

fn assert_well_formed(doc: &[u8]) {
    let text = std::str::from_utf8(doc).expect("replies are UTF-8");
    assert!(text.chars().all(is_xml_char), "raw non-Char: {text:?}");
    let mut reader = Reader::from_str(text);
    let mut depth = 0i64;
    loop {
        match reader.read_event() {
            Ok(Event::Eof) => break,
            Ok(Event::Start(_)) => depth += 1,
            Ok(Event::End(_)) => depth -= 1,
            Ok(Event::Text(t)) => {
                let unescaped = t.unescape().expect("valid escapes");
                assert!(unescaped.chars().all(is_xml_char), "reference to a non-Char: {text:?}");
            }
            Ok(_) => {}
            Err(e) => panic!("malformed ({e}): {text:?}"),
        }
    }
    assert_eq!(depth, 0, "unclosed: {text:?}");
}

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let mut parts = input.splitn(3, '\n');
    let value = parts.next().unwrap_or_default();
    let description = parts.next().unwrap_or_default();
    let name = parts.next().unwrap_or_default();
    let vpc = "vpc-00000000";
    let replies = [
        call(&[("Action", "DescribeVpcs")]),
        call(&[
            ("Action", "CreateTags"),
            ("ResourceId.1", vpc),
            ("Tag.1.Key", name),
            ("Tag.1.Value", value),
        ]),
        call(&[
            ("Action", "CreateSecurityGroup"),
            ("GroupName", name),
            ("GroupDescription", description),
        ]),
        call(&[
            ("Action", "CreateNetworkInterface"),
            ("SubnetId", value),
            ("Description", description),
        ]),
        call(&[("Action", value)]),
        call(&[("Action", "DescribeVpcs"), ("VpcId.1", value)]),
        call(&[("Action", "DescribeVpcs"), (name, description)]),
        call(&[("Action", "DescribeTags")]),
        call(&[("Action", "DescribeSecurityGroups")]),
        call(&[("Action", "DescribeNetworkInterfaces")]),
    ];
    for reply in &replies {
        assert_well_formed(reply);
    }
});
