//! CreateNetworkInterface, DescribeNetworkInterfaces and DeleteNetworkInterface through the
//! real Rust SDK: every field the SDK parses is read back, and errors surface their codes.

use std::collections::HashSet;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use aws_sdk_ec2::client::Waiters;
use aws_sdk_ec2::error::ProvideErrorMetadata;
use aws_sdk_ec2::types::{
    AttributeBooleanValue, ConnectionTrackingSpecificationRequest, Filter, InstanceIpv6Address,
    Ipv4PrefixSpecificationRequest, NetworkInterface, NetworkInterfaceCreationType,
    NetworkInterfaceStatus, NetworkInterfaceType, OperatorRequest, PrivateIpAddressSpecification,
    ResourceType, Tag, TagSpecification,
};
use aws_sdk_ec2::Client;

use crate::sdk::{client, nth_64};
use crate::support::Server;

const REGION: &str = "ap-southeast-1";
const ZONE: &str = "ap-southeast-1b";

/// The seed examples' world: a dual-stack 10.0.0.0/16 VPC with 10.0.2.0/24 in ap-southeast-1b.
struct World {
    client: Client,
    vpc_id: String,
    subnet_id: String,
    subnet_v6: ipnet::Ipv6Net,
    default_group: String,
}

async fn world(server: &Server) -> World {
    let client = client(server, "AKIDEXAMPLE", REGION);
    let vpc = client
        .create_vpc()
        .cidr_block("10.0.0.0/16")
        .amazon_provided_ipv6_cidr_block(true)
        .send()
        .await
        .unwrap()
        .vpc
        .unwrap();
    let vpc_id = vpc.vpc_id().unwrap().to_owned();
    let block56 = vpc.ipv6_cidr_block_association_set()[0]
        .ipv6_cidr_block()
        .unwrap()
        .to_owned();
    let v6 = nth_64(&block56, 2);
    let subnet = client
        .create_subnet()
        .vpc_id(&vpc_id)
        .cidr_block("10.0.2.0/24")
        .ipv6_cidr_block(&v6)
        .availability_zone(ZONE)
        .send()
        .await
        .unwrap()
        .subnet
        .unwrap();
    let groups = client
        .describe_security_groups()
        .filters(Filter::builder().name("vpc-id").values(&vpc_id).build())
        .send()
        .await
        .unwrap();
    let default_group = groups.security_groups()[0].group_id().unwrap().to_owned();
    World {
        client,
        vpc_id,
        subnet_id: subnet.subnet_id().unwrap().to_owned(),
        subnet_v6: v6.parse().unwrap(),
        default_group,
    }
}

fn in_subnet(ip: &str) -> Ipv4Addr {
    let ip: Ipv4Addr = ip.parse().unwrap();
    let o = ip.octets();
    assert_eq!((o[0], o[1], o[2]), (10, 0, 2), "{ip} outside 10.0.2.0/24");
    assert!((4..=254).contains(&o[3]), "{ip} is reserved");
    ip
}

fn dns(ip: &str) -> String {
    format!("ip-{}.{REGION}.compute.internal", ip.replace('.', "-"))
}

/// The fields every interface of this world shares, read through the SDK's parsed shape.
fn assert_common(eni: &NetworkInterface, w: &World) {
    let id = eni.network_interface_id().unwrap();
    assert!(id.starts_with("eni-") && id.len() == 21, "{id}");
    assert_eq!(eni.subnet_id(), Some(w.subnet_id.as_str()));
    assert_eq!(eni.vpc_id(), Some(w.vpc_id.as_str()));
    assert_eq!(eni.availability_zone(), Some(ZONE));
    assert_eq!(eni.availability_zone_id(), Some("apse1-az2"));
    assert_eq!(eni.owner_id(), Some("123456789012"));
    assert_eq!(eni.requester_managed(), Some(false));
    assert_eq!(eni.source_dest_check(), Some(true));
    let mac = eni.mac_address().unwrap();
    assert!(mac.starts_with("02:") && mac.len() == 17, "{mac}");
    let primary = eni.private_ip_address().unwrap();
    assert_eq!(eni.private_dns_name(), Some(dns(primary).as_str()));
    let listed = eni.private_ip_addresses();
    assert_eq!(listed[0].private_ip_address(), Some(primary));
    assert_eq!(listed[0].primary(), Some(true));
    for p in listed {
        let ip = p.private_ip_address().unwrap();
        in_subnet(ip);
        assert_eq!(p.private_dns_name(), Some(dns(ip).as_str()));
    }
    assert!(listed[1..].iter().all(|p| p.primary() == Some(false)));
    assert_eq!(eni.interface_type(), Some(&NetworkInterfaceType::Interface));
}

#[tokio::test]
async fn the_seed_examples_through_the_sdk() {
    let server = Server::start().await;
    let w = world(&server).await;

    // Example 1: a primary address chosen by EC2, the VPC's default group.
    let eni = w
        .client
        .create_network_interface()
        .subnet_id(&w.subnet_id)
        .send()
        .await
        .unwrap()
        .network_interface
        .unwrap();
    assert_common(&eni, &w);
    // `pending` is what EC2 answers to a create (the API reference's examples) although the
    // model's enum lacks it; the SDK keeps it as an unknown variant rather than failing.
    assert_eq!(eni.status().map(|s| s.as_str()), Some("pending"));
    assert_eq!(eni.description(), Some(""));
    assert_eq!(eni.private_ip_addresses().len(), 1);
    assert_eq!(eni.groups().len(), 1);
    assert_eq!(eni.groups()[0].group_id(), Some(w.default_group.as_str()));
    assert_eq!(eni.groups()[0].group_name(), Some("default"));
    assert!(eni.tag_set().is_empty() && eni.ipv6_addresses().is_empty());
    assert!(eni.ipv4_prefixes().is_empty() && eni.ipv6_prefixes().is_empty());

    // Example 2: primary 10.0.2.140 and four secondaries chosen by EC2.
    let eni = w
        .client
        .create_network_interface()
        .subnet_id(&w.subnet_id)
        .private_ip_addresses(
            PrivateIpAddressSpecification::builder()
                .primary(true)
                .private_ip_address("10.0.2.140")
                .build(),
        )
        .secondary_private_ip_address_count(4)
        .send()
        .await
        .unwrap()
        .network_interface
        .unwrap();
    assert_common(&eni, &w);
    assert_eq!(eni.private_ip_address(), Some("10.0.2.140"));
    let addrs: HashSet<&str> = eni
        .private_ip_addresses()
        .iter()
        .filter_map(|p| p.private_ip_address())
        .collect();
    assert_eq!(addrs.len(), 5, "five distinct addresses");

    // Example 3: primary 10.0.2.130 with secondaries .132 and .133, exactly.
    let eni = w
        .client
        .create_network_interface()
        .subnet_id(&w.subnet_id)
        .private_ip_addresses(
            PrivateIpAddressSpecification::builder()
                .primary(true)
                .private_ip_address("10.0.2.130")
                .build(),
        )
        .private_ip_addresses(
            PrivateIpAddressSpecification::builder()
                .primary(false)
                .private_ip_address("10.0.2.132")
                .build(),
        )
        .private_ip_addresses(
            PrivateIpAddressSpecification::builder()
                .primary(false)
                .private_ip_address("10.0.2.133")
                .build(),
        )
        .send()
        .await
        .unwrap()
        .network_interface
        .unwrap();
    assert_common(&eni, &w);
    let listed: Vec<(&str, bool)> = eni
        .private_ip_addresses()
        .iter()
        .map(|p| (p.private_ip_address().unwrap(), p.primary().unwrap()))
        .collect();
    assert_eq!(
        listed,
        [
            ("10.0.2.130", true),
            ("10.0.2.132", false),
            ("10.0.2.133", false)
        ]
    );

    // Example 4: primary 10.0.2.131 (the seed's .130 is taken by now) and two IPv6 addresses.
    let eni = w
        .client
        .create_network_interface()
        .subnet_id(&w.subnet_id)
        .private_ip_addresses(
            PrivateIpAddressSpecification::builder()
                .primary(true)
                .private_ip_address("10.0.2.131")
                .build(),
        )
        .ipv6_address_count(2)
        .send()
        .await
        .unwrap()
        .network_interface
        .unwrap();
    assert_common(&eni, &w);
    let v6: Vec<Ipv6Addr> = eni
        .ipv6_addresses()
        .iter()
        .map(|a| a.ipv6_address().unwrap().parse().unwrap())
        .collect();
    assert_eq!(v6.len(), 2);
    assert_ne!(v6[0], v6[1]);
    assert!(v6.iter().all(|a| w.subnet_v6.contains(a)), "{v6:?}");

    // The subnet's live count: 251 usable minus 1 + 5 + 3 + 1 addresses.
    let subnet = w
        .client
        .describe_subnets()
        .subnet_ids(&w.subnet_id)
        .send()
        .await
        .unwrap();
    assert_eq!(
        subnet.subnets()[0].available_ip_address_count(),
        Some(251 - 10)
    );
}

/// A create that sets every optional parameter, built twice to show idempotent retries.
fn every_parameter(
    w: &World,
    group: &str,
    v6: Ipv6Addr,
) -> aws_sdk_ec2::operation::create_network_interface::builders::CreateNetworkInterfaceFluentBuilder
{
    w.client
        .create_network_interface()
        .subnet_id(&w.subnet_id)
        .description("primary app interface")
        .groups(group)
        .groups(&w.default_group)
        .private_ip_address("10.0.2.10")
        .ipv4_prefixes(
            Ipv4PrefixSpecificationRequest::builder()
                .ipv4_prefix("10.0.2.64/28")
                .build(),
        )
        .ipv6_addresses(
            InstanceIpv6Address::builder()
                .ipv6_address(v6.to_string())
                .is_primary_ipv6(true)
                .build(),
        )
        .interface_type(NetworkInterfaceCreationType::Efa)
        .connection_tracking_specification(
            ConnectionTrackingSpecificationRequest::builder()
                .tcp_established_timeout(3600)
                .udp_stream_timeout(120)
                .udp_timeout(45)
                .build(),
        )
        .operator(
            OperatorRequest::builder()
                .principal("ec2-mock-tests")
                .build(),
        )
        .tag_specifications(
            TagSpecification::builder()
                .resource_type(ResourceType::NetworkInterface)
                .tags(Tag::builder().key("Name").value("app").build())
                .build(),
        )
        .client_token("token-every-parameter")
}

#[tokio::test]
async fn every_optional_parameter_is_read_back_through_the_sdk() {
    let server = Server::start().await;
    let w = world(&server).await;
    let group = w
        .client
        .create_security_group()
        .group_name("web")
        .description("web tier")
        .vpc_id(&w.vpc_id)
        .send()
        .await
        .unwrap()
        .group_id
        .unwrap();
    let v6 = Ipv6Addr::from(u128::from(w.subnet_v6.network()) | 0x1234);
    let eni = every_parameter(&w, &group, v6).send().await.unwrap();
    assert_eq!(eni.client_token(), Some("token-every-parameter"));
    let eni = eni.network_interface.unwrap();
    let id = eni.network_interface_id().unwrap().to_owned();
    assert_eq!(eni.description(), Some("primary app interface"));
    let groups: Vec<(&str, &str)> = eni
        .groups()
        .iter()
        .map(|g| (g.group_id().unwrap(), g.group_name().unwrap()))
        .collect();
    assert_eq!(
        groups,
        [
            (group.as_str(), "web"),
            (w.default_group.as_str(), "default")
        ]
    );
    assert_eq!(eni.private_ip_address(), Some("10.0.2.10"));
    assert_eq!(eni.ipv4_prefixes()[0].ipv4_prefix(), Some("10.0.2.64/28"));
    assert_eq!(
        eni.ipv6_addresses()[0].ipv6_address(),
        Some(v6.to_string().as_str())
    );
    assert_eq!(eni.ipv6_addresses()[0].is_primary_ipv6(), Some(true));
    assert_eq!(eni.ipv6_address(), Some(v6.to_string().as_str()));
    assert_eq!(eni.interface_type(), Some(&NetworkInterfaceType::Efa));
    let ct = eni.connection_tracking_configuration().unwrap();
    assert_eq!(ct.tcp_established_timeout(), Some(3600));
    assert_eq!(ct.udp_stream_timeout(), Some(120));
    assert_eq!(ct.udp_timeout(), Some(45));
    let operator = eni.operator().unwrap();
    assert_eq!(operator.managed(), Some(true));
    assert_eq!(operator.principal(), Some("ec2-mock-tests"));
    assert_eq!(eni.tag_set()[0].key(), Some("Name"));
    assert_eq!(eni.tag_set()[0].value(), Some("app"));

    let described = w
        .client
        .describe_network_interfaces()
        .network_interface_ids(&id)
        .send()
        .await
        .unwrap();
    assert_eq!(
        described.network_interfaces()[0].status(),
        Some(&NetworkInterfaceStatus::Available)
    );

    // The waiter the SDK ships polls DescribeNetworkInterfaces until `available`.
    w.client
        .wait_until_network_interface_available()
        .network_interface_ids(&id)
        .wait(Duration::from_secs(30))
        .await
        .unwrap();

    // Describe by filters finds it by tag, group name and prefix-holding address.
    for (name, value) in [
        ("tag:Name", "app"),
        ("group-name", "web"),
        ("private-ip-address", "10.0.2.10"),
        ("ipv6-addresses.ipv6-address", &v6.to_string()),
        ("interface-type", "efa"),
    ] {
        let found = w
            .client
            .describe_network_interfaces()
            .filters(Filter::builder().name(name).values(value).build())
            .send()
            .await
            .unwrap();
        let ids: Vec<&str> = found
            .network_interfaces()
            .iter()
            .filter_map(|e| e.network_interface_id())
            .collect();
        assert_eq!(ids, [id.as_str()], "filter {name}={value}");
    }

    // A retry with the same token changes nothing; a different request with it is refused.
    let retry = every_parameter(&w, &group, v6).send().await.unwrap();
    assert_eq!(
        retry.network_interface().unwrap().network_interface_id(),
        Some(id.as_str())
    );
    let mismatch = w
        .client
        .create_network_interface()
        .subnet_id(&w.subnet_id)
        .client_token("token-every-parameter")
        .send()
        .await
        .unwrap_err();
    assert_eq!(mismatch.code(), Some("IdempotentParameterMismatch"));

    // Delete gives everything back: the same explicit address and prefix work again.
    w.client
        .delete_network_interface()
        .network_interface_id(&id)
        .send()
        .await
        .unwrap();
    let gone = w
        .client
        .describe_network_interfaces()
        .network_interface_ids(&id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(gone.code(), Some("InvalidNetworkInterfaceID.NotFound"));
    w.client
        .create_network_interface()
        .subnet_id(&w.subnet_id)
        .private_ip_address("10.0.2.10")
        .ipv4_prefixes(
            Ipv4PrefixSpecificationRequest::builder()
                .ipv4_prefix("10.0.2.64/28")
                .build(),
        )
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn errors_surface_their_ec2_codes_through_the_sdk() {
    let server = Server::start().await;
    let w = world(&server).await;
    let code = |e: &dyn ProvideErrorMetadata| e.code().map(str::to_owned);

    let e = w
        .client
        .create_network_interface()
        .subnet_id("subnet-0123456789abcdef0")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e).as_deref(), Some("InvalidSubnetID.NotFound"));

    let e = w
        .client
        .create_network_interface()
        .subnet_id(&w.subnet_id)
        .ipv4_prefix_count(1)
        .secondary_private_ip_address_count(1)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e).as_deref(), Some("InvalidParameterCombination"));

    w.client
        .create_network_interface()
        .subnet_id(&w.subnet_id)
        .private_ip_address("10.0.2.50")
        .send()
        .await
        .unwrap();
    let e = w
        .client
        .create_network_interface()
        .subnet_id(&w.subnet_id)
        .private_ip_address("10.0.2.50")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e).as_deref(), Some("InvalidIPAddress.InUse"));

    let e = w
        .client
        .create_network_interface()
        .subnet_id(&w.subnet_id)
        .dry_run(true)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e).as_deref(), Some("DryRunOperation"));
    let all = w.client.describe_network_interfaces().send().await.unwrap();
    assert_eq!(
        all.network_interfaces().len(),
        1,
        "the dry run created nothing"
    );

    let e = w
        .client
        .delete_network_interface()
        .network_interface_id("eni-nope")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        code(&e).as_deref(),
        Some("InvalidNetworkInterfaceId.Malformed")
    );
}

#[tokio::test]
async fn assign_ipv6_on_creation_and_efa_only_through_the_sdk() {
    let server = Server::start().await;
    let w = world(&server).await;
    w.client
        .modify_subnet_attribute()
        .subnet_id(&w.subnet_id)
        .assign_ipv6_address_on_creation(AttributeBooleanValue::builder().value(true).build())
        .send()
        .await
        .unwrap();
    let eni = w
        .client
        .create_network_interface()
        .subnet_id(&w.subnet_id)
        .send()
        .await
        .unwrap()
        .network_interface
        .unwrap();
    assert_eq!(
        eni.ipv6_addresses().len(),
        1,
        "the subnet attribute assigns one"
    );
    let eni = w
        .client
        .create_network_interface()
        .subnet_id(&w.subnet_id)
        .ipv6_address_count(0)
        .send()
        .await
        .unwrap()
        .network_interface
        .unwrap();
    assert!(
        eni.ipv6_addresses().is_empty(),
        "Ipv6AddressCount=0 overrides it"
    );

    let efa = w
        .client
        .create_network_interface()
        .subnet_id(&w.subnet_id)
        .interface_type(NetworkInterfaceCreationType::EfaOnly)
        .send()
        .await
        .unwrap()
        .network_interface
        .unwrap();
    assert_eq!(efa.interface_type(), Some(&NetworkInterfaceType::EfaOnly));
    assert_eq!(efa.private_ip_address(), None);
    assert!(efa.private_ip_addresses().is_empty() && efa.ipv6_addresses().is_empty());
}

/// Issue 4's scenario: one interface through its whole life, every step through the SDK.
#[tokio::test]
async fn an_interface_walks_through_its_life_through_the_sdk() {
    use aws_sdk_ec2::types::{AttributeValue, NetworkInterfaceAttribute};

    let server = Server::start().await;
    let w = world(&server).await;
    let available = |c: Client, subnet: String| async move {
        c.describe_subnets()
            .subnet_ids(subnet)
            .send()
            .await
            .unwrap()
            .subnets()[0]
            .available_ip_address_count()
            .unwrap()
    };
    let before = available(w.client.clone(), w.subnet_id.clone()).await;

    let eni = w
        .client
        .create_network_interface()
        .subnet_id(&w.subnet_id)
        .send()
        .await
        .unwrap()
        .network_interface
        .unwrap();
    let id = eni.network_interface_id().unwrap().to_owned();

    // IPv4: two secondaries, then a /28 prefix in a second call.
    let assigned = w
        .client
        .assign_private_ip_addresses()
        .network_interface_id(&id)
        .secondary_private_ip_address_count(2)
        .send()
        .await
        .unwrap();
    let secondaries: Vec<String> = assigned
        .assigned_private_ip_addresses()
        .iter()
        .map(|a| a.private_ip_address().unwrap().to_owned())
        .collect();
    assert_eq!(secondaries.len(), 2);
    let prefix = w
        .client
        .assign_private_ip_addresses()
        .network_interface_id(&id)
        .ipv4_prefix_count(1)
        .send()
        .await
        .unwrap()
        .assigned_ipv4_prefixes()[0]
        .ipv4_prefix()
        .unwrap()
        .to_owned();
    assert!(
        prefix.ends_with("/28") && prefix.starts_with("10.0.2."),
        "{prefix}"
    );

    // IPv6: two addresses, then an /80 prefix.
    let v6 = w
        .client
        .assign_ipv6_addresses()
        .network_interface_id(&id)
        .ipv6_address_count(2)
        .send()
        .await
        .unwrap();
    let v6_addrs: Vec<String> = v6.assigned_ipv6_addresses().to_vec();
    assert_eq!(v6_addrs.len(), 2);
    for a in &v6_addrs {
        assert!(w.subnet_v6.contains(&a.parse::<Ipv6Addr>().unwrap()), "{a}");
    }
    let v6_prefix = w
        .client
        .assign_ipv6_addresses()
        .network_interface_id(&id)
        .ipv6_prefix_count(1)
        .send()
        .await
        .unwrap()
        .assigned_ipv6_prefixes()[0]
        .clone();
    assert!(v6_prefix.ends_with("/80"), "{v6_prefix}");

    // Attributes: description, source/dest check, groups.
    let group = w
        .client
        .create_security_group()
        .group_name("app")
        .description("app tier")
        .vpc_id(&w.vpc_id)
        .send()
        .await
        .unwrap()
        .group_id
        .unwrap();
    w.client
        .modify_network_interface_attribute()
        .network_interface_id(&id)
        .description(AttributeValue::builder().value("renamed").build())
        .send()
        .await
        .unwrap();
    w.client
        .modify_network_interface_attribute()
        .network_interface_id(&id)
        .source_dest_check(AttributeBooleanValue::builder().value(false).build())
        .send()
        .await
        .unwrap();
    w.client
        .modify_network_interface_attribute()
        .network_interface_id(&id)
        .groups(&group)
        .send()
        .await
        .unwrap();
    let attr = w
        .client
        .describe_network_interface_attribute()
        .network_interface_id(&id)
        .attribute(NetworkInterfaceAttribute::GroupSet)
        .send()
        .await
        .unwrap();
    assert_eq!(attr.groups()[0].group_name(), Some("app"));
    let attr = w
        .client
        .describe_network_interface_attribute()
        .network_interface_id(&id)
        .attribute(NetworkInterfaceAttribute::SourceDestCheck)
        .send()
        .await
        .unwrap();
    assert_eq!(
        attr.source_dest_check().and_then(|v| v.value()),
        Some(false)
    );

    // Tags, then every change seen through describe filters.
    w.client
        .create_tags()
        .resources(&id)
        .tags(Tag::builder().key("role").value("lifecycle").build())
        .send()
        .await
        .unwrap();
    let found = w
        .client
        .describe_network_interfaces()
        .filters(
            Filter::builder()
                .name("tag:role")
                .values("lifecycle")
                .build(),
        )
        .filters(
            Filter::builder()
                .name("description")
                .values("renamed")
                .build(),
        )
        .filters(Filter::builder().name("group-name").values("app").build())
        .filters(
            Filter::builder()
                .name("source-dest-check")
                .values("false")
                .build(),
        )
        .filters(
            Filter::builder()
                .name("addresses.private-ip-address")
                .values(&secondaries[0])
                .build(),
        )
        .send()
        .await
        .unwrap();
    let eni = &found.network_interfaces()[0];
    assert_eq!(found.network_interfaces().len(), 1);
    assert_eq!(eni.private_ip_addresses().len(), 3);
    assert_eq!(eni.ipv4_prefixes()[0].ipv4_prefix(), Some(prefix.as_str()));
    assert_eq!(eni.ipv6_addresses().len(), 2);
    assert_eq!(
        eni.ipv6_prefixes()[0].ipv6_prefix(),
        Some(v6_prefix.as_str())
    );
    let tags = w
        .client
        .describe_tags()
        .filters(Filter::builder().name("resource-id").values(&id).build())
        .send()
        .await
        .unwrap();
    assert_eq!(tags.tags()[0].key(), Some("role"));
    assert_eq!(
        tags.tags()[0].resource_type(),
        Some(&ResourceType::NetworkInterface)
    );
    // 1 primary + 2 secondaries + 16 for the prefix.
    assert_eq!(
        available(w.client.clone(), w.subnet_id.clone()).await,
        before - 19
    );

    // Unassign everything but the primary, then delete: the subnet is whole again.
    w.client
        .unassign_private_ip_addresses()
        .network_interface_id(&id)
        .private_ip_addresses(&secondaries[0])
        .private_ip_addresses(&secondaries[1])
        .ipv4_prefixes(&prefix)
        .send()
        .await
        .unwrap();
    w.client
        .unassign_ipv6_addresses()
        .network_interface_id(&id)
        .ipv6_addresses(&v6_addrs[0])
        .ipv6_addresses(&v6_addrs[1])
        .ipv6_prefixes(&v6_prefix)
        .send()
        .await
        .unwrap();
    assert_eq!(
        available(w.client.clone(), w.subnet_id.clone()).await,
        before - 1
    );
    let primary_only = w
        .client
        .unassign_private_ip_addresses()
        .network_interface_id(&id)
        .private_ip_addresses(eni.private_ip_address().unwrap())
        .send()
        .await
        .unwrap_err();
    assert_eq!(primary_only.code(), Some("InvalidParameterValue"));
    w.client
        .delete_network_interface()
        .network_interface_id(&id)
        .send()
        .await
        .unwrap();
    assert_eq!(
        available(w.client.clone(), w.subnet_id.clone()).await,
        before
    );
    let tags = w
        .client
        .describe_tags()
        .filters(Filter::builder().name("resource-id").values(&id).build())
        .send()
        .await
        .unwrap();
    assert!(tags.tags().is_empty(), "tags go with the interface");
}
