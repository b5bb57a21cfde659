//! The real Rust SDK (`aws-sdk-ec2`) against a running server: if the SDK's ec2Query
//! deserializers accept every reply, the XML shapes match the botocore/Smithy model.
//!
//! The clients come from the embedding API (`MockServer::sdk_client_for`, cargo feature
//! `sdk`, on for tests through the self dev-dependency in Cargo.toml), which carries the
//! SDK's requests over plain HTTP with reqwest instead of the SDK's default HTTPS client.

use std::net::Ipv6Addr;

use aws_credential_types::Credentials;
use aws_sdk_ec2::config::{BehaviorVersion, Region};
use aws_sdk_ec2::error::{DisplayErrorContext, ProvideErrorMetadata};
use aws_sdk_ec2::operation::RequestId;
use aws_sdk_ec2::types::{
    AttributeBooleanValue, AvailabilityZoneState, Filter, ResourceType, SubnetCidrBlockStateCode,
    SubnetState, Tag, TagSpecification, Tenancy, VpcCidrBlockStateCode, VpcState,
};
use aws_sdk_ec2::Client;

use crate::support::Server;

/// A client signing as `access_key` in `region`, configured only in code (no environment,
/// no profile files), so the tests do not depend on the machine's AWS settings.
pub(crate) fn client(server: &Server, access_key: &str, region: &'static str) -> Client {
    server.mock.sdk_client_for(access_key, region)
}

fn name_tag(resource_type: ResourceType, name: &str) -> TagSpecification {
    TagSpecification::builder()
        .resource_type(resource_type)
        .tags(Tag::builder().key("Name").value(name).build())
        .tags(Tag::builder().key("team").value("net").build())
        .build()
}

fn tag_pairs(tags: &[Tag]) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = tags
        .iter()
        .map(|t| {
            (
                t.key().unwrap_or_default().to_owned(),
                t.value().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    pairs.sort();
    pairs
}

fn expected_tags(name: &str) -> Vec<(String, String)> {
    vec![
        ("Name".to_owned(), name.to_owned()),
        ("team".to_owned(), "net".to_owned()),
    ]
}

/// The `index`-th /64 of a /56.
pub(crate) fn nth_64(block56: &str, index: u8) -> String {
    let (addr, len) = block56.split_once('/').expect("a CIDR");
    assert_eq!(len, "56", "VPC IPv6 blocks are /56: {block56}");
    let base = u128::from(addr.parse::<Ipv6Addr>().expect("an IPv6 address"));
    assert_eq!(base & ((1u128 << 72) - 1), 0, "{block56} is not aligned");
    format!("{}/64", Ipv6Addr::from(base | (u128::from(index) << 64)))
}

#[tokio::test]
async fn dual_stack_vpc_and_subnet_round_trip_through_the_sdk() {
    let server = Server::start().await;
    let ec2 = client(&server, "AKIDEXAMPLE", "us-east-1");

    // CreateVpc with an Amazon-provided /56 and tags.
    let created = ec2
        .create_vpc()
        .cidr_block("10.0.0.0/16")
        .amazon_provided_ipv6_cidr_block(true)
        .tag_specifications(name_tag(ResourceType::Vpc, "sdk-vpc"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("CreateVpc: {}", DisplayErrorContext(&e)));
    let vpc = created.vpc().expect("CreateVpc returns the vpc");
    let vpc_id = vpc.vpc_id().expect("vpcId").to_owned();
    assert!(
        vpc_id.starts_with("vpc-") && vpc_id.len() == 4 + 17,
        "{vpc_id}"
    );
    assert_eq!(vpc.state(), Some(&VpcState::Pending));
    assert_eq!(vpc.cidr_block(), Some("10.0.0.0/16"));
    assert_eq!(tag_pairs(vpc.tags()), expected_tags("sdk-vpc"));

    // DescribeVpcs reads it back settled, with its /56.
    let described = ec2
        .describe_vpcs()
        .vpc_ids(&vpc_id)
        .send()
        .await
        .unwrap_or_else(|e| panic!("DescribeVpcs: {}", DisplayErrorContext(&e)));
    assert!(described.next_token().is_none());
    let [vpc] = described.vpcs() else {
        panic!("one VPC expected: {described:?}");
    };
    assert_eq!(vpc.vpc_id(), Some(vpc_id.as_str()));
    assert_eq!(vpc.owner_id(), Some("123456789012"));
    assert_eq!(vpc.state(), Some(&VpcState::Available));
    assert_eq!(vpc.cidr_block(), Some("10.0.0.0/16"));
    assert_eq!(vpc.is_default(), Some(false));
    assert_eq!(vpc.instance_tenancy(), Some(&Tenancy::Default));
    assert!(vpc
        .dhcp_options_id()
        .is_some_and(|d| d.starts_with("dopt-")));
    assert_eq!(tag_pairs(vpc.tags()), expected_tags("sdk-vpc"));
    let [v4] = vpc.cidr_block_association_set() else {
        panic!("one IPv4 association: {vpc:?}");
    };
    assert_eq!(v4.cidr_block(), Some("10.0.0.0/16"));
    assert!(v4
        .association_id()
        .is_some_and(|a| a.starts_with("vpc-cidr-assoc-")));
    assert_eq!(
        v4.cidr_block_state().and_then(|s| s.state()),
        Some(&VpcCidrBlockStateCode::Associated)
    );
    let [v6] = vpc.ipv6_cidr_block_association_set() else {
        panic!("one IPv6 association: {vpc:?}");
    };
    let block56 = v6.ipv6_cidr_block().expect("ipv6CidrBlock").to_owned();
    assert!(block56.ends_with("/56"), "{block56}");
    assert_eq!(v6.network_border_group(), Some("us-east-1"));
    assert_eq!(v6.ipv6_pool(), Some("Amazon"));
    assert_eq!(
        v6.ipv6_cidr_block_state().and_then(|s| s.state()),
        Some(&VpcCidrBlockStateCode::Associated)
    );

    // CreateSubnet with an IPv4 /24 and the second /64 of the VPC's /56.
    let block64 = nth_64(&block56, 1);
    let created = ec2
        .create_subnet()
        .vpc_id(&vpc_id)
        .cidr_block("10.0.1.0/24")
        .ipv6_cidr_block(&block64)
        .availability_zone("us-east-1b")
        .tag_specifications(name_tag(ResourceType::Subnet, "sdk-subnet"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("CreateSubnet: {}", DisplayErrorContext(&e)));
    let subnet = created.subnet().expect("CreateSubnet returns the subnet");
    let subnet_id = subnet.subnet_id().expect("subnetId").to_owned();
    assert!(
        subnet_id.starts_with("subnet-") && subnet_id.len() == 7 + 17,
        "{subnet_id}"
    );
    assert_eq!(subnet.state(), Some(&SubnetState::Pending));

    let described = ec2
        .describe_subnets()
        .subnet_ids(&subnet_id)
        .send()
        .await
        .unwrap_or_else(|e| panic!("DescribeSubnets: {}", DisplayErrorContext(&e)));
    let [subnet] = described.subnets() else {
        panic!("one subnet expected: {described:?}");
    };
    assert_eq!(subnet.subnet_id(), Some(subnet_id.as_str()));
    assert_eq!(subnet.vpc_id(), Some(vpc_id.as_str()));
    assert_eq!(subnet.owner_id(), Some("123456789012"));
    assert_eq!(subnet.state(), Some(&SubnetState::Available));
    assert_eq!(subnet.cidr_block(), Some("10.0.1.0/24"));
    assert_eq!(subnet.available_ip_address_count(), Some(251));
    assert_eq!(subnet.availability_zone(), Some("us-east-1b"));
    assert_eq!(subnet.availability_zone_id(), Some("use1-az1"));
    assert_eq!(subnet.default_for_az(), Some(false));
    assert_eq!(subnet.map_public_ip_on_launch(), Some(false));
    assert_eq!(subnet.assign_ipv6_address_on_creation(), Some(false));
    assert_eq!(subnet.ipv6_native(), Some(false));
    assert_eq!(
        subnet.subnet_arn(),
        Some(format!("arn:aws:ec2:us-east-1:123456789012:subnet/{subnet_id}").as_str())
    );
    assert_eq!(tag_pairs(subnet.tags()), expected_tags("sdk-subnet"));
    let [v6] = subnet.ipv6_cidr_block_association_set() else {
        panic!("one IPv6 association: {subnet:?}");
    };
    assert_eq!(v6.ipv6_cidr_block(), Some(block64.as_str()));
    assert!(v6
        .association_id()
        .is_some_and(|a| a.starts_with("subnet-cidr-assoc-")));
    assert_eq!(
        v6.ipv6_cidr_block_state().and_then(|s| s.state()),
        Some(&SubnetCidrBlockStateCode::Associated)
    );

    // Filters and tag filters find the same subnet.
    let filtered = ec2
        .describe_subnets()
        .filters(Filter::builder().name("vpc-id").values(&vpc_id).build())
        .filters(Filter::builder().name("tag:Name").values("sdk-*").build())
        .send()
        .await
        .unwrap_or_else(|e| panic!("DescribeSubnets: {}", DisplayErrorContext(&e)));
    let ids: Vec<_> = filtered
        .subnets()
        .iter()
        .filter_map(|s| s.subnet_id())
        .collect();
    assert_eq!(ids, [subnet_id.as_str()]);

    // ModifySubnetAttribute is visible in the next Describe.
    ec2.modify_subnet_attribute()
        .subnet_id(&subnet_id)
        .assign_ipv6_address_on_creation(AttributeBooleanValue::builder().value(true).build())
        .send()
        .await
        .unwrap_or_else(|e| panic!("ModifySubnetAttribute: {}", DisplayErrorContext(&e)));
    let described = ec2
        .describe_subnets()
        .subnet_ids(&subnet_id)
        .send()
        .await
        .unwrap();
    assert_eq!(
        described.subnets()[0].assign_ipv6_address_on_creation(),
        Some(true)
    );

    // The VPC cannot go while the subnet is in it; then both can.
    let err = ec2
        .delete_vpc()
        .vpc_id(&vpc_id)
        .send()
        .await
        .expect_err("DeleteVpc with a subnet left");
    assert_eq!(err.code(), Some("DependencyViolation"), "{err:?}");
    ec2.delete_subnet()
        .subnet_id(&subnet_id)
        .send()
        .await
        .unwrap_or_else(|e| panic!("DeleteSubnet: {}", DisplayErrorContext(&e)));
    ec2.delete_vpc()
        .vpc_id(&vpc_id)
        .send()
        .await
        .unwrap_or_else(|e| panic!("DeleteVpc: {}", DisplayErrorContext(&e)));
    let err = ec2
        .describe_vpcs()
        .vpc_ids(&vpc_id)
        .send()
        .await
        .expect_err("the VPC is gone");
    assert_eq!(err.code(), Some("InvalidVpcID.NotFound"), "{err:?}");
}

#[tokio::test]
async fn regions_and_availability_zones_through_the_sdk() {
    let server = Server::start().await;
    let ec2 = client(&server, "AKIDEXAMPLE", "us-east-1");

    let regions = ec2
        .describe_regions()
        .send()
        .await
        .unwrap_or_else(|e| panic!("DescribeRegions: {}", DisplayErrorContext(&e)));
    let names: Vec<_> = regions
        .regions()
        .iter()
        .filter_map(|r| r.region_name())
        .collect();
    for expected in ["us-east-1", "us-west-2", "eu-west-1"] {
        assert!(
            names.contains(&expected),
            "{expected} missing from {names:?}"
        );
    }
    let one = ec2
        .describe_regions()
        .region_names("eu-west-1")
        .send()
        .await
        .unwrap();
    let [eu] = one.regions() else {
        panic!("one region expected: {one:?}");
    };
    assert_eq!(eu.region_name(), Some("eu-west-1"));
    assert_eq!(eu.endpoint(), Some("ec2.eu-west-1.amazonaws.com"));
    assert_eq!(eu.opt_in_status(), Some("opt-in-not-required"));

    let zones = ec2
        .describe_availability_zones()
        .send()
        .await
        .unwrap_or_else(|e| panic!("DescribeAvailabilityZones: {}", DisplayErrorContext(&e)));
    let zones = zones.availability_zones();
    assert!(zones.len() >= 3, "{zones:?}");
    for zone in zones {
        assert_eq!(zone.region_name(), Some("us-east-1"));
        assert_eq!(zone.state(), Some(&AvailabilityZoneState::Available));
        assert!(zone.zone_name().is_some_and(|n| n.starts_with("us-east-1")));
        assert!(zone.zone_id().is_some_and(|i| i.starts_with("use1-az")));
        assert_eq!(zone.zone_type(), Some("availability-zone"));
    }
    let by_id = ec2
        .describe_availability_zones()
        .filters(Filter::builder().name("zone-id").values("use1-az1").build())
        .send()
        .await
        .unwrap();
    let [zone] = by_id.availability_zones() else {
        panic!("one zone expected: {by_id:?}");
    };
    assert_eq!(zone.zone_name(), Some("us-east-1b"));
}

#[tokio::test]
async fn errors_surface_their_code_message_and_request_id() {
    let server = Server::start().await;
    let ec2 = client(&server, "AKIDEXAMPLE", "us-east-1");

    let err = ec2
        .describe_vpcs()
        .vpc_ids("vpc-0123456789abcdef0")
        .send()
        .await
        .expect_err("no such VPC");
    assert_eq!(err.code(), Some("InvalidVpcID.NotFound"), "{err:?}");
    assert!(
        err.message()
            .is_some_and(|m| m.contains("vpc-0123456789abcdef0")),
        "{err:?}"
    );
    assert!(err.request_id().is_some_and(|r| !r.is_empty()), "{err:?}");
    assert_eq!(err.raw_response().map(|r| r.status().as_u16()), Some(400));

    let err = ec2
        .describe_subnets()
        .subnet_ids("not-a-subnet")
        .send()
        .await
        .expect_err("malformed ID");
    assert_eq!(err.code(), Some("InvalidSubnetID.Malformed"), "{err:?}");
}

#[tokio::test]
async fn dry_run_surfaces_dry_run_operation_and_changes_nothing() {
    let server = Server::start().await;
    let ec2 = client(&server, "AKIDEXAMPLE", "us-east-1");

    let err = ec2
        .create_vpc()
        .cidr_block("10.9.0.0/16")
        .dry_run(true)
        .send()
        .await
        .expect_err("DryRun never succeeds");
    assert_eq!(err.code(), Some("DryRunOperation"), "{err:?}");
    assert_eq!(err.raw_response().map(|r| r.status().as_u16()), Some(412));

    let vpcs = ec2.describe_vpcs().send().await.unwrap();
    let cidrs: Vec<_> = vpcs.vpcs().iter().filter_map(|v| v.cidr_block()).collect();
    assert_eq!(cidrs, ["172.31.0.0/16"], "only the default VPC exists");

    // A DryRun that would fail answers the failure, not DryRunOperation.
    let err = ec2
        .create_vpc()
        .cidr_block("10.0.0.0/8")
        .dry_run(true)
        .send()
        .await
        .expect_err("a /8 is out of range");
    assert_eq!(err.code(), Some("InvalidVpc.Range"), "{err:?}");
}

#[tokio::test]
async fn a_twelve_digit_access_key_is_the_account() {
    let server = Server::start().await;
    let other = client(&server, "111122223333", "us-east-1");
    let default = client(&server, "AKIDEXAMPLE", "us-east-1");

    let created = other
        .create_vpc()
        .cidr_block("10.1.0.0/16")
        .send()
        .await
        .unwrap_or_else(|e| panic!("CreateVpc: {}", DisplayErrorContext(&e)));
    let vpc = created.vpc().unwrap();
    assert_eq!(vpc.owner_id(), Some("111122223333"));
    let vpc_id = vpc.vpc_id().unwrap();

    // The default VPC of that account is its own too.
    let mine = other
        .describe_vpcs()
        .filters(Filter::builder().name("is-default").values("true").build())
        .send()
        .await
        .unwrap();
    assert_eq!(mine.vpcs().len(), 1);
    assert_eq!(mine.vpcs()[0].owner_id(), Some("111122223333"));

    // Another account does not see it.
    let err = default
        .describe_vpcs()
        .vpc_ids(vpc_id)
        .send()
        .await
        .expect_err("accounts are isolated");
    assert_eq!(err.code(), Some("InvalidVpcID.NotFound"), "{err:?}");
}

#[tokio::test]
async fn the_region_comes_from_the_sdk_configuration() {
    let server = Server::start().await;
    let ec2 = client(&server, "AKIDEXAMPLE", "eu-west-1");

    let subnets = ec2
        .describe_subnets()
        .filters(
            Filter::builder()
                .name("default-for-az")
                .values("true")
                .build(),
        )
        .send()
        .await
        .unwrap_or_else(|e| panic!("DescribeSubnets: {}", DisplayErrorContext(&e)));
    let mut zones: Vec<_> = subnets
        .subnets()
        .iter()
        .filter_map(|s| s.availability_zone())
        .collect();
    zones.sort_unstable();
    assert_eq!(zones, ["eu-west-1a", "eu-west-1b", "eu-west-1c"]);
    let mut cidrs: Vec<_> = subnets
        .subnets()
        .iter()
        .filter_map(|s| s.cidr_block())
        .collect();
    cidrs.sort_unstable();
    assert_eq!(cidrs, ["172.31.0.0/20", "172.31.16.0/20", "172.31.32.0/20"]);
    for s in subnets.subnets() {
        assert_eq!(s.available_ip_address_count(), Some(4091));
        assert_eq!(s.map_public_ip_on_launch(), Some(true));
    }

    // A subnet created there lands in an eu-west-1 zone, and us-east-1 does not see it.
    let vpc = ec2
        .create_vpc()
        .cidr_block("10.2.0.0/16")
        .send()
        .await
        .unwrap();
    let vpc_id = vpc.vpc().and_then(|v| v.vpc_id()).unwrap();
    let subnet = ec2
        .create_subnet()
        .vpc_id(vpc_id)
        .cidr_block("10.2.0.0/28")
        .send()
        .await
        .unwrap_or_else(|e| panic!("CreateSubnet: {}", DisplayErrorContext(&e)));
    let subnet = subnet.subnet().unwrap();
    assert!(
        subnet
            .availability_zone()
            .is_some_and(|z| z.starts_with("eu-west-1")),
        "{subnet:?}"
    );
    assert_eq!(subnet.available_ip_address_count(), Some(11));

    let us = client(&server, "AKIDEXAMPLE", "us-east-1");
    let err = us
        .describe_vpcs()
        .vpc_ids(vpc_id)
        .send()
        .await
        .expect_err("regions are isolated");
    assert_eq!(err.code(), Some("InvalidVpcID.NotFound"), "{err:?}");
}

#[tokio::test]
async fn paginators_walk_every_page() {
    let server = Server::start().await;
    let ec2 = client(&server, "AKIDEXAMPLE", "us-east-1");
    // us-east-1 has six zones, hence six default subnets: pages of 5 make two pages.
    let pages: Vec<_> = ec2
        .describe_subnets()
        .max_results(5)
        .into_paginator()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .unwrap_or_else(|e| panic!("DescribeSubnets pages: {}", DisplayErrorContext(&e)));
    let sizes: Vec<_> = pages.iter().map(|p| p.subnets().len()).collect();
    assert_eq!(sizes, [5, 1]);
    let mut ids: Vec<_> = pages
        .iter()
        .flat_map(|p| p.subnets())
        .filter_map(|s| s.subnet_id())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 6);
}

/// The README's recipe: shared config from `aws-config`, then a client from it.
#[tokio::test]
async fn the_readme_aws_config_recipe_works() {
    let server = Server::start().await;
    let shared = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("test", "test", None, None, "static"))
        .endpoint_url(&server.endpoint)
        .http_client(ec2_mock::sdk_http_client())
        .load()
        .await;
    let ec2 = Client::new(&shared);
    let vpcs = ec2
        .describe_vpcs()
        .send()
        .await
        .unwrap_or_else(|e| panic!("DescribeVpcs: {}", DisplayErrorContext(&e)));
    assert_eq!(vpcs.vpcs().len(), 1);
    assert_eq!(vpcs.vpcs()[0].is_default(), Some(true));
}
