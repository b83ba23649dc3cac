import { auditExisting, auditWiring, Finding, managedObjects } from "../../sdk/src/mesh/audit";
import { MeshObject } from "../../sdk/src/mesh";
import { acmeBuild, bookinfoBuild } from "../helpers/fixtures";

/**
 * The audit behind `globalmesh check`: silent on a wiring as the design writes it, one finding per way of opening a
 * path wider than a spec can declare. The wiring here is written by hand (catalog of GlobalNamespace shop, run in c2,
 * called from c1), so these tests hold whatever the compiler does; the last ones run the compiled examples.
 */

const GW = "istio-gateways";
const HOST = "catalog.shop.example";
const SNI = `8082.${HOST}`;
const EGRESS = { istio: "egressgateway" };
const INGRESS = { istio: "ingressgateway" };
const principal = (sa: string) => `cluster.local/ns/${GW}/sa/${sa}`;
const C1_EGRESS = principal("istio-egressgateway-c1");
const C2_INGRESS = principal("istio-ingressgateway-c2");

function meta(name: string, namespace = GW, gns = "shop"): any {
  return {
    name,
    namespace,
    labels: {
      "app.kubernetes.io/managed-by": "globalmesh",
      "globalmesh.io/global-namespace": gns,
      "globalmesh.io/service": "catalog",
    },
    annotations: { "globalmesh.io/host": HOST },
  };
}
const NET = "networking.istio.io/v1";
const SEC = "security.istio.io/v1";
const port = { number: 8082, name: "http-catalog", protocol: "HTTP" };
const mtls = (ns: string): any => ({
  apiVersion: SEC,
  kind: "PeerAuthentication",
  metadata: meta("gns.shop.mtls", ns),
  spec: { mtls: { mode: "STRICT" } },
});

/** The client side (c1) and the serving side (c2) of one tunnel, as docs/security.md describes them. */
function wiring(): Map<string, any[]> {
  const c1 = [
    {
      apiVersion: NET,
      kind: "ServiceEntry",
      metadata: meta("gns.shop.catalog"),
      spec: {
        hosts: [HOST],
        addresses: ["241.0.0.10"],
        ports: [port],
        location: "MESH_INTERNAL",
        resolution: "DNS",
        exportTo: ["default", GW],
        endpoints: [{ address: "203.0.113.2", ports: { "http-catalog": 443 }, labels: {} }],
      },
    },
    {
      apiVersion: NET,
      kind: "VirtualService",
      metadata: meta("gns.shop.catalog"),
      spec: {
        hosts: [HOST],
        exportTo: ["default"],
        http: [
          { match: [{ port: 8082 }], route: [{ destination: { host: "egress", subset: "s", port: { number: 443 } } }] },
        ],
      },
    },
    {
      apiVersion: NET,
      kind: "DestinationRule",
      metadata: meta("gns.shop.catalog"),
      spec: {
        host: HOST,
        exportTo: [GW],
        trafficPolicy: {
          portLevelSettings: [
            {
              port: { number: 8082 },
              tls: { mode: "ISTIO_MUTUAL", sni: SNI, subjectAltNames: [`spiffe://${C2_INGRESS}`] },
            },
          ],
        },
      },
    },
    {
      apiVersion: NET,
      kind: "Gateway",
      metadata: meta("gns.shop.catalog.egress"),
      spec: {
        selector: EGRESS,
        servers: [
          { port: { number: 443, name: "tls-8082", protocol: "TLS" }, hosts: [SNI], tls: { mode: "ISTIO_MUTUAL" } },
        ],
      },
    },
    {
      apiVersion: NET,
      kind: "DestinationRule",
      metadata: meta("gns.shop.catalog.egress"),
      spec: {
        host: `istio-egressgateway.${GW}.svc.cluster.local`,
        exportTo: ["default"],
        subsets: [
          {
            name: "s",
            trafficPolicy: {
              portLevelSettings: [
                {
                  port: { number: 443 },
                  tls: { mode: "ISTIO_MUTUAL", sni: SNI, subjectAltNames: [`spiffe://${C1_EGRESS}`] },
                },
              ],
            },
          },
        ],
      },
    },
    {
      apiVersion: NET,
      kind: "VirtualService",
      metadata: meta("gns.shop.catalog.egress.8082"),
      spec: {
        hosts: [SNI],
        gateways: [`${GW}/gns.shop.catalog.egress`],
        exportTo: [GW],
        tcp: [{ match: [{ port: 443 }], route: [{ destination: { host: HOST, port: { number: 8082 } } }] }],
      },
    },
    {
      apiVersion: SEC,
      kind: "AuthorizationPolicy",
      metadata: meta("gns.shop.catalog.egress"),
      spec: {
        selector: { matchLabels: EGRESS },
        action: "ALLOW",
        rules: [{ from: [{ source: { namespaces: ["default"] } }], when: [{ key: "connection.sni", values: [SNI] }] }],
      },
    },
    mtls("default"),
  ];
  const local = "catalog.default.svc.cluster.local";
  const c2 = [
    {
      apiVersion: NET,
      kind: "ServiceEntry",
      metadata: meta("gns.shop.catalog"),
      spec: {
        hosts: [HOST],
        addresses: ["241.0.0.10"],
        ports: [port],
        location: "MESH_INTERNAL",
        resolution: "DNS",
        exportTo: ["default"],
        endpoints: [
          { address: local, ports: { "http-catalog": 8082 }, labels: { "security.istio.io/tlsMode": "istio" } },
        ],
      },
    },
    {
      apiVersion: NET,
      kind: "VirtualService",
      metadata: meta("gns.shop.catalog"),
      spec: {
        hosts: [HOST],
        exportTo: ["default"],
        http: [{ match: [{ port: 8082 }], route: [{ destination: { host: local, port: { number: 8082 } } }] }],
      },
    },
    {
      apiVersion: NET,
      kind: "Gateway",
      metadata: meta("gns.shop.catalog.ingress"),
      spec: {
        selector: INGRESS,
        servers: [
          {
            port: { number: 443, name: "tls-8082", protocol: "TLS" },
            hosts: [SNI],
            tls: { mode: "ISTIO_MUTUAL", subjectAltNames: [`spiffe://${C1_EGRESS}`] },
          },
        ],
      },
    },
    {
      apiVersion: NET,
      kind: "VirtualService",
      metadata: meta("gns.shop.catalog.ingress.8082"),
      spec: {
        hosts: [SNI],
        gateways: [`${GW}/gns.shop.catalog.ingress`],
        exportTo: [GW],
        tcp: [{ match: [{ port: 443 }], route: [{ destination: { host: local, port: { number: 8082 } } }] }],
      },
    },
    {
      apiVersion: NET,
      kind: "DestinationRule",
      metadata: meta("gns.shop.catalog.ingress"),
      spec: {
        host: local,
        workloadSelector: { matchLabels: INGRESS },
        exportTo: [GW],
        trafficPolicy: {
          portLevelSettings: [
            {
              port: { number: 8082 },
              connectionPool: { http: { useClientProtocol: true } },
              tls: { mode: "ISTIO_MUTUAL" },
            },
          ],
        },
      },
    },
    {
      apiVersion: SEC,
      kind: "AuthorizationPolicy",
      metadata: meta("gns.shop.catalog.ingress"),
      spec: {
        selector: { matchLabels: INGRESS },
        action: "ALLOW",
        rules: [{ from: [{ source: { principals: [C1_EGRESS] } }], when: [{ key: "connection.sni", values: [SNI] }] }],
      },
    },
    mtls("default"),
  ];
  return new Map([
    ["c1", c1],
    ["c2", c2],
  ]);
}

/** The wiring with one object of one cluster edited. */
function tampered(cluster: string, kind: string, name: string, edit: (o: any) => void): Map<string, MeshObject[]> {
  const w = wiring();
  const o = w.get(cluster)!.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind} ${name} in ${cluster}`);
  edit(o);
  return w;
}
const audit = (w: Map<string, any[]>): Finding[] => auditWiring(w);
const whats = (w: Map<string, any[]>) => audit(w).map((f) => `${f.cluster} ${f.object}: ${f.what}`);

test("the wiring as designed: no finding", () => {
  expect(audit(wiring())).toEqual([]);
});

describe("exportTo wider than the GlobalNamespace", () => {
  test.each([
    ["ServiceEntry", (o: any) => (o.spec.exportTo = ["default", "*"]), 'exportTo contains "*"'],
    ["VirtualService", (o: any) => delete o.spec.exportTo, "exportTo is absent"],
    ["DestinationRule", (o: any) => (o.spec.exportTo = []), "exportTo is empty"],
  ])("%s: %#", (kind, edit, what) => {
    const found = audit(tampered("c1", kind, "gns.shop.catalog", edit));
    expect(found).toEqual([
      { cluster: "c1", object: `${kind}/${GW}/gns.shop.catalog`, what, why: expect.stringMatching(/every namespace/) },
    ]);
    expect(found[0].why).toMatch(/outside the GlobalNamespace/);
  });
});

describe("AuthorizationPolicy sources", () => {
  const policy = (cluster: string, edit: (rule: any) => void) =>
    whats(
      tampered(cluster, "AuthorizationPolicy", `gns.shop.catalog.${cluster === "c1" ? "egress" : "ingress"}`, (o) =>
        edit(o.spec.rules[0]),
      ),
    );

  test.each([
    ["c2", (r: any) => (r.from[0].source.principals = ["*"]), 'rules[0].from[0].source.principals contains "*"'],
    [
      "c2",
      (r: any) => (r.from[0].source.principals = [principal("*")]),
      `rules[0].from[0].source.principals contains "${principal("*")}"`,
    ],
    [
      "c2",
      (r: any) => (r.from[0].source.principals = ["*/sa/istio-egressgateway-c1"]),
      'rules[0].from[0].source.principals contains "*/sa/istio-egressgateway-c1"',
    ],
    [
      "c1",
      (r: any) => (r.from[0].source.namespaces = ["prod-*"]),
      'rules[0].from[0].source.namespaces contains "prod-*"',
    ],
    ["c1", (r: any) => (r.from[0].source = {}), "rules[0].from[0].source names no principals or namespaces"],
    ["c1", (r: any) => delete r.from, 'rules[0] (ALLOW) has no "from"'],
    ["c1", (r: any) => (r.from = []), 'rules[0] (ALLOW) has no "from"'],
  ])("%s %#: a wildcard or a missing source is a finding", (cluster, edit, what) => {
    const object = `AuthorizationPolicy/${GW}/gns.shop.catalog.${cluster === "c1" ? "egress" : "ingress"}`;
    // The egress server has no SANs (its callers are workloads): that policy was its only check, so it is open too.
    // The ingress server still checks its callers by subjectAltNames.
    const server = `c1 Gateway/${GW}/gns.shop.catalog.egress: servers[0] (port 443, hosts ${SNI}): ISTIO_MUTUAL without subjectAltNames, and the AuthorizationPolicy rules that admit ${SNI} by connection.sni name no exact caller`;
    expect(policy(cluster, edit)).toEqual([`${cluster} ${object}: ${what}`, ...(cluster === "c1" ? [server] : [])]);
  });

  test("an ALLOW rule at a gateway without connection.sni opens every tunnel of the gateway", () => {
    // The server it was the identity check of is open too: two views of one hole.
    expect(policy("c1", (r) => delete r.when)).toEqual([
      `c1 AuthorizationPolicy/${GW}/gns.shop.catalog.egress: rules[0] (ALLOW, at a gateway) has no connection.sni condition`,
      `c1 Gateway/${GW}/gns.shop.catalog.egress: servers[0] (port 443, hosts ${SNI}): ISTIO_MUTUAL without subjectAltNames, and no AuthorizationPolicy on its gateway admits ${SNI} by connection.sni`,
    ]);
    expect(policy("c1", (r) => (r.when[0].values = ["*.shop.example"]))).toEqual([
      `c1 AuthorizationPolicy/${GW}/gns.shop.catalog.egress: rules[0]: connection.sni value "*.shop.example" is a wildcard`,
    ]);
  });

  test("a DENY rule with a wildcard closes paths, never opens one: no finding", () => {
    const w = tampered("c2", "AuthorizationPolicy", "gns.shop.catalog.ingress", (o) => {
      o.spec.action = "DENY";
      o.spec.rules[0].from[0].source.principals = ["*"];
    });
    // Without its ALLOW, the ingress server still checks its callers by subjectAltNames.
    expect(audit(w)).toEqual([]);
  });
});

describe("gateway servers without an identity check", () => {
  test("an egress server (no SANs: callers are workloads) with its AuthorizationPolicy gone", () => {
    const w = wiring();
    w.set(
      "c1",
      w.get("c1")!.filter((o) => o.kind !== "AuthorizationPolicy"),
    );
    const found = audit(w);
    expect(found.map((f) => `${f.object}: ${f.what}`)).toEqual([
      `Gateway/${GW}/gns.shop.catalog.egress: servers[0] (port 443, hosts ${SNI}): ISTIO_MUTUAL without subjectAltNames, and no AuthorizationPolicy on its gateway admits ${SNI} by connection.sni`,
    ]);
    expect(found[0].why).toMatch(/any certificate of the mesh's root opens it/);
  });

  test("a policy for other server names, or for other pods, does not cover it", () => {
    const otherSni = tampered("c1", "AuthorizationPolicy", "gns.shop.catalog.egress", (o) => {
      o.spec.rules[0].when[0].values = ["9090.other.shop.example"];
    });
    expect(audit(otherSni).map((f) => f.object)).toEqual([`Gateway/${GW}/gns.shop.catalog.egress`]);
    const otherPods = tampered("c1", "AuthorizationPolicy", "gns.shop.catalog.egress", (o) => {
      o.spec.selector.matchLabels = { istio: "ingressgateway" };
    });
    expect(audit(otherPods).map((f) => f.object)).toEqual([`Gateway/${GW}/gns.shop.catalog.egress`]);
  });

  test("covered by a DENY for every caller (no grant in the cluster): no finding; a DENY for some callers: a finding", () => {
    const denyAll = tampered("c1", "AuthorizationPolicy", "gns.shop.catalog.egress", (o) => {
      o.spec.action = "DENY";
      delete o.spec.rules[0].from;
    });
    expect(audit(denyAll)).toEqual([]);
    const denySome = tampered("c1", "AuthorizationPolicy", "gns.shop.catalog.egress", (o) => (o.spec.action = "DENY"));
    expect(audit(denySome).map((f) => f.object)).toEqual([`Gateway/${GW}/gns.shop.catalog.egress`]);
  });

  test("an ingress server checks its callers by SANs or by policy: either alone is enough, neither is a finding", () => {
    const noSans = tampered(
      "c2",
      "Gateway",
      "gns.shop.catalog.ingress",
      (o) => delete o.spec.servers[0].tls.subjectAltNames,
    );
    expect(audit(noSans)).toEqual([]);
    noSans.set(
      "c2",
      noSans.get("c2")!.filter((o) => o.kind !== "AuthorizationPolicy"),
    );
    expect(whats(noSans)).toEqual([
      `c2 Gateway/${GW}/gns.shop.catalog.ingress: servers[0] (port 443, hosts ${SNI}): ISTIO_MUTUAL without subjectAltNames, and no AuthorizationPolicy on its gateway admits ${SNI} by connection.sni`,
    ]);
  });

  test("an ingress server without SANs whose policy admits any principal: both are findings", () => {
    const w = tampered(
      "c2",
      "Gateway",
      "gns.shop.catalog.ingress",
      (o) => delete o.spec.servers[0].tls.subjectAltNames,
    );
    const policy: any = w.get("c2")!.find((o) => o.kind === "AuthorizationPolicy")!;
    policy.spec.rules[0].from[0].source.principals = ["*"];
    const found = audit(w);
    expect(found.map((f) => `${f.cluster} ${f.object}: ${f.what}`)).toEqual([
      `c2 AuthorizationPolicy/${GW}/gns.shop.catalog.ingress: rules[0].from[0].source.principals contains "*"`,
      `c2 Gateway/${GW}/gns.shop.catalog.ingress: servers[0] (port 443, hosts ${SNI}): ISTIO_MUTUAL without subjectAltNames, and the AuthorizationPolicy rules that admit ${SNI} by connection.sni name no exact caller`,
    ]);
    expect(found[1].why).toMatch(/^nothing checks its callers exactly: the handshake takes any certificate/);
    // Another rule that names its callers exactly for the same server name checks them: the server is covered again.
    policy.spec.rules.push({
      from: [{ source: { principals: [C1_EGRESS] } }],
      when: [{ key: "connection.sni", values: [SNI] }],
    });
    expect(audit(w).map((f) => f.object)).toEqual([`AuthorizationPolicy/${GW}/gns.shop.catalog.ingress`]);
  });

  test("objects edited by hand with empty entries (null) are read, not crashed on", () => {
    const w = wiring();
    const c1 = w.get("c1")!;
    c1.find((o) => o.kind === "Gateway").spec.servers.push(null);
    c1.find((o) => o.kind === "AuthorizationPolicy").spec.rules.push(null);
    c1.find((o) => o.kind === "ServiceEntry").spec.endpoints.push(null);
    const rule = c1.find((o) => o.kind === "DestinationRule");
    rule.spec.trafficPolicy.portLevelSettings.push(null);
    rule.spec.subsets = [null];
    expect(whats(w)).toEqual([
      `c1 AuthorizationPolicy/${GW}/gns.shop.catalog.egress: rules[1] (ALLOW) has no "from"`,
      `c1 AuthorizationPolicy/${GW}/gns.shop.catalog.egress: rules[1] (ALLOW, at a gateway) has no connection.sni condition`,
      `c1 Gateway/${GW}/gns.shop.catalog.egress: servers[1] (port ?, hosts none): tls absent`,
    ]);
  });

  test("a tunnel server turned AUTO_PASSTHROUGH: its host is no namespace, so it is read as an open passthrough", () => {
    const w = tampered(
      "c2",
      "Gateway",
      "gns.shop.catalog.ingress",
      (o) => (o.spec.servers[0].tls = { mode: "AUTO_PASSTHROUGH" }),
    );
    expect(whats(w)).toEqual([
      `c2 Gateway/${GW}/gns.shop.catalog.ingress: servers[0] (port 443, hosts ${SNI}): host "${SNI}" is not one namespace (*.<namespace>.svc.cluster.local)`,
    ]);
  });

  test.each(["SIMPLE", "PASSTHROUGH", "OPTIONAL_MUTUAL"])("a server in %s mode", (mode) => {
    const w = tampered("c2", "Gateway", "gns.shop.catalog.ingress", (o) => (o.spec.servers[0].tls = { mode }));
    expect(whats(w)).toEqual([
      `c2 Gateway/${GW}/gns.shop.catalog.ingress: servers[0] (port 443, hosts ${SNI}): tls mode ${mode}`,
    ]);
  });

  test("a server without TLS, and a wildcard server name", () => {
    const plain = tampered("c2", "Gateway", "gns.shop.catalog.ingress", (o) => delete o.spec.servers[0].tls);
    expect(whats(plain)).toEqual([
      `c2 Gateway/${GW}/gns.shop.catalog.ingress: servers[0] (port 443, hosts ${SNI}): tls absent`,
    ]);
    const wildcard = tampered("c2", "Gateway", "gns.shop.catalog.ingress", (o) => (o.spec.servers[0].hosts = ["*"]));
    expect(whats(wildcard)).toEqual([
      `c2 Gateway/${GW}/gns.shop.catalog.ingress: servers[0] (port 443, hosts *): host "*" is a wildcard`,
    ]);
  });
});

describe("TLS origination without the far end's identity", () => {
  test("the tunnel to the remote ingress without subjectAltNames", () => {
    const w = tampered("c1", "DestinationRule", "gns.shop.catalog", (o) => {
      delete o.spec.trafficPolicy.portLevelSettings[0].tls.subjectAltNames;
    });
    const found = audit(w);
    expect(found.map((f) => `${f.object}: ${f.what}`)).toEqual([
      `DestinationRule/${GW}/gns.shop.catalog: trafficPolicy.portLevelSettings[0] (port 8082) tls: ISTIO_MUTUAL with sni "${SNI}" but no subjectAltNames`,
    ]);
    expect(found[0].why).toMatch(/far end's identity is unchecked/);
  });

  test("the sidecar's hop to its egress gateway (a subset) without subjectAltNames", () => {
    const w = tampered("c1", "DestinationRule", "gns.shop.catalog.egress", (o) => {
      o.spec.subsets[0].trafficPolicy.portLevelSettings[0].tls.subjectAltNames = [];
    });
    expect(whats(w)).toEqual([
      `c1 DestinationRule/${GW}/gns.shop.catalog.egress: subsets[0] (s) trafficPolicy.portLevelSettings[0] (port 443) tls: ISTIO_MUTUAL with sni "${SNI}" but no subjectAltNames`,
    ]);
  });

  test("the ingress hop's rule (workloadSelector, local destination, no sni) needs none", () => {
    const ingressRule = wiring()
      .get("c2")!
      .find((o) => o.kind === "DestinationRule");
    expect(ingressRule.spec.workloadSelector).toBeDefined();
    expect(ingressRule.spec.trafficPolicy.portLevelSettings[0].tls).toEqual({ mode: "ISTIO_MUTUAL" });
    expect(audit(wiring())).toEqual([]);
  });
});

describe("DestinationRules Istio would not merge", () => {
  /** A second service's egress subsets: the same host (the egress gateway Service) in the same namespace. */
  const secondSubsets = (w: Map<string, any[]>, exportTo: string[], workloadSelector?: object) => {
    const first = w
      .get("c1")!
      .find((o) => o.kind === "DestinationRule" && o.metadata.name === "gns.shop.catalog.egress");
    const copy = JSON.parse(JSON.stringify(first));
    copy.metadata.name = "gns.shop.users.egress";
    copy.spec.exportTo = exportTo;
    if (workloadSelector) copy.spec.workloadSelector = workloadSelector;
    w.get("c1")!.push(copy);
  };

  test("one host in one namespace with different exportTo: an error on the second", () => {
    const w = wiring();
    secondSubsets(w, ["default", "web", GW]);
    expect(whats(w)).toEqual([
      `c1 DestinationRule/${GW}/gns.shop.users.egress: DestinationRules on one host in one namespace with different exportTo: host istio-egressgateway.${GW}.svc.cluster.local in ${GW}, exportTo [default,${GW},web] here and [default] in DestinationRule/${GW}/gns.shop.catalog.egress, both seen from default`,
    ]);
    expect(audit(w)[0].why).toMatch(/keeps one and loses the other's subsets/);
  });

  test("rules no namespace sees together (two GlobalNamespaces' namespaces, the gateways' own aside) are fine", () => {
    const w = wiring();
    secondSubsets(w, ["web", GW]);
    expect(audit(w)).toEqual([]);
  });

  test("the same exportTo in another order, or a workloadSelector, is fine", () => {
    const w = wiring();
    secondSubsets(w, ["default", "default"]);
    expect(audit(w)).toEqual([]);
    const v = wiring();
    secondSubsets(v, ["web", GW], { matchLabels: { app: "x" } });
    expect(audit(v)).toEqual([]);
  });
});

describe("STRICT mTLS, told from the objects", () => {
  test("the serving namespace without its PeerAuthentication, while the GlobalNamespace is STRICT elsewhere", () => {
    const w = wiring();
    w.set(
      "c2",
      w.get("c2")!.filter((o) => o.kind !== "PeerAuthentication"),
    );
    const found = audit(w);
    expect(found.map((f) => `${f.cluster} ${f.object}: ${f.what}`)).toEqual([
      `c2 ServiceEntry/${GW}/gns.shop.catalog: namespace default runs ${HOST} but has no namespace-wide STRICT PeerAuthentication, while GlobalNamespace shop is STRICT`,
    ]);
    expect(found[0].why).toMatch(/accept plain text/);
  });

  test("no PeerAuthentication anywhere (mtls: PERMISSIVE, or not knowable): no finding", () => {
    const w = wiring();
    for (const [c, list] of w)
      w.set(
        c,
        list.filter((o) => o.kind !== "PeerAuthentication"),
      );
    expect(audit(w)).toEqual([]);
  });

  test("a calling-only namespace without one: nothing of the mesh runs there, no finding", () => {
    const w = wiring();
    w.set(
      "c1",
      w.get("c1")!.filter((o) => o.kind !== "PeerAuthentication"),
    );
    expect(audit(w)).toEqual([]);
  });

  test("one of ours in PERMISSIVE mode", () => {
    const w = tampered("c1", "PeerAuthentication", "gns.shop.mtls", (o) => (o.spec.mtls.mode = "PERMISSIVE"));
    expect(whats(w)).toEqual([
      "c1 PeerAuthentication/default/gns.shop.mtls: mtls mode PERMISSIVE (globalmesh writes only STRICT)",
    ]);
  });
});

test("findings are sorted by cluster, object and what", () => {
  const w = tampered("c2", "ServiceEntry", "gns.shop.catalog", (o) => (o.spec.exportTo = ["*"]));
  for (const o of w.get("c1")!)
    if (
      o.kind !== "Gateway" &&
      o.kind !== "PeerAuthentication" &&
      o.kind !== "AuthorizationPolicy" &&
      o.kind !== "Sidecar"
    )
      o.spec.exportTo = ["*"];
  const found = audit(w);
  expect(found.map((f) => `${f.cluster} ${f.object}`)).toEqual([
    `c1 DestinationRule/${GW}/gns.shop.catalog`,
    `c1 DestinationRule/${GW}/gns.shop.catalog.egress`,
    `c1 ServiceEntry/${GW}/gns.shop.catalog`,
    `c1 VirtualService/${GW}/gns.shop.catalog`,
    `c1 VirtualService/${GW}/gns.shop.catalog.egress.8082`,
    `c2 ServiceEntry/${GW}/gns.shop.catalog`,
  ]);
});

// Depends on the compiler (sdk/src/mesh/compile.ts as issue 9 rewrites it): the examples compile to a wiring the
// audit finds nothing in. Before that compiler, every object was exported to "*" and this test failed.
test("the compiled acme-fitness and bookinfo wirings: no finding (depends on the issue-9 compiler)", () => {
  for (const build of [acmeBuild(), bookinfoBuild()]) {
    expect(build.compiled.objects.size).toBeGreaterThan(1);
    expect(auditWiring(build.compiled.objects)).toEqual([]);
  }
});

describe("objects already in the clusters (check --existing)", () => {
  const ours = wiring();
  const label = (gns?: string) =>
    gns === undefined ? {} : { "app.kubernetes.io/managed-by": "globalmesh", "globalmesh.io/global-namespace": gns };
  const peerAuth = (
    name: string,
    labels: object,
    spec: object = { mtls: { mode: "STRICT" } },
    namespace = "default",
  ) => ({
    apiVersion: "security.istio.io/v1beta1",
    kind: "PeerAuthentication",
    metadata: { name, namespace, labels },
    spec,
  });
  const existing = (...objects: unknown[]) => auditExisting(ours, new Map([["c2", objects]]));

  test("a namespace-wide PeerAuthentication that is not ours, where we write one", () => {
    const found = existing(peerAuth("default", {}, { mtls: { mode: "PERMISSIVE" } }));
    expect(found).toEqual([
      {
        cluster: "c2",
        object: "PeerAuthentication/default/default",
        what: "a namespace-wide PeerAuthentication (mtls PERMISSIVE) already exists in namespace default, not managed by globalmesh, where GlobalNamespace shop writes PeerAuthentication/default/gns.shop.mtls",
        why: expect.stringMatching(/^Istio honours only the oldest namespace-wide PeerAuthentication of a namespace/),
      },
    ]);
    expect(existing(peerAuth("gns.other.mtls", label("other")))[0].what).toMatch(/owned by GlobalNamespace other/);
  });

  test("ours, one with a selector, one in another namespace, one with an empty selector", () => {
    expect(existing(peerAuth("gns.shop.mtls", label("shop")))).toEqual([]);
    expect(
      existing(peerAuth("web", {}, { selector: { matchLabels: { app: "web" } }, mtls: { mode: "PERMISSIVE" } })),
    ).toEqual([]);
    expect(existing(peerAuth("default", {}, undefined, "payments"))).toEqual([]);
    expect(existing(peerAuth("default", {}, { selector: { matchLabels: {} } }))).toHaveLength(1);
  });

  test("an object of the same kind and name that this GlobalNamespace does not own", () => {
    const theirs = (labels: object, apiVersion = "networking.istio.io/v1beta1") => ({
      apiVersion,
      kind: "Gateway",
      metadata: { name: "gns.shop.catalog.ingress", namespace: GW, labels },
      spec: {},
    });
    expect(existing(theirs({}))).toEqual([
      {
        cluster: "c2",
        object: `Gateway/${GW}/gns.shop.catalog.ingress`,
        what: "exists already, not managed by globalmesh; GlobalNamespace shop writes an object of that name",
        why: expect.stringMatching(/would take it over/),
      },
    ]);
    expect(existing(theirs(label("other")))[0].what).toMatch(/^exists already, owned by GlobalNamespace other/);
    expect(existing(theirs(label("shop")))).toEqual([]);
    // A Gateway API Gateway of the same name is another resource.
    expect(existing(theirs({}, "gateway.networking.k8s.io/v1"))).toEqual([]);
  });

  test("kubectl's List is unpacked; a cluster we write nothing to, or an object without a name, is skipped", () => {
    const list = {
      apiVersion: "v1",
      kind: "List",
      items: [peerAuth("default", {}), { kind: "ConfigMap", metadata: {} }],
    };
    expect(existing(list).map((f) => f.object)).toEqual(["PeerAuthentication/default/default"]);
    expect(auditExisting(ours, new Map([["c9", [peerAuth("default", {})]]]))).toEqual([]);
  });

  test("globalmesh's own objects among them, as the audit reads them: edited ones are findings", () => {
    const edited = wiring().get("c2")!;
    edited.find((o) => o.kind === "VirtualService").spec.exportTo = ["*"];
    const foreign = { apiVersion: NET, kind: "VirtualService", metadata: { name: "theirs", namespace: "web" } };
    const gatewayApi = { ...edited.find((o) => o.kind === "Gateway"), apiVersion: "gateway.networking.k8s.io/v1" };
    const noNamespace = { ...mtls("x"), metadata: { name: "gns.shop.mtls", labels: meta("x").labels } };
    const found = new Map([
      ["c2", [{ apiVersion: "v1", kind: "List", items: edited }, foreign, gatewayApi, noNamespace]],
    ]);
    const managed = managedObjects(found).get("c2")!;
    expect(managed.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
      ...edited.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`),
      "PeerAuthentication/default/gns.shop.mtls",
    ]);
    expect(auditWiring(managedObjects(found)).map((f) => `${f.cluster} ${f.object}: ${f.what}`)).toEqual([
      `c2 VirtualService/${GW}/gns.shop.catalog: exportTo contains "*"`,
    ]);
    // Unedited, they pass; an object without a spec is read as an empty one.
    expect(auditWiring(managedObjects(new Map([["c2", wiring().get("c2")!]])))).toEqual([]);
    const bare = { apiVersion: NET, kind: "Gateway", metadata: meta("bare") };
    expect(auditWiring(managedObjects(new Map([["c2", [bare]]])))).toEqual([]);
  });
});
