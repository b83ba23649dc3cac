import { kubeconfigText } from "../helpers/kubeconfigs";
import {
  installMocks,
  isSecret,
  providerUrn,
  Recorder,
  Registration,
  SECRET_SIG,
  valueOf,
} from "../helpers/pulumiHarness";
import {
  allStrings,
  computedState,
  connection,
  deps,
  LOAD_BALANCERS,
  mockCert,
  mockCsr,
  mockKey,
  outputsOf,
  plaintextStrings,
  providerOf,
  recordComponentOutputs,
  secretStrings,
} from "./support";
import * as pulumi from "@pulumi/pulumi";
import { ClusterSpec, resolveMesh, SYSTEM_NAMESPACES } from "../../sdk/src/mesh";
import { AGENT_NAMESPACE, ISTIO_CHART_REPOSITORY } from "../../sdk/src/install/defaults";
import type {
  GlobalNamespace as GlobalNamespaceT,
  MeshCluster as MeshClusterT,
  MeshTrust as MeshTrustT,
} from "../../sdk/src";

/**
 * Two clusters onboarded into one mesh (c1 lists its namespaces, c2 uses "all namespaces" mode), then a
 * GlobalNamespace over both, given the MeshClusters as its clusters and `dependsOn`. Run as `pulumi up`
 * (preview.test.ts runs a preview).
 */
let rec: Recorder;
let outputs: Map<string, Record<string, any>>;
let trust: MeshTrustT;
let c1: MeshClusterT;
let c2: MeshClusterT;
let gns: GlobalNamespaceT;
let byoTrust: MeshTrustT;
let byo: MeshClusterT;
let lib: typeof import("../../sdk/src");

beforeAll(async () => {
  rec = await installMocks({ preview: false, state: computedState });
  outputs = recordComponentOutputs();
  lib = await import("../../sdk/src");
  trust = new lib.MeshTrust("mesh", { meshId: "acme-mesh", clusters: ["c1", "c2"] });
  const mesh = (clusterName: string) => ({
    ca: trust.caFor(clusterName),
    meshId: trust.meshId,
    trustDomain: trust.trustDomain,
  });
  c1 = new lib.MeshCluster("c1", {
    cluster: connection("c1", { locality: "europe-west1/europe-west1-b" }),
    ...mesh("c1"),
    network: "net1",
    injection: { namespaces: ["bookinfo", "legacy"], exclude: ["legacy", "batch"] },
    globalNamespaces: ["bookinfo"],
  });
  c2 = new lib.MeshCluster("c2", {
    cluster: connection("c2", { network: "net2" }),
    ...mesh("c2"),
    istio: { values: { istiod: { autoscaleMax: 8 }, egressGateway: { replicaCount: 3 } } },
    injection: {
      allNamespaces: true,
      namespaces: ["default", "kube-system", "istio-system", "bookinfo", "globalmesh-system"],
    },
  });
  gns = new lib.GlobalNamespace(
    "bookinfo",
    {
      domain: "bookinfo.example.com",
      clusters: [c1, c2],
      members: [
        { cluster: "c1", namespace: "bookinfo" },
        { cluster: "c2", namespace: "bookinfo" },
      ],
      services: [
        { name: "productpage", namespace: "bookinfo", clusters: ["c1"], ports: [{ number: 9080, name: "http" }] },
        { name: "reviews", namespace: "bookinfo", clusters: ["c2"], ports: [{ number: 9080, name: "http" }] },
      ],
    },
    { dependsOn: [c1, c2] },
  );
  // A second mesh whose root the caller brings, as plain strings (the key must still never show in plaintext).
  byoTrust = new lib.MeshTrust("byo-mesh", {
    clusters: ["c3"],
    rootCertPem: BYO_ROOT_CERT,
    rootKeyPem: BYO_ROOT_KEY,
    trustDomain: "byo.example.com",
  });
  byo = new lib.MeshCluster("c3", {
    cluster: connection("c3"),
    ca: byoTrust.caFor("c3"),
    meshId: byoTrust.meshId,
    trustDomain: byoTrust.trustDomain,
  });
  await valueOf(gns.hosts);
  await valueOf(byo.ingressAddress);
  await rec.settled();
});

const BYO_ROOT_CERT = mockCert("caller-root");
const BYO_ROOT_KEY = mockKey("caller-root");

const reg = (name: string) => rec.byName(name);
const release = (cluster: string, suffix: string) => reg(`${cluster}-${suffix}`);
const K8S_PROVIDER = "pulumi:providers:kubernetes";
/** The provider a MeshCluster builds for itself. */
const meshProvider = (mc: MeshClusterT) => rec.child(reg(mc.clusterName).urn, K8S_PROVIDER, `${mc.clusterName}-k8s`);
/** Written to `cluster`: through a provider built from that cluster's kubeconfig. */
const onCluster = (r: Registration, mc: MeshClusterT) =>
  providerOf(rec, r)?.inputs.kubeconfig === kubeconfigText(mc.clusterName);

describe("install order", () => {
  test.each(["c1", "c2"])(
    "%s: istio-system → cacerts, base → istiod → gateways (istio-gateways), each edge explicit",
    (c) => {
      const ns = reg(`${c}-istio-system`).urn;
      const gatewayNs = reg(`${c}-istio-gateways`).urn;
      const cacerts = reg(`${c}-cacerts`).urn;
      const base = release(c, "base").urn;
      const istiod = release(c, "istiod").urn;
      expect(deps(release(c, "base"))).toEqual([ns]);
      expect(deps(release(c, "istiod"))).toEqual([base, cacerts, ns].sort());
      expect(deps(release(c, "ingress-gateway"))).toEqual([istiod, gatewayNs].sort());
      expect(deps(release(c, "egress-gateway"))).toEqual([istiod, gatewayNs].sort());
      // The secret waits for the namespace and for its CA material, nothing else.
      expect(deps(reg(`${c}-cacerts`))).toEqual(
        [ns, reg(`mesh-${c}-ca-cert`).urn, reg(`mesh-${c}-ca-key`).urn, reg("mesh-root-cert").urn].sort(),
      );
      expect(deps(reg(`${c}-istio-system`))).toEqual([]);
      expect(deps(reg(`${c}-istio-gateways`))).toEqual([]);
    },
  );

  test("every child is parented to its MeshCluster and written through the provider it builds for its cluster", () => {
    for (const mc of [c1, c2]) {
      const children = rec.childrenOf(reg(mc.clusterName).urn);
      const provider = meshProvider(mc);
      // Its provider; istio-system, istio-gateways, cacerts, 4 releases, the injection tag's webhook; agent: namespace,
      // SA, role, binding, ConfigMap; 2 namespace patches each.
      expect(children).toHaveLength(1 + 7 + 1 + 5 + 2);
      for (const r of children.filter((x) => x !== provider)) {
        expect(providerUrn(r.provider)).toBe(provider.urn);
        expect(onCluster(r, mc)).toBe(true);
      }
    }
  });

  test("namespace labels wait for the injection tag, which waits for its istiod, so the injector exists when a namespace turns on", () => {
    for (const r of rec.ofType("kubernetes:core/v1:NamespacePatch")) {
      const cluster = r.name.split("-")[0];
      expect(deps(r)).toEqual([reg(`${cluster}-injection-tag`).urn]);
      expect(deps(reg(`${cluster}-injection-tag`))).toEqual([release(cluster, "istiod").urn]);
    }
  });
});

describe("MeshCluster's own provider", () => {
  test("one per MeshCluster, built from the cluster's kubeconfig as a secret; the kubeconfig output stays secret", async () => {
    for (const mc of [c1, c2, byo]) {
      const p = meshProvider(mc);
      expect(p.inputs.kubeconfig).toBe(kubeconfigText(mc.clusterName));
      expect(Object.values(p.rawInputs.kubeconfig)).toContain(SECRET_SIG);
      expect(deps(p)).toEqual([]);
      expect(await valueOf(mc.kubeconfig)).toBe(kubeconfigText(mc.clusterName));
      expect(await isSecret(mc.kubeconfig)).toBe(true);
    }
  });

  test("the only providers are the MeshClusters' own and the GlobalNamespace's, one per cluster each; nothing uses the default provider", () => {
    const providers = rec.ofType(K8S_PROVIDER).map((p) => `${p.name} → ${p.inputs.kubeconfig}`);
    expect(providers.sort()).toEqual(
      [
        ...["c1", "c2", "c3"].map((c) => `${c}-k8s → ${kubeconfigText(c)}`),
        ...["c1", "c2"].map((c) => `bookinfo-${c} → ${kubeconfigText(c)}`),
      ].sort(),
    );
    const onDefault = rec.registrations.filter(
      (r) => r.custom && r.type.startsWith("kubernetes:") && r.provider === "",
    );
    expect(onDefault.map((r) => r.name)).toEqual([]);
  });
});

describe("chart values", () => {
  const values = (c: string, suffix: string) => release(c, suffix).inputs.values;

  test("releases: official charts, pinned version, istio-system and istio-gateways, release names the wiring relies on", () => {
    const expected = {
      base: ["istio-base", "base", "istio-system"],
      istiod: ["istiod", "istiod", "istio-system"],
      "ingress-gateway": ["istio-ingressgateway", "gateway", "istio-gateways"],
      "egress-gateway": ["istio-egressgateway", "gateway", "istio-gateways"],
    };
    for (const c of ["c1", "c2"])
      for (const [suffix, [name, chart, namespace]] of Object.entries(expected)) {
        const r = release(c, suffix);
        expect(r.type).toBe("kubernetes:helm.sh/v3:Release");
        expect(r.inputs).toMatchObject({
          name,
          chart,
          namespace,
          version: lib.DEFAULT_ISTIO_VERSION,
          repositoryOpts: { repo: ISTIO_CHART_REPOSITORY },
        });
      }
    expect(lib.DEFAULT_ISTIO_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
  });

  test("istiod: one meshID, each cluster its own clusterName and network, the mesh's trust domain, DNS capture on", () => {
    const v1 = values("c1", "istiod");
    const v2 = values("c2", "istiod");
    expect(v1.global.meshID).toBe("acme-mesh");
    expect(v2.global.meshID).toBe(v1.global.meshID);
    expect([v1.global.multiCluster.clusterName, v2.global.multiCluster.clusterName]).toEqual(["c1", "c2"]);
    // c1's network comes from MeshCluster args, c2's from its cluster connection.
    expect([v1.global.network, v2.global.network]).toEqual(["net1", "net2"]);
    for (const v of [v1, v2]) {
      expect(v.meshConfig.trustDomain).toBe("cluster.local");
      // DNS capture on the sidecars; address auto-allocation is istiod's (v2), not the deprecated sidecar flag.
      expect(v.meshConfig.defaultConfig.proxyMetadata).toEqual({ ISTIO_META_DNS_CAPTURE: "true" });
      expect(v.env).toEqual({ ISTIO_MULTIROOT_MESH: "true", PILOT_ENABLE_IP_AUTOALLOCATE: "true" });
    }
  });

  test("caller overrides merge into the defaults without dropping them", () => {
    expect(values("c2", "istiod").autoscaleMax).toBe(8);
    expect(values("c2", "istiod").global.meshID).toBe("acme-mesh");
    expect(values("c2", "egress-gateway").replicaCount).toBe(3);
    expect(values("c2", "egress-gateway").autoscaling.minReplicas).toBe(2);
    expect(values("c2", "egress-gateway").service.type).toBe("ClusterIP");
    expect(values("c1", "istiod").autoscaleMax).toBe(5);
  });

  test("gateways: ingress is a LoadBalancer on 443, egress in-cluster on 443", () => {
    const port443 = (v: any) => v.service.ports.filter((p: any) => p.port === 443);
    expect(values("c1", "ingress-gateway").service.type).toBe("LoadBalancer");
    expect(port443(values("c1", "ingress-gateway"))).toEqual([
      { name: "https", port: 443, targetPort: 443, protocol: "TCP" },
    ]);
    expect(values("c1", "egress-gateway").service.type).toBe("ClusterIP");
    expect(port443(values("c1", "egress-gateway"))).toEqual([
      { name: "https", port: 443, targetPort: 443, protocol: "TCP" },
    ]);
    // Labels come from the release name; setting them in values would fight the chart.
    for (const g of ["ingress-gateway", "egress-gateway"]) expect(values("c1", g).labels).toBeUndefined();
  });

  test("gateways: a service account of their own per cluster (the chart's `serviceAccount.name`), created by the chart", () => {
    const accounts = ["c1", "c2"].map((c) =>
      ["ingress-gateway", "egress-gateway"].map((g) => values(c, g).serviceAccount),
    );
    expect(accounts).toEqual([
      [{ name: "istio-ingressgateway-c1" }, { name: "istio-egressgateway-c1" }],
      [{ name: "istio-ingressgateway-c2" }, { name: "istio-egressgateway-c2" }],
    ]);
    // The overrides of c2's egress gateway merged beside it.
    expect(values("c2", "egress-gateway").replicaCount).toBe(3);
  });

  test("the gateways' Role cannot read cacerts: the gateways run in a namespace of their own", () => {
    // The istio/gateway chart's Role (rbac.enabled, the default) grants get/watch/list on the secrets of the release's
    // namespace: the gateways must never share one with cacerts, which holds the intermediate CA's key.
    for (const mc of [c1, c2, byo]) {
      const c = mc.clusterName;
      const secrets = rec.ofType("kubernetes:core/v1:Secret").filter((s) => onCluster(s, mc));
      expect(secrets.map((s) => s.inputs.metadata)).toEqual([{ name: "cacerts", namespace: "istio-system" }]);
      for (const g of ["ingress-gateway", "egress-gateway"]) {
        expect(release(c, g).inputs.namespace).toBe("istio-gateways");
        expect(values(c, g).rbac).toBeUndefined(); // the chart's own Role, scoped to its namespace
      }
      expect(mc.gateways.namespace).toBe("istio-gateways");
    }
  });

  test("istio-gateways: created by MeshCluster, sidecar injection not disabled (the gateway pods ask for the gateway template)", () => {
    for (const c of ["c1", "c2"]) {
      const ns = reg(`${c}-istio-gateways`);
      expect(ns.type).toBe("kubernetes:core/v1:Namespace");
      expect(ns.inputs.metadata).toEqual({ name: "istio-gateways" });
    }
    expect(SYSTEM_NAMESPACES).toContain("istio-gateways");
  });

  test("base: the default validating webhook calls the injection tag's revision, the default one", () => {
    expect(values("c1", "base")).toEqual({ defaultRevision: "default" });
  });

  test("istio-system carries the network label", () => {
    expect(reg("c1-istio-system").inputs.metadata).toEqual({
      name: "istio-system",
      labels: { "topology.istio.io/network": "net1" },
    });
    expect(reg("c2-istio-system").inputs.metadata.labels).toEqual({ "topology.istio.io/network": "net2" });
  });
});

describe("trust", () => {
  test("MeshTrust signs exactly one intermediate per listed cluster, up front, under one root", () => {
    const children = (t: string) =>
      rec
        .childrenOf(reg(t).urn)
        .map((r) => r.name)
        .sort();
    const intermediate = (t: string, c: string) => [`${t}-${c}-ca-cert`, `${t}-${c}-ca-csr`, `${t}-${c}-ca-key`];
    expect(children("mesh")).toEqual(
      ["mesh-root-cert", "mesh-root-key", ...intermediate("mesh", "c1"), ...intermediate("mesh", "c2")].sort(),
    );
    expect(trust.clusters).toEqual(["c1", "c2"]);
    expect(
      rec
        .ofType("tls:index/privateKey:PrivateKey")
        .map((r) => r.name)
        .sort(),
    ).toEqual(["byo-mesh-c3-ca-key", "mesh-c1-ca-key", "mesh-c2-ca-key", "mesh-root-key"]);
  });

  test("intermediates: per cluster its CA (the key secret), and caFor gives that cluster's entry", async () => {
    expect(Object.keys(trust.intermediates).sort()).toEqual(["c1", "c2"]);
    for (const c of ["c1", "c2"]) {
      const ca = trust.intermediates[c];
      expect(await valueOf(pulumi.output(ca))).toEqual({
        certPem: mockCert(`mesh-${c}-ca-cert`),
        keyPem: mockKey(`mesh-${c}-ca-key`),
        certChainPem: mockCert(`mesh-${c}-ca-cert`) + mockCert("mesh-root-cert"),
        rootCertsPem: mockCert("mesh-root-cert"),
      });
      expect(await isSecret(pulumi.output(ca.keyPem))).toBe(true);
      expect(await isSecret(pulumi.output(ca.certPem))).toBe(false);
      expect(trust.caFor(c)).toBe(ca);
    }
    expect(await valueOf(trust.rootCertPem)).toBe(mockCert("mesh-root-cert"));
  });

  test("one root; each cluster's intermediate is a CA signed with the root's cert and key", () => {
    expect(rec.ofType("tls:index/selfSignedCert:SelfSignedCert").map((r) => r.name)).toEqual(["mesh-root-cert"]);
    const root = reg("mesh-root-cert").inputs;
    expect(root.isCaCertificate).toBe(true);
    expect(root.allowedUses).toEqual(expect.arrayContaining(["cert_signing", "crl_signing"]));
    expect(root.privateKeyPem).toBe(mockKey("mesh-root-key"));
    const signed = rec
      .ofType("tls:index/locallySignedCert:LocallySignedCert")
      .filter((r) => r.parent === reg("mesh").urn);
    expect(signed.map((r) => r.name).sort()).toEqual(["mesh-c1-ca-cert", "mesh-c2-ca-cert"]);
    for (const c of ["c1", "c2"]) {
      const cert = reg(`mesh-${c}-ca-cert`);
      expect(cert.inputs.caCertPem).toBe(mockCert("mesh-root-cert"));
      expect(cert.inputs.caPrivateKeyPem).toBe(mockKey("mesh-root-key"));
      expect(cert.inputs.certRequestPem).toBe(mockCsr(`mesh-${c}-ca-csr`));
      expect(cert.inputs.isCaCertificate).toBe(true);
      expect(cert.inputs.allowedUses).toEqual(expect.arrayContaining(["cert_signing", "crl_signing"]));
      expect(reg(`mesh-${c}-ca-csr`).inputs.privateKeyPem).toBe(mockKey(`mesh-${c}-ca-key`));
      expect(cert.parent).toBe(reg("mesh").urn);
    }
  });

  test("cacerts holds the cluster's intermediate, its key, the root, and the chain intermediate+root", () => {
    for (const c of ["c1", "c2"]) {
      const s = reg(`${c}-cacerts`);
      expect(s.inputs.metadata).toEqual({ name: "cacerts", namespace: "istio-system" });
      expect(s.inputs.stringData).toEqual({
        "ca-cert.pem": mockCert(`mesh-${c}-ca-cert`),
        "ca-key.pem": mockKey(`mesh-${c}-ca-key`),
        "root-cert.pem": mockCert("mesh-root-cert"),
        "cert-chain.pem": mockCert(`mesh-${c}-ca-cert`) + mockCert("mesh-root-cert"),
      });
      expect(s.deleteBeforeReplace).toBe(true);
    }
  });

  test("a root the caller brings: no root is generated, the intermediate is signed with the caller's cert and key", () => {
    expect(
      rec.registrations
        .filter((r) => r.parent === reg("byo-mesh").urn)
        .map((r) => r.name)
        .sort(),
    ).toEqual(["byo-mesh-c3-ca-cert", "byo-mesh-c3-ca-csr", "byo-mesh-c3-ca-key"]);
    expect(reg("byo-mesh-c3-ca-cert").inputs).toMatchObject({
      caCertPem: BYO_ROOT_CERT,
      caPrivateKeyPem: BYO_ROOT_KEY,
    });
    expect(reg("c3-cacerts").inputs.stringData["root-cert.pem"]).toBe(BYO_ROOT_CERT);
    expect(byo.gatewayPrincipals.egress).toBe("byo.example.com/ns/istio-gateways/sa/istio-egressgateway-c3");
  });

  test("no private key appears outside a secret in any registration", () => {
    const keyLike = /PRIVATE KEY|MOCK-KEY/;
    const leaks = rec.registrations.flatMap((r) =>
      plaintextStrings(r.rawInputs)
        .filter((s) => keyLike.test(s))
        .map((s) => `${r.name}: ${s}`),
    );
    expect(leaks).toEqual([]);
    // ...while the keys did flow, wrapped: each key reached the resources that need it.
    const wrapped = (name: string) => secretStrings(reg(name).rawInputs).join("\n");
    expect(wrapped("c1-cacerts")).toContain(mockKey("mesh-c1-ca-key"));
    expect(wrapped("mesh-c2-ca-cert")).toContain(mockKey("mesh-root-key"));
    expect(wrapped("mesh-c2-ca-csr")).toContain(mockKey("mesh-c2-ca-key"));
    expect(wrapped("byo-mesh-c3-ca-cert")).toContain(BYO_ROOT_KEY);
    expect(wrapped("c3-cacerts")).toContain(mockKey("byo-mesh-c3-ca-key"));
  });

  test("the root key is in no input or output of MeshTrust or MeshCluster: only the certificates it signs get it", async () => {
    const carriers = (key: string) =>
      rec.registrations
        .filter((r) => allStrings(r.rawInputs).some((s) => s.includes(key)))
        .map((r) => r.name)
        .sort();
    // The caller's root key: only the one intermediate it signs, as a secret.
    expect(carriers(BYO_ROOT_KEY)).toEqual(["byo-mesh-c3-ca-cert"]);
    expect(carriers(mockKey("mesh-root-key"))).toEqual(["mesh-c1-ca-cert", "mesh-c2-ca-cert", "mesh-root-cert"]);
    const rootKeys = [BYO_ROOT_KEY, mockKey("mesh-root-key")];
    const components = [...rec.ofType("globalmesh:index:MeshTrust"), ...rec.ofType("globalmesh:index:MeshCluster")];
    expect(components).toHaveLength(2 + 3);
    for (const c of components) {
      const registered = [...allStrings(c.rawInputs), ...allStrings(await outputsOf(outputs, c.urn))];
      expect({ component: c.name, rootKeys: registered.filter((s) => rootKeys.some((k) => s.includes(k))) }).toEqual({
        component: c.name,
        rootKeys: [],
      });
    }
    // Nor in any field of the objects the program holds.
    for (const o of [trust, byoTrust, c1, c2, byo]) {
      const fields = await resolvedFields(o);
      expect(rootKeys.some((k) => fields.includes(k))).toBe(false);
    }
  });

  test("MeshTrust's outputs carry the intermediate keys only as secrets; MeshCluster's outputs carry no key", async () => {
    for (const t of ["mesh", "byo-mesh"]) {
      const out = await outputsOf(outputs, reg(t).urn);
      expect(Object.keys(out).sort()).toEqual([
        "clusters",
        "intermediates",
        "meshId",
        "rootCertPem",
        "trustDomain",
        "trustedRootsPem",
      ]);
      expect(plaintextStrings(out).filter((s) => /PRIVATE KEY|MOCK-KEY/.test(s))).toEqual([]);
      expect(secretStrings(out).join("\n")).toContain(mockKey(`${t}-${t === "mesh" ? "c1" : "c3"}-ca-key`));
    }
    for (const mc of ["c1", "c2", "c3"])
      expect(allStrings(await outputsOf(outputs, reg(mc).urn)).filter((s) => /PRIVATE KEY|MOCK-KEY/.test(s))).toEqual(
        [],
      );
  });
});

/** The program-visible fields of a component (its Outputs resolved), as JSON. */
async function resolvedFields(o: object): Promise<string> {
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (k.startsWith("__") || k === "urn" || typeof v === "function") continue;
    fields[k] = await valueOf(pulumi.output(v));
  }
  return JSON.stringify(fields);
}

describe("injection policy", () => {
  const patches = (mc: MeshClusterT) =>
    Object.fromEntries(
      rec
        .ofType("kubernetes:core/v1:NamespacePatch")
        .filter((r) => onCluster(r, mc))
        .map((r) => [r.inputs.metadata.name, r.inputs.metadata.labels]),
    );

  test("listed mode: listed namespaces labelled, an excluded one labelled disabled, unlisted exclusions untouched", () => {
    expect(patches(c1)).toEqual({
      bookinfo: { "istio.io/rev": "stable" },
      legacy: { "istio-injection": "disabled" },
    });
    expect(c1.injectedNamespaces).toEqual(["bookinfo"]);
    expect(c1.injectionExcluded).toEqual(["batch", "legacy"]);
  });

  test("all-namespaces mode: the inventory minus system namespaces", () => {
    expect(patches(c2)).toEqual({
      default: { "istio.io/rev": "stable" },
      bookinfo: { "istio.io/rev": "stable" },
    });
  });

  test("patches only the label (forced), never a system namespace", () => {
    for (const r of rec.ofType("kubernetes:core/v1:NamespacePatch")) {
      expect(SYSTEM_NAMESPACES).not.toContain(r.inputs.metadata.name);
      expect(Object.keys(r.inputs).sort()).toEqual(["apiVersion", "kind", "metadata"]);
      expect(r.inputs.metadata.annotations).toEqual({ "pulumi.com/patchForce": "true" });
    }
    // The only Namespace resources are the mesh's own; app namespaces are only ever patched.
    expect([...new Set(rec.ofType("kubernetes:core/v1:Namespace").map((r) => r.inputs.metadata.name))].sort()).toEqual([
      "globalmesh-system",
      "istio-gateways",
      "istio-system",
    ]);
  });
});

describe("mesh agent", () => {
  test("globalmesh-system, its service account bound to a read-only role", () => {
    const ns = reg("c1-agent-namespace").inputs.metadata;
    expect(ns.name).toBe(AGENT_NAMESPACE);
    expect(SYSTEM_NAMESPACES).toContain(ns.name);
    expect(ns.labels["istio-injection"]).toBe("disabled");
    const role = rec.ofType("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole").find((r) => onCluster(r, c1))!;
    const verbs = new Set(role.inputs.rules.flatMap((r: any) => r.verbs));
    expect([...verbs].sort()).toEqual(["get", "list", "watch"]);
    expect(role.inputs.rules.map((r: any) => r.apiGroups[0])).toEqual(["networking.istio.io", ""]);
    const binding = rec
      .ofType("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding")
      .find((r) => onCluster(r, c1))!;
    const sa = rec.ofType("kubernetes:core/v1:ServiceAccount").find((r) => onCluster(r, c1))!;
    expect(binding.inputs.roleRef.name).toBe(role.inputs.metadata.name);
    expect(binding.inputs.subjects).toEqual([
      { kind: "ServiceAccount", name: sa.inputs.metadata.name, namespace: AGENT_NAMESPACE },
    ]);
  });

  test("the mesh-identity ConfigMap records what the mesh expects of the cluster", () => {
    const cm = reg("c1-mesh-identity");
    expect(cm.inputs.metadata.namespace).toBe(AGENT_NAMESPACE);
    expect(cm.inputs.data).toEqual({
      "cluster-name": "c1",
      network: "net1",
      locality: "europe-west1/europe-west1-b",
      "mesh-id": "acme-mesh",
      "trust-domain": "cluster.local",
      "istio-version": lib.DEFAULT_ISTIO_VERSION,
      "global-namespaces": "bookinfo",
      "ingress-gateway": "istio-ingressgateway.istio-gateways.svc.cluster.local",
      "egress-gateway": "istio-egressgateway.istio-gateways.svc.cluster.local",
    });
    expect(cm.deleteBeforeReplace).toBe(true);
    expect(reg("c2-mesh-identity").inputs.data["global-namespaces"]).toBe("");
  });
});

describe("outputs: MeshCluster is a GlobalNamespace member", () => {
  test("ingress address from the gateway Service's load balancer, IP or hostname", async () => {
    expect(await valueOf(c1.ingressAddress)).toBe(LOAD_BALANCERS["c1-ingress-service"].ip);
    expect(await valueOf(pulumi.output(c2.ingress.address))).toBe(LOAD_BALANCERS["c2-ingress-service"].hostname);
    expect(c2.ingress.port).toBe(443);
  });

  const resolved = (cluster: ClusterSpec) =>
    resolveMesh({
      name: "x",
      domain: "x.example.com",
      clusters: [cluster],
      members: [{ cluster: cluster.name, namespace: "default" }],
    }).clusters[0].gateways;

  test("gateways are exactly what the wiring assumes by default for the istio/gateway chart", () => {
    for (const mc of [c1, c2]) {
      const { namespace, ingressSelector, egressSelector, egressService, ingressPrincipal, egressPrincipal } = resolved(
        {
          name: mc.clusterName,
        },
      );
      expect(mc.gateways).toEqual({
        namespace,
        ingressSelector,
        egressSelector,
        egressService,
        ingressServiceAccount: `istio-ingressgateway-${mc.clusterName}`,
        egressServiceAccount: `istio-egressgateway-${mc.clusterName}`,
      });
      expect(mc.gatewayPrincipals).toEqual({ ingress: ingressPrincipal, egress: egressPrincipal });
      expect(mc.egressGatewayHost).toBe(egressService);
    }
    // Given as a cluster's gateways and trust domain (what a GlobalNamespace's entry takes from a MeshCluster), the
    // outputs resolve to the principals the MeshCluster reports, whatever the trust domain.
    const byoGateways = resolved({ name: byo.clusterName, gateways: byo.gateways, trustDomain: byo.trustDomain });
    expect([byoGateways.ingressPrincipal, byoGateways.egressPrincipal]).toEqual([
      byo.gatewayPrincipals.ingress,
      byo.gatewayPrincipals.egress,
    ]);
  });

  test("identity and principals", () => {
    expect([c1.network, c2.network, c1.trustDomain, c1.meshId, c2.meshId]).toEqual([
      "net1",
      "net2",
      "cluster.local",
      "acme-mesh",
      "acme-mesh",
    ]);
    expect(c1.gatewayPrincipals).toEqual({
      ingress: "cluster.local/ns/istio-gateways/sa/istio-ingressgateway-c1",
      egress: "cluster.local/ns/istio-gateways/sa/istio-egressgateway-c1",
    });
    // Each cluster's gateways are someone of their own: no principal is shared, within a cluster or across clusters.
    const principals = [c1, c2, byo].flatMap((mc) => [mc.gatewayPrincipals.ingress, mc.gatewayPrincipals.egress]);
    expect(new Set(principals).size).toBe(principals.length);
    expect(c1.locality).toBe("europe-west1/europe-west1-b");
    expect(c2.locality).toBeUndefined();
  });

  test("the GlobalNamespace takes the MeshClusters as they are: one provider per cluster, from its kubeconfig, secret", () => {
    const providers = rec.childrenOf(reg("bookinfo").urn).filter((r) => r.type === K8S_PROVIDER);
    expect(providers.map((p) => [p.name, p.inputs.kubeconfig]).sort()).toEqual([
      ["bookinfo-c1", kubeconfigText("c1")],
      ["bookinfo-c2", kubeconfigText("c2")],
    ]);
    for (const p of providers) expect(Object.values(p.rawInputs.kubeconfig)).toContain(SECRET_SIG);
  });

  test("with dependsOn: [c1, c2] every GlobalNamespace object waits for istiod and the gateways, and goes through its cluster's provider", () => {
    const objects = rec.childrenOf(reg("bookinfo").urn).filter((r) => r.type !== K8S_PROVIDER);
    expect(objects.length).toBeGreaterThan(0);
    // dependsOn names the components; Pulumi expands each to its children, so istiod's release is a dependency.
    const ready = [c1, c2].flatMap((mc) =>
      ["istiod", "ingress-gateway", "egress-gateway"].map((s) => release(mc.clusterName, s).urn),
    );
    for (const r of objects) expect(r.dependencies).toEqual(expect.arrayContaining(ready));
    for (const mc of [c1, c2]) {
      const mine = objects.filter((r) => onCluster(r, mc));
      expect(mine.length).toBeGreaterThan(0);
      for (const r of mine) expect(providerOf(rec, r)!.name).toBe(`bookinfo-${mc.clusterName}`);
    }
    expect(objects.every((r) => onCluster(r, c1) || onCluster(r, c2))).toBe(true);
  });

  test("a client cluster's ServiceEntry points at the owner's load-balancer address", () => {
    const se = (mc: MeshClusterT, service: string) =>
      rec.registrations.find(
        (r) =>
          r.type === "kubernetes:networking.istio.io/v1:ServiceEntry" &&
          onCluster(r, mc) &&
          r.inputs.spec.hosts[0] === `${service}.bookinfo.example.com`,
      )!;
    expect(se(c1, "reviews").inputs.spec.endpoints.map((e: any) => [e.address, e.ports.http])).toEqual([
      [LOAD_BALANCERS["c2-ingress-service"].hostname, 443],
    ]);
    expect(se(c2, "productpage").inputs.spec.endpoints.map((e: any) => [e.address, e.locality])).toEqual([
      [LOAD_BALANCERS["c1-ingress-service"].ip, "europe-west1/europe-west1-b"],
    ]);
  });
});
