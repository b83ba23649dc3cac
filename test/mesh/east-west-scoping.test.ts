/**
 * East-west mode with dependency scoping (declared `calls`): the passthrough Gateway lists only the namespaces other
 * clusters may call, the pods admit only the namespaces that may call them, a cluster nobody elsewhere calls needs no
 * address, and `check` finds nothing wrong in what `render` writes. Also: no egress gateway in an east-west Sidecar,
 * and the audit tells a GlobalNamespace's namespaces from its policies when `members` is not given.
 */
import {
  addFoundCalls,
  auditWiring,
  buildMesh,
  checkFoundCallAddresses,
  Finding,
  MeshBuild,
  MeshObject,
  objectKey,
  resolveMesh,
  SpecError,
  validateSpec,
} from "../../sdk/src/mesh";

const GW = "istio-gateways";
const port = (n: number) => [{ number: n, name: `http-${n}`, protocol: "HTTP" }];

/**
 * c1/shop: frontend calls catalog; c2/internal: catalog and secret call nothing; c2/tools: probe, undeclared, may
 * call anything. Nobody in c1 may call secret; catalog is called from c1.
 */
function spec(mode: "east-west" | "tunnel" = "east-west"): any {
  return {
    name: "store",
    domain: "store.example.com",
    mode,
    clusters: [
      { name: "c1", ingress: { address: "203.0.113.1" } },
      { name: "c2", ingress: { address: "203.0.113.2" } },
    ],
    members: [
      { cluster: "c1", namespace: "shop", sidecarScope: true },
      { cluster: "c2", namespace: "internal" },
    ],
    services: [
      { name: "frontend", namespace: "shop", clusters: ["c1"], ports: port(8080), calls: ["catalog"] },
      { name: "catalog", namespace: "internal", clusters: ["c2"], ports: port(8082), calls: [] },
      { name: "secret", namespace: "internal", clusters: ["c2"], ports: port(8083), calls: [] },
    ].map((s) => ({ ...s, selector: { app: s.name } })),
  };
}

function problems(s: unknown): { path: string; message: string }[] {
  try {
    buildMesh(s);
  } catch (e) {
    if (e instanceof SpecError) return e.issues;
    throw e;
  }
  return [];
}

const objects = (b: MeshBuild, cluster: string): MeshObject<unknown>[] => [...b.compiled.objects.get(cluster)!];
const find = (b: MeshBuild, cluster: string, key: string): any => objects(b, cluster).find((o) => objectKey(o) === key);
const passthroughs = (b: MeshBuild, cluster: string): any[] => objects(b, cluster).filter((o) => o.kind === "Gateway");
const members = (b: MeshBuild) =>
  new Map(b.model.clusters.map((c) => [c.name, new Map([[b.model.name, c.namespaces]])]));
/** The audit's errors (its warnings here are the pods' identities, unknown without manifests). */
const errors = (found: Finding[]) =>
  found.filter((f) => f.severity !== "warning").map((f) => `${f.cluster} ${f.object}: ${f.what}`);

const ingressOf = (b: MeshBuild, cluster: string) =>
  b.model.clusters.find((c) => c.name === cluster)!.gateways.ingressPrincipal;

/** The principals of the unrestricted ALLOW policy on a service's pods. */
function admitted(b: MeshBuild, cluster: string, ns: string, service: string): string[] {
  const policy = find(b, cluster, `AuthorizationPolicy/${ns}/gns.store.${service}`);
  if (!policy) throw new Error(`${cluster} has no ALLOW policy for ${service}`);
  return policy.spec.rules.flatMap((r: any) => r.from.flatMap((f: any) => f.source.principals));
}

describe("the passthrough Gateway lists what other clusters may call, nothing more", () => {
  test("c1 runs only frontend, which nobody in c2 may call: no passthrough; c2 passes internal only", () => {
    const b = buildMesh(spec());
    expect(passthroughs(b, "c1")).toEqual([]);
    const [gateway] = passthroughs(b, "c2");
    expect(gateway.metadata.namespace).toBe(GW);
    expect(gateway.spec.servers.flatMap((s: any) => s.hosts)).toEqual(["*.internal.svc.cluster.local"]);
  });

  test("render's own output passes check's audit, with and without the members given", () => {
    const b = buildMesh(spec());
    expect(errors(auditWiring(b.compiled.objects, { members: members(b) }))).toEqual([]);
    expect(errors(auditWiring(b.compiled.objects))).toEqual([]);
  });

  test("an undeclared namespace in c2 may call frontend: c1 then passes shop", () => {
    const s = spec();
    s.members.push({ cluster: "c2", namespace: "tools" });
    s.services.push({ name: "probe", namespace: "tools", clusters: ["c2"], ports: port(9000), selector: { app: "p" } });
    const b = buildMesh(s);
    expect(passthroughs(b, "c1").flatMap((g) => g.spec.servers.flatMap((sv: any) => sv.hosts))).toEqual([
      "*.shop.svc.cluster.local",
    ]);
    expect(errors(auditWiring(b.compiled.objects, { members: members(b) }))).toEqual([]);
  });
});

describe("the pods admit the namespaces that may call them (both modes' dependency scoping)", () => {
  test("catalog admits c1/shop (it calls catalog) and c2's ingress gateway, not c2/internal (it calls nothing)", () => {
    const b = buildMesh(spec());
    const catalog = admitted(b, "c2", "internal", "catalog");
    expect(catalog).toContain("cluster.local/ns/shop/sa/*");
    expect(catalog).not.toContain("cluster.local/ns/internal/sa/*");
    expect(catalog).toContain(ingressOf(b, "c2"));
    expect(catalog).toHaveLength(2);
  });

  test("secret, which no namespace may call, admits only the ingress gateway", () => {
    const b = buildMesh(spec());
    expect(admitted(b, "c2", "internal", "secret")).toEqual([ingressOf(b, "c2")]);
  });

  test("without declared calls every member namespace is admitted, as before", () => {
    const s = spec();
    for (const svc of s.services) delete svc.calls;
    delete s.members[0].sidecarScope;
    const b = buildMesh(s);
    expect(admitted(b, "c2", "internal", "secret")).toEqual(
      expect.arrayContaining(["cluster.local/ns/internal/sa/*", "cluster.local/ns/shop/sa/*"]),
    );
  });
});

describe("a cluster whose services nobody elsewhere may call needs no address", () => {
  test.each(["east-west", "tunnel"] as const)("%s mode: c1 without ingress is accepted", (mode) => {
    const s = spec(mode);
    delete s.clusters[0].ingress;
    expect(problems(s)).toEqual([]);
  });

  test.each(["east-west", "tunnel"] as const)("%s mode: c2, whose catalog c1 calls, is still refused", (mode) => {
    const s = spec(mode);
    delete s.clusters[1].ingress;
    const issues = problems(s);
    expect(issues.map((i) => i.path)).toEqual(["clusters[1].ingress"]);
    expect(issues[0].message).toMatch(/^cluster c2 runs catalog, called from other clusters/);
  });
});

test.each(["east-west", "tunnel"] as const)(
  "%s mode: a call the manifests show into a cluster with no address is refused, naming its ingress",
  (mode) => {
    const s = validateSpec(spec(mode));
    delete s.clusters[0].ingress;
    const model = resolveMesh(s);
    expect(() => checkFoundCallAddresses(s, model)).not.toThrow();
    // A workload of c2/internal (declared: calls nothing) is seen calling frontend, which runs in c1 only.
    addFoundCalls(model, [{ cluster: "c2", namespace: "internal", service: "frontend" }]);
    let issues: { path: string; message: string }[] = [];
    try {
      checkFoundCallAddresses(s, model);
    } catch (e) {
      if (!(e instanceof SpecError)) throw e;
      issues = e.issues;
    }
    expect(issues.map((i) => i.path)).toEqual(["clusters[0].ingress"]);
    expect(issues[0].message).toMatch(/^cluster c1 runs frontend, called from other clusters/);
  },
);

test("an east-west Sidecar imports no egress gateway (nothing routes there); tunnel mode's does", () => {
  const sidecarHosts = (b: MeshBuild) =>
    find(b, "c1", "Sidecar/shop/gns.store.scope")?.spec.egress.flatMap((e: any) => e.hosts) as string[];
  const eastWest = sidecarHosts(buildMesh(spec()));
  const tunnel = sidecarHosts(buildMesh(spec("tunnel")));
  expect(tunnel.filter((h) => h.includes("egressgateway"))).toHaveLength(1);
  expect(eastWest.filter((h) => h.includes("egressgateway"))).toEqual([]);
  expect(eastWest).toContain(`${GW}/catalog.store.example.com`);
});

test("without members, a namespace that runs services but calls none is told from its policies", () => {
  // c2/internal is in no exportTo (it calls nothing); its passthrough host would otherwise read as a foreign namespace.
  const b = buildMesh(spec());
  const entries = objects(b, "c2").filter((o) => o.kind === "ServiceEntry");
  expect(entries.flatMap((o: any) => o.spec.exportTo)).not.toContain("internal");
  expect(errors(auditWiring(b.compiled.objects))).toEqual([]);
});
