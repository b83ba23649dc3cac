/**
 * The hop-by-hop follower on a small hand-built mesh in the compiler's shapes (test/helpers/sim/fixture.ts): the
 * allowed paths, and a refusal at every hop when one object is wrong or missing.
 */
import { AuthorizationPolicyObject } from "../../sdk/src/mesh/istio/types";
import { API_SECURITY } from "../../sdk/src/mesh";
import { istioSchemaProblems } from "../helpers/istioSchema";
import { CallResult, MeshSimulator, Refused, SimMesh, Stage } from "../helpers/sim";
import {
  CART_FQDN,
  egressPrincipal,
  EGRESS_GATEWAY,
  EGRESS_LABELS,
  GW,
  handBuiltMesh,
  HOST,
  HTTP_PORT,
  ingressAddress,
  INGRESS_GATEWAY,
  ingressPrincipal,
  named,
  NS,
  objectsOf,
  principalOf,
  TCP_PORT,
  tunnel,
  uri,
} from "../helpers/sim/fixture";

const FRONTEND_C1 = { cluster: "c1", namespace: NS, serviceAccount: "frontend" };
const FRONTEND_C2 = { cluster: "c2", namespace: NS, serviceAccount: "frontend" };
const BASE = "gns.shop.cart";

function refused(r: CallResult): Refused {
  if (r.ok) throw new Error(`expected a refusal, reached ${JSON.stringify(r.reached)}`);
  return r;
}

function sim(change: (mesh: SimMesh) => void = () => {}): MeshSimulator {
  const mesh = handBuiltMesh();
  change(mesh);
  return new MeshSimulator(mesh);
}

test("the hand-built objects validate against Istio's CRD schemas and webhook checks", () => {
  expect([...handBuiltMesh().objects.values()].flat().flatMap(istioSchemaProblems)).toEqual([]);
});

describe("allowed paths", () => {
  test("c1 frontend → cart.shop.example:8080: sidecar → c1 egress → c2 ingress → cart, identities checked on every hop", () => {
    const r = sim().call(FRONTEND_C1, HOST, HTTP_PORT);
    expect(r).toMatchObject({
      ok: true,
      reached: { cluster: "c2", fqdn: CART_FQDN, port: HTTP_PORT },
      forks: ["c2", "c3"],
    });
    const [sidecar, egress, ingress, workload] = r.hops;
    expect(r.hops.map((h) => h.proxy)).toEqual([
      "c1 sidecar shop/frontend",
      "c1 egress gateway",
      "c2 ingress gateway",
      "c2 workload cart.shop",
    ]);
    expect(sidecar).toMatchObject({
      certificate: uri(principalOf(NS, "frontend")),
      to: {
        host: "istio-egressgateway.istio-gateways.svc.cluster.local",
        port: 443,
        tls: {
          mode: "ISTIO_MUTUAL",
          sni: tunnel(HTTP_PORT),
          expectedServer: [uri(egressPrincipal("c1"))],
          from: `DestinationRule/${GW}/${BASE}.egress`,
        },
      },
    });
    expect(egress).toMatchObject({
      sni: tunnel(HTTP_PORT),
      peerCertificate: uri(principalOf(NS, "frontend")),
      certificate: uri(egressPrincipal("c1")),
      expectedPeer: [],
      mtls: true,
      policies: [{ policy: `${GW}/${BASE}.egress`, action: "ALLOW", matchedRule: 0 }],
      to: {
        host: HOST,
        port: HTTP_PORT,
        address: `${ingressAddress("c2")}:443`,
        tls: { sni: tunnel(HTTP_PORT), expectedServer: [uri(ingressPrincipal("c2")), uri(ingressPrincipal("c3"))] },
      },
    });
    expect(ingress).toMatchObject({
      sni: tunnel(HTTP_PORT),
      peerCertificate: uri(egressPrincipal("c1")),
      expectedPeer: [uri(egressPrincipal("c1"))],
      certificate: uri(ingressPrincipal("c2")),
      policies: [{ policy: `${GW}/${BASE}.ingress`, matchedRule: 0 }],
      to: {
        host: CART_FQDN,
        port: HTTP_PORT,
        tls: { mode: "ISTIO_MUTUAL", from: `DestinationRule/${GW}/${BASE}.ingress` },
      },
    });
    expect(workload).toMatchObject({
      peerCertificate: uri(ingressPrincipal("c2")),
      certificate: uri(principalOf(NS, "cart")),
      mtls: true,
      sni: `outbound_.${HTTP_PORT}_._.${CART_FQDN}`,
      objects: [`PeerAuthentication/${NS}/gns.shop.mtls`],
    });
  });

  test("callEach follows every owner: c2 and c3, on the HTTP and the TCP port", () => {
    const s = sim();
    for (const port of [HTTP_PORT, TCP_PORT]) {
      const results = s.callEach(FRONTEND_C1, HOST, port);
      expect(results.map((r) => (r.ok ? r.reached.cluster : r.reason))).toEqual(["c2", "c3"]);
    }
  });

  test("a caller in a cluster that runs cart stays local, with its own identity at the workload", () => {
    const r = sim().call(FRONTEND_C2, HOST, HTTP_PORT);
    expect(r).toMatchObject({ ok: true, reached: { cluster: "c2", fqdn: CART_FQDN }, forks: [] });
    expect(r.hops.map((h) => h.proxy)).toEqual(["c2 sidecar shop/frontend", "c2 workload cart.shop"]);
    expect(r.hops[1]).toMatchObject({ peerCertificate: uri(principalOf(NS, "frontend")), mtls: true });
    expect(r.hops[0].to?.tls).toMatchObject({ mode: "ISTIO_MUTUAL", from: "auto mTLS" });
  });

  test("the egress gateway's own identity may dial an owner's ingress: it is the tunnel's legitimate client", () => {
    const r = sim().dial({ principal: egressPrincipal("c1") }, { cluster: "c2" }, tunnel(TCP_PORT));
    expect(r).toMatchObject({ ok: true, reached: { cluster: "c2", fqdn: CART_FQDN, port: TCP_PORT } });
  });
});

describe("refused at every hop", () => {
  test("DNS: a namespace outside the GlobalNamespace (or of another one) does not resolve the name", () => {
    for (const namespace of ["other", "blog"]) {
      const r = refused(sim().call({ cluster: "c1", namespace, serviceAccount: "default" }, HOST, HTTP_PORT));
      expect(r).toMatchObject({ stage: Stage.Dns, refusedAt: `c1 sidecar ${namespace}/default` });
      expect(r.reason).toMatch(/^not resolvable/);
    }
  });

  test("route: the mesh VirtualService has no http route for the port", () => {
    const r = refused(
      sim((m) => {
        named(objectsOf(m, "c1"), "VirtualService", BASE).spec.http = [];
      }).call(FRONTEND_C1, HOST, HTTP_PORT),
    );
    expect(r).toMatchObject({ stage: Stage.Route, refusedAt: "c1 sidecar shop/frontend" });
    expect(r.reason).toMatch(/^no route/);
  });

  test("exportTo miss on the mesh VirtualService: the default route goes to the remote ingress in plain text, refused", () => {
    const r = refused(
      sim((m) => {
        named(objectsOf(m, "c1"), "VirtualService", BASE).spec.exportTo = [GW];
      }).call(FRONTEND_C1, HOST, TCP_PORT),
    );
    expect(r).toMatchObject({ stage: Stage.ServerTls, refusedAt: "c2 ingress gateway" });
    expect(r.hops[0].notes.join()).toMatch(/default route/);
    expect(r.hops[0].to?.tls).toMatchObject({ mode: "DISABLE", from: "auto mTLS" });
  });

  test("exportTo miss on the egress subsets' DestinationRule: no such subset for the caller", () => {
    const r = refused(
      sim((m) => {
        named(objectsOf(m, "c1"), "DestinationRule", `${BASE}.egress`).spec.exportTo = [GW];
      }).call(FRONTEND_C1, HOST, HTTP_PORT),
    );
    expect(r).toMatchObject({ stage: Stage.Route, refusedAt: "c1 sidecar shop/frontend" });
    expect(r.reason).toMatch(/^no subset/);
  });

  test("SAN mismatch, client side (sidecar): the egress gateway's certificate is not the one the rule expects", () => {
    const r = refused(
      sim((m) => {
        const dr = named(objectsOf(m, "c1"), "DestinationRule", `${BASE}.egress`);
        for (const s of dr.spec.subsets ?? [])
          s.trafficPolicy.portLevelSettings[0].tls.subjectAltNames = [uri(egressPrincipal("c2"))];
      }).call(FRONTEND_C1, HOST, HTTP_PORT),
    );
    expect(r).toMatchObject({ stage: Stage.ClientTls, refusedAt: "c1 sidecar shop/frontend" });
    expect(r.reason).toContain(uri(egressPrincipal("c1")));
  });

  test("SAN mismatch, client side (egress gateway): the remote ingress's certificate is not an owner's", () => {
    const r = refused(
      sim((m) => {
        const dr = named(objectsOf(m, "c1"), "DestinationRule", BASE);
        for (const l of dr.spec.trafficPolicy?.portLevelSettings ?? [])
          l.tls.subjectAltNames = [uri(ingressPrincipal("c3"))];
      }).call(FRONTEND_C1, HOST, HTTP_PORT, { via: "c2" }),
    );
    expect(r).toMatchObject({ stage: Stage.ClientTls, refusedAt: "c1 egress gateway" });
    expect(r.hops.at(-1)).toMatchObject({ proxy: "c2 ingress gateway", certificate: uri(ingressPrincipal("c2")) });
  });

  test("SAN mismatch, server side: the ingress Gateway does not list c1's egress gateway", () => {
    const r = refused(
      sim((m) => {
        for (const s of named(objectsOf(m, "c2"), "Gateway", INGRESS_GATEWAY).spec.servers)
          s.tls.subjectAltNames = [uri(egressPrincipal("c9"))];
      }).call(FRONTEND_C1, HOST, HTTP_PORT),
    );
    expect(r).toMatchObject({ stage: Stage.ServerTls, refusedAt: "c2 ingress gateway" });
    expect(r.hops.at(-1)).toMatchObject({
      expectedPeer: [uri(egressPrincipal("c9"))],
      peerCertificate: uri(egressPrincipal("c1")),
    });
  });

  test("no server for the SNI: the egress Gateway lost the port's server", () => {
    const r = refused(
      sim((m) => {
        const g = named(objectsOf(m, "c1"), "Gateway", EGRESS_GATEWAY);
        g.spec.servers = g.spec.servers.filter((s) => !s.hosts.includes(tunnel(TCP_PORT)));
      }).call(FRONTEND_C1, HOST, TCP_PORT),
    );
    expect(r).toMatchObject({ stage: Stage.Server, refusedAt: "c1 egress gateway" });
    expect(r.reason).toBe(`no server for SNI ${tunnel(TCP_PORT)} on port 443`);
  });

  test("DENY: a deny policy on the egress gateway for the HTTP tunnel; the TCP tunnel still works", () => {
    const deny: AuthorizationPolicyObject = {
      apiVersion: API_SECURITY,
      kind: "AuthorizationPolicy",
      metadata: { name: `${BASE}.egress-deny`, namespace: GW, labels: {}, annotations: {} },
      spec: {
        selector: { matchLabels: EGRESS_LABELS },
        action: "DENY",
        rules: [
          { from: [{ source: { namespaces: [NS] } }], when: [{ key: "connection.sni", values: [tunnel(HTTP_PORT)] }] },
        ],
      },
    };
    const s = sim((m) => objectsOf(m, "c1").push(deny));
    const r = refused(s.call(FRONTEND_C1, HOST, HTTP_PORT));
    expect(r).toMatchObject({ stage: Stage.Authz, refusedAt: "c1 egress gateway" });
    expect(r.reason).toMatch(/^denied by DENY policy istio-gateways\/gns.shop.cart.egress-deny/);
    expect(s.call(FRONTEND_C1, HOST, TCP_PORT).ok).toBe(true);
  });

  test("no ALLOW match: a workload outside the GlobalNamespace dials its egress gateway with the tunnel SNI", () => {
    const s = sim();
    const outsider = s.principalOf({ cluster: "c1", namespace: "other", serviceAccount: "default" });
    const r = refused(s.dial({ principal: outsider }, { cluster: "c1", gateway: "egress" }, tunnel(HTTP_PORT)));
    expect(r).toMatchObject({ stage: Stage.Authz, refusedAt: "c1 egress gateway" });
    expect(r.reason).toMatch(/^no ALLOW rule matched/);
  });

  test("no route: the ingress VirtualService for the port is gone", () => {
    const r = refused(
      sim((m) => {
        const list = objectsOf(m, "c2");
        list.splice(list.indexOf(named(list, "VirtualService", `${BASE}.ingress.${HTTP_PORT}`)), 1);
      }).call(FRONTEND_C1, HOST, HTTP_PORT),
    );
    expect(r).toMatchObject({ stage: Stage.Route, refusedAt: "c2 ingress gateway" });
    expect(r.reason).toMatch(/^no route/);
  });

  test("PeerAuthentication STRICT: the ingress hop in plain text is refused at the workload", () => {
    const r = refused(
      sim((m) => {
        const dr = named(objectsOf(m, "c2"), "DestinationRule", `${BASE}.ingress`);
        for (const l of dr.spec.trafficPolicy?.portLevelSettings ?? []) l.tls = { mode: "DISABLE" };
      }).call(FRONTEND_C1, HOST, TCP_PORT),
    );
    expect(r).toMatchObject({ stage: Stage.Mtls, refusedAt: "c2 workload cart.shop" });
    expect(r.hops.at(-1)).toMatchObject({ mtls: false, objects: [`PeerAuthentication/${NS}/gns.shop.mtls`] });
  });

  test("workload policy: a restricted service admits remote GETs only, and not the local frontend", () => {
    const restrict: AuthorizationPolicyObject = {
      apiVersion: API_SECURITY,
      kind: "AuthorizationPolicy",
      metadata: { name: BASE, namespace: NS, labels: {}, annotations: {} },
      spec: {
        selector: { matchLabels: { app: "cart" } },
        action: "ALLOW",
        rules: [
          {
            from: [{ source: { principals: [ingressPrincipal("c2")] } }],
            to: [{ operation: { ports: ["9080"], methods: ["GET"] } }],
          },
        ],
      },
    };
    const s = sim((m) => objectsOf(m, "c2").push(restrict));
    expect(s.call(FRONTEND_C1, HOST, HTTP_PORT, { method: "GET", via: "c2" }).ok).toBe(true);
    const post = refused(s.call(FRONTEND_C1, HOST, HTTP_PORT, { method: "POST", via: "c2" }));
    expect(post).toMatchObject({ stage: Stage.Authz, refusedAt: "c2 workload cart.shop" });
    // The TCP port: the rule's methods make it an ALLOW rule Istio ignores on TCP, so nothing matches.
    const tcp = refused(s.call(FRONTEND_C1, HOST, TCP_PORT, { via: "c2" }));
    expect(tcp.hops.at(-1)?.policies).toEqual([{ policy: `${NS}/${BASE}`, action: "ALLOW", tcpAdjusted: true }]);
    const local = refused(s.call(FRONTEND_C2, HOST, HTTP_PORT));
    expect(local).toMatchObject({ stage: Stage.Authz, refusedAt: "c2 workload cart.shop" });
  });
});

describe("attacks on an ingress gateway", () => {
  test("a workload skipping its egress gateway: its certificate is not among the server's subjectAltNames", () => {
    const s = sim();
    const r = refused(
      s.dial({ principal: s.principalOf(FRONTEND_C1) }, { address: ingressAddress("c2") }, tunnel(HTTP_PORT)),
    );
    expect(r).toMatchObject({ stage: Stage.ServerTls, refusedAt: "c2 ingress gateway" });
  });

  test("a non-member cluster's gateway on the same root is refused the same way", () => {
    const r = refused(sim().dial({ principal: egressPrincipal("c9") }, { cluster: "c2" }, tunnel(HTTP_PORT)));
    expect(r).toMatchObject({ stage: Stage.ServerTls, refusedAt: "c2 ingress gateway" });
  });

  test("without server subjectAltNames, the AuthorizationPolicy still stops a workload certificate", () => {
    const s = sim((m) => {
      for (const srv of named(objectsOf(m, "c2"), "Gateway", INGRESS_GATEWAY).spec.servers)
        delete srv.tls.subjectAltNames;
    });
    const r = refused(s.dial({ principal: s.principalOf(FRONTEND_C1) }, { cluster: "c2" }, tunnel(HTTP_PORT)));
    expect(r).toMatchObject({ stage: Stage.Authz, refusedAt: "c2 ingress gateway" });
  });

  test("the wiring before issue 9 (no subjectAltNames, no policy): any mesh certificate reaches the service", () => {
    const s = sim((m) => {
      const list = objectsOf(m, "c2");
      for (const srv of named(list, "Gateway", INGRESS_GATEWAY).spec.servers) delete srv.tls.subjectAltNames;
      list.splice(list.indexOf(named(list, "AuthorizationPolicy", `${BASE}.ingress`)), 1);
    });
    const r = s.dial(
      { principal: s.principalOf({ cluster: "c1", namespace: "other", serviceAccount: "x" }) },
      { cluster: "c2" },
      tunnel(HTTP_PORT),
    );
    expect(r).toMatchObject({ ok: true, reached: { cluster: "c2", fqdn: CART_FQDN } });
  });

  test("an SNI the gateway does not serve, a certificate of another root, plain text", () => {
    const s = sim();
    const c1egress = egressPrincipal("c1");
    expect(refused(s.dial({ principal: c1egress }, { cluster: "c2" }, "8080.vault.shop.example"))).toMatchObject({
      stage: Stage.Server,
    });
    expect(
      refused(s.dial({ principal: c1egress, trusted: false }, { cluster: "c2" }, tunnel(HTTP_PORT))),
    ).toMatchObject({
      stage: Stage.ServerTls,
      reason: "client certificate not signed by the mesh's root",
    });
    expect(refused(s.dial({ tls: "DISABLE" }, { cluster: "c2" }, undefined))).toMatchObject({ stage: Stage.ServerTls });
    expect(refused(s.dial({ tls: "SIMPLE" }, { cluster: "c2" }, tunnel(HTTP_PORT)))).toMatchObject({
      stage: Stage.ServerTls,
      reason: "no client certificate: the ISTIO_MUTUAL server requires one",
    });
  });

  test("a dialer that checks the server's identity refuses an impostor", () => {
    const r = refused(
      sim().dial({ principal: egressPrincipal("c1") }, { cluster: "c2" }, tunnel(HTTP_PORT), {
        expectedServer: [uri(ingressPrincipal("c3"))],
      }),
    );
    expect(r).toMatchObject({ stage: Stage.ClientTls, refusedAt: `dialer ${egressPrincipal("c1")}` });
  });
});
