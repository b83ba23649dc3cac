import { parseIpv4 } from "../../sdk/src/mesh";
import { acmeBuild } from "../helpers/fixtures";
import { istioSchemaProblems } from "../helpers/istioSchema";
import { find, gatewayRoute, meshDestination, sniFor } from "../helpers/wiring";

/** The reference scenario: catalog (and catalog-mongo) in cluster2, everything else in cluster1. */
const build = acmeBuild();
const cluster1 = build.compiled.objects.get("cluster1")!;
const cluster2 = build.compiled.objects.get("cluster2")!;
const CATALOG = "catalog.acme.example.com";
const CLUSTER2_INGRESS = "a1b2c3d4e5f6.elb.us-east-2.amazonaws.com"; // examples/acme-fitness/gns.yaml
const INGRESS = { istio: "ingressgateway" };
const EGRESS = { istio: "egressgateway" };

test("services are discovered from the example manifests, with the clusters that run them", () => {
  const where = Object.fromEntries(build.model.services.map((s) => [s.name, s.clusters.join(",")]));
  expect(where).toEqual({
    cart: "cluster1",
    "cart-redis": "cluster1",
    catalog: "cluster2",
    "catalog-mongo": "cluster2",
    order: "cluster1",
    "order-mongo": "cluster1",
    payment: "cluster1",
    shopping: "cluster1",
    users: "cluster1",
    "users-mongo": "cluster1",
  });
  const catalog = build.model.services.find((s) => s.name === "catalog")!;
  expect(catalog.ports).toEqual([{ number: 8082, name: "http-catalog", protocol: "HTTP", targetPort: 8082 }]);
  expect(catalog.selector).toEqual({ app: "catalog", service: "catalog" });
  expect(build.model.services.find((s) => s.name === "catalog-mongo")!.ports).toEqual([
    { number: 27017, name: "mongo-catalog", protocol: "MONGO", targetPort: 27017 },
  ]);
});

test("every emitted object validates against Istio's CRD schemas", () => {
  const problems = [...build.compiled.objects.values()].flat().flatMap(istioSchemaProblems);
  expect(problems).toEqual([]);
});

test("cluster1 has a ServiceEntry for catalog.acme.example.com:8082 with a class E virtual IP", () => {
  const [se] = find(cluster1, "ServiceEntry", (o) => o.spec.hosts.includes(CATALOG));
  expect(se.spec.ports).toEqual([{ number: 8082, name: "http-catalog", protocol: "HTTP" }]);
  expect(se.spec.location).toBe("MESH_INTERNAL");
  const [vip] = se.spec.addresses;
  const n = parseIpv4(vip)!;
  expect(n >>> 28).toBe(0b1111); // 240.0.0.0/4
  expect(vip.startsWith("240.240.")).toBe(false);
  expect(se.spec.endpoints).toEqual([
    {
      address: CLUSTER2_INGRESS,
      ports: { "http-catalog": 443 },
      locality: "us-east-2",
      labels: { "topology.istio.io/cluster": "cluster2" },
    },
  ]);
});

test("a request from shopping in cluster1 to catalog:8082 goes sidecar → egress gateway → cluster2's ingress with ISTIO_MUTUAL", () => {
  // 1. The sidecar routes the global host to the local egress gateway, with mTLS and the tunnel SNI.
  const toEgress = meshDestination(cluster1, CATALOG, 8082);
  expect(toEgress.host).toBe("istio-egressgateway.istio-gateways.svc.cluster.local");
  expect(toEgress.port).toEqual({ number: 443 });
  const sni = sniFor(cluster1, toEgress.host, 443, toEgress.subset);
  expect(sni).toBe(`8082.${CATALOG}`);
  // 2. The egress gateway admits that SNI (ISTIO_MUTUAL) and sends it on to the global host's real port.
  expect(gatewayRoute(cluster1, EGRESS, 443, sni!)).toEqual({ host: CATALOG, port: { number: 8082 } });
  // 3. The global host's endpoints are cluster2's ingress (port 443), reached with mTLS from the shared root.
  expect(sniFor(cluster1, CATALOG, 8082)).toBe(sni);
  // 4. cluster2's ingress admits the SNI and routes to the real service.
  expect(gatewayRoute(cluster2, INGRESS, 443, sni!)).toEqual({
    host: "catalog.default.svc.cluster.local",
    port: { number: 8082 },
  });
});

test("cluster2's ingress admits only the hosts of the services cluster2 exports", () => {
  const admitted = find(cluster2, "Gateway", (o) => o.spec.selector.istio === "ingressgateway")
    .flatMap((g) => g.spec.servers.flatMap((s) => s.hosts))
    .sort();
  const exported = build.model.services
    .filter((s) => s.clusters.includes("cluster2"))
    .flatMap((s) => s.ports.map((p) => `${p.number}.${s.host}`));
  expect(admitted).toEqual(exported.sort());
  expect(admitted).toEqual([`27017.catalog-mongo.acme.example.com`, `8082.${CATALOG}`]);
});

test("callers in the owning cluster resolve the global name to the same address and stay local", () => {
  const [remote] = find(cluster1, "ServiceEntry", (o) => o.spec.hosts.includes(CATALOG));
  const [local] = find(cluster2, "ServiceEntry", (o) => o.spec.hosts.includes(CATALOG));
  expect(local.spec.addresses).toEqual(remote.spec.addresses);
  expect(meshDestination(cluster2, CATALOG, 8082)).toEqual({
    host: "catalog.default.svc.cluster.local",
    port: { number: 8082 },
  });
});

test("HTTP-family ports keep the caller's HTTP version to the egress gateway; TCP ports need no such setting", () => {
  const subsetPolicy = (host: string, port: number) => {
    const dest = meshDestination(cluster1, host, port);
    const subsets = find(cluster1, "DestinationRule", (o) => o.spec.host === dest.host).flatMap(
      (dr) => dr.spec.subsets ?? [],
    );
    const subset = subsets.find((x) => x.name === dest.subset);
    if (!subset) throw new Error(`no subset ${dest.subset} on ${dest.host}`);
    return subset.trafficPolicy.portLevelSettings[0];
  };
  expect(subsetPolicy(CATALOG, 8082).connectionPool).toEqual({ http: { useClientProtocol: true } });
  expect(subsetPolicy("catalog-mongo.acme.example.com", 27017).connectionPool).toBeUndefined();
});

test("TCP services (Mongo) cross with TCP routes, not HTTP", () => {
  const vs = find(
    cluster1,
    "VirtualService",
    (o) => o.spec.hosts.includes("catalog-mongo.acme.example.com") && !o.spec.gateways,
  );
  expect(Object.keys(vs[0].spec).filter((k) => ["http", "tcp", "tls"].includes(k))).toEqual(["tcp"]);
  const dest = meshDestination(cluster1, "catalog-mongo.acme.example.com", 27017);
  expect(sniFor(cluster1, dest.host, 443, dest.subset)).toBe("27017.catalog-mongo.acme.example.com");
});

test("each cluster gets the client set for every service it does not run and the serving set for those it runs", () => {
  for (const [cluster, objects] of build.compiled.objects) {
    for (const s of build.model.services) {
      const mine = objects
        .filter((o) => o.metadata.labels["globalmesh.io/service"] === s.name)
        .map((o) => o.kind)
        .sort();
      const expected = s.clusters.includes(cluster)
        ? // local resolution + ingress (the other cluster calls it): Gateway, route, last-hop rule, tunnel policy
          ["AuthorizationPolicy", "DestinationRule", "Gateway", "ServiceEntry", "VirtualService", "VirtualService"]
        : [
            "AuthorizationPolicy",
            "DestinationRule",
            "DestinationRule",
            "Gateway",
            "ServiceEntry",
            "VirtualService",
            "VirtualService",
          ];
      expect({ cluster, service: s.name, kinds: mine }).toEqual({ cluster, service: s.name, kinds: expected.sort() });
    }
  }
});
