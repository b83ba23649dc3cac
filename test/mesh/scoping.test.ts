/**
 * Dependency scoping (issue 12): declared `calls` narrow which clusters get client objects and which namespaces see
 * them; `sidecarScope` writes an Istio Sidecar whose egress hosts are what the namespace calls. Bad input is refused
 * naming the field; the routing claims are followed hop by hop (test/helpers/sim) with the Sidecar applied as istiod
 * scopes a proxy.
 */
import { Sidecar } from "@kubernetes-models/istio/networking.istio.io/v1/Sidecar";
import {
  auditExisting,
  buildMesh,
  diffMeshes,
  hostsPerSidecar,
  MeshBuild,
  MeshObject,
  objectKey,
  SpecError,
} from "../../sdk/src/mesh";
import { ClusterManifests } from "../../sdk/src/mesh";
import { CallResult, Caller, MeshSimulator, simMeshFromModel, Stage } from "../helpers/sim";
import { scopedSpec } from "./scoping.fixture";

function problems(spec: unknown, manifests: ClusterManifests[] = []): { path: string; message: string }[] {
  try {
    buildMesh(spec, manifests);
  } catch (e) {
    if (e instanceof SpecError) return e.issues;
    throw e;
  }
  return [];
}

function mutated(mutate: (s: any) => void): any {
  const s = scopedSpec();
  mutate(s);
  return s;
}

const keys = (b: MeshBuild, cluster: string) => b.compiled.objects.get(cluster)!.map(objectKey);
const objectsOf = (b: MeshBuild, cluster: string, service: string) =>
  b.compiled.objects.get(cluster)!.filter((o) => o.metadata.labels["globalmesh.io/service"] === service);

describe("spec: calls, sidecarScope and extraEgressHosts are checked, naming the field and the fix", () => {
  test.each<[string, (s: any) => void, string, RegExp]>([
    [
      "a call to an unknown service lists the near names",
      (s) => (s.services[0].calls = ["catalgo"]),
      "services[0].calls[0]",
      /unknown service "catalgo".*did you mean catalog\?/,
    ],
    [
      "a call to an excluded service",
      (s) => {
        s.members[2].excludeServices = ["vault"];
        s.services[0].calls = ["vault"];
      },
      "services[0].calls[0]",
      /"vault" is kept out of the GlobalNamespace \(excludeServices\)/,
    ],
    [
      "a call listed twice",
      (s) => (s.services[0].calls = ["catalog", "catalog"]),
      "services[0].calls[1]",
      /service catalog is listed twice/,
    ],
    ["calls not a list", (s) => (s.services[0].calls = "catalog"), "services[0].calls", /is not a list/],
    [
      "sidecarScope not a boolean",
      (s) => (s.members[0].sidecarScope = "yes"),
      "members[0].sidecarScope",
      /true or false/,
    ],
    [
      "extraEgressHosts without sidecarScope",
      (s) => delete s.members[0].sidecarScope,
      "members[0].extraEgressHosts",
      /set sidecarScope: true on this rule/,
    ],
    [
      "an egress host without a namespace",
      (s) => (s.members[0].extraEgressHosts = ["billing.legacy.svc.cluster.local"]),
      "members[0].extraEgressHosts[0]",
      /not a Sidecar egress host; write namespace\/dnsName/,
    ],
    [
      "a short name",
      (s) => (s.members[0].extraEgressHosts = ["legacy/billing"]),
      "members[0].extraEgressHosts[0]",
      /not a Sidecar egress host/,
    ],
    [
      "a partial wildcard",
      (s) => (s.members[0].extraEgressHosts = ["legacy/*-api.example.com"]),
      "members[0].extraEgressHosts[0]",
      /not a Sidecar egress host/,
    ],
    [
      "*/* undoes the scope",
      (s) => (s.members[0].extraEgressHosts = ["*/*"]),
      "members[0].extraEgressHosts[0]",
      /imports every host of every namespace/,
    ],
    [
      "the gateways' namespace whole undoes the scope",
      (s) => (s.members[0].extraEgressHosts = ["istio-gateways/*"]),
      "members[0].extraEgressHosts[0]",
      /imports the gateways' namespace of cluster c1 whole: the Sidecar already imports from there the global hosts the namespace calls/,
    ],
    [
      "the rule's own namespace is in already",
      (s) => (s.members[0].extraEgressHosts = ["shop/x.shop.svc.cluster.local"]),
      "members[0].extraEgressHosts[0]",
      /imports whole already/,
    ],
    [
      "a rule's call to an unknown service",
      (s) => (s.members[1].calls = ["userz"]),
      "members[1].calls[0]",
      /unknown service "userz".*did you mean users\?/,
    ],
    [
      "a rule's call listed twice",
      (s) => (s.members[1].calls = ["users", "users"]),
      "members[1].calls[1]",
      /service users is listed twice/,
    ],
    [
      "an extra egress host naming a global host",
      (s) => (s.members[0].extraEgressHosts = ["istio-gateways/users.store.example.com"]),
      "members[0].extraEgressHosts[0]",
      /names the global host users.store.example.com; list global services in calls instead \(members\[\]\.calls/,
    ],
    [
      "an extra egress wildcard covering global hosts",
      (s) => (s.members[0].extraEgressHosts = ["*/*.example.com"]),
      "members[0].extraEgressHosts[0]",
      /names global hosts such as .*\.store\.example\.com; list global services in calls/,
    ],
    [
      "sidecarScope on a namespace with an undeclared service",
      (s) => delete s.services[1].calls,
      "members[0].sidecarScope",
      /namespace shop of cluster c1 runs cart without declared calls.*\[\] when it calls none/,
    ],
  ])("%s", (_name, mutate, path, message) => {
    const found = problems(mutated(mutate));
    expect(found).toEqual(expect.arrayContaining([{ path, message: expect.stringMatching(message) }]));
  });

  test("sidecarScope on a namespace that runs no global service declares it calls none", () => {
    const spec = mutated((s) => {
      s.members.push({ cluster: "c1", namespace: "ops", sidecarScope: true });
      s.clusters[0].namespaces = ["ops"];
    });
    const b = buildMesh(spec);
    expect(b.model.clusters[0].calls).toEqual({ ops: [], shop: ["catalog"] });
    expect(hostsPerSidecar(b.compiled, "c1", "ops")).toEqual([]);
    // Without the opt-in, the same namespace may call anything.
    spec.members[4].sidecarScope = false;
    expect(buildMesh(spec).model.clusters[0].calls).toEqual({ shop: ["catalog"] });
  });

  test("members[].calls: declares a namespace that runs no global service, and adds to one whose services declare", () => {
    const spec = mutated((s) => {
      s.members.push({ cluster: "c1", namespace: "ops", calls: ["users"] });
      s.clusters[0].namespaces = ["ops"];
      s.members[0].calls = ["users"];
    });
    const b = buildMesh(spec);
    expect(b.model.clusters[0].calls).toEqual({ ops: ["users"], shop: ["catalog", "users"] });
    // c1 (web undeclared, ops and shop calling users) exports users to all three; catalog not to ops.
    const exportTo = (s: string) => objectsOf(b, "c1", s).find((o) => o.kind === "ServiceEntry")!.spec.exportTo;
    expect(exportTo("users")).toEqual(["ops", "shop", "web", "istio-gateways"]);
    expect(exportTo("catalog")).toEqual(["shop", "web", "istio-gateways"]);
    expect(hostsPerSidecar(b.compiled, "c1", "shop")).toEqual(["catalog.store.example.com", "users.store.example.com"]);
    // A rule's calls do not declare a namespace whose services do not: web stays open.
    spec.members[1].calls = ["users"];
    expect(buildMesh(spec).model.clusters[0].calls?.web).toBeUndefined();
  });

  test("a pattern rule's refusals come once per rule, naming a few namespaces and counting the rest", () => {
    const spec = mutated((s) => {
      s.clusters = Array.from({ length: 8 }, (_, i) => ({
        name: `p${i}`,
        ingress: { address: `203.0.113.${10 + i}` },
      }));
      s.members = [
        {
          cluster: "p*",
          namespace: "team-*",
          sidecarScope: true,
          extraEgressHosts: ["istio-gateways/*", "istio-gateways/svc3.store.example.com"],
        },
      ];
      s.services = Array.from({ length: 8 }, (_, i) => ({
        name: `svc${i}`,
        namespace: `team-${i % 2}`,
        clusters: [`p${i}`],
        ports: [{ number: 8080 }],
      }));
    });
    const found = problems(spec);
    expect(found.map((p) => p.path)).toEqual([
      "members[0].extraEgressHosts[0]",
      "members[0].extraEgressHosts[1]",
      "members[0].sidecarScope",
    ]);
    expect(found[0].message).toMatch(/gateways' namespace of clusters p0, p1, p2, p3, p4, p5, p6, p7 whole/);
    expect(found[2].message).toMatch(
      /^namespace team-0 of cluster p0 runs svc0; .*; namespace team-0 of cluster p4 runs svc4 \(and 3 more namespaces\) without declared calls/,
    );
  });

  test("the fixture itself is valid", () => {
    expect(problems(scopedSpec())).toEqual([]);
  });

  test("a Sidecar the manifests show in a scoped namespace is refused; one with a workloadSelector is not", () => {
    const sidecar = (workloadSelector?: object) => ({
      apiVersion: "networking.istio.io/v1",
      kind: "Sidecar",
      metadata: { name: "default", namespace: "shop" },
      spec: { egress: [{ hosts: ["./*"] }], ...(workloadSelector && { workloadSelector }) },
    });
    const manifests = (o: object): ClusterManifests[] => [{ cluster: "c1", source: "c1.yaml", objects: [o] }];
    expect(problems(scopedSpec(), manifests(sidecar()))).toEqual([
      {
        path: "members[0].sidecarScope",
        message: expect.stringMatching(
          /already has a Sidecar without workloadSelector \(c1.yaml: Sidecar shop\/default\)/,
        ),
      },
    ]);
    expect(problems(scopedSpec(), manifests(sidecar({ labels: { app: "x" } })))).toEqual([]);
  });
});

describe("compile: declared calls skip the client objects a cluster never uses", () => {
  const scoped = buildMesh(scopedSpec());
  // The same mesh with no calls declared (and so no Sidecar): today's behaviour.
  const open = buildMesh(
    mutated((s) => {
      for (const svc of s.services) delete svc.calls;
      for (const m of s.members) {
        delete m.sidecarScope;
        delete m.extraEgressHosts;
      }
    }),
  );

  test("without declared calls every cluster holds client objects for every service it does not run", () => {
    for (const s of ["catalog", "users"]) expect(objectsOf(open, "c1", s).length).toBeGreaterThan(0);
    for (const s of ["frontend", "cart", "portal", "users"]) expect(objectsOf(open, "c2", s).length).toBeGreaterThan(0);
  });

  test("c2 (catalog calls users only) holds client objects for users and none for c1's services", () => {
    for (const s of ["frontend", "cart", "portal"]) expect(objectsOf(scoped, "c2", s)).toEqual([]);
    expect(objectsOf(scoped, "c2", "users").map((o) => o.kind)).toContain("ServiceEntry");
  });

  test("exportTo shrinks to the namespaces that may call the service", () => {
    const se = (b: MeshBuild, c: string, s: string) =>
      objectsOf(b, c, s).find((o) => o.kind === "ServiceEntry")!.spec.exportTo;
    expect(se(open, "c1", "users")).toEqual(["shop", "web", "istio-gateways"]);
    // shop declares catalog only; web is undeclared and may call anything.
    expect(se(scoped, "c1", "users")).toEqual(["web", "istio-gateways"]);
    expect(se(scoped, "c1", "catalog")).toEqual(["shop", "web", "istio-gateways"]);
  });

  test("the owner admits only the clusters that may call: c3's ingress for users names c1 and c2, c1's for cart c3", () => {
    const sans = (c: string, s: string) =>
      objectsOf(scoped, c, s).find((o) => o.kind === "Gateway")!.spec.servers[0].tls.subjectAltNames;
    expect(sans("c3", "users")).toEqual([
      "spiffe://cluster.local/ns/istio-gateways/sa/istio-egressgateway-c1",
      "spiffe://cluster.local/ns/istio-gateways/sa/istio-egressgateway-c2",
    ]);
    expect(sans("c1", "cart")).toEqual(["spiffe://cluster.local/ns/istio-gateways/sa/istio-egressgateway-c3"]);
  });

  test("the egress gateway admits only calling namespaces of an unrestricted service", () => {
    const policy = objectsOf(scoped, "c1", "users").find((o) => o.kind === "AuthorizationPolicy")!;
    expect(JSON.stringify(policy.spec)).toContain('"namespaces":["web"]');
    expect(JSON.stringify(policy.spec)).not.toContain('"shop"');
  });

  test("scoping only removes objects: every scoped object exists unscoped, and fewer in total", () => {
    for (const c of ["c1", "c2", "c3"]) {
      const unscoped = new Set(keys(open, c));
      for (const k of keys(scoped, c).filter((k) => !k.startsWith("Sidecar/"))) expect(unscoped).toContain(k);
    }
    const total = (b: MeshBuild) => [...b.compiled.objects.values()].flat().length;
    expect(total(scoped)).toBeLessThan(total(open));
  });

  test("calls the manifests show join a declared namespace's calls (and its Sidecar)", () => {
    const deployment = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "frontend", namespace: "shop" },
      spec: {
        template: { spec: { containers: [{ name: "f", env: [{ name: "U", value: "users.store.example.com" }] }] } },
      },
    };
    const b = buildMesh(scopedSpec(), [{ cluster: "c1", source: "c1.yaml", objects: [deployment] }]);
    expect(b.model.clusters.find((c) => c.name === "c1")!.calls).toEqual({ shop: ["catalog", "users"] });
    expect(hostsPerSidecar(b.compiled, "c1", "shop")).toEqual(["catalog.store.example.com", "users.store.example.com"]);
  });
});

describe("warnings: what declared calls take away", () => {
  const workload = (kind: string, name: string, app: string) => ({
    apiVersion: kind === "CronJob" ? "batch/v1" : "apps/v1",
    kind,
    metadata: { name, namespace: "shop" },
    spec:
      kind === "CronJob"
        ? { jobTemplate: { spec: { template: { metadata: { labels: { app } }, spec: { containers: [] } } } } }
        : { template: { metadata: { labels: { app, tier: "x" } }, spec: { containers: [] } } },
  });
  const manifests: ClusterManifests[] = [
    {
      cluster: "c1",
      source: "c1.yaml",
      objects: [workload("Deployment", "frontend", "frontend"), workload("CronJob", "report", "report")],
    },
  ];
  const withSelectors = () =>
    mutated((s) => {
      s.services[0].selector = { app: "frontend" };
      s.services[1].selector = { app: "cart" };
    });

  test("a workload of a declared namespace that backs no global service is named, with the fix", () => {
    const warnings = buildMesh(withSelectors(), manifests).warnings ?? [];
    expect(warnings).toEqual([
      expect.stringMatching(
        /^namespace shop of cluster c1 declares its calls .* reach only catalog of the global hosts; CronJob\/report backs no global service there: list what it calls in members\[\]\.calls$/,
      ),
    ]);
  });

  test("no warning when the pods' labels of a service there are unknown, or the namespace is undeclared", () => {
    expect(buildMesh(scopedSpec(), manifests).warnings).toBeUndefined();
    const undeclared = withSelectors();
    delete undeclared.services[1].calls;
    delete undeclared.members[0].sidecarScope;
    delete undeclared.members[0].extraEgressHosts;
    expect(buildMesh(undeclared, manifests).warnings).toBeUndefined();
  });

  test("an ALLOW policy granting a call that calls rule out names both fields", () => {
    const spec = mutated((s) => {
      s.services[4].selector = { app: "users" };
      s.policies = [
        {
          name: "to-users",
          action: "ALLOW",
          from: [{ namespace: "shop", cluster: "c1" }, { namespace: "web", cluster: "c1" }, { namespace: "catalog" }],
          to: [{ service: "users" }],
        },
      ];
    });
    // shop declares catalog only; web is undeclared, catalog declares users.
    expect(buildMesh(spec).warnings).toEqual([
      expect.stringMatching(
        /^policy to-users allows c1\/shop to call users \(policies\[\]\.from and \.to\), but their declared calls \(services\[\]\.calls, members\[\]\.calls\) leave users out, so the call has no route there/,
      ),
    ]);
    spec.services[0].calls = ["catalog", "users"];
    expect(buildMesh(spec).warnings).toBeUndefined();
  });
});

describe("check --existing: Sidecars already in the clusters", () => {
  const build = buildMesh(scopedSpec());
  const existing = (namespace: string, spec: object, labels?: object) =>
    auditExisting(
      build.compiled.objects,
      new Map([
        [
          "c1",
          [
            {
              apiVersion: "networking.istio.io/v1",
              kind: "Sidecar",
              metadata: { name: "theirs", namespace, labels },
              spec,
            },
          ],
        ],
      ]),
    );

  test("a selector-less one in a mapped unscoped namespace that hides global hosts: a warning with the fix", () => {
    expect(existing("web", { egress: [{ hosts: ["./*", "istio-system/*"] }] })).toEqual([
      {
        cluster: "c1",
        severity: "warning",
        object: "Sidecar/web/theirs",
        what: expect.stringMatching(
          /^a Sidecar without workloadSelector in namespace web does not import 5 global hosts the wiring exports there \(cart\.store\.example\.com, catalog\.store\.example\.com, frontend\.store\.example\.com and 2 more\)$/,
        ),
        why: expect.stringMatching(/add istio-gateways\/<host> for each host called to its egress hosts/),
      },
    ]);
  });

  test("a workload-selected one in a scoped namespace overrides its Sidecar: warned when it hides a called host", () => {
    const found = existing("shop", { workloadSelector: { labels: { app: "x" } }, egress: [{ hosts: ["./*"] }] });
    expect(found.map((f) => [f.severity, f.what])).toEqual([
      [
        "warning",
        "a Sidecar with a workloadSelector in namespace shop does not import the global host the wiring exports there (catalog.store.example.com)",
      ],
    ]);
    expect(found[0].why).toMatch(/the pods it selects, which ignore the namespace's Sidecar/);
  });

  test("silent when it imports the hosts, has no egress (all of them), or is globalmesh's", () => {
    expect(existing("web", { egress: [{ hosts: ["./*", "istio-gateways/*"] }] })).toEqual([]);
    expect(existing("web", {})).toEqual([]);
    expect(existing("web", { egress: [{ hosts: ["./*"] }] }, { "app.kubernetes.io/managed-by": "globalmesh" })).toEqual(
      [],
    );
  });

  test("a selector-less one where the GlobalNamespace writes its own stays one error, the collision", () => {
    const found = existing("shop", { egress: [{ hosts: ["./*"] }] });
    expect(found.map((f) => [f.severity ?? "error", f.what])).toEqual([
      ["error", expect.stringMatching(/a Sidecar without workloadSelector already exists in namespace shop/)],
    ]);
  });
});

test("the mesh diff says what a change of calls does, and the objects it adds and removes", () => {
  const before = buildMesh(scopedSpec());
  const after = buildMesh(
    mutated((s) => {
      s.services[0].calls = ["catalog", "users"];
      delete s.services[3].calls;
      s.services[4].calls = [];
    }),
  );
  const d = diffMeshes(before, after);
  expect(d.services.map((x) => [x.service, x.changes])).toEqual([
    ["catalog", ["no longer declares its calls (it may call any service)"]],
    ["frontend", ["calls users"]],
    ["users", ["declares its calls: none"]],
  ]);
  // c2 (catalog undeclared now) gains client objects for c1's services; c1's Sidecar changes (users joins).
  const c2 = d.clusters.find((c) => c.cluster === "c2")!;
  expect(c2.added.some((o) => o.metadata.labels["globalmesh.io/service"] === "frontend")).toBe(true);
  const c1 = d.clusters.find((c) => c.cluster === "c1")!;
  expect(c1.changed.map((c) => objectKey(c.object))).toContain("Sidecar/shop/gns.store.scope");
});

describe("the Sidecar", () => {
  const build = buildMesh(scopedSpec());
  const sidecars = [...build.compiled.objects.values()].flat().filter((o) => o.kind === "Sidecar");

  test("one, in the scoped namespace only, selector-less, named for the GlobalNamespace", () => {
    expect(sidecars.map(objectKey)).toEqual(["Sidecar/shop/gns.store.scope"]);
    expect(sidecars[0].spec).toEqual({
      egress: [
        {
          hosts: [
            "./*",
            "istio-system/*",
            "istio-gateways/istio-egressgateway.istio-gateways.svc.cluster.local",
            "web/*",
            "istio-gateways/catalog.store.example.com",
            "legacy/billing.legacy.svc.cluster.local",
          ],
        },
      ],
    });
  });

  test("passes the Sidecar CRD's schema and the webhook's egress-host rules (Istio 1.29)", () => {
    for (const o of sidecars) {
      expect(() => new Sidecar(o as any).validate()).not.toThrow();
      expect(webhookEgressProblems(o)).toEqual([]);
    }
    // The check itself can fail.
    const bad = webhookEgressProblems({
      ...sidecars[0],
      spec: { egress: [{ hosts: ["catalog", "a/*-x.example.com"] }] },
    });
    expect(bad).toEqual(
      expect.arrayContaining([
        "catalog: host must be of form namespace/dnsName",
        "a/*-x.example.com: partial wildcard",
      ]),
    );
  });

  test("the cluster's other mapped namespaces are imported whole: a callee in one of them, and its other Services", () => {
    const b = buildMesh(
      mutated((s) => {
        s.services.push({ name: "stock", namespace: "web", clusters: ["c1"], ports: [{ number: 9000 }] });
        s.services[0].calls = ["catalog", "stock"];
      }),
    );
    const hosts = b.compiled.objects.get("c1")!.find((o) => o.kind === "Sidecar")!.spec.egress[0].hosts;
    expect(hosts).toEqual(expect.arrayContaining(["istio-gateways/stock.store.example.com", "web/*"]));
    // Never the gateways' namespace whole, nor the Sidecar's own namespace by name.
    expect(hosts.filter((h) => h === "istio-gateways/*" || h === "shop/*")).toEqual([]);
  });

  test("a short egressService is left out (the webhook refuses short names); an FQDN goes under its own namespace", () => {
    const sidecarHosts = (egressService: string) => {
      const b = buildMesh(mutated((s) => (s.clusters[0].gateways = { egressService })));
      const sidecar = b.compiled.objects.get("c1")!.find((o) => o.kind === "Sidecar")!;
      expect(webhookEgressProblems(sidecar)).toEqual([]);
      return sidecar.kind === "Sidecar" ? sidecar.spec.egress[0].hosts : [];
    };
    const short = sidecarHosts("istio-egressgateway");
    expect(short.filter((h) => h.includes("egressgateway"))).toEqual([]);
    expect(short).toContain("istio-gateways/catalog.store.example.com");
    expect(sidecarHosts("egress.mesh-edge.svc.cluster.local")).toContain(
      "mesh-edge/egress.mesh-edge.svc.cluster.local",
    );
  });
});

describe("hop by hop, with the Sidecar applied as istiod scopes the namespace's proxies", () => {
  const build = buildMesh(scopedSpec());
  const shop: Caller = { cluster: "c1", namespace: "shop", serviceAccount: "frontend" };
  const services = {
    c1: [
      svc("billing", "legacy", 7000),
      svc("basket", "shop", 7001),
      svc("other", "misc", 7002),
      svc("tools", "web", 7003),
    ],
  };

  test("a declared call routes through both gateways", () => {
    const r = scopedCall(build.compiled.objects, shop, "catalog.store.example.com", 8082);
    if (!("hops" in r) || !r.ok) throw new Error(JSON.stringify(r));
    expect(r.reached).toEqual({ cluster: "c2", fqdn: "catalog.catalog.svc.cluster.local", port: 8082 });
    expect(r.hops.map((h) => h.role)).toEqual(["sidecar", "egress-gateway", "ingress-gateway", "workload"]);
  });

  test("an undeclared global host does not resolve, even when its ServiceEntry is exported to the namespace", () => {
    expectDns(scopedCall(build.compiled.objects, shop, "users.store.example.com", 8083));
    // The Sidecar alone hides it: export users' objects to shop as well (as an unscoped spec would).
    const widened = new Map(
      [...build.compiled.objects].map(([c, list]) => [
        c,
        list.map((o) =>
          o.metadata.labels["globalmesh.io/service"] === "users" &&
          "exportTo" in o.spec &&
          o.spec.exportTo.includes("web")
            ? ({ ...o, spec: { ...o.spec, exportTo: ["shop", ...o.spec.exportTo] } } as MeshObject)
            : o,
        ),
      ]),
    );
    // Without the Sidecar, the widened objects resolve and route it to the egress gateway, which refuses shop: it holds
    // no grant for users. With it, the name never resolves.
    const unscoped = new MeshSimulator(simMeshFromModel(build.model, widened, { services })).call(
      shop,
      "users.store.example.com",
      8083,
    );
    expect(unscoped.ok ? "reached" : unscoped.stage).toBe(Stage.Authz);
    expectDns(scopedCall(widened, shop, "users.store.example.com", 8083));
  });

  test("cluster-local calls stay on mTLS: its own namespace (./*), the cluster's mapped namespaces and extraEgressHosts", () => {
    for (const [host, port] of [
      ["basket.shop.svc.cluster.local", 7001],
      ["tools.web.svc.cluster.local", 7003],
      ["billing.legacy.svc.cluster.local", 7000],
    ] as const) {
      const r = scopedCall(build.compiled.objects, shop, host, port);
      if (!("hops" in r) || !r.ok) throw new Error(`${host}: ${JSON.stringify(r)}`);
      expect(r.reached.fqdn).toBe(host);
    }
  });

  test("a Service the Sidecar leaves out leaves in plain text (ALLOW_ANY): reached if PERMISSIVE, refused if STRICT", () => {
    // misc is no mapped namespace: nothing of ours makes it STRICT.
    expect(scopedCall(build.compiled.objects, shop, "other.misc.svc.cluster.local", 7002)).toEqual({
      passthrough: true,
      ok: true,
    });
    const strictMisc = new Map(build.compiled.objects);
    strictMisc.set("c1", [
      ...build.compiled.objects.get("c1")!,
      {
        ...build.compiled.objects.get("c1")!.find((o) => o.kind === "PeerAuthentication")!,
        metadata: { name: "x", namespace: "misc", labels: {} },
      } as MeshObject,
    ]);
    expect(scopedCall(strictMisc, shop, "other.misc.svc.cluster.local", 7002)).toEqual({
      passthrough: true,
      ok: false,
      stage: Stage.Mtls,
    });
  });

  test("an unscoped namespace of the same cluster is untouched", () => {
    const web: Caller = { cluster: "c1", namespace: "web", serviceAccount: "portal" };
    for (const [host, port] of [
      ["users.store.example.com", 8083],
      ["catalog.store.example.com", 8082],
      ["other.misc.svc.cluster.local", 7002],
    ] as const)
      expect(scopedCall(build.compiled.objects, web, host, port).ok).toBe(true);
  });

  /**
   * The simulator follows exportTo but knows no Sidecar: for the caller's namespace, objects its Sidecar does not
   * import are hidden from that namespace only (gateways keep seeing them). A Kubernetes Service it does not import
   * is not in the proxy's DNS table, so the DNS proxy forwards the name to the cluster's DNS (pkg/dns/client), which
   * resolves it; under ALLOW_ANY the call leaves through the PassthroughCluster in plain text, and the target's
   * PeerAuthentication decides (STRICT refuses plain text; none: PERMISSIVE).
   */
  function scopedCall(
    objects: ReadonlyMap<string, readonly MeshObject[]>,
    from: Caller,
    host: string,
    port: number,
  ): CallResult | { passthrough: true; ok: boolean; stage?: Stage } {
    const mine = objects.get(from.cluster) ?? [];
    const sidecar = mine.find((o) => o.kind === "Sidecar" && o.metadata.namespace === from.namespace);
    const hosts = sidecar?.kind === "Sidecar" ? sidecar.spec.egress.flatMap((e) => e.hosts) : undefined;
    const imported = (ns: string, h: string) =>
      !hosts ||
      hosts.some((entry) => {
        const [n, name] = entry.split("/");
        const nsOk = n === "*" || (n === "." ? from.namespace : n) === ns;
        return nsOk && (name === "*" || (name.startsWith("*.") ? h.endsWith(name.slice(1)) : h === name));
      });
    const fqdn = /^([a-z0-9-]+)\.([a-z0-9-]+)\.svc\.cluster\.local$/.exec(host);
    if (fqdn && !imported(fqdn[2], host)) {
      const strict = mine.some(
        (o) =>
          o.kind === "PeerAuthentication" &&
          o.metadata.namespace === fqdn[2] &&
          !("selector" in o.spec) &&
          o.spec.mtls.mode === "STRICT",
      );
      return strict ? { passthrough: true, ok: false, stage: Stage.Mtls } : { passthrough: true, ok: true };
    }
    const view = new Map(objects);
    view.set(
      from.cluster,
      mine.map((o) => {
        if (o.kind !== "ServiceEntry" && o.kind !== "VirtualService") return o;
        if (o.kind === "VirtualService" && o.spec.gateways?.length) return o;
        if (o.spec.hosts.every((h) => imported(o.metadata.namespace, h))) return o;
        return {
          ...o,
          spec: { ...o.spec, exportTo: o.spec.exportTo.filter((n) => n !== from.namespace) },
        } as MeshObject;
      }),
    );
    return new MeshSimulator(simMeshFromModel(build.model, view, { services })).call(from, host, port);
  }
});

function svc(name: string, namespace: string, port: number) {
  return {
    name,
    namespace,
    labels: { app: name },
    serviceAccount: name,
    ports: [{ port, targetPort: port, protocol: "HTTP" }],
  };
}

function expectDns(r: CallResult | { passthrough: true }): void {
  if (!("hops" in r) || r.ok) throw new Error(`expected a DNS refusal, got ${JSON.stringify(r)}`);
  expect(r.stage).toBe(Stage.Dns);
}

/**
 * istiod's webhook on Sidecar egress hosts (pkg/config/validation ValidateSidecar and
 * ValidateNamespaceSlashWildcardHostname, 1.29.6), written from the Go source: `namespace/dnsName`, the namespace
 * `*`, `.`, `~` or a DNS label, the name `*`, `*.suffix` or a fully qualified name; no partial wildcard, no
 * duplicate (a warning there; refused here), and at least one host per listener.
 */
function webhookEgressProblems(o: MeshObject): string[] {
  if (o.kind !== "Sidecar") return [`${o.kind} is not a Sidecar`];
  const label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
  const out: string[] = [];
  for (const listener of o.spec.egress) {
    if (listener.hosts.length === 0) out.push("egress listener must contain at least one host");
    if (new Set(listener.hosts).size !== listener.hosts.length) out.push("duplicated egress host");
    for (const h of listener.hosts) {
      const parts = h.split("/");
      if (parts.length !== 2) {
        out.push(`${h}: host must be of form namespace/dnsName`);
        continue;
      }
      const [ns, name] = parts;
      if (!["*", ".", "~"].includes(ns) && !(label.test(ns) && ns.length <= 63)) out.push(`${h}: invalid namespace`);
      if (name !== "*" && !name.includes(".")) out.push(`${h}: short names (non FQDN) are not allowed`);
      if (name.includes("*") && name !== "*" && !name.startsWith("*.")) out.push(`${h}: partial wildcard`);
      const labels = (name.startsWith("*.") ? name.slice(2) : name).split(".");
      if (name !== "*" && !labels.every((l) => label.test(l) && l.length <= 63)) out.push(`${h}: invalid domain`);
    }
  }
  return out;
}
