//! CreateRouteTable, DescribeRouteTables, DeleteRouteTable, AssociateRouteTable,
//! DisassociateRouteTable, ReplaceRouteTableAssociation, CreateRoute, ReplaceRoute, DeleteRoute.

use std::sync::Arc;

use crate::actions::common::{
    parse_tag_specifications, refuse_unsupported, write_return, write_tag_set,
};
use crate::actions::describe::{Found, Query};
use crate::actions::{Action, Call, Read, Write};
use crate::error::{Ec2Error, Ec2Result};
use crate::kinds::Kind;
use crate::model::ids::RouteTableAssociationId;
use crate::model::route_tables::{Associated, Destination, RouteTableView, Target, TargetSpec};
use crate::model::tags::Tag;
use crate::model::World;
use crate::values::{block_v4, block_v6};
use crate::wire::params::Scope;
use crate::wire::xml::XmlWriter;

/// Route targets of features ec2-mock does not model: refused rather than ignored.
const UNMODELLED_TARGETS: &[&str] = &[
    "VpcEndpointId",
    "TransitGatewayId",
    "LocalGatewayId",
    "CarrierGatewayId",
    "CoreNetworkArn",
    "OdbNetworkArn",
    "InstanceId",
    "VpcPeeringConnectionId",
    "NatGatewayId",
];

pub struct CreateRouteTable {
    vpc_id: String,
    tags: Vec<Tag>,
}

impl Action for CreateRouteTable {
    type Output = RouteTableView;

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let p = call.root();
        let vpc_id = p.required_string("VpcId")?;
        let tags = parse_tag_specifications(&p, Kind::RouteTable)?;
        // Idempotency tokens are accepted; a retry with the same token makes another table,
        // which Terraform (the one client sending it) never does.
        let _client_token = p.string("ClientToken");
        call.finish()?;
        Ok(CreateRouteTable { vpc_id, tags })
    }

    fn render(view: &RouteTableView, w: &mut XmlWriter) {
        w.node("routeTable", |w| write_route_table(w, view));
    }
}

impl Write for CreateRouteTable {
    fn write(self, world: &mut World) -> Ec2Result<RouteTableView> {
        let id = world.create_route_table(&self.vpc_id, &self.tags)?;
        let table = world.route_tables().fetch(&id)?;
        Ok(world.route_table_view(&table))
    }
}

pub struct DescribeRouteTables {
    query: Query,
}

impl Action for DescribeRouteTables {
    type Output = Found<RouteTableView>;

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        // DescribeRouteTables pages by 5 to 100, not the 1000 most Describe calls allow.
        let query = Query::parse_within(&call.root(), "RouteTableId", 5, 100)?;
        call.finish()?;
        Ok(DescribeRouteTables { query })
    }

    fn render(found: &Self::Output, w: &mut XmlWriter) {
        found.render(w, "routeTableSet", write_route_table);
    }
}

impl Read for DescribeRouteTables {
    fn read(self, world: &World) -> Ec2Result<Self::Output> {
        self.query
            .run(world.route_tables(), |t| world.route_table_view(t))
    }
}

pub struct DeleteRouteTable {
    id: String,
}

impl Action for DeleteRouteTable {
    type Output = ();

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let id = call.root().required_string("RouteTableId")?;
        call.finish()?;
        Ok(DeleteRouteTable { id })
    }

    fn render(_: &(), w: &mut XmlWriter) {
        write_return(w);
    }
}

impl Write for DeleteRouteTable {
    fn write(self, world: &mut World) -> Ec2Result<()> {
        world.delete_route_table(&self.id)
    }
}

pub struct AssociateRouteTable {
    table: String,
    subnet: Option<String>,
    gateway: Option<String>,
}

impl Action for AssociateRouteTable {
    type Output = RouteTableAssociationId;

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let p = call.root();
        let table = p.required_string("RouteTableId")?;
        let subnet = p.string("SubnetId");
        let gateway = p.string("GatewayId");
        refuse_unsupported(
            &p,
            &["PublicIpv4Pool"],
            "public IPv4 pools are not modelled",
        )?;
        call.finish()?;
        Ok(AssociateRouteTable {
            table,
            subnet,
            gateway,
        })
    }

    fn render(id: &RouteTableAssociationId, w: &mut XmlWriter) {
        w.text("associationId", id);
        w.node("associationState", |w| {
            w.text("state", "associated");
        });
    }
}

impl Write for AssociateRouteTable {
    fn write(self, world: &mut World) -> Ec2Result<RouteTableAssociationId> {
        world.associate_route_table(&self.table, self.subnet.as_deref(), self.gateway.as_deref())
    }
}

pub struct DisassociateRouteTable {
    association: String,
}

impl Action for DisassociateRouteTable {
    type Output = ();

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let association = call.root().required_string("AssociationId")?;
        call.finish()?;
        Ok(DisassociateRouteTable { association })
    }

    fn render(_: &(), w: &mut XmlWriter) {
        write_return(w);
    }
}

impl Write for DisassociateRouteTable {
    fn write(self, world: &mut World) -> Ec2Result<()> {
        world.disassociate_route_table(&self.association)
    }
}

pub struct ReplaceRouteTableAssociation {
    association: String,
    table: String,
}

impl Action for ReplaceRouteTableAssociation {
    type Output = RouteTableAssociationId;

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let p = call.root();
        let association = p.required_string("AssociationId")?;
        let table = p.required_string("RouteTableId")?;
        call.finish()?;
        Ok(ReplaceRouteTableAssociation { association, table })
    }

    fn render(id: &RouteTableAssociationId, w: &mut XmlWriter) {
        w.text("newAssociationId", id);
        w.node("associationState", |w| {
            w.text("state", "associated");
        });
    }
}

impl Write for ReplaceRouteTableAssociation {
    fn write(self, world: &mut World) -> Ec2Result<RouteTableAssociationId> {
        world.replace_route_table_association(&self.association, &self.table)
    }
}

/// The destination parameters every route action takes: exactly one of them.
fn parse_destination(p: &Scope<'_>) -> Ec2Result<Option<Destination>> {
    let v4 = p.string("DestinationCidrBlock");
    let v6 = p.string("DestinationIpv6CidrBlock");
    let pl = p.string("DestinationPrefixListId");
    let given = [v4.is_some(), v6.is_some(), pl.is_some()];
    if given.iter().filter(|g| **g).count() > 1 {
        return Err(Ec2Error::InvalidParameterCombination(
            "Only one of DestinationCidrBlock, DestinationIpv6CidrBlock and DestinationPrefixListId may be specified"
                .into(),
        ));
    }
    if let Some(v) = v4 {
        return Ok(Some(Destination::Ipv4(block_v4(
            &v,
            "destinationCidrBlock",
        )?)));
    }
    if let Some(v) = v6 {
        return Ok(Some(Destination::Ipv6(block_v6(
            &v,
            "destinationIpv6CidrBlock",
        )?)));
    }
    match pl {
        Some(id) => Ok(Some(Destination::PrefixList(
            crate::model::ids::ResourceId::parse(&id)?,
        ))),
        None => Ok(None),
    }
}

fn required_destination(d: Option<Destination>) -> Ec2Result<Destination> {
    d.ok_or_else(|| Ec2Error::MissingParameter("DestinationCidrBlock".into()))
}

/// Refuses a target ec2-mock does not model. Called before `finish`, which would otherwise
/// answer `UnknownParameter` for a parameter EC2 knows well.
fn refuse_unmodelled_targets(p: &Scope<'_>) -> Ec2Result<()> {
    refuse_unsupported(
        p,
        UNMODELLED_TARGETS,
        "the route's target is not modelled (NAT and transit gateways, peering, endpoints, instances)",
    )
}

/// The target parameters: exactly one.
fn parse_target(p: &Scope<'_>, local_allowed: bool) -> Ec2Result<TargetSpec> {
    let gateway = p.string("GatewayId");
    let eigw = p.string("EgressOnlyInternetGatewayId");
    let eni = p.string("NetworkInterfaceId");
    let local = if local_allowed {
        p.bool("LocalTarget")?.unwrap_or(false)
    } else {
        false
    };
    let mut targets = Vec::new();
    if let Some(g) = gateway {
        targets.push(TargetSpec::Gateway(g));
    }
    if let Some(g) = eigw {
        targets.push(TargetSpec::EgressOnlyInternetGateway(g));
    }
    if let Some(e) = eni {
        targets.push(TargetSpec::NetworkInterface(e));
    }
    if local {
        targets.push(TargetSpec::Local);
    }
    match targets.len() {
        0 => Err(Ec2Error::MissingParameter(
            "GatewayId, EgressOnlyInternetGatewayId or NetworkInterfaceId".into(),
        )),
        1 => Ok(targets.remove(0)),
        _ => Err(Ec2Error::InvalidParameterCombination(
            "Only one route target may be specified".into(),
        )),
    }
}

pub struct CreateRoute {
    table: String,
    destination: Destination,
    target: TargetSpec,
}

impl Action for CreateRoute {
    type Output = ();

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let p = call.root();
        let table = p.required_string("RouteTableId")?;
        let destination = parse_destination(&p);
        let target = parse_target(&p, false);
        refuse_unmodelled_targets(&p)?;
        call.finish()?;
        Ok(CreateRoute {
            table,
            destination: required_destination(destination?)?,
            target: target?,
        })
    }

    fn render(_: &(), w: &mut XmlWriter) {
        write_return(w);
    }
}

impl Write for CreateRoute {
    fn write(self, world: &mut World) -> Ec2Result<()> {
        world.create_route(&self.table, self.destination, &self.target)
    }
}

pub struct ReplaceRoute {
    table: String,
    destination: Destination,
    target: TargetSpec,
}

impl Action for ReplaceRoute {
    type Output = ();

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let p = call.root();
        let table = p.required_string("RouteTableId")?;
        let destination = parse_destination(&p);
        let target = parse_target(&p, true);
        refuse_unmodelled_targets(&p)?;
        call.finish()?;
        Ok(ReplaceRoute {
            table,
            destination: required_destination(destination?)?,
            target: target?,
        })
    }

    fn render(_: &(), w: &mut XmlWriter) {
        write_return(w);
    }
}

impl Write for ReplaceRoute {
    fn write(self, world: &mut World) -> Ec2Result<()> {
        world.replace_route(&self.table, self.destination, &self.target)
    }
}

pub struct DeleteRoute {
    table: String,
    destination: Destination,
}

impl Action for DeleteRoute {
    type Output = ();

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let p = call.root();
        let table = p.required_string("RouteTableId")?;
        let destination = parse_destination(&p);
        call.finish()?;
        Ok(DeleteRoute {
            table,
            destination: required_destination(destination?)?,
        })
    }

    fn render(_: &(), w: &mut XmlWriter) {
        write_return(w);
    }
}

impl Write for DeleteRoute {
    fn write(self, world: &mut World) -> Ec2Result<()> {
        world.delete_route(&self.table, self.destination)
    }
}

/// One `RouteTable`, in the order of botocore's output shape.
fn write_route_table(w: &mut XmlWriter, view: &RouteTableView) {
    let t: &Arc<_> = &view.table;
    w.list("associationSet", &t.associations, |w, a| {
        w.text("main", a.with == Associated::Main);
        w.text("routeTableAssociationId", a.id);
        w.text("routeTableId", t.id);
        match a.with {
            Associated::Subnet(s) => {
                w.text("subnetId", s);
            }
            Associated::Gateway(g) => {
                w.text("gatewayId", g);
            }
            Associated::Main => {}
        }
        w.node("associationState", |w| {
            w.text("state", "associated");
        });
    });
    w.list("propagatingVgwSet", std::iter::empty::<()>(), |_, _| {});
    w.text("routeTableId", t.id);
    w.list(
        "routeSet",
        t.routes.iter().zip(&view.states),
        |w, (r, state)| {
            match r.destination {
                Destination::Ipv4(n) => {
                    w.text("destinationCidrBlock", n);
                }
                Destination::Ipv6(n) => {
                    w.text("destinationIpv6CidrBlock", n);
                }
                Destination::PrefixList(p) => {
                    w.text("destinationPrefixListId", p);
                }
            }
            match r.target {
                Target::Local => {
                    w.text("gatewayId", "local");
                }
                Target::InternetGateway(g) => {
                    w.text("gatewayId", g);
                }
                Target::EgressOnlyInternetGateway(g) => {
                    w.text("egressOnlyInternetGatewayId", g);
                }
                Target::NetworkInterface(e) => {
                    w.text("networkInterfaceId", e);
                }
            }
            w.text("origin", r.origin.as_str());
            w.text("state", *state);
        },
    );
    write_tag_set(w, &t.tags);
    w.text("vpcId", t.vpc_id);
    w.text("ownerId", &t.owner_id);
}
