//! Route tables: each VPC's main table (made with it, with its `local` routes), the tables
//! users create, their routes and their associations with subnets and gateways.
//!
//! EC2's rules: a subnet is associated with one table at a time (the main one unless said
//! otherwise); the main association cannot be removed, only moved to another table of the
//! VPC; the main table and tables with associations cannot be deleted; a destination appears
//! once per table; `local` routes cover the VPC's blocks and cannot be deleted; a route whose
//! gateway is detached is a `blackhole`.

use std::sync::Arc;

use ipnet::{Ipv4Net, Ipv6Net};

use crate::error::{Ec2Error, Ec2Result};
use crate::model::filters::Filterable;
use crate::model::ids::{
    EgressOnlyInternetGatewayId, InternetGatewayId, NetworkInterfaceId, PrefixListId, ResourceId,
    RouteTableAssociationId, RouteTableId, SubnetId, VpcId,
};
use crate::model::prefix_lists::AddressFamily;
use crate::model::tagging::Tagged;
use crate::model::tags::{Tag, Tags};
use crate::model::world::draw_id;
use crate::model::World;

#[derive(Debug, Clone)]
pub struct RouteTable {
    pub id: RouteTableId,
    pub vpc_id: VpcId,
    pub owner_id: String,
    pub routes: Vec<Route>,
    pub associations: Vec<RouteTableAssociation>,
    pub tags: Tags,
}

impl Tagged for RouteTable {
    fn tags(&self) -> &Tags {
        &self.tags
    }
    fn tags_mut(&mut self) -> &mut Tags {
        &mut self.tags
    }
}

/// Where a route sends traffic for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Destination {
    Ipv4(Ipv4Net),
    Ipv6(Ipv6Net),
    PrefixList(PrefixListId),
}

impl std::fmt::Display for Destination {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Destination::Ipv4(n) => n.fmt(f),
            Destination::Ipv6(n) => n.fmt(f),
            Destination::PrefixList(p) => p.fmt(f),
        }
    }
}

/// Where a route sends it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Within the VPC.
    Local,
    InternetGateway(InternetGatewayId),
    EgressOnlyInternetGateway(EgressOnlyInternetGatewayId),
    NetworkInterface(NetworkInterfaceId),
}

/// How a route came to be (`origin`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    CreateRouteTable,
    CreateRoute,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::CreateRouteTable => "CreateRouteTable",
            Origin::CreateRoute => "CreateRoute",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub destination: Destination,
    pub target: Target,
    pub origin: Origin,
}

/// What a table is associated with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Associated {
    /// The VPC's main association: every subnet without one of its own uses this table.
    Main,
    Subnet(SubnetId),
    /// An edge association with an internet gateway of the VPC.
    Gateway(InternetGatewayId),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteTableAssociation {
    pub id: RouteTableAssociationId,
    pub with: Associated,
}

/// What CreateRoute and ReplaceRoute name as the target, as the request gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetSpec {
    /// `GatewayId`: an internet gateway (or `local`, for ReplaceRoute's old spelling).
    Gateway(String),
    EgressOnlyInternetGateway(String),
    NetworkInterface(String),
    /// ReplaceRoute's `LocalTarget`.
    Local,
}

impl World {
    pub fn route_table(&self, id: &str) -> Ec2Result<&Arc<RouteTable>> {
        self.route_tables.lookup(id)
    }

    /// The VPC's main route table.
    pub fn main_route_table(&self, vpc: VpcId) -> Option<&Arc<RouteTable>> {
        self.route_tables
            .values()
            .find(|t| t.vpc_id == vpc && t.associations.iter().any(|a| a.with == Associated::Main))
    }

    /// A new table for `vpc` with its `local` routes; `main` gives it the main association.
    pub(in crate::model) fn insert_route_table(
        &mut self,
        vpc: VpcId,
        main: bool,
        tags: Tags,
    ) -> RouteTableId {
        let id: RouteTableId = draw_id(&mut self.streams, |id| self.route_tables.contains(id));
        let mut routes = Vec::new();
        if let Some(v) = self.vpcs.get(&vpc) {
            routes.push(Route {
                destination: Destination::Ipv4(v.cidr),
                target: Target::Local,
                origin: Origin::CreateRouteTable,
            });
            if let Some(block) = &v.ipv6 {
                routes.push(Route {
                    destination: Destination::Ipv6(block.cidr),
                    target: Target::Local,
                    origin: Origin::CreateRouteTable,
                });
            }
        }
        let mut associations = Vec::new();
        if main {
            associations.push(RouteTableAssociation {
                id: self.new_route_association_id(),
                with: Associated::Main,
            });
        }
        self.route_tables.insert(
            id,
            RouteTable {
                id,
                vpc_id: vpc,
                owner_id: self.account_id.clone(),
                routes,
                associations,
                tags,
            },
        );
        id
    }

    fn new_route_association_id(&mut self) -> RouteTableAssociationId {
        // Association IDs are looked up through their tables; one drawn twice in one world is
        // a 2^-68 event, and `route_association` finds the first.
        self.fresh_id()
    }

    pub fn create_route_table(&mut self, vpc: &str, tags: &[Tag]) -> Ec2Result<RouteTableId> {
        let vpc = self.vpc(vpc)?.id;
        let mut table_tags = Tags::default();
        table_tags.set_all(tags)?;
        Ok(self.insert_route_table(vpc, false, table_tags))
    }

    /// Deletes a table that is neither main nor associated.
    pub fn delete_route_table(&mut self, id: &str) -> Ec2Result<()> {
        let table = self.route_table(id)?;
        if !table.associations.is_empty() {
            return Err(Ec2Error::DependencyViolation(format!(
                "The routeTable '{}' has dependencies and cannot be deleted.",
                table.id
            )));
        }
        let id = table.id;
        self.route_tables.remove(&id);
        Ok(())
    }

    /// The table an association ID belongs to, and the association.
    fn route_association(&self, id: &str) -> Ec2Result<(Arc<RouteTable>, RouteTableAssociation)> {
        let assoc = RouteTableAssociationId::parse(id)?;
        self.route_tables
            .values()
            .find_map(|t| {
                t.associations
                    .iter()
                    .find(|a| a.id == assoc)
                    .map(|a| (t.clone(), a.clone()))
            })
            .ok_or_else(|| assoc.not_found())
    }

    /// AssociateRouteTable: a subnet (or an internet gateway) of the table's VPC.
    pub fn associate_route_table(
        &mut self,
        table: &str,
        subnet: Option<&str>,
        gateway: Option<&str>,
    ) -> Ec2Result<RouteTableAssociationId> {
        let table = self.route_table(table)?.clone();
        let with = match (subnet, gateway) {
            (Some(subnet), None) => {
                let subnet = self.subnet(subnet)?;
                if subnet.vpc_id != table.vpc_id {
                    return Err(Ec2Error::InvalidParameterValue(format!(
                        "Route table {} and subnet {} belong to different networks",
                        table.id, subnet.id
                    )));
                }
                Associated::Subnet(subnet.id)
            }
            (None, Some(gateway)) => {
                let gateway = self.internet_gateway(gateway)?;
                if gateway.vpc_id != Some(table.vpc_id) {
                    return Err(Ec2Error::InvalidParameterValue(format!(
                        "Route table {} and network gateway {} belong to different networks",
                        table.id, gateway.id
                    )));
                }
                Associated::Gateway(gateway.id)
            }
            (Some(_), Some(_)) => {
                return Err(Ec2Error::InvalidParameterCombination(
                    "Only one of SubnetId or GatewayId may be specified".into(),
                ))
            }
            (None, None) => return Err(Ec2Error::MissingParameter("SubnetId".into())),
        };
        if let Some(other) = self
            .route_tables
            .values()
            .find(|t| t.associations.iter().any(|a| a.with == with))
        {
            return Err(Ec2Error::ResourceAlreadyAssociated(format!(
                "the specified association for route table {} conflicts with an existing association",
                other.id
            )));
        }
        let id = self.new_route_association_id();
        self.route_tables.update(&table.id, |t| {
            t.associations.push(RouteTableAssociation { id, with });
        });
        Ok(id)
    }

    /// DisassociateRouteTable: any association but the main one.
    pub fn disassociate_route_table(&mut self, association: &str) -> Ec2Result<()> {
        let (table, assoc) = self.route_association(association)?;
        if assoc.with == Associated::Main {
            return Err(Ec2Error::InvalidParameterValue(format!(
                "cannot disassociate the main route table association {}",
                assoc.id
            )));
        }
        self.route_tables
            .update(&table.id, |t| t.associations.retain(|a| a.id != assoc.id));
        Ok(())
    }

    /// ReplaceRouteTableAssociation: the association moves to `table` (of the same VPC) under
    /// a new ID; moving the main association makes `table` the VPC's main table.
    pub fn replace_route_table_association(
        &mut self,
        association: &str,
        table: &str,
    ) -> Ec2Result<RouteTableAssociationId> {
        let (old_table, assoc) = self.route_association(association)?;
        let new_table = self.route_table(table)?.clone();
        if new_table.vpc_id != old_table.vpc_id {
            return Err(Ec2Error::InvalidParameterValue(format!(
                "Route table {} and association {} belong to different networks",
                new_table.id, assoc.id
            )));
        }
        let id = self.new_route_association_id();
        self.route_tables.update(&old_table.id, |t| {
            t.associations.retain(|a| a.id != assoc.id)
        });
        self.route_tables.update(&new_table.id, |t| {
            t.associations.push(RouteTableAssociation {
                id,
                with: assoc.with,
            });
        });
        Ok(id)
    }

    /// Resolves a route's target against the table's VPC.
    fn route_target(&self, table: &RouteTable, spec: &TargetSpec) -> Ec2Result<Target> {
        match spec {
            TargetSpec::Local => Ok(Target::Local),
            TargetSpec::Gateway(id) if id == "local" => Ok(Target::Local),
            TargetSpec::Gateway(id) => {
                // A gateway ID of another shape is no gateway EC2 knows.
                let Some(gateway) = InternetGatewayId::try_parse(id) else {
                    return Err(Ec2Error::GatewayNotFound(id.clone()));
                };
                let gateway = self
                    .internet_gateways
                    .get(&gateway)
                    .ok_or_else(|| Ec2Error::GatewayNotFound(id.clone()))?;
                if gateway.vpc_id != Some(table.vpc_id) {
                    return Err(Ec2Error::InvalidParameterValue(format!(
                        "route table {} and network gateway {} belong to different networks",
                        table.id, gateway.id
                    )));
                }
                Ok(Target::InternetGateway(gateway.id))
            }
            TargetSpec::EgressOnlyInternetGateway(id) => {
                let gateway = self.egress_only_internet_gateway(id)?;
                if gateway.vpc_id != table.vpc_id {
                    return Err(Ec2Error::InvalidParameterValue(format!(
                        "route table {} and network gateway {} belong to different networks",
                        table.id, gateway.id
                    )));
                }
                Ok(Target::EgressOnlyInternetGateway(gateway.id))
            }
            TargetSpec::NetworkInterface(id) => {
                let eni = self.network_interface(id)?;
                if eni.vpc_id != table.vpc_id {
                    return Err(Ec2Error::InvalidParameterValue(format!(
                        "route table {} and interface {} belong to different networks",
                        table.id, eni.id
                    )));
                }
                Ok(Target::NetworkInterface(eni.id))
            }
        }
    }

    /// CreateRoute: a new destination in the table.
    pub fn create_route(
        &mut self,
        table: &str,
        destination: Destination,
        target: &TargetSpec,
    ) -> Ec2Result<()> {
        let table = self.route_table(table)?.clone();
        self.check_destination(&destination)?;
        let target = self.route_target(&table, target)?;
        self.check_target_family(&destination, target)?;
        if table.routes.iter().any(|r| r.destination == destination) {
            return Err(Ec2Error::RouteAlreadyExists(destination.to_string()));
        }
        if target == Target::Local {
            return Err(Ec2Error::InvalidParameterValue(
                "The local target can only be used for the VPC's own CIDR blocks".into(),
            ));
        }
        self.route_tables.update(&table.id, |t| {
            t.routes.push(Route {
                destination,
                target,
                origin: Origin::CreateRoute,
            });
        });
        Ok(())
    }

    /// ReplaceRoute: another target for an existing destination.
    pub fn replace_route(
        &mut self,
        table: &str,
        destination: Destination,
        target: &TargetSpec,
    ) -> Ec2Result<()> {
        let table = self.route_table(table)?.clone();
        let Some(index) = table
            .routes
            .iter()
            .position(|r| r.destination == destination)
        else {
            return Err(route_not_found(&table, &destination));
        };
        let target = self.route_target(&table, target)?;
        self.check_target_family(&destination, target)?;
        let is_vpc_block = table.routes[index].origin == Origin::CreateRouteTable;
        if target == Target::Local && !is_vpc_block {
            return Err(Ec2Error::InvalidParameterValue(
                "The local target can only be used for the VPC's own CIDR blocks".into(),
            ));
        }
        self.route_tables.update(&table.id, |t| {
            t.routes[index].target = target;
        });
        Ok(())
    }

    /// DeleteRoute: any route but a `local` one.
    pub fn delete_route(&mut self, table: &str, destination: Destination) -> Ec2Result<()> {
        let table = self.route_table(table)?.clone();
        let Some(route) = table.routes.iter().find(|r| r.destination == destination) else {
            return Err(route_not_found(&table, &destination));
        };
        if route.target == Target::Local {
            return Err(Ec2Error::InvalidParameterValue(format!(
                "cannot remove local route {destination} in route table {}",
                table.id
            )));
        }
        self.route_tables.update(&table.id, |t| {
            t.routes.retain(|r| r.destination != destination)
        });
        Ok(())
    }

    /// An egress-only gateway carries IPv6 only: the reference marks its parameter "[IPv6
    /// traffic only]". EC2's code for the mismatch is not documented; the two parameters
    /// conflicting is what InvalidParameterCombination means.
    fn check_target_family(&self, destination: &Destination, target: Target) -> Ec2Result<()> {
        let Target::EgressOnlyInternetGateway(gateway) = target else {
            return Ok(());
        };
        let ipv4 = match destination {
            Destination::Ipv4(_) => true,
            Destination::Ipv6(_) => false,
            Destination::PrefixList(id) => self
                .prefix_lists
                .get(id)
                .is_some_and(|p| p.address_family == AddressFamily::Ipv4),
        };
        if ipv4 {
            return Err(Ec2Error::InvalidParameterCombination(format!(
                "The egress-only internet gateway {gateway} carries IPv6 traffic only; {destination} is an IPv4 destination"
            )));
        }
        Ok(())
    }

    fn check_destination(&self, destination: &Destination) -> Ec2Result<()> {
        if let Destination::PrefixList(id) = destination {
            if !self.prefix_lists.contains(id) && !self.aws_prefix_list_exists(*id) {
                return Err(id.not_found());
            }
        }
        Ok(())
    }

    /// Whether a route's target is there to carry traffic (`active`) or not (`blackhole`).
    pub fn route_state(&self, table: &RouteTable, route: &Route) -> &'static str {
        let active = match route.target {
            Target::Local => true,
            Target::InternetGateway(igw) => self
                .internet_gateways
                .get(&igw)
                .is_some_and(|g| g.vpc_id == Some(table.vpc_id)),
            Target::EgressOnlyInternetGateway(eigw) => {
                self.egress_only_internet_gateways.contains(&eigw)
            }
            // An interface carries a route's traffic only while attached to an instance:
            // EC2 shows a route to an unattached one as a blackhole (the Terraform provider's
            // TestAccVPCRoute_IPv4ToNetworkInterface_unattached and …_attached pin both).
            Target::NetworkInterface(eni) => self
                .network_interfaces
                .get(&eni)
                .is_some_and(|e| e.attachment.is_some()),
        };
        if active {
            "active"
        } else {
            "blackhole"
        }
    }

    /// A route table with its routes' states, as DescribeRouteTables shows and filters it.
    pub fn route_table_view(&self, table: &Arc<RouteTable>) -> RouteTableView {
        RouteTableView {
            table: table.clone(),
            states: table
                .routes
                .iter()
                .map(|r| self.route_state(table, r))
                .collect(),
        }
    }

    /// Removes a subnet's explicit association, when the subnet goes away.
    pub(in crate::model) fn forget_subnet_route_association(&mut self, subnet: SubnetId) {
        let tables: Vec<RouteTableId> = self
            .route_tables
            .values()
            .filter(|t| {
                t.associations
                    .iter()
                    .any(|a| a.with == Associated::Subnet(subnet))
            })
            .map(|t| t.id)
            .collect();
        for id in tables {
            self.route_tables.update(&id, |t| {
                t.associations
                    .retain(|a| a.with != Associated::Subnet(subnet))
            });
        }
    }
}

fn route_not_found(table: &RouteTable, destination: &Destination) -> Ec2Error {
    let kind = match destination {
        Destination::Ipv4(_) => "destination-cidr-block",
        Destination::Ipv6(_) => "destination-ipv6-cidr-block",
        Destination::PrefixList(_) => "destination-prefix-list-id",
    };
    Ec2Error::RouteNotFound(format!(
        "There is no route defined for '{destination}' in the route table. Use a valid {kind} for route table {}",
        table.id
    ))
}

/// A route table and the state of each of its routes.
#[derive(Debug, Clone)]
pub struct RouteTableView {
    pub table: Arc<RouteTable>,
    pub states: Vec<&'static str>,
}

impl Filterable for RouteTableView {
    const FILTER_NAMES: &'static [&'static str] = &[
        "association.gateway-id",
        "association.route-table-association-id",
        "association.route-table-id",
        "association.subnet-id",
        "association.main",
        "owner-id",
        "route-table-id",
        "route.destination-cidr-block",
        "route.destination-ipv6-cidr-block",
        "route.destination-prefix-list-id",
        "route.egress-only-internet-gateway-id",
        "route.gateway-id",
        "route.instance-id",
        "route.nat-gateway-id",
        "route.transit-gateway-id",
        "route.origin",
        "route.state",
        "route.vpc-peering-connection-id",
        "vpc-id",
    ];

    fn tags(&self) -> &Tags {
        &self.table.tags
    }

    fn filter_values(&self, name: &str) -> Vec<String> {
        let t = &*self.table;
        let assoc = |f: fn(&RouteTableAssociation) -> Option<String>| -> Vec<String> {
            t.associations.iter().filter_map(f).collect()
        };
        let routes = |f: fn(&Route) -> Option<String>| -> Vec<String> {
            t.routes.iter().filter_map(f).collect()
        };
        match name {
            "association.gateway-id" => assoc(|a| match a.with {
                Associated::Gateway(g) => Some(g.to_string()),
                _ => None,
            }),
            "association.route-table-association-id" => assoc(|a| Some(a.id.to_string())),
            "association.route-table-id" => {
                if t.associations.is_empty() {
                    Vec::new()
                } else {
                    vec![t.id.to_string()]
                }
            }
            "association.subnet-id" => assoc(|a| match a.with {
                Associated::Subnet(s) => Some(s.to_string()),
                _ => None,
            }),
            // The reference: "Route tables that do not have an association ID are not
            // returned in the response", true or false.
            "association.main" => assoc(|a| Some((a.with == Associated::Main).to_string())),
            "owner-id" => vec![t.owner_id.clone()],
            "route-table-id" => vec![t.id.to_string()],
            "route.destination-cidr-block" => routes(|r| match r.destination {
                Destination::Ipv4(n) => Some(n.to_string()),
                _ => None,
            }),
            "route.destination-ipv6-cidr-block" => routes(|r| match r.destination {
                Destination::Ipv6(n) => Some(n.to_string()),
                _ => None,
            }),
            "route.destination-prefix-list-id" => routes(|r| match r.destination {
                Destination::PrefixList(p) => Some(p.to_string()),
                _ => None,
            }),
            "route.egress-only-internet-gateway-id" => routes(|r| match r.target {
                Target::EgressOnlyInternetGateway(g) => Some(g.to_string()),
                _ => None,
            }),
            "route.gateway-id" => routes(|r| match r.target {
                Target::InternetGateway(g) => Some(g.to_string()),
                Target::Local => Some("local".into()),
                _ => None,
            }),
            "route.origin" => routes(|r| Some(r.origin.as_str().into())),
            "route.state" => self.states.iter().map(|s| (*s).to_owned()).collect(),
            "vpc-id" => vec![t.vpc_id.to_string()],
            // Instances, NAT and transit gateways and peering are not modelled: no route
            // targets one.
            _ => Vec::new(),
        }
    }
}
