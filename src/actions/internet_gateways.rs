//! CreateInternetGateway, DescribeInternetGateways, DeleteInternetGateway,
//! AttachInternetGateway, DetachInternetGateway, and the egress-only gateways' Create,
//! Describe and Delete.

use std::sync::Arc;

use crate::actions::common::{parse_tag_specifications, write_return, write_tag_set};
use crate::actions::describe::{Found, Query};
use crate::actions::{Action, Call, Read, Write};
use crate::error::Ec2Result;
use crate::kinds::Kind;
use crate::model::internet_gateways::{EgressOnlyInternetGateway, InternetGateway};
use crate::model::tags::Tag;
use crate::model::World;
use crate::wire::xml::XmlWriter;

pub struct CreateInternetGateway {
    tags: Vec<Tag>,
}

impl Action for CreateInternetGateway {
    type Output = Arc<InternetGateway>;

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let tags = parse_tag_specifications(&call.root(), Kind::InternetGateway)?;
        call.finish()?;
        Ok(CreateInternetGateway { tags })
    }

    fn render(gateway: &Arc<InternetGateway>, w: &mut XmlWriter) {
        w.node("internetGateway", |w| write_internet_gateway(w, gateway));
    }
}

impl Write for CreateInternetGateway {
    fn write(self, world: &mut World) -> Ec2Result<Self::Output> {
        let id = world.create_internet_gateway(&self.tags)?;
        world.internet_gateways().fetch(&id)
    }
}

pub struct DescribeInternetGateways {
    query: Query,
}

impl Action for DescribeInternetGateways {
    type Output = Found<Arc<InternetGateway>>;

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let query = Query::parse(&call.root(), "InternetGatewayId")?;
        call.finish()?;
        Ok(DescribeInternetGateways { query })
    }

    fn render(found: &Self::Output, w: &mut XmlWriter) {
        found.render(w, "internetGatewaySet", |w, g| write_internet_gateway(w, g));
    }
}

impl Read for DescribeInternetGateways {
    fn read(self, world: &World) -> Ec2Result<Self::Output> {
        self.query.run(world.internet_gateways(), Arc::clone)
    }
}

pub struct DeleteInternetGateway {
    id: String,
}

impl Action for DeleteInternetGateway {
    type Output = ();

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let id = call.root().required_string("InternetGatewayId")?;
        call.finish()?;
        Ok(DeleteInternetGateway { id })
    }

    fn render(_: &(), w: &mut XmlWriter) {
        write_return(w);
    }
}

impl Write for DeleteInternetGateway {
    fn write(self, world: &mut World) -> Ec2Result<()> {
        world.delete_internet_gateway(&self.id)
    }
}

/// AttachInternetGateway (`ATTACH` true) or DetachInternetGateway.
pub struct Attachment<const ATTACH: bool> {
    gateway: String,
    vpc: String,
}

pub type AttachInternetGateway = Attachment<true>;
pub type DetachInternetGateway = Attachment<false>;

impl<const ATTACH: bool> Action for Attachment<ATTACH> {
    type Output = ();

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let p = call.root();
        let gateway = p.required_string("InternetGatewayId")?;
        let vpc = p.required_string("VpcId")?;
        call.finish()?;
        Ok(Attachment { gateway, vpc })
    }

    fn render(_: &(), w: &mut XmlWriter) {
        write_return(w);
    }
}

impl<const ATTACH: bool> Write for Attachment<ATTACH> {
    fn write(self, world: &mut World) -> Ec2Result<()> {
        if ATTACH {
            world.attach_internet_gateway(&self.gateway, &self.vpc)
        } else {
            world.detach_internet_gateway(&self.gateway, &self.vpc)
        }
    }
}

pub struct CreateEgressOnlyInternetGateway {
    vpc: String,
    client_token: Option<String>,
    tags: Vec<Tag>,
}

impl Action for CreateEgressOnlyInternetGateway {
    type Output = (Arc<EgressOnlyInternetGateway>, Option<String>);

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let p = call.root();
        let vpc = p.required_string("VpcId")?;
        let client_token = p.string("ClientToken");
        let tags = parse_tag_specifications(&p, Kind::EgressOnlyInternetGateway)?;
        call.finish()?;
        Ok(CreateEgressOnlyInternetGateway {
            vpc,
            client_token,
            tags,
        })
    }

    fn render((gateway, token): &Self::Output, w: &mut XmlWriter) {
        w.opt("clientToken", token.as_deref());
        w.node("egressOnlyInternetGateway", |w| {
            write_egress_only_gateway(w, gateway)
        });
    }
}

impl Write for CreateEgressOnlyInternetGateway {
    fn write(self, world: &mut World) -> Ec2Result<Self::Output> {
        let id = world.create_egress_only_internet_gateway(&self.vpc, &self.tags)?;
        Ok((
            world.egress_only_internet_gateways().fetch(&id)?,
            self.client_token,
        ))
    }
}

pub struct DescribeEgressOnlyInternetGateways {
    query: Query,
}

impl Action for DescribeEgressOnlyInternetGateways {
    type Output = Found<Arc<EgressOnlyInternetGateway>>;

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let query = Query::parse_within(&call.root(), "EgressOnlyInternetGatewayId", 5, 255)?;
        call.finish()?;
        Ok(DescribeEgressOnlyInternetGateways { query })
    }

    fn render(found: &Self::Output, w: &mut XmlWriter) {
        found.render(w, "egressOnlyInternetGatewaySet", |w, g| {
            write_egress_only_gateway(w, g)
        });
    }
}

impl Read for DescribeEgressOnlyInternetGateways {
    fn read(self, world: &World) -> Ec2Result<Self::Output> {
        self.query
            .run(world.egress_only_internet_gateways(), Arc::clone)
    }
}

pub struct DeleteEgressOnlyInternetGateway {
    id: String,
}

impl Action for DeleteEgressOnlyInternetGateway {
    type Output = ();

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let id = call.root().required_string("EgressOnlyInternetGatewayId")?;
        call.finish()?;
        Ok(DeleteEgressOnlyInternetGateway { id })
    }

    fn render(_: &(), w: &mut XmlWriter) {
        w.text("returnCode", true);
    }
}

impl Write for DeleteEgressOnlyInternetGateway {
    fn write(self, world: &mut World) -> Ec2Result<()> {
        world.delete_egress_only_internet_gateway(&self.id)
    }
}

fn write_internet_gateway(w: &mut XmlWriter, g: &InternetGateway) {
    // EC2 shows an attached internet gateway's attachment as `available` (not `attached`,
    // although the model's enum lists only the latter); Terraform waits for `available`.
    w.list("attachmentSet", g.vpc_id, |w, vpc| {
        w.text("state", "available");
        w.text("vpcId", vpc);
    });
    w.text("internetGatewayId", g.id);
    w.text("ownerId", &g.owner_id);
    write_tag_set(w, &g.tags);
}

fn write_egress_only_gateway(w: &mut XmlWriter, g: &EgressOnlyInternetGateway) {
    w.list("attachmentSet", [g.vpc_id], |w, vpc| {
        w.text("state", "attached");
        w.text("vpcId", vpc);
    });
    w.text("egressOnlyInternetGatewayId", g.id);
    write_tag_set(w, &g.tags);
}
