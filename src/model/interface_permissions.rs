//! Network interface permissions: grants letting another account (or an AWS service) attach
//! an interface or associate an address with it.

use std::sync::Arc;

use crate::error::{Ec2Error, Ec2Result};
use crate::model::filters::Filterable;
use crate::model::ids::{InterfacePermissionId, NetworkInterfaceId, ResourceId};
use crate::model::tags::Tags;
use crate::model::vpcs::id_used_twice;
use crate::model::world::draw_id;
use crate::model::World;

/// Permissions cannot be tagged; tag filters see this and match nothing.
static NO_TAGS: Tags = Tags::new();

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PermissionType {
    InstanceAttach,
    EipAssociate,
}

impl PermissionType {
    pub fn as_str(self) -> &'static str {
        match self {
            PermissionType::InstanceAttach => "INSTANCE-ATTACH",
            PermissionType::EipAssociate => "EIP-ASSOCIATE",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "INSTANCE-ATTACH" => Some(PermissionType::InstanceAttach),
            "EIP-ASSOCIATE" => Some(PermissionType::EipAssociate),
            _ => None,
        }
    }
}

/// Who a permission is granted to: EC2 takes exactly one of the two.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Grantee {
    Account(String),
    Service(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterfacePermission {
    pub id: InterfacePermissionId,
    pub network_interface_id: NetworkInterfaceId,
    pub grantee: Grantee,
    pub permission: PermissionType,
}

impl InterfacePermission {
    pub fn aws_account_id(&self) -> Option<&str> {
        match &self.grantee {
            Grantee::Account(a) => Some(a),
            Grantee::Service(_) => None,
        }
    }

    pub fn aws_service(&self) -> Option<&str> {
        match &self.grantee {
            Grantee::Service(s) => Some(s),
            Grantee::Account(_) => None,
        }
    }

    /// Always `granted`: EC2 grants at once, and a revoked permission is gone (a Describe by
    /// its ID answers NotFound, which is what Terraform waits for after a delete).
    pub fn state(&self) -> &'static str {
        "granted"
    }
}

impl World {
    /// Looks up a permission. An ID of the wrong shape is answered NotFound too: EC2's
    /// Malformed code for these IDs is not documented anywhere we could find.
    pub fn interface_permission(&self, id: &str) -> Ec2Result<&Arc<InterfacePermission>> {
        let id = InterfacePermissionId::parse(id)?;
        self.interface_permissions
            .get(&id)
            .ok_or_else(|| id.not_found())
    }

    pub fn create_interface_permission(
        &mut self,
        network_interface_id: &str,
        grantee: Grantee,
        permission: PermissionType,
    ) -> Ec2Result<InterfacePermissionId> {
        self.create_interface_permission_with_id(network_interface_id, grantee, permission, None)
    }

    /// CreateNetworkInterfacePermission, with the ID a state file fixes instead of a drawn one.
    pub fn create_interface_permission_with_id(
        &mut self,
        network_interface_id: &str,
        grantee: Grantee,
        permission: PermissionType,
        id: Option<InterfacePermissionId>,
    ) -> Ec2Result<InterfacePermissionId> {
        if let Some(id) = &id {
            if self.interface_permissions.contains(id) {
                return Err(id_used_twice(id));
            }
        }
        let eni = self.network_interface(network_interface_id)?.id;
        let duplicate = self.interface_permissions.values().any(|p| {
            p.network_interface_id == eni && p.grantee == grantee && p.permission == permission
        });
        if duplicate {
            let who = match &grantee {
                Grantee::Account(a) => format!("account {a}"),
                Grantee::Service(s) => format!("service {s}"),
            };
            return Err(Ec2Error::InvalidParameterValue(format!(
                "The network interface '{network_interface_id}' already grants {} to {who}",
                permission.as_str()
            )));
        }
        let id = match id {
            Some(id) => id,
            None => draw_id(&mut self.streams, |id| {
                self.interface_permissions.contains(id)
            }),
        };
        self.interface_permissions.insert(
            id,
            InterfacePermission {
                id,
                network_interface_id: eni,
                grantee,
                permission,
            },
        );
        Ok(id)
    }

    /// Removes a permission. `Force` matters only for an interface the grantee attached,
    /// which cannot happen here, so it is accepted and changes nothing.
    pub fn delete_interface_permission(&mut self, id: &str) -> Ec2Result<()> {
        let id = self.interface_permission(id)?.id;
        self.interface_permissions.remove(&id);
        Ok(())
    }
}

impl Filterable for InterfacePermission {
    const FILTER_NAMES: &'static [&'static str] = &[
        "network-interface-permission.network-interface-permission-id",
        "network-interface-permission.network-interface-id",
        "network-interface-permission.aws-account-id",
        "network-interface-permission.aws-service",
        "network-interface-permission.permission",
    ];

    fn tags(&self) -> &Tags {
        &NO_TAGS
    }

    fn filter_values(&self, name: &str) -> Vec<String> {
        match name {
            "network-interface-permission.network-interface-permission-id" => {
                vec![self.id.to_string()]
            }
            "network-interface-permission.network-interface-id" => {
                vec![self.network_interface_id.to_string()]
            }
            "network-interface-permission.aws-account-id" => self
                .aws_account_id()
                .map(str::to_owned)
                .into_iter()
                .collect(),
            "network-interface-permission.aws-service" => {
                self.aws_service().map(str::to_owned).into_iter().collect()
            }
            "network-interface-permission.permission" => {
                vec![self.permission.as_str().to_owned()]
            }
            _ => Vec::new(),
        }
    }
}
