//! Managed prefix lists over HTTP: the caller's lists (create, describe, entries, versioned
//! modification with EC2's refusals, delete), the AWS-managed lists of each region, lists as
//! security group rule peers and route destinations, dry runs, and worlds kept apart.

use ec2_mock::Config;

use crate::support::{
    is_long_id, summary_totals, west_v4_only, Net, Node, Reply, Server, ACCOUNT, KEY,
};

async fn lists(n: &Net, params: &[(&str, &str)]) -> Vec<Node> {
    let r = n.call("DescribeManagedPrefixLists", params).await;
    r.ok().items("prefixListSet").into_iter().cloned().collect()
}

async fn list(n: &Net, id: &str) -> Node {
    let found = lists(n, &[("PrefixListId.1", id)]).await;
    assert_eq!(found.len(), 1);
    found[0].clone()
}

/// (CIDR, description or "") of each entry of a GetManagedPrefixListEntries reply.
fn entries_of(r: &Reply) -> Vec<(String, String)> {
    r.ok()
        .items("entrySet")
        .iter()
        .map(|e| {
            (
                e.get("cidr"),
                e.child("description")
                    .map(|d| d.text.clone())
                    .unwrap_or_default(),
            )
        })
        .collect()
}

async fn entries(n: &Net, id: &str, extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut params = vec![("PrefixListId", id)];
    params.extend_from_slice(extra);
    entries_of(&n.call("GetManagedPrefixListEntries", &params).await)
}

fn pair(cidr: &str, description: &str) -> (String, String) {
    (cidr.to_owned(), description.to_owned())
}

async fn modify(n: &Net, id: &str, params: &[(&str, &str)]) -> Reply {
    let mut all = vec![("PrefixListId", id)];
    all.extend_from_slice(params);
    n.call("ModifyManagedPrefixList", &all).await
}

async fn version(n: &Net, id: &str) -> String {
    list(n, id).await.get("version")
}

#[tokio::test]
async fn create_describe_and_read_the_entries() {
    let n = west_v4_only().await;
    let r = n
        .call(
            "CreateManagedPrefixList",
            &[
                ("PrefixListName", "offices"),
                ("AddressFamily", "IPv4"),
                ("MaxEntries", "5"),
                ("Entry.1.Cidr", "198.51.100.0/24"),
                ("Entry.1.Description", "paris"),
                ("Entry.2.Cidr", "203.0.113.0/24"),
                ("TagSpecification.1.ResourceType", "prefix-list"),
                ("TagSpecification.1.Tag.1.Key", "team"),
                ("TagSpecification.1.Tag.1.Value", "net"),
            ],
        )
        .await;
    let made = r.ok().child("prefixList").unwrap().clone();
    let id = made.get("prefixListId");
    assert!(is_long_id(&id, "pl"), "{id}");
    assert_eq!(made.get("addressFamily"), "IPv4");
    assert_eq!(made.get("state"), "create-complete");
    assert_eq!(
        made.get("prefixListArn"),
        format!("arn:aws:ec2:eu-west-1:{ACCOUNT}:prefix-list/{id}")
    );
    assert_eq!(made.get("prefixListName"), "offices");
    assert_eq!(made.get("maxEntries"), "5");
    assert_eq!(made.get("version"), "1");
    assert_eq!(made.get("ownerId"), ACCOUNT);
    assert_eq!(made.tags()["team"], "net");
    assert_eq!(list(&n, &id).await.children, made.children);
    for (filter, value) in [
        ("prefix-list-name", "offices"),
        ("prefix-list-id", id.as_str()),
        ("owner-id", ACCOUNT),
        ("tag:team", "net"),
    ] {
        let found = lists(
            &n,
            &[("Filter.1.Name", filter), ("Filter.1.Value.1", value)],
        )
        .await;
        assert_eq!(found.len(), 1, "{filter}={value}");
    }
    let both = vec![pair("198.51.100.0/24", "paris"), pair("203.0.113.0/24", "")];
    assert_eq!(entries(&n, &id, &[]).await, both);
    // One entry a page, 1 to 100 a page.
    let r = n
        .call(
            "GetManagedPrefixListEntries",
            &[("PrefixListId", &id), ("MaxResults", "1")],
        )
        .await;
    assert_eq!(entries_of(&r), both[..1]);
    let token = r.ok().text("nextToken");
    let r = n
        .call(
            "GetManagedPrefixListEntries",
            &[
                ("PrefixListId", &id),
                ("MaxResults", "1"),
                ("NextToken", &token),
            ],
        )
        .await;
    assert_eq!(entries_of(&r), both[1..]);
    assert!(r.doc.find("nextToken").is_none());
    for bad in ["0", "101"] {
        n.call(
            "GetManagedPrefixListEntries",
            &[("PrefixListId", &id), ("MaxResults", bad)],
        )
        .await
        .err400("InvalidParameterValue");
        n.call("DescribeManagedPrefixLists", &[("MaxResults", bad)])
            .await
            .err400("InvalidParameterValue");
    }
    n.call(
        "GetManagedPrefixListEntries",
        &[("PrefixListId", "pl-0123456789abcdef0")],
    )
    .await
    .err400("InvalidPrefixListID.NotFound");
}

#[tokio::test]
async fn creation_is_checked() {
    let n = west_v4_only().await;
    let base = |name: &'static str, family: &'static str, max: &'static str| {
        vec![
            ("PrefixListName", name),
            ("AddressFamily", family),
            ("MaxEntries", max),
        ]
    };
    let with = |mut v: Vec<(&'static str, &'static str)>,
                extra: &[(&'static str, &'static str)]| {
        v.extend_from_slice(extra);
        v
    };
    for (params, code) in [
        (
            base("com.amazonaws.mine", "IPv4", "5"),
            "InvalidParameterValue",
        ),
        (base("x", "IPv7", "5"), "InvalidParameterValue"),
        (base("", "IPv4", "5"), "InvalidParameterValue"),
        (base("x", "IPv4", "0"), "InvalidParameterValue"),
        (base("x", "IPv4", "1001"), "InvalidParameterValue"),
        (
            with(base("x", "IPv4", "5"), &[("Entry.1.Cidr", "2001:db8::/32")]),
            "InvalidParameterValue",
        ),
        (
            with(
                base("x", "IPv4", "5"),
                &[
                    ("Entry.1.Cidr", "10.0.0.0/8"),
                    ("Entry.2.Cidr", "10.0.0.0/8"),
                ],
            ),
            "InvalidParameterValue",
        ),
        (
            with(
                base("x", "IPv4", "1"),
                &[
                    ("Entry.1.Cidr", "10.0.0.0/8"),
                    ("Entry.2.Cidr", "11.0.0.0/8"),
                ],
            ),
            "InvalidParameterValue",
        ),
        (
            with(base("x", "IPv4", "5"), &[("Entry.1.Cidr", "10.0.0/8")]),
            "InvalidParameterValue",
        ),
        (
            vec![("PrefixListName", "x"), ("AddressFamily", "IPv4")],
            "MissingParameter",
        ),
    ] {
        let r = n.call("CreateManagedPrefixList", &params).await;
        assert_eq!(r.code().as_deref(), Some(code), "{params:?}: {}", r.body);
    }
    assert!(lists(
        &n,
        &[("Filter.1.Name", "owner-id"), ("Filter.1.Value.1", ACCOUNT)]
    )
    .await
    .is_empty());
    // An IPv6 list takes IPv6 blocks.
    let v6 = n
        .call(
            "CreateManagedPrefixList",
            &with(
                base("v6", "IPv6", "2"),
                &[("Entry.1.Cidr", "2001:db8::/32")],
            ),
        )
        .await;
    assert_eq!(v6.ok().text("addressFamily"), "IPv6");
}

#[tokio::test]
async fn modifications_are_versioned() {
    let n = west_v4_only().await;
    let id = n.prefix_list("offices", "3", &["198.51.100.0/24"]).await;
    let r = modify(
        &n,
        &id,
        &[
            ("CurrentVersion", "1"),
            ("AddEntry.1.Cidr", "203.0.113.0/24"),
            ("AddEntry.1.Description", "lyon"),
        ],
    )
    .await;
    let changed = r.ok().child("prefixList").unwrap().clone();
    assert_eq!(changed.get("version"), "2");
    assert_eq!(changed.get("state"), "modify-complete");
    assert_eq!(
        entries(&n, &id, &[]).await,
        [pair("198.51.100.0/24", ""), pair("203.0.113.0/24", "lyon")]
    );
    // Each version's entries stay readable.
    assert_eq!(
        entries(&n, &id, &[("TargetVersion", "1")]).await,
        [pair("198.51.100.0/24", "")]
    );
    assert_eq!(entries(&n, &id, &[("TargetVersion", "2")]).await.len(), 2);
    n.call(
        "GetManagedPrefixListEntries",
        &[("PrefixListId", &id), ("TargetVersion", "3")],
    )
    .await
    .err400("InvalidParameterValue");

    // A stale version is refused, with EC2's words.
    let msg = modify(
        &n,
        &id,
        &[
            ("CurrentVersion", "1"),
            ("RemoveEntry.1.Cidr", "198.51.100.0/24"),
        ],
    )
    .await
    .err400("PrefixListVersionMismatch");
    assert!(
        msg.starts_with("The prefix list has the incorrect version number"),
        "{msg}"
    );
    modify(&n, &id, &[("RemoveEntry.1.Cidr", "198.51.100.0/24")])
        .await
        .err400("MissingParameter");
    modify(
        &n,
        &id,
        &[
            ("CurrentVersion", "2"),
            ("RemoveEntry.1.Cidr", "198.51.100.0/24"),
        ],
    )
    .await
    .ok();
    assert_eq!(version(&n, &id).await, "3");
    assert_eq!(
        entries(&n, &id, &[]).await,
        [pair("203.0.113.0/24", "lyon")]
    );

    // Renaming and resizing are no new version.
    modify(&n, &id, &[("PrefixListName", "sites")]).await.ok();
    modify(&n, &id, &[("MaxEntries", "10")]).await.ok();
    let shown = list(&n, &id).await;
    assert_eq!(shown.get("prefixListName"), "sites");
    assert_eq!(shown.get("maxEntries"), "10");
    assert_eq!(shown.get("version"), "3");
}

#[tokio::test]
async fn refused_modifications_change_nothing() {
    let n = west_v4_only().await;
    let id = n
        .prefix_list("offices", "2", &["198.51.100.0/24", "203.0.113.0/24"])
        .await;
    let v = ("CurrentVersion", "1");
    for (params, code) in [
        // EC2: "You cannot modify the entries and the maximum entries for the prefix list in
        // the same request." (hashicorp/terraform-provider-aws#26034)
        (
            vec![v, ("MaxEntries", "5"), ("AddEntry.1.Cidr", "192.0.2.0/24")],
            "InvalidParameterCombination",
        ),
        // Full: a third entry does not fit.
        (
            vec![v, ("AddEntry.1.Cidr", "192.0.2.0/24")],
            "InvalidParameterValue",
        ),
        // Smaller than what it holds.
        (vec![("MaxEntries", "1")], "InvalidParameterValue"),
        // EC2: "Request cannot contain Cidr … in both AddPrefixListEntries and
        // RemovePrefixListEntries" (quoted in the Terraform provider's update).
        (
            vec![
                v,
                ("AddEntry.1.Cidr", "198.51.100.0/24"),
                ("AddEntry.1.Description", "new words"),
                ("RemoveEntry.1.Cidr", "198.51.100.0/24"),
            ],
            "InvalidParameterValue",
        ),
        // An entry already there (hashicorp/terraform-provider-aws#29204 quotes EC2's code).
        (
            vec![
                v,
                ("RemoveEntry.1.Cidr", "203.0.113.0/24"),
                ("AddEntry.1.Cidr", "198.51.100.0/24"),
            ],
            "InvalidPrefixListModification",
        ),
        (
            vec![v, ("RemoveEntry.1.Cidr", "192.0.2.0/24")],
            "InvalidParameterValue",
        ),
        (
            vec![v, ("AddEntry.1.Cidr", "2001:db8::/32")],
            "InvalidParameterValue",
        ),
        (
            vec![("PrefixListName", "com.amazonaws.mine")],
            "InvalidParameterValue",
        ),
        (vec![("PrefixListName", "")], "InvalidParameterValue"),
    ] {
        let r = modify(&n, &id, &params).await;
        assert_eq!(r.code().as_deref(), Some(code), "{params:?}: {}", r.body);
    }
    let shown = list(&n, &id).await;
    assert_eq!(shown.get("version"), "1");
    assert_eq!(shown.get("maxEntries"), "2");
    assert_eq!(shown.get("state"), "create-complete");
    assert_eq!(entries(&n, &id, &[]).await.len(), 2);
}

/// (name, ID) of the AWS-managed lists a caller sees, sorted by name.
async fn aws_lists(n: &Net, key: &str, region: &str) -> Vec<(String, String)> {
    let r =
        n.s.call_as(
            key,
            region,
            "DescribeManagedPrefixLists",
            &[("Filter.1.Name", "owner-id"), ("Filter.1.Value.1", "AWS")],
        )
        .await;
    let mut found: Vec<(String, String)> = r
        .ok()
        .items("prefixListSet")
        .iter()
        .map(|l| (l.get("prefixListName"), l.get("prefixListId")))
        .collect();
    found.sort();
    found
}

#[tokio::test]
async fn every_region_has_its_own_aws_managed_lists() {
    let n = west_v4_only().await;
    let west = aws_lists(&n, KEY, "eu-west-1").await;
    let names: Vec<&str> = west.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(
        names,
        [
            "com.amazonaws.eu-west-1.dynamodb",
            "com.amazonaws.eu-west-1.s3"
        ]
    );
    // AWS's own lists have the short ID shape and AWS's ARN.
    let s3 = west[1].1.clone();
    let short = s3.strip_prefix("pl-").unwrap();
    assert_eq!(short.len(), 8, "{s3}");
    let shown = list(&n, &s3).await;
    assert_eq!(
        shown.get("prefixListArn"),
        format!("arn:aws:ec2:eu-west-1:aws:prefix-list/{s3}")
    );
    assert_eq!(shown.get("ownerId"), "AWS");
    assert_eq!(shown.get("state"), "create-complete");
    // No size and no version for AWS's own lists, as EC2 shows them.
    assert!(shown.child("maxEntries").is_none() && shown.child("version").is_none());
    assert!(!entries(&n, &s3, &[]).await.is_empty());
    // The same in every account of the region, different in another region.
    assert_eq!(aws_lists(&n, "111122223333", "eu-west-1").await, west);
    let east = aws_lists(&n, KEY, "us-east-1").await;
    assert_eq!(east[1].0, "com.amazonaws.us-east-1.s3");
    assert!(east.iter().all(|e| !west.contains(e)));

    // DescribePrefixLists shows AWS's lists, in the older shape, and never the caller's.
    let mine = n.prefix_list("mine", "1", &["192.0.2.0/24"]).await;
    let r = n.call("DescribePrefixLists", &[]).await;
    let old: Vec<Node> = r.ok().items("prefixListSet").into_iter().cloned().collect();
    let ids: Vec<String> = old.iter().map(|l| l.get("prefixListId")).collect();
    assert_eq!(ids.len(), 2);
    assert!(ids.contains(&s3) && !ids.contains(&mine));
    let s3_old = old.iter().find(|l| l.get("prefixListId") == s3).unwrap();
    assert_eq!(s3_old.get("prefixListName"), "com.amazonaws.eu-west-1.s3");
    assert!(!s3_old.items("cidrSet").is_empty());

    // They are AWS's: not the caller's to change, delete or tag.
    modify(&n, &s3, &[("PrefixListName", "mine-now")])
        .await
        .err400("InvalidParameterValue");
    n.call("DeleteManagedPrefixList", &[("PrefixListId", &s3)])
        .await
        .err400("InvalidParameterValue");
    assert_eq!(
        list(&n, &s3).await.get("prefixListName"),
        "com.amazonaws.eu-west-1.s3"
    );
}

#[tokio::test]
async fn lists_serve_rules_and_routes_and_stay_while_used() {
    let n = west_v4_only().await;
    let id = n.prefix_list("offices", "2", &["198.51.100.0/24"]).await;
    let group = n.create_group("web", &n.vpc).await;
    let rule = |action: &'static str| {
        let (group, id) = (group.clone(), id.clone());
        let n = &n;
        async move {
            n.call(
                action,
                &[
                    ("GroupId", &group),
                    ("IpPermissions.1.IpProtocol", "tcp"),
                    ("IpPermissions.1.FromPort", "443"),
                    ("IpPermissions.1.ToPort", "443"),
                    ("IpPermissions.1.PrefixListIds.1.PrefixListId", &id),
                ],
            )
            .await
        }
    };
    rule("AuthorizeSecurityGroupIngress").await.ok();
    let r = n
        .call("DescribeSecurityGroups", &[("GroupId.1", &group)])
        .await;
    assert_eq!(
        r.ok().items("ipPermissions")[0].items("prefixListIds")[0].get("prefixListId"),
        id
    );
    let table = n.create_table(&n.vpc).await;
    let igw = n.attached_igw(&n.vpc).await;
    n.route(
        &table,
        ("DestinationPrefixListId", &id),
        ("GatewayId", &igw),
    )
    .await
    .ok();

    // In use by a rule or a route, the list stays (EC2 fails such a deletion).
    let delete = [("PrefixListId", id.as_str())];
    n.call("DeleteManagedPrefixList", &delete)
        .await
        .err400("DependencyViolation");
    rule("RevokeSecurityGroupIngress").await.ok();
    n.call("DeleteManagedPrefixList", &delete)
        .await
        .err400("DependencyViolation");
    n.call(
        "DeleteRoute",
        &[("RouteTableId", &table), ("DestinationPrefixListId", &id)],
    )
    .await
    .ok();
    let r = n.call("DeleteManagedPrefixList", &delete).await;
    assert_eq!(r.ok().text("state"), "delete-complete");
    assert_eq!(r.ok().text("prefixListId"), id);
    n.call("DescribeManagedPrefixLists", &[("PrefixListId.1", &id)])
        .await
        .err400("InvalidPrefixListID.NotFound");
    n.call("DeleteManagedPrefixList", &delete)
        .await
        .err400("InvalidPrefixListID.NotFound");
    n.call("DeleteManagedPrefixList", &[("PrefixListId", "pl-zz")])
        .await
        .err400("InvalidPrefixListId.Malformed");
}

#[tokio::test]
async fn dry_runs_change_nothing() {
    let n = west_v4_only().await;
    let id = n.prefix_list("offices", "2", &["198.51.100.0/24"]).await;
    let dry = ("DryRun", "true");
    for (action, params) in [
        (
            "CreateManagedPrefixList",
            vec![
                ("PrefixListName", "x"),
                ("AddressFamily", "IPv4"),
                ("MaxEntries", "1"),
                dry,
            ],
        ),
        (
            "ModifyManagedPrefixList",
            vec![
                ("PrefixListId", id.as_str()),
                ("CurrentVersion", "1"),
                ("AddEntry.1.Cidr", "192.0.2.0/24"),
                dry,
            ],
        ),
        (
            "DeleteManagedPrefixList",
            vec![("PrefixListId", id.as_str()), dry],
        ),
        (
            "GetManagedPrefixListEntries",
            vec![("PrefixListId", id.as_str()), dry],
        ),
    ] {
        n.call(action, &params).await.err("DryRunOperation", 412);
    }
    let mine = lists(
        &n,
        &[("Filter.1.Name", "owner-id"), ("Filter.1.Value.1", ACCOUNT)],
    )
    .await;
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].get("version"), "1");
}

#[tokio::test]
async fn lists_are_per_world_seeded_and_counted() {
    let n = west_v4_only().await;
    let id = n.prefix_list("offices", "2", &["198.51.100.0/24"]).await;
    // AWS's own lists are not the caller's: only ours is counted.
    assert_eq!(summary_totals(&n.s).await["prefixLists"], 1);
    for (key, region) in [(KEY, "us-east-1"), ("111122223333", "eu-west-1")] {
        n.s.call_as(
            key,
            region,
            "DescribeManagedPrefixLists",
            &[("PrefixListId.1", &id)],
        )
        .await
        .err400("InvalidPrefixListID.NotFound");
    }

    async fn draw(seed: u64) -> String {
        let s = Server::with_config(Config::new("123456789012", "us-east-1", seed).unwrap()).await;
        s.call(
            "CreateManagedPrefixList",
            &[
                ("PrefixListName", "x"),
                ("AddressFamily", "IPv4"),
                ("MaxEntries", "1"),
            ],
        )
        .await
        .ok()
        .text("prefixListId")
    }
    assert_eq!(draw(42).await, draw(42).await);
    assert_ne!(draw(42).await, draw(7).await);
}
