//! The EC2 errors this server answers: each knows its wire code, HTTP status and message.
//!
//! One enum, exhaustive matches, no catch-all: adding a variant forces its code and status
//! to be written down next to every other one, which is how EC2 fidelity stays reviewable.
//! Lookups of every resource kind share `NotFound`/`Malformed`, whose codes and messages are
//! the kind's row in [`crate::kinds::KINDS`]. Errors carry data (the address, its holder),
//! and every message is written in the one `Display` below.

use std::fmt;

use crate::kinds::Kind;

/// An error EC2 would return, rendered as `<Response><Errors><Error>…` by the wire layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ec2Error {
    // Protocol.
    MissingAction,
    InvalidAction(String),
    UnknownParameter(String),
    MissingParameter(String),
    /// A value that does not parse as the type the model declares (`MaxResults=abc`).
    InvalidParameterType {
        param: String,
        value: String,
        expected: &'static str,
    },
    InvalidParameterValue(String),
    InvalidParameterCombination(String),
    InvalidParameter(String),
    InvalidPaginationToken(String),
    InvalidFilter(String),
    DryRunOperation,
    IdempotentParameterMismatch(String),

    // Resource lookups.
    /// A well-formed ID of `kind` that names nothing in this world.
    NotFound {
        kind: Kind,
        id: String,
    },
    /// An ID that is not of `kind`'s shape (build with [`Ec2Error::malformed`]).
    Malformed {
        kind: Kind,
        id: String,
    },
    GroupNameNotFound {
        name: String,
        vpc_id: String,
    },

    // Resource rules.
    VpcRange(String),
    SubnetRange(String),
    /// A subnet block overlapping another subnet's (`with`, when known) in the same VPC.
    SubnetConflict {
        cidr: String,
        with: Option<String>,
    },
    GroupDuplicate {
        name: String,
        vpc_id: String,
    },
    GroupReserved(String),
    CannotDeleteDefaultGroup {
        group_id: String,
    },
    DependencyViolation(String),
    PermissionDuplicate(String),
    PermissionNotFound,
    PermissionMalformed(String),
    /// A rule names a security group of another VPC (peering is not modelled).
    GroupInOtherNetwork,
    /// A call that defaults to the default VPC, in an account that no longer has one.
    VpcIdNotSpecified,
    /// An explicitly requested address or prefix that cannot be had, and why; `holder` is
    /// the interface holding it when it is in use.
    AddressUnavailable {
        address: String,
        prefix: bool,
        problem: AddressProblem,
        holder: Option<String>,
    },
    /// The subnet has too few free addresses or prefixes for the request.
    InsufficientFreeAddressesInSubnet,
    /// IPv6 addresses or prefixes asked of a subnet without an IPv6 block.
    SubnetHasNoIpv6 {
        subnet_id: String,
    },
    /// An interface would hold more IPv6 addresses and prefixes than `limit`.
    Ipv6AddressLimitExceeded {
        limit: u64,
    },
    TagLimitExceeded(String),
    TagKeyMalformed(String),
    /// An ID of no resource type the server knows, given to CreateTags or DeleteTags.
    InvalidId(String),
    PrivateIpAddressLimitExceeded,
    SecurityGroupsPerInterfaceLimitExceeded,
    /// More rules in one direction of a group than the quota allows.
    RulesPerSecurityGroupLimitExceeded,
    /// A parameter or value the model defines but this server does not emulate (IPAM
    /// pools, Outposts): refused plainly rather than ignored.
    UnsupportedOperation(String),
    AuthFailure(String),
    /// A SigV4 `Authorization` header or presigned query that lacks a part, or whose parts are
    /// malformed (strict auth only).
    IncompleteSignature(String),
    /// A signature that does not verify, or a credential scoped to another service or day.
    SignatureDoesNotMatch(String),
    /// A request timestamp more than 15 minutes from the server's clock, or a presigned URL
    /// past its expiry.
    RequestExpired,
    /// A request body over the server's limit. EC2 has no code for this (its front end
    /// refuses such requests before the API sees them), so the name follows HTTP's 413.
    RequestEntityTooLarge {
        limit: usize,
    },
    /// A `Version` other than the one API version this server speaks; EC2's code and message
    /// for a version it does not have.
    NoSuchVersion(String),
    /// An HTTP method the Query API does not take (it takes GET and POST).
    MethodNotAllowed(String),
    /// A request line longer than the HTTP layer accepts (HTTP 414). Like
    /// `RequestEntityTooLarge`, EC2's front end refuses these before the API, so the code
    /// follows HTTP's reason phrase.
    RequestUriTooLong,
    /// A request head with too many header fields, or too large altogether (HTTP 431).
    RequestHeaderFieldsTooLarge,
    /// A request the HTTP layer cannot parse: a malformed request line, header or
    /// `Content-Length`.
    MalformedHttpRequest,
    /// A request body that did not arrive within the body timeout.
    RequestTimeout {
        seconds: u64,
    },
    /// The server is at its connection limit (`--max-connections`); clients retry it, as
    /// they retry EC2's own `Unavailable`.
    Unavailable,
    /// The server could not do its own part (`--state-file` could not be written); EC2's
    /// code for its own failures, which clients retry.
    InternalError(String),
    /// A real EC2 action that ec2-mock does not implement (a typo is `InvalidAction`).
    NotImplemented(String),
    /// An association (or attachment) that exists already.
    ResourceAlreadyAssociated(String),
    /// CreateRoute for a destination the table has a route for.
    RouteAlreadyExists(String),
    RouteNotFound(String),
    /// A route target naming a gateway that does not exist.
    GatewayNotFound(String),
    /// A gateway detached from a network it is not attached to.
    GatewayNotAttached(String),
    NetworkAclEntryAlreadyExists(i32),
    NetworkAclEntryNotFound(i32),
    /// One more entry than the quota of rules per ACL, direction and address family.
    NetworkAclEntryLimitExceeded {
        limit: usize,
    },
    /// ModifyManagedPrefixList adding an entry the list has.
    InvalidPrefixListModification(String),
    /// ModifyManagedPrefixList's `CurrentVersion` is not the list's version.
    PrefixListVersionMismatch {
        given: i64,
        current: i64,
    },
    /// One interface more than the instance type takes (in total or on a card).
    AttachmentLimitExceeded(String),
    /// An interface with more addresses than the instance type allows per interface.
    InterfaceAddressLimitExceeded(String),
    /// An interface attached elsewhere (attach, launch).
    InterfaceInUse(String),
    /// An instance in a state the operation cannot start from.
    IncorrectInstanceState(String),
    /// An operation EC2 never allows on this resource (detaching a primary interface).
    OperationNotPermitted(String),
    /// An instance named where one of its interfaces must be (AssociateAddress).
    InvalidInstanceId(String),
    /// One Elastic IP more than the region's quota.
    AddressLimitExceeded,
    /// ReleaseAddress of an associated address.
    AddressInUse(String),
    /// An Elastic IP named by an address no allocation has.
    InvalidAddressNotFound(String),
}

/// Why an explicitly requested address or prefix cannot be had.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressProblem {
    OutsideSubnet,
    Reserved,
    InUse,
    /// A prefix not on its own boundary, or of another length than `len`.
    Misaligned {
        len: u8,
    },
}

impl Ec2Error {
    /// The error for an ID that is not of `kind`'s shape: the kind's Malformed error, or its
    /// NotFound error for kinds whose Malformed code EC2 does not document.
    pub fn malformed(kind: Kind, id: &str) -> Ec2Error {
        let id = id.to_owned();
        match kind.info().malformed_code {
            Some(_) => Ec2Error::Malformed { kind, id },
            None => Ec2Error::NotFound { kind, id },
        }
    }
}

impl Ec2Error {
    /// The `<Code>` element, spelt exactly as EC2 spells it (case included).
    pub fn code(&self) -> &'static str {
        use Ec2Error::*;
        match self {
            MissingAction => "MissingAction",
            InvalidAction(_) => "InvalidAction",
            UnknownParameter(_) => "UnknownParameter",
            MissingParameter(_) => "MissingParameter",
            InvalidParameterType { .. } => "InvalidParameterValue",
            InvalidParameterValue(_) => "InvalidParameterValue",
            InvalidParameterCombination(_) => "InvalidParameterCombination",
            InvalidParameter(_) => "InvalidParameter",
            InvalidPaginationToken(_) => "InvalidPaginationToken",
            InvalidFilter(_) => "InvalidParameterValue",
            DryRunOperation => "DryRunOperation",
            IdempotentParameterMismatch(_) => "IdempotentParameterMismatch",
            NotFound { kind, .. } => kind.info().not_found_code,
            Malformed { kind, .. } => kind
                .info()
                .malformed_code
                .unwrap_or(kind.info().not_found_code),
            GroupNameNotFound { .. } => "InvalidGroup.NotFound",
            VpcRange(_) => "InvalidVpc.Range",
            SubnetRange(_) => "InvalidSubnet.Range",
            SubnetConflict { .. } => "InvalidSubnet.Conflict",
            GroupDuplicate { .. } => "InvalidGroup.Duplicate",
            GroupReserved(_) => "InvalidGroup.Reserved",
            CannotDeleteDefaultGroup { .. } => "CannotDelete",
            DependencyViolation(_) => "DependencyViolation",
            PermissionDuplicate(_) => "InvalidPermission.Duplicate",
            PermissionNotFound => "InvalidPermission.NotFound",
            PermissionMalformed(_) => "InvalidPermission.Malformed",
            GroupInOtherNetwork => "InvalidGroup.NotFound",
            VpcIdNotSpecified => "VPCIdNotSpecified",
            AddressUnavailable {
                problem: AddressProblem::InUse,
                ..
            } => "InvalidIPAddress.InUse",
            AddressUnavailable { .. } => "InvalidParameterValue",
            InsufficientFreeAddressesInSubnet => "InsufficientFreeAddressesInSubnet",
            SubnetHasNoIpv6 { .. } | Ipv6AddressLimitExceeded { .. } => "InvalidParameterValue",
            TagLimitExceeded(_) => "TagLimitExceeded",
            TagKeyMalformed(_) => "InvalidTagKey.Malformed",
            InvalidId(_) => "InvalidID",
            PrivateIpAddressLimitExceeded => "PrivateIpAddressLimitExceeded",
            SecurityGroupsPerInterfaceLimitExceeded => "SecurityGroupsPerInterfaceLimitExceeded",
            RulesPerSecurityGroupLimitExceeded => "RulesPerSecurityGroupLimitExceeded",
            UnsupportedOperation(_) => "UnsupportedOperation",
            AuthFailure(_) => "AuthFailure",
            IncompleteSignature(_) => "IncompleteSignature",
            SignatureDoesNotMatch(_) => "SignatureDoesNotMatch",
            RequestExpired => "RequestExpired",
            RequestEntityTooLarge { .. } => "RequestEntityTooLarge",
            InternalError(_) => "InternalError",
            NotImplemented(_) => "UnsupportedOperation",
            ResourceAlreadyAssociated(_) => "Resource.AlreadyAssociated",
            RouteAlreadyExists(_) => "RouteAlreadyExists",
            RouteNotFound(_) => "InvalidRoute.NotFound",
            GatewayNotFound(_) => "InvalidGatewayID.NotFound",
            GatewayNotAttached(_) => "Gateway.NotAttached",
            NetworkAclEntryAlreadyExists(_) => "NetworkAclEntryAlreadyExists",
            NetworkAclEntryLimitExceeded { .. } => "NetworkAclEntryLimitExceeded",
            NetworkAclEntryNotFound(_) => "InvalidNetworkAclEntry.NotFound",
            InvalidPrefixListModification(_) => "InvalidPrefixListModification",
            PrefixListVersionMismatch { .. } => "PrefixListVersionMismatch",
            AttachmentLimitExceeded(_) => "AttachmentLimitExceeded",
            InterfaceAddressLimitExceeded(_) => "InvalidInterface.IpAddressLimitExceeded",
            InterfaceInUse(_) => "InvalidNetworkInterface.InUse",
            IncorrectInstanceState(_) => "IncorrectInstanceState",
            OperationNotPermitted(_) => "OperationNotPermitted",
            InvalidInstanceId(_) => "InvalidInstanceID",
            AddressLimitExceeded => "AddressLimitExceeded",
            AddressInUse(_) => "InvalidIPAddress.InUse",
            InvalidAddressNotFound(_) => "InvalidAddress.NotFound",
            NoSuchVersion(_) => "NoSuchVersion",
            MethodNotAllowed(_) => "MethodNotAllowed",
            RequestUriTooLong => "RequestURITooLong",
            RequestHeaderFieldsTooLarge => "RequestHeaderFieldsTooLarge",
            MalformedHttpRequest => "MalformedHTTPRequest",
            RequestTimeout { .. } => "RequestTimeout",
            Unavailable => "Unavailable",
        }
    }

    /// The HTTP status EC2 sends with this error.
    pub fn status(&self) -> u16 {
        use Ec2Error::*;
        match self {
            // EC2 answers a successful dry run with 412 Precondition Failed.
            DryRunOperation => 412,
            AuthFailure(_) => 401,
            // Real EC2 sends SignatureDoesNotMatch with 403 Forbidden.
            SignatureDoesNotMatch(_) => 403,
            IncompleteSignature(_) | RequestExpired => 400,
            RequestEntityTooLarge { .. } => 413,
            InternalError(_) => 500,
            MethodNotAllowed(_) => 405,
            RequestTimeout { .. } => 408,
            RequestUriTooLong => 414,
            RequestHeaderFieldsTooLarge => 431,
            Unavailable => 503,
            NoSuchVersion(_) | MalformedHttpRequest => 400,
            MissingAction
            | InvalidAction(_)
            | UnknownParameter(_)
            | MissingParameter(_)
            | InvalidParameterType { .. }
            | InvalidParameterValue(_)
            | InvalidParameterCombination(_)
            | InvalidParameter(_)
            | InvalidPaginationToken(_)
            | InvalidFilter(_)
            | IdempotentParameterMismatch(_)
            | NotFound { .. }
            | Malformed { .. }
            | GroupNameNotFound { .. }
            | VpcRange(_)
            | SubnetRange(_)
            | SubnetConflict { .. }
            | GroupDuplicate { .. }
            | GroupReserved(_)
            | CannotDeleteDefaultGroup { .. }
            | DependencyViolation(_)
            | PermissionDuplicate(_)
            | PermissionNotFound
            | PermissionMalformed(_)
            | GroupInOtherNetwork
            | VpcIdNotSpecified
            | AddressUnavailable { .. }
            | InsufficientFreeAddressesInSubnet
            | SubnetHasNoIpv6 { .. }
            | Ipv6AddressLimitExceeded { .. }
            | TagLimitExceeded(_)
            | TagKeyMalformed(_)
            | InvalidId(_)
            | PrivateIpAddressLimitExceeded
            | SecurityGroupsPerInterfaceLimitExceeded
            | RulesPerSecurityGroupLimitExceeded
            | UnsupportedOperation(_)
            | NotImplemented(_)
            | ResourceAlreadyAssociated(_)
            | RouteAlreadyExists(_)
            | RouteNotFound(_)
            | GatewayNotFound(_)
            | GatewayNotAttached(_)
            | NetworkAclEntryAlreadyExists(_)
            | NetworkAclEntryLimitExceeded { .. }
            | NetworkAclEntryNotFound(_)
            | InvalidPrefixListModification(_)
            | PrefixListVersionMismatch { .. }
            | AttachmentLimitExceeded(_)
            | InterfaceAddressLimitExceeded(_)
            | InterfaceInUse(_)
            | IncorrectInstanceState(_)
            | OperationNotPermitted(_)
            | InvalidInstanceId(_)
            | AddressLimitExceeded
            | AddressInUse(_)
            | InvalidAddressNotFound(_) => 400,
        }
    }
}

impl fmt::Display for Ec2Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Ec2Error::*;
        match self {
            MissingAction => write!(f, "The request must contain the parameter Action"),
            InvalidAction(action) => {
                write!(f, "The action {action} is not valid for this web service.")
            }
            UnknownParameter(name) => write!(f, "The parameter {name} is not recognized"),
            MissingParameter(name) => {
                write!(f, "The request must contain the parameter {name}")
            }
            InvalidParameterType {
                param,
                value,
                expected,
            } => write!(
                f,
                "Value ({value}) for parameter {param} is invalid. Expected: '{expected}'."
            ),
            InvalidParameterValue(msg)
            | InvalidParameterCombination(msg)
            | InvalidParameter(msg)
            | IdempotentParameterMismatch(msg)
            | DependencyViolation(msg)
            | PermissionMalformed(msg)
            | TagLimitExceeded(msg)
            | UnsupportedOperation(msg)
            | AuthFailure(msg)
            | InternalError(msg) => f.write_str(msg),
            IncompleteSignature(msg) | SignatureDoesNotMatch(msg) => f.write_str(msg),
            RequestExpired => write!(f, "Request has expired."),
            InvalidPaginationToken(token) => write!(f, "Invalid pagination token: {token}"),
            InvalidFilter(name) => write!(f, "The filter '{name}' is invalid"),
            DryRunOperation => write!(f, "Request would have succeeded, but DryRun flag is set."),
            NotFound { kind, id } => {
                f.write_str(&kind.info().not_found_message.replace("{}", id))
            }
            Malformed { kind, id } => write!(
                f,
                "Invalid id: \"{id}\" (expecting \"{}-...\")",
                kind.prefix()
            ),
            GroupNameNotFound { name, vpc_id } => write!(
                f,
                "The security group '{name}' does not exist in default VPC '{vpc_id}'"
            ),
            VpcRange(cidr) | SubnetRange(cidr) => write!(f, "The CIDR '{cidr}' is invalid."),
            SubnetConflict { cidr, .. } => {
                write!(f, "The CIDR '{cidr}' conflicts with another subnet")
            }
            GroupDuplicate { name, vpc_id } => write!(
                f,
                "The security group '{name}' already exists for VPC '{vpc_id}'"
            ),
            GroupReserved(name) => write!(f, "The security group '{name}' is reserved"),
            CannotDeleteDefaultGroup { group_id } => write!(
                f,
                "the specified group: \"{group_id}\" name: \"default\" cannot be deleted by a user"
            ),
            PermissionDuplicate(rule) => {
                write!(f, "the specified rule \"{rule}\" already exists")
            }
            PermissionNotFound => write!(
                f,
                "The specified rule does not exist in this security group."
            ),
            GroupInOtherNetwork => write!(
                f,
                "You have specified two resources that belong to different networks."
            ),
            VpcIdNotSpecified => write!(f, "No default VPC for this user"),
            AddressUnavailable {
                address,
                prefix,
                problem,
                ..
            } => {
                let what = if *prefix { "Prefix" } else { "Address" };
                match problem {
                    AddressProblem::OutsideSubnet => write!(
                        f,
                        "{what} {address} does not fall within the subnet's address range"
                    ),
                    AddressProblem::Reserved if *prefix => write!(
                        f,
                        "Prefix {address} includes an address in the subnet's reserved address range"
                    ),
                    AddressProblem::Reserved => {
                        write!(f, "Address {address} is in subnet's reserved address range")
                    }
                    // EC2 names neither the address nor the prefix here.
                    AddressProblem::InUse => write!(f, "The specified address is already in use"),
                    AddressProblem::Misaligned { len } if *prefix => {
                        write!(f, "Prefix {address} is not a valid /{len} prefix")
                    }
                    AddressProblem::Misaligned { .. } => write!(f, "Address {address} is not valid"),
                }
            }
            InsufficientFreeAddressesInSubnet => write!(
                f,
                "There aren't sufficient free Ipv4 addresses or prefixes in the subnet to satisfy the request."
            ),
            SubnetHasNoIpv6 { subnet_id } => write!(
                f,
                "The subnet '{subnet_id}' does not have an IPv6 CIDR block; IPv6 addresses and prefixes cannot be assigned"
            ),
            Ipv6AddressLimitExceeded { limit } => write!(
                f,
                "Number of IPv6 addresses and prefixes will exceed the limit of {limit}"
            ),
            NotImplemented(action) => write!(f, "ec2-mock does not implement {action}"),
            ResourceAlreadyAssociated(msg)
            | RouteNotFound(msg)
            | GatewayNotAttached(msg)
            | InvalidPrefixListModification(msg)
            | AttachmentLimitExceeded(msg)
            | InterfaceAddressLimitExceeded(msg)
            | InterfaceInUse(msg)
            | IncorrectInstanceState(msg)
            | OperationNotPermitted(msg)
            | InvalidInstanceId(msg)
            | AddressInUse(msg)
            | InvalidAddressNotFound(msg) => f.write_str(msg),
            AddressLimitExceeded => f.write_str("The maximum number of addresses has been reached."),
            RouteAlreadyExists(destination) => {
                write!(f, "The route identified by {destination} already exists.")
            }
            GatewayNotFound(id) => write!(f, "The gateway ID '{id}' does not exist"),
            NetworkAclEntryLimitExceeded { limit } => write!(
                f,
                "The maximum number of network ACL entries ({limit} per direction and address family, the default rule included) has been reached."
            ),
            NetworkAclEntryAlreadyExists(n) => {
                write!(f, "The network acl entry identified by {n} already exists.")
            }
            NetworkAclEntryNotFound(n) => {
                write!(f, "The network acl entry identified by {n} does not exist.")
            }
            PrefixListVersionMismatch { given, current } => write!(
                f,
                "The prefix list has the incorrect version number: {given} is not its version, {current}."
            ),
            PrivateIpAddressLimitExceeded => {
                write!(f, "Number of private addresses will exceed limit.")
            }
            RulesPerSecurityGroupLimitExceeded => write!(
                f,
                "The maximum number of rules per security group has been reached."
            ),
            SecurityGroupsPerInterfaceLimitExceeded => write!(
                f,
                "The maximum number of security groups per interface has been reached."
            ),
            InvalidId(id) => write!(f, "The ID '{id}' is not valid"),
            RequestEntityTooLarge { limit } => write!(
                f,
                "The request body exceeds the limit of {limit} bytes; send less data per request"
            ),
            NoSuchVersion(version) => write!(
                f,
                "The requested version ({version}) of service AmazonEC2 does not exist"
            ),
            MethodNotAllowed(method) => write!(
                f,
                "The HTTP method {method} is not allowed; the EC2 Query API takes GET and POST"
            ),
            RequestUriTooLong => write!(
                f,
                "The request line is too long; send long parameter lists as a POST form body"
            ),
            RequestHeaderFieldsTooLarge => write!(
                f,
                "The request has too many header fields, or they are too large"
            ),
            MalformedHttpRequest => write!(
                f,
                "The request could not be parsed as HTTP/1.1 (request line, header or Content-Length)"
            ),
            RequestTimeout { seconds } => write!(
                f,
                "The request body did not arrive within {seconds} seconds"
            ),
            Unavailable => write!(
                f,
                "The server is at its connection limit; retry the request"
            ),
            TagKeyMalformed(key) => write!(
                f,
                "The tag key '{key}' is not valid. Tag keys starting with 'aws:' are reserved for internal use."
            ),
        }
    }
}

impl std::error::Error for Ec2Error {}

/// Shorthand for results of everything below the HTTP layer.
pub type Ec2Result<T> = Result<T, Ec2Error>;
