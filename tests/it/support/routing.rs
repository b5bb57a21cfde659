//! Readers and builders for the routing layer's tests: route tables and their routes,
//! gateways, network ACLs and prefix lists, and the admin summary's counts.

use super::{Net, Node, Reply, Server};

/// One route as DescribeRouteTables shows it: destination, target, state, origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteRow {
    pub destination: String,
    pub target: String,
    pub state: String,
    pub origin: String,
}

impl RouteRow {
    pub fn new(destination: &str, target: &str, state: &str, origin: &str) -> RouteRow {
        RouteRow {
            destination: destination.to_owned(),
            target: target.to_owned(),
            state: state.to_owned(),
            origin: origin.to_owned(),
        }
    }
}

const DESTINATIONS: [&str; 3] = [
    "destinationCidrBlock",
    "destinationIpv6CidrBlock",
    "destinationPrefixListId",
];
const TARGETS: [&str; 3] = [
    "gatewayId",
    "egressOnlyInternetGatewayId",
    "networkInterfaceId",
];

/// The routes of a `routeTable` node, in the order shown; each has exactly one destination
/// and one target field.
#[track_caller]
pub fn routes(table: &Node) -> Vec<RouteRow> {
    table
        .child("routeSet")
        .unwrap_or_else(|| panic!("no routeSet in {table:#?}"))
        .children
        .iter()
        .map(|r| {
            let one = |names: &[&str]| -> String {
                let found: Vec<String> = names
                    .iter()
                    .filter_map(|n| r.child(n).map(|c| c.text.clone()))
                    .collect();
                assert_eq!(found.len(), 1, "one of {names:?} in {r:#?}");
                found[0].clone()
            };
            RouteRow {
                destination: one(&DESTINATIONS),
                target: one(&TARGETS),
                state: r.get("state"),
                origin: r.get("origin"),
            }
        })
        .collect()
}

/// The `routeTableSet` items of a DescribeRouteTables call.
#[track_caller]
pub fn table_items(r: &Reply) -> Vec<Node> {
    r.ok().items("routeTableSet").into_iter().cloned().collect()
}

/// IDs of the items of a list in a reply, by the ID field's name.
pub fn ids(items: &[Node], field: &str) -> Vec<String> {
    items.iter().map(|i| i.get(field)).collect()
}

impl Net {
    pub async fn tables(&self, params: &[(&str, &str)]) -> Vec<Node> {
        table_items(&self.call("DescribeRouteTables", params).await)
    }

    pub async fn table(&self, id: &str) -> Node {
        let items = self.tables(&[("RouteTableId.1", id)]).await;
        assert_eq!(items.len(), 1);
        items[0].clone()
    }

    /// The VPC's main table, found as users find it: `vpc-id` and `association.main`.
    pub async fn main_table(&self, vpc: &str) -> Node {
        let items = self
            .tables(&[
                ("Filter.1.Name", "vpc-id"),
                ("Filter.1.Value.1", vpc),
                ("Filter.2.Name", "association.main"),
                ("Filter.2.Value.1", "true"),
            ])
            .await;
        assert_eq!(items.len(), 1, "one main table per VPC: {items:#?}");
        items[0].clone()
    }

    pub async fn create_table(&self, vpc: &str) -> String {
        let r = self.call("CreateRouteTable", &[("VpcId", vpc)]).await;
        r.ok().text("routeTableId")
    }

    /// A new internet gateway, attached to `vpc`.
    pub async fn attached_igw(&self, vpc: &str) -> String {
        let igw = self
            .call("CreateInternetGateway", &[])
            .await
            .ok()
            .text("internetGatewayId");
        self.call(
            "AttachInternetGateway",
            &[("InternetGatewayId", &igw), ("VpcId", vpc)],
        )
        .await
        .ok();
        igw
    }

    pub async fn eigw(&self, vpc: &str) -> String {
        self.call("CreateEgressOnlyInternetGateway", &[("VpcId", vpc)])
            .await
            .ok()
            .text("egressOnlyInternetGatewayId")
    }

    /// CreateRoute with one destination parameter and one target parameter.
    pub async fn route(
        &self,
        table: &str,
        destination: (&str, &str),
        target: (&str, &str),
    ) -> Reply {
        self.call(
            "CreateRoute",
            &[("RouteTableId", table), destination, target],
        )
        .await
    }

    /// An IPv4 prefix list of the caller's with these CIDRs, `max` entries at most.
    pub async fn prefix_list(&self, name: &str, max: &str, cidrs: &[&str]) -> String {
        let mut params = vec![
            ("PrefixListName".to_owned(), name.to_owned()),
            ("AddressFamily".to_owned(), "IPv4".to_owned()),
            ("MaxEntries".to_owned(), max.to_owned()),
        ];
        for (i, c) in cidrs.iter().enumerate() {
            params.push((format!("Entry.{}.Cidr", i + 1), (*c).to_owned()));
        }
        let refs: Vec<(&str, &str)> = params
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        self.call("CreateManagedPrefixList", &refs)
            .await
            .ok()
            .text("prefixListId")
    }

    /// The `networkAclSet` items of a DescribeNetworkAcls call.
    pub async fn acls(&self, params: &[(&str, &str)]) -> Vec<Node> {
        let r = self.call("DescribeNetworkAcls", params).await;
        r.ok().items("networkAclSet").into_iter().cloned().collect()
    }

    pub async fn acl(&self, id: &str) -> Node {
        let items = self.acls(&[("NetworkAclId.1", id)]).await;
        assert_eq!(items.len(), 1);
        items[0].clone()
    }

    pub async fn default_acl(&self, vpc: &str) -> Node {
        let items = self
            .acls(&[
                ("Filter.1.Name", "vpc-id"),
                ("Filter.1.Value.1", vpc),
                ("Filter.2.Name", "default"),
                ("Filter.2.Value.1", "true"),
            ])
            .await;
        assert_eq!(items.len(), 1, "one default ACL per VPC: {items:#?}");
        items[0].clone()
    }
}

/// The admin summary's counts (`GET /_ec2-mock/summary`), totals over every world.
pub async fn summary_totals(s: &Server) -> serde_json::Value {
    let body = reqwest::get(format!("{}/_ec2-mock/summary", s.endpoint))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    json["totals"].clone()
}
