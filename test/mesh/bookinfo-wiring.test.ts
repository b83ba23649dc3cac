import { bookinfoBuild } from "../helpers/fixtures";
import { istioSchemaProblems } from "../helpers/istioSchema";
import { find, gatewayRoute, meshDestination, sniFor } from "../helpers/wiring";

/** bookinfo over three clusters: reviews runs in cluster2 and cluster3. */
const build = bookinfoBuild();
const objects = (c: string) => build.compiled.objects.get(c)!;
const REVIEWS = "reviews.bookinfo.example.com";

test("every emitted object validates against Istio's CRD schemas", () => {
  expect([...build.compiled.objects.values()].flat().flatMap(istioSchemaProblems)).toEqual([]);
});

test("the schema check is live: it rejects a broken object", () => {
  const [se] = find(objects("cluster1"), "ServiceEntry");
  const broken = {
    ...se,
    spec: { ...se.spec, resolution: "DNS_SOMETIMES", ports: [{ number: "9080", name: "http" }] },
  };
  expect(istioSchemaProblems(broken).length).toBeGreaterThanOrEqual(1);
});

test("callers in cluster1 reach reviews in both cluster2 and cluster3, nearest first, through their egress gateway", () => {
  const [se] = find(objects("cluster1"), "ServiceEntry", (o) => o.spec.hosts.includes(REVIEWS));
  expect(se.spec.endpoints).toEqual([
    {
      address: "198.51.100.22",
      ports: { http: 443 },
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
  // Inside the port's own entry: a port-level entry replaces the whole policy for its port (istio/istio#39444).
  const [dr] = find(objects("cluster1"), "DestinationRule", (o) => o.spec.host === REVIEWS);
  expect(Object.keys(dr.spec.trafficPolicy ?? {})).toEqual(["portLevelSettings"]);
  const [port] = dr.spec.trafficPolicy!.portLevelSettings;
  expect(port.loadBalancer?.localityLbSetting).toEqual({ enabled: true });
  expect(port.outlierDetection?.maxEjectionPercent).toBe(100);
  expect(port.connectionPool?.tcp?.tcpKeepalive).toBeDefined();
  const toEgress = meshDestination(objects("cluster1"), REVIEWS, 9080);
  expect(toEgress.host).toBe("istio-egressgateway.istio-gateways.svc.cluster.local");
});

test("a cluster's own ingress port is used on its gateway (cluster3 serves on 15443)", () => {
  const sni = sniFor(objects("cluster1"), REVIEWS, 9080)!;
  expect(gatewayRoute(objects("cluster3"), { istio: "ingressgateway" }, 15443, sni)).toEqual({
    host: "reviews.bookinfo.svc.cluster.local",
    port: { number: 9080 },
  });
  expect(gatewayRoute(objects("cluster2"), { istio: "ingressgateway" }, 443, sni)).toEqual({
    host: "reviews.bookinfo.svc.cluster.local",
    port: { number: 9080 },
  });
});

test("a cluster that runs reviews keeps its callers local, and reaches ratings (cluster2 only) remotely", () => {
  expect(meshDestination(objects("cluster3"), REVIEWS, 9080)).toEqual({
    host: "reviews.bookinfo.svc.cluster.local",
    port: { number: 9080 },
  });
  const [ratings] = find(objects("cluster3"), "ServiceEntry", (o) =>
    o.spec.hosts.includes("ratings.bookinfo.example.com"),
  );
  expect(ratings.spec.endpoints.map((e) => e.address)).toEqual(["198.51.100.22"]);
  // Only one owner: no locality/outlier policy to shuffle; keepalive still.
  const [dr] = find(objects("cluster3"), "DestinationRule", (o) => o.spec.host === "ratings.bookinfo.example.com");
  const [port] = dr.spec.trafficPolicy!.portLevelSettings;
  expect(Object.keys(port).sort()).toEqual(["connectionPool", "port", "tls"]);
});

test("object names are unique per cluster and kind, and come from (GlobalNamespace, service)", () => {
  for (const [, list] of build.compiled.objects) {
    const keys = list.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const o of list) {
      const service = o.metadata.labels["globalmesh.io/service"];
      // Namespace-wide objects (PeerAuthentication) belong to the GlobalNamespace, not to a service; Gateway names
      // are DNS labels (no dots).
      const stem = o.kind === "Gateway" ? `gns-bookinfo-${service}-` : `gns.bookinfo.${service}`;
      expect(o.metadata.name.startsWith(service ? stem : "gns.bookinfo.mtls")).toBe(true);
    }
  }
});
