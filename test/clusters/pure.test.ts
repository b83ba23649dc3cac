import fc from "fast-check";
import {
  awsPartition,
  checkEksZones,
  checkVpcCidr,
  decodeAksKubeconfig,
  EKS_UNSUPPORTED_ZONE_IDS,
  eksKubeconfig,
  isAwsRegion,
  isAzureLocation,
  isKubeconfigText,
  managedPolicyArn,
  pickEksZones,
  RegionZones,
  subnetCidrs,
  userPoolName,
  validateAksClusterArgs,
  validateEksClusterArgs,
  withCurrentContext,
} from "../../sdk/src/clusters";
import { b64 } from "./cloudMocks";
import { GKE_JSON, TWO_CONTEXTS } from "../helpers/kubeconfigs";

describe("AWS names", () => {
  test.each([
    ["us-east-1", true],
    ["eu-central-2", true],
    ["ap-southeast-4", true],
    ["us-gov-west-1", true],
    ["cn-northwest-1", true],
    ["us-isob-east-1", true],
    ["us-east1", false],
    ["US-EAST-1", false],
    ["useast-1", false],
    ["us-east-1a", false],
  ])("%s is a region name: %s", (s, ok) => expect(isAwsRegion(s)).toBe(ok));

  test("managed-policy ARNs follow the region's partition", () => {
    expect(managedPolicyArn("eu-west-1", "AmazonEKSClusterPolicy")).toBe(
      "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy",
    );
    expect(managedPolicyArn("cn-north-1", "AmazonEKS_CNI_Policy")).toBe(
      "arn:aws-cn:iam::aws:policy/AmazonEKS_CNI_Policy",
    );
    expect(awsPartition("us-gov-east-1")).toBe("aws-us-gov");
  });
});

describe("subnet layout", () => {
  test("public subnets take the first half of the VPC, private the second; zone i keeps its CIDRs as zones are added", () => {
    expect(subnetCidrs("10.0.0.0/16", 2)).toEqual({
      public: ["10.0.0.0/20", "10.0.16.0/20"],
      private: ["10.0.128.0/20", "10.0.144.0/20"],
    });
    expect(subnetCidrs("172.16.64.0/18", 3)).toEqual({
      public: ["172.16.64.0/22", "172.16.68.0/22", "172.16.72.0/22"],
      private: ["172.16.96.0/22", "172.16.100.0/22", "172.16.104.0/22"],
    });
    expect(subnetCidrs("10.0.0.0/16", 8).private.slice(0, 2)).toEqual(subnetCidrs("10.0.0.0/16", 2).private);
    expect(subnetCidrs("10.0.0.0/16", 8).private[7]).toBe("10.0.240.0/20");
  });

  test.each([
    ["10.0.0.0/16", undefined],
    ["10.0.16.0/20", undefined],
    ["10.0.0.0/15", /from \/16 to \/20/],
    ["10.0.0.0/21", /from \/16 to \/20/],
    ["10.0.0.256/16", /not an IPv4 CIDR/],
    ["10.0.8.0/20", /not aligned; the \/20 block containing it starts at 10.0.0.0/],
  ])("VPC CIDR %s", (cidr, problem) => {
    const result = checkVpcCidr(cidr);
    if (problem) expect(result).toMatch(problem);
    else expect(result).toBeUndefined();
  });
});

describe("EKS node group sizes: unset sizes follow the set ones", () => {
  const sizes = (a: object) => validateEksClusterArgs("c", { region: "us-west-2", ...a }, undefined).scaling;
  test.each([
    [{}, { minSize: 3, desiredSize: 3, maxSize: 3 }],
    [{ desiredSize: 5 }, { minSize: 5, desiredSize: 5, maxSize: 5 }],
    [{ minSize: 4 }, { minSize: 4, desiredSize: 4, maxSize: 4 }],
    [{ maxSize: 2 }, { minSize: 2, desiredSize: 2, maxSize: 2 }],
    [
      { minSize: 1, maxSize: 6 },
      { minSize: 1, desiredSize: 3, maxSize: 6 },
    ],
    [{ desiredSize: 0 }, { minSize: 0, desiredSize: 0, maxSize: 1 }],
  ])("%j → %j", (given, want) => expect(sizes(given)).toEqual(want));

  test("the region falls back to the provider's default, and the network settings to a created 2-zone VPC", () => {
    const s = validateEksClusterArgs("c", {}, "ap-south-1");
    expect([s.region, s.clusterName, s.kubernetesVersion, s.instanceType, s.vpc]).toEqual([
      "ap-south-1",
      "c",
      "1.35",
      "m5.large",
      { create: true, vpcCidr: "10.0.0.0/16", zones: 2 },
    ]);
  });
});

describe("EKS kubeconfig", () => {
  const parts = fc.record({
    clusterName: fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/),
    eksClusterName: fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9_-]{0,30}$/),
    endpoint: fc.webUrl(),
    certificateAuthority: fc.base64String(),
    region: fc.constantFrom("us-east-1", "eu-west-1", "cn-north-1"),
    profile: fc.option(fc.stringMatching(/^[a-z]{1,10}$/), { nil: undefined }),
    roleArn: fc.option(fc.constant("arn:aws:iam::123456789012:role/admin"), { nil: undefined }),
  });

  test("the same parts give the same text, whatever order they come in, and the text holds exactly those parts", () => {
    fc.assert(
      fc.property(parts, (p) => {
        const reversed = Object.fromEntries(Object.entries(p).reverse()) as typeof p;
        const text = eksKubeconfig(p);
        expect(eksKubeconfig(reversed)).toBe(text);
        const kc = JSON.parse(text);
        expect(Object.keys(kc)).toEqual(["apiVersion", "kind", "clusters", "contexts", "current-context", "users"]);
        expect(kc.clusters[0].cluster).toEqual({
          server: p.endpoint,
          "certificate-authority-data": p.certificateAuthority,
        });
        const exec = kc.users[0].user.exec;
        expect(exec.args).toEqual([
          "eks",
          "get-token",
          "--cluster-name",
          p.eksClusterName,
          "--region",
          p.region,
          ...(p.profile ? ["--profile", p.profile] : []),
          ...(p.roleArn ? ["--role-arn", p.roleArn] : []),
          "--output",
          "json",
        ]);
        // A flag, not AWS_PROFILE: the AWS CLI ranks AWS_ACCESS_KEY_ID in the environment above AWS_PROFILE.
        expect(exec.env).toBeUndefined();
      }),
    );
  });
});

describe("EKS zones", () => {
  const region: RegionZones = {
    names: ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d"],
    zoneIds: ["use1-az1", "use1-az3", "use1-az2", "use1-az4"],
  };

  test("the list of zone IDs EKS refuses is the documented one (and eksctl's)", () =>
    expect([...EKS_UNSUPPORTED_ZONE_IDS].sort()).toEqual(["cac1-az3", "cnn1-az4", "use1-az3", "usw1-az2"]));

  test("the first zones EKS accepts, by ID, in the listed order", () => {
    expect(pickEksZones("c", "us-east-1", region, 2)).toEqual(["us-east-1a", "us-east-1c"]);
    expect(pickEksZones("c", "us-east-1", region, 3)).toEqual(["us-east-1a", "us-east-1c", "us-east-1d"]);
    expect(() => pickEksZones('EksCluster "c"', "us-east-1", region, 4)).toThrow(
      'EksCluster "c": us-east-1 has 3 availability zones EKS accepts (us-east-1a, us-east-1c, us-east-1d), fewer than availabilityZoneCount 4; lower it',
    );
  });

  test("named zones: refused when EKS does not run there, or when not an available zone", () => {
    expect(checkEksZones("c", "us-east-1", region, ["us-east-1d", "us-east-1a"])).toEqual(["us-east-1d", "us-east-1a"]);
    expect(() => checkEksZones('EksCluster "c"', "us-east-1", region, ["us-east-1a", "us-east-1b"])).toThrow(
      'EksCluster "c": availabilityZones[1] "us-east-1b" is zone ID use1-az3, where EKS does not run clusters; use another zone, e.g. "us-east-1c"',
    );
    expect(() => checkEksZones('EksCluster "c"', "us-east-1", region, ["us-east-1f", "us-east-1a"])).toThrow(
      /availabilityZones\[0\] "us-east-1f" is not an available zone of us-east-1 that needs no opt-in; use one of us-east-1a, /,
    );
  });
});

describe("AKS", () => {
  test.each([
    ["westeurope", true],
    ["eastus2", true],
    ["germanywestcentral", true],
    ["West Europe", false],
    ["westEurope", false],
    ["east-us", false],
    ["2east", false],
  ])("%s is a location name: %s", (s, ok) => expect(isAzureLocation(s)).toBe(ok));

  test("defaults, and a DNS prefix AKS accepts (at most 54 characters, no trailing dash)", () => {
    const s = validateAksClusterArgs("x", { clusterName: `${"a".repeat(53)}-b`, location: "uksouth" }, undefined);
    expect(s.dnsPrefix).toBe("a".repeat(53));
    expect(validateAksClusterArgs("aks1", {}, "uksouth")).toEqual({
      clusterName: "aks1",
      location: "uksouth",
      dnsPrefix: "aks1",
      kubernetesVersion: "1.35",
      nodeCount: 3,
      vmSize: "Standard_D2s_v5",
      systemNodeCount: 2,
      systemVmSize: "Standard_D2s_v5",
      podCidr: "10.244.0.0/16",
    });
    // Without the overlay there is no pod range to give.
    expect(validateAksClusterArgs("aks1", { cniOverlay: false }, "uksouth").podCidr).toBeUndefined();
  });

  test("the user pool's name follows its VM size and is one AKS accepts", () => {
    const sizes = ["Standard_D2s_v5", "Standard_D4s_v5", "standard_d2s_v5", "Standard_E64ds_v6"];
    const names = sizes.map(userPoolName);
    for (const n of names) expect(n).toMatch(/^[a-z][a-z0-9]{0,11}$/);
    // Azure compares VM sizes without case: one size, one pool.
    expect(names[0]).toBe(names[2]);
    expect(new Set(names).size).toBe(3);
  });

  test("the credentials' first kubeconfig, base64-decoded; none is an error", () => {
    expect(decodeAksKubeconfig([{ name: "clusterUser", value: b64("apiVersion: v1\n") }])).toBe("apiVersion: v1\n");
    expect(() => decodeAksKubeconfig([])).toThrow("AKS returned no kubeconfig for the cluster user");
  });
});

describe("kubeconfig text", () => {
  test.each([
    ["apiVersion: v1\nkind: Config\n", true],
    ['  {"apiVersion":"v1"}', true],
    ["~/.kube/config", false],
    ["/etc/rancher/k3s/k3s.yaml", false],
    ["kubeconfig", false],
  ])("%j is text (not a path): %s", (v, text) => expect(isKubeconfigText(v)).toBe(text));

  test("choosing the context: YAML keeps its comments, JSON stays JSON, an unchanged choice keeps the text", () => {
    expect(withCurrentContext(TWO_CONTEXTS, "kind-b")).toBe(
      TWO_CONTEXTS.replace("current-context: kind-a", "current-context: kind-b"),
    );
    expect(withCurrentContext(TWO_CONTEXTS, "kind-a")).toBe(TWO_CONTEXTS);
    const json = JSON.parse(withCurrentContext(GKE_JSON, "other"));
    expect(json).toEqual({ ...JSON.parse(GKE_JSON), "current-context": "other" });
  });
});
