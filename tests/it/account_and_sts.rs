//! DescribeAccountAttributes (each attribute, selection by name, the values the model
//! enforces) and STS GetCallerIdentity at the same endpoint, by SigV4 scope and by action,
//! with STS's own envelopes.

use std::collections::BTreeMap;

use crate::support::{west_v4_only, Net, Reply, Server, ACCOUNT, KEY};

/// Attribute name → values, from a DescribeAccountAttributes reply.
fn attributes(r: &Reply) -> BTreeMap<String, Vec<String>> {
    r.ok()
        .items("accountAttributeSet")
        .iter()
        .map(|a| {
            let values = a
                .items("attributeValueSet")
                .iter()
                .map(|v| v.get("attributeValue"))
                .collect();
            (a.get("attributeName"), values)
        })
        .collect()
}

async fn default_vpc(n: &Net) -> String {
    let r = n
        .call(
            "DescribeVpcs",
            &[
                ("Filter.1.Name", "is-default"),
                ("Filter.1.Value.1", "true"),
            ],
        )
        .await;
    r.ok().items("vpcSet")[0].get("vpcId")
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| (*s).to_owned()).collect()
}

#[tokio::test]
async fn every_attribute_by_default_and_each_by_name() {
    let n = west_v4_only().await;
    let vpc = default_vpc(&n).await;
    let all = attributes(&n.call("DescribeAccountAttributes", &[]).await);
    let expected: BTreeMap<String, Vec<String>> = [
        ("supported-platforms", strings(&["VPC"])),
        ("default-vpc", vec![vpc.clone()]),
        ("max-instances", strings(&["20"])),
        ("vpc-max-security-groups-per-interface", strings(&["5"])),
        ("max-elastic-ips", strings(&["5"])),
        ("vpc-max-elastic-ips", strings(&["5"])),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    assert_eq!(all, expected);
    for name in expected.keys() {
        let one = attributes(
            &n.call("DescribeAccountAttributes", &[("AttributeName.1", name)])
                .await,
        );
        assert_eq!(one.len(), 1, "{name}");
        assert_eq!(one[name], expected[name]);
    }
    let two = attributes(
        &n.call(
            "DescribeAccountAttributes",
            &[
                ("AttributeName.1", "default-vpc"),
                ("AttributeName.2", "supported-platforms"),
            ],
        )
        .await,
    );
    assert_eq!(
        two.keys().collect::<Vec<_>>(),
        ["default-vpc", "supported-platforms"]
    );
    let msg = n
        .call(
            "DescribeAccountAttributes",
            &[("AttributeName.1", "max-vpcs")],
        )
        .await
        .err400("InvalidParameterValue");
    assert!(msg.contains("max-vpcs"), "{msg}");
    n.call("DescribeAccountAttributes", &[("DryRun", "true")])
        .await
        .err("DryRunOperation", 412);
}

#[tokio::test]
async fn the_groups_per_interface_attribute_is_the_limit_enforced() {
    let n = west_v4_only().await;
    let attrs = attributes(
        &n.call(
            "DescribeAccountAttributes",
            &[("AttributeName.1", "vpc-max-security-groups-per-interface")],
        )
        .await,
    );
    let limit: usize = attrs["vpc-max-security-groups-per-interface"][0]
        .parse()
        .unwrap();
    let mut groups = Vec::new();
    for i in 0..=limit {
        groups.push(n.create_group(&format!("g{i}"), &n.vpc).await);
    }
    let params = |count: usize| -> Vec<(String, String)> {
        groups[..count]
            .iter()
            .enumerate()
            .map(|(i, g)| (format!("SecurityGroupId.{}", i + 1), g.clone()))
            .collect()
    };
    n.create(&crate::support::refs(&params(limit))).await.ok();
    n.create(&crate::support::refs(&params(limit + 1)))
        .await
        .err400("SecurityGroupsPerInterfaceLimitExceeded");
}

#[tokio::test]
async fn default_vpc_is_per_region_and_none_once_deleted() {
    let n = west_v4_only().await;
    let west = default_vpc(&n).await;
    let east =
        n.s.call_as(
            KEY,
            "us-east-1",
            "DescribeAccountAttributes",
            &[("AttributeName.1", "default-vpc")],
        )
        .await;
    assert_ne!(attributes(&east)["default-vpc"], vec![west.clone()]);
    // Take the default VPC apart as EC2 asks: subnets, gateway, then the VPC.
    let r = n
        .call(
            "DescribeSubnets",
            &[("Filter.1.Name", "vpc-id"), ("Filter.1.Value.1", &west)],
        )
        .await;
    for subnet in r.ok().all("subnetId") {
        n.call("DeleteSubnet", &[("SubnetId", &subnet)]).await.ok();
    }
    let igw = n
        .call(
            "DescribeInternetGateways",
            &[
                ("Filter.1.Name", "attachment.vpc-id"),
                ("Filter.1.Value.1", &west),
            ],
        )
        .await
        .ok()
        .text("internetGatewayId");
    n.call(
        "DetachInternetGateway",
        &[("InternetGatewayId", &igw), ("VpcId", &west)],
    )
    .await
    .ok();
    n.call("DeleteVpc", &[("VpcId", &west)]).await.ok();
    let attrs = attributes(
        &n.call(
            "DescribeAccountAttributes",
            &[("AttributeName.1", "default-vpc")],
        )
        .await,
    );
    assert_eq!(attrs["default-vpc"], ["none"]);
}

/// STS's success envelope: `<GetCallerIdentityResponse>` in STS's namespace, the result, and
/// `<ResponseMetadata><RequestId>`.
#[track_caller]
fn identity(r: &Reply) -> (String, String, String) {
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.doc.name, "GetCallerIdentityResponse", "{}", r.body);
    assert!(
        r.body.contains(
            r#"<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">"#
        ),
        "{}",
        r.body
    );
    let result = r.doc.child("GetCallerIdentityResult").expect("result");
    let metadata = r.doc.child("ResponseMetadata").expect("metadata");
    assert!(!metadata.get("RequestId").is_empty());
    (
        result.get("Account"),
        result.get("Arn"),
        result.get("UserId"),
    )
}

fn sts_form(action: &str) -> Vec<(&str, &str)> {
    vec![("Action", action), ("Version", "2011-06-15")]
}

#[tokio::test]
async fn caller_identity_through_the_sts_scope_is_the_callers_account() {
    let s = Server::start().await;
    for (key, account) in [(KEY, ACCOUNT), ("111122223333", "111122223333")] {
        let r = s
            .post_scoped(key, "us-east-1", "sts", &sts_form("GetCallerIdentity"))
            .await;
        assert_eq!(
            identity(&r),
            (
                account.to_owned(),
                format!("arn:aws:iam::{account}:root"),
                account.to_owned()
            )
        );
    }
    // The account is the one its EC2 requests land in: a VPC made with that key is there.
    let vpc = s
        .call_as(
            "111122223333",
            "eu-west-1",
            "CreateVpc",
            &[("CidrBlock", "10.0.0.0/16")],
        )
        .await
        .ok()
        .text("vpcId");
    let r = s
        .call_as(
            "111122223333",
            "eu-west-1",
            "DescribeVpcs",
            &[("VpcId.1", &vpc)],
        )
        .await;
    assert_eq!(r.ok().items("vpcSet")[0].get("ownerId"), "111122223333");
}

#[tokio::test]
async fn caller_identity_as_a_plain_action() {
    let s = Server::start().await;
    // Unsigned, by its action name alone: the default account.
    let r = s.call("GetCallerIdentity", &[]).await;
    assert_eq!(identity(&r).0, ACCOUNT);
    // Signed for EC2 but naming STS's action: still STS's answer, for the key's account.
    let r = s
        .call_as("111122223333", "us-east-1", "GetCallerIdentity", &[])
        .await;
    assert_eq!(identity(&r).0, "111122223333");
    // As curl users send it.
    let r = s.get("Action=GetCallerIdentity&Version=2011-06-15").await;
    assert_eq!(identity(&r).1, format!("arn:aws:iam::{ACCOUNT}:root"));
}

#[tokio::test]
async fn sts_errors_are_sts_documents() {
    let s = Server::start().await;
    let check = |r: &Reply, code: &str| {
        assert_eq!(r.status, 400, "{}", r.body);
        assert_eq!(r.doc.name, "ErrorResponse", "{}", r.body);
        let error = r.doc.child("Error").expect("Error");
        assert_eq!(error.get("Type"), "Sender");
        assert_eq!(error.get("Code"), code);
        assert!(!error.get("Message").is_empty());
        assert!(!r.doc.get("RequestId").is_empty(), "{}", r.body);
    };
    // An STS action ec2-mock does not answer, and an EC2 action sent to STS.
    for action in ["AssumeRole", "DescribeVpcs"] {
        let r = s
            .post_scoped(KEY, "us-east-1", "sts", &sts_form(action))
            .await;
        check(&r, "InvalidAction");
    }
    let mut form = sts_form("GetCallerIdentity");
    form.push(("Bogus", "1"));
    let r = s.post_scoped(KEY, "us-east-1", "sts", &form).await;
    check(&r, "UnknownParameter");
    let r = s
        .post_scoped(KEY, "us-east-1", "sts", &[("Version", "2011-06-15")])
        .await;
    check(&r, "MissingAction");
}
