import { parseStackOutputs } from "../../e2e/outputs";
import { kubeconfigText } from "../helpers/kubeconfigs";
import { HELM_RELEASE, ofType } from "./checks";
import { RunResult } from "./runProgram";
import { isSecret, reveal } from "./wire";

/**
 * The Pulumi programs of this repository and what a user configures to run them (from each README and Pulumi.yaml).
 * Only this table knows anything program-specific; programs.test.ts checks the generic facts (./checks) for all, and
 * that every nodejs Pulumi.yaml of the repository is listed here (and every other one in OTHER_PROGRAMS).
 * Keep `expect` small — counts of components, export names, a few facts a README promises — so that a change to the
 * examples or the sdk's resource names touches this table only where a program's behaviour changes.
 */

/** Kubeconfig text as `kubectl config view --raw --flatten --minify` gives it (JSON is valid YAML), with a token the
 * checks look for in plain text (SECRET_NEEDLE). */
export const kubeconfig = (name: string) =>
  kubeconfigText(name, { users: [{ name, user: { token: `stand-in-token-${name}` } }] });

export interface ProgramCase {
  /** Directory of the program's Pulumi.yaml, relative to the repository root. */
  dir: string;
  /** What tells this case from another of the same program (its config). Default: none. */
  variant?: string;
  /** Stack config, as `pulumi config set` would hold it (project keys without the project prefix). */
  config: Record<string, string>;
  /** Keys set with `pulumi config set --secret`. */
  secretKeys: string[];
  expect: {
    /** Exact registration counts of a few types (components, mostly). */
    counts: Record<string, number>;
    /** The stack outputs (exports). */
    outputs: string[];
    /**
     * The program installs istiod (MeshCluster) on the cluster of every Istio object it writes: in an update the
     * readiness check (./checks istiodReadiness) must then have compared every Istio object; if false, none.
     */
    installsIstiod: boolean;
    /** A few program-specific facts; throw (expect) when one does not hold. */
    check?: (r: RunResult) => void;
  };
}

/** Host names a GlobalNamespace exported in its `hosts` output. */
const hostNames = (r: RunResult) => {
  const hosts = reveal(r.stackOutputs.hosts);
  return Array.isArray(hosts) ? hosts.map((h: { host: string }) => h.host) : [];
};

/**
 * What MeshCluster installs per cluster, as the README promises: both gateways in `istio-gateways`, each with the
 * cluster's own service account, and `cacerts` alone in istio-system, out of the gateways' reach.
 */
const gatewaysApartFromCacerts = (r: RunResult, clusters: number) => {
  const account = (g: { inputs: Record<string, unknown> }) =>
    (reveal(g.inputs.values) as { serviceAccount: { name: string } }).serviceAccount.name;
  const metadata = (g: { inputs: Record<string, unknown> }) =>
    reveal(g.inputs.metadata) as { name?: string; namespace?: string } | undefined;
  const gateways = ofType(r, HELM_RELEASE).filter((g) => reveal(g.inputs.chart) === "gateway");
  expect(gateways).toHaveLength(2 * clusters);
  for (const g of gateways) {
    expect(reveal(g.inputs.namespace)).toBe("istio-gateways");
    // `<release>-<cluster>`, e.g. istio-egressgateway-cluster2.
    expect(account(g)).toMatch(new RegExp(`^${String(reveal(g.inputs.name))}-[a-z0-9-]+$`));
  }
  const accounts = gateways.map(account);
  expect(new Set(accounts).size).toBe(accounts.length);
  const cacerts = ofType(r, "kubernetes:core/v1:Secret").filter((g) => metadata(g)?.name === "cacerts");
  expect(cacerts).toHaveLength(clusters);
  for (const g of cacerts) expect(metadata(g)?.namespace).toBe("istio-system");
};

/** The root program (README "Examples"): two kubeconfig clusters, their addresses and options from `config`. */
function rootProgram(config: Record<string, string>): Pick<ProgramCase, "config" | "secretKeys"> {
  return {
    config: { ...config, cluster1Kubeconfig: kubeconfig("c1"), cluster2Kubeconfig: kubeconfig("c2") },
    secretKeys: ["cluster1Kubeconfig", "cluster2Kubeconfig"],
  };
}

/** What every run of the root program registers and exports. */
const ROOT_EXPECT = {
  counts: { "globalmesh:index:GlobalNamespace": 1, "globalmesh:index:KubeconfigCluster": 2 },
  outputs: ["hosts", "objectNames", "topology"],
  // Istio is already there (installed by whoever runs the clusters): the Istio objects wait for nothing.
  installsIstiod: false,
};

export const PROGRAMS: ProgramCase[] = [
  {
    // README "Examples": acme-fitness on two existing Istio clusters given by kubeconfig.
    dir: ".",
    ...rootProgram({ cluster1Ingress: "203.0.113.10", cluster2Ingress: "a1b2c3d4e5f6.elb.us-east-2.amazonaws.com" }),
    expect: { ...ROOT_EXPECT, check: (r) => expect(hostNames(r)).toContain("catalog.acme.example.com") },
  },
  {
    // The root program again with `mode: east-west`: its addresses are then the east-west gateways'.
    dir: ".",
    variant: "east-west",
    ...rootProgram({ mode: "east-west", cluster1Ingress: "203.0.113.20", cluster2Ingress: "198.51.100.20" }),
    expect: {
      ...ROOT_EXPECT,
      check: (r) => {
        expect(hostNames(r)).toContain("catalog.acme.example.com");
        const gateways = ofType(r, "kubernetes:networking.istio.io/v1:Gateway").map(
          (g) => reveal(g.inputs.spec) as { selector: Record<string, string>; servers: { port: { number: number } }[] },
        );
        // Only passthrough servers on the east-west gateways: no tunnel (egress or ingress) Gateway at all.
        expect(gateways.length).toBeGreaterThan(0);
        for (const g of gateways) {
          expect(g.selector).toEqual({ istio: "eastwestgateway" });
          expect(g.servers.map((s) => s.port.number)).toEqual([15443]);
        }
        // cluster1 reaches catalog at cluster2's east-west gateway, port 15443, with Istio's outbound SNI.
        const entry = ofType(r, "kubernetes:networking.istio.io/v1:ServiceEntry").find((e) =>
          JSON.stringify(reveal(e.inputs.spec)).includes('"hosts":["catalog.acme.example.com"]'),
        );
        expect(reveal(entry?.inputs.spec)).toMatchObject({
          endpoints: [{ address: "198.51.100.20", ports: { "http-catalog": 15443 } }],
        });
      },
    },
  },
  {
    // examples/eks-aks/README.md "Run": the cloud regions, and the AWS profile the stack deploys with.
    dir: "examples/eks-aks",
    config: { "aws:region": "us-west-2", "aws:profile": "platform-admin", "azure-native:location": "westeurope" },
    secretKeys: [],
    expect: {
      counts: {
        "globalmesh:index:EksCluster": 1,
        "globalmesh:index:AksCluster": 1,
        "globalmesh:index:MeshTrust": 1,
        "globalmesh:index:MeshCluster": 2,
        "globalmesh:index:GlobalNamespace": 1,
        "aws:eks/cluster:Cluster": 1,
        "azure-native:containerservice:ManagedCluster": 1,
      },
      outputs: ["hosts", "ingressAddresses", "kubeconfigs", "topology"],
      installsIstiod: true,
      check: (r) => {
        expect(hostNames(r)).toContain("catalog.acme.example.com");
        gatewaysApartFromCacerts(r, 2);
        const kubeconfigs = r.stackOutputs.kubeconfigs as Record<string, unknown>;
        if (!r.preview) {
          // Both kubeconfigs exported as secrets, and the ingress addresses read from the gateways' Services.
          expect(Object.values(kubeconfigs).every(isSecret)).toBe(true);
          expect(Object.values(reveal(r.stackOutputs.ingressAddresses) as object)).toEqual([
            expect.stringMatching(/^203\.0\.113\./),
            expect.stringMatching(/^203\.0\.113\./),
          ]);
        }
      },
    },
  },
  {
    // examples/onboard-existing/README.md "Run it": three kubeconfigs (secret) and an optional locality.
    dir: "examples/onboard-existing",
    config: {
      cluster1Kubeconfig: kubeconfig("cluster1"),
      cluster2Kubeconfig: kubeconfig("cluster2"),
      cluster3Kubeconfig: kubeconfig("cluster3"),
      cluster1Locality: "europe-west1",
    },
    secretKeys: ["cluster1Kubeconfig", "cluster2Kubeconfig", "cluster3Kubeconfig"],
    expect: {
      counts: {
        "globalmesh:index:MeshTrust": 1,
        "globalmesh:index:MeshCluster": 3,
        "globalmesh:index:GlobalNamespace": 1,
      },
      outputs: ["hosts", "ingressAddresses", "meshId"],
      installsIstiod: true,
      check: (r) => {
        expect(hostNames(r)).toEqual(
          expect.arrayContaining(["productpage.bookinfo.example.com", "reviews.bookinfo.example.com"]),
        );
        gatewaysApartFromCacerts(r, 3);
      },
    },
  },
  {
    // e2e/: the conformance run's program (README "Conformance run on real clusters"); e2e/run.ts sets the two
    // kubeconfigs as secrets. Here as any other program; only a Docker machine runs it for real.
    dir: "e2e",
    config: {
      cluster1Kubeconfig: kubeconfig("kind-globalmesh-e2e-1"),
      cluster2Kubeconfig: kubeconfig("kind-globalmesh-e2e-2"),
    },
    secretKeys: ["cluster1Kubeconfig", "cluster2Kubeconfig"],
    expect: {
      counts: {
        "globalmesh:index:KubeconfigCluster": 2,
        "globalmesh:index:MeshTrust": 1,
        "globalmesh:index:MeshCluster": 2,
        "globalmesh:index:GlobalNamespace": 1,
        "kubernetes:yaml/v2:ConfigGroup": 2,
        "kubernetes:apps/v1:Deployment": 2,
      },
      outputs: ["catalog", "clients", "hosts", "meshClusters", "objectNames"],
      installsIstiod: true,
      check: (r) => {
        gatewaysApartFromCacerts(r, 2);
        if (!r.preview) {
          // What e2e/run.ts reads, as `pulumi stack output --json --show-secrets` prints it, through its own parser.
          const outputs = parseStackOutputs(JSON.stringify(reveal(r.stackOutputs)));
          expect(outputs.catalog).toEqual({
            host: "catalog.acme.example.com",
            address: expect.stringMatching(/^24\d\./),
            port: 8082,
            owners: ["cluster2"],
          });
          expect(outputs.clients.member).toMatchObject({ cluster: "cluster1", namespace: "default" });
          expect(outputs.clients.outsider).toMatchObject({ cluster: "cluster1", namespace: "outsider" });
          expect(outputs.meshClusters.cluster2.ingressPrincipal).toBe(
            "cluster.local/ns/istio-gateways/sa/istio-ingressgateway-cluster2",
          );
          expect(outputs.meshClusters.cluster1.ingressAddress).toMatch(/^203\.0\.113\./);
        }
        // The single-node overrides reach the charts, over MeshCluster's own values, which stay.
        const values = (chart: string) =>
          ofType(r, HELM_RELEASE)
            .filter((g) => reveal(g.inputs.chart) === chart)
            .map((g) => reveal(g.inputs.values) as any);
        expect(values("istiod")).toHaveLength(2);
        for (const v of values("istiod")) {
          expect(v).toMatchObject({
            autoscaleEnabled: false,
            replicaCount: 1,
            meshConfig: { accessLogFile: "/dev/stdout", trustDomain: "cluster.local" },
            global: { multiCluster: { clusterName: expect.stringMatching(/^cluster[12]$/) } },
          });
          expect(v.meshConfig.defaultConfig.proxyMetadata.ISTIO_META_DNS_CAPTURE).toBe("true");
        }
        for (const v of values("gateway"))
          expect(v).toMatchObject({ autoscaling: { enabled: false }, replicaCount: 1 });
        // The clients: curl, pinned, in a member and a non-member namespace.
        const deployments = ofType(r, "kubernetes:apps/v1:Deployment").map((g) => reveal(g.inputs) as any);
        expect(deployments.map((d) => d.metadata.namespace).sort()).toEqual(["default", "outsider"]);
        for (const d of deployments)
          expect(d.spec.template.spec.containers[0].image).toMatch(/^curlimages\/curl:\d+\.\d+\.\d+$/);
      },
    },
  },
];

/**
 * Pulumi programs of the repository in another language than nodejs, which this harness cannot run: the directory,
 * its runtime, and the test file that checks it instead (programs.test.ts makes sure that file names the directory).
 */
export const OTHER_PROGRAMS: { dir: string; runtime: string; checkedBy: string }[] = [
  // Pulumi YAML on the globalmesh plugin: checked statically against the plugin's schema.
  { dir: "examples/yaml", runtime: "yaml", checkedBy: "test/plugin/examples.test.ts" },
];
