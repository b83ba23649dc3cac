import { join } from "node:path";
import { auditPrerequisites, auditWiring, buildMesh, Finding, managedObjects, MeshBuild } from "../../sdk/src/mesh";
import { ACME_DIR, acmeManifests, readSpecFile, ROOT } from "../helpers/fixtures";

/**
 * `globalmesh check`'s audit on east-west wiring: the passthrough Gateway is required there, so the audit checks its
 * host list (one namespace of the GlobalNamespace per host, exactly those other clusters' callers are sent to) and
 * that every service behind it checks its callers at its pods, instead of flagging the server as open. The compiled
 * examples are the starting point; each test tampers with one object as a hand edit would.
 */

const GW = "istio-gateways";
const PASSTHROUGH = `Gateway/${GW}/gns-acme-fitness-passthrough`;

function acmeEastWest(extra: (spec: any) => void = () => {}): MeshBuild {
  const spec = readSpecFile(join(ACME_DIR, "gns-east-west.yaml")) as any;
  extra(spec);
  return buildMesh(spec, acmeManifests());
}

/** Per cluster, per GlobalNamespace, its namespaces: what `check` passes the audit. */
function membersOf(build: MeshBuild): Map<string, Map<string, string[]>> {
  return new Map(build.model.clusters.map((c) => [c.name, new Map([[build.model.name, c.namespaces]])]));
}

/** A deep copy of the compiled objects with one of them edited (or removed, when `edit` returns null). */
function tampered(build: MeshBuild, cluster: string, key: string, edit: (o: any) => unknown): Map<string, any[]> {
  const copy = new Map([...build.compiled.objects].map(([c, list]) => [c, structuredClone(list)] as const));
  const list = copy.get(cluster)!;
  const i = list.findIndex((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}` === key);
  if (i === -1) throw new Error(`${cluster} has no ${key}`);
  if (edit(list[i]) === null) list.splice(i, 1);
  return copy;
}

const lines = (found: Finding[]) => found.map((f) => `${f.severity ?? "error"} ${f.cluster} ${f.object}: ${f.what}`);

test("the compiled acme-fitness east-west wiring: no finding", () => {
  const build = acmeEastWest();
  const passthroughs = [...build.compiled.objects.values()].flat().filter((o) => o.kind === "Gateway");
  expect(passthroughs.map((g) => g.metadata.name)).toEqual([
    "gns-acme-fitness-passthrough",
    "gns-acme-fitness-passthrough",
  ]);
  expect(auditWiring(build.compiled.objects)).toEqual([]);
  expect(auditWiring(build.compiled.objects, { members: membersOf(build) })).toEqual([]);
});

test("bookinfo over three clusters (reviews in two), without manifests: the unpinned identities, one warning per service", () => {
  const bookinfo = readSpecFile(join(ROOT, "examples", "bookinfo", "gns.yaml")) as any;
  bookinfo.mode = "east-west";
  for (const s of bookinfo.services) s.selector = { app: s.name };
  const build = buildMesh(bookinfo);
  const found = auditWiring(build.compiled.objects, { members: membersOf(build) });
  for (const f of found) expect(f.severity).toBe("warning");
  // One per service however many clusters hold its DestinationRule: the first, and how many more (a mesh of 50
  // clusters × 1000 services would otherwise print 49,000).
  expect(
    found.map((f) => [f.cluster, f.what.replace(/^.*sni "outbound_\.9080_\._\.([a-z]+)\..*subjectAltNames/, "$1")]),
  ).toEqual([
    ["cluster1", "details (the same in 1 more cluster: cluster3)"],
    ["cluster1", "ratings (the same in 1 more cluster: cluster3)"],
    ["cluster1", "reviews (the same in 2 more clusters: cluster2, cluster3)"],
    ["cluster2", "productpage (the same in 1 more cluster: cluster3)"],
  ]);
});

test("unpinned identities in many clusters: still one warning per service, naming three clusters and counting", () => {
  const spec = readSpecFile(join(ROOT, "examples", "bookinfo", "gns.yaml")) as any;
  spec.mode = "east-west";
  for (const s of spec.services) s.selector = { app: s.name };
  for (let i = 4; i <= 8; i++) {
    spec.clusters.push({ name: `cluster${i}`, ingress: { address: `203.0.113.${40 + i}` }, locality: `r${i}` });
    spec.members.push({ cluster: `cluster${i}`, namespace: "bookinfo" });
  }
  const found = auditWiring(buildMesh(spec).compiled.objects);
  expect(found).toHaveLength(4);
  const details = found.find((f) => f.what.includes("_.details."))!;
  expect(details.what).toMatch(/\(the same in 6 more clusters: cluster3, cluster4, cluster5, …\)$/);
});

describe("the passthrough server's hosts", () => {
  const build = acmeEastWest();
  const withHosts = (hosts: string[]) =>
    auditWiring(
      tampered(build, "cluster2", PASSTHROUGH, (g) => (g.spec.servers[0].hosts = hosts)),
      { members: membersOf(build) },
    );

  test.each(["*", "*.local", "*.svc.cluster.local", "*.cluster.local", "catalog.default.svc.cluster.local"])(
    "%s is not one namespace: a finding naming the host",
    (host) => {
      expect(lines(withHosts(["*.default.svc.cluster.local", host]))).toEqual([
        `error cluster2 ${PASSTHROUGH}: servers[0] (port 15443, hosts *.default.svc.cluster.local, ${host}): host "${host}" is not one namespace (*.<namespace>.svc.cluster.local)`,
      ]);
    },
  );

  test("a namespace outside the GlobalNamespace", () => {
    const found = withHosts(["*.default.svc.cluster.local", "*.kube-system.svc.cluster.local"]);
    expect(lines(found)).toEqual([
      `error cluster2 ${PASSTHROUGH}: servers[0] (port 15443, hosts *.default.svc.cluster.local, *.kube-system.svc.cluster.local): host "*.kube-system.svc.cluster.local": namespace kube-system is not in GlobalNamespace acme-fitness in cluster cluster2`,
    ]);
    expect(found[0].why).toMatch(/the Services of kube-system, which the GlobalNamespace never exported/);
  });

  test("without the members given, the GlobalNamespace's namespaces are told from its objects' exportTo", () => {
    const edited = tampered(build, "cluster2", PASSTHROUGH, (g) =>
      g.spec.servers[0].hosts.push("*.kube-system.svc.cluster.local"),
    );
    expect(lines(auditWiring(edited))).toEqual([
      expect.stringContaining("namespace kube-system is not in GlobalNamespace acme-fitness in cluster cluster2"),
    ]);
  });

  test("a namespace of the GlobalNamespace that no other cluster's callers are sent to", () => {
    // cluster2 knows namespace billing (it only calls): in the GlobalNamespace, but it serves nothing.
    const known = acmeEastWest((s) => s.members.push({ cluster: "cluster2", namespace: "billing" }));
    const edited = tampered(known, "cluster2", PASSTHROUGH, (g) =>
      g.spec.servers[0].hosts.push("*.billing.svc.cluster.local"),
    );
    expect(lines(auditWiring(edited, { members: membersOf(known) }))).toEqual([
      `error cluster2 ${PASSTHROUGH}: servers[0] (port 15443, hosts *.default.svc.cluster.local, *.billing.svc.cluster.local): host "*.billing.svc.cluster.local": no member cluster's callers are sent to namespace billing here`,
    ]);
  });

  test("a namespace callers are sent to, missing: the gateway would refuse them", () => {
    expect(lines(withHosts([]))).toEqual([
      `error cluster2 ${PASSTHROUGH}: no AUTO_PASSTHROUGH server admits *.default.svc.cluster.local, which callers in cluster1 are sent to`,
      `error cluster2 ${PASSTHROUGH}: servers[0] (port 15443, hosts none): AUTO_PASSTHROUGH with no hosts`,
    ]);
  });

  test("no passthrough Gateway at all where callers are sent", () => {
    const found = auditWiring(tampered(build, "cluster2", PASSTHROUGH, () => null));
    expect(found.map((f) => f.object)).toEqual([PASSTHROUGH]);
    expect(found.map((f) => f.what)).toEqual([
      "GlobalNamespace acme-fitness has no AUTO_PASSTHROUGH Gateway in cluster cluster2, which callers in cluster1 are sent to for namespace default",
    ]);
  });
});

describe("the services behind the passthrough, and the client side", () => {
  const build = acmeEastWest();
  const members = membersOf(build);

  test("a service without its ALLOW policy on its pods: nothing checks who calls it", () => {
    const policy = `AuthorizationPolicy/default/gns.acme-fitness.catalog`;
    const found = auditWiring(
      tampered(build, "cluster2", policy, () => null),
      { members },
    );
    expect(lines(found)).toEqual([
      `error cluster2 ServiceEntry/${GW}/gns.acme-fitness.catalog: no ALLOW AuthorizationPolicy on the pods of catalog (namespace default), which other clusters reach through the passthrough gateway`,
    ]);
    // A policy without a selector is no policy on the service's pods either (and its rule stays exact).
    const unselected = tampered(build, "cluster2", policy, (p) => delete p.spec.selector);
    expect(auditWiring(unselected, { members }).map((f) => f.what)).toEqual([found[0].what]);
  });

  test("the pods' ALLOW names namespaces as <trustDomain>/ns/<ns>/sa/*; a wildcard namespace is a finding", () => {
    const policy = `AuthorizationPolicy/default/gns.acme-fitness.catalog`;
    const principals = (o: any) => o.spec.rules.flatMap((r: any) => r.from.flatMap((f: any) => f.source.principals));
    const compiled = build.compiled.objects
      .get("cluster2")!
      .find((o) => `${o.kind}/default/${o.metadata.name}` === policy);
    expect(principals(compiled)).toContain("cluster.local/ns/default/sa/*");
    const found = auditWiring(
      tampered(
        build,
        "cluster2",
        policy,
        (p) => (p.spec.rules[0].from[0].source.principals = ["cluster.local/ns/*/sa/*"]),
      ),
      { members },
    );
    expect(lines(found)).toEqual([
      `error cluster2 ${policy}: rules[0].from[0].source.principals contains "cluster.local/ns/*/sa/*"`,
    ]);
  });

  test("a ServiceEntry endpoint with a network: the known pitfall", () => {
    const entry = `ServiceEntry/${GW}/gns.acme-fitness.catalog`;
    const found = auditWiring(
      tampered(build, "cluster1", entry, (o) => (o.spec.endpoints[0].network = "network2")),
      { members },
    );
    expect(lines(found)).toEqual([
      `error cluster1 ${entry}: endpoints[0] (f6e5d4c3b2a1.elb.us-east-2.amazonaws.com) has network "network2"`,
    ]);
    const labelled = tampered(
      build,
      "cluster1",
      entry,
      (o) => (o.spec.endpoints[0].labels["topology.istio.io/network"] = "n2"),
    );
    expect(auditWiring(labelled, { members }).map((f) => f.what)).toEqual([
      'endpoints[0] (f6e5d4c3b2a1.elb.us-east-2.amazonaws.com) has network "n2" (label topology.istio.io/network)',
    ]);
  });

  test("the client's outbound SNI: another port is an error, no subjectAltNames a warning", () => {
    const rule = `DestinationRule/${GW}/gns.acme-fitness.catalog`;
    const tls = (o: any) => o.spec.trafficPolicy.portLevelSettings[0].tls;
    const port = auditWiring(
      tampered(build, "cluster1", rule, (o) => (tls(o).sni = "outbound_.9999_._.catalog.default.svc.cluster.local")),
      { members },
    );
    expect(lines(port)).toEqual([
      `error cluster1 ${rule}: trafficPolicy.portLevelSettings[0] (port 8082) tls: sni "outbound_.9999_._.catalog.default.svc.cluster.local" names port 9999, on the settings of port 8082`,
    ]);
    const sans = auditWiring(
      tampered(build, "cluster1", rule, (o) => delete tls(o).subjectAltNames),
      { members },
    );
    expect(lines(sans)).toEqual([
      `warning cluster1 ${rule}: trafficPolicy.portLevelSettings[0] (port 8082) tls: ISTIO_MUTUAL with sni "outbound_.8082_._.catalog.default.svc.cluster.local" but no subjectAltNames`,
    ]);
  });
});

describe("check --existing in east-west mode", () => {
  const build = acmeEastWest();
  const members = membersOf(build);
  const labels = { "app.kubernetes.io/managed-by": "globalmesh", "globalmesh.io/global-namespace": "acme-fitness" };
  const ourGateway = (hosts: string[]) => ({
    apiVersion: "networking.istio.io/v1",
    kind: "Gateway",
    metadata: { name: "gns-acme-fitness-passthrough", namespace: GW, labels },
    spec: {
      selector: { istio: "eastwestgateway" },
      servers: [{ port: { number: 15443, name: "tls", protocol: "TLS" }, hosts, tls: { mode: "AUTO_PASSTHROUGH" } }],
    },
  });

  test("our passthrough, edited in the cluster to *.local: a finding; a partial dump reports nothing missing", () => {
    const dump = managedObjects(new Map([["cluster2", [ourGateway(["*.local"])]]]));
    const found = auditWiring(dump, { members, callers: build.compiled.objects });
    expect(lines(found)).toEqual([
      `error cluster2 ${PASSTHROUGH}: servers[0] (port 15443, hosts *.local): host "*.local" is not one namespace (*.<namespace>.svc.cluster.local)`,
    ]);
    // As rendered, the same dump is clean: the callers' side comes from the compiled wiring.
    const clean = managedObjects(new Map([["cluster2", [ourGateway(["*.default.svc.cluster.local"])]]]));
    expect(auditWiring(clean, { members, callers: build.compiled.objects })).toEqual([]);
  });

  const prerequisites = build.model.clusters.map((c) => ({ ...c, mode: build.model.mode }));

  test("Istio's sample cross-network-gateway (*.local on 15443, the same pods) overlaps the passthrough", () => {
    const sample = {
      apiVersion: "networking.istio.io/v1",
      kind: "Gateway",
      metadata: { name: "cross-network-gateway", namespace: "istio-system" },
      spec: {
        selector: { istio: "eastwestgateway" },
        servers: [
          {
            port: { number: 15443, name: "tls", protocol: "TLS" },
            tls: { mode: "AUTO_PASSTHROUGH" },
            hosts: ["*.local"],
          },
        ],
      },
    };
    const found = auditPrerequisites(prerequisites, build.compiled.objects, new Map([["cluster2", [sample]]]));
    expect(lines(found)).toEqual([
      "error cluster2 Gateway/istio-system/cross-network-gateway: servers[0] holds port 15443 on the same gateway pods with hosts *.local, which cover the wiring's *.default.svc.cluster.local",
    ]);
    expect(found[0].why).toMatch(/the passthrough may route names the GlobalNamespace never exported/);
    // On other pods, or another port, it is no conflict.
    const elsewhere = structuredClone(sample);
    elsewhere.spec.selector.istio = "ingressgateway";
    expect(auditPrerequisites(prerequisites, build.compiled.objects, new Map([["cluster2", [elsewhere]]]))).toEqual([]);
  });

  test("a dump of what runs: an east-west gateway is looked for, not an egress gateway", () => {
    const service = (name: string) => ({ apiVersion: "v1", kind: "Service", metadata: { name, namespace: GW } });
    const mesh = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "istio", namespace: "istio-system" },
      data: { mesh: 'defaultConfig:\n  proxyMetadata:\n    ISTIO_META_DNS_CAPTURE: "true"\n' },
    };
    const without = auditPrerequisites(prerequisites, build.compiled.objects, new Map([["cluster1", [mesh]]]));
    expect(lines(without)).toEqual([
      `warning cluster1 Service/${GW}/istio-eastwestgateway: no east-west gateway among the objects given (a Service istio-eastwestgateway, or pods labelled istio=eastwestgateway, in namespace ${GW})`,
    ]);
    const withIt = new Map([["cluster1", [mesh, service("istio-eastwestgateway")]]]);
    expect(auditPrerequisites(prerequisites, build.compiled.objects, withIt)).toEqual([]);
  });
});
