/**
 * The hop-by-hop follower in east-west mode, on a hand-built mesh in the contract's shapes
 * (test/helpers/sim/eastWestFixture.ts): one mTLS session from the caller's sidecar to the destination's, through the
 * owner's east-west gateway, which routes by SNI without terminating (AUTO_PASSTHROUGH, as pilot 1.29 builds it);
 * Envoy's endpoint priorities as istiod computes them; the destination deciding with the caller's own identity.
 */
import { API_NETWORKING, API_SECURITY } from "../../sdk/src/mesh";
import { AuthorizationPolicyObject } from "../../sdk/src/mesh/istio/types";
import { istioSchemaProblems } from "../helpers/istioSchema";
import { CallResult, MeshSimulator, outboundSni, rankEndpoints, Refused, SimMesh, Stage } from "../helpers/sim";
import {
  allowMembers,
  LOCALITY,
  BASE,
  CART_FQDN,
  CLUSTER_LABEL,
  EAST_WEST_LABELS,
  eastWestAddress,
  eastWestMesh,
  GW,
  HOST,
  HTTP_PORT,
  named,
  NS,
  objectsOf,
  PASSTHROUGH,
  passthroughGateway,
  principalOf,
  serviceEntry,
  sni,
  TCP_PORT,
  uri,
  VAULT_FQDN,
} from "../helpers/sim/eastWestFixture";

const FRONTEND_C1 = { cluster: "c1", namespace: NS, serviceAccount: "frontend" };
const FRONTEND_C2 = { cluster: "c2", namespace: NS, serviceAccount: "frontend" };
const CART_POD = uri(principalOf(NS, "cart"));

function refused(r: CallResult): Refused {
  if (r.ok) throw new Error(`expected a refusal, reached ${JSON.stringify(r.reached)}`);
  return r;
}

function reached(r: CallResult) {
  if (!r.ok) throw new Error(`refused at ${r.refusedAt} (${r.stage}): ${r.reason}`);
  return r;
}

function sim(change: (mesh: SimMesh) => void = () => {}, opts: { trustDomains?: boolean } = {}): MeshSimulator {
  const mesh = eastWestMesh(opts);
  change(mesh);
  return new MeshSimulator(mesh);
}

/** The contract's first draft: `failoverPriority: [topology.istio.io/cluster]` on every port of every rule. */
function withFailoverPriority(mesh: SimMesh): void {
  for (const c of ["c1", "c2", "c3"]) {
    const dr = named(objectsOf(mesh, c), "DestinationRule", BASE);
    for (const l of dr.spec.trafficPolicy?.portLevelSettings ?? [])
      l.loadBalancer = { localityLbSetting: { enabled: true, failoverPriority: [CLUSTER_LABEL] } };
  }
}

test("the hand-built objects validate against Istio's CRD schemas and webhook checks", () => {
  expect([...eastWestMesh().objects.values()].flat().flatMap(istioSchemaProblems)).toEqual([]);
});

describe("the path: one mTLS session, end to end", () => {
  test("c1 frontend → cart.shop.example:8080: sidecar → c2 east-west gateway (passthrough) → cart, which sees the caller", () => {
    const r = reached(sim().call(FRONTEND_C1, HOST, HTTP_PORT, { via: "c2" }));
    expect(r.reached).toEqual({ cluster: "c2", fqdn: CART_FQDN, port: HTTP_PORT });
    expect(r.hops.map((h) => h.proxy)).toEqual([
      "c1 sidecar shop/frontend",
      "c2 east-west gateway",
      "c2 workload cart.shop",
    ]);
    const [sidecar, gateway, workload] = r.hops;
    expect(sidecar.to).toEqual({
      host: HOST,
      port: HTTP_PORT,
      address: `${eastWestAddress("c2")}:15443`,
      tls: {
        mode: "ISTIO_MUTUAL",
        sni: sni(HTTP_PORT),
        expectedServer: [CART_POD],
        from: `DestinationRule/${GW}/${BASE}`,
      },
    });
    // The gateway sees the SNI only: no certificate of its own, none checked, no policy.
    expect(gateway).toMatchObject({
      sni: sni(HTTP_PORT),
      passthrough: true,
      policies: [],
      objects: [`Gateway/${GW}/${PASSTHROUGH}`],
      to: { host: CART_FQDN, port: HTTP_PORT, tls: { sni: sni(HTTP_PORT), expectedServer: [CART_POD] } },
    });
    expect(gateway.certificate).toBeUndefined();
    expect(gateway.peerCertificate).toBeUndefined();
    expect(workload).toMatchObject({
      peerCertificate: uri(principalOf(NS, "frontend")),
      certificate: CART_POD,
      mtls: true,
      policies: [{ policy: `${NS}/${BASE}`, action: "ALLOW", matchedRule: 0 }],
    });
  });

  test("callEach reaches cart in c2 and c3, on the HTTP and the TCP port", () => {
    const s = sim();
    for (const port of [HTTP_PORT, TCP_PORT])
      expect(s.callEach(FRONTEND_C1, HOST, port).map((r) => (r.ok ? r.reached.cluster : r.reason))).toEqual([
        "c2",
        "c3",
      ]);
  });

  test("the client refuses a pod whose certificate is not among the rule's subjectAltNames", () => {
    const r = refused(
      sim((m) => {
        const dr = named(objectsOf(m, "c1"), "DestinationRule", BASE);
        for (const l of dr.spec.trafficPolicy?.portLevelSettings ?? [])
          l.tls.subjectAltNames = [uri(principalOf(NS, "payments"))];
      }).call(FRONTEND_C1, HOST, HTTP_PORT, { via: "c2" }),
    );
    // Refused by the caller's sidecar, on the certificate of cart's pod: the gateway took no part.
    expect(r).toMatchObject({ stage: Stage.ClientTls, refusedAt: "c1 sidecar shop/frontend" });
    expect(r.reason).toContain(CART_POD);
  });
});

describe("endpoint order: Envoy priorities as istiod 1.29 computes them", () => {
  test("by locality: from c1 (us-east/a), c2 (us-east/b) first, then c3 (eu-west/a); c2's callers keep to c2", () => {
    const s = sim();
    const r = reached(s.call(FRONTEND_C1, HOST, HTTP_PORT));
    expect(r.priorities).toEqual([["c2"], ["c3"]]);
    expect(r.reached.cluster).toBe("c2");
    const local = reached(s.call(FRONTEND_C2, HOST, HTTP_PORT));
    expect(local.priorities).toEqual([["c2"], ["c3"]]);
    expect(local.hops.map((h) => h.proxy)).toEqual(["c2 sidecar shop/frontend", "c2 workload cart.shop"]);
  });

  test("the local Service without a locality ranks as another region: tied with c3", () => {
    const s = sim((m) => {
      const se = named(objectsOf(m, "c2"), "ServiceEntry", BASE);
      for (const e of se.spec.endpoints) if (e.address === CART_FQDN) delete e.locality;
    });
    expect(reached(s.call(FRONTEND_C2, HOST, HTTP_PORT)).priorities).toEqual([["c2", "c3"]]);
  });

  test("two owners in the same locality tie: the local instance is not first", () => {
    const s = sim((m) => {
      m.clusters.find((c) => c.name === "c3")!.locality = LOCALITY.c2;
      const se = named(objectsOf(m, "c2"), "ServiceEntry", BASE);
      for (const e of se.spec.endpoints) e.locality = LOCALITY.c2;
    });
    expect(reached(s.call(FRONTEND_C2, HOST, HTTP_PORT)).priorities).toEqual([["c2", "c3"]]);
  });

  test("failoverPriority on a DNS ServiceEntry ranks nothing, not even by locality (pilot: TODO for STRICT_DNS)", () => {
    const r = reached(sim(withFailoverPriority).call(FRONTEND_C2, HOST, HTTP_PORT));
    expect(r.priorities).toEqual([["c2", "c3"]]);
    expect(r.hops[0].notes.join("\n")).toMatch(/failoverPriority ignored: resolution DNS/);
  });

  test("on STATIC (EDS) it does not help either: istiod labels every ServiceEntry endpoint with its own cluster", () => {
    const byCluster = {
      outlierDetection: {},
      loadBalancer: { localityLbSetting: { enabled: true, failoverPriority: [CLUSTER_LABEL] } },
    };
    const endpoints = serviceEntry("c2").spec.endpoints;
    const proxy = { cluster: "c2", locality: LOCALITY.c2, labels: {} };
    expect(rankEndpoints(endpoints, "STATIC", byCluster, proxy).priorities).toEqual([0, 0]);
    // A label istiod does not overwrite, with the proxy's value given (`label=value`), ranks on EDS, not on DNS.
    const own = endpoints.map((e) => ({
      ...e,
      labels: { ...e.labels, "example.com/cluster": e.labels[CLUSTER_LABEL] },
    }));
    const byOwn = {
      outlierDetection: {},
      loadBalancer: { localityLbSetting: { enabled: true, failoverPriority: ["example.com/cluster=c2"] } },
    };
    expect(rankEndpoints(own, "STATIC", byOwn, proxy).priorities).toEqual([0, 1]);
    expect(rankEndpoints(own, "DNS", byOwn, proxy).priorities).toEqual([0, 0]);
  });

  test("failover: with c2's cart failing, outlier detection ejects it and c2's callers reach c3's cart", () => {
    const s = sim();
    const r = reached(s.call(FRONTEND_C2, HOST, HTTP_PORT, { down: ["c2"] }));
    expect(r.hops.map((h) => h.proxy)).toEqual([
      "c2 sidecar shop/frontend",
      "c3 east-west gateway",
      "c3 workload cart.shop",
    ]);
    expect(r.hops[2].peerCertificate).toBe(uri(principalOf(NS, "frontend")));
    expect(refused(s.call(FRONTEND_C2, HOST, HTTP_PORT, { down: ["c2", "c3"] })).reason).toMatch(/^every endpoint/);
  });

  test("without outlierDetection istiod ranks nothing (Envoy would never fail over)", () => {
    const s = sim((m) => {
      for (const l of named(objectsOf(m, "c1"), "DestinationRule", BASE).spec.trafficPolicy?.portLevelSettings ?? [])
        delete l.outlierDetection;
    });
    const r = reached(s.call(FRONTEND_C1, HOST, HTTP_PORT));
    expect(r.priorities).toEqual([["c2", "c3"]]);
    expect(r.hops[0].notes.join()).toMatch(/no outlierDetection/);
    expect(refused(s.call(FRONTEND_C1, HOST, HTTP_PORT, { down: ["c2"] })).reason).toMatch(
      /is down, and no outlierDetection ejects it/,
    );
  });
});

describe("the east-west gateway routes only Istio outbound SNIs of the Services its hosts cover", () => {
  const member = { principal: principalOf(NS, "frontend") };
  const toC2 = { cluster: "c2", gateway: "east-west" as const };

  test("a Service outside the mapped namespaces (vault in `other`) has no filter chain", () => {
    const r = refused(sim().dial(member, toC2, `outbound_.8200_._.${VAULT_FQDN}`));
    expect(r).toMatchObject({ stage: Stage.Server, refusedAt: "c2 east-west gateway" });
    expect(r.reason).toMatch(/^no filter chain for SNI outbound_.8200_._.vault.other/);
  });

  test("the global name, a tunnel name, an unknown port or no SNI: no filter chain", () => {
    const s = sim();
    for (const name of [HOST, `${HTTP_PORT}.${HOST}`, `outbound_.9999_._.${CART_FQDN}`, undefined])
      expect(refused(s.dial(member, toC2, name))).toMatchObject({
        stage: Stage.Server,
        refusedAt: "c2 east-west gateway",
      });
    expect(refused(s.dial({ tls: "DISABLE" }, toC2, undefined)).reason).toMatch(/^plain text/);
  });

  test("a cluster that runs nothing others call has no passthrough server", () => {
    const r = refused(sim().dial(member, { address: eastWestAddress("c1") }, sni(HTTP_PORT)));
    expect(r).toMatchObject({
      stage: Stage.Server,
      reason: "no Gateway server on port 15443 selects the east-west gateway",
    });
  });

  test("a namespace wildcard also opens that namespace's Services outside the GlobalNamespace; exact hosts do not", () => {
    // `admin` sits in the mapped namespace but is no global service (excluded, or created after the render): no
    // ALLOW policy selects its pods, so any certificate of the mesh's root that names its SNI gets in.
    const admin = { name: "admin", namespace: NS, labels: { app: "admin" }, serviceAccount: "admin" };
    const withAdmin = (hosts?: string[]) =>
      sim((m) => {
        m.clusters[1].services.push({ ...admin, ports: [{ port: 9000, targetPort: 9000, protocol: "HTTP" }] });
        if (hosts) named(objectsOf(m, "c2"), "Gateway", PASSTHROUGH).spec.servers[0].hosts = hosts;
      });
    const adminSni = outboundSni(9000, `admin.${NS}.svc.cluster.local`);
    const outsider = { principal: principalOf("other", "default") };
    expect(reached(withAdmin().dial(outsider, toC2, adminSni)).reached.fqdn).toBe(`admin.${NS}.svc.cluster.local`);
    const exact = withAdmin([CART_FQDN]);
    expect(refused(exact.dial(outsider, toC2, adminSni))).toMatchObject({ stage: Stage.Server });
    expect(exact.call(FRONTEND_C1, HOST, HTTP_PORT, { via: "c2" }).ok).toBe(true);
  });

  test("a wide host (`*.local`, as in Istio's sample) opens every Service of the cluster: vault is reached", () => {
    const s = sim((m) => {
      named(objectsOf(m, "c2"), "Gateway", PASSTHROUGH).spec.servers[0].hosts = ["*.local"];
    });
    const r = reached(s.dial(member, toC2, `outbound_.8200_._.${VAULT_FQDN}`));
    expect(r.reached).toMatchObject({ cluster: "c2", fqdn: VAULT_FQDN });
    expect(r.hops[0].notes.join()).toMatch(/wide host \*\.local/);
  });

  test("overlapping passthrough servers (another Gateway with `*.local`): Envoy rejects the listener, nothing passes", () => {
    const s = sim((m) => objectsOf(m, "c2").push(passthroughGateway(["*.local"], "istio-cross-network")));
    const r = refused(s.call(FRONTEND_C1, HOST, HTTP_PORT, { via: "c2" }));
    expect(r).toMatchObject({ stage: Stage.Server, refusedAt: "c2 east-west gateway" });
    expect(r.reason).toMatch(/^Envoy rejects the listener on port 15443: filter chains for SNI outbound_/);
    // c3 is unaffected.
    expect(s.call(FRONTEND_C1, HOST, HTTP_PORT, { via: "c3" }).ok).toBe(true);
  });

  test("the same host string on two Gateways: istiod skips the later server whole, and the first one serves", () => {
    const s = sim((m) => objectsOf(m, "c2").push(passthroughGateway([`*.${NS}.svc.cluster.local`], "zz-copy")));
    const r = reached(s.call(FRONTEND_C1, HOST, HTTP_PORT, { via: "c2" }));
    expect(r.hops[1].notes.join()).toMatch(/skipping server on Gateway\/istio-gateways\/zz-copy, duplicate host names/);
    expect(r.hops[1].objects).toEqual([`Gateway/${GW}/${PASSTHROUGH}`]);
  });

  test("a Service hidden from the gateways' namespace (networking.istio.io/exportTo) has no filter chain", () => {
    const s = sim((m) => {
      const cart = m.clusters.find((c) => c.name === "c2")!.services.find((x) => x.name === "cart")!;
      cart.exportTo = ["."];
    });
    expect(refused(s.call(FRONTEND_C1, HOST, HTTP_PORT, { via: "c2" }))).toMatchObject({ stage: Stage.Server });
  });

  test("host `*` also routes a MESH_INTERNAL ServiceEntry the gateways' namespace sees: the global name itself", () => {
    const globalSni = `outbound_.${HTTP_PORT}_._.${HOST}`;
    const wide = (exportToGateways: boolean) =>
      sim((m) => {
        named(objectsOf(m, "c2"), "Gateway", PASSTHROUGH).spec.servers[0].hosts = ["*"];
        if (exportToGateways) named(objectsOf(m, "c2"), "ServiceEntry", BASE).spec.exportTo = [NS, GW];
      }).dial(member, toC2, globalSni);
    // Exported to the mapped namespaces only, the entry is invisible to the gateway: no chain.
    expect(refused(wide(false))).toMatchObject({ stage: Stage.Server });
    const r = reached(wide(true));
    expect(r.hops.map((h) => h.proxy)).toEqual(["c2 east-west gateway", "c2 workload cart.shop"]);
    expect(r.hops[0].objects).toEqual([`Gateway/${GW}/${PASSTHROUGH}`, `ServiceEntry/${GW}/${BASE}`]);
    // Only endpoints labelled for Istio mTLS stay behind a passthrough chain: c3's gateway endpoint is not.
    const onlyRemote = sim((m) => {
      named(objectsOf(m, "c2"), "Gateway", PASSTHROUGH).spec.servers[0].hosts = ["*"];
      const se = named(objectsOf(m, "c2"), "ServiceEntry", BASE);
      se.spec.exportTo = [NS, GW];
      se.spec.endpoints = se.spec.endpoints.filter((e) => e.address !== CART_FQDN);
    }).dial(member, toC2, globalSni);
    expect(refused(onlyRemote).reason).toMatch(/no endpoints labelled for Istio mTLS/);
  });

  test("a subset of a DestinationRule the gateway sees gets its own chain (`outbound_.<port>_.<subset>_.<host>`)", () => {
    const subsetSni = outboundSni(HTTP_PORT, CART_FQDN, "v1");
    expect(refused(sim().dial(member, toC2, subsetSni))).toMatchObject({ stage: Stage.Server });
    const s = sim((m) =>
      objectsOf(m, "c2").push({
        apiVersion: API_NETWORKING,
        kind: "DestinationRule",
        metadata: { name: "cart-versions", namespace: NS, labels: {}, annotations: {} },
        spec: { host: CART_FQDN, exportTo: ["*"], subsets: [{ name: "v1", trafficPolicy: { portLevelSettings: [] } }] },
      }),
    );
    const r = reached(s.dial(member, toC2, subsetSni));
    expect(r.hops[0].to).toMatchObject({ host: CART_FQDN, subset: "v1" });
  });

  test("an AuthorizationPolicy on the east-west gateway does not apply to passthrough chains", () => {
    const denyAll: AuthorizationPolicyObject = {
      apiVersion: API_SECURITY,
      kind: "AuthorizationPolicy",
      metadata: { name: "deny-everything", namespace: GW, labels: {}, annotations: {} },
      spec: { selector: { matchLabels: EAST_WEST_LABELS }, action: "DENY", rules: [{}] },
    };
    const r = reached(sim((m) => objectsOf(m, "c2").push(denyAll)).call(FRONTEND_C1, HOST, HTTP_PORT, { via: "c2" }));
    expect(r.hops[1].policies).toEqual([]);
  });
});

describe("who gets in: the destination's sidecar decides, with the caller's own identity", () => {
  const toC2 = { cluster: "c2", gateway: "east-west" as const };

  test("a namespace outside the GlobalNamespace does not resolve the name", () => {
    const r = refused(sim().call({ cluster: "c1", namespace: "other", serviceAccount: "default" }, HOST, HTTP_PORT));
    expect(r).toMatchObject({ stage: Stage.Dns, refusedAt: "c1 sidecar other/default" });
  });

  test("a non-member namespace dialing the east-west gateway with cart's SNI passes it, and cart's pods refuse it", () => {
    const outsider = principalOf("other", "default");
    const r = refused(sim().dial({ principal: outsider }, toC2, sni(HTTP_PORT)));
    expect(r).toMatchObject({ stage: Stage.Authz, refusedAt: "c2 workload cart.shop" });
    expect(r.hops.at(-1)?.peerCertificate).toBe(uri(outsider));
  });

  test("no client certificate, or one of another root: refused by cart's sidecar, not by the gateway", () => {
    const s = sim();
    expect(refused(s.dial({ tls: "SIMPLE" }, toC2, sni(HTTP_PORT)))).toMatchObject({
      stage: Stage.ServerTls,
      refusedAt: "c2 workload cart.shop",
    });
    expect(
      refused(s.dial({ principal: principalOf(NS, "frontend"), trusted: false }, toC2, sni(TCP_PORT))),
    ).toMatchObject({ stage: Stage.ServerTls, reason: "client certificate not signed by the mesh's root" });
  });

  test("one trust domain: a non-member cluster's workload in a namespace named like a member one gets in (namespace sameness)", () => {
    const r = reached(sim().dial({ principal: principalOf(NS, "intruder") }, toC2, sni(HTTP_PORT)));
    expect(r.reached.fqdn).toBe(CART_FQDN);
  });

  test("a trust domain per cluster: the non-member cluster's workload is refused, members still get in", () => {
    const s = sim(() => {}, { trustDomains: true });
    const r = refused(s.dial({ principal: principalOf(NS, "intruder", "c9.example") }, toC2, sni(HTTP_PORT)));
    expect(r).toMatchObject({ stage: Stage.Authz, refusedAt: "c2 workload cart.shop" });
    for (const via of ["c2", "c3"]) expect(s.call(FRONTEND_C1, HOST, HTTP_PORT, { via }).ok).toBe(true);
  });

  test("policies keyed on the real caller: c1's frontend may GET, not POST, and c2's frontend not at all", () => {
    const s = sim(
      (m) => {
        for (const c of ["c2", "c3"]) {
          const allow = named(objectsOf(m, c), "AuthorizationPolicy", BASE);
          allow.spec.rules = [
            {
              from: [{ source: { principals: [principalOf(NS, "frontend", "c1.example")] } }],
              to: [{ operation: { ports: ["9080"], methods: ["GET"] } }],
            },
          ];
        }
      },
      { trustDomains: true },
    );
    for (const via of ["c2", "c3"]) {
      expect(s.call(FRONTEND_C1, HOST, HTTP_PORT, { via, method: "GET" }).ok).toBe(true);
      expect(refused(s.call(FRONTEND_C1, HOST, HTTP_PORT, { via, method: "POST" }))).toMatchObject({
        stage: Stage.Authz,
        refusedAt: `${via} workload cart.shop`,
      });
    }
    expect(refused(s.call(FRONTEND_C2, HOST, HTTP_PORT, { via: "c2" }))).toMatchObject({ stage: Stage.Authz });
  });

  test("without the ALLOW on cart's pods, any mesh identity that knows the SNI gets in", () => {
    const s = sim((m) => {
      const list = objectsOf(m, "c2");
      list.splice(list.indexOf(named(list, "AuthorizationPolicy", BASE)), 1);
    });
    expect(reached(s.dial({ principal: principalOf("other", "default") }, toC2, sni(HTTP_PORT))).reached.cluster).toBe(
      "c2",
    );
    expect(allowMembers().spec.rules[0].from?.[0].source.principals).toEqual([principalOf(NS, "*")]);
  });
});
