//! RunInstances, DescribeInstances, StartInstances, StopInstances, RebootInstances,
//! TerminateInstances, DescribeInstanceStatus.
//!
//! RunInstances reads every parameter EC2 has: what ec2-mock models it honours (the
//! interfaces and their addresses, groups, placement, tags, the client token, the options
//! EC2 shows back), and what it does not (volumes, launch templates, Spot, IAM, GPUs,
//! placement groups) answers `UnsupportedOperation` naming the parameter.

use std::net::Ipv6Addr;

use crate::actions::common::{non_negative, refuse_unsupported, write_return, write_tag_set};
use crate::actions::describe::{Found, Query};
use crate::actions::network_interfaces::parse_interface;
use crate::actions::{Action, Call, Read, Write};
use crate::error::{Ec2Error, Ec2Result};
use crate::model::clock::iso8601;
use crate::model::ids::ReservationId;
use crate::model::instance_types::catalogue;
use crate::model::instances::{
    InstanceOptions, InstanceState, InstanceView, LaunchInterface, LaunchRequest, StateChange,
    DEFAULT_INSTANCE_TYPE,
};
use crate::model::network_interfaces::{InterfaceView, PublicAddress};
use crate::model::tags::Tag;
use crate::model::world::private_dns_name;
use crate::model::World;
use crate::values::{ipv4_address, ipv6_address};
use crate::wire::params::Scope;
use crate::wire::xml::XmlWriter;

pub struct RunInstances {
    request: LaunchRequest,
    /// `Placement.AvailabilityZoneId`, resolved against the region when the request runs.
    zone_id: Option<String>,
}

/// What RunInstances made, as its reply shows it.
pub struct Reservation {
    pub reservation_id: ReservationId,
    pub owner_id: String,
    pub instances: Vec<InstanceView>,
}

impl Action for RunInstances {
    type Output = Reservation;

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let p = call.root();
        refuse_unsupported(&p, &["BlockDeviceMapping"], "EBS volumes are not modelled")?;
        refuse_unsupported(
            &p,
            &[
                "LaunchTemplate",
                "InstanceMarketOptions",
                "CreditSpecification",
                "CapacityReservationSpecification",
                "LicenseSpecification",
                "IamInstanceProfile",
                "ElasticGpuSpecification",
                "ElasticInferenceAccelerator",
                "SecondaryInterface",
                "KernelId",
                "RamdiskId",
            ],
            "launch templates, Spot, capacity reservations, licenses, IAM, accelerators and paravirtual kernels are not modelled",
        )?;
        let placement = p.structure("Placement");
        refuse_unsupported(
            &placement,
            &[
                "GroupName",
                "GroupId",
                "HostId",
                "Affinity",
                "PartitionNumber",
                "SpreadDomain",
                "HostResourceGroupArn",
            ],
            "placement groups and dedicated hosts are not modelled",
        )?;
        let image_id = p.required_string("ImageId")?;
        let instance_type = p
            .string("InstanceType")
            .unwrap_or_else(|| DEFAULT_INSTANCE_TYPE.to_owned());
        let min_count = p
            .int("MinCount")?
            .ok_or_else(|| Ec2Error::MissingParameter("MinCount".into()))?;
        let max_count = p
            .int("MaxCount")?
            .ok_or_else(|| Ec2Error::MissingParameter("MaxCount".into()))?;
        if min_count < 1 {
            return Err(Ec2Error::InvalidParameterValue(format!(
                "Value ({min_count}) for parameter minCount is invalid. Expected a positive integer."
            )));
        }
        if max_count < min_count {
            return Err(Ec2Error::InvalidParameterValue(format!(
                "Value ({max_count}) for parameter maxCount is invalid. Expected a value greater than or equal to minCount ({min_count})."
            )));
        }
        let subnet_id = p.string("SubnetId");
        let group_ids = p.string_list("SecurityGroupId");
        let group_names = p.string_list("SecurityGroup");
        let private_ip = p
            .string("PrivateIpAddress")
            .map(|v| ipv4_address(&v))
            .transpose()?;
        let ipv6_count = p
            .int("Ipv6AddressCount")?
            .map(|n| non_negative(n, "Ipv6AddressCount"))
            .transpose()?;
        let mut ipv6_addresses: Vec<(Ipv6Addr, bool)> = Vec::new();
        for item in p.list("Ipv6Address") {
            let address = item.required_string("Ipv6Address")?;
            let primary = item.bool("IsPrimaryIpv6")?.unwrap_or(false);
            ipv6_addresses.push((ipv6_address(&address)?, primary));
        }
        let enable_primary_ipv6 = p.bool("EnablePrimaryIpv6")?.unwrap_or(false);
        let zone = placement.string("AvailabilityZone");
        let zone_id = placement.string("AvailabilityZoneId");
        let tenancy = placement.string("Tenancy");
        if let Some(t) = &tenancy {
            match t.as_str() {
                "default" | "dedicated" => {}
                "host" => {
                    return Err(Ec2Error::UnsupportedOperation(
                        "The parameter Placement.Tenancy=host is not supported by ec2-mock (dedicated hosts are not modelled)"
                            .into(),
                    ))
                }
                other => {
                    return Err(Ec2Error::InvalidParameterValue(format!(
                        "Value ({other}) for parameter tenancy is invalid. Valid values: default, dedicated, host"
                    )))
                }
            }
        }
        let mut interfaces = Vec::new();
        for spec in p.list("NetworkInterface") {
            interfaces.push(parse_launch_interface(&spec)?);
        }
        let (instance_tags, interface_tags) = parse_launch_tags(&p)?;
        let client_token = p.string("ClientToken");
        let key_name = p.string("KeyName");
        let ebs_optimized = p.bool("EbsOptimized")?.unwrap_or(false);
        let monitoring = p.structure("Monitoring").bool("Enabled")?.unwrap_or(false);
        let disable_api_termination = p.bool("DisableApiTermination")?.unwrap_or(false);
        let disable_api_stop = p.bool("DisableApiStop")?.unwrap_or(false);
        let shutdown_behavior = p.string("InstanceInitiatedShutdownBehavior");
        if let Some(b) = &shutdown_behavior {
            if b != "stop" && b != "terminate" {
                return Err(Ec2Error::InvalidParameterValue(format!(
                    "Value ({b}) for parameter instanceInitiatedShutdownBehavior is invalid. Valid values: stop, terminate"
                )));
            }
        }
        // The guest's own business: accepted, as EC2 accepts them, with nothing to run them.
        let _user_data = p.string("UserData");
        let _additional_info = p.string("AdditionalInfo");
        let _operator = p.structure("Operator").string("Principal");
        let options = parse_options(&p)?;
        let fingerprint = call.fingerprint(&["ClientToken", "DryRun"]);
        call.finish()?;

        if !interfaces.is_empty() {
            let combination = |what: &str| {
                Err(Ec2Error::InvalidParameterCombination(format!(
                    "Network interfaces and an instance-level {what} may not be specified on the same request"
                )))
            };
            if subnet_id.is_some() {
                return combination("subnet ID");
            }
            if !group_ids.is_empty() || !group_names.is_empty() {
                return combination("security groups");
            }
            if private_ip.is_some() {
                return combination("private IP address");
            }
            if ipv6_count.is_some() || !ipv6_addresses.is_empty() {
                return combination("IPv6 address");
            }
        }
        if private_ip.is_some() && max_count > 1 {
            return Err(Ec2Error::InvalidParameterCombination(
                "Cannot specify a private IP address when launching more than one instance".into(),
            ));
        }
        if ipv6_count.unwrap_or(0) > 0 && !ipv6_addresses.is_empty() {
            return Err(Ec2Error::InvalidParameterCombination(
                "Only one of Ipv6AddressCount and Ipv6Address can be specified".into(),
            ));
        }
        let primary = LaunchInterface {
            device_index: 0,
            interface: crate::model::network_interfaces::NewNetworkInterface {
                group_ids,
                primary_ip: private_ip,
                ipv6_addresses,
                ipv6_address_count: ipv6_count,
                enable_primary_ipv6,
                ..Default::default()
            },
            ..LaunchInterface::default()
        };
        let u32_count = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
        Ok(RunInstances {
            zone_id: zone_id.filter(|_| zone.is_none()),
            request: LaunchRequest {
                image_id,
                instance_type,
                min_count: u32_count(min_count),
                max_count: u32_count(max_count),
                subnet_id,
                group_names,
                zone,
                tenancy,
                interfaces,
                primary,
                instance_tags,
                interface_tags,
                client_token: client_token.map(|t| (t, fingerprint)),
                key_name,
                ebs_optimized,
                monitoring,
                disable_api_termination,
                disable_api_stop,
                shutdown_behavior,
                options,
            },
        })
    }

    fn render(r: &Reservation, w: &mut XmlWriter) {
        write_reservation_body(w, r, true);
    }
}

impl Write for RunInstances {
    fn write(mut self, world: &mut World) -> Ec2Result<Reservation> {
        if let Some(id) = &self.zone_id {
            let zone = world.region().zones.iter().find(|z| z.id == id.as_str());
            let zone = zone.ok_or_else(|| {
                Ec2Error::InvalidParameterValue(format!("Invalid availability zone: [{id}]"))
            })?;
            self.request.zone = Some(zone.name.to_owned());
        }
        // Instance-level group names are the groups of that name in the launch's VPC.
        if !self.request.group_names.is_empty() {
            let vpc = match &self.request.subnet_id {
                Some(s) => world.subnet(s)?.vpc_id,
                None => world.default_vpc().ok_or(Ec2Error::VpcIdNotSpecified)?.id,
            };
            for name in std::mem::take(&mut self.request.group_names) {
                let group = world
                    .security_groups()
                    .values()
                    .find(|g| g.vpc_id == vpc && g.name == name)
                    .ok_or(Ec2Error::GroupNameNotFound {
                        name: name.clone(),
                        vpc_id: vpc.to_string(),
                    })?;
                self.request
                    .primary
                    .interface
                    .group_ids
                    .push(group.id.to_string());
            }
        }
        let launched = world.run_instances(self.request)?;
        Ok(Reservation {
            reservation_id: launched.reservation_id,
            owner_id: world.account_id().to_owned(),
            instances: launched
                .instances
                .iter()
                .map(|i| world.instance_view(i))
                .collect(),
        })
    }
}

/// One `NetworkInterface.N`.
fn parse_launch_interface(spec: &Scope<'_>) -> Ec2Result<LaunchInterface> {
    refuse_unsupported(
        spec,
        &[
            "AssociateCarrierIpAddress",
            "EnaSrdSpecification",
            "EnaQueueCount",
        ],
        "Wavelength carrier addresses and ENA Express are not modelled",
    )?;
    let device_index = spec
        .int("DeviceIndex")?
        .ok_or_else(|| Ec2Error::MissingParameter(spec.wire_name("DeviceIndex")))?;
    let card = spec.int("NetworkCardIndex")?;
    let network_interface_id = spec.string("NetworkInterfaceId");
    let delete_on_termination = spec.bool("DeleteOnTermination")?;
    let associate_public_ip = spec.bool("AssociatePublicIpAddress")?;
    let subnet_id = spec.string("SubnetId").unwrap_or_default();
    let interface = parse_interface(spec, "PrimaryIpv6")?;
    let index = |n: i64, name: &str| {
        u32::try_from(n).map_err(|_| {
            Ec2Error::InvalidParameterValue(format!(
                "Value ({n}) for parameter {name} is invalid. The value must not be negative."
            ))
        })
    };
    if network_interface_id.is_some() {
        let creates = !subnet_id.is_empty()
            || interface.primary_ip.is_some()
            || !interface.secondary_ips.is_empty()
            || interface.secondary_ip_count > 0
            || !interface.group_ids.is_empty()
            || !interface.ipv6_addresses.is_empty()
            || interface.ipv6_address_count.is_some()
            || !interface.description.is_empty();
        if creates {
            return Err(Ec2Error::InvalidParameterCombination(
                "A network interface ID cannot be specified with the parameters of a new network interface"
                    .into(),
            ));
        }
    }
    let mut interface = interface;
    interface.subnet_id = subnet_id;
    Ok(LaunchInterface {
        device_index: index(device_index, "deviceIndex")?,
        network_card_index: card.map(|c| index(c, "networkCardIndex")).transpose()?,
        network_interface_id,
        delete_on_termination,
        associate_public_ip,
        interface,
    })
}

/// `TagSpecification.N` of RunInstances: tags for the instances and for the interfaces
/// made with them.
fn parse_launch_tags(p: &Scope<'_>) -> Ec2Result<(Vec<Tag>, Vec<Tag>)> {
    let mut instance = Vec::new();
    let mut interface = Vec::new();
    for spec in p.list("TagSpecification") {
        let kind = spec.string("ResourceType").unwrap_or_default();
        let into = match kind.as_str() {
            "instance" => &mut instance,
            "network-interface" => &mut interface,
            "volume" => {
                return Err(Ec2Error::UnsupportedOperation(
                    "The tag resource type volume is not supported by ec2-mock (EBS volumes are not modelled)"
                        .into(),
                ))
            }
            "" => {
                return Err(Ec2Error::InvalidParameterValue(
                    "Tag specification resource type must have a value".into(),
                ))
            }
            other => {
                return Err(Ec2Error::InvalidParameterValue(format!(
                    "'{other}' is not a valid taggable resource type for this operation."
                )))
            }
        };
        for tag in spec.list("Tag") {
            into.push(Tag {
                key: tag.string("Key").unwrap_or_default(),
                value: tag.string("Value").unwrap_or_default(),
            });
        }
    }
    Ok((instance, interface))
}

/// The options RunInstances records and shows back.
fn parse_options(p: &Scope<'_>) -> Ec2Result<InstanceOptions> {
    let mut o = InstanceOptions::default();
    let one_of =
        |value: Option<String>, param: &str, allowed: &[&str]| -> Ec2Result<Option<String>> {
            match value {
                Some(v) if !allowed.contains(&v.as_str()) => {
                    Err(Ec2Error::InvalidParameterValue(format!(
                        "Value ({v}) for parameter {param} is invalid. Valid values: {}",
                        allowed.join(", ")
                    )))
                }
                other => Ok(other),
            }
        };
    let m = p.structure("MetadataOptions");
    if let Some(v) = one_of(
        m.string("HttpTokens"),
        "HttpTokens",
        &["optional", "required"],
    )? {
        o.http_tokens = v;
    }
    if let Some(n) = m.int("HttpPutResponseHopLimit")? {
        if !(1..=64).contains(&n) {
            return Err(Ec2Error::InvalidParameterValue(format!(
                "Value ({n}) for parameter HttpPutResponseHopLimit is invalid. It must be between 1 and 64."
            )));
        }
        o.http_put_response_hop_limit = n;
    }
    if let Some(v) = one_of(
        m.string("HttpEndpoint"),
        "HttpEndpoint",
        &["enabled", "disabled"],
    )? {
        o.http_endpoint = v;
    }
    if let Some(v) = one_of(
        m.string("HttpProtocolIpv6"),
        "HttpProtocolIpv6",
        &["enabled", "disabled"],
    )? {
        o.http_protocol_ipv6 = v;
    }
    if let Some(v) = one_of(
        m.string("InstanceMetadataTags"),
        "InstanceMetadataTags",
        &["enabled", "disabled"],
    )? {
        o.instance_metadata_tags = v;
    }
    let cpu = p.structure("CpuOptions");
    o.core_count = cpu.int("CoreCount")?;
    o.threads_per_core = cpu.int("ThreadsPerCore")?;
    refuse_unsupported(
        &cpu,
        &["AmdSevSnp", "NestedVirtualization"],
        "CPU features are not modelled",
    )?;
    o.hibernation = p
        .structure("HibernationOptions")
        .bool("Configured")?
        .unwrap_or(false);
    o.enclave = p
        .structure("EnclaveOptions")
        .bool("Enabled")?
        .unwrap_or(false);
    let dns = p.structure("PrivateDnsNameOptions");
    if let Some(v) = one_of(
        dns.string("HostnameType"),
        "HostnameType",
        &["ip-name", "resource-name"],
    )? {
        o.hostname_type = v;
    }
    o.resource_name_dns_a = dns.bool("EnableResourceNameDnsARecord")?.unwrap_or(false);
    o.resource_name_dns_aaaa = dns
        .bool("EnableResourceNameDnsAAAARecord")?
        .unwrap_or(false);
    if let Some(v) = one_of(
        p.structure("MaintenanceOptions").string("AutoRecovery"),
        "AutoRecovery",
        &["disabled", "default"],
    )? {
        o.auto_recovery = v;
    }
    if let Some(v) = one_of(
        p.structure("NetworkPerformanceOptions")
            .string("BandwidthWeighting"),
        "BandwidthWeighting",
        &["default", "vpc-1", "ebs-1"],
    )? {
        o.bandwidth_weighting = v;
    }
    Ok(o)
}

pub struct DescribeInstances {
    query: Query,
}

impl Action for DescribeInstances {
    type Output = Found<InstanceView>;

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let p = call.root();
        let query = Query::parse(&p, "InstanceId")?;
        // No instance here is managed by an AWS service, so the flag changes nothing.
        let _include_managed = p.bool("IncludeManagedResources")?;
        call.finish()?;
        if !query.ids.is_empty() && query.page.max_results.is_some() {
            return Err(Ec2Error::InvalidParameterCombination(
                "The parameter instancesSet cannot be used with the parameter maxResults".into(),
            ));
        }
        Ok(DescribeInstances { query })
    }

    fn render(found: &Self::Output, w: &mut XmlWriter) {
        // One item per reservation, in the order their first instance comes.
        let mut reservations: Vec<(ReservationId, Vec<&InstanceView>)> = Vec::new();
        for view in &found.items {
            let r = view.instance.reservation_id;
            match reservations.iter_mut().find(|(id, _)| *id == r) {
                Some((_, list)) => list.push(view),
                None => reservations.push((r, vec![view])),
            }
        }
        w.list("reservationSet", &reservations, |w, (id, views)| {
            w.text("reservationId", id);
            w.text("ownerId", &views[0].instance.owner_id);
            w.text("groupSet", "");
            w.list("instancesSet", views, |w, v| write_instance(w, v, false));
        });
        w.opt("nextToken", found.next_token.as_deref());
    }
}

impl Read for DescribeInstances {
    fn read(self, world: &World) -> Ec2Result<Self::Output> {
        let now = world.now();
        self.query.run_keyed(world.instances(), |_, i| {
            (!i.expired_at(now)).then(|| world.instance_view(i))
        })
    }
}

fn write_reservation_body(w: &mut XmlWriter, r: &Reservation, just_launched: bool) {
    w.text("reservationId", r.reservation_id);
    w.text("ownerId", &r.owner_id);
    w.text("groupSet", "");
    w.list("instancesSet", &r.instances, |w, v| {
        write_instance(w, v, just_launched)
    });
}

fn write_state(w: &mut XmlWriter, name: &str, state: InstanceState) {
    w.node(name, |w| {
        w.text("code", state.code());
        w.text("name", state.name());
    });
}

/// One `instancesSet` item, elements in the order of the API reference's examples. A
/// launch's reply shows the state as stored (pending); later replies as settled.
fn write_instance(w: &mut XmlWriter, v: &InstanceView, just_launched: bool) {
    let i = &v.instance;
    let region = i.zone.region_name();
    let state = if just_launched { i.state } else { v.state };
    w.text("instanceId", i.id);
    w.text("imageId", i.image_id);
    write_state(w, "instanceState", state);
    let private_ip = v.private_ip();
    w.text(
        "privateDnsName",
        private_ip
            .map(|ip| private_dns_name(region, ip))
            .unwrap_or_default(),
    );
    w.text("dnsName", v.public_dns_name().unwrap_or_default());
    w.text("reason", &i.state_transition_reason);
    w.opt("keyName", i.key_name.as_deref());
    w.text("amiLaunchIndex", i.launch_index);
    w.text("productCodes", "");
    w.text("instanceType", &i.instance_type);
    w.text("launchTime", iso8601(i.launch_time));
    w.node("placement", |w| {
        w.text("availabilityZoneId", i.zone.id);
        w.text("groupName", "");
        w.text("tenancy", &i.tenancy);
        w.text("availabilityZone", i.zone.name);
    });
    w.node("monitoring", |w| {
        w.text("state", if i.monitoring { "enabled" } else { "disabled" });
    });
    w.text("subnetId", i.subnet_id);
    w.text("vpcId", i.vpc_id);
    w.opt("privateIpAddress", private_ip);
    w.opt("ipAddress", v.public_ip());
    if let Some(primary) = v.primary() {
        w.text("sourceDestCheck", primary.interface.source_dest_check);
    }
    let groups = v
        .primary()
        .map(|p| p.interface.groups.clone())
        .unwrap_or_default();
    w.list("groupSet", &groups, |w, g| {
        w.text("groupId", g.id);
        w.text("groupName", &g.name);
    });
    if let Some((code, message)) = i.state_reason {
        w.node("stateReason", |w| {
            w.text("code", code);
            w.text("message", message);
        });
    }
    w.text("architecture", &i.architecture);
    w.text("rootDeviceType", &i.root_device_type);
    w.text("rootDeviceName", &i.root_device_name);
    w.text("blockDeviceMapping", "");
    w.text("virtualizationType", &i.virtualization_type);
    w.opt("clientToken", i.client_token.as_deref());
    write_tag_set(w, &i.tags);
    w.text("hypervisor", "xen");
    w.list(
        "networkInterfaceSet",
        &v.interfaces,
        write_instance_interface,
    );
    w.text("ebsOptimized", i.ebs_optimized);
    w.text("enaSupport", true);
    let (cores, threads) = cpu(i.instance_type.as_str(), &i.options);
    w.node("cpuOptions", |w| {
        w.text("coreCount", cores);
        w.text("threadsPerCore", threads);
    });
    w.node("capacityReservationSpecification", |w| {
        w.text("capacityReservationPreference", "open");
    });
    w.node("hibernationOptions", |w| {
        w.text("configured", i.options.hibernation);
    });
    w.node("metadataOptions", |w| {
        w.text("state", "applied");
        w.text("httpTokens", &i.options.http_tokens);
        w.text(
            "httpPutResponseHopLimit",
            i.options.http_put_response_hop_limit,
        );
        w.text("httpEndpoint", &i.options.http_endpoint);
        w.text("httpProtocolIpv6", &i.options.http_protocol_ipv6);
        w.text("instanceMetadataTags", &i.options.instance_metadata_tags);
    });
    w.node("enclaveOptions", |w| {
        w.text("enabled", i.options.enclave);
    });
    w.text("platformDetails", &i.platform_details);
    w.text("usageOperation", "RunInstances");
    w.text("usageOperationUpdateTime", iso8601(i.launch_time));
    w.node("privateDnsNameOptions", |w| {
        w.text("hostnameType", &i.options.hostname_type);
        w.text(
            "enableResourceNameDnsARecord",
            i.options.resource_name_dns_a,
        );
        w.text(
            "enableResourceNameDnsAAAARecord",
            i.options.resource_name_dns_aaaa,
        );
    });
    w.opt(
        "ipv6Address",
        v.primary().and_then(|p| p.interface.ipv6_address()),
    );
    w.node("maintenanceOptions", |w| {
        w.text("autoRecovery", &i.options.auto_recovery);
    });
    w.text("currentInstanceBootMode", "legacy-bios");
    w.node("networkPerformanceOptions", |w| {
        w.text("bandwidthWeighting", &i.options.bandwidth_weighting);
    });
    w.node("operator", |w| {
        w.text("managed", false);
    });
}

/// The CPU options shown: the request's, else the type's (two threads per core where the
/// type has more than one vCPU).
fn cpu(instance_type: &str, options: &InstanceOptions) -> (i64, i64) {
    let vcpus = catalogue()
        .get(instance_type)
        .map_or(1, |t| i64::from(t.default_vcpus.max(1)));
    let default_threads = if vcpus > 1 { 2 } else { 1 };
    let threads = options.threads_per_core.unwrap_or(default_threads);
    let cores = options
        .core_count
        .unwrap_or((vcpus / threads.max(1)).max(1));
    (cores, threads)
}

/// One interface of an instance (the `InstanceNetworkInterface` shape: its public address
/// without the Elastic IP's IDs).
fn write_instance_interface(w: &mut XmlWriter, v: &InterfaceView) {
    let eni = &v.interface;
    let region = eni.zone.region_name();
    w.text("networkInterfaceId", eni.id);
    w.text("subnetId", eni.subnet_id);
    w.text("vpcId", eni.vpc_id);
    w.text("description", &eni.description);
    w.text("ownerId", &eni.owner_id);
    w.text("status", eni.status());
    w.text("macAddress", crate::model::ids::format_mac(eni.mac));
    if let Some(ip) = eni.primary_ip() {
        w.text("privateIpAddress", ip);
        w.text("privateDnsName", private_dns_name(region, ip));
    }
    w.text("sourceDestCheck", eni.source_dest_check);
    w.list("groupSet", &eni.groups, |w, g| {
        w.text("groupId", g.id);
        w.text("groupName", &g.name);
    });
    if let Some(a) = &eni.attachment {
        w.node("attachment", |w| {
            w.text("attachmentId", a.id);
            w.text("deviceIndex", a.device_index);
            w.text("status", "attached");
            w.text("attachTime", iso8601(a.attach_time));
            w.text("deleteOnTermination", a.delete_on_termination);
            w.text("networkCardIndex", a.network_card_index);
        });
    }
    if let Some(public) = eni.public_address() {
        w.node("association", |w| write_instance_association(w, v, &public));
    }
    w.list("privateIpAddressesSet", &eni.private_ips, |w, p| {
        w.text("privateIpAddress", p.address);
        w.text("privateDnsName", private_dns_name(region, p.address));
        w.text("primary", p.primary);
        if let Some(public) = &p.association {
            w.node("association", |w| write_instance_association(w, v, public));
        }
    });
    w.list("ipv6AddressesSet", &eni.ipv6_addresses, |w, a| {
        w.text("ipv6Address", a.address);
        w.text("isPrimaryIpv6", a.is_primary);
    });
    w.text("interfaceType", eni.interface_type.as_str());
    w.list("ipv4PrefixSet", &eni.ipv4_prefixes, |w, p| {
        w.text("ipv4Prefix", p);
    });
    w.list("ipv6PrefixSet", &eni.ipv6_prefixes, |w, p| {
        w.text("ipv6Prefix", p);
    });
    w.node("operator", |w| {
        w.text("managed", false);
    });
}

fn write_instance_association(w: &mut XmlWriter, v: &InterfaceView, public: &PublicAddress) {
    w.text("publicIp", public.public_ip);
    w.text(
        "publicDnsName",
        v.public_dns_name(public).unwrap_or_default(),
    );
    w.text("ipOwnerId", v.interface.ip_owner(public));
}

/// The instance IDs of a state-changing call (`InstanceId.N`, required).
fn instance_ids(p: &Scope<'_>) -> Ec2Result<Vec<String>> {
    let ids = p.string_list("InstanceId");
    if ids.is_empty() {
        return Err(Ec2Error::MissingParameter("InstanceId".into()));
    }
    Ok(ids)
}

fn write_changes(w: &mut XmlWriter, changes: &[StateChange]) {
    w.list("instancesSet", changes, |w, c| {
        w.text("instanceId", c.instance_id);
        write_state(w, "currentState", c.current);
        write_state(w, "previousState", c.previous);
    });
}

pub struct StopInstances {
    ids: Vec<String>,
    force: bool,
}

impl Action for StopInstances {
    type Output = Vec<StateChange>;

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let p = call.root();
        let ids = instance_ids(&p)?;
        let force = p.bool("Force")?.unwrap_or(false);
        if p.bool("Hibernate")? == Some(true) {
            return Err(Ec2Error::UnsupportedOperation(
                "The parameter Hibernate is not supported by ec2-mock (hibernation is not modelled)"
                    .into(),
            ));
        }
        let _skip_os_shutdown = p.bool("SkipOsShutdown")?;
        call.finish()?;
        Ok(StopInstances { ids, force })
    }

    fn render(changes: &Vec<StateChange>, w: &mut XmlWriter) {
        write_changes(w, changes);
    }
}

impl Write for StopInstances {
    fn write(self, world: &mut World) -> Ec2Result<Vec<StateChange>> {
        world.stop_instances(&self.ids, self.force)
    }
}

pub struct StartInstances {
    ids: Vec<String>,
}

impl Action for StartInstances {
    type Output = Vec<StateChange>;

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let p = call.root();
        let ids = instance_ids(&p)?;
        let _additional_info = p.string("AdditionalInfo");
        call.finish()?;
        Ok(StartInstances { ids })
    }

    fn render(changes: &Vec<StateChange>, w: &mut XmlWriter) {
        write_changes(w, changes);
    }
}

impl Write for StartInstances {
    fn write(self, world: &mut World) -> Ec2Result<Vec<StateChange>> {
        world.start_instances(&self.ids)
    }
}

pub struct TerminateInstances {
    ids: Vec<String>,
}

impl Action for TerminateInstances {
    type Output = Vec<StateChange>;

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let p = call.root();
        let ids = instance_ids(&p)?;
        let _force = p.bool("Force")?;
        let _skip_os_shutdown = p.bool("SkipOsShutdown")?;
        call.finish()?;
        Ok(TerminateInstances { ids })
    }

    fn render(changes: &Vec<StateChange>, w: &mut XmlWriter) {
        write_changes(w, changes);
    }
}

impl Write for TerminateInstances {
    fn write(self, world: &mut World) -> Ec2Result<Vec<StateChange>> {
        world.terminate_instances(&self.ids)
    }
}

pub struct RebootInstances {
    ids: Vec<String>,
}

impl Action for RebootInstances {
    type Output = ();

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let ids = instance_ids(&call.root())?;
        call.finish()?;
        Ok(RebootInstances { ids })
    }

    fn render(_: &(), w: &mut XmlWriter) {
        write_return(w);
    }
}

impl Write for RebootInstances {
    fn write(self, world: &mut World) -> Ec2Result<()> {
        world.reboot_instances(&self.ids)
    }
}

pub struct DescribeInstanceStatus {
    query: Query,
}

/// An instance as DescribeInstanceStatus shows it: running ones pass their checks; the
/// others have none to run (`not-applicable`).
#[derive(Debug, Clone)]
pub struct StatusView {
    view: InstanceView,
}

impl StatusView {
    fn status(&self) -> &'static str {
        if self.view.state == InstanceState::Running {
            "ok"
        } else {
            "not-applicable"
        }
    }

    fn reachability(&self) -> &'static str {
        if self.view.state == InstanceState::Running {
            "passed"
        } else {
            "insufficient-data"
        }
    }
}

impl crate::model::filters::Filterable for StatusView {
    const FILTER_NAMES: &'static [&'static str] = &[
        "availability-zone",
        "availability-zone-id",
        "event.code",
        "event.description",
        "event.instance-event-id",
        "event.not-after",
        "event.not-before",
        "event.not-before-deadline",
        "instance-state-code",
        "instance-state-name",
        "instance-status.reachability",
        "instance-status.status",
        "attached-ebs-status.status",
        "system-status.reachability",
        "system-status.status",
        "operator.managed",
        "operator.principal",
    ];

    fn tags(&self) -> &crate::model::tags::Tags {
        &self.view.instance.tags
    }

    fn filter_values(&self, name: &str) -> Vec<String> {
        match name {
            "availability-zone" => vec![self.view.instance.zone.name.into()],
            "availability-zone-id" => vec![self.view.instance.zone.id.into()],
            "instance-state-code" => vec![self.view.state.code().to_string()],
            "instance-state-name" => vec![self.view.state.name().into()],
            "instance-status.status" | "system-status.status" => vec![self.status().into()],
            "instance-status.reachability" | "system-status.reachability" => {
                vec![self.reachability().into()]
            }
            "attached-ebs-status.status" => vec!["not-applicable".into()],
            "operator.managed" => vec!["false".into()],
            // No scheduled events, no operators.
            _ => Vec::new(),
        }
    }
}

impl Action for DescribeInstanceStatus {
    type Output = Found<StatusView>;

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let p = call.root();
        let query = Query::parse(&p, "InstanceId")?;
        let include_all = p.bool("IncludeAllInstances")?.unwrap_or(false);
        let _include_managed = p.bool("IncludeManagedResources")?;
        call.finish()?;
        let mut query = query;
        if !include_all {
            // Without IncludeAllInstances only running instances are shown, named or not.
            query.filters.push(crate::model::filters::Filter {
                name: "instance-state-name".into(),
                values: vec!["running".into()],
            });
        }
        Ok(DescribeInstanceStatus { query })
    }

    fn render(found: &Self::Output, w: &mut XmlWriter) {
        found.render(w, "instanceStatusSet", |w, s| {
            let i = &s.view.instance;
            w.text("instanceId", i.id);
            w.text("availabilityZone", i.zone.name);
            w.text("availabilityZoneId", i.zone.id);
            w.text("eventsSet", "");
            write_state(w, "instanceState", s.view.state);
            for check in ["systemStatus", "instanceStatus"] {
                w.node(check, |w| {
                    w.text("status", s.status());
                    w.list("details", [()], |w, _| {
                        w.text("name", "reachability");
                        w.text("status", s.reachability());
                    });
                });
            }
            w.node("attachedEbsStatus", |w| {
                w.text("status", "not-applicable");
            });
            w.node("operator", |w| {
                w.text("managed", false);
            });
        });
    }
}

impl Read for DescribeInstanceStatus {
    fn read(self, world: &World) -> Ec2Result<Self::Output> {
        let now = world.now();
        self.query.run_keyed(world.instances(), |_, i| {
            (!i.expired_at(now)).then(|| StatusView {
                view: world.instance_view(i),
            })
        })
    }
}
