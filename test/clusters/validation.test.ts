import * as pulumi from "@pulumi/pulumi";
import {
  AksCluster,
  checkedKubeconfig,
  EksCluster,
  KubeconfigCluster,
  validateEksClusterArgs,
} from "../../sdk/src/clusters";
import { SpecError, validateSpec } from "../../sdk/src/mesh";
import { baseSpec } from "../helpers/fixtures";
import { installMocks, Recorder, valueOf } from "../helpers/pulumiHarness";
import { cloudMocks } from "./cloudMocks";
import { twoContextsWith, TWO_CONTEXTS } from "../helpers/kubeconfigs";

/**
 * Each bad argument is reported on its own field with the fix, as a SpecError, and the
 * component throws before registering anything — not even itself.
 */

let rec: Recorder;
const saved = { AWS_REGION: process.env.AWS_REGION, AWS_DEFAULT_REGION: process.env.AWS_DEFAULT_REGION };
beforeAll(async () => {
  // The default region must come from config, not from this machine's environment.
  delete process.env.AWS_REGION;
  delete process.env.AWS_DEFAULT_REGION;
  rec = await installMocks(cloudMocks(true));
});
afterAll(() => Object.assign(process.env, saved));

/** Constructs, expects exactly these issues, and checks that nothing was registered. */
async function expectRejected(construct: () => unknown, component: string, issues: [string, RegExp][]) {
  const before = rec.registrations.length;
  let error: unknown;
  try {
    construct();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(SpecError);
  const e = error as SpecError;
  expect(e.message.split("\n")[0]).toBe(
    `${component}: invalid arguments (${issues.length} problem${issues.length === 1 ? "" : "s"})`,
  );
  expect(e.issues.map((i) => i.path)).toEqual(issues.map(([path]) => path));
  e.issues.forEach((issue, i) => expect(issue.message).toMatch(issues[i][1]));
  await rec.settled();
  expect(rec.registrations.length).toBe(before);
}

const region = "us-west-2";
const deployTime = "known only at deploy time; this field decides which objects exist, so give";
describe("EksCluster", () => {
  test.each<[string, object, [string, RegExp][]]>([
    [
      "minSize above maxSize",
      { region, minSize: 5, maxSize: 2, desiredSize: 3 },
      [["minSize", /^5 is more than maxSize 2; lower minSize or raise maxSize, e.g. minSize 2$/]],
    ],
    [
      "desiredSize above maxSize",
      { region, desiredSize: 7, minSize: 1, maxSize: 5 },
      [["desiredSize", /^7 is outside \[minSize 1, maxSize 5\]; set desiredSize within it/]],
    ],
    [
      "desiredSize below minSize",
      { region, minSize: 4, desiredSize: 2 },
      [
        [
          "desiredSize",
          /^2 is outside \[minSize 4, maxSize 4\]; set desiredSize within it, e.g. 4, or widen minSize\/maxSize$/,
        ],
      ],
    ],
    [
      "a fractional node count",
      { region, desiredSize: 2.5 },
      [["desiredSize", /^2.5 is not a whole number from 0 to 1000; use e.g. 3$/]],
    ],
    [
      "a region that is not a region name",
      { region: "us-west2" },
      [["region", /^"us-west2" is not an AWS region name; use the region's code, e.g. "us-west-2"$/]],
    ],
    [
      "no region at all",
      {},
      [["region", /^is not set; give region, e.g. "us-west-2", or run `pulumi config set aws:region us-west-2`$/]],
    ],
    [
      "a version with a v",
      { region, kubernetesVersion: "v1.35" },
      [["kubernetesVersion", /^"v1.35" is not a Kubernetes version; use major.minor, e.g. "1.35"$/]],
    ],
    [
      "a patch version (EKS takes major.minor)",
      { region, kubernetesVersion: "1.35.2" },
      [["kubernetesVersion", /is not a Kubernetes version; use major.minor/]],
    ],
    [
      "an instance type with a space",
      { region, instanceType: "m5 large" },
      [
        [
          "instanceType",
          /^"m5 large" is not an EC2 instance type; use one word of letters, digits, '.', '_' and '-', e.g. "m5.large"$/,
        ],
      ],
    ],
    [
      "one private subnet",
      { region, privateSubnetIds: ["subnet-a"] },
      [["privateSubnetIds", /^has 1; give at least 2 private subnets in different availability zones/]],
    ],
    [
      "public subnets only",
      { region, publicSubnetIds: ["subnet-a", "subnet-b"] },
      [["privateSubnetIds", /^is required with publicSubnetIds; give at least 2 private subnets/]],
    ],
    [
      "a VPC CIDR with your subnets",
      { region, vpcCidr: "10.1.0.0/16", privateSubnetIds: ["subnet-a", "subnet-b"] },
      [["vpcCidr", /applies only to the VPC this component creates/]],
    ],
    [
      "one availability zone",
      { region, availabilityZones: ["us-west-2a"] },
      [
        [
          "availabilityZones",
          /^has 1 zone; list 2 to 8 zones of us-west-2 \(EKS requires 2\), e.g. \["us-west-2a", "us-west-2b"\]$/,
        ],
      ],
    ],
    [
      "a zone of another region",
      { region, availabilityZones: ["us-west-2a", "us-east-1b"] },
      [
        [
          "availabilityZones[1]",
          /^"us-east-1b" is not a zone of us-west-2; use the region and a zone letter, e.g. "us-west-2a"$/,
        ],
      ],
    ],
    [
      "the same zone twice",
      { region, availabilityZones: ["us-west-2a", "us-west-2a"] },
      [["availabilityZones", /lists a zone twice/]],
    ],
    [
      "a zone count of 1",
      { region, availabilityZoneCount: 1 },
      [["availabilityZoneCount", /^1 is not a whole number from 2 to 8; use e.g. 2$/]],
    ],
    [
      "zones and a zone count",
      { region, availabilityZones: ["us-west-2a", "us-west-2b"], availabilityZoneCount: 2 },
      [["availabilityZoneCount", /conflicts with availabilityZones/]],
    ],
    [
      "a /24 VPC",
      { region, vpcCidr: "10.0.0.0/24" },
      [["vpcCidr", /^"10.0.0.0\/24" is not an IPv4 CIDR from \/16 to \/20/]],
    ],
    [
      "an unaligned VPC CIDR",
      { region, vpcCidr: "10.0.1.0/16" },
      [["vpcCidr", /^"10.0.1.0\/16" is not aligned; the \/16 block containing it starts at 10.0.0.0$/]],
    ],
    [
      "a mesh name with capitals",
      { region, clusterName: "Cluster_1" },
      [
        [
          "clusterName",
          /^"Cluster_1" is not a DNS-1123 label; use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit, e.g. "cluster1"$/,
        ],
      ],
    ],
    [
      "a role ARN that is not one",
      { region, kubeconfigRoleArn: "admin" },
      [
        [
          "kubeconfigRoleArn",
          /^"admin" is not an IAM role ARN; use arn:aws:iam::<account>:role\/<name>, e.g. "arn:aws:iam::123456789012:role\/eks-admin"$/,
        ],
      ],
    ],
    [
      "a mesh name known only at deploy time",
      { region, clusterName: pulumi.output("east") },
      [["clusterName", new RegExp(`^is an Output, ${deployTime} a literal string \\(e.g. "cluster1"\\)$`)]],
    ],
    [
      "a node count known only at deploy time",
      { region, desiredSize: Promise.resolve(3) },
      [["desiredSize", new RegExp(`^is a Promise, ${deployTime} a literal number \\(e.g. 3\\)$`)]],
    ],
    [
      "a network that is not a label",
      { region, network: "Net 1" },
      [["network", /^"Net 1" is not a DNS-1123 label; .*, e.g. "network1"$/]],
    ],
    [
      "several problems at once",
      { region: "mars-1", minSize: 9, maxSize: 1, kubernetesVersion: "latest" },
      [
        ["region", /not an AWS region name/],
        ["kubernetesVersion", /not a Kubernetes version/],
        ["minSize", /is more than maxSize/],
      ],
    ],
  ])("%s", (_case, args, issues) => expectRejected(() => new EksCluster("eks", args), 'EksCluster "eks"', issues));

  test("a resource name that cannot be a mesh name asks for clusterName", () =>
    expectRejected(() => new EksCluster("Prod_EKS", { region }), 'EksCluster "Prod_EKS"', [
      [
        "clusterName",
        /^is not set, and the resource name "Prod_EKS", its default, is not a DNS-1123 label; use .*, e.g. "cluster1"$/,
      ],
    ]));
});

describe("AksCluster", () => {
  const location = "westeurope";
  test.each<[string, object, [string, RegExp][]]>([
    [
      "a display-style location",
      { location: "West Europe" },
      [
        [
          "location",
          /^"West Europe" is not an Azure location name; use the lowercase name without spaces, e.g. "westeurope"$/,
        ],
      ],
    ],
    [
      "no location at all",
      {},
      [
        [
          "location",
          /^is not set; give location, e.g. "westeurope", or run `pulumi config set azure-native:location westeurope`$/,
        ],
      ],
    ],
    ["zero nodes", { location, nodeCount: 0 }, [["nodeCount", /^0 is not a whole number from 1 to 1000; use e.g. 3$/]]],
    [
      "a version word",
      { location, kubernetesVersion: "latest" },
      [["kubernetesVersion", /^"latest" is not a Kubernetes version; use major.minor\[.patch\], e.g. "1.35"$/]],
    ],
    [
      "an empty VM size",
      { location, vmSize: "" },
      [
        [
          "vmSize",
          /^"" is not an Azure VM size; use one word of letters, digits, '.', '_' and '-', e.g. "Standard_D2s_v5"$/,
        ],
      ],
    ],
    [
      "an empty resource group name",
      { location, resourceGroupName: "" },
      [["resourceGroupName", /^is empty; give the name of an existing resource group/]],
    ],
    [
      "a location known only at deploy time",
      { location: pulumi.output("westeurope") },
      [["location", new RegExp(`^is an Output, ${deployTime} a literal string \\(e.g. "westeurope"\\)$`)]],
    ],
    [
      "a mesh name too long for a label",
      { location, clusterName: "c".repeat(64) },
      [["clusterName", /is not a DNS-1123 label/]],
    ],
    [
      "a system pool of no nodes",
      { location, systemNodeCount: 0 },
      [["systemNodeCount", /^0 is not a whole number from 1 to 1000; use e.g. 2$/]],
    ],
    [
      "a pod range over AKS's service range",
      { location, podCidr: "10.0.0.0/8" },
      [["podCidr", /^"10.0.0.0\/8" overlaps AKS's service range 10.0.0.0\/16; use e.g. 10.244.0.0\/16$/]],
    ],
    [
      "a pod range too small",
      { location, podCidr: "10.244.0.0/24" },
      [["podCidr", /^"10.244.0.0\/24" is not an IPv4 CIDR from \/8 to \/22/]],
    ],
    ["an unaligned pod range", { location, podCidr: "10.244.1.0/16" }, [["podCidr", /is not aligned/]]],
    [
      "a pod range without the overlay",
      { location, cniOverlay: false, podCidr: "10.244.0.0/16" },
      [["podCidr", /^applies only to the CNI overlay; drop it, or drop cniOverlay: false$/]],
    ],
    ["an overlay switch as text", { location, cniOverlay: "yes" }, [["cniOverlay", /is not true or false/]]],
  ])("%s", (_case, args, issues) => expectRejected(() => new AksCluster("aks", args), 'AksCluster "aks"', issues));
});

describe("KubeconfigCluster", () => {
  test.each<[string, object, [string, RegExp][]]>([
    [
      "an empty kubeconfig",
      { kubeconfig: "" },
      [
        [
          "kubeconfig",
          /^is empty; give the kubeconfig text \(YAML or JSON\) or the path of a kubeconfig file, e.g. "~\/.kube\/config"$/,
        ],
      ],
    ],
    ["no kubeconfig", {}, [["kubeconfig", /^is required/]]],
    [
      "a file that does not exist, in a directory that does",
      { kubeconfig: "/tmp/globalmesh-no-such-kubeconfig.yaml" },
      [
        [
          "kubeconfig",
          /^file "\/tmp\/globalmesh-no-such-kubeconfig.yaml" does not exist; give the kubeconfig text \(YAML or JSON\) or the path of a kubeconfig file/,
        ],
      ],
    ],
    [
      "a bootstrap token (dotted, like a file name: never printed)",
      { kubeconfig: "07401b.f395accd246ae52d" },
      [["kubeconfig", /^is neither kubeconfig text .* a 23-character value, not shown; give/]],
    ],
    [
      "a value with a slash whose directory does not exist (may be base64: never printed)",
      { kubeconfig: "QmFzZTY0/c2VjcmV0" },
      [["kubeconfig", /^is neither kubeconfig text .* a 17-character value, not shown; give/]],
    ],
    [
      "a one-line token (a credential, never printed)",
      { kubeconfig: "stand-in-token-c1" },
      [
        [
          "kubeconfig",
          /^is neither kubeconfig text \(it has no line break and is not JSON\) nor the path of a file: a 17-character value, not shown; give/,
        ],
      ],
    ],
    [
      "a base64-encoded kubeconfig (never printed; the fix says to decode it)",
      { kubeconfig: Buffer.from(TWO_CONTEXTS).toString("base64") },
      [
        [
          "kubeconfig",
          /^is neither kubeconfig text .* a \d+-character value, not shown and looks base64-encoded \(decode it first\); give/,
        ],
      ],
    ],
    [
      "a directory instead of a file",
      { kubeconfig: "/tmp" },
      [["kubeconfig", /^file "\/tmp" is not a file; give the kubeconfig text/]],
    ],
    [
      "a context the kubeconfig does not have",
      { kubeconfig: TWO_CONTEXTS, context: "kind-c" },
      [["context", /^"kind-c" is not in the kubeconfig; its contexts are: kind-a, kind-b$/]],
    ],
    [
      "broken YAML",
      { kubeconfig: "apiVersion: v1\nclusters: [\n" },
      [
        [
          "kubeconfig",
          /^is not valid YAML or JSON \(.+\); give it as `kubectl config view --raw --flatten --minify` prints it$/,
        ],
      ],
    ],
    ["a list instead of a kubeconfig", { kubeconfig: "- a\n- b\n" }, [["kubeconfig", /^is not a kubeconfig/]]],
    [
      "no contexts",
      { kubeconfig: "apiVersion: v1\nkind: Config\nclusters: []\n" },
      [["kubeconfig", /^has no contexts/]],
    ],
    [
      "no current-context and no context",
      { kubeconfig: twoContextsWith("current-context: kind-a\n", "") },
      [
        [
          "context",
          /^is not set and the kubeconfig has no current-context; set context \(its contexts are: kind-a, kind-b\)$/,
        ],
      ],
    ],
    [
      "a dangling current-context",
      { kubeconfig: twoContextsWith("current-context: kind-a", "current-context: kind-z") },
      [["kubeconfig", /^current-context "kind-z" names no context/]],
    ],
    [
      "a context whose cluster is missing",
      { kubeconfig: twoContextsWith("{ cluster: kind-a, user: kind-a }", "{ cluster: kind-x, user: kind-a }") },
      [
        [
          "kubeconfig",
          /^context "kind-a" refers to cluster "kind-x", which the kubeconfig does not define; define it under clusters, or point the context at one of: kind-a, kind-b$/,
        ],
      ],
    ],
    [
      "a context whose user is missing",
      { kubeconfig: twoContextsWith("{ cluster: kind-a, user: kind-a }", "{ cluster: kind-a, user: nobody }") },
      [["kubeconfig", /^context "kind-a" refers to user "nobody"/]],
    ],
    [
      "a cluster without a server",
      { kubeconfig: twoContextsWith('server: "https://127.0.0.1:6443", ', "") },
      [["kubeconfig", /^cluster "kind-a" has no server URL; set its server, e.g. "https:\/\/127.0.0.1:6443"$/]],
    ],
    [
      "a relative certificate path",
      { kubeconfig: twoContextsWith("certificate-authority-data: QQ==", "certificate-authority: ca.crt") },
      [["kubeconfig", /^cluster "kind-a" certificate-authority "ca.crt" is a relative path; embed the data/]],
    ],
    [
      "a bad locality",
      { kubeconfig: TWO_CONTEXTS, locality: "us east" },
      [
        [
          "locality",
          /^"us east" is not an Istio locality; use region\[\/zone\[\/subzone\]\], e.g. "us-east-2\/us-east-2a"$/,
        ],
      ],
    ],
    [
      "a kubeconfig that is neither text nor a path",
      { kubeconfig: 42 },
      [["kubeconfig", /^42 is not kubeconfig text or a path; give the kubeconfig text/]],
    ],
    [
      "a context known only at deploy time",
      { kubeconfig: TWO_CONTEXTS, context: pulumi.output("kind-b") },
      [["context", new RegExp(`^is an Output, ${deployTime} a literal string \\(e.g. "kind-a"\\)$`)]],
    ],
    [
      "an empty context name",
      { kubeconfig: TWO_CONTEXTS, context: "" },
      [
        [
          "context",
          /^"" is not a context name; leave it out for the kubeconfig's current-context, or name one of its contexts, e.g. "kind-a"$/,
        ],
      ],
    ],
  ])("%s", (_case, args, issues) =>
    expectRejected(() => new KubeconfigCluster("kc", args as any), 'KubeconfigCluster "kc"', issues),
  );

  test("an Output kubeconfig is checked when it resolves, with the same message", async () => {
    // What KubeconfigCluster does with an Output; a failed Output fails the deployment (and would end this test process
    // if a provider registration awaited it, hence no component here).
    const checked: any = checkedKubeconfig('KubeconfigCluster "later"', pulumi.output(TWO_CONTEXTS), "kind-c");
    // An Output keeps its value, known-ness and secret-ness as three promises; all three carry the failure.
    const settled = await Promise.allSettled([checked.promise(), checked.isKnown, checked.isSecret]);
    for (const r of settled) {
      expect(r.status).toBe("rejected");
      // A RunError without stack frames (sdk/src/whenKnown.ts): Pulumi reports it by its message alone, at once.
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(pulumi.RunError);
      expect((r as PromiseRejectedResult).reason.stack).not.toMatch(/\n\s+at /);
      expect((r as PromiseRejectedResult).reason.message).toMatch(
        /^KubeconfigCluster "later": invalid arguments \(1 problem\)\n {2}- context: "kind-c" is not in the kubeconfig; its contexts are: kind-a, kind-b$/,
      );
    }
    const good = checkedKubeconfig('KubeconfigCluster "later"', pulumi.output(TWO_CONTEXTS), "kind-b");
    expect(await valueOf(good)).toMatch(/\ncurrent-context: kind-b\n/);
  });
});

test("a field of the same kind gets the same message from the spec and from a component", () => {
  const messagesOf = (validate: () => unknown): string[] => {
    try {
      validate();
      return [];
    } catch (e) {
      return (e as SpecError).issues.map((i) => i.message);
    }
  };
  const fromComponent = messagesOf(() => validateEksClusterArgs("eks", { region, network: "Net 1" }, undefined));
  const fromSpec = messagesOf(() =>
    validateSpec({ ...baseSpec(), clusters: [{ name: "cluster1", network: "Net 1" }] }),
  );
  expect(fromComponent).toEqual([expect.stringMatching(/^"Net 1" is not a DNS-1123 label/)]);
  expect(fromSpec).toEqual(fromComponent);
});
