//! Network interface permissions: grants letting another account (or an AWS service) attach
//! an interface or associate an address with it.

use crate::error::{Ec2Error, Ec2Result};
use crate::model::filters::Filterable;
use crate::model::ids::{check_fixed_id, new_id};
use crate::model::tags::Tags;
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
    pub id: String,
    pub network_interface_id: String,
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
    pub fn interface_permission(&self, id: &str) -> Ec2Result<&InterfacePermission> {
        self.interface_permissions
            .get(id)
            .ok_or_else(|| Ec2Error::NetworkInterfacePermissionNotFound(id.to_owned()))
    }

    pub fn create_interface_permission(
        &mut self,
        network_interface_id: &str,
        grantee: Grantee,
        permission: PermissionType,
        dry_run: bool,
    ) -> Ec2Result<String> {
        self.create_interface_permission_with_id(
            network_interface_id,
            grantee,
            permission,
            None,
            dry_run,
        )
    }

    /// CreateNetworkInterfacePermission, with the ID a state file fixes instead of a drawn one.
    pub(crate) fn create_interface_permission_with_id(
        &mut self,
        network_interface_id: &str,
        grantee: Grantee,
        permission: PermissionType,
        id: Option<String>,
        dry_run: bool,
    ) -> Ec2Result<String> {
        if let Some(id) = &id {
            check_fixed_id(id, "eni-perm", self.interface_permissions.contains_key(id))?;
        }
        self.network_interface(network_interface_id)?;
        let duplicate = self.interface_permissions.values().any(|p| {
            p.network_interface_id == network_interface_id
                && p.grantee == grantee
                && p.permission == permission
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
        if dry_run {
            return Err(Ec2Error::DryRunOperation);
        }
        let id = match id {
            Some(id) => id,
            None => loop {
                let id = new_id(&mut self.rng, "eni-perm");
                if !self.interface_permissions.contains_key(&id) {
                    break id;
                }
            },
        };
        self.interface_permissions.insert(
            id.clone(),
            InterfacePermission {
                id: id.clone(),
                network_interface_id: network_interface_id.to_owned(),
                grantee,
                permission,
            },
        );
        Ok(id)
    }

    /// Removes a permission. `Force` matters only for an interface the grantee attached,
    /// which cannot happen here, so it is accepted and changes nothing.
    pub fn delete_interface_permission(&mut self, id: &str, dry_run: bool) -> Ec2Result<()> {
        self.interface_permission(id)?;
        if dry_run {
            return Err(Ec2Error::DryRunOperation);
        }
        self.interface_permissions.remove(id);
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
        let values: Vec<&str> = match name {
            "network-interface-permission.network-interface-permission-id" => vec![&self.id],
            "network-interface-permission.network-interface-id" => {
                vec![&self.network_interface_id]
            }
            "network-interface-permission.aws-account-id" => {
                self.aws_account_id().into_iter().collect()
            }
            "network-interface-permission.aws-service" => self.aws_service().into_iter().collect(),
            "network-interface-permission.permission" => vec![self.permission.as_str()],
            _ => Vec::new(),
        };
        values.into_iter().map(str::to_owned).collect()
    }
}
