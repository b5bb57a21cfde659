//! CreateNetworkInterfacePermission, DescribeNetworkInterfacePermissions,
//! DeleteNetworkInterfacePermission.

use std::sync::Arc;

use crate::actions::describe::{Found, Query};
use crate::actions::{Action, Call, Read, Write};
use crate::error::{Ec2Error, Ec2Result};
use crate::model::interface_permissions::{Grantee, InterfacePermission, PermissionType};
use crate::model::World;
use crate::values::is_account_id;
use crate::wire::xml::XmlWriter;

/// DescribeNetworkInterfacePermissions' bounds on `MaxResults`, and the page EC2 returns
/// when none is given ("up to 50 results are returned by default").
const MIN_RESULTS: i64 = 5;
const MAX_RESULTS: i64 = 255;
const DEFAULT_RESULTS: usize = 50;

pub struct CreateNetworkInterfacePermission {
    eni_id: String,
    grantee: Grantee,
    permission: PermissionType,
}

impl Action for CreateNetworkInterfacePermission {
    type Output = Arc<InterfacePermission>;

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let p = call.root();
        let eni_id = p.required_string("NetworkInterfaceId")?;
        let account = p.string("AwsAccountId");
        let service = p.string("AwsService");
        let permission = p.required_string("Permission")?;
        call.finish()?;
        let permission = PermissionType::parse(&permission).ok_or_else(|| {
            Ec2Error::InvalidParameterValue(format!(
                "Value ({permission}) for parameter permission is invalid. Valid values: INSTANCE-ATTACH, EIP-ASSOCIATE"
            ))
        })?;
        let grantee = match (account, service) {
            (Some(_), Some(_)) => {
                return Err(Ec2Error::InvalidParameterCombination(
                    "Specify either AwsAccountId or AwsService, not both".into(),
                ))
            }
            (None, None) => return Err(Ec2Error::MissingParameter("AwsAccountId".into())),
            (Some(account), None) => {
                if !is_account_id(&account) {
                    return Err(Ec2Error::InvalidParameterValue(format!(
                        "Value ({account}) for parameter awsAccountId is invalid. An account ID is 12 digits."
                    )));
                }
                Grantee::Account(account)
            }
            (None, Some(service)) => {
                if service.trim().is_empty() {
                    return Err(Ec2Error::InvalidParameterValue(
                        "Value () for parameter awsService is invalid. The value cannot be empty"
                            .into(),
                    ));
                }
                Grantee::Service(service)
            }
        };
        Ok(CreateNetworkInterfacePermission {
            eni_id,
            grantee,
            permission,
        })
    }

    fn render(perm: &Self::Output, w: &mut XmlWriter) {
        w.node("interfacePermission", |w| write_permission(w, perm));
    }
}

impl Write for CreateNetworkInterfacePermission {
    fn write(self, world: &mut World) -> Ec2Result<Self::Output> {
        let id = world.create_interface_permission(&self.eni_id, self.grantee, self.permission)?;
        world.interface_permissions().fetch(&id)
    }
}

pub struct DescribeNetworkInterfacePermissions {
    query: Query,
}

impl Action for DescribeNetworkInterfacePermissions {
    type Output = Found<Arc<InterfacePermission>>;
    // DryRun is not in this action's model: the parameter is refused as unknown.
    const DRY_RUN: bool = false;

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let mut query = Query::parse_within(
            &call.root(),
            "NetworkInterfacePermissionId",
            MIN_RESULTS,
            MAX_RESULTS,
        )?;
        call.finish()?;
        // Unlike the other Describe calls, this one pages by default (the API reference says
        // so).
        query.page.max_results = Some(query.page.max_results.unwrap_or(DEFAULT_RESULTS));
        Ok(DescribeNetworkInterfacePermissions { query })
    }

    fn render(found: &Self::Output, w: &mut XmlWriter) {
        found.render(w, "networkInterfacePermissions", |w, perm| {
            write_permission(w, perm)
        });
    }
}

impl Read for DescribeNetworkInterfacePermissions {
    fn read(self, world: &World) -> Ec2Result<Self::Output> {
        self.query.run(world.interface_permissions(), Arc::clone)
    }
}

pub struct DeleteNetworkInterfacePermission {
    id: String,
}

impl Action for DeleteNetworkInterfacePermission {
    type Output = ();

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let p = call.root();
        let id = p.required_string("NetworkInterfacePermissionId")?;
        // Force only matters once the grantee has attached the interface, which cannot
        // happen in this world.
        let _force = p.bool("Force")?;
        call.finish()?;
        Ok(DeleteNetworkInterfacePermission { id })
    }

    fn render(_: &(), w: &mut XmlWriter) {
        w.text("return", true);
    }
}

impl Write for DeleteNetworkInterfacePermission {
    fn write(self, world: &mut World) -> Ec2Result<()> {
        world.delete_interface_permission(&self.id)
    }
}

/// One `NetworkInterfacePermission`, in the order of EC2's output shape.
fn write_permission(w: &mut XmlWriter, perm: &InterfacePermission) {
    w.text("networkInterfacePermissionId", perm.id);
    w.text("networkInterfaceId", perm.network_interface_id);
    w.opt("awsAccountId", perm.aws_account_id());
    w.opt("awsService", perm.aws_service());
    w.text("permission", perm.permission.as_str());
    w.node("permissionState", |w| {
        w.text("state", perm.state());
    });
}
