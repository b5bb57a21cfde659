//! Instances over HTTP: RunInstances and its interfaces, the state machine, attachment with
//! the instance type's limits, and what termination does to interfaces and addresses.
//! Each expectation names the rule of `ec2-rules/instances-attach-eip.md` it pins (R1–R30).

use crate::support::{east, id, list, net, v4s, Net, Node, Reply};

/// The image the interim catalogue serves in every region.
const AMI: &str = "ami-0b5eea76982371e91";

impl Net {
    async fn run(&self, params: &[(&str, &str)]) -> Reply {
        let mut all = vec![("ImageId", AMI), ("MinCount", "1"), ("MaxCount", "1")];
        all.extend_from_slice(params);
        self.call("RunInstances", &all).await
    }

    /// Launches one instance of `itype` in the world's subnet; returns its item.
    async fn launch(&self, itype: &str) -> Node {
        let subnet = self.subnet.clone();
        let r = self
            .run(&[("InstanceType", itype), ("SubnetId", &subnet)])
            .await;
        r.ok().items("instancesSet")[0].clone()
    }

    async fn instance(&self, id: &str) -> Node {
        let r = self
            .call("DescribeInstances", &[("InstanceId.1", id)])
            .await;
        let reservations = r.ok().items("reservationSet");
        assert_eq!(reservations.len(), 1, "{}", r.body);
        reservations[0].items("instancesSet")[0].clone()
    }

    async fn attach(&self, eni: &str, instance: &str, index: &str) -> Reply {
        self.call(
            "AttachNetworkInterface",
            &[
                ("NetworkInterfaceId", eni),
                ("InstanceId", instance),
                ("DeviceIndex", index),
            ],
        )
        .await
    }
}

fn state(item: &Node) -> String {
    item.child("instanceState")
        .expect("instanceState")
        .get("name")
}

#[tokio::test]
async fn a_launch_makes_its_primary_interface_attached_at_device_0() {
    let n = east().await;
    let item = n.launch("t3.micro").await;
    // The launch reply shows the state it began; the next request sees it settled.
    assert_eq!(state(&item), "pending");
    let instance = item.get("instanceId");
    assert!(instance.starts_with("i-"), "{instance}");
    let enis = item.items("networkInterfaceSet");
    assert_eq!(enis.len(), 1);
    let eni = enis[0];
    let attachment = eni.child("attachment").expect("attachment");
    // R1: device 0, DeleteOnTermination true, in-use, in the subnet, the VPC's default group.
    assert_eq!(attachment.get("deviceIndex"), "0");
    assert_eq!(attachment.get("deleteOnTermination"), "true");
    assert_eq!(eni.get("status"), "in-use");
    assert_eq!(eni.get("subnetId"), n.subnet);
    assert_eq!(eni.text("groupId"), n.default_sg);
    assert_eq!(item.get("privateIpAddress"), eni.get("privateIpAddress"));

    let described = n.instance(&instance).await;
    assert_eq!(state(&described), "running");
    // The interface is a network interface like any other.
    let d = n.describe_one(&eni.get("networkInterfaceId")).await;
    assert_eq!(d.get("status"), "in-use");
    let a = d.child("attachment").expect("attachment");
    assert_eq!(a.get("instanceId"), instance);
    assert_eq!(a.get("instanceOwnerId"), "123456789012");
    assert_eq!(a.get("status"), "attached");
    n.check().await;
}

#[tokio::test]
async fn run_instances_checks_image_type_and_counts() {
    let n = east().await;
    let subnet = n.subnet.clone();
    // R6: an unknown or malformed image.
    n.call(
        "RunInstances",
        &[
            ("ImageId", "ami-12345678"),
            ("MinCount", "1"),
            ("MaxCount", "1"),
        ],
    )
    .await
    .err400("InvalidAMIID.NotFound");
    n.call(
        "RunInstances",
        &[("ImageId", "ami-xyz"), ("MinCount", "1"), ("MaxCount", "1")],
    )
    .await
    .err400("InvalidAMIID.Malformed");
    n.run(&[("InstanceType", "t9.gigantic"), ("SubnetId", &subnet)])
        .await
        .err400("InvalidParameterValue");
    n.call("RunInstances", &[("ImageId", AMI), ("MaxCount", "1")])
        .await
        .err400("MissingParameter");
    n.call(
        "RunInstances",
        &[("ImageId", AMI), ("MinCount", "3"), ("MaxCount", "2")],
    )
    .await
    .err400("InvalidParameterValue");
    // MaxCount instances in one reservation, each with its launch index.
    let r = n
        .call(
            "RunInstances",
            &[
                ("ImageId", AMI),
                ("MinCount", "2"),
                ("MaxCount", "3"),
                ("InstanceType", "t3.micro"),
                ("SubnetId", &subnet),
            ],
        )
        .await;
    let items = r.ok().items("instancesSet");
    assert_eq!(items.len(), 3);
    let indexes: Vec<String> = items.iter().map(|i| i.get("amiLaunchIndex")).collect();
    assert_eq!(indexes, ["0", "1", "2"]);
    let all = n.call("DescribeInstances", &[]).await;
    assert_eq!(all.ok().items("reservationSet").len(), 1);
    n.check().await;
}

#[tokio::test]
async fn network_interfaces_and_instance_level_parameters_do_not_mix() {
    let n = east().await;
    let subnet = n.subnet.clone();
    // R3, in EC2's words.
    let msg = n
        .run(&[
            ("SubnetId", &subnet),
            ("NetworkInterface.1.DeviceIndex", "0"),
            ("NetworkInterface.1.SubnetId", &subnet),
        ])
        .await
        .err400("InvalidParameterCombination");
    assert!(msg.contains("subnet ID"), "{msg}");
    let sg = n.default_sg.clone();
    n.run(&[
        ("SecurityGroupId.1", &sg),
        ("NetworkInterface.1.DeviceIndex", "0"),
        ("NetworkInterface.1.SubnetId", &subnet),
    ])
    .await
    .err400("InvalidParameterCombination");
    // R4: one address cannot go to several instances.
    n.call(
        "RunInstances",
        &[
            ("ImageId", AMI),
            ("MinCount", "1"),
            ("MaxCount", "2"),
            ("SubnetId", &subnet),
            ("PrivateIpAddress", "10.0.1.20"),
        ],
    )
    .await
    .err400("InvalidParameterCombination");
    n.check().await;
}

#[tokio::test]
async fn a_launch_with_more_secondaries_than_the_type_allows_launches_nothing() {
    let n = east().await;
    let subnet = n.subnet.clone();
    let before = n.available(&subnet).await;
    // R7: t3.medium takes 6 IPv4 addresses per interface; 1 + 6 is one too many.
    n.run(&[
        ("InstanceType", "t3.medium"),
        ("NetworkInterface.1.DeviceIndex", "0"),
        ("NetworkInterface.1.SubnetId", &subnet),
        ("NetworkInterface.1.SecondaryPrivateIpAddressCount", "6"),
    ])
    .await
    .err400("InvalidInterface.IpAddressLimitExceeded");
    assert_eq!(n.available(&subnet).await, before);
    let none = n.call("DescribeInstances", &[]).await;
    assert!(none.ok().items("reservationSet").is_empty());
    // 1 + 5 fits.
    let r = n
        .run(&[
            ("InstanceType", "t3.medium"),
            ("NetworkInterface.1.DeviceIndex", "0"),
            ("NetworkInterface.1.SubnetId", &subnet),
            ("NetworkInterface.1.SecondaryPrivateIpAddressCount", "5"),
        ])
        .await;
    let eni = r.ok().items("instancesSet")[0].items("networkInterfaceSet")[0].clone();
    assert_eq!(list(&eni, "privateIpAddressesSet").len(), 6);
    n.check().await;
}

#[tokio::test]
async fn attachment_follows_the_instance_types_limits() {
    let n = east().await;
    let instance = n.launch("t3.medium").await.get("instanceId");
    // R16: AttachNetworkInterface leaves DeleteOnTermination false.
    let a = id(&n.eni(&[]).await);
    let r = n.attach(&a, &instance, "1").await;
    let attachment = r.ok().text("attachmentId");
    assert!(attachment.starts_with("eni-attach-"), "{attachment}");
    assert_eq!(r.ok().text("networkCardIndex"), "0");
    let d = n.describe_one(&a).await;
    assert_eq!(
        d.child("attachment").unwrap().get("deleteOnTermination"),
        "false"
    );
    // R12: device index in use.
    let b = id(&n.eni(&[]).await);
    let msg = n
        .attach(&b, &instance, "1")
        .await
        .err400("InvalidParameterValue");
    assert_eq!(
        msg,
        format!("Instance '{instance}' already has an interface attached at device index '1'.")
    );
    // R13: an interface attached elsewhere.
    n.attach(&a, &instance, "2")
        .await
        .err400("InvalidNetworkInterface.InUse");
    n.attach(&b, &instance, "2").await.ok();
    // R8: t3.medium takes 3 interfaces.
    let c = id(&n.eni(&[]).await);
    let msg = n
        .attach(&c, &instance, "3")
        .await
        .err400("AttachmentLimitExceeded");
    assert_eq!(msg, "Interface count 4 exceeds the limit for t3.medium");
    // R9: an interface holding more addresses than the type allows per interface (6).
    let other = n.launch("t3.medium").await.get("instanceId");
    let big = id(&n.eni(&[("SecondaryPrivateIpAddressCount", "6")]).await);
    n.attach(&big, &other, "1")
        .await
        .err400("InvalidInterface.IpAddressLimitExceeded");
    n.check().await;
}

#[tokio::test]
async fn an_interface_attaches_only_in_its_instances_zone() {
    let n = east().await;
    let instance = n.launch("m5.large").await.get("instanceId");
    let vpc = n.vpc.clone();
    let (elsewhere, _) = n.add_subnet(&vpc, "10.0.9.0/24", "us-east-1b", None).await;
    let eni = id(&crate::support::eni_of(&n.create_in(&elsewhere, &[]).await));
    // R14.
    let msg = n
        .attach(&eni, &instance, "1")
        .await
        .err400("InvalidParameterCombination");
    assert!(msg.contains("same availability zone"), "{msg}");
    n.check().await;
}

#[tokio::test]
async fn the_primary_interface_never_detaches_and_attached_ones_are_not_deleted() {
    let n = east().await;
    let item = n.launch("m5.large").await;
    let instance = item.get("instanceId");
    let primary = item.items("networkInterfaceSet")[0].clone();
    let primary_attachment = primary.child("attachment").unwrap().get("attachmentId");
    // R17, in EC2's words.
    let msg = n
        .call(
            "DetachNetworkInterface",
            &[("AttachmentId", &primary_attachment), ("Force", "true")],
        )
        .await
        .err400("OperationNotPermitted");
    assert_eq!(
        msg,
        "The network interface at device index 0 and networkCard index 0 cannot be detached."
    );
    // R19: deleting an attached interface, primary or not.
    let primary_id = primary.get("networkInterfaceId");
    let msg = n.delete(&primary_id).await.err400("InvalidParameterValue");
    assert_eq!(
        msg,
        format!("Network interface '{primary_id}' is currently in use.")
    );
    let second = id(&n.eni(&[]).await);
    let attachment = n
        .attach(&second, &instance, "1")
        .await
        .ok()
        .text("attachmentId");
    n.delete(&second).await.err400("InvalidParameterValue");
    // R18: a detached interface keeps its addresses and is available again.
    let before = v4s(&n.describe_one(&second).await);
    n.call("DetachNetworkInterface", &[("AttachmentId", &attachment)])
        .await
        .ok();
    let d = n.describe_one(&second).await;
    assert_eq!(d.get("status"), "available");
    assert!(d.child("attachment").is_none());
    assert_eq!(v4s(&d), before);
    n.delete(&second).await.ok();
    n.call("DetachNetworkInterface", &[("AttachmentId", &attachment)])
        .await
        .err400("InvalidAttachmentID.NotFound");
    n.call(
        "DetachNetworkInterface",
        &[("AttachmentId", "eni-attach-x")],
    )
    .await
    .err400("InvalidNetworkInterfaceAttachmentId.Malformed");
    n.check().await;
}

#[tokio::test]
async fn attached_interfaces_count_addresses_against_the_type() {
    let n = east().await;
    let instance = n.launch("m5.large").await.get("instanceId");
    // R10/R11: m5.large takes 10 IPv4 addresses per interface, primary and /28 prefixes
    // included. Unattached, the same interface may hold more.
    let eni = id(&n.eni(&[("SecondaryPrivateIpAddressCount", "8")]).await);
    n.attach(&eni, &instance, "1").await.ok();
    let assign = |count: &'static str| {
        let eni = eni.clone();
        let n = &n;
        async move {
            n.call(
                "AssignPrivateIpAddresses",
                &[
                    ("NetworkInterfaceId", eni.as_str()),
                    ("SecondaryPrivateIpAddressCount", count),
                ],
            )
            .await
        }
    };
    let before = n.available(&n.subnet).await;
    let msg = assign("2").await.err400("PrivateIpAddressLimitExceeded");
    assert_eq!(msg, "Number of private addresses will exceed limit.");
    assert_eq!(n.available(&n.subnet).await, before, "nothing assigned");
    assign("1").await.ok();
    n.call(
        "AssignPrivateIpAddresses",
        &[
            ("NetworkInterfaceId", eni.as_str()),
            ("Ipv4PrefixCount", "1"),
        ],
    )
    .await
    .err400("PrivateIpAddressLimitExceeded");
    assert_eq!(v4s(&n.describe_one(&eni).await).len(), 10);
    n.check().await;
}

#[tokio::test]
async fn the_vpc_cni_sequence_on_an_m5_large() {
    // The AWS VPC CNI's AllocENI and pool growth (ec2-rules §4): create with limit − 1
    // secondaries and its tags, find the lowest free device index, attach, set
    // DeleteOnTermination, grow until the limit, attach until the limit, detach, delete.
    let n = east().await;
    let instance = n.launch("m5.large").await.get("instanceId");
    let limit = 10;
    let mut created = Vec::new();
    let mut attachment_of = Vec::new();
    loop {
        let secondaries = (limit - 1).to_string();
        let eni = n
            .eni(&[
                ("Description", "aws-K8S-i-node"),
                ("SecondaryPrivateIpAddressCount", &secondaries),
                ("TagSpecification.1.ResourceType", "network-interface"),
                (
                    "TagSpecification.1.Tag.1.Key",
                    "node.k8s.amazonaws.com/instance_id",
                ),
                ("TagSpecification.1.Tag.1.Value", &instance),
            ])
            .await;
        let eni = id(&eni);
        created.push(eni.clone());
        let described = n.instance(&instance).await;
        let used: Vec<u32> = described
            .items("networkInterfaceSet")
            .iter()
            .map(|i| {
                i.child("attachment")
                    .unwrap()
                    .get("deviceIndex")
                    .parse()
                    .unwrap()
            })
            .collect();
        let free = (0..).find(|i| !used.contains(i)).unwrap().to_string();
        let r = n.attach(&eni, &instance, &free).await;
        if r.code().as_deref() == Some("AttachmentLimitExceeded") {
            // The CNI deletes the interface it could not attach.
            n.delete(&eni).await.ok();
            created.pop();
            break;
        }
        let attachment = r.ok().text("attachmentId");
        n.call(
            "ModifyNetworkInterfaceAttribute",
            &[
                ("NetworkInterfaceId", eni.as_str()),
                ("Attachment.AttachmentId", attachment.as_str()),
                ("Attachment.DeleteOnTermination", "true"),
            ],
        )
        .await
        .ok();
        // Full already: one more is refused, and the CNI re-reads the interface.
        n.call(
            "AssignPrivateIpAddresses",
            &[
                ("NetworkInterfaceId", eni.as_str()),
                ("SecondaryPrivateIpAddressCount", "1"),
            ],
        )
        .await
        .err400("PrivateIpAddressLimitExceeded");
        attachment_of.push(attachment);
    }
    // m5.large: 3 interfaces, the primary among them.
    assert_eq!(created.len(), 2);
    let tagged = n
        .find(&[(
            "tag:node.k8s.amazonaws.com/instance_id",
            &[instance.as_str()],
        )])
        .await;
    assert_eq!(tagged.len(), 2);
    for (eni, attachment) in created.iter().zip(&attachment_of) {
        let d = n.describe_one(eni).await;
        assert_eq!(
            d.child("attachment").unwrap().get("deleteOnTermination"),
            "true"
        );
        n.call("DetachNetworkInterface", &[("AttachmentId", attachment)])
            .await
            .ok();
        n.delete(eni).await.ok();
    }
    n.check().await;
}

#[tokio::test]
async fn termination_deletes_or_detaches_interfaces_by_delete_on_termination() {
    let n = east().await;
    let item = n.launch("m5.large").await;
    let instance = item.get("instanceId");
    let primary = item.items("networkInterfaceSet")[0].get("networkInterfaceId");
    let kept = id(&n.eni(&[]).await);
    n.attach(&kept, &instance, "1").await.ok();
    let before = n.available(&n.subnet).await;
    let r = n
        .call("TerminateInstances", &[("InstanceId.1", &instance)])
        .await;
    let change = &r.ok().items("instancesSet")[0];
    assert_eq!(
        change.child("currentState").unwrap().get("name"),
        "shutting-down"
    );
    assert_eq!(
        change.child("previousState").unwrap().get("name"),
        "running"
    );
    // R20: the primary (DeleteOnTermination) is gone, its address back; the other detached.
    n.call(
        "DescribeNetworkInterfaces",
        &[("NetworkInterfaceId.1", &primary)],
    )
    .await
    .err400("InvalidNetworkInterfaceID.NotFound");
    assert_eq!(n.available(&n.subnet).await, before + 1);
    assert_eq!(n.describe_one(&kept).await.get("status"), "available");
    // Terminated, still visible, and terminating again changes nothing.
    assert_eq!(state(&n.instance(&instance).await), "terminated");
    let again = n
        .call("TerminateInstances", &[("InstanceId.1", &instance)])
        .await;
    let change = &again.ok().items("instancesSet")[0];
    assert_eq!(
        change.child("previousState").unwrap().get("name"),
        "terminated"
    );
    // Nothing attaches to a terminated instance.
    n.attach(&kept, &instance, "1")
        .await
        .err400("IncorrectInstanceState");
    n.check().await;
}

#[tokio::test]
async fn stop_and_start_keep_interfaces_and_pass_through_their_states() {
    let n = east().await;
    let instance = n.launch("m5.large").await.get("instanceId");
    let r = n
        .call("StopInstances", &[("InstanceId.1", &instance)])
        .await;
    let change = &r.ok().items("instancesSet")[0];
    assert_eq!(change.child("currentState").unwrap().get("code"), "64");
    let stopped = n.instance(&instance).await;
    assert_eq!(state(&stopped), "stopped");
    assert_eq!(
        stopped.child("stateReason").unwrap().get("code"),
        "Client.UserInitiatedShutdown"
    );
    assert_eq!(stopped.items("networkInterfaceSet").len(), 1);
    let r = n
        .call("StartInstances", &[("InstanceId.1", &instance)])
        .await;
    let change = &r.ok().items("instancesSet")[0];
    assert_eq!(change.child("currentState").unwrap().get("name"), "pending");
    assert_eq!(
        change.child("previousState").unwrap().get("name"),
        "stopped"
    );
    assert_eq!(state(&n.instance(&instance).await), "running");
    // One unknown ID and nothing changes for the others (R20's all-or-nothing).
    n.call(
        "StopInstances",
        &[
            ("InstanceId.1", &instance),
            ("InstanceId.2", "i-0123456789abcdef0"),
        ],
    )
    .await
    .err400("InvalidInstanceID.NotFound");
    assert_eq!(state(&n.instance(&instance).await), "running");
    n.call("TerminateInstances", &[("InstanceId.1", &instance)])
        .await
        .ok();
    n.call("StartInstances", &[("InstanceId.1", &instance)])
        .await
        .err400("IncorrectInstanceState");
    n.check().await;
}

#[tokio::test]
async fn describe_instances_filters_by_network_fields() {
    let n = east().await;
    let a = n.launch("t3.micro").await;
    let b = n.launch("m5.large").await;
    let a_id = a.get("instanceId");
    let b_id = b.get("instanceId");
    let filter = |name: &str, value: &str| {
        let (name, value) = (name.to_owned(), value.to_owned());
        let n = &n;
        async move {
            let r = n
                .call(
                    "DescribeInstances",
                    &[("Filter.1.Name", &name), ("Filter.1.Value.1", &value)],
                )
                .await;
            r.ok().all("instanceId")
        }
    };
    assert_eq!(
        filter("instance-type", "m5.large").await,
        vec![b_id.clone()]
    );
    assert_eq!(
        filter("private-ip-address", &a.get("privateIpAddress")).await,
        vec![a_id.clone()]
    );
    let eni = a.items("networkInterfaceSet")[0].get("networkInterfaceId");
    assert_eq!(
        filter("network-interface.network-interface-id", &eni).await,
        vec![a_id.clone()]
    );
    assert_eq!(filter("instance-state-name", "running").await.len(), 2);
    assert!(filter("instance-state-name", "stopped").await.is_empty());
    n.call(
        "DescribeInstances",
        &[
            ("Filter.1.Name", "no-such-filter"),
            ("Filter.1.Value.1", "x"),
        ],
    )
    .await
    .err400("InvalidParameterValue");
    // DescribeNetworkInterfaces finds them by instance.
    let found = n
        .find(&[("attachment.instance-id", &[b_id.as_str()])])
        .await;
    assert_eq!(found.len(), 1);
    n.check().await;
}

#[tokio::test]
async fn a_dry_run_launches_nothing() {
    let n = east().await;
    let subnet = n.subnet.clone();
    let before = n.available(&subnet).await;
    n.run(&[("SubnetId", &subnet), ("DryRun", "true")])
        .await
        .err("DryRunOperation", 412);
    assert_eq!(n.available(&subnet).await, before);
    assert!(n
        .call("DescribeInstances", &[])
        .await
        .ok()
        .items("reservationSet")
        .is_empty());
}

#[tokio::test]
async fn a_client_token_launches_once() {
    let n = east().await;
    let subnet = n.subnet.clone();
    let first = n
        .run(&[("SubnetId", &subnet), ("ClientToken", "launch-1")])
        .await;
    let again = n
        .run(&[("SubnetId", &subnet), ("ClientToken", "launch-1")])
        .await;
    assert_eq!(first.ok().text("instanceId"), again.ok().text("instanceId"));
    n.run(&[
        ("SubnetId", &subnet),
        ("ClientToken", "launch-1"),
        ("InstanceType", "m5.large"),
    ])
    .await
    .err400("IdempotentParameterMismatch");
    assert_eq!(
        n.call("DescribeInstances", &[])
            .await
            .ok()
            .all("instanceId")
            .len(),
        1
    );
}

#[tokio::test]
async fn an_instance_without_a_subnet_goes_to_a_default_subnet() {
    let n = east().await;
    let r = n.run(&[("Placement.AvailabilityZone", "us-east-1c")]).await;
    let item = &r.ok().items("instancesSet")[0];
    assert_eq!(
        item.child("placement").unwrap().get("availabilityZone"),
        "us-east-1c"
    );
    // The default subnets map public addresses on launch.
    assert!(item.get("ipAddress").parse::<std::net::Ipv4Addr>().is_ok());
    let subnet = n.subnet.clone();
    // R5: a zone that is not the subnet's.
    let msg = n
        .run(&[
            ("SubnetId", &subnet),
            ("Placement.AvailabilityZone", "us-east-1d"),
        ])
        .await
        .err400("InvalidParameterValue");
    assert!(
        msg.contains("is in the availability zone us-east-1a"),
        "{msg}"
    );
}

#[tokio::test]
async fn instances_are_tagged_and_counted_and_stay_in_their_region() {
    let n = east().await;
    let subnet = n.subnet.clone();
    let r = n
        .run(&[
            ("SubnetId", &subnet),
            ("TagSpecification.1.ResourceType", "instance"),
            ("TagSpecification.1.Tag.1.Key", "Name"),
            ("TagSpecification.1.Tag.1.Value", "web"),
            ("TagSpecification.2.ResourceType", "network-interface"),
            ("TagSpecification.2.Tag.1.Key", "role"),
            ("TagSpecification.2.Tag.1.Value", "primary"),
        ])
        .await;
    let item = &r.ok().items("instancesSet")[0];
    assert_eq!(item.tags().get("Name").map(String::as_str), Some("web"));
    let eni = item.items("networkInterfaceSet")[0].get("networkInterfaceId");
    assert_eq!(
        n.describe_one(&eni)
            .await
            .tags()
            .get("role")
            .map(String::as_str),
        Some("primary")
    );
    let instance = item.get("instanceId");
    n.call(
        "CreateTags",
        &[
            ("ResourceId.1", &instance),
            ("Tag.1.Key", "team"),
            ("Tag.1.Value", "net"),
        ],
    )
    .await
    .ok();
    let tags = n
        .call(
            "DescribeTags",
            &[
                ("Filter.1.Name", "resource-type"),
                ("Filter.1.Value.1", "instance"),
            ],
        )
        .await;
    assert_eq!(tags.ok().all("key"), ["Name", "team"]);
    // Another region does not see it.
    let west =
        n.s.call_as(
            crate::support::KEY,
            "us-west-2",
            "DescribeInstances",
            &[("InstanceId.1", &instance)],
        )
        .await;
    west.err400("InvalidInstanceID.NotFound");
    n.call(
        "RunInstances",
        &[
            ("ImageId", AMI),
            ("MinCount", "1"),
            ("MaxCount", "1"),
            ("TagSpecification.1.ResourceType", "volume"),
            ("TagSpecification.1.Tag.1.Key", "k"),
        ],
    )
    .await
    .err400("UnsupportedOperation");
}

#[tokio::test]
async fn describe_instance_status_shows_running_instances_unless_asked_for_all() {
    let n = net(
        "us-east-1",
        "us-east-1a",
        "10.0.0.0/16",
        "10.0.1.0/24",
        false,
    )
    .await;
    let a = n.launch("t3.micro").await.get("instanceId");
    let b = n.launch("t3.micro").await.get("instanceId");
    n.call("StopInstances", &[("InstanceId.1", &b)]).await.ok();
    let r = n.call("DescribeInstanceStatus", &[]).await;
    assert_eq!(r.ok().all("instanceId"), vec![a.clone()]);
    let status = &r.ok().items("instanceStatusSet")[0];
    assert_eq!(status.child("instanceStatus").unwrap().get("status"), "ok");
    let all = n
        .call("DescribeInstanceStatus", &[("IncludeAllInstances", "true")])
        .await;
    assert_eq!(all.ok().all("instanceId").len(), 2);
}
