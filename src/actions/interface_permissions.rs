//! CreateNetworkInterfacePermission, DescribeNetworkInterfacePermissions,
//! DeleteNetworkInterfacePermission.

use crate::actions::common::{dry_run, parse_filters, parse_page_within, select, write_next_token};
use crate::actions::Call;
use crate::error::{Ec2Error, Ec2Result};
use crate::model::interface_permissions::{Grantee, InterfacePermission, PermissionType};
use crate::model::World;
use crate::wire::xml::XmlWriter;

/// DescribeNetworkInterfacePermissions' bounds on `MaxResults`, and the page EC2 returns
/// when none is given ("up to 50 results are returned by default").
const MIN_RESULTS: i64 = 5;
const MAX_RESULTS: i64 = 255;
const DEFAULT_RESULTS: usize = 50;

pub fn create_network_interface_permission(
    call: &Call<'_>,
    world: &mut World,
) -> Ec2Result<Vec<u8>> {
    let p = call.root();
    let dry = dry_run(&p)?;
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
            if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
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
    let id = world.create_interface_permission(&eni_id, grantee, permission, dry)?;
    let perm = world.interface_permission(&id)?;
    Ok(call.reply(|w| {
        w.node("interfacePermission", |w| write_permission(w, perm));
    }))
}

pub fn describe_network_interface_permissions(
    call: &Call<'_>,
    world: &mut World,
) -> Ec2Result<Vec<u8>> {
    let p = call.root();
    let ids = p.string_list("NetworkInterfacePermissionId");
    let filters = parse_filters(&p)?;
    let mut page = parse_page_within(&p, MIN_RESULTS, MAX_RESULTS)?;
    call.finish()?;
    // Unlike the other Describe calls, this one pages by default (the API reference says so).
    page.max_results = Some(page.max_results.unwrap_or(DEFAULT_RESULTS));
    let world = &*world;
    let sel = select(
        &world.interface_permissions,
        &ids,
        |id| world.interface_permission(id),
        &filters,
        &page,
    )?;
    Ok(call.reply(|w| {
        w.list("networkInterfacePermissions", &sel.ids, |w, id| {
            if let Some(perm) = world.interface_permissions.get(id) {
                write_permission(w, perm);
            }
        });
        write_next_token(w, &sel.next_token);
    }))
}

pub fn delete_network_interface_permission(
    call: &Call<'_>,
    world: &mut World,
) -> Ec2Result<Vec<u8>> {
    let p = call.root();
    let dry = dry_run(&p)?;
    let id = p.required_string("NetworkInterfacePermissionId")?;
    // Force only matters once the grantee has attached the interface, which cannot happen
    // in this world.
    let _force = p.bool("Force")?;
    call.finish()?;
    world.delete_interface_permission(&id, dry)?;
    Ok(call.reply(|w| {
        w.text("return", true);
    }))
}

/// One `NetworkInterfacePermission`, in the order of EC2's output shape.
fn write_permission(w: &mut XmlWriter, perm: &InterfacePermission) {
    w.text("networkInterfacePermissionId", &perm.id);
    w.text("networkInterfaceId", &perm.network_interface_id);
    w.opt("awsAccountId", perm.aws_account_id());
    w.opt("awsService", perm.aws_service());
    w.text("permission", perm.permission.as_str());
    w.node("permissionState", |w| {
        w.text("state", perm.state());
    });
}
