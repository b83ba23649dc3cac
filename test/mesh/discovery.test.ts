import { buildMesh, discoverServices, SpecError } from "../../sdk/src/mesh";
import { baseSpec } from "../helpers/fixtures";

const svc = (name: string, ports: any[], extra: { namespace?: string; type?: string } = {}) => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name, ...(extra.namespace && { namespace: extra.namespace }) },
  spec: { ...(extra.type && { type: extra.type }), ports },
});
const rules = [
  { cluster: "cluster1", namespace: "default" },
  { cluster: "cluster*", namespace: "shop-*" },
];
const http = (port: number, name = `http-${port}`) => ({ port, name, protocol: "TCP" });

test("only Services in namespaces a rule maps join; objects of other kinds are ignored", () => {
  const { services } = discoverServices(rules, [
    {
      cluster: "cluster1",
      source: "c1.yaml",
      objects: [
        svc("cart", [http(5000)]),
        svc("ledger", [http(7000)], { namespace: "finance" }),
        svc("basket", [http(5001)], { namespace: "shop-eu" }),
        { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "cart" } },
      ],
    },
    { cluster: "cluster2", source: "c2.yaml", objects: [svc("catalog", [http(8082)])] }, // default is not mapped in cluster2
  ]);
  expect(services.map((s) => `${s.namespace}/${s.name}@${s.clusters.join(",")}`)).toEqual([
    "shop-eu/basket@cluster1",
    "default/cart@cluster1",
  ]);
});

test("the same Service in the same namespace of two clusters is one global service running in both", () => {
  const objects = [svc("reviews", [http(9080, "http")], { namespace: "shop-books" })];
  const { services } = discoverServices(rules, [
    { cluster: "cluster2", source: "c2.yaml", objects },
    { cluster: "cluster3", source: "c3.yaml", objects },
  ]);
  expect(services).toEqual([
    {
      name: "reviews",
      namespace: "shop-books",
      clusters: ["cluster2", "cluster3"],
      ports: [{ number: 9080, name: "http", protocol: "HTTP" }],
      origin: "cluster2: c2.yaml Service shop-books/reviews",
    },
  ]);
});

test("Istio's protocol comes from appProtocol, then the port name, else TCP; UDP ports are dropped", () => {
  const { services, skipped } = discoverServices(rules, [
    {
      cluster: "cluster1",
      source: "c1.yaml",
      objects: [
        svc("mixed", [
          { port: 53, name: "dns", protocol: "UDP" },
          { port: 8080, name: "web", appProtocol: "http2" },
          { port: 27017, name: "mongo-main" },
          { port: 9000, name: "metrics" },
        ]),
        svc("syslog", [{ port: 514, protocol: "UDP" }]),
        svc("external", [http(443)], { type: "ExternalName" }),
      ],
    },
  ]);
  expect(services.map((s) => s.ports)).toEqual([
    [
      { number: 8080, name: "web", protocol: "HTTP2" },
      { number: 9000, name: "metrics", protocol: "TCP" },
      { number: 27017, name: "mongo-main", protocol: "MONGO" },
    ],
  ]);
  expect(skipped).toEqual([
    { cluster: "cluster1", service: "default/syslog", reason: "only UDP port 514, which Istio does not carry" },
    { cluster: "cluster1", service: "default/external", reason: "type ExternalName has no workloads to route to" },
  ]);
});

test("a Service whose name is not a Service name is an error naming where it was found", () => {
  let error: unknown;
  try {
    discoverServices(rules, [
      { cluster: "cluster1", source: "c1.yaml", objects: [svc("9catalog", [http(8082)]), svc("cart", [http(5000)])] },
    ]);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(SpecError);
  expect((error as SpecError).issues).toEqual([
    {
      path: "cluster1: c1.yaml Service default/9catalog",
      message:
        '"9catalog" is not a Service name (DNS-1035 label); use at most 63 lowercase letters, digits and \'-\', starting with a letter and ending with a letter or digit, e.g. "catalog"',
    },
  ]);
});

test("one global name in two namespaces is an error naming both places", () => {
  expect(() =>
    discoverServices(rules, [
      { cluster: "cluster1", source: "c1.yaml", objects: [svc("catalog", [http(8082)])] },
      { cluster: "cluster2", source: "c2.yaml", objects: [svc("catalog", [http(8082)], { namespace: "shop-x" })] },
    ]),
  ).toThrow(
    /cluster2: c2.yaml Service shop-x\/catalog: a global name maps to one namespace, but "catalog" is also in namespace default \(cluster1: c1.yaml Service default\/catalog\)/,
  );
});

test("different ports for the same service in two clusters is an error", () => {
  const objects = (port: number) => [svc("reviews", [http(port)], { namespace: "shop-a" })];
  expect(() =>
    discoverServices(rules, [
      { cluster: "cluster1", source: "c1.yaml", objects: objects(9080) },
      { cluster: "cluster2", source: "c2.yaml", objects: objects(9090) },
    ]),
  ).toThrow(SpecError);
});

test("a listed service and a discovered one merge: clusters are united, the listed pin is kept", () => {
  const spec = baseSpec();
  spec.services = [{ name: "catalog", namespace: "default", clusters: ["cluster2"], address: "242.1.2.3" }];
  const { model } = buildMesh(spec, [
    { cluster: "cluster1", source: "c1.yaml", objects: [svc("catalog", [http(8082, "http-catalog")])] },
  ]);
  expect(model.services).toEqual([
    expect.objectContaining({
      name: "catalog",
      clusters: ["cluster1", "cluster2"],
      address: "242.1.2.3",
      pinned: true,
      ports: [{ number: 8082, name: "http-catalog", protocol: "HTTP" }],
    }),
  ]);
});

test("a listed namespace that disagrees with the manifests is an error", () => {
  const spec = baseSpec();
  spec.members.push({ cluster: "cluster1", namespace: "shop" });
  spec.services = [{ name: "catalog", namespace: "shop", clusters: ["cluster1"], ports: [{ number: 1 }] }];
  expect(() =>
    buildMesh(spec, [{ cluster: "cluster2", source: "c2.yaml", objects: [svc("catalog", [http(8082)])] }]),
  ).toThrow(/services\[0\]\.namespace: is shop, but the manifests have Service catalog in namespace default/);
});

test("appProtocol wins over the port name, as in Kubernetes and Istio (no contradiction reported)", () => {
  const spec = baseSpec();
  spec.services = [];
  const { model } = buildMesh(spec, [
    {
      cluster: "cluster1",
      source: "c1.yaml",
      objects: [svc("api", [{ port: 7000, name: "grpc-api", appProtocol: "http" }])],
    },
  ]);
  expect(model.services[0].ports).toEqual([{ number: 7000, name: "grpc-api", protocol: "HTTP" }]);
});
