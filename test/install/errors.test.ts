import * as pulumi from "@pulumi/pulumi";
import { kubeconfigText } from "../helpers/kubeconfigs";
import { installMocks } from "../helpers/pulumiHarness";
import { computedState, connection, registrationsDuring } from "./support";
import type { MeshClusterArgs, SpecError as SpecErrorT } from "../../sdk/src";

/**
 * Bad input is refused with a SpecError that names the field and the fix, before Pulumi registers anything: no
 * component, no child, no read. Each case counts the registerResource/readResource calls the constructor made.
 * Messages are the validation vocabulary's (sdk/src/mesh/checks.ts): `<what is wrong, quoting the value>; <the fix>`,
 * checked whole where the component words them.
 */
let lib: typeof import("../../sdk/src");

beforeAll(async () => {
  await installMocks({ preview: false, state: computedState });
  lib = await import("../../sdk/src");
});

function refused(fn: () => void): SpecErrorT {
  const { count, error } = registrationsDuring(fn);
  expect(error).toBeInstanceOf(lib.SpecError);
  expect(count).toBe(0);
  return error as SpecErrorT;
}
const paths = (e: SpecErrorT) => e.issues.map((i) => i.path);
/** Every issue as `path: message`, for comparing whole messages. */
const lines = (e: SpecErrorT) => e.issues.map((i) => `${i.path}: ${i.message}`);
/** The vocabulary's wording for a value that is not a DNS-1123 label. */
const notLabel = (v: string, example: string) =>
  `${v} is not a DNS-1123 label; use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit, e.g. "${example}"`;
/** The vocabulary's wording for an Output in a field that must be a literal. */
const deployTime = (what: string, literal: string) =>
  `is ${what}, known only at deploy time; this field decides which objects exist, so give ${literal}`;
/** The message of the one issue at `path`. */
const issue = (e: SpecErrorT, path: string) => {
  const found = e.issues.filter((i) => i.path === path);
  expect(found).toHaveLength(1);
  return found[0].message;
};

/** MeshCluster args for `clusterName`, its CA from a MeshTrust made for it alone. */
function meshArgs(clusterName: string): MeshClusterArgs {
  const trust = new lib.MeshTrust(`trust-of-${clusterName}`, { clusters: [clusterName] });
  return {
    cluster: connection(clusterName),
    ca: trust.caFor(clusterName),
    meshId: trust.meshId,
    trustDomain: trust.trustDomain,
  };
}

test("the counter sees registrations (a valid MeshTrust and MeshCluster make many)", () => {
  const made = registrationsDuring(() => new lib.MeshTrust("ok-mesh", { clusters: ["ok", "ok2"] }));
  expect(made.error).toBeUndefined();
  // The component, the root's key and certificate, and per cluster the intermediate's key, CSR and certificate.
  expect(made.count).toBe(1 + 2 + 2 * 3);
  const args = meshArgs("ok");
  const { count, error } = registrationsDuring(() => new lib.MeshCluster("ok", args));
  expect(error).toBeUndefined();
  // The component, its provider, istio-system, istio-gateways, cacerts, 4 releases, the injection tag's webhook, 5
  // agent objects, the ingress Service read.
  expect(count).toBe(1 + 1 + 3 + 4 + 1 + 5 + 1);
});

describe("MeshTrust: the mesh's cluster names, each once, before anything is registered", () => {
  test("a name listed twice", () => {
    const e = refused(() => new lib.MeshTrust("m3", { clusters: ["dup", "east", "dup"] }));
    expect(e.message.split("\n")[0]).toBe('MeshTrust "m3": invalid arguments (1 problem)');
    expect(lines(e)).toEqual([
      `clusters[2]: "dup" is listed twice (first at clusters[0]); list each cluster once: istiod's clusterName and the intermediate CA are per name`,
    ]);
    // Another mesh may use the name.
    expect(() => new lib.MeshTrust("m3-other", { clusters: ["dup"] })).not.toThrow();
  });

  test("names that are not DNS-1123 labels", () => {
    const e = refused(() => new lib.MeshTrust("m3b", { clusters: ["Cluster_1", "", 7 as never, null as never, "ok"] }));
    expect(lines(e)).toEqual([
      `clusters[0]: ${notLabel('"Cluster_1"', "cluster1")}`,
      `clusters[1]: ${notLabel('""', "cluster1")}`,
      `clusters[2]: ${notLabel("7", "cluster1")}`,
      'clusters[3]: is required; give a DNS-1123 label, e.g. "cluster1"',
    ]);
  });

  test("no list of clusters", () => {
    expect(lines(refused(() => new lib.MeshTrust("m3c", {} as never)))).toEqual([
      'clusters: is required; give a list, e.g. ["cluster1", "cluster2"]',
    ]);
    expect(lines(refused(() => new lib.MeshTrust("m3d", { clusters: "c1,c2" as never })))).toEqual([
      'clusters: "c1,c2" is not a list; give a list, e.g. ["cluster1", "cluster2"]',
    ]);
  });

  test("an Output for a plain field is refused, naming the field", () => {
    const e = refused(
      () =>
        new lib.MeshTrust("m3f", {
          clusters: [pulumi.output("c1") as never, "c2"],
          meshId: pulumi.output("m") as never,
        }),
    );
    expect(lines(e)).toEqual([
      `clusters[0]: ${deployTime("an Output", 'a literal string (e.g. "cluster1")')}`,
      `meshId: ${deployTime("an Output", 'a literal string (e.g. "mesh1")')}`,
    ]);
    const whole = refused(() => new lib.MeshTrust("m3g", { clusters: Promise.resolve(["c1"]) as never }));
    expect(lines(whole)).toEqual([
      `clusters: ${deployTime("a Promise", 'a literal list (e.g. ["cluster1", "cluster2"])')}`,
    ]);
  });

  test("a mesh ID defaulted from a resource name that is not a DNS-1123 label", () => {
    expect(lines(refused(() => new lib.MeshTrust("Mesh_1", { clusters: ["c1"] })))).toEqual([
      `meshId: is not set, and the resource name "Mesh_1", its default, is not a DNS-1123 label; use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit, e.g. "mesh1"`,
    ]);
  });

  test("lifetimes: whole hours, an intermediate no longer-lived than a generated root", () => {
    const e = refused(
      () => new lib.MeshTrust("m3h", { clusters: ["c1"], rootValidityHours: 0, intermediateValidityHours: 1.5 }),
    );
    expect(lines(e)).toEqual([
      "rootValidityHours: 0 is not a whole number from 720 to 876000; use e.g. 87600",
      "intermediateValidityHours: 1.5 is not a whole number from 168 to 876000; use e.g. 17520",
    ]);
    const e2 = refused(
      () => new lib.MeshTrust("m3i", { clusters: ["c1"], rootValidityHours: 8760, rootEarlyRenewalHours: 2000 }),
    );
    expect(lines(e2)).toEqual([
      "intermediateValidityHours: 17520 is not less than the root's 8760 hours, and certificates signed after the root expires would not verify; give less than 8760, or raise rootValidityHours",
    ]);
  });

  test("caFor a cluster MeshTrust was not told about throws, naming the fix; it registers nothing", () => {
    const trust = new lib.MeshTrust("m3e", { clusters: ["east", "west"] });
    const { count, error } = registrationsDuring(() => trust.caFor("north"));
    expect(count).toBe(0);
    expect(error).toBeInstanceOf(lib.SpecError);
    expect((error as Error).message).toBe(
      'MeshTrust.caFor: invalid arguments (1 problem)\n  - clusterName: "north" is not one of MeshTrust\'s clusters (east, west), so it has no intermediate CA; add it to MeshTrust\'s clusters, e.g. clusters: ["east", "west", "north"]',
    );
    // A name known only at deploy time cannot pick a CA while the program runs.
    expect(lines(registrationsDuring(() => trust.caFor(pulumi.output("east") as never)).error as SpecErrorT)).toEqual([
      `clusterName: ${deployTime("an Output", 'a literal string (e.g. "cluster1")')}`,
    ]);
  });
});

describe("MeshCluster: cluster, ca and meshId, by field path", () => {
  const base = () => meshArgs("c1");
  test.each<[string, (a: MeshClusterArgs) => unknown, string[]]>([
    ["no cluster", (a) => ({ ...a, cluster: undefined }), ["cluster"]],
    ["a cluster that is not an object", (a) => ({ ...a, cluster: "c1" }), ["cluster"]],
    [
      "a cluster without a name",
      (a) => ({ ...a, cluster: { kubeconfig: kubeconfigText("c1") } }),
      ["cluster.clusterName"],
    ],
    [
      "a cluster name that is not a DNS-1123 label",
      (a) => ({ ...a, cluster: connection("Cluster_1") }),
      ["cluster.clusterName"],
    ],
    [
      "a cluster name known only at deploy time",
      (a) => ({ ...a, cluster: { clusterName: pulumi.output("c1"), kubeconfig: kubeconfigText("c1") } }),
      ["cluster.clusterName"],
    ],
    ["a cluster without a kubeconfig", (a) => ({ ...a, cluster: { clusterName: "c1" } }), ["cluster.kubeconfig"]],
    ["an empty kubeconfig", (a) => ({ ...a, cluster: { clusterName: "c1", kubeconfig: "" } }), ["cluster.kubeconfig"]],
    ["no ca", (a) => ({ ...a, ca: undefined }), ["ca"]],
    ["no meshId", (a) => ({ ...a, meshId: undefined }), ["meshId"]],
    ["a meshId that is not a DNS-1123 label", (a) => ({ ...a, meshId: "Mesh 1" }), ["meshId"]],
    ["a trust domain that is not a DNS name", (a) => ({ ...a, trustDomain: "not a domain" }), ["trustDomain"]],
    ["no args at all", () => undefined, ["cluster", "ca", "meshId"]],
  ])("%s", (_name, edit, expected) => {
    const args = edit(base());
    const e = refused(() => new lib.MeshCluster("bad-args", args as MeshClusterArgs));
    expect(paths(e)).toEqual(expected);
    expect(e.message.split("\n")[0]).toBe(
      `MeshCluster "bad-args": invalid arguments (${expected.length} problem${expected.length === 1 ? "" : "s"})`,
    );
  });

  test("the fixes name where the value comes from", () => {
    const e = refused(() => new lib.MeshCluster("bad-args", { cluster: { clusterName: "c1" } } as never));
    expect(issue(e, "ca")).toMatch(/caFor/);
    expect(issue(e, "meshId")).toMatch(/MeshTrust/);
  });

  const kubeconfigFix =
    "give the cluster's kubeconfig text, e.g. the kubeconfig output of its EksCluster, AksCluster, KubeconfigCluster or MeshCluster";
  const caFix = `give all four PEM fields, as MeshTrust's intermediates[clusterName] has them (trust.caFor("c1") in TypeScript)`;
  const secretKey = "s3cr3t-key-material";
  // [case, edit, every issue as `path: message`]
  test.each<[string, (a: MeshClusterArgs) => unknown, string[]]>([
    [
      "no cluster",
      (a) => ({ ...a, cluster: undefined }),
      [
        "cluster: is required; give the cluster's { clusterName, kubeconfig }, e.g. an EksCluster, AksCluster or KubeconfigCluster as it is",
      ],
    ],
    [
      "a cluster that is not a mapping",
      (a) => ({ ...a, cluster: "c1" }),
      [
        'cluster: "c1" is not a mapping; give one with the fields clusterName, kubeconfig, locality, network, loadBalancerAnnotations',
      ],
    ],
    [
      "a cluster known only at deploy time",
      (a) => ({ ...a, cluster: pulumi.output(connection("c1")) }),
      [`cluster: ${deployTime("an Output", "a literal mapping")}`],
    ],
    [
      "a cluster name known only at deploy time",
      (a) => ({ ...a, cluster: { clusterName: pulumi.output("c1"), kubeconfig: kubeconfigText("c1") } }),
      [`cluster.clusterName: ${deployTime("an Output", 'a literal string (e.g. "cluster1")')}`],
    ],
    [
      "a cluster without a name",
      (a) => ({ ...a, cluster: { kubeconfig: kubeconfigText("c1") } }),
      ['cluster.clusterName: is required; give a DNS-1123 label, e.g. "cluster1"'],
    ],
    [
      "a cluster name that is not a DNS-1123 label",
      (a) => ({ ...a, cluster: connection("Cluster_1") }),
      [`cluster.clusterName: ${notLabel('"Cluster_1"', "cluster1")}`],
    ],
    [
      "a cluster without a kubeconfig",
      (a) => ({ ...a, cluster: { clusterName: "c1" } }),
      [`cluster.kubeconfig: is required; ${kubeconfigFix}`],
    ],
    [
      "an empty kubeconfig",
      (a) => ({ ...a, cluster: { clusterName: "c1", kubeconfig: " " } }),
      [`cluster.kubeconfig: is empty; ${kubeconfigFix}`],
    ],
    [
      "a kubeconfig that is not text",
      (a) => ({ ...a, cluster: { clusterName: "c1", kubeconfig: { clusters: [] } } }),
      [`cluster.kubeconfig: a mapping is not kubeconfig text; ${kubeconfigFix}`],
    ],
    [
      "a network known only at deploy time",
      (a) => ({ ...a, cluster: { ...connection("c1"), network: pulumi.output("n1") } }),
      [`cluster.network: ${deployTime("an Output", 'a literal string (e.g. "network1")')}`],
    ],
    [
      "a locality that is not one",
      (a) => ({ ...a, locality: "us east" }),
      ['locality: "us east" is not an Istio locality; use region[/zone[/subzone]], e.g. "us-east-2/us-east-2a"'],
    ],
    [
      "no ca",
      (a) => ({ ...a, ca: undefined }),
      [`ca: is required; give MeshTrust's intermediates[clusterName] (trust.caFor("c1") in TypeScript)`],
    ],
    [
      "a ca that is PEM text (not quoted)",
      (a) => ({ ...a, ca: `-----BEGIN RSA PRIVATE KEY-----\n${secretKey}\n` }),
      [
        `ca: is not a CA { certPem, keyPem, certChainPem, rootCertsPem }; give MeshTrust's intermediates[clusterName] (trust.caFor("c1") in TypeScript)`,
      ],
    ],
    [
      "a ca mapping with a misspelt, a missing, a bad and an empty field (none quoted)",
      (a) => ({
        ...a,
        ca: {
          certPEM: "-----BEGIN CERTIFICATE-----",
          keyPem: secretKey,
          certChainPem: pulumi.secret("chain"),
          rootCertsPem: "",
        },
      }),
      [
        'ca.certPEM: unknown field; did you mean "certPem"?',
        `ca.certPem: is required; ${caFix}`,
        `ca.keyPem: is not a PEM private key (no -----BEGIN … PRIVATE KEY----- block); ${caFix}`,
        `ca.rootCertsPem: is empty; ${caFix}`,
      ],
    ],
    [
      "no meshId",
      (a) => ({ ...a, meshId: undefined }),
      [`meshId: is required; give MeshTrust's meshId, the same for every cluster of the mesh, e.g. "mesh1"`],
    ],
    [
      "a meshId that is not a DNS-1123 label",
      (a) => ({ ...a, meshId: "Mesh 1" }),
      [`meshId: ${notLabel('"Mesh 1"', "mesh1")}`],
    ],
    [
      "a meshId known only at deploy time",
      (a) => ({ ...a, meshId: pulumi.output("mesh1") }),
      [`meshId: ${deployTime("an Output", 'a literal string (e.g. "mesh1")')}`],
    ],
    [
      "a trust domain that is not a DNS name",
      (a) => ({ ...a, trustDomain: "not a domain" }),
      ['trustDomain: "not a domain" is not a DNS name; use lowercase labels joined by dots, e.g. "cluster.local"'],
    ],
    [
      "an injected namespace known only at deploy time",
      (a) => ({ ...a, injection: { namespaces: [pulumi.output("shop")] } }),
      [`injection.namespaces[0]: ${deployTime("an Output", 'a literal string (e.g. "shop")')}`],
    ],
    [
      "allNamespaces that is not a boolean",
      (a) => ({ ...a, injection: { allNamespaces: "yes" } }),
      ['injection.allNamespaces: "yes" is not true or false; write it without quotes, e.g. false'],
    ],
    [
      "allNamespaces known only at deploy time",
      (a) => ({ ...a, injection: { allNamespaces: Promise.resolve(true) } }),
      [`injection.allNamespaces: ${deployTime("a Promise", "a literal boolean (e.g. false)")}`],
    ],
    [
      "a misspelt injection field",
      (a) => ({ ...a, injection: { namespace: ["shop"] } }),
      ['injection.namespace: unknown field; did you mean "namespaces"?'],
    ],
    [
      "GlobalNamespace names known only at deploy time",
      (a) => ({ ...a, globalNamespaces: pulumi.output(["acme"]) }),
      [`globalNamespaces: ${deployTime("an Output", 'a literal list (e.g. ["acme-fitness"])')}`],
    ],
    [
      "a GlobalNamespace name that is not one",
      (a) => ({ ...a, globalNamespaces: ["Acme"] }),
      [`globalNamespaces[0]: ${notLabel('"Acme"', "acme-fitness")}`],
    ],
    [
      "an ingress address that is not one",
      (a) => ({ ...a, ingressAddress: "not an address!" }),
      [
        'ingressAddress: "not an address!" is not an IP address or DNS name; give the address other clusters reach the ingress gateway at, e.g. "lb.cluster1.example.com"',
      ],
    ],
    [
      "a misspelt istio field",
      (a) => ({ ...a, istio: { verison: "1.29.2" } }),
      ['istio.verison: unknown field; did you mean "version"?'],
    ],
    [
      "an Istio version with a v",
      (a) => ({ ...a, istio: { version: "v1.29.2" } }),
      [`istio.version: "v1.29.2" is not an Istio release; use major.minor.patch without a "v", e.g. "1.30.3"`],
    ],
    [
      "a chart repository that is not a URL",
      (a) => ({ ...a, istio: { repository: "istio-release" } }),
      [
        `istio.repository: "istio-release" is not a Helm repository URL; use an http://, https:// or oci:// URL, e.g. "https://istio-release.storage.googleapis.com/charts"`,
      ],
    ],
    [
      "a misspelt chart",
      (a) => ({ ...a, istio: { values: { istiodd: {} } } }),
      ['istio.values.istiodd: unknown field; did you mean "istiod"?'],
    ],
    [
      "chart values known only at deploy time (they would replace MeshCluster's own, unchecked)",
      (a) => ({ ...a, istio: { values: { istiod: pulumi.output({ pilot: {} }) } } }),
      [
        "istio.values.istiod: is an Output, known only at deploy time; MeshCluster merges these values over its own and keeps the ones it owns, so give a literal mapping (its values may be Outputs), e.g. { replicaCount: 2 }",
      ],
    ],
  ])("%s", (_name, edit, expected) => {
    const args = edit(base());
    const e = refused(() => new lib.MeshCluster("bad-args", args as MeshClusterArgs));
    expect(lines(e)).toEqual(expected);
    expect(e.message).not.toContain(secretKey);
  });

  test("chart values may hold Outputs", () => {
    const args = { ...base(), istio: { values: { istiod: { pilot: { resources: pulumi.output({ cpu: "1" }) } } } } };
    expect(registrationsDuring(() => new lib.MeshCluster("outputs-in-values", args)).error).toBeUndefined();
  });

  describe("a plain-string kubeconfig is read as the Kubernetes provider reads it and checked", () => {
    /** The MeshCluster with this kubeconfig; its args (their MeshTrust) made before the count starts. */
    const withKubeconfig = (kubeconfig: string) => {
      const args = { ...base(), cluster: { clusterName: "c1", kubeconfig } };
      return () => new lib.MeshCluster("bad-args", args);
    };

    test("a one-line value that is not a path is refused without being quoted (it may be a credential)", () => {
      const e = refused(withKubeconfig(secretKey));
      expect(paths(e)).toEqual(["cluster.kubeconfig"]);
      expect(issue(e, "cluster.kubeconfig")).toContain("not shown");
      expect(e.message).not.toContain(secretKey);
    });

    test("kubeconfig text without a current-context is refused", () => {
      const e = refused(withKubeconfig(kubeconfigText("c1", { "current-context": undefined })));
      expect(paths(e)).toEqual(["cluster.kubeconfig"]);
      expect(issue(e, "cluster.kubeconfig")).toMatch(/no current-context/);
    });
  });
});

test.each(["v1.29.2", "1.29", "1.29.2.1", "latest", "1.29.x", ""])("Istio version %j", (version) => {
  const id = version.replace(/\W/g, "") || "empty";
  const args = meshArgs(`bad-version-${id}`);
  const e = refused(() => new lib.MeshCluster("bad-version", { ...args, istio: { version } }));
  expect(paths(e)).toEqual(["istio.version"]);
  expect(e.message).toContain(lib.DEFAULT_ISTIO_VERSION);
});

test("chart values MeshCluster owns cannot be overridden", () => {
  const args = meshArgs("owned");
  const e = refused(
    () =>
      new lib.MeshCluster("owned", {
        ...args,
        istio: { values: { istiod: { global: { meshID: "other" } }, egressGateway: { labels: { istio: "egress" } } } },
      }),
  );
  expect(lines(e)).toEqual([
    `istio.values.istiod.global.meshID: "other" cannot be overridden: it is the mesh's ID; set meshId (MeshTrust's meshId)`,
    'istio.values.egressGateway.labels.istio: "egress" cannot be overridden: the wiring selects gateways by the labels the chart derives from the release name; remove it',
  ]);
});

test("owned istiod values cannot come in under pilot.* (the chart copies pilot over the top level), nor the env and base values a rotation and the tag need", () => {
  const args = meshArgs("owned-pilot");
  const e = refused(
    () =>
      new lib.MeshCluster("owned-pilot", {
        ...args,
        istio: {
          values: {
            base: { defaultRevision: "1-30-3" },
            istiod: {
              env: { ISTIO_MULTIROOT_MESH: "false", PILOT_TRACE_SAMPLING: "1" },
              pilot: {
                revision: "canary",
                revisionTags: ["stable"],
                global: { hub: "docker.io/other" },
                env: { ISTIO_MULTIROOT_MESH: "false" },
                resources: { requests: { cpu: "1" } },
              },
            },
          },
        },
      }),
  );
  expect(lines(e)).toEqual([
    'istio.values.base.defaultRevision: "1-30-3" cannot be overridden: the default validating webhook follows the injection tag; set istio.injectionRevision',
    'istio.values.istiod.pilot.revision: "canary" cannot be overridden: it is the revision\'s name; set istio.revisions',
    "istio.values.istiod.pilot.revisionTags: a list cannot be overridden: MeshCluster owns the injection tag; set istio.injectionRevision to move it",
    'istio.values.istiod.pilot.global.hub: "docker.io/other" cannot be overridden: the images of every revision come from istio.hub; set that',
    'istio.values.istiod.env.ISTIO_MULTIROOT_MESH: "false" cannot be overridden: without it istiod ignores a new root in cacerts, and a CA rotation breaks mTLS; remove it',
    'istio.values.istiod.pilot.env.ISTIO_MULTIROOT_MESH: "false" cannot be overridden: without it istiod ignores a new root in cacerts, and a CA rotation breaks mTLS; remove it',
  ]);
});

test("a gateway's service account cannot be overridden: it is the cluster's own identity", () => {
  const args = meshArgs("owned-sa");
  const e = refused(
    () =>
      new lib.MeshCluster("owned-sa", {
        ...args,
        istio: { values: { ingressGateway: { serviceAccount: { name: "istio-ingressgateway" } } } },
      }),
  );
  expect(lines(e)).toEqual([
    'istio.values.ingressGateway.serviceAccount.name: "istio-ingressgateway" cannot be overridden: each cluster\'s gateway has a service account of its own (`<release>-<cluster>`), its identity in authorization policies and TLS checks; remove it',
  ]);
});

test("a chart value override that is not a mapping of values", () => {
  const args = meshArgs("not-a-map");
  const e = refused(
    () =>
      new lib.MeshCluster("not-a-map", {
        ...args,
        istio: { values: { istiod: "pilot.autoscaleEnabled=false" as never, base: [] as never } },
      }),
  );
  expect(lines(e)).toEqual([
    "istio.values.base: a list is not a mapping of chart values; give them as in a values.yaml file, e.g. { replicaCount: 2 }",
    'istio.values.istiod: "pilot.autoscaleEnabled=false" is not a mapping of chart values; give them as in a values.yaml file, e.g. { replicaCount: 2 }',
  ]);
  const e2 = refused(
    () => new lib.MeshCluster("not-a-map", { ...args, istio: { values: "istiod:\n  pilot: {}\n" as never } }),
  );
  expect(lines(e2)).toEqual([
    'istio.values: "istiod:\\n  pilot: {}\\n" is not a mapping; give one with the fields base, istiod, ingressGateway, egressGateway, eastWestGateway',
  ]);
  const e3 = refused(() => new lib.MeshCluster("not-a-map", { ...args, istio: "1.28.0" as never }));
  expect(lines(e3)).toEqual([
    'istio: "1.28.0" is not a mapping; give one with the fields version, revisions, injectionRevision, gatewayRevision, hub, repository, values',
  ]);
});

test("listing a system namespace for injection (listed mode); bad names; no CA", () => {
  const args = meshArgs("inj");
  const e = refused(
    () =>
      new lib.MeshCluster("inj", {
        ...args,
        ca: undefined as never,
        injection: { namespaces: ["apps", "istio-system", "Apps", "apps"] },
        network: "Net_1",
      }),
  );
  expect(paths(e)).toEqual([
    "ca",
    "network",
    "injection.namespaces[2]",
    "injection.namespaces[3]",
    "injection.namespaces[1]",
  ]);
  expect(issue(e, "network")).toBe(notLabel('"Net_1"', "network1"));
  expect(issue(e, "injection.namespaces[3]")).toBe(
    '"apps" is listed twice (first at injection.namespaces[0]); list each namespace once',
  );
  expect(issue(e, "injection.namespaces[1]")).toBe(
    '"istio-system" is a system namespace, and those (kube-system, kube-public, kube-node-lease, istio-system, istio-gateways, globalmesh-system) never get sidecars; remove it',
  );
});

test("MeshTrust: half a root, a key that is not PEM (never echoed), a bad trust domain", () => {
  const clusters = ["c1"];
  const e = refused(
    () =>
      new lib.MeshTrust("byo", {
        clusters,
        rootCertPem: "-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n",
      }),
  );
  expect(lines(e)).toEqual([
    "rootKeyPem: is not set, but rootCertPem is, and a root you bring needs both; give rootKeyPem too, or neither to let MeshTrust generate the root",
  ]);
  const e2 = refused(
    () =>
      new lib.MeshTrust("byo2", {
        clusters,
        rootCertPem: "nope",
        rootKeyPem: "s3cr3t-key-material",
        trustDomain: "Not A Domain",
      }),
  );
  expect(lines(e2)).toEqual([
    'trustDomain: "Not A Domain" is not a DNS name; use lowercase labels joined by dots, e.g. "cluster.local"',
    'rootCertPem: is not a PEM certificate (no -----BEGIN CERTIFICATE----- block); give the root CA\'s certificate as PEM text, e.g. config.require("rootCertPem")',
    'rootKeyPem: is not a PEM private key (no -----BEGIN … PRIVATE KEY----- block); give the root CA\'s private key as PEM text, kept secret, e.g. config.requireSecret("rootKeyPem")',
  ]);
  expect(e2.message).not.toContain("s3cr3t");
  expect(e2.message).not.toContain("nope");
  // A root known only at deploy time (a secret from config) passes as it is.
  expect(
    registrationsDuring(
      () => new lib.MeshTrust("byo3", { clusters, rootCertPem: pulumi.output("c"), rootKeyPem: pulumi.secret("k") }),
    ).error,
  ).toBeUndefined();
});

describe("GlobalNamespace refuses a member namespace its cluster excludes from injection", () => {
  let member: InstanceType<typeof lib.MeshCluster>;
  let other: InstanceType<typeof lib.MeshCluster>;
  beforeAll(() => {
    const trust = new lib.MeshTrust("m5", { clusters: ["gx1", "gx2"] });
    const mesh = (c: string) => ({ cluster: connection(c), ca: trust.caFor(c), meshId: trust.meshId });
    member = new lib.MeshCluster("gx1", {
      ...mesh("gx1"),
      injection: { namespaces: ["shop", "shop-legacy"], exclude: ["shop-legacy"] },
    });
    other = new lib.MeshCluster("gx2", { ...mesh("gx2"), injection: { namespaces: ["shop", "shop-legacy"] } });
  });
  const services = [
    { name: "cart", namespace: "shop-legacy", clusters: ["gx1"], ports: [{ number: 8080, name: "http" }] },
  ];

  test("named outright", () => {
    const e = refused(
      () =>
        new lib.GlobalNamespace("gx-a", {
          domain: "shop.example.com",
          clusters: [other, member],
          members: [
            { cluster: "gx2", namespace: "shop" },
            { cluster: "gx1", namespace: "shop-legacy" },
          ],
        }),
    );
    expect(paths(e)).toEqual(["members[1]"]);
    expect(issue(e, "members[1]")).toMatch(/shop-legacy/);
    expect(issue(e, "members[1]")).toMatch(/gx1/);
    expect(issue(e, "members[1]")).toMatch(/injection\.exclude/);
  });

  test("through a pattern that maps a service running there", () => {
    const e = refused(
      () =>
        new lib.GlobalNamespace("gx-b", {
          domain: "shop.example.com",
          members: [{ cluster: "gx*", namespace: "shop*" }],
          // gx2 runs nothing: its calling namespace is made known (the rules are patterns).
          clusters: [member, { ...other, namespaces: ["shop"] }],
          services,
        }),
    );
    expect(paths(e)).toEqual(["members[0]"]);
    expect(issue(e, "members[0]")).toMatch(/pattern/);
  });

  test("the same namespace on a cluster that does not exclude it is fine", () => {
    const { count, error } = registrationsDuring(
      () =>
        new lib.GlobalNamespace("gx-c", {
          domain: "shop.example.com",
          members: [{ cluster: "gx*", namespace: "shop*" }],
          clusters: [{ ...member, namespaces: ["shop"] }, other],
          services: [{ ...services[0], clusters: ["gx2"] }],
        }),
    );
    expect(error).toBeUndefined();
    expect(count).toBeGreaterThan(0);
  });
});
