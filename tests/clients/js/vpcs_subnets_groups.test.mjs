// VPCs (dual-stack), subnets and security groups: create, describe, delete through
// @aws-sdk/client-ec2.

import assert from "node:assert/strict";
import { test } from "node:test";

import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DeleteSecurityGroupCommand,
  DeleteSubnetCommand,
  DeleteVpcCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  RevokeSecurityGroupIngressCommand,
} from "@aws-sdk/client-ec2";

import { ACCOUNT, REGION, ZONE, ZONE_ID, client, errorOf, inCidr6, longId, nth64, seedWorld } from "./world.mjs";

const ec2 = client();
const nameTag = (ResourceType, Value) => [{ ResourceType, Tags: [{ Key: "Name", Value }] }];

test("dual-stack VPC: create, describe, delete", async () => {
  const { Vpc: vpc } = await ec2.send(
    new CreateVpcCommand({
      CidrBlock: "10.0.0.0/16",
      AmazonProvidedIpv6CidrBlock: true,
      TagSpecifications: nameTag("vpc", "js-vpc"),
    }),
  );
  assert.match(vpc.VpcId, longId("vpc"));
  assert.equal(vpc.CidrBlock, "10.0.0.0/16");
  assert.equal(vpc.State, "pending");
  assert.equal(vpc.OwnerId, ACCOUNT);
  assert.equal(vpc.IsDefault, false);
  assert.equal(vpc.InstanceTenancy, "default");
  assert.match(vpc.DhcpOptionsId, longId("dopt"));
  assert.deepEqual(vpc.Tags, [{ Key: "Name", Value: "js-vpc" }]);
  assert.equal(vpc.CidrBlockAssociationSet[0].CidrBlock, "10.0.0.0/16");
  assert.deepEqual(vpc.CidrBlockAssociationSet[0].CidrBlockState, { State: "associated" });
  const [v6] = vpc.Ipv6CidrBlockAssociationSet;
  assert.match(v6.Ipv6CidrBlock, /\/56$/);
  assert.ok(inCidr6(v6.Ipv6CidrBlock, "2600:1f00::/24"), v6.Ipv6CidrBlock);
  assert.deepEqual(v6.Ipv6CidrBlockState, { State: "associating" });
  assert.equal(v6.NetworkBorderGroup, REGION);
  assert.equal(v6.Ipv6Pool, "Amazon");
  assert.match(v6.AssociationId, longId("vpc-cidr-assoc"));

  const { Vpcs } = await ec2.send(new DescribeVpcsCommand({ VpcIds: [vpc.VpcId] }));
  assert.equal(Vpcs.length, 1);
  assert.equal(Vpcs[0].State, "available");
  assert.equal(Vpcs[0].Ipv6CidrBlockAssociationSet[0].Ipv6CidrBlock, v6.Ipv6CidrBlock);
  assert.deepEqual(Vpcs[0].Ipv6CidrBlockAssociationSet[0].Ipv6CidrBlockState, { State: "associated" });
  const byTag = await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: "tag:Name", Values: ["js-*"] }] }));
  assert.ok(byTag.Vpcs.some((v) => v.VpcId === vpc.VpcId));

  const deleted = await ec2.send(new DeleteVpcCommand({ VpcId: vpc.VpcId }));
  assert.equal(deleted.$metadata.httpStatusCode, 200);
  assert.deepEqual(await errorOf(ec2.send(new DescribeVpcsCommand({ VpcIds: [vpc.VpcId] }))), [
    "InvalidVpcID.NotFound",
    400,
  ]);
});

test("dual-stack subnet: create, describe, delete", async () => {
  const { Vpc: vpc } = await ec2.send(
    new CreateVpcCommand({ CidrBlock: "10.1.0.0/16", AmazonProvidedIpv6CidrBlock: true }),
  );
  const v6 = nth64(vpc.Ipv6CidrBlockAssociationSet[0].Ipv6CidrBlock, 2);
  const { Subnet: s } = await ec2.send(
    new CreateSubnetCommand({
      VpcId: vpc.VpcId,
      CidrBlock: "10.1.2.0/24",
      Ipv6CidrBlock: v6,
      AvailabilityZone: ZONE,
      TagSpecifications: nameTag("subnet", "js-subnet"),
    }),
  );
  assert.match(s.SubnetId, longId("subnet"));
  assert.equal(s.SubnetArn, `arn:aws:ec2:${REGION}:${ACCOUNT}:subnet/${s.SubnetId}`);
  assert.equal(s.State, "pending");
  assert.equal(s.VpcId, vpc.VpcId);
  assert.equal(s.OwnerId, ACCOUNT);
  assert.equal(s.CidrBlock, "10.1.2.0/24");
  assert.equal(s.AvailableIpAddressCount, 251);
  assert.equal(s.AvailabilityZone, ZONE);
  assert.equal(s.AvailabilityZoneId, ZONE_ID);
  assert.equal(s.DefaultForAz, false);
  assert.equal(s.MapPublicIpOnLaunch, false);
  assert.equal(s.AssignIpv6AddressOnCreation, false);
  assert.equal(s.Ipv6Native, false);
  assert.deepEqual(s.Tags, [{ Key: "Name", Value: "js-subnet" }]);
  assert.equal(s.Ipv6CidrBlockAssociationSet[0].Ipv6CidrBlock, v6);
  assert.deepEqual(s.Ipv6CidrBlockAssociationSet[0].Ipv6CidrBlockState, { State: "associating" });

  const { Subnets } = await ec2.send(
    new DescribeSubnetsCommand({ Filters: [{ Name: "vpc-id", Values: [vpc.VpcId] }] }),
  );
  assert.deepEqual(
    Subnets.map((x) => [x.SubnetId, x.State, x.Ipv6CidrBlockAssociationSet[0].Ipv6CidrBlockState.State]),
    [[s.SubnetId, "available", "associated"]],
  );

  assert.deepEqual(await errorOf(ec2.send(new DeleteVpcCommand({ VpcId: vpc.VpcId }))), ["DependencyViolation", 400]);
  await ec2.send(new DeleteSubnetCommand({ SubnetId: s.SubnetId }));
  assert.deepEqual(await errorOf(ec2.send(new DescribeSubnetsCommand({ SubnetIds: [s.SubnetId] }))), [
    "InvalidSubnetID.NotFound",
    400,
  ]);
  await ec2.send(new DeleteVpcCommand({ VpcId: vpc.VpcId }));
});

test("security group: create, authorize and revoke ingress, delete", async () => {
  const w = await seedWorld(ec2);
  const created = await ec2.send(
    new CreateSecurityGroupCommand({
      GroupName: "web",
      Description: "web tier",
      VpcId: w.vpcId,
      TagSpecifications: nameTag("security-group", "js-sg"),
    }),
  );
  const sg = created.GroupId;
  assert.match(sg, longId("sg"));
  assert.equal(created.SecurityGroupArn, `arn:aws:ec2:${REGION}:${ACCOUNT}:security-group/${sg}`);
  assert.deepEqual(created.Tags, [{ Key: "Name", Value: "js-sg" }]);

  let [group] = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [sg] }))).SecurityGroups;
  assert.equal(group.GroupName, "web");
  assert.equal(group.Description, "web tier");
  assert.equal(group.VpcId, w.vpcId);
  assert.equal(group.OwnerId, ACCOUNT);
  assert.deepEqual(group.IpPermissions, []);
  assert.equal(group.IpPermissionsEgress[0].IpProtocol, "-1");
  assert.deepEqual(group.IpPermissionsEgress[0].IpRanges, [{ CidrIp: "0.0.0.0/0" }]);

  const ssh = { IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: "10.0.0.0/16", Description: "ssh" }] };
  const authorized = await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: sg,
      IpPermissions: [
        ssh,
        { IpProtocol: "tcp", FromPort: 443, ToPort: 443, Ipv6Ranges: [{ CidrIpv6: "::/0" }] },
        { IpProtocol: "udp", FromPort: 53, ToPort: 53, UserIdGroupPairs: [{ GroupId: w.defaultSg }] },
      ],
    }),
  );
  assert.equal(authorized.Return, true);
  assert.equal(authorized.SecurityGroupRules.length, 3);
  for (const r of authorized.SecurityGroupRules) {
    assert.match(r.SecurityGroupRuleId, longId("sgr"));
    assert.equal(r.GroupId, sg);
    assert.equal(r.GroupOwnerId, ACCOUNT);
    assert.equal(r.IsEgress, false);
  }
  const sshRule = authorized.SecurityGroupRules.find((r) => r.FromPort === 22);
  assert.deepEqual([sshRule.IpProtocol, sshRule.ToPort, sshRule.CidrIpv4, sshRule.Description], [
    "tcp",
    22,
    "10.0.0.0/16",
    "ssh",
  ]);
  const dnsRule = authorized.SecurityGroupRules.find((r) => r.FromPort === 53);
  assert.deepEqual(dnsRule.ReferencedGroupInfo, { GroupId: w.defaultSg, UserId: ACCOUNT });

  [group] = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [sg] }))).SecurityGroups;
  const perms = Object.fromEntries(group.IpPermissions.map((p) => [`${p.IpProtocol}/${p.FromPort}`, p]));
  assert.deepEqual(Object.keys(perms).sort(), ["tcp/22", "tcp/443", "udp/53"]);
  assert.deepEqual(perms["tcp/22"].IpRanges, [{ CidrIp: "10.0.0.0/16", Description: "ssh" }]);
  assert.deepEqual(perms["tcp/443"].Ipv6Ranges, [{ CidrIpv6: "::/0" }]);
  assert.deepEqual(perms["udp/53"].UserIdGroupPairs, [{ UserId: ACCOUNT, GroupId: w.defaultSg }]);

  assert.deepEqual(
    await errorOf(ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: sg, IpPermissions: [ssh] }))),
    ["InvalidPermission.Duplicate", 400],
  );
  const revoked = await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: sg, IpPermissions: [ssh] }));
  assert.equal(revoked.Return, true);
  assert.deepEqual(
    revoked.RevokedSecurityGroupRules.map((r) => r.SecurityGroupRuleId),
    [sshRule.SecurityGroupRuleId],
  );
  await ec2.send(
    new RevokeSecurityGroupIngressCommand({ GroupId: sg, SecurityGroupRuleIds: [dnsRule.SecurityGroupRuleId] }),
  );
  [group] = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [sg] }))).SecurityGroups;
  assert.deepEqual(group.IpPermissions.map((p) => p.FromPort), [443]);

  await ec2.send(new DeleteSecurityGroupCommand({ GroupId: sg }));
  assert.deepEqual(await errorOf(ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [sg] }))), [
    "InvalidGroup.NotFound",
    400,
  ]);
});
