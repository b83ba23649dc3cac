import * as ec2 from "@pulumi/aws/ec2";
import { checkWhenKnown } from "../../whenKnown";
import { getAvailabilityZonesOutput } from "@pulumi/aws/getAvailabilityZones";
import * as pulumi from "@pulumi/pulumi";
import { subnetCidrs } from "./cidr";

/** The subnets an EKS cluster runs in. */
export interface EksSubnets {
  publicSubnetIds: pulumi.Input<string>[];
  privateSubnetIds: pulumi.Input<string>[];
}

/**
 * A VPC for EKS: per zone a public subnet (load balancers) and a private subnet (nodes), an internet gateway, and one
 * NAT gateway (in the first public subnet) for the nodes' egress. One NAT keeps the cost down; losing its zone cuts
 * the nodes' internet egress, not the cluster.
 */
export function createVpc(
  name: string,
  s: { region: string; vpcCidr: string; zones: string[] | number },
  parent: pulumi.Resource,
): EksSubnets {
  const opts = { parent };
  const region = s.region;
  const zones = typeof s.zones === "number" ? firstZones(name, region, s.zones, parent) : s.zones;
  const cidrs = subnetCidrs(s.vpcCidr, zones.length);

  const vpc = new ec2.Vpc(
    `${name}-vpc`,
    { cidrBlock: s.vpcCidr, enableDnsHostnames: true, enableDnsSupport: true, region, tags: { Name: `${name}-vpc` } },
    opts,
  );
  const igw = new ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, region, tags: { Name: `${name}-igw` } }, opts);
  const subnets = (kind: "public" | "private", roleTag: string) =>
    zones.map(
      (zone, i) =>
        new ec2.Subnet(
          `${name}-${kind}-${i}`,
          {
            vpcId: vpc.id,
            cidrBlock: cidrs[kind][i],
            availabilityZone: zone,
            region,
            tags: { Name: `${name}-${kind}-${i}`, [roleTag]: "1" },
          },
          opts,
        ),
    );
  // Load balancers find their subnets by these role tags.
  const publicSubnets = subnets("public", "kubernetes.io/role/elb");
  const privateSubnets = subnets("private", "kubernetes.io/role/internal-elb");

  const eip = new ec2.Eip(`${name}-nat-ip`, { domain: "vpc", region, tags: { Name: `${name}-nat-ip` } }, opts);
  const nat = new ec2.NatGateway(
    `${name}-nat`,
    { allocationId: eip.id, subnetId: publicSubnets[0].id, region, tags: { Name: `${name}-nat` } },
    { parent, dependsOn: [igw] },
  );
  const routeTable = (
    kind: "public" | "private",
    route: { gatewayId: pulumi.Input<string> } | { natGatewayId: pulumi.Input<string> },
    members: ec2.Subnet[],
  ) => {
    const table = new ec2.RouteTable(
      `${name}-${kind}`,
      { vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", ...route }], region, tags: { Name: `${name}-${kind}` } },
      opts,
    );
    members.forEach(
      (subnet, i) =>
        new ec2.RouteTableAssociation(
          `${name}-${kind}-${i}`,
          { routeTableId: table.id, subnetId: subnet.id, region },
          opts,
        ),
    );
  };
  routeTable("public", { gatewayId: igw.id }, publicSubnets);
  routeTable("private", { natGatewayId: nat.id }, privateSubnets);

  return { publicSubnetIds: publicSubnets.map((x) => x.id), privateSubnetIds: privateSubnets.map((x) => x.id) };
}

/** The region's first `count` zones that need no opt-in (Local and Wavelength Zones cannot host EKS). */
function firstZones(name: string, region: string, count: number, parent: pulumi.Resource): pulumi.Output<string>[] {
  const available = getAvailabilityZonesOutput(
    { region, state: "available", filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] },
    { parent },
  );
  return [...Array(count).keys()].map((i) =>
    checkWhenKnown(available.names, (names) => {
      if (names.length < count)
        throw new Error(
          `EksCluster "${name}": ${region} has ${names.length} availability zones, fewer than availabilityZoneCount ${count}; lower it`,
        );
      return names[i];
    }),
  );
}
