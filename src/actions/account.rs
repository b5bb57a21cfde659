//! DescribeAccountAttributes: the account's quotas and platform facts, as the model enforces
//! them.

use crate::actions::{Action, Call, Read};
use crate::error::{Ec2Error, Ec2Result};
use crate::model::network_interfaces::MAX_GROUPS_PER_INTERFACE;
use crate::model::World;
use crate::wire::xml::XmlWriter;

/// The attributes EC2 answers, in its order.
const ATTRIBUTES: &[&str] = &[
    "supported-platforms",
    "default-vpc",
    "max-instances",
    "vpc-max-security-groups-per-interface",
    "max-elastic-ips",
    "vpc-max-elastic-ips",
];

/// The Elastic IP quota of a Region (EC2's default).
pub const MAX_ELASTIC_IPS: usize = 5;
/// The instance quota reported (EC2's default for a new account).
pub const MAX_INSTANCES: usize = 20;

pub struct DescribeAccountAttributes {
    names: Vec<String>,
}

impl Action for DescribeAccountAttributes {
    type Output = Vec<(&'static str, Vec<String>)>;

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let names = call.root().string_list("AttributeName");
        call.finish()?;
        if let Some(bad) = names.iter().find(|n| !ATTRIBUTES.contains(&n.as_str())) {
            return Err(Ec2Error::InvalidParameterValue(format!(
                "Value ({bad}) for parameter attributeName is invalid. Valid values: {}",
                ATTRIBUTES.join(", ")
            )));
        }
        Ok(DescribeAccountAttributes { names })
    }

    fn render(attributes: &Self::Output, w: &mut XmlWriter) {
        w.list("accountAttributeSet", attributes, |w, (name, values)| {
            w.text("attributeName", name);
            w.list("attributeValueSet", values, |w, v| {
                w.text("attributeValue", v);
            });
        });
    }
}

impl Read for DescribeAccountAttributes {
    fn read(self, world: &World) -> Ec2Result<Self::Output> {
        let value = |name: &str| -> Vec<String> {
            match name {
                // EC2-Classic is retired: every account is VPC-only.
                "supported-platforms" => vec!["VPC".into()],
                "default-vpc" => vec![world
                    .default_vpc()
                    .map_or_else(|| "none".to_owned(), |v| v.id.to_string())],
                "max-instances" => vec![MAX_INSTANCES.to_string()],
                "vpc-max-security-groups-per-interface" => {
                    vec![MAX_GROUPS_PER_INTERFACE.to_string()]
                }
                _ => vec![MAX_ELASTIC_IPS.to_string()],
            }
        };
        Ok(ATTRIBUTES
            .iter()
            .filter(|a| self.names.is_empty() || self.names.iter().any(|n| n == *a))
            .map(|a| (*a, value(a)))
            .collect())
    }
}
