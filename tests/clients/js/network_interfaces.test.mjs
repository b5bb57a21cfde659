// Network interfaces through @aws-sdk/client-ec2: the seed's four CreateNetworkInterface
// examples, the full create/describe/delete round trip with every field the SDK parses, DryRun,
// errors, the waiter and the paginator.

import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";

import {
  CreateNetworkInterfaceCommand,
  CreateSecurityGroupCommand,
  CreateVpcCommand,
  DeleteNetworkInterfaceCommand,
  DescribeNetworkInterfacesCommand,
  paginateDescribeNetworkInterfaces,
  waitUntilNetworkInterfaceAvailable,
} from "@aws-sdk/client-ec2";

import {
  ENI_ID,
  assertInterface,
  available,
  bigToV6,
  client,
  errorOf,
  inCidr6,
  parseCidr6,
  seedWorld,
  usable,
} from "./world.mjs";

const ec2 = client();
const create = (input) => ec2.send(new CreateNetworkInterfaceCommand(input));

// The API reference's four examples, each in a fresh seed world, with the parameters they send.

test("Example 1: a primary address chosen by EC2", async () => {
  const w = await seedWorld(ec2);
  const { NetworkInterface: eni } = await create({ SubnetId: w.subnetId });
  assert.equal(assertInterface(eni, w, { status: "pending" }).length, 1);
  assert.equal(await available(ec2, w.subnetId), 250);
});

test("Example 2: primary 10.0.2.140 and four secondaries chosen by EC2", async () => {
  const w = await seedWorld(ec2);
  const { NetworkInterface: eni } = await create({
    SubnetId: w.subnetId,
    PrivateIpAddresses: [{ Primary: true, PrivateIpAddress: "10.0.2.140" }],
    SecondaryPrivateIpAddressCount: 4,
  });
  const addrs = assertInterface(eni, w, { status: "pending" });
  assert.equal(eni.PrivateIpAddress, "10.0.2.140");
  assert.equal(addrs[0], "10.0.2.140");
  assert.equal(new Set(addrs).size, 5);
  assert.deepEqual(eni.PrivateIpAddresses.map((p) => p.Primary), [true, false, false, false, false]);
  assert.equal(await available(ec2, w.subnetId), 251 - 5);
});

test("Example 3: primary 10.0.2.130 and secondaries 10.0.2.132 and 10.0.2.133", async () => {
  const w = await seedWorld(ec2);
  const { NetworkInterface: eni } = await create({
    SubnetId: w.subnetId,
    PrivateIpAddresses: [
      { Primary: true, PrivateIpAddress: "10.0.2.130" },
      { Primary: false, PrivateIpAddress: "10.0.2.132" },
      { Primary: false, PrivateIpAddress: "10.0.2.133" },
    ],
  });
  assertInterface(eni, w, { status: "pending" });
  assert.deepEqual(
    eni.PrivateIpAddresses.map((p) => [p.PrivateIpAddress, p.Primary]),
    [
      ["10.0.2.130", true],
      ["10.0.2.132", false],
      ["10.0.2.133", false],
    ],
  );
  assert.equal(await available(ec2, w.subnetId), 251 - 3);
});

test("Example 4: primary 10.0.2.130 and two IPv6 addresses chosen by EC2", async () => {
  const w = await seedWorld(ec2);
  const { NetworkInterface: eni } = await create({
    SubnetId: w.subnetId,
    PrivateIpAddresses: [{ Primary: true, PrivateIpAddress: "10.0.2.130" }],
    Ipv6AddressCount: 2,
  });
  assertInterface(eni, w, { status: "pending", ipv6Count: 2 });
  assert.deepEqual(eni.PrivateIpAddresses.map((p) => p.PrivateIpAddress), ["10.0.2.130"]);
  const v6 = eni.Ipv6Addresses.map((a) => a.Ipv6Address);
  assert.equal(new Set(v6).size, 2);
  assert.ok(v6.every((a) => inCidr6(a, w.subnetV6)), `${v6} in ${w.subnetV6}`);
  assert.equal(await available(ec2, w.subnetId), 250);
});

test("create, describe, wait and delete, reading every field", async () => {
  const w = await seedWorld(ec2);
  const { GroupId: web } = await ec2.send(
    new CreateSecurityGroupCommand({ GroupName: "web", Description: "web tier", VpcId: w.vpcId }),
  );
  const before = await available(ec2, w.subnetId);
  const token = `js-${randomUUID()}`;
  const created = await create({
    SubnetId: w.subnetId,
    Description: "js interface",
    Groups: [web, w.defaultSg],
    SecondaryPrivateIpAddressCount: 2,
    Ipv6AddressCount: 1,
    TagSpecifications: [
      {
        ResourceType: "network-interface",
        Tags: [
          { Key: "Name", Value: "js-eni" },
          { Key: "team", Value: "net" },
        ],
      },
    ],
    ClientToken: token,
  });
  assert.equal(created.ClientToken, token);
  const eni = created.NetworkInterface;
  const opts = {
    description: "js interface",
    groups: [
      [web, "web"],
      [w.defaultSg, "default"],
    ],
    tags: [
      ["Name", "js-eni"],
      ["team", "net"],
    ],
    ipv6Count: 1,
  };
  const addrs = assertInterface(eni, w, { status: "pending", ...opts });
  assert.equal(addrs.length, 3);
  const id = eni.NetworkInterfaceId;
  assert.equal(await available(ec2, w.subnetId), before - 3);

  // The SDK's waiter polls DescribeNetworkInterfaces until the interface is available.
  const waited = await waitUntilNetworkInterfaceAvailable(
    { client: ec2, maxWaitTime: 30, minDelay: 1, maxDelay: 2 },
    { NetworkInterfaceIds: [id] },
  );
  assert.equal(waited.state, "SUCCESS");

  const { NetworkInterfaces } = await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [id] }));
  assert.equal(NetworkInterfaces.length, 1);
  const described = NetworkInterfaces[0];
  assertInterface(described, w, { status: "available", ...opts });
  assert.deepEqual({ ...described, Status: "pending" }, eni);

  for (const [Name, value] of [
    ["vpc-id", w.vpcId],
    ["tag:Name", "js-eni"],
    ["group-name", "web"],
    ["private-ip-address", addrs[0]],
    ["addresses.private-ip-address", addrs[2]],
    ["ipv6-addresses.ipv6-address", eni.Ipv6Addresses[0].Ipv6Address],
    ["description", "js interface"],
  ]) {
    const found = await ec2.send(
      new DescribeNetworkInterfacesCommand({
        Filters: [
          { Name: "subnet-id", Values: [w.subnetId] },
          { Name, Values: [value] },
        ],
      }),
    );
    assert.deepEqual(found.NetworkInterfaces.map((e) => e.NetworkInterfaceId), [id], Name);
  }

  const deleted = await ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: id }));
  assert.equal(deleted.$metadata.httpStatusCode, 200);
  assert.equal(await available(ec2, w.subnetId), before);
  assert.deepEqual(
    await errorOf(ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [id] }))),
    ["InvalidNetworkInterfaceID.NotFound", 400],
  );
  assert.deepEqual(await errorOf(ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: id }))), [
    "InvalidNetworkInterfaceID.NotFound",
    400,
  ]);

  // The waiter's failure acceptor: the interface does not exist.
  await assert.rejects(
    waitUntilNetworkInterfaceAvailable({ client: ec2, maxWaitTime: 30, minDelay: 1 }, { NetworkInterfaceIds: [id] }),
    (e) => {
      const result = JSON.parse(e.message);
      assert.equal(result.state, "FAILURE");
      assert.equal(result.reason.name, "InvalidNetworkInterfaceID.NotFound");
      return true;
    },
  );
});

test("prefixes, a primary IPv6 address and connection tracking", async () => {
  let w = await seedWorld(ec2);
  let { NetworkInterface: eni } = await create({ SubnetId: w.subnetId, Ipv4PrefixCount: 1, Ipv6PrefixCount: 1 });
  assertInterface(eni, w, { status: "pending" });
  assert.equal(eni.Ipv4Prefixes.length, 1);
  const [p4, len4] = eni.Ipv4Prefixes[0].Ipv4Prefix.split("/");
  assert.equal(len4, "28");
  assert.ok(usable(p4) && p4.startsWith("10.0.2."), p4);
  assert.equal(eni.Ipv6Prefixes.length, 1);
  const p6 = eni.Ipv6Prefixes[0].Ipv6Prefix;
  assert.match(p6, /\/80$/);
  assert.ok(inCidr6(p6, w.subnetV6), `${p6} in ${w.subnetV6}`);
  assert.equal(await available(ec2, w.subnetId), 251 - 17);

  // Explicit ones, in a subnet of their own.
  w = await seedWorld(ec2);
  const v6 = bigToV6(parseCidr6(w.subnetV6).base | 0x1234n);
  ({ NetworkInterface: eni } = await create({
    SubnetId: w.subnetId,
    Ipv6Addresses: [{ Ipv6Address: v6 }],
    EnablePrimaryIpv6: true,
    Ipv4Prefixes: [{ Ipv4Prefix: "10.0.2.64/28" }],
    ConnectionTrackingSpecification: { TcpEstablishedTimeout: 3600, UdpTimeout: 45 },
  }));
  assert.equal(eni.Ipv6Address, v6);
  assert.deepEqual(eni.Ipv6Addresses, [{ Ipv6Address: v6, IsPrimaryIpv6: true }]);
  assert.deepEqual(eni.Ipv4Prefixes, [{ Ipv4Prefix: "10.0.2.64/28" }]);
  assert.deepEqual(eni.ConnectionTrackingConfiguration, { TcpEstablishedTimeout: 3600, UdpTimeout: 45 });
});

test("DryRun answers DryRunOperation and changes nothing", async () => {
  const w = await seedWorld(ec2);
  assert.deepEqual(await errorOf(create({ SubnetId: w.subnetId, DryRun: true })), ["DryRunOperation", 412]);
  assert.deepEqual(await errorOf(ec2.send(new DescribeNetworkInterfacesCommand({ DryRun: true }))), [
    "DryRunOperation",
    412,
  ]);
  assert.deepEqual(await errorOf(ec2.send(new CreateVpcCommand({ CidrBlock: "10.9.0.0/16", DryRun: true }))), [
    "DryRunOperation",
    412,
  ]);
  const found = await ec2.send(
    new DescribeNetworkInterfacesCommand({ Filters: [{ Name: "subnet-id", Values: [w.subnetId] }] }),
  );
  assert.deepEqual(found.NetworkInterfaces, []);
  assert.equal(await available(ec2, w.subnetId), 251);
});

test("NotFound errors", async () => {
  const w = await seedWorld(ec2);
  assert.deepEqual(await errorOf(create({ SubnetId: "subnet-0123456789abcdef0" })), [
    "InvalidSubnetID.NotFound",
    400,
  ]);
  const missing = "eni-0123456789abcdef0";
  assert.deepEqual(
    await errorOf(ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [missing] }))),
    ["InvalidNetworkInterfaceID.NotFound", 400],
  );
  assert.deepEqual(await errorOf(ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: missing }))), [
    "InvalidNetworkInterfaceID.NotFound",
    400,
  ]);
  assert.deepEqual(await errorOf(create({ SubnetId: w.subnetId, Groups: ["sg-0123456789abcdef0"] })), [
    "InvalidGroup.NotFound",
    400,
  ]);
});

test("InvalidParameterCombination", async () => {
  const w = await seedWorld(ec2);
  assert.deepEqual(
    await errorOf(create({ SubnetId: w.subnetId, Ipv4PrefixCount: 1, SecondaryPrivateIpAddressCount: 1 })),
    ["InvalidParameterCombination", 400],
  );
  assert.deepEqual(await errorOf(create({ SubnetId: w.subnetId, Ipv6AddressCount: 1, Ipv6PrefixCount: 1 })), [
    "InvalidParameterCombination",
    400,
  ]);
  assert.equal(await available(ec2, w.subnetId), 251);
});

test("the paginator pages through DescribeNetworkInterfaces", async () => {
  const w = await seedWorld(ec2);
  const ids = new Set();
  for (let i = 0; i < 12; i++) {
    const { NetworkInterface: eni } = await create({ SubnetId: w.subnetId });
    assert.match(eni.NetworkInterfaceId, ENI_ID);
    ids.add(eni.NetworkInterfaceId);
  }
  const sizes = [];
  const seen = new Set();
  for await (const page of paginateDescribeNetworkInterfaces(
    { client: ec2, pageSize: 5 },
    { Filters: [{ Name: "subnet-id", Values: [w.subnetId] }] },
  )) {
    sizes.push(page.NetworkInterfaces.length);
    for (const e of page.NetworkInterfaces) seen.add(e.NetworkInterfaceId);
  }
  assert.deepEqual(sizes, [5, 5, 2]);
  assert.deepEqual([...seen].sort(), [...ids].sort());
});
