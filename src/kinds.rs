//! Resource kinds as data: one row per kind of EC2 resource, naming its ID prefix, its
//! NotFound and Malformed error codes and messages, its tag resource type and its name in the
//! admin summary.
//!
//! Everything that varies by kind reads this table: typed IDs (`model::ids`), the lookup
//! errors (`Ec2Error::NotFound`/`Malformed`), CreateTags/DescribeTags, the seeded ID streams
//! (each kind draws from its own, so a new kind never shifts the IDs of the others) and the
//! admin summary. Adding a kind is one row here and one variant of [`Kind`].
//!
//! It imports nothing, so the error enum and the model can both read it.

/// Every kind of resource ec2-mock has, or draws IDs for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Vpc,
    VpcCidrAssociation,
    Subnet,
    SubnetCidrAssociation,
    SecurityGroup,
    SecurityGroupRule,
    NetworkInterface,
    NetworkInterfaceAttachment,
    NetworkInterfacePermission,
    DhcpOptions,
    RouteTable,
    RouteTableAssociation,
    InternetGateway,
    EgressOnlyInternetGateway,
    NetworkAcl,
    NetworkAclAssociation,
    PrefixList,
    Image,
    Instance,
    Reservation,
    ElasticIp,
    ElasticIpAssociation,
}

/// What the rest of the server needs to know about one kind.
#[derive(Debug)]
pub struct KindInfo {
    pub kind: Kind,
    /// The ID prefix before the dash: `vpc` of `vpc-0123456789abcdef0`.
    pub prefix: &'static str,
    /// The code EC2 answers for a well-formed ID that names nothing.
    pub not_found_code: &'static str,
    /// Its message, with `{}` standing for the ID.
    pub not_found_message: &'static str,
    /// The code for an ID of the wrong shape; `None` where EC2 answers NotFound for those too.
    pub malformed_code: Option<&'static str>,
    /// The `resourceType` of DescribeTags and TagSpecification; `None`: not taggable here.
    pub tag_type: Option<&'static str>,
    /// The field of the admin summary counting this kind; `None`: not counted.
    pub summary: Option<&'static str>,
}

/// The table, in [`Kind`] order (a unit test checks it).
pub static KINDS: &[KindInfo] = &[
    KindInfo {
        kind: Kind::Vpc,
        prefix: "vpc",
        not_found_code: "InvalidVpcID.NotFound",
        not_found_message: "The vpc ID '{}' does not exist",
        malformed_code: Some("InvalidVpcID.Malformed"),
        tag_type: Some("vpc"),
        summary: Some("vpcs"),
    },
    KindInfo {
        kind: Kind::VpcCidrAssociation,
        prefix: "vpc-cidr-assoc",
        not_found_code: "InvalidVpcCidrBlockAssociationID.NotFound",
        not_found_message: "The vpc CIDR block association ID '{}' does not exist",
        malformed_code: Some("InvalidVpcCidrBlockAssociationID.Malformed"),
        tag_type: None,
        summary: None,
    },
    KindInfo {
        kind: Kind::Subnet,
        prefix: "subnet",
        not_found_code: "InvalidSubnetID.NotFound",
        not_found_message: "The subnet ID '{}' does not exist",
        malformed_code: Some("InvalidSubnetID.Malformed"),
        tag_type: Some("subnet"),
        summary: Some("subnets"),
    },
    KindInfo {
        kind: Kind::SubnetCidrAssociation,
        prefix: "subnet-cidr-assoc",
        not_found_code: "InvalidSubnetCidrBlockAssociationID.NotFound",
        not_found_message: "The subnet CIDR block association ID '{}' does not exist",
        malformed_code: Some("InvalidSubnetCidrBlockAssociationID.Malformed"),
        tag_type: None,
        summary: None,
    },
    KindInfo {
        kind: Kind::SecurityGroup,
        prefix: "sg",
        not_found_code: "InvalidGroup.NotFound",
        not_found_message: "The security group '{}' does not exist",
        malformed_code: Some("InvalidGroupId.Malformed"),
        tag_type: Some("security-group"),
        summary: Some("securityGroups"),
    },
    KindInfo {
        kind: Kind::SecurityGroupRule,
        prefix: "sgr",
        not_found_code: "InvalidSecurityGroupRuleId.NotFound",
        not_found_message: "The security group rule ID '{}' does not exist",
        malformed_code: Some("InvalidSecurityGroupRuleId.Malformed"),
        tag_type: Some("security-group-rule"),
        summary: Some("securityGroupRules"),
    },
    KindInfo {
        kind: Kind::NetworkInterface,
        prefix: "eni",
        not_found_code: "InvalidNetworkInterfaceID.NotFound",
        not_found_message: "The networkInterface ID '{}' does not exist",
        // The AWS error table and live EC2 both spell this one with a lowercase `d`.
        malformed_code: Some("InvalidNetworkInterfaceId.Malformed"),
        tag_type: Some("network-interface"),
        summary: Some("networkInterfaces"),
    },
    KindInfo {
        kind: Kind::NetworkInterfaceAttachment,
        prefix: "eni-attach",
        not_found_code: "InvalidAttachmentID.NotFound",
        not_found_message: "The attachment ID '{}' does not exist",
        malformed_code: Some("InvalidNetworkInterfaceAttachmentId.Malformed"),
        tag_type: None,
        summary: None,
    },
    KindInfo {
        kind: Kind::NetworkInterfacePermission,
        prefix: "eni-perm",
        // Capital `ID`, as Terraform's AWS provider matches it in EC2's answers.
        not_found_code: "InvalidNetworkInterfacePermissionID.NotFound",
        not_found_message: "The networkInterfacePermission ID '{}' does not exist",
        // EC2's Malformed code for these IDs is not documented anywhere we could find, so an
        // ID of the wrong shape is answered NotFound too.
        malformed_code: None,
        tag_type: None,
        summary: Some("interfacePermissions"),
    },
    KindInfo {
        kind: Kind::DhcpOptions,
        prefix: "dopt",
        not_found_code: "InvalidDhcpOptionID.NotFound",
        not_found_message: "The dhcpOptions ID '{}' does not exist",
        malformed_code: Some("InvalidDhcpOptionsId.Malformed"),
        tag_type: Some("dhcp-options"),
        summary: Some("dhcpOptions"),
    },
    KindInfo {
        kind: Kind::RouteTable,
        prefix: "rtb",
        not_found_code: "InvalidRouteTableID.NotFound",
        not_found_message: "The routeTable ID '{}' does not exist",
        malformed_code: Some("InvalidRouteTableId.Malformed"),
        tag_type: Some("route-table"),
        summary: Some("routeTables"),
    },
    KindInfo {
        kind: Kind::RouteTableAssociation,
        prefix: "rtbassoc",
        not_found_code: "InvalidAssociationID.NotFound",
        not_found_message: "The association ID '{}' does not exist",
        // EC2 answers NotFound for association IDs of any shape.
        malformed_code: None,
        tag_type: None,
        summary: None,
    },
    KindInfo {
        kind: Kind::InternetGateway,
        prefix: "igw",
        not_found_code: "InvalidInternetGatewayID.NotFound",
        not_found_message: "The internetGateway ID '{}' does not exist",
        malformed_code: Some("InvalidInternetGatewayId.Malformed"),
        tag_type: Some("internet-gateway"),
        summary: Some("internetGateways"),
    },
    KindInfo {
        kind: Kind::EgressOnlyInternetGateway,
        prefix: "eigw",
        not_found_code: "InvalidEgressOnlyInternetGatewayId.NotFound",
        not_found_message: "The egressOnlyInternetGateway ID '{}' does not exist",
        malformed_code: Some("InvalidEgressOnlyInternetGatewayId.Malformed"),
        tag_type: Some("egress-only-internet-gateway"),
        summary: Some("egressOnlyInternetGateways"),
    },
    KindInfo {
        kind: Kind::NetworkAcl,
        prefix: "acl",
        not_found_code: "InvalidNetworkAclID.NotFound",
        not_found_message: "The networkAcl ID '{}' does not exist",
        malformed_code: Some("InvalidNetworkAclId.Malformed"),
        tag_type: Some("network-acl"),
        summary: Some("networkAcls"),
    },
    KindInfo {
        kind: Kind::NetworkAclAssociation,
        prefix: "aclassoc",
        not_found_code: "InvalidAssociationID.NotFound",
        not_found_message: "The association ID '{}' does not exist",
        malformed_code: None,
        tag_type: None,
        summary: None,
    },
    KindInfo {
        kind: Kind::PrefixList,
        prefix: "pl",
        not_found_code: "InvalidPrefixListID.NotFound",
        not_found_message: "The prefix list ID '{}' does not exist",
        malformed_code: Some("InvalidPrefixListId.Malformed"),
        tag_type: Some("prefix-list"),
        summary: Some("prefixLists"),
    },
    KindInfo {
        kind: Kind::Image,
        prefix: "ami",
        not_found_code: "InvalidAMIID.NotFound",
        not_found_message: "The image id '[{}]' does not exist",
        malformed_code: Some("InvalidAMIID.Malformed"),
        tag_type: Some("image"),
        summary: None,
    },
    KindInfo {
        kind: Kind::Instance,
        prefix: "i",
        not_found_code: "InvalidInstanceID.NotFound",
        not_found_message: "The instance ID '{}' does not exist",
        malformed_code: Some("InvalidInstanceID.Malformed"),
        tag_type: Some("instance"),
        summary: Some("instances"),
    },
    KindInfo {
        kind: Kind::Reservation,
        prefix: "r",
        not_found_code: "InvalidReservationID.NotFound",
        not_found_message: "The reservation ID '{}' does not exist",
        malformed_code: Some("InvalidReservationID.Malformed"),
        tag_type: None,
        summary: None,
    },
    KindInfo {
        kind: Kind::ElasticIp,
        prefix: "eipalloc",
        not_found_code: "InvalidAllocationID.NotFound",
        not_found_message: "The allocation ID '{}' does not exist",
        malformed_code: Some("InvalidAllocationID.Malformed"),
        tag_type: Some("elastic-ip"),
        summary: Some("addresses"),
    },
    KindInfo {
        kind: Kind::ElasticIpAssociation,
        prefix: "eipassoc",
        not_found_code: "InvalidAssociationID.NotFound",
        not_found_message: "The association ID '{}' does not exist",
        malformed_code: Some("InvalidAssociationID.Malformed"),
        tag_type: None,
        summary: None,
    },
];

impl Kind {
    /// Every kind, in table order.
    pub fn all() -> impl Iterator<Item = Kind> {
        KINDS.iter().map(|k| k.kind)
    }

    pub fn info(self) -> &'static KindInfo {
        &KINDS[self as usize]
    }

    pub fn prefix(self) -> &'static str {
        self.info().prefix
    }

    /// The position of this kind in [`KINDS`], for per-kind arrays.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The kind whose tag resource type is `name` (`vpc`, `network-interface`, …).
    pub fn by_tag_type(name: &str) -> Option<Kind> {
        KINDS
            .iter()
            .find(|k| k.tag_type == Some(name))
            .map(|k| k.kind)
    }
}

/// The number of kinds, for per-kind arrays.
pub const KIND_COUNT: usize = 22;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_in_kind_order_and_prefixes_are_distinct() {
        assert_eq!(KINDS.len(), KIND_COUNT);
        for (i, info) in KINDS.iter().enumerate() {
            assert_eq!(info.kind as usize, i, "{:?}", info.kind);
            assert!(info.not_found_message.contains("{}"), "{:?}", info.kind);
        }
        let mut prefixes: Vec<&str> = KINDS.iter().map(|k| k.prefix).collect();
        prefixes.sort_unstable();
        prefixes.dedup();
        assert_eq!(prefixes.len(), KINDS.len());
    }
}
