import * as pulumi from "@pulumi/pulumi";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { GlobalNamespace, GlobalNamespaceArgs } from "../../sdk/src/gns";
import { MeshCluster, MeshTrust } from "../../sdk/src/install";
import { buildMesh, MeshMode, SpecError } from "../../sdk/src/mesh";
import { ACME_DIR, acmeManifests } from "../helpers/fixtures";
import { kubeconfigText } from "../helpers/kubeconfigs";
import { installMocks, Recorder } from "../helpers/pulumiHarness";
import { computedState, connection, registrationsDuring } from "../install/support";

/**
 * The component's `mode` and each cluster entry's `eastWest` (a MeshCluster's `eastWest` output): in east-west mode
 * the entry's `eastWest` is the spec's `ingress`, and its `ingress` (the ingress gateway) is not used.
 */
const manifests = ["cluster1", "cluster2"].map((c) => ({
  cluster: c,
  yaml: readFileSync(join(ACME_DIR, "manifests", `${c}.yaml`), "utf8"),
}));
const members = [
  { cluster: "cluster1", namespace: "default" },
  { cluster: "cluster2", namespace: "default" },
];
/** A cluster entry as a MeshCluster with both gateways gives it. */
const entry = (name: string, eastWest?: object) => ({
  clusterName: name,
  kubeconfig: kubeconfigText(name),
  ingress: { address: `ingress.${name}.example.net` },
  ...(eastWest && { eastWest }),
});
/** JSON with sorted keys: the engine hands inputs back in its own key order. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object")
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(v);
}
const isMeshObject = (r: { type: string }) => /^kubernetes:(networking|security)\.istio\.io\//.test(r.type);
const SERVICE_ENTRY = "kubernetes:networking.istio.io/v1:ServiceEntry";

function args(mode: MeshMode | undefined, clusters: object[]): GlobalNamespaceArgs {
  return {
    globalNamespaceName: "acme-fitness",
    domain: "acme.example.com",
    ...(mode && { mode }),
    clusters: clusters as GlobalNamespaceArgs["clusters"],
    members,
    manifests,
  };
}

/** The core's objects for the spec the component should have made: each cluster reached at `at(name)`. */
function coreObjects(mode: MeshMode, at: (name: string) => { address: string; port?: number }): string[] {
  const spec = {
    name: "acme-fitness",
    domain: "acme.example.com",
    mode,
    clusters: ["cluster1", "cluster2"].map((name) => ({ name, ingress: at(name) })),
    members,
  };
  const objects = [...buildMesh(spec, acmeManifests()).compiled.objects.values()].flat();
  return objects.map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name} ${canonical(o.spec)}`).sort();
}

function registered(rec: Recorder, before: number): string[] {
  return rec.registrations
    .slice(before)
    .filter(isMeshObject)
    .map((r) => `${r.inputs.kind} ${r.inputs.metadata.namespace}/${r.inputs.metadata.name} ${canonical(r.inputs.spec)}`)
    .sort();
}

describe("mode east-west", () => {
  let rec: Recorder;
  beforeAll(async () => {
    rec = await installMocks({ preview: false });
  });

  test("writes the east-west objects, with each cluster reached at its eastWest entry (15443 by default)", async () => {
    const before = rec.registrations.length;
    new GlobalNamespace(
      "ew",
      args(MeshMode.EAST_WEST, [
        entry("cluster1", { address: "203.0.113.15" }),
        entry("cluster2", { address: pulumi.output("ew.cluster2.example.net") }),
      ]),
    );
    await rec.settled();
    const got = registered(rec, before);
    expect(got).toEqual(
      coreObjects(MeshMode.EAST_WEST, (n) => ({
        address: n === "cluster1" ? "203.0.113.15" : "ew.cluster2.example.net",
      })),
    );
    expect(got.some((o) => o.startsWith("Gateway istio-gateways/gns-acme-fitness-passthrough"))).toBe(true);
    const se = rec.byName("ew-cluster1-gns.acme-fitness.catalog", SERVICE_ENTRY);
    expect(se.inputs.spec.endpoints).toEqual([
      expect.objectContaining({ address: "ew.cluster2.example.net", ports: { "http-catalog": 15443 } }),
    ]);
  });

  test("tunnel mode (the default) uses the ingress entries and ignores eastWest", async () => {
    const before = rec.registrations.length;
    new GlobalNamespace(
      "tn",
      args(undefined, [entry("cluster1", { address: "203.0.113.15" }), entry("cluster2", { address: "192.0.2.7" })]),
    );
    await rec.settled();
    expect(registered(rec, before)).toEqual(
      coreObjects(MeshMode.TUNNEL, (n) => ({ address: `ingress.${n}.example.net` })),
    );
  });
});

describe("MeshClusters passed straight in, in east-west mode", () => {
  /** The load balancers of the two east-west gateway Services (read names `<MeshCluster>-eastwest-service`). */
  const EAST_WEST_LB: Record<string, { ip?: string; hostname?: string }> = {
    "ewc1-eastwest-service": { hostname: "ew1.elb.example.com" },
    "ewc2-eastwest-service": { ip: "198.51.100.2" },
  };
  const EAST_WEST_AT: Record<string, string> = { c1: "ew1.elb.example.com", c2: "198.51.100.2" };
  const ANNOTATIONS = { "service.beta.kubernetes.io/aws-load-balancer-type": "external" };
  let rec: Recorder;

  beforeAll(async () => {
    rec = await installMocks({
      preview: false,
      state: (a) =>
        a.type === "kubernetes:core/v1:Service" && a.id && EAST_WEST_LB[a.name]
          ? { status: { loadBalancer: { ingress: [EAST_WEST_LB[a.name]] } } }
          : computedState(a),
    });
    const trust = new MeshTrust("ewt", { clusters: ["c1", "c2"] });
    const mesh = (c: string) => ({ ca: trust.caFor(c), meshId: trust.meshId, eastWest: true });
    const c1 = new MeshCluster("ewc1", {
      cluster: { ...connection("c1"), loadBalancerAnnotations: ANNOTATIONS },
      ...mesh("c1"),
    });
    const c2 = new MeshCluster("ewc2", { cluster: connection("c2"), ...mesh("c2") });
    new GlobalNamespace("ewmc", {
      globalNamespaceName: "acme-fitness",
      domain: "acme.example.com",
      mode: MeshMode.EAST_WEST,
      clusters: [c1, c2],
      members: [
        { cluster: "c1", namespace: "default" },
        { cluster: "c2", namespace: "default" },
      ],
      manifests: manifests.map((m) => ({ ...m, cluster: m.cluster === "cluster1" ? "c1" : "c2" })),
    });
    await rec.settled();
  });

  const ofGns = (type: string) => rec.ofType(type).filter((r) => r.name.startsWith("ewmc-"));
  const clusterOf = (r: { name: string }) => r.name.split("-")[1];

  test("every remote endpoint is the other cluster's east-west gateway at 15443, read from its Service", () => {
    // A service's own cluster reaches it at its Kubernetes Service; every other endpoint is a remote cluster's.
    const isLocal = (e: { address: string }) => e.address.endsWith(".svc.cluster.local");
    const entries = ofGns(SERVICE_ENTRY).filter((r) => (r.inputs.spec.endpoints ?? []).some((e: any) => !isLocal(e)));
    // catalog runs in c2 and is called from c1; the services of c1 are reached from c2.
    expect(new Set(entries.map(clusterOf))).toEqual(new Set(["c1", "c2"]));
    for (const se of entries) {
      const remote = clusterOf(se) === "c1" ? "c2" : "c1";
      for (const e of se.inputs.spec.endpoints.filter((x: any) => !isLocal(x)))
        expect({ se: se.name, address: e.address, ports: Object.values(e.ports) }).toEqual({
          se: se.name,
          address: EAST_WEST_AT[remote],
          ports: Object.values(e.ports).map(() => 15443),
        });
    }
    expect(rec.byName("ewmc-c1-gns.acme-fitness.catalog", SERVICE_ENTRY).inputs.spec.endpoints).toEqual([
      expect.objectContaining({ address: "198.51.100.2", ports: { "http-catalog": 15443 } }),
    ]);
  });

  test("the passthrough Gateway selects the east-west gateway in each cluster", () => {
    const passthrough = ofGns("kubernetes:networking.istio.io/v1:Gateway").filter((r) =>
      r.inputs.metadata.name.endsWith("-passthrough"),
    );
    expect(passthrough.map(clusterOf).sort()).toEqual(["c1", "c2"]);
    for (const g of passthrough) expect(g.inputs.spec.selector).toEqual({ istio: "eastwestgateway" });
  });

  test("the cluster's load-balancer annotations reach its east-west gateway's Service", () => {
    expect(rec.byName("ewc1-eastwest-gateway").inputs.values.service.annotations).toEqual(ANNOTATIONS);
  });
});

describe("refused before anything is registered", () => {
  beforeAll(async () => {
    await installMocks({ preview: true });
  });
  function refused(a: unknown): string[] {
    const { count, error } = registrationsDuring(() => new GlobalNamespace("bad", a as GlobalNamespaceArgs));
    expect(error).toBeInstanceOf(SpecError);
    expect(count).toBe(0);
    return (error as SpecError).issues.map((i) => `${i.path}: ${i.message}`);
  }

  test("a serving cluster without eastWest, its ingress notwithstanding, names the field and MeshCluster's switch", () => {
    const problems = refused(
      args(MeshMode.EAST_WEST, [entry("cluster1", { address: "203.0.113.15" }), entry("cluster2")]),
    );
    expect(problems).toEqual([
      expect.stringMatching(
        /^clusters\[1\]\.eastWest: cluster cluster2 runs catalog, catalog-mongo, called from other clusters, so it needs its east-west gateway's address .*with the GlobalNamespace component, the cluster's eastWest, a MeshCluster's eastWest output \(installed with eastWest: true\)$/,
      ),
    ]);
  });

  test("an eastWest entry's fields are checked and named in the args' terms", () => {
    expect(
      refused(
        args(MeshMode.EAST_WEST, [
          entry("cluster1", { address: "203.0.113.15" }),
          entry("cluster2", { address: "not an address!", port: 70000 }),
        ]),
      ).map((p) => p.split(":")[0]),
    ).toEqual(["clusters[1].eastWest.address", "clusters[1].eastWest.port"]);
  });

  test("a mode that is not one is refused at mode, with the near miss", () => {
    expect(refused({ ...args(MeshMode.EAST_WEST, [entry("cluster1"), entry("cluster2")]), mode: "eastwest" })).toEqual([
      expect.stringMatching(/^mode: "eastwest" is not a mesh mode; did you mean "east-west"\?/),
    ]);
  });

  test("a misspelt eastWest is refused, not lost", () => {
    const c2 = { ...entry("cluster2"), eastwest: { address: "192.0.2.7" } };
    expect(refused(args(MeshMode.EAST_WEST, [entry("cluster1", { address: "203.0.113.15" }), c2]))).toContainEqual(
      'clusters[1].eastwest: unknown field; did you mean "eastWest"?',
    );
  });
});

test("an eastWest address known only at deploy time is checked when it resolves, naming the field", async () => {
  const { resolvedIngressAddress } = await import("../../sdk/src/gns/toSpec");
  expect(() => resolvedIngressAddress("not an address!", "east", true)).toThrow(
    /^cluster east: eastWest address "not an address!" is neither an IP address nor a DNS name; check the east-west gateway's load balancer$/,
  );
  expect(resolvedIngressAddress("ew.example.net", "east", true)).toBe("ew.example.net");
});

describe("said, not refused", () => {
  test("eastWest entries in tunnel mode: one warning naming the first entry and the mode, logged by the component", async () => {
    const { compileArgs } = await import("../../sdk/src/gns/toSpec");
    const both = [entry("cluster1", { address: "203.0.113.15" }), entry("cluster2", { address: "192.0.2.7" })];
    expect(compileArgs("tn", args(undefined, both)).warnings).toEqual([
      expect.stringMatching(
        /^clusters\[0\]\.eastWest \(and 1 more entries\): is given, but mode is tunnel \(the default\), .*set mode: "east-west"/,
      ),
    ]);
    expect(compileArgs("tn", args(MeshMode.TUNNEL, [entry("cluster1"), both[1]])).warnings).toEqual([
      expect.stringMatching(/^clusters\[1\]\.eastWest: is given, but mode is tunnel, /),
    ]);
    expect(compileArgs("tn", args(undefined, [entry("cluster1"), entry("cluster2")])).warnings).toEqual([]);

    await installMocks({ preview: true });
    const warn = jest.spyOn(pulumi.log, "warn").mockResolvedValue();
    try {
      new GlobalNamespace("warned", args(undefined, both));
      expect(warn).toHaveBeenCalledWith(
        expect.stringMatching(/^clusters\[0\]\.eastWest \(and 1 more/),
        expect.anything(),
      );
    } finally {
      warn.mockRestore();
    }
  });

  test("in east-west mode, a core warning names the entry's eastWest, not the core's ingress", async () => {
    const { compileArgs } = await import("../../sdk/src/gns/toSpec");
    const compiled = compileArgs(
      "ew",
      args(MeshMode.EAST_WEST, [
        entry("cluster1", { address: "203.0.113.15" }),
        entry("cluster2", { address: "192.0.2.7", port: 443 }),
      ]),
    );
    expect(compiled.warnings).toEqual([expect.stringMatching(/^clusters\[1\]\.eastWest\.port: is 443, /)]);
  });
});
