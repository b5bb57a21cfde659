//! A world to test in: a server with one VPC and one subnet, and the calls most tests make
//! on it (create, describe, find by filter, delete, add subnets, VPCs and groups).

use std::collections::BTreeSet;
use std::net::Ipv6Addr;

use ipnet::{Ipv4Net, Ipv6Net};

use super::readers::{eni_of, filter_params, items_of, refs};
use super::{Node, Reply, Server};

/// The access key every call here signs with (a non-numeric key: the default account).
pub const KEY: &str = "AKIDEXAMPLE";
pub const ACCOUNT: &str = "123456789012";

/// A server with one VPC and one subnet in it, all calls signed for `region`.
pub struct Net {
    pub s: Server,
    pub region: String,
    pub vpc: String,
    pub vpc_ipv6: Option<Ipv6Net>,
    pub subnet: String,
    pub cidr: Ipv4Net,
    /// The subnet's /64, when the world was built with IPv6.
    pub ipv6: Option<Ipv6Net>,
    /// The VPC's `default` security group.
    pub default_sg: String,
}

/// Builds a VPC (with an Amazon IPv6 /56 when `ipv6`) and one subnet in `zone` (with the
/// first /64 of the /56 when `ipv6`) on a fresh server.
pub async fn net(region: &str, zone: &str, vpc_cidr: &str, subnet_cidr: &str, ipv6: bool) -> Net {
    let s = Server::start().await;
    let ipv6_flag = if ipv6 { "true" } else { "false" };
    let r = s
        .call_as(
            KEY,
            region,
            "CreateVpc",
            &[
                ("CidrBlock", vpc_cidr),
                ("AmazonProvidedIpv6CidrBlock", ipv6_flag),
            ],
        )
        .await;
    let vpc_node = r.ok().child("vpc").expect("vpc").clone();
    let vpc = vpc_node.get("vpcId");
    let vpc_ipv6: Option<Ipv6Net> = ipv6.then(|| vpc_node.text("ipv6CidrBlock").parse().unwrap());
    let mut n = Net {
        s,
        region: region.to_owned(),
        vpc: vpc.clone(),
        vpc_ipv6,
        subnet: String::new(),
        cidr: subnet_cidr.parse().unwrap(),
        ipv6: None,
        default_sg: String::new(),
    };
    let (subnet, sub_v6) = n
        .add_subnet(&vpc, subnet_cidr, zone, ipv6.then_some(0))
        .await;
    n.subnet = subnet;
    n.ipv6 = sub_v6;
    n.default_sg = n.default_group(&vpc).await;
    n
}

/// The seed's world: 10.0.0.0/16 + IPv6 /56, subnet 10.0.2.0/24 + /64 in ap-southeast-1b.
pub async fn seed_world() -> Net {
    net(
        "ap-southeast-1",
        "ap-southeast-1b",
        "10.0.0.0/16",
        "10.0.2.0/24",
        true,
    )
    .await
}

/// A dual-stack world in us-east-1 (the region whose DNS names are `ec2.internal`).
pub async fn east() -> Net {
    net(
        "us-east-1",
        "us-east-1a",
        "10.0.0.0/16",
        "10.0.1.0/24",
        true,
    )
    .await
}

/// An IPv4-only world in eu-west-1.
pub async fn west_v4_only() -> Net {
    net(
        "eu-west-1",
        "eu-west-1a",
        "10.1.0.0/16",
        "10.1.1.0/24",
        false,
    )
    .await
}

impl Net {
    pub async fn call(&self, action: &str, params: &[(&str, &str)]) -> Reply {
        self.s.call_as(KEY, &self.region, action, params).await
    }

    /// CreateNetworkInterface in the world's subnet.
    pub async fn create(&self, params: &[(&str, &str)]) -> Reply {
        self.create_in(&self.subnet, params).await
    }

    pub async fn create_in(&self, subnet: &str, params: &[(&str, &str)]) -> Reply {
        let mut all = vec![("SubnetId", subnet)];
        all.extend_from_slice(params);
        self.call("CreateNetworkInterface", &all).await
    }

    /// Creates an interface in the world's subnet and returns its `networkInterface`.
    pub async fn eni(&self, params: &[(&str, &str)]) -> Node {
        let r = self.create(params).await;
        eni_of(&r)
    }

    /// Adds a subnet; with `ipv6_index`, the n-th /64 of the VPC's /56 goes with it.
    pub async fn add_subnet(
        &self,
        vpc: &str,
        cidr: &str,
        zone: &str,
        ipv6_index: Option<u128>,
    ) -> (String, Option<Ipv6Net>) {
        let v6 = ipv6_index.map(|i| {
            let base = u128::from(self.vpc_ipv6.expect("the VPC has no IPv6").network());
            Ipv6Net::new(Ipv6Addr::from(base + (i << 64)), 64).unwrap()
        });
        let v6_text = v6.map(|n| n.to_string());
        let mut params = vec![
            ("VpcId", vpc),
            ("CidrBlock", cidr),
            ("AvailabilityZone", zone),
        ];
        if let Some(t) = &v6_text {
            params.push(("Ipv6CidrBlock", t));
        }
        let r = self.call("CreateSubnet", &params).await;
        (r.ok().text("subnetId"), v6)
    }

    /// Creates an IPv4-only VPC; returns its ID and its default group.
    pub async fn add_vpc(&self, cidr: &str) -> (String, String) {
        let r = self.call("CreateVpc", &[("CidrBlock", cidr)]).await;
        let vpc = r.ok().text("vpcId");
        let sg = self.default_group(&vpc).await;
        (vpc, sg)
    }

    pub async fn default_group(&self, vpc: &str) -> String {
        let r = self
            .call(
                "DescribeSecurityGroups",
                &[
                    ("Filter.1.Name", "vpc-id"),
                    ("Filter.1.Value.1", vpc),
                    ("Filter.2.Name", "group-name"),
                    ("Filter.2.Value.1", "default"),
                ],
            )
            .await;
        let ids: Vec<String> = r
            .ok()
            .items("securityGroupInfo")
            .iter()
            .map(|g| g.get("groupId"))
            .collect();
        assert_eq!(ids.len(), 1, "one default group per VPC: {}", r.body);
        ids[0].clone()
    }

    pub async fn create_group(&self, name: &str, vpc: &str) -> String {
        let r = self
            .call(
                "CreateSecurityGroup",
                &[
                    ("GroupName", name),
                    ("GroupDescription", "test group"),
                    ("VpcId", vpc),
                ],
            )
            .await;
        r.ok().text("groupId")
    }

    /// The `networkInterfaceSet` items of a DescribeNetworkInterfaces call.
    pub async fn describe(&self, params: &[(&str, &str)]) -> Vec<Node> {
        let r = self.call("DescribeNetworkInterfaces", params).await;
        items_of(&r)
    }

    pub async fn describe_one(&self, id: &str) -> Node {
        let items = self.describe(&[("NetworkInterfaceId.1", id)]).await;
        assert_eq!(items.len(), 1);
        items[0].clone()
    }

    /// IDs of the interfaces passing these filters (name, values).
    pub async fn find(&self, filters: &[(&str, &[&str])]) -> BTreeSet<String> {
        let owned = filter_params(filters);
        let items = self.describe(&refs(&owned)).await;
        items.iter().map(|i| i.get("networkInterfaceId")).collect()
    }

    /// Every interface in a subnet, through the `subnet-id` filter.
    pub async fn in_subnet(&self, subnet: &str) -> Vec<Node> {
        self.describe(&[("Filter.1.Name", "subnet-id"), ("Filter.1.Value.1", subnet)])
            .await
    }

    pub async fn available(&self, subnet: &str) -> u32 {
        let r = self
            .call("DescribeSubnets", &[("SubnetId.1", subnet)])
            .await;
        r.ok().text("availableIpAddressCount").parse().unwrap()
    }

    pub async fn delete(&self, id: &str) -> Reply {
        self.call("DeleteNetworkInterface", &[("NetworkInterfaceId", id)])
            .await
    }
}
