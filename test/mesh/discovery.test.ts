import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../sdk/src/cli/main";
import { buildMesh, discoverServices, EXPORT_LABEL, SpecError } from "../../sdk/src/mesh";
import { baseSpec, ROOT } from "../helpers/fixtures";

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
      serviceAccounts: { cluster2: [], cluster3: [] },
      origin: "cluster2: c2.yaml Service shop-books/reviews",
    },
  ]);
});

test("Istio's protocol comes from appProtocol, then the port name, else TCP; UDP ports are dropped, and said", () => {
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
    {
      cluster: "cluster1",
      service: "default/mixed",
      port: 53,
      reason: "UDP port 53 is not carried by Istio (it proxies TCP only); the service joins with its other ports",
    },
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
      ports: [{ number: 8082, name: "http-catalog", protocol: "HTTP", targetPort: 8082 }],
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
  expect(model.services[0].ports).toEqual([{ number: 7000, name: "grpc-api", protocol: "HTTP", targetPort: 7000 }]);
});

describe("what is never exported", () => {
  const everything = [{ cluster: "cluster*", namespace: "*", excludeServices: ["vault"] }];
  const labelled = (name: string, labels: Record<string, string>, namespace?: string) => {
    const s: any = svc(name, [http(8080)], { namespace });
    s.metadata.labels = labels;
    return s;
  };

  test("the API server's Service, system namespaces in any case, the export label and excludeServices", () => {
    const { services, skipped } = discoverServices(everything, [
      {
        cluster: "cluster1",
        source: "c1.yaml",
        objects: [
          svc("kubernetes", [{ port: 443, name: "https" }]),
          svc("kube-dns", [{ port: 53, name: "dns-tcp" }], { namespace: "kube-system" }),
          svc("istiod", [http(15010)], { namespace: "Istio-System" }),
          svc("istio-ingressgateway", [http(443)], { namespace: "istio-gateways" }),
          labelled("argocd-server", { [EXPORT_LABEL]: "false" }, "argocd"),
          labelled("cart", { [EXPORT_LABEL]: "true" }),
          svc("vault", [http(8200)], { namespace: "vault" }),
          svc("kubernetes", [http(8080)], { namespace: "shop" }), // only default/kubernetes is the API server's
        ],
      },
    ]);
    expect(services.map((s) => `${s.namespace}/${s.name}`)).toEqual(["default/cart", "shop/kubernetes"]);
    expect(skipped).toEqual([
      {
        cluster: "cluster1",
        service: "default/kubernetes",
        reason: "the Kubernetes API server's Service is never exported",
      },
      {
        cluster: "cluster1",
        service: "kube-system/kube-dns",
        reason: "namespace kube-system is a system namespace, and those never join a GlobalNamespace",
      },
      {
        cluster: "cluster1",
        service: "Istio-System/istiod",
        reason: "namespace Istio-System is a system namespace, and those never join a GlobalNamespace",
      },
      {
        cluster: "cluster1",
        service: "istio-gateways/istio-ingressgateway",
        reason: "namespace istio-gateways is a system namespace, and those never join a GlobalNamespace",
      },
      { cluster: "cluster1", service: "argocd/argocd-server", reason: `labelled ${EXPORT_LABEL}: "false"` },
      { cluster: "cluster1", service: "vault/vault", reason: "a member rule excludes it (excludeServices)" },
    ]);
  });

  test("excludeServices applies where its rule matches only", () => {
    const rules2 = [
      { cluster: "cluster1", namespace: "shop", excludeServices: ["cache"] },
      { cluster: "cluster2", namespace: "shop" },
    ];
    const objects = [svc("cache", [http(6379, "tcp-cache")], { namespace: "shop" })];
    const { services, skipped } = discoverServices(rules2, [
      { cluster: "cluster1", source: "c1.yaml", objects },
      { cluster: "cluster2", source: "c2.yaml", objects },
    ]);
    expect(services.map((s) => `${s.name}@${s.clusters.join(",")}`)).toEqual(["cache@cluster2"]);
    expect(skipped.map((s) => s.cluster)).toEqual(["cluster1"]);
  });

  test("an excluded Service is not checked: its ports may be anything", () => {
    const bad: any = svc("legacy", [{ port: 0 }]);
    bad.metadata.labels = { [EXPORT_LABEL]: "false" };
    expect(discoverServices(rules, [{ cluster: "cluster1", source: "c1.yaml", objects: [bad] }]).services).toEqual([]);
  });
});

describe("discovered ports are checked like the spec's", () => {
  function issuesOf(ports: any[]): { path: string; message: string }[] {
    try {
      discoverServices(rules, [{ cluster: "cluster1", source: "c1.yaml", objects: [svc("catalog", ports)] }]);
    } catch (e) {
      if (e instanceof SpecError) return e.issues;
      throw e;
    }
    return [];
  }
  const at = "cluster1: c1.yaml Service default/catalog ports[0]";

  test.each<[string, any, string, string]>([
    ["port 0", { port: 0 }, `${at}.port`, "0 is not a port number from 1 to 65535; use e.g. 8080"],
    ["port 70000", { port: 70000 }, `${at}.port`, "70000 is not a port number from 1 to 65535; use e.g. 8080"],
    ["a port in quotes", { port: "80" }, `${at}.port`, '"80" is not a port number from 1 to 65535; use e.g. 8080'],
    ["a fractional port", { port: 80.5 }, `${at}.port`, "80.5 is not a port number from 1 to 65535; use e.g. 8080"],
    ["no port", { name: "http" }, `${at}.port`, "is required; give a port number from 1 to 65535, e.g. 8080"],
    [
      "a name that is not a DNS label",
      { port: 80, name: "HTTP_Web" },
      `${at}.name`,
      `"HTTP_Web" is not a DNS-1123 label; use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit, e.g. "http"`,
    ],
    [
      "targetPort 0",
      { port: 80, targetPort: 0 },
      `${at}.targetPort`,
      "0 is not a port number from 1 to 65535; use e.g. 8080",
    ],
    [
      "a numeric targetPort in quotes",
      { port: 80, targetPort: "8080" },
      `${at}.targetPort`,
      '"8080" is a port number in quotes; write it without quotes, e.g. 8080',
    ],
    ["a port that is not a mapping", 80, at, "is not a mapping; give a ServicePort, e.g. { name: http, port: 8080 }"],
  ])("%s", (_name, port, path, message) => {
    expect(issuesOf([port])).toEqual([{ path, message }]);
  });

  test("a Service with TCP and UDP ports joins with its TCP ports; the summary says which port was left out", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gm-discover-"));
    writeFileSync(
      join(dir, "c2.yaml"),
      [
        "apiVersion: v1",
        "kind: Service",
        "metadata: { name: resolver }",
        "spec:",
        "  ports:",
        "    - { name: dns-tcp, port: 53 }",
        "    - { name: dns, port: 53, protocol: UDP }",
        "    - { name: sctp-x, port: 9999, protocol: SCTP }",
        "    - { name: http-admin, port: 8080 }",
        "",
      ].join("\n"),
    );
    const io = {
      cwd: ROOT,
      isTTY: false,
      out: "",
      err: "",
      stdout: (t: string) => void (io.out += t),
      stderr: (t: string) => void (io.err += t),
    };
    const code = await main(
      ["check", "--spec", "examples/acme-fitness/gns.yaml", "--manifests", `cluster2=${join(dir, "c2.yaml")}`],
      io,
    );
    expect([code, io.err]).toEqual([0, ""]);
    expect(io.out).toMatch(/^ {2}resolver\.acme\.example\.com +\S+ +53\/TCP,8080\/HTTP +runs in cluster2$/m);
    expect(io.out.slice(io.out.indexOf("Skipped")).split("\n")).toEqual([
      "Skipped Services and ports:",
      "  cluster2: default/resolver: UDP port 53 is not carried by Istio (it proxies TCP only); the service joins with its other ports",
      "  cluster2: default/resolver: SCTP port 9999 is not carried by Istio (it proxies TCP only); the service joins with its other ports",
      "",
    ]);
  });

  test("the CLI exits 2 on a bad discovered port, writing nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gm-discover-"));
    writeFileSync(
      join(dir, "c2.yaml"),
      "apiVersion: v1\nkind: Service\nmetadata: { name: catalog }\nspec:\n  ports: [{ name: http, port: 0 }]\n",
    );
    const io = {
      cwd: ROOT,
      isTTY: false,
      out: "",
      err: "",
      stdout: () => undefined,
      stderr: (t: string) => void (io.err += t),
    };
    const out = join(dir, "out");
    const code = await main(
      [
        "render",
        "--spec",
        "examples/acme-fitness/gns.yaml",
        "--manifests",
        `cluster2=${join(dir, "c2.yaml")}`,
        "--out",
        out,
      ],
      io,
    );
    expect(code).toBe(2);
    expect(io.err).toContain("Service default/catalog ports[0].port: 0 is not a port number from 1 to 65535");
    expect(existsSync(out)).toBe(false);
  });
});

describe("selectors, service accounts and target ports come from the workloads the Service selects", () => {
  const deployment = (kind: string, apiVersion: string, labels: any, podSpec: any, namespace?: string) => ({
    apiVersion,
    kind,
    metadata: { name: `${kind.toLowerCase()}-x`, ...(namespace && { namespace }) },
    spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: podSpec } },
  });
  const container = (ports: any[]) => ({ containers: [{ name: "app", image: "app", ports }] });
  const catalog = (ports: any[], selector: any = { app: "catalog" }) => ({
    ...svc("catalog", ports),
    spec: { ports, selector },
  });

  test("every workload kind, service accounts sorted and unique, `default` when a pod names none", () => {
    const labels = { app: "catalog", version: "v1" };
    const { services } = discoverServices(rules, [
      {
        cluster: "cluster1",
        source: "c1.yaml",
        objects: [
          catalog([http(8082)]),
          deployment("Deployment", "apps/v1", labels, { serviceAccountName: "catalog", ...container([]) }),
          deployment("StatefulSet", "apps/v1", labels, { serviceAccountName: "catalog", ...container([]) }),
          deployment("DaemonSet", "apps/v1", labels, { serviceAccount: "legacy-sa", ...container([]) }),
          deployment("ReplicaSet", "apps/v1", labels, container([])),
          deployment("Job", "batch/v1", labels, { serviceAccountName: "batch", ...container([]) }),
          {
            apiVersion: "batch/v1",
            kind: "CronJob",
            metadata: { name: "nightly" },
            spec: {
              jobTemplate: { spec: { template: { metadata: { labels }, spec: { serviceAccountName: "nightly" } } } },
            },
          },
          { apiVersion: "v1", kind: "Pod", metadata: { name: "debug", labels }, spec: { serviceAccountName: "debug" } },
          // not selected: other labels, another namespace, an unknown apiVersion
          deployment("Deployment", "apps/v1", { app: "cart" }, { serviceAccountName: "cart" }),
          deployment("Deployment", "apps/v1", labels, { serviceAccountName: "elsewhere" }, "shop-a"),
          deployment("Deployment", "extensions/v1beta1", labels, { serviceAccountName: "old" }),
        ],
      },
    ]);
    expect(services[0].selector).toEqual({ app: "catalog" });
    expect(services[0].serviceAccounts).toEqual({
      cluster1: ["batch", "catalog", "debug", "default", "legacy-sa", "nightly"],
    });
  });

  test("a Service without a selector selects no pod", () => {
    const { services } = discoverServices(rules, [
      {
        cluster: "cluster1",
        source: "c1.yaml",
        objects: [svc("catalog", [http(8082)]), deployment("Deployment", "apps/v1", { app: "catalog" }, container([]))],
      },
    ]);
    expect(services[0]).not.toHaveProperty("selector");
    expect(services[0].serviceAccounts).toEqual({ cluster1: [] });
  });

  test("service accounts per cluster", () => {
    const objects = (sa: string) => [
      { ...catalog([http(8082)]), metadata: { name: "catalog", namespace: "shop-a" } },
      deployment("Deployment", "apps/v1", { app: "catalog" }, { serviceAccountName: sa }, "shop-a"),
    ];
    const { services } = discoverServices(rules, [
      { cluster: "cluster1", source: "c1.yaml", objects: objects("catalog-eu") },
      { cluster: "cluster2", source: "c2.yaml", objects: objects("catalog-us") },
    ]);
    expect(services[0].serviceAccounts).toEqual({ cluster1: ["catalog-eu"], cluster2: ["catalog-us"] });
  });

  test("targetPort: a number as it is, a name through the selected containers' ports, else unresolved", () => {
    const { services } = discoverServices(rules, [
      {
        cluster: "cluster1",
        source: "c1.yaml",
        objects: [
          catalog([
            { name: "http", port: 80, targetPort: 8080 },
            { name: "grpc", port: 9090, targetPort: "grpc-api" },
            { name: "http-admin", port: 9901, targetPort: "admin" },
            { name: "tcp-plain", port: 5000 },
          ]),
          deployment(
            "Deployment",
            "apps/v1",
            { app: "catalog" },
            container([{ name: "grpc-api", containerPort: 19090 }]),
          ),
          deployment("Deployment", "apps/v1", { app: "cart" }, container([{ name: "admin", containerPort: 15000 }])),
        ],
      },
    ]);
    expect(services[0].ports).toEqual([
      { number: 80, name: "http", protocol: "HTTP", targetPort: 8080 },
      { number: 5000, name: "tcp-plain", protocol: "TCP" },
      { number: 9090, name: "grpc", protocol: "GRPC", targetPort: 19090 },
      { number: 9901, name: "http-admin", protocol: "HTTP" },
    ]);
    expect(services[0].unresolvedTargetPorts).toEqual({ 9901: "admin" });
  });

  test("a named targetPort resolved in one cluster counts for all; two different numbers are an error", () => {
    const svcIn = (ns: string) => ({
      ...catalog([{ name: "http", port: 80, targetPort: "web" }]),
      metadata: { name: "catalog", namespace: ns },
    });
    const pods = (port: number) =>
      deployment(
        "Deployment",
        "apps/v1",
        { app: "catalog" },
        container([{ name: "web", containerPort: port }]),
        "shop-a",
      );
    const one = discoverServices(rules, [
      { cluster: "cluster1", source: "c1.yaml", objects: [svcIn("shop-a"), pods(8080)] },
      { cluster: "cluster2", source: "c2.yaml", objects: [svcIn("shop-a")] },
    ]);
    expect(one.services[0].ports[0].targetPort).toBe(8080);
    expect(one.services[0]).not.toHaveProperty("unresolvedTargetPorts");
    expect(() =>
      discoverServices(rules, [
        { cluster: "cluster1", source: "c1.yaml", objects: [svcIn("shop-a"), pods(8080)] },
        { cluster: "cluster2", source: "c2.yaml", objects: [svcIn("shop-a"), pods(9090)] },
      ]),
    ).toThrow(/port 80's targetPort "web" is container port 8080 in some pods and 9090 in others/);
  });

  test("clusters must agree on target ports and selectors", () => {
    const withTarget = (t: number) => [
      { ...catalog([{ name: "http", port: 80, targetPort: t }]), metadata: { name: "catalog", namespace: "shop-a" } },
    ];
    expect(() =>
      discoverServices(rules, [
        { cluster: "cluster1", source: "c1.yaml", objects: withTarget(8080) },
        { cluster: "cluster2", source: "c2.yaml", objects: withTarget(9090) },
      ]),
    ).toThrow(/ports 80\/HTTP→9090 differ from 80\/HTTP→8080 in cluster1/);
    const withSelector = (app: string) => [
      { ...catalog([http(80)], { app }), metadata: { name: "catalog", namespace: "shop-a" } },
    ];
    expect(() =>
      discoverServices(rules, [
        { cluster: "cluster1", source: "c1.yaml", objects: withSelector("catalog") },
        { cluster: "cluster2", source: "c2.yaml", objects: withSelector("catalog-v2") },
      ]),
    ).toThrow(/selector \{ app: catalog-v2 \} differs from \{ app: catalog \} in cluster1/);
  });
});

describe("the namespaces each cluster's manifests show", () => {
  test("mapped namespaces of any object and Namespace objects, sorted; not unmapped, system or cluster-scoped", () => {
    const { namespaces } = discoverServices(rules, [
      {
        cluster: "cluster1",
        source: "c1.yaml",
        objects: [
          { apiVersion: "v1", kind: "Namespace", metadata: { name: "shop-eu" } },
          { apiVersion: "v1", kind: "Namespace", metadata: { name: "finance" } },
          { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", namespace: "shop-us" } },
          { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "sa" } }, // the default namespace
          { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "r" } },
          { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", namespace: "kube-system" } },
        ],
      },
      {
        cluster: "cluster2",
        source: "c2.yaml",
        defaultNamespace: "shop-b",
        objects: [{ apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding", metadata: { name: "b" } }],
      },
      { cluster: "cluster3", source: "c3.yaml", defaultNamespace: "shop-c", objects: [svc("x", [http(80)])] },
    ]);
    expect(namespaces).toEqual({ cluster1: ["default", "shop-eu", "shop-us"], cluster2: [], cluster3: ["shop-c"] });
  });

  test("a mapped namespace that is not a DNS label is an error, once, naming where", () => {
    let error: unknown;
    try {
      discoverServices(
        [{ cluster: "*", namespace: "*" }],
        [
          {
            cluster: "cluster1",
            source: "c1.yaml",
            objects: [
              { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a", namespace: "Shop_EU" } },
              svc("cart", [http(80)], { namespace: "Shop_EU" }),
            ],
          },
        ],
      );
    } catch (e) {
      error = e;
    }
    expect((error as SpecError).issues).toEqual([
      {
        path: "cluster1: c1.yaml ConfigMap Shop_EU/a metadata.namespace",
        message: expect.stringMatching(/^"Shop_EU" is not a DNS-1123 label/),
      },
    ]);
  });
});
