import fc from "fast-check";
import { buildMesh, GlobalNamespaceSpec, isDnsSubdomain, renderYaml } from "../../sdk/src/mesh";
import { auditWiring } from "../../sdk/src/mesh";
import { istioSchemaProblems, webhookProblems } from "../helpers/istioSchema";
import { MeshSimulator, simMeshFromModel } from "../helpers/sim";
import { find, gatewayRoute, meshDestination, sniFor } from "../helpers/wiring";

/** Generated GlobalNamespaces: 1–4 clusters, up to 12 services with 1–3 ports each, two namespaces. */
const PROTOCOLS = ["HTTP", "HTTP2", "GRPC", "HTTPS", "TLS", "TCP", "MONGO"] as const;
const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}[a-z0-9]$/);

const serviceArb = (clusters: string[]) =>
  fc.record({
    name: label,
    namespace: fc.constantFrom("shop", "data"),
    clusters: fc.subarray(clusters, { minLength: 1 }),
    ports: fc
      .uniqueArray(
        fc.record({
          number: fc.integer({ min: 1, max: 65535 }),
          protocol: fc.constantFrom(...PROTOCOLS),
          named: fc.boolean(),
        }),
        {
          minLength: 1,
          maxLength: 3,
          selector: (p) => p.number,
        },
      )
      // Some ports named (neutrally, so the name implies no protocol), the others left to their default names.
      .map((ports) => ports.map(({ named, ...p }, i) => (named ? { ...p, name: `p${i}-port` } : p))),
  });

const specArb: fc.Arbitrary<GlobalNamespaceSpec> = fc
  .record({
    name: label,
    domain: fc.constantFrom("acme.example.com", "mesh.internal.example.org"),
    clusterCount: fc.integer({ min: 1, max: 4 }),
  })
  .chain(({ name, domain, clusterCount }) => {
    const clusters = Array.from({ length: clusterCount }, (_, i) => `cluster${i + 1}`);
    return fc
      .uniqueArray(serviceArb(clusters), { minLength: 1, maxLength: 12, selector: (s) => s.name })
      .map((services) => ({
        name,
        domain,
        clusters: clusters.map((c, i) => ({
          name: c,
          ingress: { address: i % 2 ? `lb-${c}.example.net` : `203.0.113.${i + 1}`, ...(i === 1 && { port: 15443 }) },
        })),
        members: [
          { cluster: "cluster*", namespace: "shop" },
          { cluster: "*", namespace: "data" },
        ],
        services,
      }));
  });

const addresses = (spec: GlobalNamespaceSpec) =>
  new Map(buildMesh(spec).model.services.map((s) => [s.name, s.address]));
const yamlOf = (spec: GlobalNamespaceSpec) =>
  [...buildMesh(spec).compiled.objects].map(([c, o]) => `# ${c}\n${renderYaml(o)}`).join("");

test("virtual IPs are unique within a GlobalNamespace", () => {
  fc.assert(
    fc.property(specArb, (spec) => {
      const ips = [...addresses(spec).values()];
      expect(new Set(ips).size).toBe(ips.length);
    }),
  );
});

test("adding or removing a service never changes another service's address", () => {
  fc.assert(
    fc.property(specArb, serviceArb(["cluster1"]), (spec, extra) => {
      fc.pre(!spec.services!.some((s) => s.name === extra.name));
      const before = addresses(spec);
      const added = addresses({ ...spec, services: [...spec.services!, extra] });
      const removed = addresses({ ...spec, services: spec.services!.slice(1) });
      for (const [name, ip] of before) {
        expect(added.get(name)).toBe(ip);
        if (removed.has(name)) expect(removed.get(name)).toBe(ip);
      }
    }),
  );
});

test("object names are valid DNS-1123 subdomains, unique per cluster and kind, and every object passes Istio's schemas", () => {
  fc.assert(
    fc.property(specArb, (spec) => {
      for (const [, objects] of buildMesh(spec).compiled.objects) {
        const keys = objects.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`);
        expect(new Set(keys).size).toBe(keys.length);
        for (const o of objects) {
          expect(isDnsSubdomain(o.metadata.name)).toBe(true);
          expect(istioSchemaProblems(o)).toEqual([]);
        }
      }
    }),
    { numRuns: 60 },
  );
});

test("every port of every service reaches the service: locally where it runs, else through both tunnel ends to every cluster that runs it", () => {
  fc.assert(
    fc.property(specArb, (spec) => {
      const { model, compiled } = buildMesh(spec);
      const objectsOf = (cluster: string) => compiled.objects.get(cluster) ?? [];
      for (const caller of model.clusters) {
        const objects = objectsOf(caller.name);
        for (const s of model.services) {
          const local = (port: number) => ({
            host: `${s.name}.${s.namespace}.svc.cluster.local`,
            port: { number: port },
          });
          if (s.clusters.includes(caller.name)) {
            for (const p of s.ports) expect(meshDestination(objects, s.host, p.number)).toEqual(local(p.number));
            continue;
          }
          const [entry] = find(objects, "ServiceEntry", (o) => o.spec.hosts.includes(s.host));
          expect(entry.spec.endpoints.map((e) => e.labels["topology.istio.io/cluster"])).toEqual(s.clusters);
          for (const p of s.ports) {
            const toEgress = meshDestination(objects, s.host, p.number);
            const sni =
              sniFor(objects, toEgress.host, toEgress.port.number, toEgress.subset) ?? "no SNI to the egress gateway";
            expect(gatewayRoute(objects, caller.gateways.egressSelector, toEgress.port.number, sni)).toEqual({
              host: s.host,
              port: { number: p.number },
            });
            expect(sniFor(objects, s.host, p.number)).toBe(sni);
            for (const endpoint of entry.spec.endpoints) {
              const owner = model.clusters.find((c) => c.name === endpoint.labels["topology.istio.io/cluster"]);
              if (!owner) throw new Error(`endpoint ${endpoint.address} names no member cluster`);
              expect(
                gatewayRoute(objectsOf(owner.name), owner.gateways.ingressSelector, endpoint.ports[p.name], sni),
              ).toEqual(local(p.number));
            }
          }
        }
      }
    }),
    { numRuns: 40 },
  );
});

test("compile is deterministic: the same spec, in any list order, gives byte-identical YAML", () => {
  fc.assert(
    fc.property(specArb, fc.integer(), (spec, seed) => {
      let state = seed >>> 0;
      const random = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
      const shuffle = <T>(xs: T[]) => {
        const out = [...xs];
        for (let i = out.length - 1; i > 0; i--) {
          const j = Math.floor(random() * (i + 1));
          [out[i], out[j]] = [out[j], out[i]];
        }
        return out;
      };
      const reordered: GlobalNamespaceSpec = {
        ...spec,
        clusters: shuffle(spec.clusters),
        members: shuffle(spec.members),
        services: shuffle(spec.services!).map((s) => ({
          ...s,
          clusters: shuffle(s.clusters!),
          ports: shuffle(s.ports!),
        })),
      };
      expect(yamlOf(reordered)).toBe(yamlOf(spec));
      expect(yamlOf(spec)).toBe(yamlOf(structuredClone(spec)));
    }),
    { numRuns: 25 },
  );
});

test("followed hop by hop, every member namespace reaches every port of every service, and an outsider none", () => {
  fc.assert(
    fc.property(specArb, (spec) => {
      const { model, compiled } = buildMesh(spec);
      const sim = new MeshSimulator(simMeshFromModel(model, compiled.objects));
      for (const cluster of model.clusters)
        for (const s of model.services)
          for (const p of s.ports) {
            for (const namespace of cluster.namespaces)
              for (const r of sim.callEach(
                { cluster: cluster.name, namespace, serviceAccount: "default" },
                s.host,
                p.number,
              )) {
                if (!r.ok) throw new Error(`${namespace}@${cluster.name} → ${s.host}:${p.number}: ${r.reason}`);
                expect(s.clusters).toContain(r.reached.cluster);
              }
            const outsider = sim.call(
              { cluster: cluster.name, namespace: "outsider", serviceAccount: "default" },
              s.host,
              p.number,
            );
            expect(outsider.ok).toBe(false);
          }
    }),
    { numRuns: 30 },
  );
});

test("the audit finds nothing wider than declared in any generated wiring", () => {
  fc.assert(
    fc.property(specArb, (spec) => {
      expect(auditWiring(buildMesh(spec).compiled.objects)).toEqual([]);
    }),
    { numRuns: 40 },
  );
});

/** The generated services, each with its clusters and ports (the arbitrary always gives both). */
const servicesOf = (spec: GlobalNamespaceSpec) =>
  spec.services!.map((s) => ({ ...s, clusters: s.clusters!, ports: s.ports! }));

describe("east-west mode", () => {
  /** The generated spec in east-west mode, every service's pods labelled `app: <name>`. */
  const eastWestArb = specArb.map((spec): GlobalNamespaceSpec => ({
    ...spec,
    mode: "east-west",
    services: spec.services!.map((s) => ({ ...s, selector: { app: s.name } })),
  }));

  test("every object passes Istio's schemas and webhook; hosts, addresses and ports are tunnel mode's", () => {
    fc.assert(
      fc.property(eastWestArb, (spec) => {
        const eastWest = buildMesh(spec);
        const tunnel = buildMesh({ ...spec, mode: "tunnel" });
        for (const [cluster, objects] of eastWest.compiled.objects) {
          const keys = objects.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`);
          expect(new Set(keys).size).toBe(keys.length);
          for (const o of objects) {
            expect(isDnsSubdomain(o.metadata.name)).toBe(true);
            expect([...istioSchemaProblems(o), ...webhookProblems(o)]).toEqual([]);
          }
          const entries = (list: typeof objects) =>
            find(list, "ServiceEntry").map((e) => [e.spec.hosts, e.spec.addresses, e.spec.ports]);
          expect(entries(objects)).toEqual(entries(tunnel.compiled.objects.get(cluster)!));
        }
      }),
      { numRuns: 40 },
    );
  });

  test("per service, as the spec says: the owners' east-west gateways, or the local Service, and the real Service's SNI", () => {
    fc.assert(
      fc.property(eastWestArb, (spec) => {
        const { compiled } = buildMesh(spec);
        for (const cluster of spec.clusters) {
          const objects = compiled.objects.get(cluster.name)!;
          for (const s of servicesOf(spec)) {
            const own = objects.filter((o) => o.metadata.labels["globalmesh.io/service"] === s.name);
            const runsHere = s.clusters.includes(cluster.name);
            const others = spec.clusters.filter((c) => c.name !== cluster.name && s.clusters.includes(c.name));
            const fqdn = `${s.name}.${s.namespace}.svc.cluster.local`;
            const [entry] = find(own, "ServiceEntry");
            expect(entry.spec.endpoints.map((e) => e.address)).toEqual([
              ...(runsHere ? [fqdn] : []),
              ...others.map((o) => o.ingress!.address),
            ]);
            // istiod refuses a STATIC entry with a name for an endpoint (ValidateServiceEntry); DNS otherwise.
            const ips = entry.spec.endpoints.every((e) => /^[0-9.]+$/.test(String(e.address)));
            expect(entry.spec.resolution).toBe(ips ? "STATIC" : "DNS");
            // Every port of a remote owner arrives on its east-west gateway's one port, 15443 unless the spec says.
            others.forEach((o, i) =>
              expect(Object.values(entry.spec.endpoints[i + (runsHere ? 1 : 0)].ports)).toEqual(
                s.ports.map(() => o.ingress!.port ?? 15443),
              ),
            );
            for (const p of s.ports)
              if (others.length > 0)
                expect(sniFor(own, entry.spec.hosts[0], p.number)).toBe(`outbound_.${p.number}_._.${fqdn}`);
            // A client cluster holds exactly two objects per remote service; an owner adds its pods' policy, and the
            // only owner routes to its local Service instead of holding a DestinationRule.
            const kinds = runsHere
              ? ["AuthorizationPolicy", "ServiceEntry", others.length > 0 ? "DestinationRule" : "VirtualService"]
              : ["DestinationRule", "ServiceEntry"];
            expect(own.map((o) => o.kind).sort()).toEqual(kinds.sort());
            if (runsHere && others.length === 0)
              expect(meshDestination(own, entry.spec.hosts[0], s.ports[0].number)).toMatchObject({ host: fqdn });
          }
        }
      }),
      { numRuns: 40 },
    );
  });

  test("a cluster's passthrough server covers exactly the namespaces of the services the spec runs there", () => {
    fc.assert(
      fc.property(eastWestArb, (spec) => {
        const { compiled } = buildMesh(spec);
        for (const cluster of spec.clusters) {
          const namespaces = servicesOf(spec)
            .filter((s) => s.clusters.includes(cluster.name))
            .map((s) => s.namespace);
          const gateways = find(compiled.objects.get(cluster.name)!, "Gateway");
          // Alone, nobody calls it from elsewhere; running nothing, it has nothing to open.
          if (spec.clusters.length === 1 || namespaces.length === 0) {
            expect(gateways).toEqual([]);
            continue;
          }
          expect(gateways).toHaveLength(1);
          const [server] = gateways[0].spec.servers;
          expect([server.port.number, server.tls.mode]).toEqual([15443, "AUTO_PASSTHROUGH"]);
          expect(new Set(server.hosts)).toEqual(new Set(namespaces.map((ns) => `*.${ns}.svc.cluster.local`)));
          expect(server.hosts).toHaveLength(new Set(namespaces).size);
        }
      }),
      { numRuns: 40 },
    );
  });
});
