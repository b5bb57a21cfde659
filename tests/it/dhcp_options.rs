//! DHCP options sets: the region's default one, CreateDhcpOptions' rules, AssociateDhcpOptions
//! (with `default`), DeleteDhcpOptions refused while a VPC uses the set, and tags.

use crate::support::Server;
use crate::vpcs::create_vpc;

async fn vpc_options(s: &Server, vpc: &str) -> String {
    let r = s.call("DescribeVpcs", &[("VpcId.1", vpc)]).await;
    r.ok().items("vpcSet")[0].get("dhcpOptionsId")
}

fn configurations(set: &crate::support::Node) -> Vec<(String, Vec<String>)> {
    set.child("dhcpConfigurationSet")
        .unwrap()
        .children
        .iter()
        .map(|c| {
            let values = c
                .child("valueSet")
                .unwrap()
                .children
                .iter()
                .map(|v| v.get("value"))
                .collect();
            (c.get("key"), values)
        })
        .collect()
}

#[tokio::test]
async fn every_region_has_a_default_set_that_new_vpcs_use() {
    let s = Server::start().await;
    let r = s.call("DescribeDhcpOptions", &[]).await;
    let sets = r.ok().items("dhcpOptionsSet");
    assert_eq!(sets.len(), 1, "{}", r.body);
    let default = sets[0].get("dhcpOptionsId");
    assert!(default.starts_with("dopt-"));
    assert_eq!(sets[0].get("ownerId"), "123456789012");
    assert_eq!(
        configurations(sets[0]),
        vec![
            ("domain-name".to_owned(), vec!["ec2.internal".to_owned()]),
            (
                "domain-name-servers".to_owned(),
                vec!["AmazonProvidedDNS".to_owned()]
            ),
        ]
    );
    let vpc = create_vpc(&s, "10.0.0.0/16").await;
    assert_eq!(vpc_options(&s, &vpc).await, default);
    // Outside us-east-1 the domain is `<region>.compute.internal`.
    let r = s
        .call_as("AKIDEXAMPLE", "eu-west-1", "DescribeDhcpOptions", &[])
        .await;
    let sets = r.ok().items("dhcpOptionsSet");
    assert_eq!(configurations(sets[0])[0].1, ["eu-west-1.compute.internal"]);
}

#[tokio::test]
async fn create_associate_default_and_delete() {
    let s = Server::start().await;
    let vpc = create_vpc(&s, "10.0.0.0/16").await;
    let r = s
        .call(
            "CreateDhcpOptions",
            &[
                ("DhcpConfiguration.1.Key", "domain-name"),
                ("DhcpConfiguration.1.Value.1", "corp.example"),
                ("DhcpConfiguration.2.Key", "domain-name-servers"),
                ("DhcpConfiguration.2.Value.1", "10.0.0.2"),
                ("DhcpConfiguration.2.Value.2", "10.0.0.3"),
                ("TagSpecification.1.ResourceType", "dhcp-options"),
                ("TagSpecification.1.Tag.1.Key", "Name"),
                ("TagSpecification.1.Tag.1.Value", "corp"),
            ],
        )
        .await;
    let set = r.ok().child("dhcpOptions").unwrap().clone();
    let id = set.get("dhcpOptionsId");
    assert_eq!(
        configurations(&set)[1],
        (
            "domain-name-servers".to_owned(),
            vec!["10.0.0.2".to_owned(), "10.0.0.3".to_owned()]
        )
    );
    s.call(
        "AssociateDhcpOptions",
        &[("DhcpOptionsId", &id), ("VpcId", &vpc)],
    )
    .await
    .ok();
    assert_eq!(vpc_options(&s, &vpc).await, id);
    // In use: refused, with EC2's code.
    s.call("DeleteDhcpOptions", &[("DhcpOptionsId", &id)])
        .await
        .err400("DependencyViolation");
    // `default` means no options at all.
    s.call(
        "AssociateDhcpOptions",
        &[("DhcpOptionsId", "default"), ("VpcId", &vpc)],
    )
    .await
    .ok();
    assert_eq!(vpc_options(&s, &vpc).await, "default");
    let found = s
        .call(
            "DescribeDhcpOptions",
            &[("Filter.1.Name", "tag:Name"), ("Filter.1.Value.1", "corp")],
        )
        .await;
    assert_eq!(found.ok().items("dhcpOptionsSet").len(), 1);
    s.call("DeleteDhcpOptions", &[("DhcpOptionsId", &id)])
        .await
        .ok();
    s.call("DescribeDhcpOptions", &[("DhcpOptionsId.1", &id)])
        .await
        .err400("InvalidDhcpOptionID.NotFound");
}

#[tokio::test]
async fn configurations_are_checked() {
    let s = Server::start().await;
    for (key, values, code) in [
        ("domain-nam", vec!["x"], "InvalidParameterValue"),
        ("netbios-node-type", vec!["3"], "InvalidParameterValue"),
        (
            "ntp-servers",
            vec!["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5"],
            "InvalidParameterValue",
        ),
    ] {
        let mut params = vec![("DhcpConfiguration.1.Key".to_owned(), key.to_owned())];
        for (i, v) in values.iter().enumerate() {
            params.push((
                format!("DhcpConfiguration.1.Value.{}", i + 1),
                (*v).to_owned(),
            ));
        }
        let refs: Vec<(&str, &str)> = params
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        s.call("CreateDhcpOptions", &refs).await.err400(code);
    }
    s.call("CreateDhcpOptions", &[])
        .await
        .err400("MissingParameter");
    // Nothing was created by the refused calls.
    let r = s.call("DescribeDhcpOptions", &[]).await;
    assert_eq!(r.ok().items("dhcpOptionsSet").len(), 1);
}
