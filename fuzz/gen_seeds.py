"""Writes fuzz/seeds/handle_request/ (one request per line: selector byte, then the form body;
see fuzz_targets/handle_request.rs). Every body names its Action, so the seeds stay valid when
ACTIONS gains entries. Run from anywhere: python3 fuzz/gen_seeds.py"""
import re, os
os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
src = open('src/actions/mod.rs').read()
block = src[src.index('pub const ACTIONS'):src.index('pub fn route')]
actions = re.findall(r'"([A-Za-z0-9]+)"', block)
N = len(actions) + 2
def line(action, body):
    sel = actions.index(action)
    if sel == 10: sel += N          # 10 is '\n', the request separator
    return bytes([sel]) + f"Action={action}&Version=2016-11-15&{body}".encode()
singles = [
 ("signed_other_region", "DescribeVpcs", "X-Amz-Credential=210987654321%2F20260101%2Feu-west-3%2Fec2%2Faws4_request&X-Amz-Algorithm=AWS4-HMAC-SHA256"),
 ("create_vpc_ipv6_tags", "CreateVpc", "CidrBlock=10.0.0.0/16&AmazonProvidedIpv6CidrBlock=true&TagSpecification.1.ResourceType=vpc&TagSpecification.1.Tag.1.Key=Name&TagSpecification.1.Tag.1.Value=fuzz"),
 ("create_vpc", "CreateVpc", "CidrBlock=10.0.0.0/16"),
 ("create_subnet", "CreateSubnet", "VpcId={vpc}&CidrBlock=10.0.2.0/24&AvailabilityZone=us-east-1a"),
 ("create_vpc_ipv6", "CreateVpc", "CidrBlock=10.0.0.0/16&AmazonProvidedIpv6CidrBlock=true"),
 ("create_subnet_ipv6", "CreateSubnet", "VpcId={vpc}&CidrBlock=10.0.2.0/24&Ipv6CidrBlock={ipv6-cidr}&AvailabilityZoneId=use1-az2"),
 ("cni_example1", "CreateNetworkInterface", "SubnetId={subnet}"),
 ("cni_example2", "CreateNetworkInterface", "PrivateIpAddresses.1.Primary=true&PrivateIpAddresses.1.PrivateIpAddress=10.0.2.140&SecondaryPrivateIpAddressCount=4&SubnetId={subnet}"),
 ("cni_example3", "CreateNetworkInterface", "PrivateIpAddresses.1.Primary=true&PrivateIpAddresses.1.PrivateIpAddress=10.0.2.130&PrivateIpAddresses.2.Primary=false&PrivateIpAddresses.2.PrivateIpAddress=10.0.2.132&PrivateIpAddresses.3.Primary=false&PrivateIpAddresses.3.PrivateIpAddress=10.0.2.133&SubnetId={subnet}"),
 ("cni_example4", "CreateNetworkInterface", "PrivateIpAddresses.1.Primary=true&PrivateIpAddresses.1.PrivateIpAddress=10.0.2.131&Ipv6AddressCount=2&SubnetId={subnet}"),
 ("cni_full", "CreateNetworkInterface", "SubnetId={subnet}&Description=fuzz+%C3%A9&SecurityGroupId.1={sg}&PrivateIpAddress=10.0.2.77&Ipv6Addresses.1.Ipv6Address={ipv6-addr}&ClientToken=tok-1&TagSpecification.1.ResourceType=network-interface&TagSpecification.1.Tag.1.Key=env&TagSpecification.1.Tag.1.Value=prod"),
 ("cni_dry_run", "CreateNetworkInterface", "SubnetId={subnet}&DryRun=true&Ipv4PrefixCount=1"),
 ("assign_private", "AssignPrivateIpAddresses", "NetworkInterfaceId={eni}&SecondaryPrivateIpAddressCount=2"),
 ("assign_private_explicit", "AssignPrivateIpAddresses", "NetworkInterfaceId={eni}&PrivateIpAddress.1=10.0.2.200&PrivateIpAddress.2=10.0.2.201&AllowReassignment=true"),
 ("unassign_private", "UnassignPrivateIpAddresses", "NetworkInterfaceId={eni}&PrivateIpAddress.1=10.0.2.200"),
 ("assign_ipv6", "AssignIpv6Addresses", "NetworkInterfaceId={eni}&Ipv6AddressCount=1"),
 ("assign_ipv6_explicit", "AssignIpv6Addresses", "NetworkInterfaceId={eni}&Ipv6Addresses.1={ipv6-addr}"),
 ("unassign_ipv6", "UnassignIpv6Addresses", "NetworkInterfaceId={eni}&Ipv6Addresses.1={ipv6-addr}"),
 ("create_tags", "CreateTags", "ResourceId.1={eni}&ResourceId.2={vpc}&ResourceId.3={subnet}&Tag.1.Key=env&Tag.1.Value=prod&Tag.2.Key=Name&Tag.2.Value="),
 ("describe_enis_filters", "DescribeNetworkInterfaces", "Filter.1.Name=subnet-id&Filter.1.Value.1={subnet}&Filter.2.Name=tag:env&Filter.2.Value.1=prod&Filter.3.Name=addresses.private-ip-address&Filter.3.Value.1=10.0.2.*&MaxResults=5"),
 ("describe_enis_ids", "DescribeNetworkInterfaces", "NetworkInterfaceId.1={eni}&NetworkInterfaceId.2=eni-0123456789abcdef0"),
 ("describe_subnets", "DescribeSubnets", "Filter.1.Name=vpc-id&Filter.1.Value.1={vpc}&SubnetId.1={subnet}&Filter.2.Name=available-ip-address-count&Filter.2.Value.1=250"),
 ("describe_vpcs", "DescribeVpcs", "VpcId.1={vpc}&Filter.1.Name=is-default&Filter.1.Value.1=false&Filter.2.Name=ipv6-cidr-block-association.state&Filter.2.Value.1=associated"),
 ("describe_tags", "DescribeTags", "Filter.1.Name=resource-type&Filter.1.Value.1=network-interface&Filter.2.Name=key&Filter.2.Value.1=env&MaxResults=6"),
 ("create_sg", "CreateSecurityGroup", "GroupName=web&GroupDescription=web+tier&VpcId={vpc}&TagSpecification.1.ResourceType=security-group&TagSpecification.1.Tag.1.Key=a&TagSpecification.1.Tag.1.Value=b"),
 ("authorize_ingress", "AuthorizeSecurityGroupIngress", "GroupId={sg}&IpPermissions.1.IpProtocol=tcp&IpPermissions.1.FromPort=443&IpPermissions.1.ToPort=443&IpPermissions.1.IpRanges.1.CidrIp=0.0.0.0/0&IpPermissions.1.Ipv6Ranges.1.CidrIpv6=::/0&IpPermissions.2.IpProtocol=-1&IpPermissions.2.Groups.1.GroupId={sg}"),
 ("describe_sgs", "DescribeSecurityGroups", "GroupId.1={sg}&Filter.1.Name=ip-permission.from-port&Filter.1.Value.1=443"),
 ("revoke_ingress", "RevokeSecurityGroupIngress", "GroupId={sg}&SecurityGroupRuleId.1={sgr}"),
 ("modify_eni_attribute", "ModifyNetworkInterfaceAttribute", "NetworkInterfaceId={eni}&SourceDestCheck.Value=false"),
 ("describe_eni_attribute", "DescribeNetworkInterfaceAttribute", "NetworkInterfaceId={eni}&Attribute=groupSet"),
 ("reset_eni_attribute", "ResetNetworkInterfaceAttribute", "NetworkInterfaceId={eni}&SourceDestCheck=true"),
 ("create_eni_permission", "CreateNetworkInterfacePermission", "NetworkInterfaceId={eni}&AwsAccountId=210987654321&Permission=INSTANCE-ATTACH"),
 ("describe_eni_permissions", "DescribeNetworkInterfacePermissions", "NetworkInterfacePermissionId.1={eni-perm}&Filter.1.Name=network-interface-permission.permission&Filter.1.Value.1=INSTANCE-ATTACH"),
 ("delete_eni_permission", "DeleteNetworkInterfacePermission", "NetworkInterfacePermissionId={eni-perm}&Force=true"),
 ("modify_subnet_attribute", "ModifySubnetAttribute", "SubnetId={subnet}&MapPublicIpOnLaunch.Value=true"),
 ("describe_regions", "DescribeRegions", "AllRegions=true&RegionName.1=eu-west-3&Filter.1.Name=opt-in-status&Filter.1.Value.1=opt-in-not-required"),
 ("describe_azs", "DescribeAvailabilityZones", "ZoneName.1=us-east-1a&AllAvailabilityZones=true"),
 ("delete_eni", "DeleteNetworkInterface", "NetworkInterfaceId={eni}"),
 ("delete_tags", "DeleteTags", "ResourceId.1={vpc}&Tag.1.Key=env&Tag.2.Key=Name&Tag.2.Value=x"),
 ("delete_subnet", "DeleteSubnet", "SubnetId={subnet}"),
 ("delete_vpc", "DeleteVpc", "VpcId={vpc}&DryRun=false"),
]
S = {k:(a,b) for k,a,b in singles}
def L(name, **over):
    a,b = S[name]
    for k,v in over.items(): b = b.replace(k, v)
    return line(a,b)
scenarios = {
 "ipv6_interface_lifecycle": [L("create_vpc_ipv6"), L("create_subnet_ipv6"), L("cni_example2"), L("assign_private"), L("assign_ipv6"), L("assign_ipv6_explicit"), L("describe_enis_ids"), L("delete_eni")],
 "exhaust_small_subnet": [L("create_vpc"), line("CreateSubnet","VpcId={vpc}&CidrBlock=10.0.2.0/28"), line("CreateNetworkInterface","SubnetId={subnet}&SecondaryPrivateIpAddressCount=9"), L("cni_example1"), L("assign_private"), line("DescribeSubnets","SubnetId.1={subnet}"), L("delete_subnet")],
 "security_group_rules": [L("create_vpc"), L("create_subnet"), L("create_sg"), L("authorize_ingress"), line("CreateNetworkInterface","SubnetId={subnet}&SecurityGroupId.1={sg}"), L("revoke_ingress"), line("AuthorizeSecurityGroupEgress","GroupId={sg}&IpPermissions.1.IpProtocol=udp&IpPermissions.1.FromPort=53&IpPermissions.1.ToPort=53&IpPermissions.1.IpRanges.1.CidrIp=10.0.0.0/8"), line("DeleteSecurityGroup","GroupId={sg}")],
 "client_token_and_tags": [line("CreateNetworkInterface","SubnetId={subnet}&ClientToken=t-1&Description=a"), line("CreateNetworkInterface","SubnetId={subnet}&ClientToken=t-1&Description=a"), line("CreateNetworkInterface","SubnetId={subnet}&ClientToken=t-1&Description=b"), L("create_tags"), L("describe_tags"), line("DeleteTags","ResourceId.1={eni}&Tag.1.Key=env"), line("DescribeTags","Filter.1.Name=resource-id&Filter.1.Value.1={eni}")],
 "interface_permissions": [L("cni_example1"), L("create_eni_permission"), L("describe_eni_permissions"), L("delete_eni"), L("delete_eni_permission"), line("DescribeNetworkInterfacePermissions","MaxResults=5")],
 "reassign_between_interfaces": [L("create_vpc"), L("create_subnet"), line("CreateNetworkInterface","SubnetId={subnet}&PrivateIpAddresses.1.PrivateIpAddress=10.0.2.49&PrivateIpAddresses.1.Primary=true&PrivateIpAddresses.2.PrivateIpAddress=10.0.2.50"), L("cni_example1"), line("AssignPrivateIpAddresses","NetworkInterfaceId={eni}&PrivateIpAddress.1=10.0.2.50&AllowReassignment=true"), line("UnassignPrivateIpAddresses","NetworkInterfaceId={eni}&PrivateIpAddress.1=10.0.2.50"), L("describe_enis_filters"), line("ModifyNetworkInterfaceAttribute","NetworkInterfaceId={eni}&Description.Value=moved")],
}
# `selector body \r authorization \r query`
auth = b"\rAWS4-HMAC-SHA256 Credential=210987654321/20260101/eu-west-3/ec2/aws4_request, SignedHeaders=host;x-amz-date, Signature=00"
extras = {
 "header_other_account_region": line("CreateVpc", "CidrBlock=10.1.0.0/16") + auth,
 "query_get_style": bytes([N - 1]) + b"\r\rAction=DescribeSubnets&Version=2016-11-15&SubnetId.1={subnet}",
 "query_and_body": line("CreateNetworkInterface", "SubnetId={subnet}") + b"\r\rAction=DescribeVpcs&DryRun=true",
}
d = 'fuzz/seeds/handle_request'
for f in os.listdir(d): os.remove(os.path.join(d,f))
for i,(name,a,b) in enumerate(singles):
    open(f"{d}/{i:02d}_{name}", 'wb').write(line(a,b))
for name, lines in scenarios.items():
    assert len(lines) <= 8
    for l in lines: assert b'\n' not in l
    open(f"{d}/scenario_{name}", 'wb').write(b'\n'.join(lines))
for name, data in extras.items():
    assert data.count(b'\n') == 0
    open(f"{d}/extra_{name}", 'wb').write(data)
print(len(singles), len(scenarios), len(extras))
