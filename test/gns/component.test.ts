import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { GlobalNamespace, GlobalNamespaceArgs } from "../../sdk/src/gns";
import { buildMesh, objectKey, SpecError } from "../../sdk/src/mesh";
import { ACME_DIR, acmeManifests } from "../helpers/fixtures";
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
import { registrationsDuring } from "../install/support";

const manifests = ["cluster1", "cluster2"].map((c) => ({
  cluster: c,
  yaml: readFileSync(join(ACME_DIR, "manifests", `${c}.yaml`), "utf8"),
}));
/** The same GlobalNamespace as examples/acme-fitness/gns.yaml, given to the component. */
const coreSpec = {
  name: "acme-fitness",
  domain: "acme.example.com",
  clusters: [
    { name: "cluster1", ingress: { address: "203.0.113.10" } },
    { name: "cluster2", ingress: { address: "lb2.example.net" } },
  ],
  members: [
    { cluster: "cluster1", namespace: "default" },
    { cluster: "cluster2", namespace: "default" },
  ],
};

/** Stands in for a MeshCluster: a component whose children (here istiod's release) the mesh objects must wait for. */
class FakeMesh extends pulumi.ComponentResource {
  readonly istiod: k8s.helm.v3.Release;
  constructor(name: string) {
    super("test:index:FakeMesh", name);
    this.istiod = new k8s.helm.v3.Release(`${name}-istiod`, { chart: "istiod" }, { parent: this });
    this.registerOutputs({});
  }
}

const K8S_PROVIDER = "pulumi:providers:kubernetes";
/** Istio networking (routing) and security (AuthorizationPolicy, PeerAuthentication) objects. */
const isMeshObject = (r: Registration) => /^kubernetes:(networking|security)\.istio\.io\//.test(r.type);
/** The Pulumi name of a compiled object: namespace-qualified outside the cluster's gateways' namespace. */
const resourceName = (resource: string, cluster: string, o: { metadata: { name: string; namespace: string } }) =>
  o.metadata.namespace === "istio-gateways"
    ? `${resource}-${cluster}-${o.metadata.name}`
    : `${resource}-${cluster}-${o.metadata.namespace}/${o.metadata.name}`;

describe.each([true, false])("GlobalNamespace (preview=%s)", (preview) => {
  let rec: Recorder;
  let gns: GlobalNamespace;
  let mesh: FakeMesh;
  let crd: k8s.apiextensions.CustomResource;

  beforeAll(async () => {
    rec = await installMocks({ preview });
    mesh = new FakeMesh("mesh-c2");
    crd = new k8s.apiextensions.CustomResource("some-crd", { apiVersion: "example.com/v1", kind: "Thing" });
    gns = new GlobalNamespace(
      "acme",
      {
        globalNamespaceName: "acme-fitness",
        domain: "acme.example.com",
        clusters: [
          // A plain-string kubeconfig (kept secret all the same), and an ingress address only known at deploy time.
          { clusterName: "cluster1", kubeconfig: kubeconfigText("cluster1"), ingress: { address: "203.0.113.10" } },
          {
            clusterName: "cluster2",
            kubeconfig: pulumi.secret(kubeconfigText("cluster2")),
            ingress: { address: pulumi.output("lb2.example.net") },
          },
        ],
        members: [
          { cluster: "cluster1", namespace: "default" },
          { cluster: "cluster2", namespace: "default" },
        ],
        manifests,
      },
      { dependsOn: [mesh, crd] },
    );
    await rec.settled();
  });

  test("registers exactly the compiled objects, each once, with the compiled content", async () => {
    const expected = buildMesh(coreSpec, acmeManifests()).compiled.objects;
    const crs = rec.registrations.filter(isMeshObject);
    const want = [...expected].flatMap(([c, objs]) =>
      objs.map((o) => ({ type: `kubernetes:${o.apiVersion}:${o.kind}`, name: resourceName("acme", c, o), o })),
    );
    expect(crs.map((r) => `${r.type} ${r.name}`).sort()).toEqual(want.map((w) => `${w.type} ${w.name}`).sort());
    for (const w of want) {
      const r = crs.find((x) => x.type === w.type && x.name === w.name)!;
      expect({
        apiVersion: r.inputs.apiVersion,
        kind: r.inputs.kind,
        metadata: r.inputs.metadata,
        spec: r.inputs.spec,
      }).toEqual(JSON.parse(JSON.stringify(w.o)));
    }
  });

  test("one provider per cluster, parented to the component, built from the cluster's kubeconfig as a secret", () => {
    const component = rec.ofType("globalmesh:index:GlobalNamespace")[0].urn;
    const providers = rec.ofType(K8S_PROVIDER);
    expect(providers.map((p) => [p.name, p.inputs.kubeconfig]).sort()).toEqual([
      ["acme-cluster1", kubeconfigText("cluster1")],
      ["acme-cluster2", kubeconfigText("cluster2")],
    ]);
    for (const p of providers) {
      expect(p.parent).toBe(component);
      expect(Object.values(p.rawInputs.kubeconfig)).toContain(SECRET_SIG);
    }
  });

  test("each object goes to its cluster's provider, is parented to the component and deleted before replaced", () => {
    const component = rec.ofType("globalmesh:index:GlobalNamespace");
    expect(component).toHaveLength(1);
    const crs = rec.registrations.filter(isMeshObject);
    const providerUrns = {
      cluster1: rec.byName("acme-cluster1", K8S_PROVIDER).urn,
      cluster2: rec.byName("acme-cluster2", K8S_PROVIDER).urn,
    };
    for (const r of crs) {
      const cluster = r.name.startsWith("acme-cluster1-") ? "cluster1" : "cluster2";
      expect(providerUrn(r.provider)).toBe(providerUrns[cluster]);
      expect(r.parent).toBe(component[0].urn);
      expect(r.deleteBeforeReplace).toBe(true);
    }
  });

  test("every object waits for what the component's dependsOn names, a component's children included", async () => {
    const [istiod, thing] = [await valueOf(mesh.istiod.urn), await valueOf(crd.urn)];
    const crs = rec.registrations.filter(isMeshObject);
    expect(crs.length).toBeGreaterThan(0);
    for (const r of crs) expect(r.dependencies).toEqual(expect.arrayContaining([istiod, thing]));
  });

  test("an Output ingress address lands in the ServiceEntry endpoints of the other cluster", () => {
    const se = rec.byName("acme-cluster1-gns.acme-fitness.catalog", "kubernetes:networking.istio.io/v1:ServiceEntry");
    expect(se.inputs.spec.endpoints[0].address).toBe("lb2.example.net");
  });

  test("outputs: hosts with addresses, and per cluster the object names", async () => {
    const model = buildMesh(coreSpec, acmeManifests()).model;
    const hosts = await valueOf(gns.hosts);
    expect(hosts.map((h) => [h.host, h.address, h.clusters])).toEqual(
      model.services.map((s) => [s.host, s.address, s.clusters]),
    );
    const names = await valueOf(gns.objectNames);
    expect(Object.keys(names)).toEqual(["cluster1", "cluster2"]);
    const compiled = buildMesh(coreSpec, acmeManifests()).compiled.objects;
    for (const c of ["cluster1", "cluster2"]) expect(names[c]).toEqual(compiled.get(c)!.map(objectKey));
    expect(names.cluster1).toContain("ServiceEntry/istio-gateways/gns.acme-fitness.catalog");
    expect(await isSecret(gns.hosts)).toBe(false);
  });
});

describe("without dependsOn", () => {
  test("objects depend on nothing the program did not give them", async () => {
    const rec = await installMocks({ preview: true });
    new GlobalNamespace("bi", {
      domain: "bookinfo.example.com",
      clusters: [
        {
          clusterName: "east",
          kubeconfig: kubeconfigText("east"),
          ingress: { address: "198.51.100.1" },
        },
        { clusterName: "west", kubeconfig: pulumi.output(kubeconfigText("west")) },
      ],
      members: [{ cluster: "*", namespace: "bookinfo" }],
      services: [
        { name: "reviews", namespace: "bookinfo", clusters: ["east"], ports: [{ number: 9080, name: "http" }] },
      ],
    });
    await rec.settled();
    const objects = rec.registrations.filter(isMeshObject);
    expect(objects.length).toBeGreaterThan(0);
    for (const r of objects) expect(r.dependencies).toEqual([]);
    const se = rec.byName("bi-west-gns.bi.reviews", "kubernetes:networking.istio.io/v1:ServiceEntry");
    expect(providerUrn(se.provider)).toBe(rec.byName("bi-west", K8S_PROVIDER).urn);
    expect(rec.byName("bi-west", K8S_PROVIDER).rawInputs.kubeconfig).toEqual(
      expect.objectContaining({ value: kubeconfigText("west") }),
    );
  });
});

describe("bad args fail before anything is registered", () => {
  let rec: Recorder;
  beforeAll(async () => {
    rec = await installMocks({ preview: true });
  });
  const cluster = (clusterName: unknown, extra: object = {}) => ({
    clusterName,
    kubeconfig: kubeconfigText(typeof clusterName === "string" ? clusterName : "c1"),
    ingress: { address: "10.1.1.1" },
    ...extra,
  });
  const one = (c = cluster("c1")) => ({
    domain: "a.example.com",
    clusters: [c],
    members: [{ cluster: "c1", namespace: "a" }],
  });

  /** The SpecError `new GlobalNamespace(resourceName, args)` throws, having registered nothing. */
  function refused(args: unknown, resourceName = "bad"): SpecError {
    const { count, error } = registrationsDuring(() => new GlobalNamespace(resourceName, args as GlobalNamespaceArgs));
    expect(error).toBeInstanceOf(SpecError);
    expect(count).toBe(0);
    return error as SpecError;
  }
  const paths = (e: SpecError) => e.issues.map((i) => i.path);
  /** Every issue as `path: message`. */
  const lines = (e: SpecError) => e.issues.map((i) => `${i.path}: ${i.message}`);

  const deployTime = (literal: string) =>
    `is an Output, known only at deploy time; this field decides which objects exist, so give ${literal}`;
  const kubeconfigFix =
    "give the cluster's kubeconfig text, e.g. the kubeconfig output of its EksCluster, AksCluster, KubeconfigCluster or MeshCluster";

  // [case, args, the field path named, its whole message (or, for the core's wording, a key phrase)]
  test.each<[string, unknown, string, string | RegExp]>([
    ["an invalid domain", { ...one(), domain: "no_dots" }, "domain", /no_dots/],
    [
      "no clusters",
      { domain: "a.example.com", members: [{ cluster: "c1", namespace: "a" }] },
      "clusters",
      'is required; give a list, e.g. [{ clusterName: "cluster1", kubeconfig, ingress: { address: "203.0.113.10" } }]',
    ],
    [
      "clusters known only at deploy time",
      { ...one(), clusters: pulumi.output([cluster("c1")]) },
      "clusters",
      deployTime(
        'a literal list (e.g. [{ clusterName: "cluster1", kubeconfig, ingress: { address: "203.0.113.10" } }])',
      ),
    ],
    [
      "a cluster that is not a mapping",
      { ...one(), clusters: ["c1"] },
      "clusters[0]",
      '"c1" is not a mapping; give one with the fields clusterName, kubeconfig, locality, network, loadBalancerAnnotations, ingress, eastWest, gateways, trustDomain, namespaces, injectionExcluded',
    ],
    [
      "two clusters with one name",
      {
        ...one(),
        clusters: [cluster("c1"), cluster("c2"), cluster("c1", { kubeconfig: kubeconfigText("another-c1") })],
      },
      "clusters[2].clusterName",
      '"c1" is listed twice (first at clusters[0].clusterName); list each member cluster once',
    ],
    [
      "a cluster name known only at deploy time",
      one(cluster(pulumi.output("c1"))),
      "clusters[0].clusterName",
      deployTime('a literal string (e.g. "cluster1")'),
    ],
    [
      "a cluster without a name",
      one(cluster(undefined)),
      "clusters[0].clusterName",
      'is required; give a DNS-1123 label, e.g. "cluster1"',
    ],
    [
      "a cluster name that is not a DNS-1123 label",
      { ...one(cluster("Cluster_1")), members: [{ cluster: "*", namespace: "a" }] },
      "clusters[0].clusterName",
      `"Cluster_1" is not a DNS-1123 label; use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit, e.g. "cluster1"`,
    ],
    [
      "a cluster without a kubeconfig",
      one(cluster("c1", { kubeconfig: undefined })),
      "clusters[0].kubeconfig",
      `is required; ${kubeconfigFix}`,
    ],
    [
      "an empty kubeconfig",
      one(cluster("c1", { kubeconfig: "" })),
      "clusters[0].kubeconfig",
      `is empty; ${kubeconfigFix}`,
    ],
    [
      "injection exclusions known only at deploy time",
      one(cluster("c1", { injectionExcluded: pulumi.output(["legacy"]) })),
      "clusters[0].injectionExcluded",
      deployTime('a literal list (e.g. ["legacy"])'),
    ],
    [
      "a bad ingress address",
      one(cluster("c1", { ingress: { address: "not an address!" } })),
      "clusters[0].ingress.address",
      /not an address!/,
    ],
    [
      "an ingress known only at deploy time (the core's check, in the component's terms)",
      one(cluster("c1", { ingress: pulumi.output({ address: "10.1.1.1" }) })),
      "clusters[0].ingress",
      deployTime("a literal mapping"),
    ],
    [
      "a member rule naming an unknown cluster",
      {
        ...one(),
        members: [
          { cluster: "c1", namespace: "a" },
          { cluster: "c9", namespace: "a" },
        ],
      },
      "members[1].cluster",
      /c9/,
    ],
    ["manifests for an unknown cluster", { ...one(), manifests: [{ cluster: "c9", yaml: "" }] }, "manifests[0]", /c9/],
    [
      "manifests known only at deploy time",
      { ...one(), manifests: [{ cluster: "c1", yaml: pulumi.output("kind: Service") }] },
      "manifests[0].yaml",
      deployTime('a literal string (e.g. "apiVersion: v1\\nkind: Service\\n…")'),
    ],
    [
      "a misspelt manifests field",
      { ...one(), manifests: [{ cluster: "c1", yaml: "", defaultNamspace: "a" }] },
      "manifests[0].defaultNamspace",
      'unknown field; did you mean "defaultNamespace"?',
    ],
    [
      "a service in an unmapped namespace",
      { ...one(), services: [{ name: "s", namespace: "b", clusters: ["c1"], ports: [{ number: 80 }] }] },
      "services[0]",
      /namespace b/,
    ],
  ])("%s", async (_name, args, path, message) => {
    const before = rec.registrations.length;
    let error: unknown;
    try {
      new GlobalNamespace("bad", args as GlobalNamespaceArgs);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SpecError);
    const e = error as SpecError;
    expect(e.message).toMatch(/^GlobalNamespace "bad": invalid arguments \(\d+ problems?\)\n/);
    const issue = e.issues.find((i) => i.path === path);
    expect(issue?.path).toBe(path);
    if (typeof message === "string") expect(issue?.message).toBe(message);
    else expect(issue?.message).toMatch(message);
    await rec.settled();
    expect(rec.registrations.length).toBe(before);
  });

  test("a misspelt cluster-entry field is refused, not lost", () => {
    const typo = { ...cluster("c1"), localty: "us-east-2", gateway: { namespace: "istio-gateways" } };
    expect(refused(one(typo)).message).toBe(
      [
        'GlobalNamespace "bad": invalid arguments (2 problems)',
        '  - clusters[0].localty: unknown field; did you mean "locality"?',
        '  - clusters[0].gateway: unknown field; did you mean "gateways"?',
      ].join("\n"),
    );
  });

  test("a misspelt ingress field is refused, not lost", () => {
    expect(lines(refused(one(cluster("c1", { ingress: { address: "10.1.1.1", prot: 15443 } }))))).toEqual([
      'clusters[0].ingress.prot: unknown field; did you mean "port"?',
    ]);
  });

  describe("a plain-string kubeconfig is read as the Kubernetes provider reads it and checked", () => {
    test("a one-line value that is not a path is refused without being quoted (it may be a credential)", () => {
      const token = "s3cr3t-bearer-token";
      const e = refused(one(cluster("c1", { kubeconfig: token })));
      expect(paths(e)).toEqual(["clusters[0].kubeconfig"]);
      expect(e.issues[0].message).toContain("not shown");
      expect(e.message).not.toContain(token);
    });

    test("kubeconfig text without a current-context is refused", () => {
      const e = refused(one(cluster("c1", { kubeconfig: kubeconfigText("c1", { "current-context": undefined }) })));
      expect(paths(e)).toEqual(["clusters[0].kubeconfig"]);
      expect(e.issues[0].message).toMatch(/no current-context/);
    });
  });

  test("a mapping has an entry's fields only, whatever it carries", () => {
    const extra = {
      ...cluster("c1"),
      urn: pulumi.output("urn:pulumi:stack::project::globalmesh:index:MeshCluster::c1"),
    };
    expect(lines(refused(one(extra)))).toEqual([
      "clusters[0].urn: unknown field; use one of clusterName, kubeconfig, locality, network, loadBalancerAnnotations, ingress, eastWest, gateways, trustDomain, namespaces, injectionExcluded",
    ]);
  });

  test("a component spread with fields of one's own keeps its other outputs, but not a misspelt field", async () => {
    const { compileArgs } = await import("../../sdk/src/gns/toSpec");
    const mesh = new MeshLike("c1");
    const own = { ...mesh, ingress: { address: "10.1.1.1" } };
    expect(compileArgs("x", one(own as never) as GlobalNamespaceArgs).clusters.get("c1")).toBe(own);
    expect(lines(refused(one({ ...mesh, ingres: { address: "10.1.1.1" }, localty: "us-east-2" } as never)))).toEqual([
      'clusters[0].ingres: unknown field; did you mean "ingress"?',
      'clusters[0].localty: unknown field; did you mean "locality"?',
    ]);
  });

  describe("the GlobalNamespace's name is reported as globalNamespaceName", () => {
    const fix = `use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit, e.g. "acme-fitness"`;
    test.each<[string, unknown, string, string]>([
      ["one that is not a DNS-1123 label", "Acme_Fitness", "bad", `"Acme_Fitness" is not a DNS-1123 label; ${fix}`],
      [
        "one known only at deploy time",
        pulumi.output("acme"),
        "bad",
        deployTime('a literal string (e.g. "acme-fitness")'),
      ],
      [
        "a resource name, its default, that is not a DNS-1123 label",
        undefined,
        "Bad_Name",
        `is not set, and the resource name "Bad_Name", its default, is not a DNS-1123 label; ${fix}`,
      ],
    ])("%s", (_case, globalNamespaceName, resourceName, message) => {
      const e = refused({ ...one(), globalNamespaceName }, resourceName);
      expect(lines(e)).toEqual([`globalNamespaceName: ${message}`]);
    });
  });

  describe("every problem at once: the component's and the core's, each once, in the args' order", () => {
    test("a bad kubeconfig and a bad domain", () => {
      expect(refused({ ...one(cluster("c1", { kubeconfig: "" })), domain: "nodots" }).message).toBe(
        [
          'GlobalNamespace "bad": invalid arguments (2 problems)',
          '  - domain: "nodots" is not a DNS domain; use lowercase labels joined by dots, e.g. "acme.example.com"',
          `  - clusters[0].kubeconfig: is empty; ${kubeconfigFix}`,
        ].join("\n"),
      );
    });

    test("a bad name with a bad domain: the core goes on with the resource name", () => {
      expect(paths(refused({ ...one(), globalNamespaceName: pulumi.output("acme"), domain: "nodots" }))).toEqual([
        "globalNamespaceName",
        "domain",
      ]);
    });

    test("the core's clusters[i] is the args' clusters[i], even past an entry the component refused", () => {
      const e = refused({ ...one(), clusters: ["c0", cluster("c1", { locality: "Not A Locality" })] });
      expect(lines(e)).toEqual([
        'clusters[0]: "c0" is not a mapping; give one with the fields clusterName, kubeconfig, locality, network, loadBalancerAnnotations, ingress, eastWest, gateways, trustDomain, namespaces, injectionExcluded',
        'clusters[1].locality: "Not A Locality" is not an Istio locality; use region[/zone[/subzone]], e.g. "us-east-2/us-east-2a"',
      ]);
    });

    test("a misspelt field and the core's problem in the same entry", () => {
      const e = refused(one(cluster("c1", { localty: "us-east-2", network: "Net 1" })));
      expect(lines(e)).toEqual([
        'clusters[0].localty: unknown field; did you mean "locality"?',
        `clusters[0].network: "Net 1" is not a DNS-1123 label; use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit, e.g. "network1"`,
      ]);
    });

    test("a problem both find is listed once, in the component's words", () => {
      const label = `"Cluster_1" is not a DNS-1123 label; use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit, e.g. "cluster1"`;
      expect(lines(refused(one(cluster("Cluster_1"))))).toEqual([`clusters[0].clusterName: ${label}`]);
      expect(lines(refused(one(cluster(pulumi.output("c1")))))).toEqual([
        `clusters[0].clusterName: ${deployTime('a literal string (e.g. "cluster1")')}`,
      ]);
      expect(
        lines(
          refused({ ...one(), clusters: [cluster("c1"), cluster("c1", { kubeconfig: kubeconfigText("another-c1") })] }),
        ),
      ).toEqual([
        'clusters[1].clusterName: "c1" is listed twice (first at clusters[0].clusterName); list each member cluster once',
      ]);
      expect(lines(refused({ ...one(), clusters: [] }))).toEqual([
        'clusters: is empty; give at least one, e.g. [{ clusterName: "cluster1", kubeconfig, ingress: { address: "203.0.113.10" } }]',
      ]);
      expect(lines(refused({ ...one(), clusters: pulumi.output([cluster("c1")]), domain: "nodots" }))).toEqual([
        'domain: "nodots" is not a DNS domain; use lowercase labels joined by dots, e.g. "acme.example.com"',
        `clusters: ${deployTime('a literal list (e.g. [{ clusterName: "cluster1", kubeconfig, ingress: { address: "203.0.113.10" } }])')}`,
      ]);
    });

    test("the core's later checks run too when only the component found problems", () => {
      const e = refused({
        ...one(cluster("c1", { kubeconfig: undefined, injectionExcluded: ["a"] })),
        members: [
          { cluster: "c1", namespace: "a" },
          { cluster: "c9", namespace: "a" },
        ],
      });
      expect(paths(e)).toEqual(["clusters[0].kubeconfig", "members[1].cluster"]);
      const excluded = refused(one(cluster("c1", { kubeconfig: undefined, injectionExcluded: ["a"] })));
      expect(paths(excluded)).toEqual(["clusters[0].kubeconfig", "members[0]"]);
      expect(excluded.issues[1].message).toMatch(/^maps namespace a of cluster c1, which that cluster excludes/);
    });

    test("bad manifests with a bad domain and a bad member rule", () => {
      const e = refused({
        ...one(),
        domain: "nodots",
        members: [{ cluster: "c1", namespace: "kube-system" }],
        manifests: [{ cluster: "c1", yaml: pulumi.output("kind: Service") }],
      });
      expect(paths(e)).toEqual(["domain", "members[0].namespace", "manifests[0].yaml"]);
    });

    test("within one arg, by entry: a core problem of clusters[0] comes before a component problem of clusters[1]", () => {
      const e = refused({
        ...one(),
        clusters: [cluster("c1", { locality: "Not A Locality" }), cluster("c2", { kubeconfig: "" })],
      });
      expect(paths(e)).toEqual(["clusters[0].locality", "clusters[1].kubeconfig"]);
    });

    test("a refused manifest does not make the core report the services it would define as missing", () => {
      // catalog's ports come from the manifest; with the manifest refused, only field-level problems are reported.
      const e = refused({
        ...one(),
        services: [{ name: "catalog", namespace: "default", clusters: ["c1"] }],
        manifests: [{ cluster: "C1", yaml: "apiVersion: v1\nkind: Service\nmetadata: { name: catalog }\n" }],
      });
      expect(paths(e)).toEqual(["manifests[0].cluster"]);
    });
  });

  test("broken manifest YAML is reported at its manifests entry", () => {
    let error: unknown;
    try {
      new GlobalNamespace("bad", { ...one(), manifests: [{ cluster: "c1", yaml: "a: [1,\n" }] } as GlobalNamespaceArgs);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SpecError);
    expect((error as SpecError).issues.map((i) => i.path).every((p) => p.startsWith("manifests[0]"))).toBe(true);
  });
});

/** Stands in for a MeshCluster as a GlobalNamespace's cluster entry: an entry's outputs and others beside them. */
class MeshLike extends pulumi.ComponentResource {
  readonly clusterName: string;
  readonly kubeconfig: pulumi.Output<string>;
  readonly ingress: { address: pulumi.Output<string>; port: number };
  readonly gateways: Record<string, unknown>;
  readonly injectionExcluded: string[] = [];
  readonly meshId = "mesh1";
  readonly istioVersion = "1.24.2";
  constructor(clusterName: string) {
    super("test:index:MeshLike", `${clusterName}-mesh`);
    this.clusterName = clusterName;
    this.gateways = {
      namespace: "istio-gateways",
      ingressSelector: { istio: "ingressgateway" },
      egressSelector: { istio: "egressgateway" },
      egressService: "istio-egressgateway.istio-gateways.svc.cluster.local",
      ingressServiceAccount: `istio-ingressgateway-${clusterName}`,
      egressServiceAccount: `istio-egressgateway-${clusterName}`,
    };
    this.kubeconfig = pulumi.secret(kubeconfigText(clusterName));
    this.ingress = { address: pulumi.output(`lb.${clusterName}.example.net`), port: 443 };
    this.registerOutputs({});
  }
}

describe("a component passed as a cluster entry", () => {
  let rec: Recorder;
  beforeAll(async () => {
    rec = await installMocks({ preview: true });
  });
  const args = (clusters: unknown[]) =>
    ({
      domain: "a.example.com",
      clusters,
      members: [{ cluster: "*", namespace: "shop" }],
      services: [{ name: "cart", namespace: "shop", clusters: ["m2"], ports: [{ number: 8080 }] }],
    }) as GlobalNamespaceArgs;

  test("fits as it is, its other outputs with it", async () => {
    const { compileArgs } = await import("../../sdk/src/gns/toSpec");
    const [m1, m2] = [new MeshLike("m1"), new MeshLike("m2")];
    expect(compileArgs("x", args([m1, m2])).clusters.get("m1")).toBe(m1);
    new GlobalNamespace("fits", args([m1, m2]), { dependsOn: [m1, m2] });
    await rec.settled();
    expect(rec.ofType(K8S_PROVIDER).map((p) => [p.name, p.inputs.kubeconfig])).toEqual([
      ["fits-m1", kubeconfigText("m1")],
      ["fits-m2", kubeconfigText("m2")],
    ]);
    const se = rec.byName("fits-m1-gns.fits.cart", "kubernetes:networking.istio.io/v1:ServiceEntry");
    expect(se.inputs.spec.endpoints[0].address).toBe("lb.m2.example.net");
  });

  test("has its entry's fields checked all the same", () => {
    const bad = Object.assign(new MeshLike("m3"), { clusterName: "M_3" });
    const { count, error } = registrationsDuring(() => new GlobalNamespace("bad", args([bad])));
    expect(count).toBe(0);
    expect((error as SpecError).issues.map((i) => i.path)).toEqual(["clusters[0].clusterName"]);
  });
});

describe("one cluster in several member rules", () => {
  let rec: Recorder;
  beforeAll(async () => {
    rec = await installMocks({ preview: true });
  });

  test("is one member cluster with one provider", async () => {
    const gns = new GlobalNamespace("spread", {
      domain: "a.example.com",
      clusters: [{ clusterName: "c1", kubeconfig: kubeconfigText("c1"), ingress: { address: "10.0.0.1" } }],
      members: [
        { cluster: "c1", namespace: "shop" },
        { cluster: "c1", namespace: "data" },
      ],
      services: [{ name: "db", namespace: "data", clusters: ["c1"], ports: [{ number: 5432 }] }],
    });
    expect(Object.keys(await valueOf(gns.objectNames))).toEqual(["c1"]);
    await rec.settled();
    expect(rec.ofType(K8S_PROVIDER).map((p) => p.name)).toEqual(["spread-c1"]);
  });
});

describe("an ingress address known only at deploy time", () => {
  beforeAll(async () => {
    await installMocks({ preview: false });
  });

  test("is checked when it resolves, naming the cluster", async () => {
    const { compileArgs, resolvedIngressAddress } = await import("../../sdk/src/gns/toSpec");
    // (A rejected Output cannot be observed in-process without an unhandled rejection, so the check is tested alone.)
    expect(() => resolvedIngressAddress("not an address!", "east")).toThrow(
      /cluster east: ingress address "not an address!" is neither an IP address nor a DNS name/,
    );
    expect(() => resolvedIngressAddress(undefined, "east")).toThrow(/cluster east: ingress address undefined/);
    const args = (address: pulumi.Input<string>) => ({
      domain: "a.example.com",
      clusters: [{ clusterName: "east", kubeconfig: kubeconfigText("east"), ingress: { address } }],
      members: [{ cluster: "east", namespace: "shop" }],
    });
    const good = compileArgs("x", args(pulumi.output("lb.example.net"))).spec.clusters[0].ingress!
      .address as pulumi.Output<string>;
    expect(pulumi.Output.isInstance(good)).toBe(true);
    expect(await valueOf(good)).toBe("lb.example.net");
    // Plain strings are checked up front by the spec validation instead.
    expect(compileArgs("x", args("10.0.0.1")).spec.clusters[0].ingress!.address).toBe("10.0.0.1");
  });
});
