//! The EC2 errors this server answers: each knows its wire code, HTTP status and message.
//!
//! One enum, exhaustive matches, no catch-all: adding a variant forces its code and status
//! to be written down next to every other one, which is how EC2 fidelity stays reviewable.

use std::fmt;

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
    VpcNotFound(String),
    VpcMalformed(String),
    SubnetNotFound(String),
    SubnetMalformed(String),
    GroupNotFound(String),
    GroupNameNotFound {
        name: String,
        vpc_id: String,
    },
    GroupIdMalformed(String),
    NetworkInterfaceNotFound(String),
    NetworkInterfaceMalformed(String),
    /// An interface attachment ID; interfaces are never attached here, so none exists.
    AttachmentNotFound(String),
    NetworkInterfacePermissionNotFound(String),

    // Resource rules.
    VpcRange(String),
    SubnetRange(String),
    SubnetConflict(String),
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
    SecurityGroupRuleNotFound(String),
    SecurityGroupRuleMalformed(String),
    /// A rule names a security group of another VPC (peering is not modelled).
    GroupInOtherNetwork,
    /// A call that defaults to the default VPC, in an account that no longer has one.
    VpcIdNotSpecified,
    InvalidIpAddressInUse(String),
    InsufficientFreeAddressesInSubnet(String),
    TagLimitExceeded(String),
    TagKeyMalformed(String),
    /// An ID of no resource type the server knows, given to CreateTags or DeleteTags.
    InvalidId(String),
    PrivateIpAddressLimitExceeded,
    SecurityGroupsPerInterfaceLimitExceeded,
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
    /// The server could not do its own part (`--state-file` could not be written); EC2's
    /// code for its own failures, which clients retry.
    InternalError(String),
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
            VpcNotFound(_) => "InvalidVpcID.NotFound",
            VpcMalformed(_) => "InvalidVpcID.Malformed",
            SubnetNotFound(_) => "InvalidSubnetID.NotFound",
            SubnetMalformed(_) => "InvalidSubnetID.Malformed",
            GroupNotFound(_) => "InvalidGroup.NotFound",
            GroupNameNotFound { .. } => "InvalidGroup.NotFound",
            GroupIdMalformed(_) => "InvalidGroupId.Malformed",
            NetworkInterfaceNotFound(_) => "InvalidNetworkInterfaceID.NotFound",
            // The AWS error table and live EC2 both spell this one with a lowercase `d`.
            NetworkInterfaceMalformed(_) => "InvalidNetworkInterfaceId.Malformed",
            AttachmentNotFound(_) => "InvalidAttachmentID.NotFound",
            // Capital `ID`, as Terraform's AWS provider matches it in EC2's answers.
            NetworkInterfacePermissionNotFound(_) => "InvalidNetworkInterfacePermissionID.NotFound",
            VpcRange(_) => "InvalidVpc.Range",
            SubnetRange(_) => "InvalidSubnet.Range",
            SubnetConflict(_) => "InvalidSubnet.Conflict",
            GroupDuplicate { .. } => "InvalidGroup.Duplicate",
            GroupReserved(_) => "InvalidGroup.Reserved",
            CannotDeleteDefaultGroup { .. } => "CannotDelete",
            DependencyViolation(_) => "DependencyViolation",
            PermissionDuplicate(_) => "InvalidPermission.Duplicate",
            PermissionNotFound => "InvalidPermission.NotFound",
            PermissionMalformed(_) => "InvalidPermission.Malformed",
            SecurityGroupRuleNotFound(_) => "InvalidSecurityGroupRuleId.NotFound",
            SecurityGroupRuleMalformed(_) => "InvalidSecurityGroupRuleId.Malformed",
            GroupInOtherNetwork => "InvalidGroup.NotFound",
            VpcIdNotSpecified => "VPCIdNotSpecified",
            InvalidIpAddressInUse(_) => "InvalidIPAddress.InUse",
            InsufficientFreeAddressesInSubnet(_) => "InsufficientFreeAddressesInSubnet",
            TagLimitExceeded(_) => "TagLimitExceeded",
            TagKeyMalformed(_) => "InvalidTagKey.Malformed",
            InvalidId(_) => "InvalidID",
            PrivateIpAddressLimitExceeded => "PrivateIpAddressLimitExceeded",
            SecurityGroupsPerInterfaceLimitExceeded => "SecurityGroupsPerInterfaceLimitExceeded",
            UnsupportedOperation(_) => "UnsupportedOperation",
            AuthFailure(_) => "AuthFailure",
            IncompleteSignature(_) => "IncompleteSignature",
            SignatureDoesNotMatch(_) => "SignatureDoesNotMatch",
            RequestExpired => "RequestExpired",
            RequestEntityTooLarge { .. } => "RequestEntityTooLarge",
            InternalError(_) => "InternalError",
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
            | VpcNotFound(_)
            | VpcMalformed(_)
            | SubnetNotFound(_)
            | SubnetMalformed(_)
            | GroupNotFound(_)
            | GroupNameNotFound { .. }
            | GroupIdMalformed(_)
            | NetworkInterfaceNotFound(_)
            | NetworkInterfaceMalformed(_)
            | AttachmentNotFound(_)
            | NetworkInterfacePermissionNotFound(_)
            | VpcRange(_)
            | SubnetRange(_)
            | SubnetConflict(_)
            | GroupDuplicate { .. }
            | GroupReserved(_)
            | CannotDeleteDefaultGroup { .. }
            | DependencyViolation(_)
            | PermissionDuplicate(_)
            | PermissionNotFound
            | PermissionMalformed(_)
            | SecurityGroupRuleNotFound(_)
            | SecurityGroupRuleMalformed(_)
            | GroupInOtherNetwork
            | VpcIdNotSpecified
            | InvalidIpAddressInUse(_)
            | InsufficientFreeAddressesInSubnet(_)
            | TagLimitExceeded(_)
            | TagKeyMalformed(_)
            | InvalidId(_)
            | PrivateIpAddressLimitExceeded
            | SecurityGroupsPerInterfaceLimitExceeded
            | UnsupportedOperation(_) => 400,
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
            | InsufficientFreeAddressesInSubnet(msg)
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
            VpcNotFound(id) => write!(f, "The vpc ID '{id}' does not exist"),
            VpcMalformed(id) => write!(f, "Invalid id: \"{id}\" (expecting \"vpc-...\")"),
            SubnetNotFound(id) => write!(f, "The subnet ID '{id}' does not exist"),
            SubnetMalformed(id) => write!(f, "Invalid id: \"{id}\" (expecting \"subnet-...\")"),
            GroupNotFound(id) => write!(f, "The security group '{id}' does not exist"),
            GroupNameNotFound { name, vpc_id } => write!(
                f,
                "The security group '{name}' does not exist in default VPC '{vpc_id}'"
            ),
            GroupIdMalformed(id) => write!(f, "Invalid id: \"{id}\" (expecting \"sg-...\")"),
            NetworkInterfaceNotFound(id) => {
                write!(f, "The networkInterface ID '{id}' does not exist")
            }
            NetworkInterfaceMalformed(id) => {
                write!(f, "Invalid id: \"{id}\" (expecting \"eni-...\")")
            }
            AttachmentNotFound(id) => write!(f, "The attachment ID '{id}' does not exist"),
            NetworkInterfacePermissionNotFound(id) => {
                write!(f, "The networkInterfacePermission ID '{id}' does not exist")
            }
            VpcRange(cidr) | SubnetRange(cidr) => write!(f, "The CIDR '{cidr}' is invalid."),
            SubnetConflict(cidr) => write!(f, "The CIDR '{cidr}' conflicts with another subnet"),
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
            SecurityGroupRuleNotFound(id) => {
                write!(f, "The security group rule ID '{id}' does not exist")
            }
            SecurityGroupRuleMalformed(id) => {
                write!(f, "Invalid id: \"{id}\" (expecting \"sgr-...\")")
            }
            GroupInOtherNetwork => write!(
                f,
                "You have specified two resources that belong to different networks."
            ),
            VpcIdNotSpecified => write!(f, "No default VPC for this user"),
            // EC2 names neither the address nor the prefix here.
            InvalidIpAddressInUse(_) => write!(f, "The specified address is already in use"),
            PrivateIpAddressLimitExceeded => {
                write!(f, "Number of private addresses will exceed limit.")
            }
            SecurityGroupsPerInterfaceLimitExceeded => write!(
                f,
                "The maximum number of security groups per interface has been reached."
            ),
            InvalidId(id) => write!(f, "The ID '{id}' is not valid"),
            RequestEntityTooLarge { limit } => write!(
                f,
                "The request body exceeds the limit of {limit} bytes; send less data per request"
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
