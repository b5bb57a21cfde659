//! Instances: RunInstances with the interfaces it creates or takes, the state machine
//! (pending → running, stopping → stopped, shutting-down → terminated), and Stop, Start,
//! Reboot and Terminate with what each does to interfaces and public addresses.
//!
//! Only what an instance means to the network is modelled: its type (whose limits its
//! interfaces live by, `model::attachments`), its image, zone, subnet, interfaces and
//! addresses. There is no guest: no volumes, no console, no metadata service.
//!
//! A state that EC2 passes through (pending, stopping, shutting-down) is stored with the
//! request that began it and settles at the next request to the world: the reply of the
//! request that began it shows the passing state, any later one the settled state, whatever
//! the clock (so SDK waiters succeed at their first poll, and a stepping clock changes
//! nothing). What a transition does to the network (interfaces deleted or detached at
//! termination, public addresses given back at stop) is done when it begins, so nothing
//! changes behind a reader's back. A terminated instance stays visible for
//! [`TERMINATED_VISIBLE`] of world time, as in EC2.

use std::net::Ipv4Addr;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use crate::error::{Ec2Error, Ec2Result};
use crate::model::clock::{gmt_text, iso8601};
use crate::model::filters::Filterable;
use crate::model::ids::{
    ImageId, InstanceId, NetworkInterfaceId, ReservationId, ResourceId, SubnetId, VpcId,
};
use crate::model::instance_types::{catalogue, InstanceType};
use crate::model::network_interfaces::{InterfaceView, NewNetworkInterface};
use crate::model::random::Stream;
use crate::model::regions::Zone;
use crate::model::subnets::Subnet;
use crate::model::tags::{Tag, Tags};
use crate::model::world::{draw_id, private_dns_name};
use crate::model::World;

/// How long a terminated instance stays in DescribeInstances ("about an hour").
pub const TERMINATED_VISIBLE: Duration = Duration::from_secs(3600);
/// The instance type RunInstances launches when none is given (the API reference's default).
pub const DEFAULT_INSTANCE_TYPE: &str = "m1.small";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstanceState {
    Pending,
    Running,
    ShuttingDown,
    Terminated,
    Stopping,
    Stopped,
}

impl InstanceState {
    /// The state's code (the low byte EC2 documents; the high byte is always 0 here).
    pub fn code(self) -> u16 {
        match self {
            InstanceState::Pending => 0,
            InstanceState::Running => 16,
            InstanceState::ShuttingDown => 32,
            InstanceState::Terminated => 48,
            InstanceState::Stopping => 64,
            InstanceState::Stopped => 80,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            InstanceState::Pending => "pending",
            InstanceState::Running => "running",
            InstanceState::ShuttingDown => "shutting-down",
            InstanceState::Terminated => "terminated",
            InstanceState::Stopping => "stopping",
            InstanceState::Stopped => "stopped",
        }
    }

    /// Where a passing state ends.
    fn settled(self) -> InstanceState {
        match self {
            InstanceState::Pending => InstanceState::Running,
            InstanceState::Stopping => InstanceState::Stopped,
            InstanceState::ShuttingDown => InstanceState::Terminated,
            other => other,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Instance {
    pub id: InstanceId,
    pub reservation_id: ReservationId,
    pub owner_id: String,
    pub image_id: ImageId,
    pub instance_type: String,
    pub zone: &'static Zone,
    pub subnet_id: SubnetId,
    pub vpc_id: VpcId,
    /// Its position among the instances of its launch (`amiLaunchIndex`).
    pub launch_index: u32,
    pub launch_time: SystemTime,
    /// The state as last changed, when, and by which of the world's requests (see
    /// [`Instance::state_at`]).
    pub state: InstanceState,
    pub state_since: SystemTime,
    pub state_tick: u64,
    /// Why it last stopped or terminated (`stateReason` code and message, `reason` text).
    pub state_reason: Option<(&'static str, &'static str)>,
    pub state_transition_reason: String,
    /// Its interfaces, primary first (device 0 of the default card), each attached to it.
    pub interfaces: Vec<NetworkInterfaceId>,
    /// Whether its primary interface gets a public address EC2 owns while it runs.
    pub public_ip_on_launch: bool,
    pub architecture: String,
    pub virtualization_type: String,
    pub root_device_type: String,
    pub root_device_name: String,
    pub platform_details: String,
    pub key_name: Option<String>,
    pub client_token: Option<String>,
    pub tenancy: String,
    pub ebs_optimized: bool,
    pub monitoring: bool,
    pub disable_api_termination: bool,
    pub disable_api_stop: bool,
    /// `stop` or `terminate`: what an OS shutdown does.
    pub shutdown_behavior: String,
    pub options: InstanceOptions,
    pub tags: Tags,
}

/// Launch options EC2 records and shows back (`metadataOptions`, `cpuOptions`, …) without
/// their meaning anything to the network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceOptions {
    pub http_tokens: String,
    pub http_put_response_hop_limit: i64,
    pub http_endpoint: String,
    pub http_protocol_ipv6: String,
    pub instance_metadata_tags: String,
    /// `None`: the type's defaults.
    pub core_count: Option<i64>,
    pub threads_per_core: Option<i64>,
    pub hibernation: bool,
    pub enclave: bool,
    pub hostname_type: String,
    pub resource_name_dns_a: bool,
    pub resource_name_dns_aaaa: bool,
    pub auto_recovery: String,
    pub bandwidth_weighting: String,
}

impl Default for InstanceOptions {
    /// What RunInstances gives an instance when the request does not say.
    fn default() -> Self {
        InstanceOptions {
            http_tokens: "optional".into(),
            http_put_response_hop_limit: 1,
            http_endpoint: "enabled".into(),
            http_protocol_ipv6: "disabled".into(),
            instance_metadata_tags: "disabled".into(),
            core_count: None,
            threads_per_core: None,
            hibernation: false,
            enclave: false,
            hostname_type: "ip-name".into(),
            resource_name_dns_a: false,
            resource_name_dns_aaaa: false,
            auto_recovery: "default".into(),
            bandwidth_weighting: "default".into(),
        }
    }
}

impl crate::model::tagging::Tagged for Instance {
    fn tags(&self) -> &Tags {
        &self.tags
    }
    fn tags_mut(&mut self) -> &mut Tags {
        &mut self.tags
    }
}

impl Instance {
    /// The state a reader sees in the world's request `tick`: a passing state has settled by
    /// any request after the one that began it.
    pub fn state_at(&self, tick: u64) -> InstanceState {
        if tick > self.state_tick {
            self.state.settled()
        } else {
            self.state
        }
    }

    /// Whether it is gone from DescribeInstances at `now` (terminated long enough ago).
    pub fn expired_at(&self, now: SystemTime) -> bool {
        self.state.settled() == InstanceState::Terminated
            && now >= self.state_since + TERMINATED_VISIBLE
    }

    /// The primary interface (device 0), if it still has one (a terminated instance has none).
    pub fn primary_interface(&self) -> Option<NetworkInterfaceId> {
        self.interfaces.first().copied()
    }
}

/// One `NetworkInterface.N` of RunInstances, or the instance-level parameters that stand for
/// the primary interface when none is given.
#[derive(Debug, Clone, Default)]
pub struct LaunchInterface {
    pub device_index: u32,
    pub network_card_index: Option<u32>,
    /// An existing, available interface to attach instead of creating one.
    pub network_interface_id: Option<String>,
    pub delete_on_termination: Option<bool>,
    pub associate_public_ip: Option<bool>,
    /// The interface to create, as CreateNetworkInterface would (its `subnet_id` empty: the
    /// launch's subnet).
    pub interface: NewNetworkInterface,
}

/// What RunInstances asks for, after the action layer checked the stateless rules.
#[derive(Debug, Clone, Default)]
pub struct LaunchRequest {
    pub image_id: String,
    pub instance_type: String,
    pub min_count: u32,
    pub max_count: u32,
    /// The instance-level subnet; with `interfaces` empty, where the primary interface goes.
    pub subnet_id: Option<String>,
    /// `SecurityGroup.N`: group names, looked up in the subnet's VPC.
    pub group_names: Vec<String>,
    pub zone: Option<String>,
    pub tenancy: Option<String>,
    /// `NetworkInterface.N`; empty: one primary interface from the instance-level parameters
    /// in `primary`.
    pub interfaces: Vec<LaunchInterface>,
    pub primary: LaunchInterface,
    pub instance_tags: Vec<Tag>,
    pub interface_tags: Vec<Tag>,
    /// The client token and a fingerprint of the request it came with.
    pub client_token: Option<(String, String)>,
    pub key_name: Option<String>,
    pub ebs_optimized: bool,
    pub monitoring: bool,
    pub disable_api_termination: bool,
    pub disable_api_stop: bool,
    pub shutdown_behavior: Option<String>,
    pub options: InstanceOptions,
}

/// What RunInstances launched (or, for a repeated client token, launched before).
#[derive(Debug, Clone)]
pub struct Launched {
    pub reservation_id: ReservationId,
    pub instances: Vec<Arc<Instance>>,
}

/// A client token of RunInstances: the request it came with and what it launched.
#[derive(Debug, Clone)]
pub struct LaunchTokenRecord {
    pub fingerprint: String,
    pub reservation_id: ReservationId,
    pub instances: Vec<InstanceId>,
}

/// One instance's state change, as Start/Stop/TerminateInstances answer it.
#[derive(Debug, Clone, Copy)]
pub struct StateChange {
    pub instance_id: InstanceId,
    pub previous: InstanceState,
    pub current: InstanceState,
}

/// The looked-up type, or EC2's answer for a name it does not have.
pub fn instance_type(name: &str) -> Ec2Result<&'static InstanceType> {
    catalogue().get(name).ok_or_else(|| {
        Ec2Error::InvalidParameterValue(format!("Invalid value '{name}' for InstanceType."))
    })
}

impl World {
    pub fn instance(&self, id: &str) -> Ec2Result<&Arc<Instance>> {
        let id = InstanceId::parse(id)?;
        match self.instances.get(&id) {
            Some(i) if !i.expired_at(self.now()) => Ok(i),
            _ => Err(id.not_found()),
        }
    }

    pub fn instances(&self) -> &crate::model::table::Table<InstanceId, Instance> {
        &self.instances
    }

    /// The instances a reader may see now (those terminated over an hour ago are gone).
    pub fn visible_instances(&self) -> impl Iterator<Item = &Arc<Instance>> {
        let now = self.now();
        self.instances.values().filter(move |i| !i.expired_at(now))
    }

    /// RunInstances: `max_count` instances if the subnet has the addresses, else as many as
    /// it has if that is at least `min_count`, each with its interfaces attached.
    pub fn run_instances(&mut self, req: LaunchRequest) -> Ec2Result<Launched> {
        self.purge_expired_instances();
        if let Some((token, fingerprint)) = &req.client_token {
            if let Some(record) = self.launch_tokens.get(token.as_str()).cloned() {
                if &record.fingerprint != fingerprint {
                    return Err(Ec2Error::IdempotentParameterMismatch(
                        "Arguments on this idempotent request are inconsistent with arguments used in previous request(s)."
                            .into(),
                    ));
                }
                let instances = record
                    .instances
                    .iter()
                    .filter_map(|id| self.instances.get(id).cloned())
                    .collect();
                return Ok(Launched {
                    reservation_id: record.reservation_id,
                    instances,
                });
            }
        }
        let itype = instance_type(&req.instance_type)?;
        let image = self.image(&req.image_id)?.clone();
        let mut specs = req.interfaces.clone();
        if specs.is_empty() {
            let mut primary = req.primary.clone();
            primary.interface.subnet_id = req.subnet_id.clone().unwrap_or_default();
            specs.push(primary);
        }
        specs.sort_by_key(|s| (s.network_card_index.unwrap_or(0), s.device_index));
        if !specs.iter().any(|s| s.device_index == 0) {
            return Err(Ec2Error::InvalidParameterValue(
                "When specifying network interfaces, you must include a device at index 0.".into(),
            ));
        }
        let subnet = self.launch_subnet(&specs[0], req.zone.as_deref())?;
        if let Some(zone) = &req.zone {
            if zone != subnet.zone.name {
                return Err(Ec2Error::InvalidParameterValue(format!(
                    "Value ({zone}) for parameter availabilityZone is invalid. Subnet '{}' is in the availability zone {}",
                    subnet.id, subnet.zone.name
                )));
            }
        }
        self.check_launch_interfaces(itype, &specs)?;
        let multiple = specs.len() > 1;
        if multiple && specs.iter().any(|s| s.associate_public_ip == Some(true)) {
            return Err(Ec2Error::InvalidParameterCombination(
                "The associatePublicIPAddress parameter cannot be specified when launching with multiple network interfaces."
                    .into(),
            ));
        }
        let public_ip_on_launch = !multiple
            && specs[0].network_interface_id.is_none()
            && specs[0]
                .associate_public_ip
                .unwrap_or(subnet.map_public_ip_on_launch);

        let count = self.launchable_count(&req, &specs, &subnet)?;
        let reservation_id: ReservationId = draw_id(&mut self.streams, |_| false);
        let now = self.now();
        let mut instance_tags = Tags::default();
        instance_tags.set_all(&req.instance_tags)?;
        let mut launched = Vec::with_capacity(count as usize);
        for launch_index in 0..count {
            let id: InstanceId = draw_id(&mut self.streams, |id| self.instances.contains(id));
            let instance = Instance {
                id,
                reservation_id,
                owner_id: self.account_id.clone(),
                image_id: image.id,
                instance_type: itype.name.clone(),
                zone: subnet.zone,
                subnet_id: subnet.id,
                vpc_id: subnet.vpc_id,
                launch_index,
                launch_time: now,
                state: InstanceState::Pending,
                state_since: now,
                state_tick: self.ticks(),
                state_reason: None,
                state_transition_reason: String::new(),
                interfaces: Vec::new(),
                public_ip_on_launch,
                architecture: image.architecture.clone(),
                virtualization_type: image.virtualization_type.clone(),
                root_device_type: image.root_device_type.clone(),
                root_device_name: image.root_device_name.clone(),
                platform_details: image.platform_details.clone(),
                key_name: req.key_name.clone(),
                client_token: req.client_token.as_ref().map(|(t, _)| t.clone()),
                tenancy: req.tenancy.clone().unwrap_or_else(|| "default".into()),
                ebs_optimized: req.ebs_optimized,
                monitoring: req.monitoring,
                disable_api_termination: req.disable_api_termination,
                disable_api_stop: req.disable_api_stop,
                shutdown_behavior: req
                    .shutdown_behavior
                    .clone()
                    .unwrap_or_else(|| "stop".into()),
                options: req.options.clone(),
                tags: instance_tags.clone(),
            };
            self.instances.insert(id, instance);
            for spec in &specs {
                let eni = match &spec.network_interface_id {
                    Some(existing) => self.network_interface(existing)?.id,
                    None => self.launch_interface(spec, &subnet, &req.interface_tags)?,
                };
                // DeleteOnTermination: true for an interface made at launch unless the
                // request says otherwise; an existing one cannot have it (RunInstances: "You
                // can specify true only if creating a new network interface").
                let delete_on_termination = match (&spec.network_interface_id, spec.delete_on_termination) {
                    (Some(_), Some(true)) => {
                        return Err(Ec2Error::InvalidParameterCombination(
                            "DeleteOnTermination can be true only for a network interface created at launch."
                                .into(),
                        ))
                    }
                    (Some(_), _) => false,
                    (None, d) => d.unwrap_or(true),
                };
                let card = spec
                    .network_card_index
                    .unwrap_or(itype.network.default_network_card_index);
                self.attach(
                    eni,
                    id,
                    spec.device_index,
                    card,
                    delete_on_termination,
                    itype,
                )?;
            }
            if public_ip_on_launch {
                self.assign_launch_public_ip(id)?;
            }
            launched.push(id);
        }
        if let Some((token, fingerprint)) = &req.client_token {
            self.launch_tokens.insert(
                token.clone(),
                LaunchTokenRecord {
                    fingerprint: fingerprint.clone(),
                    reservation_id,
                    instances: launched.clone(),
                },
            );
        }
        Ok(Launched {
            reservation_id,
            instances: launched
                .iter()
                .filter_map(|id| self.instances.get(id).cloned())
                .collect(),
        })
    }

    /// The subnet the primary interface goes in: the spec's (or its existing interface's),
    /// else a default subnet (in `zone`, if given), as RunInstances documents.
    fn launch_subnet(
        &mut self,
        primary: &LaunchInterface,
        zone: Option<&str>,
    ) -> Ec2Result<Arc<Subnet>> {
        if let Some(eni) = &primary.network_interface_id {
            let eni = self.network_interface(eni)?;
            return self.subnets.fetch(&eni.subnet_id);
        }
        if !primary.interface.subnet_id.is_empty() {
            return Ok(self.subnet(&primary.interface.subnet_id)?.clone());
        }
        let defaults: Vec<Arc<Subnet>> = self
            .subnets
            .values()
            .filter(|s| s.default_for_az)
            .filter(|s| zone.is_none_or(|z| s.zone.name == z))
            .cloned()
            .collect();
        if let Some(zone) = zone {
            if !self.region.zones.iter().any(|z| z.name == zone) {
                return Err(Ec2Error::InvalidParameterValue(format!(
                    "Invalid availability zone: [{zone}]"
                )));
            }
        }
        if !defaults.is_empty() {
            use rand::Rng;
            // "If you don't specify a subnet ID, we choose a default subnet from your default
            // VPC for you": one of them, from the placement stream.
            let i = self.rng(Stream::Placement).gen_range(0..defaults.len());
            return Ok(defaults[i].clone());
        }
        match defaults.first() {
            Some(first) => Ok(first.clone()),
            None if self.default_vpc().is_none() => Err(Ec2Error::VpcIdNotSpecified),
            None => Err(Ec2Error::InvalidParameterValue(
                "No default subnet for the availability zone; specify a subnet".into(),
            )),
        }
    }

    /// The type's limits on the interfaces of one launch: how many, on which cards, and how
    /// many addresses each asks for.
    fn check_launch_interfaces(
        &self,
        itype: &InstanceType,
        specs: &[LaunchInterface],
    ) -> Ec2Result<()> {
        let net = &itype.network;
        // Launching with more interfaces than the type takes is not pinned by the docs; it
        // is the attach limit, so it answers as an attach beyond it does.
        if specs.len() as u32 > net.maximum_network_interfaces {
            return Err(Ec2Error::AttachmentLimitExceeded(format!(
                "Interface count {} exceeds the limit for {}",
                specs.len(),
                itype.name
            )));
        }
        for (i, spec) in specs.iter().enumerate() {
            let card = spec
                .network_card_index
                .unwrap_or(net.default_network_card_index);
            if itype.card(card).is_none() {
                return Err(Ec2Error::InvalidParameterValue(format!(
                    "Network card index {card} is not valid for instance type {}",
                    itype.name
                )));
            }
            if specs[..i].iter().any(|o| {
                o.device_index == spec.device_index
                    && o.network_card_index
                        .unwrap_or(net.default_network_card_index)
                        == card
            }) {
                return Err(Ec2Error::InvalidParameterValue(format!(
                    "Each network interface requires a unique device index; {} is given twice.",
                    spec.device_index
                )));
            }
            if spec.network_interface_id.is_none() {
                let n = &spec.interface;
                let v4 = n.secondary_ips.len()
                    + n.secondary_ip_count
                    + n.ipv4_prefixes.len()
                    + n.ipv4_prefix_count
                    + 1;
                if v4 as u32 > net.ipv4_addresses_per_interface {
                    return Err(Ec2Error::InterfaceAddressLimitExceeded(format!(
                        "The number of private IP addresses ({v4}) for a network interface exceeds the limit for the type of instance you are trying to launch ({})",
                        itype.name
                    )));
                }
                let v6 = n.ipv6_addresses.len()
                    + n.ipv6_address_count.unwrap_or(0)
                    + n.ipv6_prefixes.len()
                    + n.ipv6_prefix_count;
                if v6 > 0 && !net.ipv6_supported {
                    return Err(Ec2Error::InvalidParameterCombination(format!(
                        "IPv6 is not supported for the instance type '{}'.",
                        itype.name
                    )));
                }
                if v6 as u32 > net.ipv6_addresses_per_interface {
                    return Err(Ec2Error::InterfaceAddressLimitExceeded(format!(
                        "The number of IPv6 addresses ({v6}) for a network interface exceeds the limit for the type of instance you are trying to launch ({})",
                        itype.name
                    )));
                }
            }
        }
        Ok(())
    }

    /// How many instances one launch can start: `max_count`, or fewer (but at least
    /// `min_count`) when the subnets have addresses for fewer.
    fn launchable_count(
        &self,
        req: &LaunchRequest,
        specs: &[LaunchInterface],
        subnet: &Subnet,
    ) -> Ec2Result<u32> {
        if req.max_count > 1 && specs.iter().any(|s| s.network_interface_id.is_some()) {
            return Err(Ec2Error::InvalidParameterCombination(
                "An existing network interface can be attached to one instance only; launch it with MaxCount 1."
                    .into(),
            ));
        }
        let mut per_instance = 0u64;
        for spec in specs.iter().filter(|s| s.network_interface_id.is_none()) {
            let n = &spec.interface;
            let in_launch_subnet = n.subnet_id.is_empty() || n.subnet_id == subnet.id.to_string();
            if in_launch_subnet {
                per_instance += 1
                    + (n.secondary_ips.len() + n.secondary_ip_count) as u64
                    + 16 * (n.ipv4_prefixes.len() + n.ipv4_prefix_count) as u64;
            }
        }
        let free = self
            .ipv4_pools
            .get(&subnet.id)
            .map_or(0, |p| u64::from(p.available()));
        let fits = free
            .checked_div(per_instance)
            .unwrap_or(u64::from(req.max_count));
        let count = fits.min(u64::from(req.max_count)) as u32;
        if count < req.min_count {
            return Err(Ec2Error::InsufficientFreeAddressesInSubnet);
        }
        Ok(count)
    }

    /// Creates one interface of a launch through CreateNetworkInterface's own operation.
    fn launch_interface(
        &mut self,
        spec: &LaunchInterface,
        launch_subnet: &Subnet,
        tags: &[Tag],
    ) -> Ec2Result<NetworkInterfaceId> {
        let mut request = spec.interface.clone();
        if request.subnet_id.is_empty() {
            request.subnet_id = launch_subnet.id.to_string();
        }
        request.tags = tags.to_vec();
        let eni = self.create_network_interface(request)?.interface;
        if eni.zone.name != launch_subnet.zone.name {
            return Err(Ec2Error::InvalidParameterCombination(
                "You may not attach a network interface to an instance if they are not in the same availability zone"
                    .into(),
            ));
        }
        Ok(eni.id)
    }

    /// Stops instances: running (or stopped) ones; the others are refused, all or nothing.
    pub fn stop_instances(&mut self, ids: &[String], force: bool) -> Ec2Result<Vec<StateChange>> {
        let _ = force;
        let tick = self.ticks();
        let instances = self.instances_named(ids)?;
        for i in &instances {
            match i.state_at(tick) {
                InstanceState::Running | InstanceState::Stopping | InstanceState::Stopped => {}
                InstanceState::Pending => {
                    return Err(Ec2Error::IncorrectInstanceState(format!(
                        "The instance '{}' is not in a state from which it can be stopped. It has never reached the 'running' state.",
                        i.id
                    )))
                }
                _ => {
                    return Err(Ec2Error::IncorrectInstanceState(format!(
                        "This instance '{}' is not in a state from which it can be stopped.",
                        i.id
                    )))
                }
            }
            if i.disable_api_stop {
                return Err(Ec2Error::OperationNotPermitted(format!(
                    "The instance '{}' may not be stopped. Modify its 'disableApiStop' instance attribute and try again.",
                    i.id
                )));
            }
        }
        let mut changes = Vec::with_capacity(instances.len());
        for i in instances {
            let previous = i.state_at(tick);
            let current = if previous == InstanceState::Running {
                self.release_launch_public_ip(i.id);
                self.set_state(
                    i.id,
                    InstanceState::Stopping,
                    Some((
                        "Client.UserInitiatedShutdown",
                        "Client.UserInitiatedShutdown: User initiated shutdown",
                    )),
                );
                InstanceState::Stopping
            } else {
                previous
            };
            changes.push(StateChange {
                instance_id: i.id,
                previous,
                current,
            });
        }
        Ok(changes)
    }

    /// Starts stopped instances (running ones are left as they are).
    pub fn start_instances(&mut self, ids: &[String]) -> Ec2Result<Vec<StateChange>> {
        let tick = self.ticks();
        let instances = self.instances_named(ids)?;
        for i in &instances {
            if matches!(
                i.state_at(tick),
                InstanceState::ShuttingDown | InstanceState::Terminated | InstanceState::Stopping
            ) {
                return Err(Ec2Error::IncorrectInstanceState(format!(
                    "The instance '{}' is not in a state from which it can be started.",
                    i.id
                )));
            }
        }
        let mut changes = Vec::with_capacity(instances.len());
        for i in instances {
            let previous = i.state_at(tick);
            let current = if previous == InstanceState::Stopped {
                self.set_state(i.id, InstanceState::Pending, None);
                if i.public_ip_on_launch {
                    self.assign_launch_public_ip(i.id)?;
                }
                InstanceState::Pending
            } else {
                previous
            };
            changes.push(StateChange {
                instance_id: i.id,
                previous,
                current,
            });
        }
        Ok(changes)
    }

    /// Reboots running instances; nothing about the network changes.
    pub fn reboot_instances(&mut self, ids: &[String]) -> Ec2Result<()> {
        let tick = self.ticks();
        for i in self.instances_named(ids)? {
            if matches!(
                i.state_at(tick),
                InstanceState::ShuttingDown | InstanceState::Terminated
            ) {
                return Err(Ec2Error::IncorrectInstanceState(format!(
                    "The instance '{}' is not in a state from which it can be rebooted.",
                    i.id
                )));
            }
        }
        Ok(())
    }

    /// Terminates instances: each interface is deleted (DeleteOnTermination) or detached,
    /// public addresses are given back, Elastic IPs disassociated; terminating a terminated
    /// instance changes nothing. One instance that may not be terminated stops them all.
    pub fn terminate_instances(&mut self, ids: &[String]) -> Ec2Result<Vec<StateChange>> {
        let tick = self.ticks();
        let instances = self.instances_named(ids)?;
        if let Some(i) = instances.iter().find(|i| i.disable_api_termination) {
            return Err(Ec2Error::OperationNotPermitted(format!(
                "The instance '{}' may not be terminated. Modify its 'disableApiTermination' instance attribute and try again.",
                i.id
            )));
        }
        let mut changes = Vec::with_capacity(instances.len());
        for i in instances {
            let previous = i.state_at(tick);
            if matches!(
                previous,
                InstanceState::ShuttingDown | InstanceState::Terminated
            ) {
                changes.push(StateChange {
                    instance_id: i.id,
                    previous,
                    current: previous,
                });
                continue;
            }
            self.release_launch_public_ip(i.id);
            for eni in i.interfaces.iter().rev() {
                let delete = self
                    .network_interfaces
                    .get(eni)
                    .and_then(|e| e.attachment)
                    .is_some_and(|a| a.delete_on_termination);
                self.detach(*eni)?;
                if delete {
                    self.delete_network_interface(&eni.to_string())?;
                }
            }
            self.set_state(
                i.id,
                InstanceState::ShuttingDown,
                Some((
                    "Client.UserInitiatedShutdown",
                    "Client.UserInitiatedShutdown: User initiated shutdown",
                )),
            );
            changes.push(StateChange {
                instance_id: i.id,
                previous,
                current: InstanceState::ShuttingDown,
            });
        }
        Ok(changes)
    }

    /// The instances `ids` names, each once, in order; any unknown one is refused.
    fn instances_named(&self, ids: &[String]) -> Ec2Result<Vec<Arc<Instance>>> {
        let mut out: Vec<Arc<Instance>> = Vec::with_capacity(ids.len());
        for id in ids {
            let i = self.instance(id)?;
            if !out.iter().any(|o| o.id == i.id) {
                out.push(i.clone());
            }
        }
        Ok(out)
    }

    fn set_state(
        &mut self,
        id: InstanceId,
        state: InstanceState,
        reason: Option<(&'static str, &'static str)>,
    ) {
        let now = self.now();
        let tick = self.ticks();
        self.instances.update(&id, |i| {
            i.state = state;
            i.state_since = now;
            i.state_tick = tick;
            if let Some((code, message)) = reason {
                i.state_reason = Some((code, message));
                i.state_transition_reason = format!("User initiated ({})", gmt_text(now));
            } else {
                i.state_reason = None;
                i.state_transition_reason = String::new();
            }
        });
    }

    /// Forgets instances terminated long enough ago, so their IDs leave the tables.
    pub(in crate::model) fn purge_expired_instances(&mut self) {
        let now = self.now();
        let expired: Vec<InstanceId> = self
            .instances
            .values()
            .filter(|i| i.expired_at(now))
            .map(|i| i.id)
            .collect();
        for id in expired {
            self.instances.remove(&id);
        }
    }
}

/// An instance as a reader sees it now: its settled state and its interfaces.
#[derive(Debug, Clone)]
pub struct InstanceView {
    pub instance: Arc<Instance>,
    pub state: InstanceState,
    /// Attached interfaces, primary first.
    pub interfaces: Vec<InterfaceView>,
}

impl InstanceView {
    pub fn primary(&self) -> Option<&InterfaceView> {
        self.interfaces.first()
    }

    /// The public address of the primary interface's primary private address.
    pub fn public_ip(&self) -> Option<Ipv4Addr> {
        self.primary()
            .and_then(|v| v.interface.public_address())
            .map(|a| a.public_ip)
    }

    /// The public DNS name, when the VPC gives public addresses one.
    pub fn public_dns_name(&self) -> Option<String> {
        let primary = self.primary()?;
        primary
            .interface
            .public_address()
            .and_then(|a| primary.public_dns_name(&a))
    }

    pub fn private_ip(&self) -> Option<Ipv4Addr> {
        self.primary().and_then(|v| v.interface.primary_ip())
    }
}

impl World {
    pub fn instance_view(&self, instance: &Arc<Instance>) -> InstanceView {
        InstanceView {
            instance: instance.clone(),
            state: instance.state_at(self.ticks()),
            interfaces: instance
                .interfaces
                .iter()
                .filter_map(|id| self.network_interfaces.get(id))
                .map(|eni| self.interface_view(eni))
                .collect(),
        }
    }
}

/// The `network-interface.` filters of DescribeInstances, each answered by the interface's
/// own filter of the same name (`None`: answered here).
const INTERFACE_FILTERS: &[(&str, Option<&str>)] = &[
    (
        "network-interface.addresses.association.allocation-id",
        None,
    ),
    (
        "network-interface.addresses.association.association-id",
        None,
    ),
    ("network-interface.addresses.association.carrier-ip", None),
    (
        "network-interface.addresses.association.customer-owned-ip",
        None,
    ),
    (
        "network-interface.addresses.association.ip-owner-id",
        Some("addresses.association.owner-id"),
    ),
    (
        "network-interface.addresses.association.public-dns-name",
        None,
    ),
    (
        "network-interface.addresses.association.public-ip",
        Some("addresses.association.public-ip"),
    ),
    (
        "network-interface.addresses.primary",
        Some("addresses.primary"),
    ),
    ("network-interface.addresses.private-dns-name", None),
    (
        "network-interface.addresses.private-ip-address",
        Some("addresses.private-ip-address"),
    ),
    (
        "network-interface.association.allocation-id",
        Some("association.allocation-id"),
    ),
    (
        "network-interface.association.association-id",
        Some("association.association-id"),
    ),
    ("network-interface.association.carrier-ip", None),
    ("network-interface.association.customer-owned-ip", None),
    (
        "network-interface.association.ip-owner-id",
        Some("association.ip-owner-id"),
    ),
    (
        "network-interface.association.public-dns-name",
        Some("association.public-dns-name"),
    ),
    (
        "network-interface.association.public-ip",
        Some("association.public-ip"),
    ),
    (
        "network-interface.attachment.attach-time",
        Some("attachment.attach-time"),
    ),
    (
        "network-interface.attachment.attachment-id",
        Some("attachment.attachment-id"),
    ),
    (
        "network-interface.attachment.delete-on-termination",
        Some("attachment.delete-on-termination"),
    ),
    (
        "network-interface.attachment.device-index",
        Some("attachment.device-index"),
    ),
    (
        "network-interface.attachment.instance-id",
        Some("attachment.instance-id"),
    ),
    (
        "network-interface.attachment.instance-owner-id",
        Some("attachment.instance-owner-id"),
    ),
    ("network-interface.attachment.network-card-index", None),
    (
        "network-interface.attachment.status",
        Some("attachment.status"),
    ),
    (
        "network-interface.availability-zone",
        Some("availability-zone"),
    ),
    ("network-interface.deny-all-igw-traffic", None),
    ("network-interface.description", Some("description")),
    ("network-interface.group-id", Some("group-id")),
    ("network-interface.group-name", Some("group-name")),
    (
        "network-interface.ipv4-prefixes.ipv4-prefix",
        Some("ipv4-prefix"),
    ),
    ("network-interface.ipv6-address", Some("ipv6-address")),
    (
        "network-interface.ipv6-addresses.ipv6-address",
        Some("ipv6-addresses.ipv6-address"),
    ),
    ("network-interface.ipv6-addresses.is-primary-ipv6", None),
    ("network-interface.ipv6-native", None),
    (
        "network-interface.ipv6-prefixes.ipv6-prefix",
        Some("ipv6-prefix"),
    ),
    ("network-interface.mac-address", Some("mac-address")),
    (
        "network-interface.network-interface-id",
        Some("network-interface-id"),
    ),
    (
        "network-interface.operator.managed",
        Some("operator.managed"),
    ),
    (
        "network-interface.operator.principal",
        Some("operator.principal"),
    ),
    ("network-interface.outpost-arn", None),
    ("network-interface.owner-id", Some("owner-id")),
    (
        "network-interface.private-dns-name",
        Some("private-dns-name"),
    ),
    (
        "network-interface.private-ip-address",
        Some("private-ip-address"),
    ),
    (
        "network-interface.public-dns-name",
        Some("association.public-dns-name"),
    ),
    ("network-interface.requester-id", Some("requester-id")),
    (
        "network-interface.requester-managed",
        Some("requester-managed"),
    ),
    (
        "network-interface.source-dest-check",
        Some("source-dest-check"),
    ),
    ("network-interface.status", Some("status")),
    ("network-interface.subnet-id", Some("subnet-id")),
    ("network-interface.tag-key", None),
    ("network-interface.tag-value", None),
    ("network-interface.vpc-id", Some("vpc-id")),
];

impl Filterable for InstanceView {
    const FILTER_NAMES: &'static [&'static str] = &[
        "affinity",
        "architecture",
        "availability-zone",
        "availability-zone-id",
        "block-device-mapping.attach-time",
        "block-device-mapping.delete-on-termination",
        "block-device-mapping.device-name",
        "block-device-mapping.status",
        "block-device-mapping.volume-id",
        "boot-mode",
        "capacity-reservation-id",
        "capacity-reservation-specification.capacity-reservation-preference",
        "capacity-reservation-specification.capacity-reservation-target.capacity-reservation-id",
        "capacity-reservation-specification.capacity-reservation-target.capacity-reservation-resource-group-arn",
        "client-token",
        "current-instance-boot-mode",
        "dns-name",
        "ebs-optimized",
        "ena-support",
        "enclave-options.enabled",
        "hibernation-options.configured",
        "host-id",
        "hypervisor",
        "iam-instance-profile.arn",
        "iam-instance-profile.id",
        "image-id",
        "instance-id",
        "instance-lifecycle",
        "instance-state-code",
        "instance-state-name",
        "instance-type",
        "instance.group-id",
        "instance.group-name",
        "ip-address",
        "ipv6-address",
        "kernel-id",
        "key-name",
        "launch-index",
        "launch-time",
        "maintenance-options.auto-recovery",
        "metadata-options.http-endpoint",
        "metadata-options.http-protocol-ipv4",
        "metadata-options.http-protocol-ipv6",
        "metadata-options.http-put-response-hop-limit",
        "metadata-options.http-tokens",
        "metadata-options.instance-metadata-tags",
        "metadata-options.state",
        "monitoring-state",
        "network-interface.addresses.association.allocation-id",
        "network-interface.addresses.association.association-id",
        "network-interface.addresses.association.carrier-ip",
        "network-interface.addresses.association.customer-owned-ip",
        "network-interface.addresses.association.ip-owner-id",
        "network-interface.addresses.association.public-dns-name",
        "network-interface.addresses.association.public-ip",
        "network-interface.addresses.primary",
        "network-interface.addresses.private-dns-name",
        "network-interface.addresses.private-ip-address",
        "network-interface.association.allocation-id",
        "network-interface.association.association-id",
        "network-interface.association.carrier-ip",
        "network-interface.association.customer-owned-ip",
        "network-interface.association.ip-owner-id",
        "network-interface.association.public-dns-name",
        "network-interface.association.public-ip",
        "network-interface.attachment.attach-time",
        "network-interface.attachment.attachment-id",
        "network-interface.attachment.delete-on-termination",
        "network-interface.attachment.device-index",
        "network-interface.attachment.instance-id",
        "network-interface.attachment.instance-owner-id",
        "network-interface.attachment.network-card-index",
        "network-interface.attachment.status",
        "network-interface.availability-zone",
        "network-interface.deny-all-igw-traffic",
        "network-interface.description",
        "network-interface.group-id",
        "network-interface.group-name",
        "network-interface.ipv4-prefixes.ipv4-prefix",
        "network-interface.ipv6-address",
        "network-interface.ipv6-addresses.ipv6-address",
        "network-interface.ipv6-addresses.is-primary-ipv6",
        "network-interface.ipv6-native",
        "network-interface.ipv6-prefixes.ipv6-prefix",
        "network-interface.mac-address",
        "network-interface.network-interface-id",
        "network-interface.operator.managed",
        "network-interface.operator.principal",
        "network-interface.outpost-arn",
        "network-interface.owner-id",
        "network-interface.private-dns-name",
        "network-interface.private-ip-address",
        "network-interface.public-dns-name",
        "network-interface.requester-id",
        "network-interface.requester-managed",
        "network-interface.source-dest-check",
        "network-interface.status",
        "network-interface.subnet-id",
        "network-interface.tag-key",
        "network-interface.tag-value",
        "network-interface.vpc-id",
        "network-performance-options.bandwidth-weighting",
        "operator.managed",
        "operator.principal",
        "outpost-arn",
        "owner-id",
        "placement-group-name",
        "placement-partition-number",
        "platform",
        "platform-details",
        "private-dns-name",
        "private-dns-name-options.enable-resource-name-dns-a-record",
        "private-dns-name-options.enable-resource-name-dns-aaaa-record",
        "private-dns-name-options.hostname-type",
        "private-ip-address",
        "product-code",
        "product-code.type",
        "ramdisk-id",
        "reason",
        "requester-id",
        "reservation-id",
        "root-device-name",
        "root-device-type",
        "source-dest-check",
        "spot-instance-request-id",
        "state-reason-code",
        "state-reason-message",
        "subnet-id",
        "tenancy",
        "tpm-support",
        "usage-operation",
        "usage-operation-update-time",
        "virtualization-type",
        "vpc-id",
    ];

    fn tags(&self) -> &Tags {
        &self.instance.tags
    }

    fn filter_values(&self, name: &str) -> Vec<String> {
        let i = &self.instance;
        let one = |s: String| vec![s];
        let primary = self.primary();
        if let Some((_, own)) = INTERFACE_FILTERS.iter().find(|(n, _)| *n == name) {
            return match own {
                Some(own) => self
                    .interfaces
                    .iter()
                    .flat_map(|v| v.filter_values(own))
                    .collect(),
                None => match name {
                    "network-interface.tag-key" => self
                        .interfaces
                        .iter()
                        .flat_map(|v| v.interface.tags.iter().map(|t| t.key.clone()))
                        .collect(),
                    "network-interface.tag-value" => self
                        .interfaces
                        .iter()
                        .flat_map(|v| v.interface.tags.iter().map(|t| t.value.clone()))
                        .collect(),
                    "network-interface.attachment.network-card-index" => self
                        .interfaces
                        .iter()
                        .filter_map(|v| v.interface.attachment)
                        .map(|a| a.network_card_index.to_string())
                        .collect(),
                    "network-interface.ipv6-native" | "network-interface.deny-all-igw-traffic" => {
                        self.interfaces.iter().map(|_| "false".to_owned()).collect()
                    }
                    _ => Vec::new(),
                },
            };
        }
        match name {
            "architecture" => one(i.architecture.clone()),
            "availability-zone" => one(i.zone.name.into()),
            "availability-zone-id" => one(i.zone.id.into()),
            "client-token" => i.client_token.iter().cloned().collect(),
            "dns-name" => self.public_dns_name().into_iter().collect(),
            "ebs-optimized" => one(i.ebs_optimized.to_string()),
            "ena-support" | "enclave-options.enabled" | "hibernation-options.configured" => {
                one((name == "ena-support").to_string())
            }
            "hypervisor" => one("xen".into()),
            "image-id" => one(i.image_id.to_string()),
            "instance-id" => one(i.id.to_string()),
            "instance-state-code" => one(self.state.code().to_string()),
            "instance-state-name" => one(self.state.name().into()),
            "instance-type" => one(i.instance_type.clone()),
            "instance.group-id" => primary
                .map(|v| {
                    v.interface
                        .groups
                        .iter()
                        .map(|g| g.id.to_string())
                        .collect()
                })
                .unwrap_or_default(),
            "instance.group-name" => primary
                .map(|v| v.interface.groups.iter().map(|g| g.name.clone()).collect())
                .unwrap_or_default(),
            "ip-address" => self
                .public_ip()
                .map(|ip| ip.to_string())
                .into_iter()
                .collect(),
            "ipv6-address" => primary
                .and_then(|v| v.interface.ipv6_address())
                .map(|a| a.to_string())
                .into_iter()
                .collect(),
            "key-name" => i.key_name.iter().cloned().collect(),
            "launch-index" => one(i.launch_index.to_string()),
            "launch-time" => one(iso8601(i.launch_time)),
            "maintenance-options.auto-recovery" => one("default".into()),
            "metadata-options.http-endpoint" | "metadata-options.http-protocol-ipv4" => {
                one("enabled".into())
            }
            "metadata-options.http-protocol-ipv6" | "metadata-options.instance-metadata-tags" => {
                one("disabled".into())
            }
            "metadata-options.http-put-response-hop-limit" => one("1".into()),
            "metadata-options.http-tokens" => one("optional".into()),
            "metadata-options.state" => one("applied".into()),
            "monitoring-state" => one(if i.monitoring { "enabled" } else { "disabled" }.into()),
            "network-performance-options.bandwidth-weighting" => one("default".into()),
            "operator.managed" => one("false".into()),
            "owner-id" => one(i.owner_id.clone()),
            "platform-details" => one(i.platform_details.clone()),
            "private-dns-name" => self
                .private_ip()
                .map(|ip| private_dns_name(i.zone.region_name(), ip))
                .into_iter()
                .collect(),
            "private-dns-name-options.hostname-type" => one("ip-name".into()),
            "private-dns-name-options.enable-resource-name-dns-a-record"
            | "private-dns-name-options.enable-resource-name-dns-aaaa-record" => {
                one("false".into())
            }
            "private-ip-address" => self
                .private_ip()
                .map(|ip| ip.to_string())
                .into_iter()
                .collect(),
            "reason" => one(i.state_transition_reason.clone()),
            "requester-id" => Vec::new(),
            "reservation-id" => one(i.reservation_id.to_string()),
            "root-device-name" => one(i.root_device_name.clone()),
            "root-device-type" => one(i.root_device_type.clone()),
            "source-dest-check" => primary
                .map(|v| v.interface.source_dest_check.to_string())
                .into_iter()
                .collect(),
            "state-reason-code" => i
                .state_reason
                .map(|(c, _)| c.to_owned())
                .into_iter()
                .collect(),
            "state-reason-message" => i
                .state_reason
                .map(|(_, m)| m.to_owned())
                .into_iter()
                .collect(),
            "subnet-id" => one(i.subnet_id.to_string()),
            "tenancy" => one(i.tenancy.clone()),
            "usage-operation" => one("RunInstances".into()),
            "usage-operation-update-time" => one(iso8601(i.launch_time)),
            "virtualization-type" => one(i.virtualization_type.clone()),
            "vpc-id" => one(i.vpc_id.to_string()),
            // Valid names of what ec2-mock has none of (volumes, hosts, spot, Outposts…).
            _ => Vec::new(),
        }
    }
}
