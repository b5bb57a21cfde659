//! CreateTags, DeleteTags, DescribeTags through HTTP, on every resource type the server knows.

use std::collections::HashMap;

use crate::support::{Reply, Server};

/// One of each taggable resource, in a fresh VPC.
struct Resources {
    vpc: String,
    subnet: String,
    group: String,
    rule: String,
    eni: String,
}

impl Resources {
    async fn create(s: &Server) -> Resources {
        let vpc = s
            .call("CreateVpc", &[("CidrBlock", "10.0.0.0/16")])
            .await
            .ok()
            .text("vpcId");
        let subnet = s
            .call(
                "CreateSubnet",
                &[("VpcId", &vpc), ("CidrBlock", "10.0.1.0/24")],
            )
            .await
            .ok()
            .text("subnetId");
        let group = s
            .call(
                "CreateSecurityGroup",
                &[
                    ("GroupName", "web"),
                    ("GroupDescription", "web servers"),
                    ("VpcId", &vpc),
                ],
            )
            .await
            .ok()
            .text("groupId");
        let rule = s
            .call(
                "AuthorizeSecurityGroupIngress",
                &[
                    ("GroupId", &group),
                    ("IpPermissions.1.IpProtocol", "tcp"),
                    ("IpPermissions.1.FromPort", "443"),
                    ("IpPermissions.1.ToPort", "443"),
                    ("IpPermissions.1.IpRanges.1.CidrIp", "0.0.0.0/0"),
                ],
            )
            .await
            .ok()
            .text("securityGroupRuleId");
        let eni = s
            .call(
                "CreateNetworkInterface",
                &[("SubnetId", &subnet), ("SecurityGroupId.1", &group)],
            )
            .await
            .ok()
            .text("networkInterfaceId");
        Resources {
            vpc,
            subnet,
            group,
            rule,
            eni,
        }
    }

    fn all(&self) -> [&str; 5] {
        [&self.vpc, &self.subnet, &self.group, &self.rule, &self.eni]
    }
}

/// `call` with owned pairs, for parameters built with `format!`.
async fn call(s: &Server, action: &str, params: &[(String, String)]) -> Reply {
    let borrowed: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    s.call(action, &borrowed).await
}

/// `ResourceId.N` for each ID, then `Tag.N.Key`/`Tag.N.Value` (no Value when it is None).
fn tag_params(ids: &[&str], tags: &[(&str, Option<&str>)]) -> Vec<(String, String)> {
    let mut p = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        p.push((format!("ResourceId.{}", i + 1), id.to_string()));
    }
    for (i, (k, v)) in tags.iter().enumerate() {
        p.push((format!("Tag.{}.Key", i + 1), k.to_string()));
        if let Some(v) = v {
            p.push((format!("Tag.{}.Value", i + 1), v.to_string()));
        }
    }
    p
}

async fn create_tags(s: &Server, ids: &[&str], tags: &[(&str, Option<&str>)]) -> Reply {
    call(s, "CreateTags", &tag_params(ids, tags)).await
}

async fn delete_tags(s: &Server, ids: &[&str], tags: &[(&str, Option<&str>)]) -> Reply {
    call(s, "DeleteTags", &tag_params(ids, tags)).await
}

/// DescribeTags rows as (resourceId, resourceType, key, value), in reply order.
type Row = (String, String, String, String);

fn rows(r: &Reply) -> Vec<Row> {
    r.ok()
        .items("tagSet")
        .into_iter()
        .map(|i| {
            (
                i.get("resourceId"),
                i.get("resourceType"),
                i.get("key"),
                i.get("value"),
            )
        })
        .collect()
}

async fn describe_tags(s: &Server, params: &[(&str, &str)]) -> Vec<Row> {
    rows(&s.call("DescribeTags", params).await)
}

/// The tags of one resource, as DescribeTags reports them.
async fn tags_of(s: &Server, id: &str) -> HashMap<String, String> {
    describe_tags(
        s,
        &[("Filter.1.Name", "resource-id"), ("Filter.1.Value.1", id)],
    )
    .await
    .into_iter()
    .map(|(_, _, k, v)| (k, v))
    .collect()
}

fn map(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn row(id: &str, kind: &str, k: &str, v: &str) -> Row {
    (id.into(), kind.into(), k.into(), v.into())
}

#[tokio::test]
async fn every_resource_type_takes_tags_seen_by_its_describe_and_describe_tags() {
    let s = Server::start().await;
    let r = Resources::create(&s).await;
    let reply = create_tags(
        &s,
        &r.all(),
        &[("Name", Some("web")), ("Env", Some("test"))],
    )
    .await;
    assert_eq!(reply.ok().name, "CreateTagsResponse");
    assert_eq!(reply.doc.get("return"), "true");

    let want = map(&[("Name", "web"), ("Env", "test")]);
    for (action, param, list, id) in [
        ("DescribeVpcs", "VpcId.1", "vpcSet", &r.vpc),
        ("DescribeSubnets", "SubnetId.1", "subnetSet", &r.subnet),
        (
            "DescribeSecurityGroups",
            "GroupId.1",
            "securityGroupInfo",
            &r.group,
        ),
        (
            "DescribeNetworkInterfaces",
            "NetworkInterfaceId.1",
            "networkInterfaceSet",
            &r.eni,
        ),
    ] {
        let d = s.call(action, &[(param, id)]).await;
        let items = d.ok().items(list);
        assert_eq!(items.len(), 1, "{}", d.body);
        assert_eq!(items[0].tags(), want, "{action}");
        // Describe's own tag filters see what CreateTags set.
        let f = s
            .call(
                action,
                &[("Filter.1.Name", "tag:Env"), ("Filter.1.Value.1", "test")],
            )
            .await;
        assert_eq!(f.ok().items(list).len(), 1, "{action}: {}", f.body);
        let f = s
            .call(
                action,
                &[("Filter.1.Name", "tag-key"), ("Filter.1.Value.1", "Name")],
            )
            .await;
        assert_eq!(f.ok().items(list).len(), 1, "{action}: {}", f.body);
    }

    // Ten rows, ordered by resource ID then key, each with its resource type.
    let mut want_rows = Vec::new();
    for (id, kind) in [
        (&r.vpc, "vpc"),
        (&r.subnet, "subnet"),
        (&r.group, "security-group"),
        (&r.rule, "security-group-rule"),
        (&r.eni, "network-interface"),
    ] {
        want_rows.push(row(id, kind, "Env", "test"));
        want_rows.push(row(id, kind, "Name", "web"));
    }
    want_rows.sort();
    assert_eq!(describe_tags(&s, &[]).await, want_rows);
}

#[tokio::test]
async fn describe_tags_reply_shape() {
    let s = Server::start().await;
    let r = Resources::create(&s).await;
    create_tags(&s, &[&r.vpc], &[("Name", None)]).await.ok();
    let d = s.call("DescribeTags", &[]).await;
    assert_eq!(d.ok().name, "DescribeTagsResponse");
    let items = d.doc.items("tagSet");
    assert_eq!(items.len(), 1);
    let names: Vec<&str> = items[0].children.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["resourceId", "resourceType", "key", "value"]);
    assert!(d.doc.child("nextToken").is_none());
    // Rules tagged on creation are rows too.
    let g = r.group.clone();
    let tagged = s
        .call(
            "AuthorizeSecurityGroupEgress",
            &[
                ("GroupId", &g),
                ("IpPermissions.1.IpProtocol", "udp"),
                ("IpPermissions.1.FromPort", "53"),
                ("IpPermissions.1.ToPort", "53"),
                ("IpPermissions.1.IpRanges.1.CidrIp", "10.0.0.0/8"),
                ("TagSpecification.1.ResourceType", "security-group-rule"),
                ("TagSpecification.1.Tag.1.Key", "dns"),
            ],
        )
        .await
        .ok()
        .text("securityGroupRuleId");
    assert_eq!(tags_of(&s, &tagged).await, map(&[("dns", "")]));
}

#[tokio::test]
async fn overwrite_keeps_other_tags_and_a_missing_value_is_empty() {
    let s = Server::start().await;
    let r = Resources::create(&s).await;
    create_tags(
        &s,
        &[&r.subnet],
        &[("Name", Some("a")), ("Tier", Some("1"))],
    )
    .await
    .ok();
    create_tags(&s, &[&r.subnet], &[("Name", Some("b")), ("Flag", None)])
        .await
        .ok();
    assert_eq!(
        tags_of(&s, &r.subnet).await,
        map(&[("Name", "b"), ("Tier", "1"), ("Flag", "")])
    );
    // Keys are case-sensitive: `name` is another tag.
    create_tags(&s, &[&r.subnet], &[("name", Some("c"))])
        .await
        .ok();
    assert_eq!(tags_of(&s, &r.subnet).await.len(), 4);
}

#[tokio::test]
async fn fifty_tags_per_resource_counting_existing_ones() {
    let s = Server::start().await;
    let r = Resources::create(&s).await;
    let keys: Vec<String> = (0..51).map(|i| format!("k{i:02}")).collect();
    let tags = |range: std::ops::Range<usize>| -> Vec<(&str, Option<&str>)> {
        keys[range]
            .iter()
            .map(|k| (k.as_str(), Some("v")))
            .collect()
    };

    let msg = create_tags(&s, &[&r.eni], &tags(0..51))
        .await
        .err400("TagLimitExceeded");
    assert!(msg.contains("50"), "{msg}");
    assert!(tags_of(&s, &r.eni).await.is_empty());

    create_tags(&s, &[&r.eni], &tags(0..49)).await.ok();
    create_tags(&s, &[&r.eni], &tags(48..51))
        .await
        .err400("TagLimitExceeded");
    assert_eq!(tags_of(&s, &r.eni).await.len(), 49);
    // Overwriting an existing key adds nothing, so it fits alongside the 50th tag.
    create_tags(&s, &[&r.eni], &tags(48..50)).await.ok();
    assert_eq!(tags_of(&s, &r.eni).await.len(), 50);
    create_tags(&s, &[&r.eni], &[("k00", Some("new"))])
        .await
        .ok();
    create_tags(&s, &[&r.eni], &[("one-more", None)])
        .await
        .err400("TagLimitExceeded");
    assert_eq!(tags_of(&s, &r.eni).await["k00"], "new");
}

#[tokio::test]
async fn key_and_value_limits_and_reserved_prefix() {
    let s = Server::start().await;
    let r = Resources::create(&s).await;
    // EC2's model: keys "accept a maximum of 127 Unicode characters", values 256.
    let k127 = "k".repeat(127);
    let v256 = "v".repeat(256);
    // Limits count characters, not bytes.
    let wide_key = "é".repeat(127);
    create_tags(
        &s,
        &[&r.vpc],
        &[(&k127, Some(&v256)), (&wide_key, Some(&"é".repeat(256)))],
    )
    .await
    .ok();

    let k128 = "k".repeat(128);
    let v257 = "v".repeat(257);
    let bad: [(&str, Option<&str>, &str); 6] = [
        (&k128, None, "InvalidParameterValue"),
        ("ok", Some(&v257), "InvalidParameterValue"),
        ("", Some("v"), "InvalidParameterValue"),
        (
            "aws:cloudformation:stack-name",
            None,
            "InvalidTagKey.Malformed",
        ),
        ("AWS:upper", None, "InvalidTagKey.Malformed"),
        ("aws:", None, "InvalidTagKey.Malformed"),
    ];
    for (key, value, code) in bad {
        let msg = create_tags(&s, &[&r.vpc], &[("good", None), (key, value)])
            .await
            .err400(code);
        if code == "InvalidTagKey.Malformed" {
            assert_eq!(
                msg,
                format!("The tag key '{key}' is not valid. Tag keys starting with 'aws:' are reserved for internal use.")
            );
        }
    }
    // A `Tag.N` with only a value has an empty key.
    s.call(
        "CreateTags",
        &[("ResourceId.1", &r.vpc), ("Tag.1.Value", "v")],
    )
    .await
    .err400("InvalidParameterValue");
    assert_eq!(tags_of(&s, &r.vpc).await.len(), 2, "nothing else was set");
    // `aws` without the colon is an ordinary key.
    create_tags(&s, &[&r.vpc], &[("awsome", None)]).await.ok();
}

#[tokio::test]
async fn unknown_and_missing_resources() {
    let s = Server::start().await;
    for id in [
        "vol-1234567890abcdef0",
        "vpc-123",
        "VPC-1234567890ABCDEF0",
        "sg-",
        "nothing",
        "",
    ] {
        let msg = create_tags(&s, &[id], &[("k", None)])
            .await
            .err400("InvalidID");
        assert_eq!(msg, format!("The ID '{id}' is not valid"));
        let msg = delete_tags(&s, &[id], &[]).await.err400("InvalidID");
        assert_eq!(msg, format!("The ID '{id}' is not valid"));
    }
    for (id, code, msg) in [
        (
            "i-1234567890abcdef0",
            "InvalidInstanceID.NotFound",
            "The instance ID 'i-1234567890abcdef0' does not exist",
        ),
        (
            "vpc-0000000000000000a",
            "InvalidVpcID.NotFound",
            "The vpc ID 'vpc-0000000000000000a' does not exist",
        ),
        (
            "subnet-0000000a",
            "InvalidSubnetID.NotFound",
            "The subnet ID 'subnet-0000000a' does not exist",
        ),
        (
            "dopt-1234567890abcdef0",
            "InvalidDhcpOptionID.NotFound",
            "The dhcpOptions ID 'dopt-1234567890abcdef0' does not exist",
        ),
        (
            "sg-0000000000000000a",
            "InvalidGroup.NotFound",
            "The security group 'sg-0000000000000000a' does not exist",
        ),
        (
            "sgr-0000000000000000a",
            "InvalidSecurityGroupRuleId.NotFound",
            "The security group rule ID 'sgr-0000000000000000a' does not exist",
        ),
        (
            "eni-0000000000000000a",
            "InvalidNetworkInterfaceID.NotFound",
            "The networkInterface ID 'eni-0000000000000000a' does not exist",
        ),
    ] {
        assert_eq!(
            create_tags(&s, &[id], &[("k", None)]).await.err400(code),
            msg
        );
        assert_eq!(
            delete_tags(&s, &[id], &[("k", None)]).await.err400(code),
            msg
        );
    }
}

#[tokio::test]
async fn missing_and_unknown_parameters() {
    let s = Server::start().await;
    let r = Resources::create(&s).await;
    let msg = s
        .call("CreateTags", &[("Tag.1.Key", "k")])
        .await
        .err400("MissingParameter");
    // EC2 names the set, in its wire spelling: "The request must contain the parameter
    // resourceIdSet".
    assert_eq!(msg, "The request must contain the parameter resourceIdSet");
    let msg = s
        .call("CreateTags", &[("ResourceId.1", &r.vpc)])
        .await
        .err400("MissingParameter");
    assert!(msg.contains("Tag"), "{msg}");
    let msg = s.call("DeleteTags", &[]).await.err400("MissingParameter");
    assert_eq!(msg, "The request must contain the parameter resourceIdSet");
    for action in ["CreateTags", "DeleteTags"] {
        s.call(
            action,
            &[
                ("ResourceId.1", &r.vpc),
                ("Tag.1.Key", "k"),
                ("Tag.1.Colour", "red"),
            ],
        )
        .await
        .err400("UnknownParameter");
        s.call(
            action,
            &[
                ("ResourceId.1", &r.vpc),
                ("Tag.1.Key", "k"),
                ("Force", "true"),
            ],
        )
        .await
        .err400("UnknownParameter");
    }
    s.call("DescribeTags", &[("ResourceId.1", &r.vpc)])
        .await
        .err400("UnknownParameter");
    assert!(tags_of(&s, &r.vpc).await.is_empty());
}

#[tokio::test]
async fn all_or_nothing_across_resources() {
    let s = Server::start().await;
    let r = Resources::create(&s).await;
    let ids = [
        r.vpc.as_str(),
        r.subnet.as_str(),
        "subnet-0000000000000000a",
        r.eni.as_str(),
    ];
    create_tags(&s, &ids, &[("Name", Some("x"))])
        .await
        .err400("InvalidSubnetID.NotFound");
    create_tags(&s, &[&r.vpc, "bogus"], &[("Name", Some("x"))])
        .await
        .err400("InvalidID");
    assert!(describe_tags(&s, &[]).await.is_empty());

    // A limit broken on one resource refuses the change on all of them.
    let keys: Vec<String> = (0..50).map(|i| format!("k{i}")).collect();
    let full: Vec<(&str, Option<&str>)> = keys.iter().map(|k| (k.as_str(), None)).collect();
    create_tags(&s, &[&r.group], &full).await.ok();
    create_tags(&s, &[&r.vpc, &r.group, &r.rule], &[("extra", None)])
        .await
        .err400("TagLimitExceeded");
    assert!(tags_of(&s, &r.vpc).await.is_empty());
    assert!(tags_of(&s, &r.rule).await.is_empty());

    // DeleteTags too: nothing is removed when one ID is unknown.
    create_tags(&s, &[&r.vpc, &r.subnet], &[("Name", Some("x"))])
        .await
        .ok();
    delete_tags(&s, &[&r.vpc, "eni-0000000000000000a"], &[("Name", None)])
        .await
        .err400("InvalidNetworkInterfaceID.NotFound");
    assert_eq!(tags_of(&s, &r.vpc).await, map(&[("Name", "x")]));

    // The same ID twice is harmless.
    create_tags(&s, &[&r.eni, &r.eni], &[("Name", Some("y"))])
        .await
        .ok();
    assert_eq!(tags_of(&s, &r.eni).await, map(&[("Name", "y")]));
}

#[tokio::test]
async fn delete_by_key_by_key_and_value_and_all() {
    let s = Server::start().await;
    let r = Resources::create(&s).await;
    let set = [
        ("a", Some("1")),
        ("b", Some("2")),
        ("c", Some("")),
        ("d", Some("4")),
        ("e", Some("5")),
    ];
    create_tags(&s, &[&r.eni, &r.rule], &set).await.ok();

    // Key alone: whatever the value.
    let d = delete_tags(&s, &[&r.eni], &[("a", None)]).await;
    assert_eq!(d.ok().name, "DeleteTagsResponse");
    assert_eq!(d.doc.get("return"), "true");
    // Key and value: only on a match.
    delete_tags(&s, &[&r.eni], &[("b", Some("wrong"))])
        .await
        .ok();
    delete_tags(&s, &[&r.eni], &[("d", Some("4"))]).await.ok();
    // An explicitly empty value matches only an empty value.
    delete_tags(&s, &[&r.eni], &[("e", Some(""))]).await.ok();
    delete_tags(&s, &[&r.eni], &[("c", Some(""))]).await.ok();
    // Values are case-sensitive, and a key the resource lacks is no error.
    delete_tags(&s, &[&r.eni], &[("e", Some("5 ")), ("zz", None)])
        .await
        .ok();
    assert_eq!(tags_of(&s, &r.eni).await, map(&[("b", "2"), ("e", "5")]));

    // No Tag.N at all: every tag of the resource, and only of that one.
    delete_tags(&s, &[&r.rule], &[]).await.ok();
    assert!(tags_of(&s, &r.rule).await.is_empty());
    assert_eq!(tags_of(&s, &r.eni).await.len(), 2);
    // Deleting from an untagged resource is fine.
    delete_tags(&s, &[&r.rule], &[]).await.ok();

    // Reserved and malformed keys are refused, and nothing is removed.
    for (key, code) in [
        ("aws:createdBy", "InvalidTagKey.Malformed"),
        ("", "InvalidParameterValue"),
    ] {
        delete_tags(&s, &[&r.eni], &[("b", None), (key, None)])
            .await
            .err400(code);
    }
    assert_eq!(tags_of(&s, &r.eni).await.len(), 2);

    // Several resources at once.
    create_tags(&s, &[&r.vpc, &r.subnet], &[("b", Some("2"))])
        .await
        .ok();
    delete_tags(&s, &[&r.vpc, &r.subnet, &r.eni], &[("b", Some("2"))])
        .await
        .ok();
    assert_eq!(
        describe_tags(&s, &[]).await,
        [row(&r.eni, "network-interface", "e", "5")]
    );
}

#[tokio::test]
async fn describe_tags_filters() {
    let s = Server::start().await;
    let r = Resources::create(&s).await;
    create_tags(
        &s,
        &[&r.vpc],
        &[("Name", Some("main")), ("Env", Some("prod"))],
    )
    .await
    .ok();
    create_tags(&s, &[&r.subnet], &[("Name", Some("public-a"))])
        .await
        .ok();
    create_tags(&s, &[&r.group, &r.rule], &[("Env", Some("dev"))])
        .await
        .ok();
    create_tags(&s, &[&r.eni], &[("Name*", Some("star"))])
        .await
        .ok();
    let ids = |rows: Vec<Row>| -> Vec<(String, String)> {
        rows.into_iter().map(|(id, _, k, _)| (id, k)).collect()
    };
    let pair = |id: &str, k: &str| (id.to_string(), k.to_string());

    let by_key = describe_tags(&s, &[("Filter.1.Name", "key"), ("Filter.1.Value.1", "Env")]).await;
    let mut want = vec![
        pair(&r.vpc, "Env"),
        pair(&r.group, "Env"),
        pair(&r.rule, "Env"),
    ];
    want.sort();
    assert_eq!(ids(by_key), want);

    let by_value = describe_tags(
        &s,
        &[
            ("Filter.1.Name", "value"),
            ("Filter.1.Value.1", "p*"),
            ("Filter.1.Value.2", "star"),
        ],
    )
    .await;
    let mut want = vec![
        pair(&r.vpc, "Env"),
        pair(&r.subnet, "Name"),
        pair(&r.eni, "Name*"),
    ];
    want.sort();
    assert_eq!(ids(by_value), want);

    // Filters AND together.
    let both = describe_tags(
        &s,
        &[
            ("Filter.1.Name", "resource-type"),
            ("Filter.1.Value.1", "security-group*"),
            ("Filter.2.Name", "resource-id"),
            ("Filter.2.Value.1", "sgr-*"),
        ],
    )
    .await;
    assert_eq!(ids(both), [pair(&r.rule, "Env")]);
    for (kind, id) in [
        ("vpc", &r.vpc),
        ("subnet", &r.subnet),
        ("security-group", &r.group),
        ("security-group-rule", &r.rule),
        ("network-interface", &r.eni),
    ] {
        let got = describe_tags(
            &s,
            &[
                ("Filter.1.Name", "resource-type"),
                ("Filter.1.Value.1", kind),
            ],
        )
        .await;
        assert!(!got.is_empty(), "{kind}");
        assert!(
            got.iter().all(|(i, t, _, _)| i == id && t == kind),
            "{got:?}"
        );
    }
    let none = describe_tags(
        &s,
        &[
            ("Filter.1.Name", "resource-type"),
            ("Filter.1.Value.1", "instance"),
        ],
    )
    .await;
    assert!(none.is_empty());

    // `tag:KEY` picks the rows of that key whose value matches.
    let tagged = describe_tags(
        &s,
        &[("Filter.1.Name", "tag:Name"), ("Filter.1.Value.1", "*a*")],
    )
    .await;
    let mut want = vec![pair(&r.vpc, "Name"), pair(&r.subnet, "Name")];
    want.sort();
    assert_eq!(ids(tagged), want);
    // A backslash makes a wildcard literal.
    let literal = describe_tags(
        &s,
        &[("Filter.1.Name", "key"), ("Filter.1.Value.1", r"Name\*")],
    )
    .await;
    assert_eq!(ids(literal), [pair(&r.eni, "Name*")]);
    let question =
        describe_tags(&s, &[("Filter.1.Name", "key"), ("Filter.1.Value.1", "E?v")]).await;
    assert_eq!(question.len(), 3);

    // Names outside DescribeTags' list are refused, even `tag-key`, which other calls take.
    for name in ["tag-key", "resource_id", "Key", "owner-id"] {
        let msg = s
            .call(
                "DescribeTags",
                &[("Filter.1.Name", name), ("Filter.1.Value.1", "x")],
            )
            .await
            .err400("InvalidParameterValue");
        assert_eq!(msg, format!("The filter '{name}' is invalid"));
    }
}

#[tokio::test]
async fn describe_tags_pagination() {
    let s = Server::start().await;
    let r = Resources::create(&s).await;
    let keys: Vec<String> = (0..6).map(|i| format!("k{i}")).collect();
    let tags: Vec<(&str, Option<&str>)> = keys.iter().map(|k| (k.as_str(), Some("v"))).collect();
    create_tags(&s, &[&r.vpc, &r.eni], &tags).await.ok();
    let all = describe_tags(&s, &[]).await;
    assert_eq!(all.len(), 12);

    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut p = vec![("MaxResults".to_string(), "5".to_string())];
        if let Some(t) = &token {
            p.push(("NextToken".into(), t.clone()));
        }
        let reply = call(&s, "DescribeTags", &p).await;
        let page = rows(&reply);
        assert!(page.len() <= 5);
        seen.extend(page);
        pages += 1;
        token = reply.doc.child("nextToken").map(|n| n.text.clone());
        if token.is_none() {
            break;
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, all);

    // Exactly two full pages: no token on the second, rather than an empty third page.
    delete_tags(&s, &[&r.eni], &[("k0", None), ("k1", None)])
        .await
        .ok();
    let first = s.call("DescribeTags", &[("MaxResults", "5")]).await;
    let t = first.ok().text("nextToken");
    let second = s
        .call("DescribeTags", &[("MaxResults", "5"), ("NextToken", &t)])
        .await;
    assert_eq!(rows(&second).len(), 5);
    assert!(second.doc.child("nextToken").is_none());

    // Filters and pages combine.
    let f = s
        .call(
            "DescribeTags",
            &[
                ("MaxResults", "5"),
                ("Filter.1.Name", "resource-id"),
                ("Filter.1.Value.1", &r.vpc),
            ],
        )
        .await;
    assert_eq!(rows(&f).len(), 5);
    let t = f.doc.text("nextToken");
    let rest = s
        .call(
            "DescribeTags",
            &[
                ("MaxResults", "5"),
                ("NextToken", &t),
                ("Filter.1.Name", "resource-id"),
                ("Filter.1.Value.1", &r.vpc),
            ],
        )
        .await;
    assert_eq!(rows(&rest), [row(&r.vpc, "vpc", "k5", "v")]);

    for bad in ["4", "1001", "0", "-1"] {
        s.call("DescribeTags", &[("MaxResults", bad)])
            .await
            .err400("InvalidParameterValue");
    }
    s.call("DescribeTags", &[("MaxResults", "1000")]).await.ok();
    // A DescribeVpcs token names a VPC, not a row; garbage is refused too.
    let vpcs = s.call("DescribeVpcs", &[("MaxResults", "5")]).await;
    let vpc_token = vpcs
        .doc
        .child("nextToken")
        .map(|n| n.text.clone())
        .unwrap_or_else(|| hex(&r.vpc));
    for token in [vpc_token.as_str(), "zz", "abc", "", "20"] {
        s.call("DescribeTags", &[("NextToken", token)])
            .await
            .err400("InvalidPaginationToken");
    }
}

fn hex(s: &str) -> String {
    s.bytes().map(|b| format!("{b:02x}")).collect()
}

#[tokio::test]
async fn dry_run_checks_everything_and_changes_nothing() {
    let s = Server::start().await;
    let r = Resources::create(&s).await;
    create_tags(&s, &[&r.vpc], &[("keep", Some("me"))])
        .await
        .ok();

    let mut p = tag_params(&[&r.vpc, &r.subnet], &[("Name", Some("x"))]);
    p.push(("DryRun".into(), "true".into()));
    let msg = call(&s, "CreateTags", &p).await.err("DryRunOperation", 412);
    assert_eq!(msg, "Request would have succeeded, but DryRun flag is set.");
    let mut p = tag_params(&[&r.vpc], &[]);
    p.push(("DryRun".into(), "true".into()));
    call(&s, "DeleteTags", &p).await.err("DryRunOperation", 412);
    s.call("DescribeTags", &[("DryRun", "true")])
        .await
        .err("DryRunOperation", 412);
    assert_eq!(
        describe_tags(&s, &[]).await,
        [row(&r.vpc, "vpc", "keep", "me")]
    );

    // A dry run that would fail answers the failure.
    let mut p = tag_params(&["vpc-0000000000000000a"], &[("k", None)]);
    p.push(("DryRun".into(), "true".into()));
    call(&s, "CreateTags", &p)
        .await
        .err400("InvalidVpcID.NotFound");
    let mut p = tag_params(&[&r.vpc], &[("aws:x", None)]);
    p.push(("DryRun".into(), "true".into()));
    call(&s, "DeleteTags", &p)
        .await
        .err400("InvalidTagKey.Malformed");
    s.call(
        "DescribeTags",
        &[("DryRun", "true"), ("Filter.1.Name", "bogus")],
    )
    .await
    .err400("InvalidParameterValue");
}

#[tokio::test]
async fn tags_vanish_with_their_resource() {
    let s = Server::start().await;
    let r = Resources::create(&s).await;
    let default_group = s
        .call(
            "DescribeSecurityGroups",
            &[
                ("Filter.1.Name", "vpc-id"),
                ("Filter.1.Value.1", &r.vpc),
                ("Filter.2.Name", "group-name"),
                ("Filter.2.Value.1", "default"),
            ],
        )
        .await
        .ok()
        .text("groupId");
    let mut ids = r.all().to_vec();
    ids.push(&default_group);
    create_tags(&s, &ids, &[("Name", Some("doomed"))])
        .await
        .ok();
    assert_eq!(describe_tags(&s, &[]).await.len(), 6);

    let gone = |id: String, code: &'static str| {
        let s = &s;
        async move {
            assert!(tags_of(s, &id).await.is_empty(), "{id}");
            create_tags(s, &[&id], &[("Name", None)]).await.err400(code);
        }
    };

    s.call("DeleteNetworkInterface", &[("NetworkInterfaceId", &r.eni)])
        .await
        .ok();
    gone(r.eni.clone(), "InvalidNetworkInterfaceID.NotFound").await;

    s.call(
        "RevokeSecurityGroupIngress",
        &[("GroupId", &r.group), ("SecurityGroupRuleId.1", &r.rule)],
    )
    .await
    .ok();
    gone(r.rule.clone(), "InvalidSecurityGroupRuleId.NotFound").await;

    s.call("DeleteSecurityGroup", &[("GroupId", &r.group)])
        .await
        .ok();
    gone(r.group.clone(), "InvalidGroup.NotFound").await;

    s.call("DeleteSubnet", &[("SubnetId", &r.subnet)])
        .await
        .ok();
    gone(r.subnet.clone(), "InvalidSubnetID.NotFound").await;

    // The VPC takes its default group (and that group's tags) with it.
    s.call("DeleteVpc", &[("VpcId", &r.vpc)]).await.ok();
    gone(r.vpc.clone(), "InvalidVpcID.NotFound").await;
    gone(default_group.clone(), "InvalidGroup.NotFound").await;
    assert!(describe_tags(&s, &[]).await.is_empty());
}

#[tokio::test]
async fn worlds_do_not_share_tags() {
    let s = Server::start().await;
    let r = Resources::create(&s).await;
    create_tags(&s, &[&r.vpc], &[("Name", None)]).await.ok();
    let other = s
        .call_as("AKIDEXAMPLE", "eu-west-1", "DescribeTags", &[])
        .await;
    assert!(rows(&other).is_empty());
    s.call_as(
        "AKIDEXAMPLE",
        "eu-west-1",
        "CreateTags",
        &[("ResourceId.1", &r.vpc), ("Tag.1.Key", "k")],
    )
    .await
    .err400("InvalidVpcID.NotFound");
}
