import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import { EksCluster } from "../../sdk/src/eks";
import { installMocks, isSecret, Recorder, Registration, SECRET_SIG, valueOf } from "../helpers/pulumiHarness";
import { b64, cloudMocks, countTypes } from "./cloudMocks";

const T = {
  vpc: "aws:ec2/vpc:Vpc",
  igw: "aws:ec2/internetGateway:InternetGateway",
  subnet: "aws:ec2/subnet:Subnet",
  eip: "aws:ec2/eip:Eip",
  nat: "aws:ec2/natGateway:NatGateway",
  routeTable: "aws:ec2/routeTable:RouteTable",
  rta: "aws:ec2/routeTableAssociation:RouteTableAssociation",
  role: "aws:iam/role:Role",
  attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  cluster: "aws:eks/cluster:Cluster",
  tag: "aws:ec2/tag:Tag",
  addon: "aws:eks/addon:Addon",
  accessEntry: "aws:eks/accessEntry:AccessEntry",
  accessPolicy: "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
  sgRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  nodeGroup: "aws:eks/nodeGroup:NodeGroup",
};
const AZ_INVOKE = "aws:index/getAvailabilityZones:getAvailabilityZones";
const ADDON_INVOKE = "aws:eks/getAddonVersion:getAddonVersion";
const ADMIN_ROLE = "arn:aws:iam::123456789012:role/platform-admins";
const ADMIN_USER = "arn:aws:iam::123456789012:user/alice";

describe.each([true, false])("EksCluster (preview=%s)", (preview) => {
  let rec: Recorder;
  let mocks: ReturnType<typeof cloudMocks>;
  /** Defaults: a VPC over the region's first two zones. */
  let east: EksCluster;
  /** The caller's subnets, every option set. */
  let byo: EksCluster;
  /** A VPC over three named zones with its own CIDR. */
  let zones: EksCluster;
  /** Three zones picked in us-east-1, where the mocks' second zone is use1-az3, which EKS refuses. */
  let picked: EksCluster;
  /** What a consumer (MeshCluster, GlobalNamespace) does with the kubeconfig: build a provider from it. */
  const consumers: Record<string, k8s.Provider> = {};
  const urn: Record<string, string> = {};
  const children = (name: string) => rec.childrenOf(urn[name]);
  const child = (name: string, type: string, childName: string): Registration => rec.child(urn[name], type, childName);

  beforeAll(async () => {
    mocks = cloudMocks(preview);
    rec = await installMocks(mocks);
    east = new EksCluster("east", { region: "us-west-2" });
    byo = new EksCluster("byo", {
      clusterName: "cluster9",
      region: "eu-central-1",
      privateSubnetIds: ["subnet-a", pulumi.output("subnet-b")],
      publicSubnetIds: ["subnet-c"],
      kubernetesVersion: "1.34",
      instanceType: "m6i.xlarge",
      desiredSize: 4,
      minSize: 2,
      maxSize: 6,
      kubeconfigProfile: "prod",
      kubeconfigRoleArn: "arn:aws:iam::123456789012:role/admin",
      adminPrincipalArns: [ADMIN_ROLE, pulumi.output(ADMIN_USER)],
      network: "net-b",
    });
    zones = new EksCluster("zones", {
      region: "us-east-1",
      availabilityZones: ["us-east-1a", "us-east-1c", "us-east-1d"],
      vpcCidr: "10.20.0.0/16",
    });
    picked = new EksCluster("picked", { region: "us-east-1", availabilityZoneCount: 3 });
    for (const [n, c] of Object.entries({ east, byo, zones, picked })) {
      urn[n] = await valueOf(c.urn);
      consumers[n] = new k8s.Provider(`consumer-of-${n}`, { kubeconfig: c.kubeconfig });
    }
    await rec.settled();
  });

  test("registers exactly these resources, each a child of its component; no Kubernetes provider, no ec2.Tag", () => {
    const common = { [T.role]: 2, [T.attachment]: 4, [T.cluster]: 1, [T.sgRule]: 2, [T.nodeGroup]: 1, [T.addon]: 3 };
    const vpc = (zoneCount: number) => ({
      [T.vpc]: 1,
      [T.igw]: 1,
      [T.subnet]: 2 * zoneCount,
      [T.eip]: 1,
      [T.nat]: 1,
      [T.routeTable]: 2,
      [T.rta]: 2 * zoneCount,
    });
    expect(countTypes(children("east"))).toEqual({ ...common, ...vpc(2) });
    expect(countTypes(children("zones"))).toEqual({ ...common, ...vpc(3) });
    expect(countTypes(children("picked"))).toEqual({ ...common, ...vpc(3) });
    expect(countTypes(children("byo"))).toEqual({ ...common, [T.accessEntry]: 2, [T.accessPolicy]: 2, [T.tag]: 3 });
    // ec2.Tag only on the caller's subnets: the ones the component creates carry their tags themselves.
    expect(rec.ofType(T.tag).every((t) => t.parent === urn.byo)).toBe(true);
    // Nothing else: four components plus their direct children, no grandchildren (and the test's consumer providers).
    const components = rec.ofType("globalmesh:index:EksCluster");
    expect(components.map((c) => c.name).sort()).toEqual(["byo", "east", "picked", "zones"]);
    const all = ["east", "zones", "byo", "picked"].map((n) => children(n).length);
    expect(rec.registrations).toHaveLength(4 + all.reduce((a, b) => a + b) + 4);
    expect(
      rec
        .ofType("pulumi:providers:kubernetes")
        .map((p) => p.name)
        .sort(),
    ).toEqual(["consumer-of-byo", "consumer-of-east", "consumer-of-picked", "consumer-of-zones"]);
  });

  test("every child is named from the component name", () => {
    for (const n of ["east", "byo", "zones", "picked"])
      for (const r of children(n)) expect(r.name.startsWith(`${n}-`)).toBe(true);
  });

  test("IAM: the cluster role (trusting EKS) and the node role (trusting EC2) with exactly their managed policies", () => {
    for (const n of ["east", "byo"]) {
      const trust = (role: string) => JSON.parse(child(n, T.role, role).inputs.assumeRolePolicy).Statement;
      expect(trust(`${n}-cluster-role`)).toEqual([
        { Effect: "Allow", Principal: { Service: "eks.amazonaws.com" }, Action: "sts:AssumeRole" },
      ]);
      expect(trust(`${n}-node-role`)).toEqual([
        { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" },
      ]);
      const policiesOf = (role: string) =>
        children(n)
          .filter((r) => r.type === T.attachment && r.inputs.role === `${role}-phys`)
          .map((r) => r.inputs.policyArn)
          .sort();
      expect(policiesOf(`${n}-cluster-role`)).toEqual(["arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"]);
      expect(policiesOf(`${n}-node-role`)).toEqual([
        "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
        "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
        "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
      ]);
    }
  });

  test("VPC: public and private subnets per zone with load-balancer role tags, CIDRs and zones", () => {
    const subnet = (n: string, kind: string, i: number) => child(n, T.subnet, `${n}-${kind}-${i}`).inputs;
    expect([0, 1].map((i) => subnet("east", "public", i))).toEqual([
      expect.objectContaining({
        vpcId: "east-vpc-id",
        cidrBlock: "10.0.0.0/20",
        availabilityZone: "us-west-2a",
        region: "us-west-2",
        tags: { Name: "east-public-0", "kubernetes.io/role/elb": "1" },
      }),
      expect.objectContaining({
        vpcId: "east-vpc-id",
        cidrBlock: "10.0.16.0/20",
        availabilityZone: "us-west-2b",
        region: "us-west-2",
        tags: { Name: "east-public-1", "kubernetes.io/role/elb": "1" },
      }),
    ]);
    expect([0, 1].map((i) => subnet("east", "private", i))).toEqual([
      expect.objectContaining({
        cidrBlock: "10.0.128.0/20",
        availabilityZone: "us-west-2a",
        tags: { Name: "east-private-0", "kubernetes.io/role/internal-elb": "1" },
      }),
      expect.objectContaining({
        cidrBlock: "10.0.144.0/20",
        availabilityZone: "us-west-2b",
        tags: { Name: "east-private-1", "kubernetes.io/role/internal-elb": "1" },
      }),
    ]);
    expect(
      [0, 1, 2].map((i) => [
        subnet("zones", "public", i).cidrBlock,
        subnet("zones", "private", i).cidrBlock,
        subnet("zones", "private", i).availabilityZone,
      ]),
    ).toEqual([
      ["10.20.0.0/20", "10.20.128.0/20", "us-east-1a"],
      ["10.20.16.0/20", "10.20.144.0/20", "us-east-1c"],
      ["10.20.32.0/20", "10.20.160.0/20", "us-east-1d"],
    ]);
    expect(child("east", T.vpc, "east-vpc").inputs).toEqual(
      expect.objectContaining({ cidrBlock: "10.0.0.0/16", enableDnsHostnames: true, enableDnsSupport: true }),
    );
  });

  test("routing: public subnets to the internet gateway, private subnets through the NAT gateway", () => {
    expect(child("east", T.routeTable, "east-public").inputs.routes).toEqual([
      { cidrBlock: "0.0.0.0/0", gatewayId: "east-igw-id" },
    ]);
    expect(child("east", T.routeTable, "east-private").inputs.routes).toEqual([
      { cidrBlock: "0.0.0.0/0", natGatewayId: "east-nat-id" },
    ]);
    expect(child("east", T.nat, "east-nat").inputs).toEqual(
      expect.objectContaining({ allocationId: "east-nat-ip-id", subnetId: "east-public-0-id" }),
    );
    const associations = children("east")
      .filter((r) => r.type === T.rta)
      .map((r) => `${r.inputs.subnetId} → ${r.inputs.routeTableId}`)
      .sort();
    expect(associations).toEqual([
      "east-private-0-id → east-private-id",
      "east-private-1-id → east-private-id",
      "east-public-0-id → east-public-id",
      "east-public-1-id → east-public-id",
    ]);
  });

  test("the caller's subnets get the cluster tag with the EKS cluster's name; created subnets have no cluster tag", () => {
    const tags = children("byo")
      .filter((r) => r.type === T.tag)
      .map((r) => [r.inputs.resourceId, r.inputs.key, r.inputs.value])
      .sort();
    expect(tags).toEqual(
      ["subnet-a", "subnet-b", "subnet-c"].map((id) => [id, "kubernetes.io/cluster/byo-eks-phys", "shared"]),
    );
    for (const r of children("east").filter((x) => x.type === T.subnet))
      expect(Object.keys(r.inputs.tags).filter((k) => k.startsWith("kubernetes.io/cluster/"))).toEqual([]);
  });

  test("zones are picked by zone ID among those EKS supports: us-east-1b (use1-az3 here) is skipped", () => {
    const zoneOf = (kind: string, i: number) =>
      child("picked", T.subnet, `picked-${kind}-${i}`).inputs.availabilityZone;
    expect([0, 1, 2].map((i) => zoneOf("private", i))).toEqual(["us-east-1a", "us-east-1c", "us-east-1d"]);
    expect([0, 1, 2].map((i) => zoneOf("public", i))).toEqual(["us-east-1a", "us-east-1c", "us-east-1d"]);
  });

  test("the EKS cluster: pinned version, all subnets (private first), both endpoints, access entries, after its policy", () => {
    const c = child("east", T.cluster, "east-eks");
    expect(c.inputs).toEqual({
      region: "us-west-2",
      version: "1.35",
      roleArn: "arn:aws:iam::123456789012:role/east-cluster-role-phys",
      vpcConfig: {
        subnetIds: ["east-private-0-id", "east-private-1-id", "east-public-0-id", "east-public-1-id"],
        endpointPublicAccess: true,
        endpointPrivateAccess: true,
      },
      accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: true },
    });
    expect(c.dependencies).toContain(child("east", T.attachment, "east-cluster-role-AmazonEKSClusterPolicy").urn);
    const byoCluster = child("byo", T.cluster, "byo-eks").inputs;
    expect([byoCluster.version, byoCluster.region, byoCluster.vpcConfig.subnetIds]).toEqual([
      "1.34",
      "eu-central-1",
      ["subnet-a", "subnet-b", "subnet-c"],
    ]);
  });

  test("managed add-ons vpc-cni, kube-proxy, coredns at the newest version for the cluster's version", () => {
    for (const [n, version] of [
      ["east", "1.35"],
      ["byo", "1.34"],
    ]) {
      const addons = children(n)
        .filter((r) => r.type === T.addon)
        .map((r) => r.inputs)
        .sort((a, b) => a.addonName.localeCompare(b.addonName));
      expect(addons).toEqual(
        ["coredns", "kube-proxy", "vpc-cni"].map((addonName) => ({
          clusterName: `${n}-eks-phys`,
          addonName,
          addonVersion: `v-${addonName}-${version}`,
          resolveConflictsOnCreate: "OVERWRITE",
          resolveConflictsOnUpdate: "PRESERVE",
          region: n === "east" ? "us-west-2" : "eu-central-1",
        })),
      );
    }
    const asked = mocks.calls.filter((c) => c.token === ADDON_INVOKE).map((c) => c.inputs);
    expect(asked).toContainEqual({
      addonName: "coredns",
      kubernetesVersion: "1.34",
      mostRecent: true,
      region: "eu-central-1",
    });
    expect(asked).toHaveLength(3 * 4);
  });

  test("network add-ons before the nodes, CoreDNS after them", () => {
    const ng = child("east", T.nodeGroup, "east-nodes");
    for (const a of ["vpc-cni", "kube-proxy"])
      expect(ng.dependencies).toContain(child("east", T.addon, `east-${a}`).urn);
    expect(child("east", T.addon, "east-coredns").dependencies).toContain(ng.urn);
  });

  test("adminPrincipalArns: an access entry and a cluster-wide AmazonEKSClusterAdminPolicy association each", () => {
    const entries = children("byo").filter((r) => r.type === T.accessEntry);
    expect(entries.map((r) => r.inputs.principalArn).sort()).toEqual([ADMIN_ROLE, ADMIN_USER].sort());
    for (const e of entries) {
      expect(e.inputs).toEqual({
        clusterName: "byo-eks-phys",
        principalArn: e.inputs.principalArn,
        type: "STANDARD",
        region: "eu-central-1",
      });
      const assoc = child("byo", T.accessPolicy, e.name);
      expect(assoc.inputs).toEqual({
        clusterName: "byo-eks-phys",
        principalArn: e.inputs.principalArn,
        policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
        accessScope: { type: "cluster" },
        region: "eu-central-1",
      });
      expect(e.deleteBeforeReplace).toBe(true);
    }
    // A literal ARN names its resources by itself (reordering changes nothing); an Output by its position.
    const hashOf = (arn: string) => createHash("sha256").update(arn).digest("hex").slice(0, 8);
    expect(Object.fromEntries(entries.map((e) => [e.inputs.principalArn, e.name]))).toEqual({
      [ADMIN_ROLE]: `byo-admin-${hashOf(ADMIN_ROLE)}`,
      [ADMIN_USER]: "byo-admin-1",
    });
    // API authentication, which access entries need.
    expect(child("byo", T.cluster, "byo-eks").inputs.accessConfig.authenticationMode).toBe("API");
  });

  test("the managed node group: instance type, scaling, private subnets, node role, after the node policies", () => {
    const ng = child("east", T.nodeGroup, "east-nodes");
    expect(ng.inputs).toEqual({
      region: "us-west-2",
      clusterName: "east-eks-phys",
      version: "1.35",
      nodeRoleArn: "arn:aws:iam::123456789012:role/east-node-role-phys",
      subnetIds: ["east-private-0-id", "east-private-1-id"],
      instanceTypes: ["m5.large"],
      scalingConfig: { minSize: 3, desiredSize: 3, maxSize: 3 },
    });
    const nodePolicies = children("east").filter(
      (r) => r.type === T.attachment && r.name.startsWith("east-node-role-"),
    );
    expect(nodePolicies).toHaveLength(3);
    for (const p of nodePolicies) expect(ng.dependencies).toContain(p.urn);
    const byoNg = child("byo", T.nodeGroup, "byo-nodes").inputs;
    expect([byoNg.instanceTypes, byoNg.scalingConfig, byoNg.subnetIds]).toEqual([
      ["m6i.xlarge"],
      { minSize: 2, desiredSize: 4, maxSize: 6 },
      ["subnet-a", "subnet-b"],
    ]);
  });

  test("Istio's webhook and xDS ports are open from the control plane on the cluster security group", () => {
    const rules = children("east")
      .filter((r) => r.type === T.sgRule)
      .map((r) => r.inputs)
      .sort((a, b) => a.fromPort - b.fromPort);
    expect(
      rules.map((r) => [r.securityGroupId, r.referencedSecurityGroupId, r.ipProtocol, r.fromPort, r.toPort]),
    ).toEqual([
      ["sg-east-eks", "sg-east-eks", "tcp", 15012, 15012],
      ["sg-east-eks", "sg-east-eks", "tcp", 15017, 15017],
    ]);
  });

  test("zones come from one getAvailabilityZones invoke per created VPC (also to check named zones), none for own subnets", () => {
    const azCalls = mocks.calls.filter((c) => c.token === AZ_INVOKE);
    const ask = (region: string) => ({
      region,
      state: "available",
      filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }],
    });
    expect(azCalls.map((c) => c.inputs)).toEqual([ask("us-west-2"), ask("us-east-1"), ask("us-east-1")]);
  });

  test("the kubeconfig is secret and runs aws eks get-token for this cluster and region", async () => {
    expect(await isSecret(east.kubeconfig)).toBe(true);
    const kc = JSON.parse(await valueOf(east.kubeconfig));
    expect(kc["current-context"]).toBe("east");
    expect(kc.clusters).toEqual([
      {
        name: "east",
        cluster: {
          server: "https://east-eks.gr7.us-west-2.eks.amazonaws.com",
          "certificate-authority-data": b64("CA of east-eks"),
        },
      },
    ]);
    expect(kc.contexts).toEqual([{ name: "east", context: { cluster: "east", user: "east" } }]);
    expect(kc.users).toEqual([
      {
        name: "east",
        user: {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: "aws",
            args: ["eks", "get-token", "--cluster-name", "east-eks-phys", "--region", "us-west-2", "--output", "json"],
          },
        },
      },
    ]);
    const byoExec = JSON.parse(await valueOf(byo.kubeconfig)).users[0].user.exec;
    expect(byoExec.args).toEqual([
      "eks",
      "get-token",
      "--cluster-name",
      "byo-eks-phys",
      "--region",
      "eu-central-1",
      "--profile",
      "prod",
      "--role-arn",
      "arn:aws:iam::123456789012:role/admin",
      "--output",
      "json",
    ]);
    // A flag, not AWS_PROFILE: the CLI ranks AWS_ACCESS_KEY_ID in the environment above AWS_PROFILE.
    expect(byoExec.env).toBeUndefined();
  });

  test("a provider built from the kubeconfig gets it as a secret and waits for the nodes, CoreDNS and the admins", async () => {
    for (const [n, c] of Object.entries({ east, byo, zones, picked })) {
      const p = rec.byName(`consumer-of-${n}`);
      expect(p.urn).toBe(await valueOf(consumers[n].urn));
      expect(p.inputs.kubeconfig).toBe(await valueOf(c.kubeconfig));
      expect(Object.values(p.rawInputs.kubeconfig)).toContain(SECRET_SIG);
      expect(p.dependencies).toContain(child(n, T.nodeGroup, `${n}-nodes`).urn);
      expect(p.dependencies).toContain(child(n, T.cluster, `${n}-eks`).urn);
      expect(p.dependencies).toContain(child(n, T.addon, `${n}-coredns`).urn);
    }
    for (const r of children("byo").filter((x) => x.type === T.accessPolicy))
      expect(rec.byName("consumer-of-byo").dependencies).toContain(r.urn);
  });

  test("connection fields: mesh name, locality = region, network, NLB annotations, and the cluster outputs", async () => {
    expect([east.clusterName, east.locality, east.network]).toEqual(["east", "us-west-2", undefined]);
    expect(east.loadBalancerAnnotations).toEqual({ "service.beta.kubernetes.io/aws-load-balancer-type": "nlb" });
    expect([byo.clusterName, byo.locality, byo.network]).toEqual(["cluster9", "eu-central-1", "net-b"]);
    expect(await valueOf(east.eksClusterName)).toBe("east-eks-phys");
    expect(await valueOf(east.endpoint)).toBe("https://east-eks.gr7.us-west-2.eks.amazonaws.com");
    expect(await valueOf(east.vpcId)).toBe("vpc-east-eks");
    expect(await valueOf(east.clusterSecurityGroupId)).toBe("sg-east-eks");
  });
});
