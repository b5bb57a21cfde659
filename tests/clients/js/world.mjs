// The seed examples' world and the checks every interface shares, through the AWS SDK for
// JavaScript v3. The world is the one the API reference's CreateNetworkInterface examples live
// in (and the Rust and Python suites build): region ap-southeast-1, a VPC 10.0.0.0/16 with an
// Amazon-provided IPv6 /56, and the subnet 10.0.2.0/24 in ap-southeast-1b with the /56's third
// /64.

import assert from "node:assert/strict";

import {
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  EC2Client,
} from "@aws-sdk/client-ec2";

export const REGION = "ap-southeast-1";
export const ZONE = "ap-southeast-1b";
export const ZONE_ID = "apse1-az2";
export const ACCOUNT = "123456789012"; // the default account: the key "test" is not 12 digits
export const SUBNET_CIDR = "10.0.2.0/24";

export const longId = (prefix) => new RegExp(`^${prefix}-[0-9a-f]{17}$`);
export const ENI_ID = longId("eni");
export const MAC = /^02(:[0-9a-f]{2}){5}$/;

export function client() {
  const endpoint = process.env.EC2_MOCK_ENDPOINT;
  if (!endpoint) {
    throw new Error("EC2_MOCK_ENDPOINT is not set: run tests/clients/run.sh");
  }
  return new EC2Client({
    endpoint,
    region: REGION,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: 1,
  });
}

/** Runs a call that must fail; returns [error code, HTTP status]. */
export async function errorOf(promise) {
  try {
    const out = await promise;
    assert.fail(`succeeded: ${JSON.stringify(out)}`);
  } catch (e) {
    if (e instanceof assert.AssertionError) throw e;
    // EC2's error document: code, message and request ID all reach the client.
    assert.equal(e.name, e.Code, "the SDK's error name is EC2's code");
    assert.ok(e.message, "a message");
    assert.match(e.$metadata?.requestId ?? "", /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    return [e.name, e.$metadata?.httpStatusCode];
  }
}

// --- addresses -----------------------------------------------------------------------------

export function v4ToInt(ip) {
  const parts = ip.split(".").map(Number);
  assert.equal(parts.length, 4, ip);
  return parts.reduce((n, p) => n * 256 + p, 0);
}

/** Inside 10.0.2.0/24 and not one of its five reserved addresses. */
export function usable(ip) {
  const n = v4ToInt(ip);
  const base = v4ToInt("10.0.2.0");
  return n >= base + 4 && n <= base + 254;
}

export function v6ToBig(addr) {
  const [head, tail] = addr.includes("::") ? addr.split("::") : [addr, null];
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const groups = tail === null ? h : [...h, ...Array(8 - h.length - t.length).fill("0"), ...t];
  assert.equal(groups.length, 8, addr);
  return groups.reduce((n, g) => (n << 16n) | BigInt(parseInt(g, 16)), 0n);
}

export function bigToV6(n) {
  const groups = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((n >> BigInt(16 * i)) & 0xffffn).toString(16));
  // RFC 5952: the longest run (of two or more) of zero groups becomes "::".
  let best = [-1, 0];
  for (let i = 0; i < 8; ) {
    if (groups[i] !== "0") { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === "0") j++;
    if (j - i > best[1] && j - i >= 2) best = [i, j - i];
    i = j;
  }
  if (best[0] < 0) return groups.join(":");
  const left = groups.slice(0, best[0]).join(":");
  const right = groups.slice(best[0] + best[1]).join(":");
  return `${left}::${right}`;
}

export function parseCidr6(cidr) {
  const [addr, len] = cidr.split("/");
  return { base: v6ToBig(addr), len: Number(len) };
}

/** The index-th /64 of a VPC's /56. */
export function nth64(block56, index) {
  const { base, len } = parseCidr6(block56);
  assert.equal(len, 56, block56);
  return `${bigToV6(base | (BigInt(index) << 64n))}/64`;
}

/** Whether an IPv6 address or CIDR lies inside a CIDR. */
export function inCidr6(addrOrCidr, cidr) {
  const { base, len } = parseCidr6(cidr);
  const [addr, innerLen] = addrOrCidr.split("/");
  if (innerLen !== undefined && Number(innerLen) < len) return false;
  const shift = BigInt(128 - len);
  return v6ToBig(addr) >> shift === base >> shift;
}

export const dns = (ip) => `ip-${ip.replaceAll(".", "-")}.${REGION}.compute.internal`;

// --- the world -----------------------------------------------------------------------------

export async function seedWorld(ec2) {
  const { Vpc } = await ec2.send(
    new CreateVpcCommand({ CidrBlock: "10.0.0.0/16", AmazonProvidedIpv6CidrBlock: true }),
  );
  const block56 = Vpc.Ipv6CidrBlockAssociationSet[0].Ipv6CidrBlock;
  const subnetV6 = nth64(block56, 2);
  const { Subnet } = await ec2.send(
    new CreateSubnetCommand({
      VpcId: Vpc.VpcId,
      CidrBlock: SUBNET_CIDR,
      Ipv6CidrBlock: subnetV6,
      AvailabilityZone: ZONE,
    }),
  );
  const { SecurityGroups } = await ec2.send(
    new DescribeSecurityGroupsCommand({
      Filters: [
        { Name: "vpc-id", Values: [Vpc.VpcId] },
        { Name: "group-name", Values: ["default"] },
      ],
    }),
  );
  assert.equal(SecurityGroups.length, 1);
  return {
    vpcId: Vpc.VpcId,
    vpcV6: block56,
    subnetId: Subnet.SubnetId,
    subnetV6,
    defaultSg: SecurityGroups[0].GroupId,
  };
}

export async function available(ec2, subnetId) {
  const { Subnets } = await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [subnetId] }));
  return Subnets[0].AvailableIpAddressCount;
}

// Every key the SDK parses for an unattached interface of this world. Conditional ones (the
// primary IPv6 address, connection tracking) are passed by the caller.
const INTERFACE_KEYS = [
  "NetworkInterfaceId",
  "SubnetId",
  "VpcId",
  "AvailabilityZone",
  "AvailabilityZoneId",
  "Description",
  "OwnerId",
  "RequesterId",
  "RequesterManaged",
  "Status",
  "MacAddress",
  "PrivateIpAddress",
  "PrivateDnsName",
  "SourceDestCheck",
  "Groups",
  "TagSet",
  "PrivateIpAddresses",
  "Ipv4Prefixes",
  "Ipv6Prefixes",
  "Ipv6Addresses",
  "InterfaceType",
  "Ipv6Native",
  "Operator",
];

/** Every field the SDK parses for an interface; returns its private IPv4 addresses. */
export function assertInterface(eni, w, opts) {
  const {
    status,
    description = "",
    groups = [[w.defaultSg, "default"]],
    tags = [],
    ipv6Count = 0,
    extraKeys = [],
  } = opts;
  assert.deepEqual(
    Object.keys(eni).filter((k) => eni[k] !== undefined).sort(),
    // `Ipv6Address` (the first IPv6 address) comes with any IPv6 address.
    [...new Set([...INTERFACE_KEYS, ...(ipv6Count ? ["Ipv6Address"] : []), ...extraKeys])].sort(),
  );
  assert.match(eni.NetworkInterfaceId, ENI_ID);
  assert.equal(eni.SubnetId, w.subnetId);
  assert.equal(eni.VpcId, w.vpcId);
  assert.equal(eni.AvailabilityZone, ZONE);
  assert.equal(eni.AvailabilityZoneId, ZONE_ID);
  assert.equal(eni.Description, description);
  assert.equal(eni.OwnerId, ACCOUNT);
  assert.equal(eni.RequesterId, ACCOUNT);
  assert.equal(eni.RequesterManaged, false);
  assert.equal(eni.Status, status);
  assert.match(eni.MacAddress, MAC);
  assert.equal(eni.SourceDestCheck, true);
  assert.equal(eni.InterfaceType, "interface");
  assert.equal(eni.Ipv6Native, false);
  assert.deepEqual(eni.Operator, { Managed: false });
  assert.deepEqual(
    eni.Groups.map((g) => [g.GroupId, g.GroupName]),
    groups,
  );
  const sortTags = (t) => [...t].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  assert.deepEqual(sortTags(eni.TagSet.map((t) => [t.Key, t.Value])), sortTags(tags));

  const primary = eni.PrivateIpAddress;
  assert.ok(usable(primary), primary);
  assert.equal(eni.PrivateDnsName, dns(primary));
  const listed = eni.PrivateIpAddresses;
  assert.deepEqual(listed[0], { PrivateIpAddress: primary, PrivateDnsName: dns(primary), Primary: true });
  for (const p of listed.slice(1)) {
    assert.deepEqual(Object.keys(p).sort(), ["Primary", "PrivateDnsName", "PrivateIpAddress"]);
    assert.equal(p.Primary, false);
    assert.ok(usable(p.PrivateIpAddress), p.PrivateIpAddress);
    assert.equal(p.PrivateDnsName, dns(p.PrivateIpAddress));
  }
  const addrs = listed.map((p) => p.PrivateIpAddress);
  assert.equal(new Set(addrs).size, addrs.length, `distinct: ${addrs}`);

  assert.equal(eni.Ipv6Addresses.length, ipv6Count);
  for (const a of eni.Ipv6Addresses) {
    assert.ok(inCidr6(a.Ipv6Address, w.subnetV6), `${a.Ipv6Address} in ${w.subnetV6}`);
    assert.equal(a.IsPrimaryIpv6, false);
  }
  assert.equal(new Set(eni.Ipv6Addresses.map((a) => a.Ipv6Address)).size, ipv6Count);
  if (ipv6Count) assert.equal(eni.Ipv6Address, eni.Ipv6Addresses[0].Ipv6Address);
  return addrs;
}
