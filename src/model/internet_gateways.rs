//! Internet gateways (one VPC each, attached and detached) and egress-only internet
//! gateways (IPv6 outbound only, bound to their VPC from creation).

use std::sync::Arc;

use crate::error::{Ec2Error, Ec2Result};
use crate::model::filters::Filterable;
use crate::model::ids::{EgressOnlyInternetGatewayId, InternetGatewayId, VpcId};
use crate::model::route_tables::Target;
use crate::model::tagging::Tagged;
use crate::model::tags::{Tag, Tags};
use crate::model::world::draw_id;
use crate::model::World;

#[derive(Debug, Clone)]
pub struct InternetGateway {
    pub id: InternetGatewayId,
    pub owner_id: String,
    /// The VPC it is attached to, if any.
    pub vpc_id: Option<VpcId>,
    pub tags: Tags,
}

#[derive(Debug, Clone)]
pub struct EgressOnlyInternetGateway {
    pub id: EgressOnlyInternetGatewayId,
    pub owner_id: String,
    pub vpc_id: VpcId,
    pub tags: Tags,
}

impl Tagged for InternetGateway {
    fn tags(&self) -> &Tags {
        &self.tags
    }
    fn tags_mut(&mut self) -> &mut Tags {
        &mut self.tags
    }
}

impl Tagged for EgressOnlyInternetGateway {
    fn tags(&self) -> &Tags {
        &self.tags
    }
    fn tags_mut(&mut self) -> &mut Tags {
        &mut self.tags
    }
}

impl World {
    pub fn internet_gateway(&self, id: &str) -> Ec2Result<&Arc<InternetGateway>> {
        self.internet_gateways.lookup(id)
    }

    pub fn egress_only_internet_gateway(
        &self,
        id: &str,
    ) -> Ec2Result<&Arc<EgressOnlyInternetGateway>> {
        self.egress_only_internet_gateways.lookup(id)
    }

    /// The internet gateway attached to a VPC, if any.
    pub fn vpc_internet_gateway(&self, vpc: VpcId) -> Option<&Arc<InternetGateway>> {
        self.internet_gateways
            .values()
            .find(|g| g.vpc_id == Some(vpc))
    }

    pub fn create_internet_gateway(&mut self, tags: &[Tag]) -> Ec2Result<InternetGatewayId> {
        let mut gateway_tags = Tags::default();
        gateway_tags.set_all(tags)?;
        let id = draw_id(&mut self.streams, |id| self.internet_gateways.contains(id));
        self.internet_gateways.insert(
            id,
            InternetGateway {
                id,
                owner_id: self.account_id.clone(),
                vpc_id: None,
                tags: gateway_tags,
            },
        );
        Ok(id)
    }

    /// AttachInternetGateway: a gateway attaches to one VPC, and a VPC has one gateway.
    pub fn attach_internet_gateway(&mut self, gateway: &str, vpc: &str) -> Ec2Result<()> {
        let gateway = self.internet_gateway(gateway)?.clone();
        let vpc = self.vpc(vpc)?.id;
        if let Some(attached) = gateway.vpc_id {
            return Err(Ec2Error::ResourceAlreadyAssociated(format!(
                "resource {} is already attached to network {attached}",
                gateway.id
            )));
        }
        if let Some(other) = self.vpc_internet_gateway(vpc) {
            return Err(Ec2Error::ResourceAlreadyAssociated(format!(
                "resource {vpc} is already attached to network gateway {}",
                other.id
            )));
        }
        self.internet_gateways
            .update(&gateway.id, |g| g.vpc_id = Some(vpc));
        Ok(())
    }

    /// DetachInternetGateway: from the VPC it is attached to. Routes to it become blackholes
    /// (they stay, as in EC2).
    pub fn detach_internet_gateway(&mut self, gateway: &str, vpc: &str) -> Ec2Result<()> {
        let gateway = self.internet_gateway(gateway)?.clone();
        let vpc = self.vpc(vpc)?.id;
        if gateway.vpc_id != Some(vpc) {
            return Err(Ec2Error::GatewayNotAttached(format!(
                "resource {} is not attached to network {vpc}",
                gateway.id
            )));
        }
        // An edge association names the gateway; it must go first, as EC2 refuses the detach
        // while one remains.
        if self.route_tables.values().any(|t| {
            t.associations
                .iter()
                .any(|a| a.with == crate::model::route_tables::Associated::Gateway(gateway.id))
        }) {
            return Err(Ec2Error::DependencyViolation(format!(
                "resource {} has a dependent object",
                gateway.id
            )));
        }
        self.internet_gateways
            .update(&gateway.id, |g| g.vpc_id = None);
        Ok(())
    }

    /// DeleteInternetGateway: only once detached.
    pub fn delete_internet_gateway(&mut self, gateway: &str) -> Ec2Result<()> {
        let gateway = self.internet_gateway(gateway)?;
        if gateway.vpc_id.is_some() {
            return Err(Ec2Error::DependencyViolation(format!(
                "The internetGateway '{}' has dependencies and cannot be deleted.",
                gateway.id
            )));
        }
        let id = gateway.id;
        self.internet_gateways.remove(&id);
        Ok(())
    }

    pub fn create_egress_only_internet_gateway(
        &mut self,
        vpc: &str,
        tags: &[Tag],
    ) -> Ec2Result<EgressOnlyInternetGatewayId> {
        let vpc = self.vpc(vpc)?.id;
        let mut gateway_tags = Tags::default();
        gateway_tags.set_all(tags)?;
        let id = draw_id(&mut self.streams, |id| {
            self.egress_only_internet_gateways.contains(id)
        });
        self.egress_only_internet_gateways.insert(
            id,
            EgressOnlyInternetGateway {
                id,
                owner_id: self.account_id.clone(),
                vpc_id: vpc,
                tags: gateway_tags,
            },
        );
        Ok(id)
    }

    /// DeleteEgressOnlyInternetGateway; routes to it become blackholes.
    pub fn delete_egress_only_internet_gateway(&mut self, gateway: &str) -> Ec2Result<()> {
        let id = self.egress_only_internet_gateway(gateway)?.id;
        self.egress_only_internet_gateways.remove(&id);
        Ok(())
    }

    /// Whether any route of any table sends traffic to `target`.
    pub fn routes_to(&self, target: Target) -> bool {
        self.route_tables
            .values()
            .any(|t| t.routes.iter().any(|r| r.target == target))
    }
}

impl Filterable for InternetGateway {
    const FILTER_NAMES: &'static [&'static str] = &[
        "attachment.state",
        "attachment.vpc-id",
        "internet-gateway-id",
        "owner-id",
    ];

    fn tags(&self) -> &Tags {
        &self.tags
    }

    fn filter_values(&self, name: &str) -> Vec<String> {
        match name {
            // EC2 shows an attached gateway's attachment as `available`.
            "attachment.state" => self
                .vpc_id
                .map(|_| "available".to_owned())
                .into_iter()
                .collect(),
            "attachment.vpc-id" => self.vpc_id.map(|v| v.to_string()).into_iter().collect(),
            "internet-gateway-id" => vec![self.id.to_string()],
            "owner-id" => vec![self.owner_id.clone()],
            _ => Vec::new(),
        }
    }
}

impl Filterable for EgressOnlyInternetGateway {
    const FILTER_NAMES: &'static [&'static str] = &[];

    fn tags(&self) -> &Tags {
        &self.tags
    }

    fn filter_values(&self, _name: &str) -> Vec<String> {
        Vec::new()
    }
}
