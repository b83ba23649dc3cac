import * as ec2 from "@pulumi/aws/ec2";
import { checkWhenKnown } from "../../whenKnown";
import { getAvailabilityZonesOutput } from "@pulumi/aws/getAvailabilityZones";
import * as pulumi from "@pulumi/pulumi";
import { subnetCidrs } from "./cidr";
import { checkEksZones, pickEksZones } from "./zones";

/** The subnets an EKS cluster runs in. */
export interface EksSubnets {
  publicSubnetIds: pulumi.Input<string>[];
  privateSubnetIds: pulumi.Input<string>[];
}

/**
 * A VPC for EKS: per zone a public subnet (load balancers) and a private subnet (nodes), an internet gateway, and one
 * NAT gateway (in the first public subnet) for the nodes' egress. One NAT keeps the cost down; losing its zone cuts
 * the nodes' internet egress, not the cluster. Subnets carry their load-balancer role tags themselves; no cluster tag
 * (not needed since Kubernetes 1.21, and an `ec2.Tag` on a subnet the program creates fights the subnet's own tags).
 * `region` is set on each resource only when given: undefined with an explicit provider, whose region then applies.
 */
export function createVpc(
  name: string,
  s: { region: string | undefined; regionName: string; vpcCidr: string; zones: string[] | number },
  parent: pulumi.Resource,
): EksSubnets {
  const opts = { parent };
  const region = s.region;
  const zones = eksZones(name, s, parent);
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

/**
 * The zones of the subnets, checked against the region's zone IDs: the first `count` EKS accepts, or the given names
 * when EKS accepts each. Only available zones that need no opt-in (Local and Wavelength Zones cannot host EKS).
 */
function eksZones(
  name: string,
  s: { region: string | undefined; regionName: string; zones: string[] | number },
  parent: pulumi.Resource,
): pulumi.Output<string>[] {
  const available = getAvailabilityZonesOutput(
    { region: s.region, state: "available", filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] },
    { parent },
  );
  const where = `EksCluster "${name}"`;
  const chosen = checkWhenKnown(pulumi.all([available.names, available.zoneIds]), ([names, zoneIds]) =>
    typeof s.zones === "number"
      ? pickEksZones(where, s.regionName, { names, zoneIds }, s.zones)
      : checkEksZones(where, s.regionName, { names, zoneIds }, s.zones),
  );
  const count = typeof s.zones === "number" ? s.zones : s.zones.length;
  return [...Array(count).keys()].map((i) => chosen.apply((z) => z[i]));
}
