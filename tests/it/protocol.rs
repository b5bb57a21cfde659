//! The Query API protocol: routing, parameter decoding, error envelopes, callers.

use ec2_mock::Config;

use crate::support::{Node, Reply, Server};

const XMLNS_ROOT: &str = r#"xmlns="http://ec2.amazonaws.com/doc/2016-11-15/""#;

fn default_vpc_id(doc: &Node) -> String {
    doc.items("vpcSet")
        .into_iter()
        .find(|v| v.get("isDefault") == "true")
        .map(|v| v.get("vpcId"))
        .expect("default VPC")
}

fn vpc_ids(r: &Reply) -> Vec<String> {
    r.ok()
        .items("vpcSet")
        .into_iter()
        .map(|v| v.get("vpcId"))
        .collect()
}

/// Asserts the exact EC2 error envelope: `Response > (Errors > Error > (Code, Message), RequestID)`.
#[track_caller]
fn assert_error_envelope(r: &Reply, code: &str, status: u16) -> String {
    let message = r.err(code, status);
    let root = &r.doc;
    let names: Vec<&str> = root.children.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["Errors", "RequestID"], "{}", r.body);
    let errors = &root.children[0];
    assert_eq!(errors.children.len(), 1, "{}", r.body);
    let error = &errors.children[0];
    assert_eq!(error.name, "Error");
    let names: Vec<&str> = error.children.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["Code", "Message"], "{}", r.body);
    assert!(!message.is_empty(), "empty message: {}", r.body);
    assert!(
        !r.body.contains("xmlns"),
        "error documents carry no namespace: {}",
        r.body
    );
    message
}

#[tokio::test]
async fn missing_action_is_an_ec2_error_document() {
    let s = Server::start().await;
    s.post_raw("Version=2016-11-15", &[])
        .await
        .err400("MissingAction");
    // An empty Action is as good as none.
    assert_error_envelope(
        &s.get("Action=&Version=2016-11-15").await,
        "MissingAction",
        400,
    );
    // A bare GET / with nothing at all.
    assert_error_envelope(&s.get("").await, "MissingAction", 400);
}

#[tokio::test]
async fn get_with_query_string_works_like_post() {
    let s = Server::start().await;
    let r = s.get("Action=DescribeVpcs&Version=2016-11-15").await;
    assert_eq!(r.ok().items("vpcSet").len(), 1);
    let posted = s.call("DescribeVpcs", &[]).await;
    assert_eq!(vpc_ids(&r), vpc_ids(&posted));
}

#[tokio::test]
async fn action_and_version_may_come_from_query_or_body() {
    let s = Server::start().await;
    // Action in the query string, Version and parameters in the form body.
    let r = s
        .post_bytes(
            "Action=CreateVpc",
            b"Version=2016-11-15&CidrBlock=10.1.0.0%2F16".to_vec(),
        )
        .await;
    let id = r.ok().text("vpcId");
    assert!(r.body.contains("<CreateVpcResponse"), "{}", r.body);
    // Action in the body, Version in the query string.
    let r = s
        .post_bytes(
            "Version=2016-11-15",
            format!("Action=DescribeVpcs&VpcId.1={id}").into_bytes(),
        )
        .await;
    assert_eq!(vpc_ids(&r), [id.as_str()]);
    // Parameters split between the two are merged.
    let r = s
        .post_bytes(
            &format!("Action=DescribeVpcs&VpcId.1={id}"),
            b"Version=2016-11-15&Filter.1.Name=cidr&Filter.1.Value.1=10.1.0.0%2F16".to_vec(),
        )
        .await;
    assert_eq!(vpc_ids(&r), [id]);
}

#[tokio::test]
async fn flattened_lists_with_gaps_and_huge_indexes_answer_normally() {
    let s = Server::start().await;
    let default = default_vpc_id(s.call("DescribeVpcs", &[]).await.ok());

    let r = s
        .call("DescribeVpcs", &[("VpcId.4294967295", default.as_str())])
        .await;
    assert_eq!(vpc_ids(&r), [default.as_str()]);

    // Gaps, the same ID twice, and a value list starting at 9.
    let r = s
        .call(
            "DescribeVpcs",
            &[
                ("VpcId.3", default.as_str()),
                ("VpcId.1000000", default.as_str()),
                ("Filter.7.Name", "vpc-id"),
                ("Filter.7.Value.9", default.as_str()),
            ],
        )
        .await;
    assert_eq!(vpc_ids(&r), [default.as_str()]);

    // Nested lists with gaps: TagSpecification.5.Tag.{2,40}.
    let r = s
        .call(
            "CreateVpc",
            &[
                ("CidrBlock", "10.2.0.0/16"),
                ("TagSpecification.5.ResourceType", "vpc"),
                ("TagSpecification.5.Tag.40.Key", "b"),
                ("TagSpecification.5.Tag.40.Value", "2"),
                ("TagSpecification.5.Tag.2.Key", "a"),
                ("TagSpecification.5.Tag.2.Value", "1"),
            ],
        )
        .await;
    let tags = r.ok().child("vpc").unwrap().tags();
    assert_eq!(tags.get("a").map(String::as_str), Some("1"));
    assert_eq!(tags.get("b").map(String::as_str), Some("2"));

    // An index too large for any integer type is not a list member: it is refused by name.
    let r = s
        .call(
            "DescribeVpcs",
            &[("VpcId.99999999999999999999999", default.as_str())],
        )
        .await;
    let msg = r.err400("UnknownParameter");
    assert!(msg.contains("VpcId.99999999999999999999999"), "{msg}");
    // Index 0 is not a member of a 1-indexed list either.
    s.call("DescribeVpcs", &[("VpcId.0", default.as_str())])
        .await
        .err400("UnknownParameter");
}

#[tokio::test]
async fn unknown_parameters_are_refused_by_name() {
    let s = Server::start().await;
    let msg = s
        .call("DescribeVpcs", &[("Bogus", "1")])
        .await
        .err400("UnknownParameter");
    assert_eq!(msg, "The parameter Bogus is not recognized");

    // A nested unknown member, on a create: refused, and nothing is created.
    let before = vpc_ids(&s.call("DescribeVpcs", &[]).await).len();
    let msg = s
        .call(
            "CreateVpc",
            &[
                ("CidrBlock", "10.0.0.0/16"),
                ("TagSpecification.1.ResourceType", "vpc"),
                ("TagSpecification.1.Bogus", "x"),
            ],
        )
        .await
        .err400("UnknownParameter");
    assert!(msg.contains("TagSpecification.1.Bogus"), "{msg}");
    assert_eq!(vpc_ids(&s.call("DescribeVpcs", &[]).await).len(), before);

    // A member of another action is unknown here; parameter names are case-sensitive.
    s.call("DescribeVpcs", &[("SubnetId.1", "subnet-12345678")])
        .await
        .err400("UnknownParameter");
    s.call("DescribeVpcs", &[("vpcId.1", "vpc-12345678")])
        .await
        .err400("UnknownParameter");
}

#[tokio::test]
async fn missing_required_parameter() {
    let s = Server::start().await;
    let msg = s.call("DeleteVpc", &[]).await.err400("MissingParameter");
    assert_eq!(msg, "The request must contain the parameter VpcId");
    s.call("DeleteSubnet", &[]).await.err400("MissingParameter");
}

#[tokio::test]
async fn values_of_the_wrong_type_are_invalid_parameter_values() {
    let s = Server::start().await;
    let msg = s
        .call("DescribeVpcs", &[("MaxResults", "abc")])
        .await
        .err400("InvalidParameterValue");
    assert!(msg.contains("abc"), "{msg}");
    let msg = s
        .call("DescribeVpcs", &[("DryRun", "maybe")])
        .await
        .err400("InvalidParameterValue");
    assert!(msg.contains("maybe"), "{msg}");
    // Booleans are case-insensitive `true`/`false`, as the SDKs and CLI send them.
    s.call("DescribeVpcs", &[("DryRun", "FALSE")]).await.ok();
}

#[tokio::test]
async fn a_name_ec2_does_not_have_is_invalid_action() {
    let s = Server::start().await;
    // Action names are case-sensitive, as EC2's are.
    for action in ["Frobnicate", "describevpcs", "CreateVpcs"] {
        let r = s.call(action, &[]).await;
        let msg = assert_error_envelope(&r, "InvalidAction", 400);
        assert!(msg.contains(action), "{msg}");
    }
    let r = s.get("Action=Frobnicate&Version=2016-11-15").await;
    assert_error_envelope(&r, "InvalidAction", 400);
}

/// A real EC2 action this server does not implement is not a typo: the client is told so,
/// by name, so a test knows to look for another emulator rather than for its own bug.
#[tokio::test]
async fn a_real_ec2_action_not_implemented_is_unsupported_operation() {
    let s = Server::start().await;
    for action in ["CreateVpnGateway", "DescribeSpotPriceHistory"] {
        let r = s.call(action, &[]).await;
        let msg = assert_error_envelope(&r, "UnsupportedOperation", 400);
        assert_eq!(msg, format!("ec2-mock does not implement {action}"));
    }
    let r = s.get("Action=CreateVpnGateway&Version=2016-11-15").await;
    assert_error_envelope(&r, "UnsupportedOperation", 400);
}

#[tokio::test]
async fn every_error_is_the_ec2_envelope_with_a_fresh_request_id() {
    let s = Server::start().await;
    let a = s.call("DeleteVpc", &[]).await;
    let b = s.call("DeleteVpc", &[]).await;
    assert_error_envelope(&a, "MissingParameter", 400);
    assert_error_envelope(&b, "MissingParameter", 400);
    let (ra, rb) = (a.doc.text("RequestID"), b.doc.text("RequestID"));
    assert_ne!(ra, rb);
    assert!(a.body.starts_with("<?xml"), "{}", a.body);

    let cases: Vec<(Reply, &str, u16)> = vec![
        (s.call("Nope", &[]).await, "InvalidAction", 400),
        (
            s.call("DescribeVpcs", &[("Bogus", "x")]).await,
            "UnknownParameter",
            400,
        ),
        (
            s.call("DescribeVpcs", &[("VpcId.1", "vpc-12345678")]).await,
            "InvalidVpcID.NotFound",
            400,
        ),
        (
            s.call(
                "CreateVpc",
                &[("CidrBlock", "10.0.0.0/16"), ("DryRun", "true")],
            )
            .await,
            "DryRunOperation",
            412,
        ),
        (
            s.call_as("AKIDEXAMPLE", "moon-base-1", "DescribeVpcs", &[])
                .await,
            "AuthFailure",
            401,
        ),
    ];
    let mut ids = vec![ra, rb];
    for (r, code, status) in &cases {
        assert_error_envelope(r, code, *status);
        ids.push(r.doc.text("RequestID"));
    }
    let unique: std::collections::HashSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "request ids repeat: {ids:?}");
}

#[tokio::test]
async fn every_success_has_the_namespace_and_a_request_id() {
    let s = Server::start().await;
    let vpc = s.call("CreateVpc", &[("CidrBlock", "10.0.0.0/16")]).await;
    let vpc_id = vpc.ok().text("vpcId");
    let subnet = s
        .call(
            "CreateSubnet",
            &[("VpcId", vpc_id.as_str()), ("CidrBlock", "10.0.0.0/24")],
        )
        .await;
    let subnet_id = subnet.ok().text("subnetId");
    let replies = vec![
        ("CreateVpc", vpc),
        ("CreateSubnet", subnet),
        ("DescribeVpcs", s.call("DescribeVpcs", &[]).await),
        ("DescribeSubnets", s.call("DescribeSubnets", &[]).await),
        ("DescribeRegions", s.call("DescribeRegions", &[]).await),
        (
            "DescribeAvailabilityZones",
            s.call("DescribeAvailabilityZones", &[]).await,
        ),
        (
            "ModifySubnetAttribute",
            s.call(
                "ModifySubnetAttribute",
                &[
                    ("SubnetId", subnet_id.as_str()),
                    ("MapPublicIpOnLaunch.Value", "true"),
                ],
            )
            .await,
        ),
        (
            "DeleteSubnet",
            s.call("DeleteSubnet", &[("SubnetId", subnet_id.as_str())])
                .await,
        ),
        (
            "DeleteVpc",
            s.call("DeleteVpc", &[("VpcId", vpc_id.as_str())]).await,
        ),
        (
            "DescribeVpcs",
            s.get("Action=DescribeVpcs&Version=2016-11-15").await,
        ),
    ];
    let mut ids = Vec::new();
    for (action, r) in &replies {
        let doc = r.ok();
        assert_eq!(doc.name, format!("{action}Response"));
        let root_tag = format!("<{action}Response {XMLNS_ROOT}>");
        assert!(r.body.contains(&root_tag), "{}", r.body);
        assert_eq!(doc.children[0].name, "requestId", "{}", r.body);
        let id = doc.get("requestId");
        assert!(!id.is_empty());
        ids.push(id);
    }
    let unique: std::collections::HashSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "request ids repeat: {ids:?}");
}

#[tokio::test]
async fn dry_run_answers_412_and_changes_nothing() {
    let s = Server::start().await;
    let vpcs_before = s.call("DescribeVpcs", &[]).await.ok().all("vpcId");
    let subnets_before = s.call("DescribeSubnets", &[]).await.ok().all("subnetId");

    let msg = s
        .call(
            "CreateVpc",
            &[("CidrBlock", "10.0.0.0/16"), ("DryRun", "true")],
        )
        .await
        .err("DryRunOperation", 412);
    assert_eq!(msg, "Request would have succeeded, but DryRun flag is set.");
    // A dry run still runs every check: a request that would fail reports its real error.
    s.call(
        "CreateVpc",
        &[("CidrBlock", "10.0.0.0/8"), ("DryRun", "true")],
    )
    .await
    .err400("InvalidVpc.Range");
    s.call("DescribeVpcs", &[("DryRun", "true")])
        .await
        .err("DryRunOperation", 412);
    s.call(
        "DescribeVpcs",
        &[("DryRun", "true"), ("VpcId.1", "vpc-12345678")],
    )
    .await
    .err400("InvalidVpcID.NotFound");

    let vpc = s.call("CreateVpc", &[("CidrBlock", "10.0.0.0/16")]).await;
    let vpc_id = vpc.ok().text("vpcId");
    s.call(
        "CreateSubnet",
        &[
            ("VpcId", vpc_id.as_str()),
            ("CidrBlock", "10.0.0.0/24"),
            ("DryRun", "true"),
        ],
    )
    .await
    .err("DryRunOperation", 412);
    let default_subnet = subnets_before[0].clone();
    s.call(
        "ModifySubnetAttribute",
        &[
            ("SubnetId", default_subnet.as_str()),
            ("MapPublicIpOnLaunch.Value", "false"),
            ("DryRun", "true"),
        ],
    )
    .await
    .err("DryRunOperation", 412);
    s.call(
        "DeleteSubnet",
        &[("SubnetId", default_subnet.as_str()), ("DryRun", "true")],
    )
    .await
    .err("DryRunOperation", 412);
    s.call(
        "DeleteVpc",
        &[("VpcId", vpc_id.as_str()), ("DryRun", "true")],
    )
    .await
    .err("DryRunOperation", 412);
    for action in [
        "DescribeSubnets",
        "DescribeRegions",
        "DescribeAvailabilityZones",
    ] {
        s.call(action, &[("DryRun", "true")])
            .await
            .err("DryRunOperation", 412);
    }

    // Nothing changed: one VPC more (the real create), the same subnets, same attribute.
    let mut vpcs_after = s.call("DescribeVpcs", &[]).await.ok().all("vpcId");
    vpcs_after.retain(|v| *v != vpc_id);
    assert_eq!(vpcs_after, vpcs_before);
    let r = s.call("DescribeSubnets", &[]).await;
    assert_eq!(r.ok().all("subnetId"), subnets_before);
    let r = s
        .call(
            "DescribeSubnets",
            &[("SubnetId.1", default_subnet.as_str())],
        )
        .await;
    assert_eq!(r.ok().text("mapPublicIpOnLaunch"), "true");
}

#[tokio::test]
async fn account_comes_from_a_twelve_digit_access_key_else_the_default() {
    let s = Server::start().await;
    let owner = |r: &Reply| r.ok().items("vpcSet")[0].get("ownerId");
    assert_eq!(owner(&s.call("DescribeVpcs", &[]).await), "123456789012");
    let r = s
        .call_as("111122223333", "us-east-1", "DescribeVpcs", &[])
        .await;
    assert_eq!(owner(&r), "111122223333");
    // A real-looking access key id is not an account: the default is used.
    let r = s
        .call_as("AKIAIOSFODNN7EXAMPLE", "us-east-1", "DescribeVpcs", &[])
        .await;
    assert_eq!(owner(&r), "123456789012");
    // Eleven digits are not an account id either.
    let r = s
        .call_as("11112222333", "us-east-1", "DescribeVpcs", &[])
        .await;
    assert_eq!(owner(&r), "123456789012");

    // A signed request with a non-account key and an unsigned request share one world.
    let created = s.call("CreateVpc", &[("CidrBlock", "10.9.0.0/16")]).await;
    let id = created.ok().text("vpcId");
    let r = s
        .call_as(
            "AKIAIOSFODNN7EXAMPLE",
            "us-east-1",
            "DescribeVpcs",
            &[("VpcId.1", &id)],
        )
        .await;
    assert_eq!(vpc_ids(&r), [id]);

    // The configured default account applies to unsigned requests.
    let s = Server::with_config(Config::new("999988887777", "eu-west-1", 7).unwrap()).await;
    assert_eq!(owner(&s.call("DescribeVpcs", &[]).await), "999988887777");
    let zones = s
        .call("DescribeAvailabilityZones", &[])
        .await
        .ok()
        .all("zoneName");
    assert!(
        zones.iter().all(|z| z.starts_with("eu-west-1")),
        "{zones:?}"
    );
}

#[tokio::test]
async fn region_comes_from_the_credential_scope() {
    let s = Server::start().await;
    let r = s
        .call_as("AKIDEXAMPLE", "eu-west-1", "DescribeAvailabilityZones", &[])
        .await;
    let zones = r.ok().all("zoneName");
    assert_eq!(zones, ["eu-west-1a", "eu-west-1b", "eu-west-1c"]);
    let r = s
        .call_as("AKIDEXAMPLE", "eu-west-1", "DescribeSubnets", &[])
        .await;
    for arn in r.ok().all("subnetArn") {
        assert!(
            arn.starts_with("arn:aws:ec2:eu-west-1:123456789012:subnet/"),
            "{arn}"
        );
    }
    // A presigned URL carries the scope in X-Amz-Credential.
    let r = s
        .get(
            "Action=DescribeAvailabilityZones&Version=2016-11-15\
             &X-Amz-Credential=AKIDEXAMPLE%2F20260101%2Fap-northeast-1%2Fec2%2Faws4_request",
        )
        .await;
    assert_eq!(
        r.ok().all("zoneName"),
        ["ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"]
    );
}

#[tokio::test]
async fn unknown_region_in_the_scope_is_auth_failure() {
    let s = Server::start().await;
    let r = s
        .call_as("AKIDEXAMPLE", "us-east-9", "DescribeVpcs", &[])
        .await;
    let msg = assert_error_envelope(&r, "AuthFailure", 401);
    assert!(msg.contains("us-east-9"), "{msg}");
    // Before the action is even looked at.
    let r = s.call_as("AKIDEXAMPLE", "us-east-9", "Nope", &[]).await;
    assert_error_envelope(&r, "AuthFailure", 401);
}

/// Required by issue 2: two regions x two accounts are four worlds that see nothing of each other.
#[tokio::test]
async fn two_regions_and_two_accounts_are_isolated() {
    let s = Server::start().await;
    let worlds = [
        ("111111111111", "us-east-1"),
        ("111111111111", "eu-west-1"),
        ("222222222222", "us-east-1"),
        ("222222222222", "eu-west-1"),
    ];
    let mut created = Vec::new();
    for (i, (account, region)) in worlds.iter().enumerate() {
        let cidr = format!("10.{i}.0.0/16");
        let r = s
            .call_as(account, region, "CreateVpc", &[("CidrBlock", &cidr)])
            .await;
        let vpc_id = r.ok().text("vpcId");
        assert_eq!(r.doc.text("ownerId"), *account);
        let r = s
            .call_as(
                account,
                region,
                "CreateSubnet",
                &[("VpcId", &vpc_id), ("CidrBlock", &format!("10.{i}.1.0/24"))],
            )
            .await;
        let subnet_id = r.ok().text("subnetId");
        assert!(r.doc.text("availabilityZone").starts_with(region));
        created.push((vpc_id, subnet_id, cidr));
    }
    for (i, (account, region)) in worlds.iter().enumerate() {
        let r = s.call_as(account, region, "DescribeVpcs", &[]).await;
        let ids = vpc_ids(&r);
        // The default VPC and its own VPC, nothing else.
        assert_eq!(ids.len(), 2, "{account}/{region}: {ids:?}");
        assert!(r.doc.all("ownerId").iter().all(|o| o == account));
        let cidrs = r.doc.all("cidrBlock");
        for (j, (vpc_id, subnet_id, cidr)) in created.iter().enumerate() {
            let visible = i == j;
            assert_eq!(
                ids.contains(vpc_id),
                visible,
                "{vpc_id} in {account}/{region}"
            );
            assert_eq!(
                cidrs.contains(cidr),
                visible,
                "{cidr} in {account}/{region}"
            );
            let r = s
                .call_as(account, region, "DescribeVpcs", &[("VpcId.1", vpc_id)])
                .await;
            if visible {
                r.ok();
            } else {
                r.err400("InvalidVpcID.NotFound");
            }
            let r = s
                .call_as(
                    account,
                    region,
                    "DescribeSubnets",
                    &[("SubnetId.1", subnet_id)],
                )
                .await;
            if visible {
                r.ok();
            } else {
                r.err400("InvalidSubnetID.NotFound");
                // Nor can another world build in it or delete it.
                s.call_as(
                    account,
                    region,
                    "CreateSubnet",
                    &[("VpcId", vpc_id), ("CidrBlock", "10.200.0.0/24")],
                )
                .await
                .err400("InvalidVpcID.NotFound");
                s.call_as(account, region, "DeleteVpc", &[("VpcId", vpc_id)])
                    .await
                    .err400("InvalidVpcID.NotFound");
            }
        }
    }
    // Each world has its own default VPC.
    let mut defaults = Vec::new();
    for (account, region) in worlds {
        let r = s.call_as(account, region, "DescribeVpcs", &[]).await;
        defaults.push(default_vpc_id(r.ok()));
    }
    let unique: std::collections::HashSet<&String> = defaults.iter().collect();
    assert_eq!(unique.len(), 4, "{defaults:?}");
}

#[tokio::test]
async fn a_body_that_is_not_form_data_answers_an_ec2_error() {
    let s = Server::start().await;
    // JSON is one odd key with no value: there is no Action.
    let r = s
        .post_bytes(
            "",
            br#"{"Action":"DescribeVpcs","Version":"2016-11-15"}"#.to_vec(),
        )
        .await;
    assert_error_envelope(&r, "MissingAction", 400);
    // Stray separators and a key with no value are read the way form decoders read them.
    let r = s
        .post_bytes(
            "",
            b"&&Action=DescribeVpcs&&Version=2016-11-15&Junk".to_vec(),
        )
        .await;
    let msg = assert_error_envelope(&r, "UnknownParameter", 400);
    assert!(msg.contains("Junk"), "{msg}");
    // A broken percent escape is kept literally (as WHATWG form decoding does), so the
    // parameter it names is simply unknown.
    let r = s
        .post_bytes(
            "",
            b"Action=DescribeVpcs&Version=2016-11-15&Vpc%zzId.1=x".to_vec(),
        )
        .await;
    assert_error_envelope(&r, "UnknownParameter", 400);
}

#[tokio::test]
async fn a_non_utf8_body_answers_an_ec2_error() {
    let s = Server::start().await;
    let vpcs_before = s.call("DescribeVpcs", &[]).await.ok().all("vpcId");
    // A raw 0xFF byte in a value.
    let mut body = b"Action=CreateVpc&Version=2016-11-15&CidrBlock=10.0.0.0%2F16\
                     &TagSpecification.1.ResourceType=vpc&TagSpecification.1.Tag.1.Key=k\
                     &TagSpecification.1.Tag.1.Value="
        .to_vec();
    body.push(0xff);
    // EC2's exact answer to bytes that are not UTF-8 is undocumented; the value must not be
    // silently replaced with U+FFFD, so the request is refused as an invalid value.
    let r = s.post_bytes("", body).await;
    assert_error_envelope(&r, "InvalidParameterValue", 400);
    // The same byte percent-encoded.
    let r = s
        .post_bytes(
            "",
            b"Action=CreateVpc&Version=2016-11-15&CidrBlock=10.0.0.0%2F16\
              &TagSpecification.1.ResourceType=vpc&TagSpecification.1.Tag.1.Key=%FF%FE"
                .to_vec(),
        )
        .await;
    assert_error_envelope(&r, "InvalidParameterValue", 400);
    // In the query string too.
    let r = s
        .get("Action=DescribeVpcs&Version=2016-11-15&Filter.1.Name=tag%3A%C3")
        .await;
    assert_error_envelope(&r, "InvalidParameterValue", 400);
    assert_eq!(
        s.call("DescribeVpcs", &[]).await.ok().all("vpcId"),
        vpcs_before
    );
    // Valid multi-byte UTF-8 is fine, percent-encoded or raw.
    let r = s
        .post_bytes(
            "",
            "Action=CreateVpc&Version=2016-11-15&CidrBlock=10.0.0.0%2F16\
             &TagSpecification.1.ResourceType=vpc&TagSpecification.1.Tag.1.Key=n%C3%A9\
             &TagSpecification.1.Tag.1.Value=caf\u{e9}+ol\u{e9}"
                .as_bytes()
                .to_vec(),
        )
        .await;
    let tags = r.ok().child("vpc").unwrap().tags();
    assert_eq!(
        tags.get("n\u{e9}").map(String::as_str),
        Some("caf\u{e9} ol\u{e9}")
    );
}

#[tokio::test]
async fn an_oversized_body_answers_an_ec2_error() {
    let s = Server::start().await;
    let prefix = "Action=DescribeVpcs&Version=2016-11-15&Filter.1.Name=tag:Name&Filter.1.Value.1=";
    // Just under 1 MiB is served.
    let mut body = prefix.as_bytes().to_vec();
    body.resize(1024 * 1024 - 16, b'a');
    let r = s.post_bytes("", body).await;
    assert!(r.ok().items("vpcSet").is_empty());
    // Over 1 MiB is refused with an error document, not a dropped connection. EC2 has no
    // code for it; ec2-mock answers `RequestEntityTooLarge` with HTTP 413 (README, Limits;
    // tests/it/limits.rs covers how the body is left unread).
    let mut body = prefix.as_bytes().to_vec();
    body.resize(1024 * 1024 + 1, b'a');
    let r = s.post_bytes("", body).await;
    let msg = assert_error_envelope(&r, "RequestEntityTooLarge", 413);
    assert!(msg.contains("exceeds"), "{msg}");
    let mut body = prefix.as_bytes().to_vec();
    body.resize(8 * 1024 * 1024, b'a');
    let r = s.post_bytes("", body).await;
    assert_error_envelope(&r, "RequestEntityTooLarge", 413);
    // The server is still fine afterwards.
    s.call("DescribeVpcs", &[]).await.ok();
}

/// The README's list of supported actions is the one users read: every routed action must
/// be in it, so a new action cannot ship undocumented.
#[test]
fn every_routed_action_is_listed_in_the_readme() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    for entry in ec2_mock::actions::registry::REGISTRY {
        let action = entry.name;
        assert!(
            readme.contains(&format!("`{action}`")),
            "{action} is routed but not listed in README.md"
        );
    }
}
