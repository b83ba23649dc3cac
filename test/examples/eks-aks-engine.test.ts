import { join } from "node:path";
import { clusterOf, HELM_RELEASE, K8S_PROVIDER, kubeconfigOf, ofType } from "../engine/checks";
import { PROGRAMS } from "../engine/programs";
import { RunResult, runProgram } from "../engine/runProgram";
import { reveal } from "../engine/wire";

/**
 * examples/eks-aks through Pulumi's own program runner on the stand-in engine, as `pulumi up` runs it with
 * `aws:profile` in the stack config (issue 11, "Done when"): what registers. Resources are found by type and inputs.
 */
const ROOT = join(__dirname, "..", "..");
const program = PROGRAMS.find((p) => p.dir === "examples/eks-aks")!;
const PROFILE = program.config["aws:profile"];
const run = (env?: Record<string, string>, preview = false) =>
  runProgram({ dir: join(ROOT, program.dir), preview, config: program.config, secretKeys: program.secretKeys, env });

type Inputs = Record<string, any>;
const inputsOf = (g: { inputs: Record<string, unknown> }) => reveal(g.inputs) as Inputs;
const minorOf = (version: string) => Number(/^1\.(\d+)\./.exec(version)?.[1] ?? NaN);

let up: RunResult;
let unreachable: RunResult;
beforeAll(async () => {
  [up, unreachable] = await Promise.all([run(), run({ PULUMI_K8S_DELETE_UNREACHABLE: "true" }, true)]);
}, 240_000);

/** The EKS cluster's kubeconfig, as the program exports it. */
const eksKubeconfig = () => (reveal(up.stackOutputs.kubeconfigs) as Record<string, string>).cluster1;
/** Helm releases on the EKS cluster, told by their provider's kubeconfig. */
const onEks = (r: RunResult) => ofType(r, HELM_RELEASE).filter((g) => clusterOf(r, g) === eksKubeconfig());

test("the update runs to the end without errors", () => {
  expect(up.errors).toEqual([]);
  expect(unreachable.errors).toEqual([]);
});

describe("clouds and credentials", () => {
  test("the EKS kubeconfig authenticates with the stack's aws:profile, and every provider to cluster1 uses it", () => {
    const exec = JSON.parse(eksKubeconfig()).users[0].user.exec;
    expect(exec.command).toBe("aws");
    expect(exec.args.slice(exec.args.indexOf("--profile"), exec.args.indexOf("--profile") + 2)).toEqual([
      "--profile",
      PROFILE,
    ]);
    const toEks = ofType(up, K8S_PROVIDER).filter((p) => kubeconfigOf(p)?.includes('"command":"aws"'));
    // MeshCluster's, the app's, the GlobalNamespace's.
    expect(toEks).toHaveLength(3);
    for (const p of toEks) expect(kubeconfigOf(p)).toBe(eksKubeconfig());
  });

  test("AKS: Azure CNI overlay network profile, the inline pool never resent, the user pool an AgentPool", () => {
    const [aks] = ofType(up, "azure-native:containerservice:ManagedCluster");
    expect(inputsOf(aks).networkProfile).toMatchObject({
      networkPlugin: "azure",
      networkPluginMode: "overlay",
      podCidr: "10.244.0.0/16",
    });
    expect(aks.ignoreChanges).toEqual(["agentPoolProfiles"]);
    const pools = ofType(up, "azure-native:containerservice:AgentPool").map(inputsOf);
    expect(pools).toEqual([
      expect.objectContaining({ mode: "User", count: 3, resourceName: (reveal(aks.outputs) as Inputs).name }),
    ]);
  });

  test("no ec2.Tag: the subnets the program creates carry their load-balancer role tags themselves", () => {
    expect(ofType(up, "aws:ec2/tag:Tag")).toEqual([]);
    const tags = ofType(up, "aws:ec2/subnet:Subnet").map((g) => inputsOf(g).tags as Record<string, string>);
    expect(tags).toHaveLength(4);
    for (const t of tags) expect(t["kubernetes.io/role/elb"] ?? t["kubernetes.io/role/internal-elb"]).toBe("1");
  });

  test("EKS managed add-ons at the version EKS lists for the cluster's Kubernetes version", () => {
    const addons = ofType(up, "aws:eks/addon:Addon").map(inputsOf);
    expect(addons.map((a) => a.addonName).sort()).toEqual(["coredns", "kube-proxy", "vpc-cni"]);
    const asked = up.invokes.filter((i) => i.token === "aws:eks/getAddonVersion:getAddonVersion");
    expect(asked.map((i) => [i.args.addonName, i.args.kubernetesVersion, i.args.mostRecent]).sort()).toEqual([
      ["coredns", "1.35", true],
      ["kube-proxy", "1.35", true],
      ["vpc-cni", "1.35", true],
    ]);
    for (const a of addons) expect(a.addonVersion).toBe("v1.19.0-eksbuild.1");
  });

  test("the EKS gateways ask for a Network Load Balancer (EksCluster's loadBalancerAnnotations, applied by MeshCluster)", () => {
    const gateways = onEks(up).filter((g) => inputsOf(g).chart === "gateway");
    expect(gateways.length).toBeGreaterThan(0);
    const ingress = gateways.filter((g) => String(inputsOf(g).name).includes("ingress"));
    expect(ingress).toHaveLength(1);
    expect(inputsOf(ingress[0]).values.service.annotations).toMatchObject({
      "service.beta.kubernetes.io/aws-load-balancer-type": "nlb",
    });
  });

  test("PULUMI_K8S_DELETE_UNREACHABLE reaches every Kubernetes provider (what the docs' removal of a gone cluster relies on)", () => {
    const providers = ofType(unreachable, K8S_PROVIDER);
    expect(providers.length).toBe(6);
    for (const p of providers)
      expect({ name: p.name, d: p.inputs.deleteUnreachable }).toEqual({ name: p.name, d: "true" });
    // Not pinned otherwise: an unreachable cluster keeps its objects in the state unless the operator says it is gone.
    for (const p of ofType(up, K8S_PROVIDER)) expect(p.inputs.deleteUnreachable).toBeUndefined();
  });
});

describe("the Istio install (issue 11 items 2-4, sdk/src/install)", () => {
  const istioReleases = () =>
    ofType(up, HELM_RELEASE).filter((g) => ["base", "istiod", "gateway"].includes(inputsOf(g).chart));

  test("Istio charts at the default version, 1.30 or newer", () => {
    expect(istioReleases().length).toBeGreaterThanOrEqual(8);
    for (const g of istioReleases())
      expect({ name: g.name, minor: minorOf(inputsOf(g).version) >= 30 }).toEqual({ name: g.name, minor: true });
  });

  test("every Helm release atomic, cleaned up on failure", () => {
    for (const g of ofType(up, HELM_RELEASE))
      expect({ name: g.name, atomic: inputsOf(g).atomic, cleanupOnFail: inputsOf(g).cleanupOnFail }).toEqual({
        name: g.name,
        atomic: true,
        cleanupOnFail: true,
      });
  });

  test("every CA certificate renews early", () => {
    const cas = ofType(up, "tls:index/").filter((g) => /Cert:/.test(g.type) && inputsOf(g).isCaCertificate === true);
    expect(cas.length).toBeGreaterThanOrEqual(3);
    for (const g of cas)
      expect({ name: g.name, early: Number(inputsOf(g).earlyRenewalHours) > 0 }).toEqual({ name: g.name, early: true });
  });

  test("gateways run at least 2 replicas with a PodDisruptionBudget", () => {
    const gateways = ofType(up, HELM_RELEASE).filter((g) => inputsOf(g).chart === "gateway");
    expect(gateways.length).toBeGreaterThanOrEqual(4);
    const pdbs = ofType(up, "kubernetes:policy/v1:PodDisruptionBudget");
    for (const g of gateways) {
      const v = inputsOf(g).values;
      const replicas =
        v.autoscaling?.enabled === false ? v.replicaCount : (v.autoscaling?.minReplicas ?? v.replicaCount);
      // A budget from the chart's values or a PodDisruptionBudget object on the same cluster.
      const budget =
        v.podDisruptionBudget !== undefined ||
        pdbs.some(
          (p) =>
            clusterOf(up, p) === clusterOf(up, g) &&
            JSON.stringify(reveal(p.inputs)).includes(String(inputsOf(g).name)),
        );
      expect({ name: g.name, replicas: replicas >= 2, budget }).toEqual({ name: g.name, replicas: true, budget: true });
    }
  });
});
