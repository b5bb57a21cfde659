//! Elastic IPs over HTTP: allocation, association to an interface or an instance, the
//! internet gateway it needs, reassociation, release, and what an interface's deletion does.
//! Rules R22–R29 of `ec2-rules/instances-attach-eip.md`.

use crate::support::{east, id, Net, Node, Reply};

const AMI: &str = "ami-0b5eea76982371e91";

impl Net {
    async fn allocate(&self) -> Node {
        self.call("AllocateAddress", &[("Domain", "vpc")])
            .await
            .ok()
            .clone()
    }

    /// Attaches a new internet gateway to the world's VPC.
    async fn gateway(&self) -> String {
        let igw = self
            .call("CreateInternetGateway", &[])
            .await
            .ok()
            .text("internetGatewayId");
        let vpc = self.vpc.clone();
        self.call(
            "AttachInternetGateway",
            &[("InternetGatewayId", &igw), ("VpcId", &vpc)],
        )
        .await
        .ok();
        igw
    }

    async fn associate(&self, allocation: &str, params: &[(&str, &str)]) -> Reply {
        let mut all = vec![("AllocationId", allocation)];
        all.extend_from_slice(params);
        self.call("AssociateAddress", &all).await
    }

    async fn address(&self, allocation: &str) -> Node {
        let r = self
            .call("DescribeAddresses", &[("AllocationId.1", allocation)])
            .await;
        r.ok().items("addressesSet")[0].clone()
    }
}

#[tokio::test]
async fn an_address_is_allocated_associated_shown_and_released() {
    let n = east().await;
    let a = n.allocate().await;
    let allocation = a.text("allocationId");
    let public_ip = a.text("publicIp");
    assert!(allocation.starts_with("eipalloc-"), "{allocation}");
    assert_eq!(a.text("domain"), "vpc");
    assert_eq!(a.text("networkBorderGroup"), "us-east-1");
    assert_eq!(a.text("publicIpv4Pool"), "amazon");

    let eni = id(&n.eni(&[("SecondaryPrivateIpAddressCount", "1")]).await);
    // R22: the VPC needs an internet gateway.
    let msg = n
        .associate(&allocation, &[("NetworkInterfaceId", &eni)])
        .await
        .err400("Gateway.NotAttached");
    assert!(msg.contains(&n.vpc), "{msg}");
    n.gateway().await;
    let association = n
        .associate(&allocation, &[("NetworkInterfaceId", &eni)])
        .await
        .ok()
        .text("associationId");
    assert!(association.starts_with("eipassoc-"), "{association}");

    // R23: the interface's association and its primary address's.
    let d = n.describe_one(&eni).await;
    let assoc = d.child("association").expect("association");
    assert_eq!(assoc.get("publicIp"), public_ip);
    assert_eq!(assoc.get("allocationId"), allocation);
    assert_eq!(assoc.get("associationId"), association);
    assert_eq!(assoc.get("ipOwnerId"), "123456789012");
    let shown = n.address(&allocation).await;
    assert_eq!(shown.get("networkInterfaceId"), eni);
    assert_eq!(shown.get("privateIpAddress"), d.get("privateIpAddress"));
    assert_eq!(shown.get("networkInterfaceOwnerId"), "123456789012");
    let found = n
        .find(&[("association.public-ip", &[public_ip.as_str()])])
        .await;
    assert_eq!(found.into_iter().collect::<Vec<_>>(), vec![eni.clone()]);

    // R26: not released while associated.
    n.call("ReleaseAddress", &[("AllocationId", &allocation)])
        .await
        .err400("InvalidIPAddress.InUse");
    n.call("DisassociateAddress", &[("AssociationId", &association)])
        .await
        .ok();
    assert!(n.describe_one(&eni).await.child("association").is_none());
    n.call("ReleaseAddress", &[("AllocationId", &allocation)])
        .await
        .ok();
    // R27.
    n.call("ReleaseAddress", &[("AllocationId", &allocation)])
        .await
        .err400("InvalidAllocationID.NotFound");
    n.call("DisassociateAddress", &[("AssociationId", &association)])
        .await
        .err400("InvalidAssociationID.NotFound");
}

#[tokio::test]
async fn reassociation_moves_the_address_unless_refused() {
    let n = east().await;
    n.gateway().await;
    let allocation = n.allocate().await.text("allocationId");
    let a = id(&n.eni(&[]).await);
    let b = id(&n.eni(&[]).await);
    let first = n
        .associate(&allocation, &[("NetworkInterfaceId", &a)])
        .await
        .ok()
        .text("associationId");
    // The same target again: the same association.
    let same = n
        .associate(&allocation, &[("NetworkInterfaceId", &a)])
        .await
        .ok()
        .text("associationId");
    assert_eq!(same, first);
    // R24: AllowReassociation=false refuses; the default moves it under a new ID.
    let msg = n
        .associate(
            &allocation,
            &[("NetworkInterfaceId", &b), ("AllowReassociation", "false")],
        )
        .await
        .err400("Resource.AlreadyAssociated");
    assert!(msg.contains(&first), "{msg}");
    let moved = n
        .associate(&allocation, &[("NetworkInterfaceId", &b)])
        .await
        .ok()
        .text("associationId");
    assert_ne!(moved, first);
    assert!(n.describe_one(&a).await.child("association").is_none());
    assert_eq!(n.address(&allocation).await.get("networkInterfaceId"), b);
    // A second address on the same private address replaces the first, which stays allocated.
    let second = n.allocate().await.text("allocationId");
    n.associate(&second, &[("NetworkInterfaceId", &b)])
        .await
        .ok();
    assert!(n
        .address(&allocation)
        .await
        .child("associationId")
        .is_none());
    assert_eq!(n.address(&second).await.get("networkInterfaceId"), b);
}

#[tokio::test]
async fn an_instance_with_one_interface_takes_an_address_by_instance_id() {
    let n = east().await;
    n.gateway().await;
    let subnet = n.subnet.clone();
    let r = n
        .call(
            "RunInstances",
            &[
                ("ImageId", AMI),
                ("MinCount", "1"),
                ("MaxCount", "1"),
                ("InstanceType", "m5.large"),
                ("SubnetId", &subnet),
            ],
        )
        .await;
    let instance = r.ok().text("instanceId");
    let allocation = n.allocate().await.text("allocationId");
    n.associate(&allocation, &[("InstanceId", &instance)])
        .await
        .ok();
    let shown = n.address(&allocation).await;
    assert_eq!(shown.get("instanceId"), instance);
    let public_ip = shown.get("publicIp");
    let described = n
        .call("DescribeInstances", &[("InstanceId.1", &instance)])
        .await;
    assert_eq!(described.ok().text("ipAddress"), public_ip);
    // R23: an instance with two interfaces needs the interface named.
    let second = id(&n.eni(&[]).await);
    n.call(
        "AttachNetworkInterface",
        &[
            ("NetworkInterfaceId", second.as_str()),
            ("InstanceId", instance.as_str()),
            ("DeviceIndex", "1"),
        ],
    )
    .await
    .ok();
    let other = n.allocate().await.text("allocationId");
    n.associate(&other, &[("InstanceId", &instance)])
        .await
        .err400("InvalidInstanceID");
    // R28: termination disassociates, the allocation stays.
    n.call("TerminateInstances", &[("InstanceId.1", &instance)])
        .await
        .ok();
    let after = n.address(&allocation).await;
    assert!(after.child("associationId").is_none(), "{after:?}");
}

#[tokio::test]
async fn deleting_an_interface_keeps_its_address_allocated() {
    let n = east().await;
    n.gateway().await;
    let allocation = n.allocate().await.text("allocationId");
    let eni = id(&n.eni(&[]).await);
    n.associate(&allocation, &[("NetworkInterfaceId", &eni)])
        .await
        .ok();
    n.delete(&eni).await.ok();
    let shown = n.address(&allocation).await;
    assert!(shown.child("associationId").is_none());
    assert!(shown.child("networkInterfaceId").is_none());
}

#[tokio::test]
async fn the_region_holds_five_addresses() {
    let n = east().await;
    for _ in 0..5 {
        n.allocate().await;
    }
    // R29, with DescribeAccountAttributes' vpc-max-elastic-ips.
    let msg = n
        .call("AllocateAddress", &[("Domain", "vpc")])
        .await
        .err400("AddressLimitExceeded");
    assert_eq!(msg, "The maximum number of addresses has been reached.");
    let all = n.call("DescribeAddresses", &[]).await;
    let ips = all.ok().all("publicIp");
    assert_eq!(ips.len(), 5);
    let distinct: std::collections::BTreeSet<&String> = ips.iter().collect();
    assert_eq!(distinct.len(), 5);
    let filtered = n
        .call(
            "DescribeAddresses",
            &[
                ("Filter.1.Name", "public-ip"),
                ("Filter.1.Value.1", &ips[0]),
            ],
        )
        .await;
    assert_eq!(filtered.ok().all("publicIp"), [ips[0].clone()]);
    n.call("DescribeAddresses", &[("PublicIp.1", "203.0.113.9")])
        .await
        .err400("InvalidAddress.NotFound");
}

#[tokio::test]
async fn a_launch_address_goes_with_stop_and_comes_back_with_start() {
    let n = east().await;
    let subnet = n.subnet.clone();
    let r = n
        .call(
            "RunInstances",
            &[
                ("ImageId", AMI),
                ("MinCount", "1"),
                ("MaxCount", "1"),
                ("NetworkInterface.1.DeviceIndex", "0"),
                ("NetworkInterface.1.SubnetId", &subnet),
                ("NetworkInterface.1.AssociatePublicIpAddress", "true"),
            ],
        )
        .await;
    let item = &r.ok().items("instancesSet")[0];
    let instance = item.get("instanceId");
    let eni = item.items("networkInterfaceSet")[0].clone();
    let assoc = eni.child("association").expect("a public address");
    assert_eq!(assoc.get("ipOwnerId"), "amazon");
    // A VPC without DNS hostnames gives the address no public DNS name.
    assert_eq!(assoc.get("publicDnsName"), "");
    n.call("StopInstances", &[("InstanceId.1", &instance)])
        .await
        .ok();
    let stopped = n.describe_one(&eni.get("networkInterfaceId")).await;
    assert!(stopped.child("association").is_none());
    n.call("StartInstances", &[("InstanceId.1", &instance)])
        .await
        .ok();
    let started = n.describe_one(&eni.get("networkInterfaceId")).await;
    assert_eq!(
        started.child("association").unwrap().get("ipOwnerId"),
        "amazon"
    );
}
