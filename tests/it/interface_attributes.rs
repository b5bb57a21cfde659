//! ModifyNetworkInterfaceAttribute, DescribeNetworkInterfaceAttribute and
//! ResetNetworkInterfaceAttribute through HTTP: every attribute, the one-attribute rule,
//! DryRun, and the ID errors. Each change is read back through both Describe calls.

use crate::support::{id, list, net, v6s, Net};
use crate::support::{Node, Reply};

const UNKNOWN_ENI: &str = "eni-0123456789abcdef0";

/// A dual-stack VPC and subnet in us-east-1.
async fn world() -> Net {
    net(
        "us-east-1",
        "us-east-1a",
        "10.0.0.0/16",
        "10.0.1.0/24",
        true,
    )
    .await
}

impl Net {
    async fn modify(&self, eni: &str, params: &[(&str, &str)]) -> Reply {
        let mut all = vec![("NetworkInterfaceId", eni)];
        all.extend_from_slice(params);
        self.call("ModifyNetworkInterfaceAttribute", &all).await
    }

    async fn attribute(&self, eni: &str, attribute: &str) -> Reply {
        self.call(
            "DescribeNetworkInterfaceAttribute",
            &[("NetworkInterfaceId", eni), ("Attribute", attribute)],
        )
        .await
    }

    /// The reply root of a successful DescribeNetworkInterfaceAttribute.
    async fn attribute_ok(&self, eni: &str, attribute: &str) -> Node {
        let r = self.attribute(eni, attribute).await;
        let root = r.ok().clone();
        assert_eq!(root.name, "DescribeNetworkInterfaceAttributeResponse");
        assert_eq!(root.get("networkInterfaceId"), eni);
        root
    }

    async fn reset(&self, eni: &str, params: &[(&str, &str)]) -> Reply {
        let mut all = vec![("NetworkInterfaceId", eni)];
        all.extend_from_slice(params);
        self.call("ResetNetworkInterfaceAttribute", &all).await
    }
}

#[track_caller]
fn returned_true(r: &Reply) {
    assert_eq!(r.ok().get("return"), "true", "{}", r.body);
}

fn group_pairs(node: &Node) -> Vec<(String, String)> {
    list(node, "groupSet")
        .iter()
        .map(|g| (g.get("groupId"), g.get("groupName")))
        .collect()
}

// --- Description ------------------------------------------------------------------------------

#[tokio::test]
async fn description_is_changed_and_seen_by_both_describes() {
    let n = world().await;
    let eni = id(&n.eni(&[("Description", "before")]).await);
    let root = n.attribute_ok(&eni, "description").await;
    assert_eq!(root.child("description").unwrap().get("value"), "before");
    // Only the attribute asked for is in the answer.
    assert!(root.child("sourceDestCheck").is_none());
    assert!(root.child("groupSet").is_none());

    let r = n
        .modify(&eni, &[("Description.Value", "after <&> \"it\"")])
        .await;
    returned_true(&r);
    assert_eq!(
        n.describe_one(&eni).await.get("description"),
        "after <&> \"it\""
    );
    let root = n.attribute_ok(&eni, "description").await;
    assert_eq!(
        root.child("description").unwrap().get("value"),
        "after <&> \"it\""
    );

    // An empty value clears it; 255 characters fit, 256 do not (CreateNetworkInterface's bound).
    returned_true(&n.modify(&eni, &[("Description.Value", "")]).await);
    assert_eq!(n.describe_one(&eni).await.get("description"), "");
    let ok = "d".repeat(255);
    returned_true(&n.modify(&eni, &[("Description.Value", &ok)]).await);
    let long = "d".repeat(256);
    n.modify(&eni, &[("Description.Value", &long)])
        .await
        .err400("InvalidParameterValue");
    assert_eq!(n.describe_one(&eni).await.get("description"), ok);

    // DryRun answers 412 and leaves the description alone.
    n.modify(&eni, &[("Description.Value", "dry"), ("DryRun", "true")])
        .await
        .err("DryRunOperation", 412);
    assert_eq!(n.describe_one(&eni).await.get("description"), ok);

    // The bare structure name is no parameter of this action.
    n.modify(&eni, &[("Description", "flat")])
        .await
        .err400("UnknownParameter");
}

// --- SourceDestCheck and ResetNetworkInterfaceAttribute -----------------------------------------

#[tokio::test]
async fn source_dest_check_is_modified_and_reset() {
    let n = world().await;
    let eni = id(&n.eni(&[]).await);
    let value = |root: &Node| root.child("sourceDestCheck").unwrap().get("value");
    assert_eq!(
        value(&n.attribute_ok(&eni, "sourceDestCheck").await),
        "true"
    );

    returned_true(&n.modify(&eni, &[("SourceDestCheck.Value", "false")]).await);
    assert_eq!(n.describe_one(&eni).await.get("sourceDestCheck"), "false");
    assert_eq!(
        value(&n.attribute_ok(&eni, "sourceDestCheck").await),
        "false"
    );
    let found = n.find(&[("source-dest-check", &["false"])]).await;
    assert!(found.contains(&eni));

    n.modify(&eni, &[("SourceDestCheck.Value", "maybe")])
        .await
        .err400("InvalidParameterValue");

    // Reset: DryRun first (nothing changes), then for real.
    n.reset(
        &eni,
        &[("SourceDestCheck", "sourceDestCheck"), ("DryRun", "true")],
    )
    .await
    .err("DryRunOperation", 412);
    assert_eq!(n.describe_one(&eni).await.get("sourceDestCheck"), "false");
    returned_true(
        &n.reset(&eni, &[("SourceDestCheck", "sourceDestCheck")])
            .await,
    );
    assert_eq!(n.describe_one(&eni).await.get("sourceDestCheck"), "true");
    assert_eq!(
        value(&n.attribute_ok(&eni, "sourceDestCheck").await),
        "true"
    );

    // The reference lists no values for SourceDestCheck and botocore's shape for it has not
    // always matched what EC2 takes, so the parameter's presence is what selects the
    // attribute: any value resets to true.
    returned_true(&n.modify(&eni, &[("SourceDestCheck.Value", "false")]).await);
    returned_true(&n.reset(&eni, &[("SourceDestCheck", "true")]).await);
    assert_eq!(n.describe_one(&eni).await.get("sourceDestCheck"), "true");

    // Nothing to reset: the same answer EC2 gives a Modify with no attribute.
    let msg = n
        .reset(&eni, &[])
        .await
        .err400("InvalidParameterCombination");
    assert_eq!(msg, "No attributes specified.");
    n.reset(&eni, &[("Attribute", "sourceDestCheck")])
        .await
        .err400("UnknownParameter");
}

// --- Security groups --------------------------------------------------------------------------

#[tokio::test]
async fn security_groups_are_replaced_within_the_vpc_only() {
    let n = world().await;
    let web = n.create_group("web", &n.vpc).await;
    let app = n.create_group("app", &n.vpc).await;
    let eni = id(&n.eni(&[]).await);
    let root = n.attribute_ok(&eni, "groupSet").await;
    assert_eq!(
        group_pairs(&root),
        vec![(n.default_sg.clone(), "default".to_owned())]
    );

    // The new set replaces the old one, in the order given, names kept.
    let r = n
        .modify(
            &eni,
            &[("SecurityGroupId.1", &web), ("SecurityGroupId.2", &app)],
        )
        .await;
    returned_true(&r);
    let want = vec![
        (web.clone(), "web".to_owned()),
        (app.clone(), "app".to_owned()),
    ];
    assert_eq!(group_pairs(&n.describe_one(&eni).await), want);
    assert_eq!(group_pairs(&n.attribute_ok(&eni, "groupSet").await), want);
    assert_eq!(n.find(&[("group-name", &["app"])]).await.len(), 1);
    // The interface now depends on the new groups.
    n.call("DeleteSecurityGroup", &[("GroupId", &web)])
        .await
        .err400("DependencyViolation");

    // Groups of another VPC, unknown or malformed groups, and a sixth group are refused, and
    // the set stays as it was.
    let (other_vpc, other_default) = n.add_vpc("10.9.0.0/16").await;
    let other = n.create_group("other", &other_vpc).await;
    for g in [&other_default, &other] {
        let msg = n
            .modify(
                &eni,
                &[("SecurityGroupId.1", &web), ("SecurityGroupId.2", g)],
            )
            .await
            .err400("InvalidParameter");
        assert!(msg.contains("belong to different networks"), "{msg}");
    }
    n.modify(&eni, &[("SecurityGroupId.1", "sg-0123456789abcdef0")])
        .await
        .err400("InvalidGroup.NotFound");
    n.modify(&eni, &[("SecurityGroupId.1", "web")])
        .await
        .err400("InvalidGroupId.Malformed");
    let mut six = Vec::new();
    for i in 0..6 {
        six.push(n.create_group(&format!("g{i}"), &n.vpc).await);
    }
    let keys: Vec<String> = (1..=6).map(|i| format!("SecurityGroupId.{i}")).collect();
    let params: Vec<(&str, &str)> = keys
        .iter()
        .zip(&six)
        .map(|(k, g)| (k.as_str(), g.as_str()))
        .collect();
    n.modify(&eni, &params)
        .await
        .err400("SecurityGroupsPerInterfaceLimitExceeded");
    n.modify(&eni, &params[..5]).await.ok();
    assert_eq!(group_pairs(&n.describe_one(&eni).await).len(), 5);

    // DryRun checks the groups, then answers 412 without changing them.
    n.modify(&eni, &[("SecurityGroupId.1", &other), ("DryRun", "true")])
        .await
        .err400("InvalidParameter");
    n.modify(&eni, &[("SecurityGroupId.1", &web), ("DryRun", "true")])
        .await
        .err("DryRunOperation", 412);
    assert_eq!(group_pairs(&n.describe_one(&eni).await).len(), 5);
}

// --- EnablePrimaryIpv6 ------------------------------------------------------------------------

#[tokio::test]
async fn enable_primary_ipv6_promotes_the_first_address_once_and_for_all() {
    let n = world().await;
    let created = n.eni(&[("Ipv6AddressCount", "2")]).await;
    let eni = id(&created);
    let addrs = v6s(&created);
    let not_primary = |d: &Node| {
        list(d, "ipv6AddressesSet")
            .iter()
            .all(|i| i.get("isPrimaryIpv6") == "false")
    };
    assert!(not_primary(&created));

    n.modify(&eni, &[("EnablePrimaryIpv6", "true"), ("DryRun", "true")])
        .await
        .err("DryRunOperation", 412);
    assert!(not_primary(&n.describe_one(&eni).await));

    returned_true(&n.modify(&eni, &[("EnablePrimaryIpv6", "true")]).await);
    let d = n.describe_one(&eni).await;
    assert_eq!(d.get("ipv6Address"), addrs[0].to_string());
    let flags: Vec<String> = list(&d, "ipv6AddressesSet")
        .iter()
        .map(|i| i.get("isPrimaryIpv6"))
        .collect();
    assert_eq!(flags, ["true", "false"]);

    // Enabling again changes nothing; disabling is refused (the reference: "Once you enable
    // an IPv6 GUA address to be a primary IPv6, you cannot disable it").
    returned_true(&n.modify(&eni, &[("EnablePrimaryIpv6", "true")]).await);
    n.modify(&eni, &[("EnablePrimaryIpv6", "false")])
        .await
        .err400("InvalidParameterValue");
    assert_eq!(
        n.describe_one(&eni).await.get("ipv6Address"),
        addrs[0].to_string()
    );

    // An interface without IPv6 has nothing to promote. The code is a choice: EC2's answer
    // for this is not documented, and the value asks for what the interface cannot do.
    let v4_only = id(&n.eni(&[]).await);
    n.modify(&v4_only, &[("EnablePrimaryIpv6", "true")])
        .await
        .err400("InvalidParameterValue");
    n.modify(&v4_only, &[("EnablePrimaryIpv6", "yes")])
        .await
        .err400("InvalidParameterValue");
}

// --- ConnectionTrackingSpecification ----------------------------------------------------------

#[tokio::test]
async fn connection_tracking_fields_are_set_one_by_one_within_their_ranges() {
    let n = world().await;
    let eni = id(&n.eni(&[]).await);
    let ct = |d: &Node| d.child("connectionTrackingConfiguration").cloned();
    assert!(ct(&n.describe_one(&eni).await).is_none());

    let r = n
        .modify(
            &eni,
            &[(
                "ConnectionTrackingSpecification.TcpEstablishedTimeout",
                "3600",
            )],
        )
        .await;
    returned_true(&r);
    let got = ct(&n.describe_one(&eni).await).unwrap();
    assert_eq!(got.get("tcpEstablishedTimeout"), "3600");
    assert!(got.child("udpTimeout").is_none());

    // Fields left out keep the value they had.
    let r = n
        .modify(
            &eni,
            &[
                ("ConnectionTrackingSpecification.UdpStreamTimeout", "120"),
                ("ConnectionTrackingSpecification.UdpTimeout", "45"),
            ],
        )
        .await;
    returned_true(&r);
    let got = ct(&n.describe_one(&eni).await).unwrap();
    assert_eq!(got.get("tcpEstablishedTimeout"), "3600");
    assert_eq!(got.get("udpStreamTimeout"), "120");
    assert_eq!(got.get("udpTimeout"), "45");

    // The reference's ranges: TCP 60–432000, UDP stream 60–180, UDP 30–60.
    for (field, bad) in [
        ("TcpEstablishedTimeout", "59"),
        ("TcpEstablishedTimeout", "432001"),
        ("UdpStreamTimeout", "59"),
        ("UdpStreamTimeout", "181"),
        ("UdpTimeout", "29"),
        ("UdpTimeout", "61"),
        ("UdpTimeout", "x"),
    ] {
        let key = format!("ConnectionTrackingSpecification.{field}");
        n.modify(&eni, &[(key.as_str(), bad)])
            .await
            .err400("InvalidParameterValue");
    }
    for (field, edge) in [
        ("TcpEstablishedTimeout", "60"),
        ("TcpEstablishedTimeout", "432000"),
        ("UdpStreamTimeout", "180"),
        ("UdpTimeout", "30"),
    ] {
        let key = format!("ConnectionTrackingSpecification.{field}");
        returned_true(&n.modify(&eni, &[(key.as_str(), edge)]).await);
    }
    n.modify(
        &eni,
        &[
            ("ConnectionTrackingSpecification.UdpTimeout", "50"),
            ("DryRun", "true"),
        ],
    )
    .await
    .err("DryRunOperation", 412);
    let got = ct(&n.describe_one(&eni).await).unwrap();
    assert_eq!(got.get("tcpEstablishedTimeout"), "432000");
    assert_eq!(got.get("udpStreamTimeout"), "180");
    assert_eq!(got.get("udpTimeout"), "30");
}

// --- What this world cannot do ----------------------------------------------------------------

#[tokio::test]
async fn public_ips_ena_express_and_associated_subnets_are_unsupported() {
    let n = world().await;
    let eni = id(&n.eni(&[]).await);
    for params in [
        vec![("AssociatePublicIpAddress", "true")],
        vec![("AssociatePublicIpAddress", "false")],
        vec![("EnaSrdSpecification.EnaSrdEnabled", "true")],
        vec![(
            "EnaSrdSpecification.EnaSrdUdpSpecification.EnaSrdUdpEnabled",
            "true",
        )],
        vec![("AssociatedSubnetId.1", n.subnet.as_str())],
    ] {
        let msg = n.modify(&eni, &params).await.err400("UnsupportedOperation");
        assert!(!msg.is_empty());
        // Refused before DryRun, since no request of this kind could ever succeed here.
        let mut dry = params.clone();
        dry.push(("DryRun", "true"));
        n.modify(&eni, &dry).await.err400("UnsupportedOperation");
    }
    let msg = n
        .modify(&eni, &[("AssociatePublicIpAddress", "true")])
        .await
        .err400("UnsupportedOperation");
    assert!(msg.contains("public"), "{msg}");

    // The attribute reads false: no interface here ever has a public address.
    let root = n.attribute_ok(&eni, "associatePublicIpAddress").await;
    assert_eq!(root.get("associatePublicIpAddress"), "false");
}

#[tokio::test]
async fn attachment_changes_find_no_attachment_on_an_unattached_interface() {
    // The OpenStack ec2-api functional tests, written to pass against Amazon, pin these:
    // an attachment ID with DeleteOnTermination answers InvalidAttachmentID.NotFound on an
    // unattached interface, and an attachment ID with nothing to change MissingParameter.
    let n = world().await;
    let eni = id(&n.eni(&[]).await);
    let msg = n
        .modify(
            &eni,
            &[
                ("Attachment.AttachmentId", "eni-attach-0123456789abcdef0"),
                ("Attachment.DeleteOnTermination", "true"),
            ],
        )
        .await
        .err400("InvalidAttachmentID.NotFound");
    assert!(msg.contains("eni-attach-0123456789abcdef0"), "{msg}");
    for change in [
        ("Attachment.EnaQueueCount", "2"),
        ("Attachment.DefaultEnaQueueCount", "true"),
    ] {
        n.modify(&eni, &[("Attachment.AttachmentId", "eni-attach-1"), change])
            .await
            .err400("InvalidAttachmentID.NotFound");
    }
    // Not attached, every attachment ID is unknown, whatever its shape (EC2's Malformed code
    // for attachment IDs is not documented).
    n.modify(
        &eni,
        &[
            ("Attachment.AttachmentId", "fake"),
            ("Attachment.DeleteOnTermination", "false"),
        ],
    )
    .await
    .err400("InvalidAttachmentID.NotFound");
    n.modify(&eni, &[("Attachment.AttachmentId", "fake")])
        .await
        .err400("MissingParameter");
    n.modify(&eni, &[("Attachment.DeleteOnTermination", "true")])
        .await
        .err400("MissingParameter");
    n.modify(
        &eni,
        &[
            ("Attachment.AttachmentId", "eni-attach-1"),
            ("Attachment.DeleteOnTermination", "sometimes"),
        ],
    )
    .await
    .err400("InvalidParameterValue");

    // Describing the attachment of an unattached interface: no attachment element at all
    // (the same tests assert `Attachment` is absent from the answer).
    let root = n.attribute_ok(&eni, "attachment").await;
    assert!(root.find("attachment").is_none(), "{root:#?}");
}

// --- The one-attribute rule -------------------------------------------------------------------

#[tokio::test]
async fn exactly_one_attribute_per_modify() {
    let n = world().await;
    let eni = id(&n.eni(&[("Description", "kept")]).await);
    // Real EC2: InvalidParameterCombination "No attributes specified." (aws/aws-sdk-go-v2#1107,
    // where the SDK dropped the only attribute), not MissingParameter.
    let msg = n
        .modify(&eni, &[])
        .await
        .err400("InvalidParameterCombination");
    assert_eq!(msg, "No attributes specified.");
    n.modify(&eni, &[("DryRun", "true")])
        .await
        .err400("InvalidParameterCombination");

    // Two attributes: EC2's wording for ModifyVpcAttribute, naming both.
    let msg = n
        .modify(
            &eni,
            &[
                ("Description.Value", "new"),
                ("SourceDestCheck.Value", "false"),
            ],
        )
        .await
        .err400("InvalidParameterCombination");
    assert_eq!(
        msg,
        "Fields for multiple attribute types specified: description, sourceDestCheck"
    );
    let pairs: Vec<Vec<(&str, &str)>> = vec![
        vec![
            ("SecurityGroupId.1", n.default_sg.as_str()),
            ("EnablePrimaryIpv6", "true"),
        ],
        vec![
            ("ConnectionTrackingSpecification.UdpTimeout", "30"),
            ("AssociatePublicIpAddress", "false"),
        ],
        vec![
            ("Attachment.AttachmentId", "eni-attach-1"),
            ("EnaSrdSpecification.EnaSrdEnabled", "true"),
        ],
        vec![
            ("AssociatedSubnetId.1", n.subnet.as_str()),
            ("Description.Value", "x"),
        ],
    ];
    for params in pairs {
        n.modify(&eni, &params)
            .await
            .err400("InvalidParameterCombination");
    }
    let d = n.describe_one(&eni).await;
    assert_eq!(d.get("description"), "kept");
    assert_eq!(d.get("sourceDestCheck"), "true");
}

// --- IDs and the Describe parameters ----------------------------------------------------------

#[tokio::test]
async fn interface_ids_missing_malformed_or_unknown_on_every_action() {
    let n = world().await;
    let calls: [(&str, Vec<(&str, &str)>); 3] = [
        (
            "ModifyNetworkInterfaceAttribute",
            vec![("Description.Value", "x")],
        ),
        (
            "DescribeNetworkInterfaceAttribute",
            vec![("Attribute", "description")],
        ),
        (
            "ResetNetworkInterfaceAttribute",
            vec![("SourceDestCheck", "sourceDestCheck")],
        ),
    ];
    for (action, params) in &calls {
        let r = n.call(action, params).await;
        let msg = r.err400("MissingParameter");
        assert!(msg.contains("NetworkInterfaceId"), "{msg}");
        for (eni, code) in [
            (UNKNOWN_ENI, "InvalidNetworkInterfaceID.NotFound"),
            ("eni-xyz", "InvalidNetworkInterfaceId.Malformed"),
            (
                "subnet-0123456789abcdef0",
                "InvalidNetworkInterfaceId.Malformed",
            ),
        ] {
            let mut all = vec![("NetworkInterfaceId", eni)];
            all.extend_from_slice(params);
            let msg = n.call(action, &all).await.err400(code);
            assert!(msg.contains(eni), "{action}: {msg}");
            // An ID error comes before DryRun's answer.
            all.push(("DryRun", "true"));
            n.call(action, &all).await.err400(code);
        }
    }
}

#[tokio::test]
async fn describe_attribute_requires_one_known_attribute() {
    let n = world().await;
    let eni = id(&n.eni(&[]).await);
    // OpenStack ec2-api's tests against Amazon expect InvalidParameterCombination for a
    // missing Attribute (the model marks it optional), and InvalidParameterValue for 'fake'.
    let r = n
        .call(
            "DescribeNetworkInterfaceAttribute",
            &[("NetworkInterfaceId", &eni)],
        )
        .await;
    r.err400("InvalidParameterCombination");
    n.attribute(&eni, "")
        .await
        .err400("InvalidParameterCombination");
    for bad in ["fake", "Description", "groupset", "ipv6Address"] {
        let msg = n.attribute(&eni, bad).await.err400("InvalidParameterValue");
        assert!(msg.contains(bad), "{msg}");
    }
    // Parameter checks come before the interface lookup.
    n.attribute(UNKNOWN_ENI, "fake")
        .await
        .err400("InvalidParameterValue");

    // DryRun: 412 for a request that would succeed.
    n.call(
        "DescribeNetworkInterfaceAttribute",
        &[
            ("NetworkInterfaceId", &eni),
            ("Attribute", "groupSet"),
            ("DryRun", "true"),
        ],
    )
    .await
    .err("DryRunOperation", 412);
    n.call(
        "DescribeNetworkInterfaceAttribute",
        &[
            ("NetworkInterfaceId", &eni),
            ("Attribute", "groupSet"),
            ("Attribute.1", "description"),
        ],
    )
    .await
    .err400("UnknownParameter");

    // Every attribute answers with its own element and nothing else.
    for (attribute, element) in [
        ("description", Some("description")),
        ("groupSet", Some("groupSet")),
        ("sourceDestCheck", Some("sourceDestCheck")),
        ("attachment", None),
        ("associatePublicIpAddress", Some("associatePublicIpAddress")),
    ] {
        let root = n.attribute_ok(&eni, attribute).await;
        let names: Vec<&str> = root
            .children
            .iter()
            .map(|c| c.name.as_str())
            .filter(|name| *name != "requestId" && *name != "networkInterfaceId")
            .collect();
        assert_eq!(
            names,
            element.into_iter().collect::<Vec<_>>(),
            "{attribute}"
        );
    }
}
