//! DescribeVpcAttribute and ModifyVpcAttribute: the three attributes, EC2's defaults for the
//! default VPC and for a new one, one attribute per call, and the state file keeping them.

use crate::support::Server;
use crate::vpcs::create_vpc;

async fn attribute(s: &Server, vpc: &str, name: &str) -> bool {
    let r = s
        .call(
            "DescribeVpcAttribute",
            &[("VpcId", vpc), ("Attribute", name)],
        )
        .await;
    let doc = r.ok();
    assert_eq!(doc.text("vpcId"), vpc, "{}", r.body);
    let node = doc
        .child(name)
        .unwrap_or_else(|| panic!("no <{name}> in {}", r.body));
    node.text("value").parse().unwrap()
}

async fn modify(s: &Server, vpc: &str, name: &str, value: bool) -> crate::support::Reply {
    let key = format!("{}.Value", capitalised(name));
    s.call(
        "ModifyVpcAttribute",
        &[
            ("VpcId", vpc),
            (key.as_str(), if value { "true" } else { "false" }),
        ],
    )
    .await
}

fn capitalised(name: &str) -> String {
    let mut out = name.to_owned();
    out[..1].make_ascii_uppercase();
    out
}

async fn default_vpc(s: &Server) -> String {
    let r = s
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

#[tokio::test]
async fn the_default_vpc_resolves_and_names_a_new_vpc_only_resolves() {
    let s = Server::start().await;
    let default = default_vpc(&s).await;
    assert!(attribute(&s, &default, "enableDnsSupport").await);
    assert!(attribute(&s, &default, "enableDnsHostnames").await);
    assert!(!attribute(&s, &default, "enableNetworkAddressUsageMetrics").await);
    let vpc = create_vpc(&s, "10.0.0.0/16").await;
    assert!(attribute(&s, &vpc, "enableDnsSupport").await);
    assert!(!attribute(&s, &vpc, "enableDnsHostnames").await);
    assert!(!attribute(&s, &vpc, "enableNetworkAddressUsageMetrics").await);
}

#[tokio::test]
async fn each_attribute_changes_alone() {
    let s = Server::start().await;
    let vpc = create_vpc(&s, "10.0.0.0/16").await;
    for name in [
        "enableDnsHostnames",
        "enableNetworkAddressUsageMetrics",
        "enableDnsSupport",
    ] {
        // Last, support goes off while hostnames are on: EC2 allows that order.
        let before = attribute(&s, &vpc, name).await;
        modify(&s, &vpc, name, !before).await.ok();
        assert_eq!(attribute(&s, &vpc, name).await, !before, "{name}");
    }
    // A dry run checks and changes nothing.
    let r = s
        .call(
            "ModifyVpcAttribute",
            &[
                ("VpcId", &vpc),
                ("EnableDnsSupport.Value", "true"),
                ("DryRun", "true"),
            ],
        )
        .await;
    assert_eq!(r.status, 412, "{}", r.body);
    assert!(!attribute(&s, &vpc, "enableDnsSupport").await);
}

#[tokio::test]
async fn one_attribute_per_call_as_ec2_insists() {
    let s = Server::start().await;
    let vpc = create_vpc(&s, "10.0.0.0/16").await;
    // EC2's words when a client sends two (apache/libcloud#328, aws/aws-sdk-go#415).
    let msg = s
        .call(
            "ModifyVpcAttribute",
            &[
                ("VpcId", &vpc),
                ("EnableDnsSupport.Value", "true"),
                ("EnableDnsHostnames.Value", "true"),
            ],
        )
        .await
        .err400("InvalidParameterCombination");
    assert_eq!(
        msg,
        "Fields for multiple attribute types specified: enableDnsSupport, enableDnsHostnames"
    );
    // None at all: answered as ModifyNetworkInterfaceAttribute answers it (EC2's code for
    // this case is not documented).
    let msg = s
        .call("ModifyVpcAttribute", &[("VpcId", &vpc)])
        .await
        .err400("InvalidParameterCombination");
    assert_eq!(msg, "No attributes specified.");
}

#[tokio::test]
async fn hostnames_need_dns_support() {
    let s = Server::start().await;
    let vpc = create_vpc(&s, "10.0.0.0/16").await;
    modify(&s, &vpc, "enableDnsSupport", false).await.ok();
    // The reference: "You can only enable DNS hostnames if you've enabled DNS support."
    modify(&s, &vpc, "enableDnsHostnames", true)
        .await
        .err400("InvalidParameterCombination");
    assert!(!attribute(&s, &vpc, "enableDnsHostnames").await);
    modify(&s, &vpc, "enableDnsSupport", true).await.ok();
    modify(&s, &vpc, "enableDnsHostnames", true).await.ok();
    assert!(attribute(&s, &vpc, "enableDnsHostnames").await);
}

#[tokio::test]
async fn bad_attribute_names_and_vpc_ids() {
    let s = Server::start().await;
    let vpc = create_vpc(&s, "10.0.0.0/16").await;
    let msg = s
        .call(
            "DescribeVpcAttribute",
            &[("VpcId", &vpc), ("Attribute", "EnableDnsSupport")],
        )
        .await
        .err400("InvalidParameterValue");
    assert!(msg.contains("enableDnsSupport"), "{msg}");
    s.call("DescribeVpcAttribute", &[("VpcId", &vpc)])
        .await
        .err400("MissingParameter");
    s.call(
        "DescribeVpcAttribute",
        &[("VpcId", "vpc-12"), ("Attribute", "enableDnsSupport")],
    )
    .await
    .err400("InvalidVpcID.Malformed");
    s.call(
        "ModifyVpcAttribute",
        &[
            ("VpcId", "vpc-0123456789abcdef0"),
            ("EnableDnsSupport.Value", "true"),
        ],
    )
    .await
    .err400("InvalidVpcID.NotFound");
}
