import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  buildMesh,
  ClusterManifests,
  isDnsLabel,
  MeshBuild,
  MeshMode,
  MeshObject,
  parseManifests,
  passthroughGatewayName,
} from "../../sdk/src/mesh";
import { ACME_DIR, acmeManifests, baseSpec, readSpecFile, ROOT } from "../helpers/fixtures";
import { istioSchemaProblems, webhookProblems } from "../helpers/istioSchema";
import { find, meshDestination, sniFor } from "../helpers/wiring";

/**
 * East-west mode's objects for the two reference meshes. What Istio does with them was read in pilot's source
 * (1.29.6) and is cited next to each check: AUTO_PASSTHROUGH routes the SNI `outbound_.<port>_._.<fqdn>`
 * (model.BuildDNSSrvSubsetKey, networking/core/gateway.go builtAutoPassthroughFilterChains); endpoints are ranked by
 * locality alone (networking/util/util.go LbPriority), since istiod ignores `failoverPriority` on a DNS ServiceEntry
 * (cluster_traffic_policy.go) and overwrites `topology.istio.io/cluster` on ServiceEntry endpoints
 * (serviceentry/conversion.go AugmentLabels); a DestinationRule's `subjectAltNames` replace the identities istiod
 * would derive (networking/core/cluster_tls.go buildUpstreamTLSSettings).
 */

/** acme-fitness as in examples/, in east-west mode; `ingress` is each cluster's east-west gateway (default port). */
function acme(mode: MeshMode = MeshMode.EAST_WEST, edit: (spec: any) => void = () => {}): MeshBuild {
  const spec: any = readSpecFile(join(ACME_DIR, "gns.yaml"));
  if (mode === MeshMode.EAST_WEST) {
    spec.mode = mode;
    for (const c of spec.clusters) delete c.ingress.port;
  }
  edit(spec);
  return buildMesh(spec, acmeManifests());
}

/** Istio's bookinfo sample split over three clusters as examples/bookinfo says: reviews in cluster2 and cluster3. */
const BOOKINFO_APPS: Record<string, string[]> = {
  cluster1: ["productpage"],
  cluster2: ["details", "ratings", "reviews"],
  cluster3: ["reviews"],
};

function bookinfoManifests(): ClusterManifests[] {
  const source = join(__dirname, "fixtures", "bookinfo.yaml");
  const all = parseManifests(readFileSync(source, "utf8"), source) as any[];
  const app = (o: any) => o.metadata?.labels?.app ?? o.metadata?.name?.replace(/^bookinfo-/, "");
  return Object.entries(BOOKINFO_APPS).map(([cluster, apps]) => ({
    cluster,
    source,
    defaultNamespace: "bookinfo",
    objects: all.filter((o) => apps.includes(app(o))),
  }));
}

/** examples/bookinfo in east-west mode, each cluster with a trust domain of its own, services found in the sample. */
function bookinfo(mode: MeshMode = MeshMode.EAST_WEST, edit: (spec: any) => void = () => {}): MeshBuild {
  const spec: any = readSpecFile(join(ROOT, "examples", "bookinfo", "gns.yaml"));
  spec.mode = mode;
  for (const c of spec.clusters) c.trustDomain = `${c.name}.bookinfo.internal`;
  edit(spec);
  return buildMesh(spec, bookinfoManifests());
}

const all = (b: MeshBuild) => [...b.compiled.objects.values()].flat();
const objects = (b: MeshBuild, cluster: string) => b.compiled.objects.get(cluster)!;
const ofService = (list: MeshObject[], service: string) =>
  list.filter((o) => o.metadata.labels["globalmesh.io/service"] === service);
const shapes = (list: MeshObject[]) => list.map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`);

/** The spec's lists the other way round: nothing may depend on their order. */
function reversed(spec: any): void {
  for (const key of ["clusters", "members", "services"]) spec[key]?.reverse();
  for (const s of spec.services ?? []) s.clusters?.reverse();
}

describe.each([
  ["acme-fitness", (edit?: (spec: any) => void) => acme(MeshMode.EAST_WEST, edit)],
  ["bookinfo", (edit?: (spec: any) => void) => bookinfo(MeshMode.EAST_WEST, edit)],
])("%s in east-west mode", (_name, build) => {
  const b = build();

  test("every object validates against Istio's CRD schemas and istiod's webhook", () => {
    expect(all(b).length).toBeGreaterThan(0);
    expect(all(b).flatMap((o) => [...istioSchemaProblems(o), ...webhookProblems(o)])).toEqual([]);
  });

  test("hosts and virtual IPs are those of tunnel mode", () => {
    const tunnel = _name === "acme-fitness" ? acme(MeshMode.TUNNEL) : bookinfo(MeshMode.TUNNEL);
    const claims = (x: MeshBuild) => x.model.services.map((s) => [s.host, s.address]);
    expect(claims(b)).toEqual(claims(tunnel));
    for (const cluster of b.model.clusters.map((c) => c.name)) {
      const entries = (x: MeshBuild) =>
        find(objects(x, cluster), "ServiceEntry").map((se) => [se.spec.hosts, se.spec.addresses, se.spec.ports]);
      expect(entries(b)).toEqual(entries(tunnel));
    }
  });

  test("a client cluster holds at most two objects per remote service: a ServiceEntry and a DestinationRule", () => {
    let remote = 0;
    for (const cluster of b.model.clusters) {
      for (const s of b.model.services.filter((x) => !x.clusters.includes(cluster.name))) {
        remote++;
        const own = ofService(objects(b, cluster.name), s.name);
        expect(own.length).toBeLessThanOrEqual(2);
        expect(own.map((o) => o.kind).sort()).toEqual(["DestinationRule", "ServiceEntry"]);
      }
    }
    expect(remote).toBeGreaterThan(0);
  });

  test("mesh routes only where a service runs in that cluster alone, each to the local Service", () => {
    let routes = 0;
    for (const cluster of b.model.clusters)
      for (const vs of find(objects(b, cluster.name), "VirtualService")) {
        routes++;
        const s = b.model.services.find((x) => x.host === vs.spec.hosts[0])!;
        expect([vs.metadata.name, s.clusters]).toEqual([vs.metadata.name, [cluster.name]]);
        const destinations = [...(vs.spec.http ?? []), ...(vs.spec.tcp ?? []), ...(vs.spec.tls ?? [])].flatMap((r) =>
          r.route.map((d) => d.destination.host),
        );
        expect(new Set(destinations)).toEqual(new Set([`${s.name}.${s.namespace}.svc.cluster.local`]));
      }
    const alone = b.model.services.filter((s) => s.clusters.length === 1).length;
    expect(routes).toBe(alone);
  });

  test("no endpoint carries a network, and every endpoint names its cluster", () => {
    for (const se of find(all(b), "ServiceEntry"))
      for (const e of se.spec.endpoints) {
        expect(Object.keys(e)).not.toContain("network");
        expect(e.labels["topology.istio.io/cluster"]).toMatch(/^cluster\d$/);
      }
  });

  test("the output is deterministic and independent of the order of the spec's lists", () => {
    const again = build();
    expect(JSON.stringify([...again.compiled.objects])).toBe(JSON.stringify([...b.compiled.objects]));
    const turned = build(reversed);
    const byCluster = (x: MeshBuild) => JSON.stringify([...x.compiled.objects].sort(([a], [c]) => a.localeCompare(c)));
    expect(byCluster(turned)).toBe(byCluster(b));
  });
});

describe("acme-fitness: shopping in cluster1 calls catalog in cluster2", () => {
  const b = acme();
  const catalog = b.model.services.find((s) => s.name === "catalog")!;

  test("each cluster's east-west gateway is reached on 15443 unless the spec says otherwise, which a warning names", () => {
    expect(b.model.mode).toBe("east-west");
    expect(b.model.clusters.map((c) => c.ingress?.port)).toEqual([15443, 15443]);
    expect(b.warnings).toBeUndefined();
    // acme's tunnel spec pins its ingress gateway's 443: kept in east-west mode, it is most likely a leftover.
    const pinned = acme(MeshMode.EAST_WEST, (s) => (s.clusters[1].ingress.port = 443));
    const [se] = find(objects(pinned, "cluster1"), "ServiceEntry", (o) => o.spec.hosts[0] === catalog.host);
    expect(se.spec.endpoints[0].ports).toEqual({ "http-catalog": 443 });
    expect(pinned.warnings).toEqual([
      expect.stringMatching(
        /^clusters\[1\]\.ingress\.port: is 443, .*passthrough server, which listens on 15443.*drop port/,
      ),
    ]);
    expect(acme(MeshMode.EAST_WEST, (s) => (s.clusters[1].ingress.port = 15443)).warnings).toBeUndefined();
    // Tunnel mode's port is the ingress gateway's: nothing to say.
    expect(acme(MeshMode.TUNNEL).warnings).toBeUndefined();
  });

  test("cluster1's ServiceEntry points at cluster2's east-west gateway, all ports on 15443, resolved by DNS (a name)", () => {
    const [se] = find(objects(b, "cluster1"), "ServiceEntry", (o) => o.spec.hosts[0] === catalog.host);
    expect(se.spec).toMatchObject({ addresses: [catalog.address], location: "MESH_INTERNAL", resolution: "DNS" });
    expect(se.spec.exportTo).toEqual(["default"]);
    expect(se.spec.endpoints).toEqual([
      {
        address: "a1b2c3d4e5f6.elb.us-east-2.amazonaws.com",
        ports: { "http-catalog": 15443 },
        locality: "us-east-2",
        labels: { "topology.istio.io/cluster": "cluster2" },
      },
    ]);
  });

  test("cluster1's DestinationRule sends the real Service's outbound SNI and checks the catalog pods' identity", () => {
    const [dr] = find(objects(b, "cluster1"), "DestinationRule", (o) => o.spec.host === catalog.host);
    expect(dr.spec.exportTo).toEqual(["default"]);
    expect(Object.keys(dr.spec.trafficPolicy!)).toEqual(["portLevelSettings"]);
    const [port] = dr.spec.trafficPolicy!.portLevelSettings;
    expect(port.port).toEqual({ number: 8082 });
    expect(port.tls).toEqual({
      mode: "ISTIO_MUTUAL",
      sni: "outbound_.8082_._.catalog.default.svc.cluster.local",
      // catalog's Deployment names no service account: its pods run as `default` (discovered, not assumed).
      subjectAltNames: ["spiffe://cluster.local/ns/default/sa/default"],
    });
    // Nearest first by locality alone: istiod ignores failoverPriority on a DNS ServiceEntry and relabels every
    // ServiceEntry endpoint with its own cluster (pilot cluster_traffic_policy.go, serviceentry/conversion.go).
    expect(port.loadBalancer).toEqual({ localityLbSetting: { enabled: true } });
    expect(port.outlierDetection?.maxEjectionPercent).toBe(100);
  });

  test("cluster2 opens its east-west gateway to the Services of its namespace only, on one passthrough server", () => {
    const gateways = find(objects(b, "cluster2"), "Gateway");
    expect(gateways).toHaveLength(1);
    expect(gateways[0].metadata).toMatchObject({ name: "gns-acme-fitness-passthrough", namespace: "istio-gateways" });
    expect(gateways[0].spec).toEqual({
      selector: { istio: "eastwestgateway" },
      servers: [
        {
          port: { number: 15443, name: "tls-passthrough", protocol: "TLS" },
          hosts: ["*.default.svc.cluster.local"],
          tls: { mode: "AUTO_PASSTHROUGH" },
        },
      ],
    });
  });

  test("cluster2, catalog's only owner, routes it to the local Service per request, as tunnel mode, with no DestinationRule", () => {
    const list = ofService(objects(b, "cluster2"), "catalog");
    expect(shapes(list)).toEqual([
      "ServiceEntry istio-gateways/gns.acme-fitness.catalog",
      "VirtualService istio-gateways/gns.acme-fitness.catalog",
      "AuthorizationPolicy default/gns.acme-fitness.catalog",
    ]);
    // The route's destination is the Kubernetes Service (EDS: each request to a pod), not the entry's DNS endpoint.
    const [vs] = find(list, "VirtualService");
    expect(vs.spec).toEqual({
      hosts: [catalog.host],
      exportTo: ["default"],
      http: [
        {
          match: [{ port: 8082 }],
          route: [{ destination: { host: "catalog.default.svc.cluster.local", port: { number: 8082 } } }],
        },
      ],
    });
    // The same route tunnel mode writes there.
    const [tunnelRoute] = find(
      objects(acme(MeshMode.TUNNEL), "cluster2"),
      "VirtualService",
      (o) => o.metadata.name === vs.metadata.name,
    );
    expect(vs.spec).toEqual(tunnelRoute.spec);
    const [se] = find(list, "ServiceEntry");
    expect(se.spec.endpoints).toEqual([
      {
        address: "catalog.default.svc.cluster.local",
        ports: { "http-catalog": 8082 },
        locality: "us-east-2",
        labels: { "topology.istio.io/cluster": "cluster2", "security.istio.io/tlsMode": "istio" },
      },
    ]);
  });

  test("catalog's pods admit every member namespace by identity and cluster2's own ingress gateway, nothing else", () => {
    const [allow] = find(objects(b, "cluster2"), "AuthorizationPolicy", (o) => o.metadata.name.endsWith(".catalog"));
    expect(allow.spec).toEqual({
      selector: { matchLabels: catalog.selector },
      action: "ALLOW",
      rules: [
        { from: [{ source: { principals: ["cluster.local/ns/default/sa/*"] } }] },
        { from: [{ source: { principals: ["cluster.local/ns/istio-gateways/sa/istio-ingressgateway-cluster2"] } }] },
      ],
    });
  });
});

describe("bookinfo over three clusters, reviews in cluster2 and cluster3", () => {
  const b = bookinfo();
  const REVIEWS = "reviews.bookinfo.example.com";
  const reviewsIdentities = [
    "spiffe://cluster2.bookinfo.internal/ns/bookinfo/sa/bookinfo-reviews",
    "spiffe://cluster3.bookinfo.internal/ns/bookinfo/sa/bookinfo-reviews",
  ];

  test("cluster1 reaches both owners' east-west gateways, its own cluster never listed", () => {
    const [se] = find(objects(b, "cluster1"), "ServiceEntry", (o) => o.spec.hosts[0] === REVIEWS);
    expect(se.spec.resolution).toBe("DNS");
    expect(se.spec.endpoints).toEqual([
      {
        address: "198.51.100.22",
        ports: { http: 15443 },
        locality: "europe-west1/europe-west1-c",
        labels: { "topology.istio.io/cluster": "cluster2" },
      },
      {
        address: "ingress.cluster3.example.net",
        ports: { http: 15443 },
        locality: "us-central1/us-central1-a",
        labels: { "topology.istio.io/cluster": "cluster3" },
      },
    ]);
    const [dr] = find(objects(b, "cluster1"), "DestinationRule", (o) => o.spec.host === REVIEWS);
    expect(dr.spec.trafficPolicy!.portLevelSettings[0].tls).toEqual({
      mode: "ISTIO_MUTUAL",
      sni: "outbound_.9080_._.reviews.bookinfo.svc.cluster.local",
      subjectAltNames: reviewsIdentities,
    });
  });

  test("an owner lists its own Service, labelled with its cluster, and the other owner's gateway", () => {
    for (const [self, other] of [
      ["cluster2", "cluster3"],
      ["cluster3", "cluster2"],
    ]) {
      const [se] = find(objects(b, self), "ServiceEntry", (o) => o.spec.hosts[0] === REVIEWS);
      const cluster = (name: string) => b.model.clusters.find((c) => c.name === name)!;
      // Each with its cluster's locality: the callers here rank their own Service first (the localities differ).
      expect(se.spec.endpoints.map((e) => [e.address, e.labels["topology.istio.io/cluster"], e.locality])).toEqual([
        ["reviews.bookinfo.svc.cluster.local", self, cluster(self).locality],
        [cluster(other).ingress!.address, other, cluster(other).locality],
      ]);
      expect(cluster(self).locality).not.toBe(cluster(other).locality);
      const [dr] = find(objects(b, self), "DestinationRule", (o) => o.spec.host === REVIEWS);
      expect(dr.spec.trafficPolicy!.portLevelSettings[0].tls.subjectAltNames).toEqual(reviewsIdentities);
    }
  });

  test("a ServiceEntry whose endpoints are all IP addresses is STATIC (EDS: no DNS lookups in the caller's Envoy)", () => {
    const [se] = find(
      objects(b, "cluster1"),
      "ServiceEntry",
      (o) => o.spec.hosts[0] === "details.bookinfo.example.com",
    );
    expect(se.spec.resolution).toBe("STATIC");
    expect(se.spec.endpoints.map((e) => e.address)).toEqual(["198.51.100.22"]);
  });

  test("each serving cluster opens its passthrough server to the bookinfo Services", () => {
    for (const cluster of ["cluster1", "cluster2", "cluster3"]) {
      const gateways = find(objects(b, cluster), "Gateway");
      expect(gateways.map((g) => g.spec.servers.map((s) => [s.hosts, s.tls.mode]))).toEqual([
        [[["*.bookinfo.svc.cluster.local"], "AUTO_PASSTHROUGH"]],
      ]);
    }
  });

  test("pods admit callers by their cluster's trust domain: each member cluster's namespace, each once", () => {
    const [allow] = find(objects(b, "cluster3"), "AuthorizationPolicy", (o) => o.metadata.name.endsWith(".reviews"));
    expect(allow.metadata.namespace).toBe("bookinfo");
    expect(allow.spec.rules).toEqual([
      {
        from: [
          {
            source: {
              principals: [
                "cluster1.bookinfo.internal/ns/bookinfo/sa/*",
                "cluster2.bookinfo.internal/ns/bookinfo/sa/*",
                "cluster3.bookinfo.internal/ns/bookinfo/sa/*",
              ],
            },
          },
        ],
      },
      // cluster3's own ingress gateway (north-south), not cluster2's, though reviews runs there too.
      {
        from: [
          { source: { principals: ["cluster3.bookinfo.internal/ns/istio-gateways/sa/istio-ingressgateway-cluster3"] } },
        ],
      },
    ]);
  });

  test("object counts per cluster: a third of tunnel mode's for a client cluster", () => {
    const count = (x: MeshBuild) => Object.fromEntries([...x.compiled.objects].map(([c, l]) => [c, l.length]));
    // Each: 4 ServiceEntries, a DestinationRule per service with an endpoint elsewhere, an ALLOW per service it runs,
    // a VirtualService per service it alone runs, the passthrough Gateway and the PeerAuthentication. cluster1: 3 DRs
    // (details, ratings, reviews), productpage (ALLOW, route); cluster2: 2 DRs (productpage, reviews in cluster3),
    // details, ratings (ALLOW, route each), reviews (ALLOW); cluster3: 4 DRs, reviews (ALLOW).
    expect(count(b)).toEqual({
      cluster1: 4 + 3 + 1 + 1 + 2,
      cluster2: 4 + 2 + 3 + 2 + 2,
      cluster3: 4 + 4 + 1 + 0 + 2,
    });
    const tunnel = bookinfo(MeshMode.TUNNEL);
    const clientObjects = (x: MeshBuild) => ofService(objects(x, "cluster1"), "details").length;
    expect(clientObjects(b)).toBe(2);
    expect(clientObjects(tunnel)).toBeGreaterThanOrEqual(6);
  });
});

describe("owners whose localities do not rank the local instance first", () => {
  test("distinct regions say nothing; one region, or none, is said once per pair of clusters, naming the field and why", () => {
    expect(bookinfo().warnings).toBeUndefined();
    const same = bookinfo(MeshMode.EAST_WEST, (spec) => (spec.clusters[2].locality = spec.clusters[1].locality));
    expect(same.warnings).toEqual([
      expect.stringMatching(
        /^clusters\[2\]\.locality: cluster2 and cluster3 both run reviews, and both are in region europe-west1 \(europe-west1\/europe-west1-c\): .*run each service in one of them only, or use tunnel mode$/,
      ),
    ]);
    const none = bookinfo(MeshMode.EAST_WEST, (spec) => delete spec.clusters[2].locality);
    expect(none.warnings).toEqual([
      expect.stringMatching(
        /^clusters\[2\]\.locality: cluster2 and cluster3 both run reviews, and cluster3 has no locality: .*topology\.kubernetes\.io/,
      ),
    ]);
    // Tunnel mode keeps its own nearest-first (per connection, at the egress gateway): no warning there.
    expect(bookinfo(MeshMode.TUNNEL, (spec) => delete spec.clusters[2].locality).warnings).toBeUndefined();
  });

  test("same region, other zones: warned, as a caller in the other cluster's zone ranks that cluster first", () => {
    // LbPriority (pilot networking/util/util.go): same region and zone 0, same region 2, other region 3. A caller of
    // cluster2 whose node is in zone c ranks cluster3's entry (…-c) ahead of its own Service (…-b).
    const b = bookinfo(MeshMode.EAST_WEST, (spec) => {
      spec.clusters[1].locality = "europe-west1/europe-west1-b";
      spec.clusters[2].locality = "europe-west1/europe-west1-c";
    });
    expect(b.warnings).toEqual([
      expect.stringMatching(
        /^clusters\[2\]\.locality: cluster2 and cluster3 both run reviews, and both are in region europe-west1 \(europe-west1\/europe-west1-b, europe-west1\/europe-west1-c\)/,
      ),
    ]);
  });

  test("one warning per pair of clusters however many services they share, naming a few and counting the rest", () => {
    const b = bookinfo(MeshMode.EAST_WEST, (spec) => {
      delete spec.clusters[2].locality;
      spec.services.push(
        ...["a", "b", "c", "d"].map((n, i) => ({
          name: `extra-${n}`,
          namespace: "bookinfo",
          clusters: ["cluster2", "cluster3"],
          ports: [{ number: 9080 }],
          selector: { app: `extra-${n}` },
          address: `240.0.0.${10 + i}`,
        })),
      );
    });
    expect(b.warnings).toEqual([
      expect.stringMatching(
        /^clusters\[2\]\.locality: cluster2 and cluster3 both run extra-a, extra-b, extra-c and 2 more, and cluster3 has no locality/,
      ),
    ]);
  });
});

describe("when the destination pods' service accounts are unknown", () => {
  test("the DestinationRule names none (Istio then accepts any mesh identity there; the pods' policy checks callers)", () => {
    const b = acme(MeshMode.EAST_WEST, (spec) => {
      spec.services = [
        {
          name: "catalog",
          namespace: "default",
          clusters: ["cluster2"],
          ports: [{ number: 8082, name: "http-catalog" }],
          selector: { app: "catalog-v2" },
        },
      ];
    });
    const [dr] = find(objects(b, "cluster1"), "DestinationRule", (o) => o.spec.host === "catalog.acme.example.com");
    expect(dr.spec.trafficPolicy!.portLevelSettings[0].tls).toEqual({
      mode: "ISTIO_MUTUAL",
      sni: "outbound_.8082_._.catalog.default.svc.cluster.local",
    });
  });
});

describe("access policies in east-west mode: at the destination pods, keyed on the real caller", () => {
  /** catalog (cluster2) and shopping (cluster1), each cluster with its own trust domain. */
  function build(policies: object[], edit: (spec: any) => void = () => {}): MeshBuild {
    const spec = baseSpec();
    spec.mode = "east-west";
    spec.clusters[0].trustDomain = "c1.acme.internal";
    spec.clusters[1].trustDomain = "c2.acme.internal";
    spec.members.push({ cluster: "cluster1", namespace: "shop" });
    spec.clusters[0].namespaces = ["shop"];
    spec.services[0].selector = { app: "catalog" };
    spec.services[1].selector = { app: "shopping" };
    spec.policies = policies;
    edit(spec);
    return buildMesh(spec);
  }
  const podPolicies = (b: MeshBuild, cluster: string, service: string) =>
    find(objects(b, cluster), "AuthorizationPolicy", (o) => o.metadata.labels["globalmesh.io/service"] === service);

  test("a restricted service admits exactly its grants, a namespace as every account of it in its cluster", () => {
    const b = build([
      {
        name: "shop-reads-catalog",
        action: "ALLOW",
        from: [{ namespace: "shop", cluster: "cluster1" }],
        to: [{ service: "catalog", ports: [8082], methods: ["GET"], paths: ["/products*"] }],
      },
      {
        name: "web-writes",
        action: "ALLOW",
        from: [{ namespace: "default", serviceAccounts: ["web"] }],
        to: [{ service: "catalog", methods: ["POST"] }],
      },
    ]);
    const [allow] = podPolicies(b, "cluster2", "catalog");
    expect(allow.metadata).toMatchObject({ name: "gns.acme-fitness.catalog", namespace: "default" });
    expect(allow.spec).toEqual({
      selector: { matchLabels: { app: "catalog" } },
      action: "ALLOW",
      rules: [
        {
          from: [{ source: { principals: ["c1.acme.internal/ns/shop/sa/*"] } }],
          to: [{ operation: { ports: ["8082"], methods: ["GET"], paths: ["/products*"] } }],
        },
        {
          from: [{ source: { principals: ["c1.acme.internal/ns/default/sa/web"] } }],
          to: [{ operation: { methods: ["POST"] } }],
        },
        {
          from: [{ source: { principals: ["c2.acme.internal/ns/default/sa/web"] } }],
          to: [{ operation: { methods: ["POST"] } }],
        },
      ],
    });
    // Still two objects per remote service in the client cluster: the policy lives with the pods.
    expect(ofService(objects(b, "cluster1"), "catalog").map((o) => o.kind)).toEqual([
      "ServiceEntry",
      "DestinationRule",
    ]);
    // shopping is not restricted: every member namespace of every cluster, by identity, and cluster1's own ingress.
    expect(podPolicies(b, "cluster1", "shopping")[0].spec.rules).toEqual([
      {
        from: [
          {
            source: {
              principals: [
                "c1.acme.internal/ns/default/sa/*",
                "c1.acme.internal/ns/shop/sa/*",
                "c2.acme.internal/ns/default/sa/*",
              ],
            },
          },
        ],
      },
      { from: [{ source: { principals: ["c1.acme.internal/ns/istio-gateways/sa/istio-ingressgateway-cluster1"] } }] },
    ]);
  });

  test("DENY policies become a DENY policy on the pods, for callers in any cluster, HTTP rules included", () => {
    const b = build([
      {
        name: "no-deletes-from-shop",
        action: "DENY",
        from: [{ namespace: "shop" }],
        to: [{ service: "catalog", methods: ["DELETE"] }],
      },
    ]);
    const policies = podPolicies(b, "cluster2", "catalog");
    expect(policies.map((p) => [p.metadata.name, p.spec.action])).toEqual([
      ["gns.acme-fitness.catalog", "ALLOW"],
      ["gns.acme-fitness.catalog.deny", "DENY"],
    ]);
    expect(policies[1].spec.rules).toEqual([
      {
        from: [{ source: { principals: ["c1.acme.internal/ns/shop/sa/*"] } }],
        to: [{ operation: { methods: ["DELETE"] } }],
      },
    ]);
  });

  test("defaultDeny with no grant: the pods admit nothing (an ALLOW policy without rules)", () => {
    const b = build([], (s) => (s.defaultDeny = true));
    expect(podPolicies(b, "cluster2", "catalog").map((p) => [p.spec.action, p.spec.rules])).toEqual([["ALLOW", []]]);
  });

  test("a Service port 80 → targetPort 8080: the SNI and the routes name 80, the pods' policy 8080", () => {
    const b = build(
      [
        {
          name: "shop-reads",
          action: "ALLOW",
          from: [{ namespace: "shop" }],
          to: [{ service: "catalog", ports: [80] }],
        },
      ],
      (spec) => {
        spec.services[0].ports = [{ number: 80, name: "http", targetPort: 8080 }];
        delete spec.clusters[1].ingress.port;
      },
    );
    const host = "catalog.acme.example.com";
    // The caller: Istio's outbound cluster of the Service port, which the remote passthrough maps to the pods' 8080.
    expect(sniFor(objects(b, "cluster1"), host, 80)).toBe("outbound_.80_._.catalog.default.svc.cluster.local");
    const [client] = find(objects(b, "cluster1"), "ServiceEntry", (o) => o.spec.hosts[0] === host);
    expect(client.spec.endpoints.map((e) => e.ports)).toEqual([{ http: 15443 }]);
    // The owner: its local Service on the Service port.
    const [local] = find(objects(b, "cluster2"), "ServiceEntry", (o) => o.spec.hosts[0] === host);
    expect(local.spec.endpoints.map((e) => e.ports)).toEqual([{ http: 80 }]);
    expect(meshDestination(objects(b, "cluster2"), host, 80)).toEqual({
      host: "catalog.default.svc.cluster.local",
      port: { number: 80 },
    });
    // The pods' policy: Istio matches the port the pod listens on.
    const [allow] = podPolicies(b, "cluster2", "catalog");
    expect(allow.spec.rules).toEqual([
      {
        from: [{ source: { principals: ["c1.acme.internal/ns/shop/sa/*"] } }],
        to: [{ operation: { ports: ["8080"] } }],
      },
    ]);
  });

  test("tunnel mode, said or left out, compiles the same objects", () => {
    const tunnel = (mode?: string) => {
      const spec = baseSpec();
      if (mode) spec.mode = mode;
      spec.services[0].selector = { app: "catalog" };
      spec.services[1].selector = { app: "shopping" };
      return JSON.stringify([...buildMesh(spec).compiled.objects]);
    };
    expect(tunnel("tunnel")).toBe(tunnel());
    expect(tunnel("east-west")).not.toBe(tunnel());
  });
});

test("the passthrough Gateway's name is a DNS label (istiod refuses dots), readable, distinct for long names", () => {
  expect(passthroughGatewayName("acme-fitness")).toBe("gns-acme-fitness-passthrough");
  const long = "a".repeat(60);
  const names = [long, `${long}b`, `${long}c`].map(passthroughGatewayName);
  for (const n of names) {
    expect(isDnsLabel(n)).toBe(true);
    expect(n).toMatch(/^gns-aaaa.*-passthrough-[0-9a-f]{6}$/);
  }
  expect(new Set(names).size).toBe(3);
});
