/**
 * Scoped builds (`sidecarScope` + `calls`, issue 12) against Istio's own checks: every object they emit, the
 * Sidecars included, passes the v1 CRD schemas, their CEL rules and istiod's webhook (test/helpers/istioSchema.ts),
 * in tunnel and in east-west mode; and the Sidecar check is live — a broken egress host is refused.
 */
import { buildMesh, MeshBuild, MeshObject } from "../../sdk/src/mesh";
import { istioSchemaProblems } from "../helpers/istioSchema";
import { scopedSpec } from "./scoping.fixture";

function eastWestSpec(): any {
  const spec = scopedSpec();
  spec.mode = "east-west";
  for (const s of spec.services) s.selector = { app: s.name };
  return spec;
}

const BUILDS: [string, () => MeshBuild][] = [
  ["tunnel", () => buildMesh(scopedSpec())],
  ["east-west", () => buildMesh(eastWestSpec())],
];
const objectsOf = (b: MeshBuild): MeshObject[] => [...b.compiled.objects.values()].flat();
const sidecarsOf = (b: MeshBuild) => objectsOf(b).filter((o) => o.kind === "Sidecar");

describe.each(BUILDS)("a scoped build in %s mode", (_mode, build) => {
  test("emits a Sidecar for the scoped namespace, naming its calls and extra hosts", () => {
    const sidecars = sidecarsOf(build());
    expect(sidecars.map((s) => `${s.metadata.namespace}/${s.metadata.name}`)).toEqual([
      expect.stringMatching(/^shop\//),
    ]);
    const hosts = sidecars.flatMap((s) => (s.kind === "Sidecar" ? s.spec.egress.flatMap((e) => e.hosts) : []));
    expect(hosts).toEqual(
      expect.arrayContaining(["legacy/billing.legacy.svc.cluster.local", expect.stringContaining("catalog")]),
    );
  });

  test("every emitted object, Sidecars included, passes the CRD schemas, their CEL rules and istiod's webhook", () => {
    const objects = objectsOf(build());
    expect(objects.length).toBeGreaterThan(10);
    expect(objects.flatMap(istioSchemaProblems)).toEqual([]);
  });
});

describe("the Sidecar check refuses what the API server or istiod would", () => {
  const sidecar = (): any => structuredClone(sidecarsOf(buildMesh(scopedSpec()))[0]);
  const withHosts = (hosts: string[]) => {
    const s = sidecar();
    s.spec.egress[0].hosts = hosts;
    return istioSchemaProblems(s).join("\n");
  };

  test.each([
    ["a host without a namespace", ["catalog.store.example.com"], "host must be of form namespace/dnsName"],
    ["a short name", ["catalog/catalog"], "short names (non FQDN) are not allowed"],
    ["an invalid namespace", ["Bad_NS/catalog.store.example.com"], 'invalid namespace value "Bad_NS" in sidecar'],
    ["a partial wildcard", ["shop/cat*.store.example.com"], "partial wildcard"],
    [
      "an empty namespace",
      ["/catalog.store.example.com"],
      "config namespace and dnsName in host entry cannot be empty",
    ],
  ])("%s", (_what, hosts, message) => {
    expect(withHosts(hosts)).toContain(`webhook: ${hosts[0]}: ${message}`);
  });

  test("a listener without hosts (the CRD requires the field; the webhook at least one)", () => {
    const missing = sidecar();
    delete missing.spec.egress[0].hosts;
    expect(istioSchemaProblems(missing).join("\n")).toContain(
      "schema: .spec.egress[0]: must have required property 'hosts'",
    );
    expect(withHosts([])).toContain("webhook: sidecar: egress listener must contain at least one host");
  });

  test("an empty Sidecar, an unknown field and a catch-all listener that is not last", () => {
    const empty = sidecar();
    empty.spec = {};
    expect(istioSchemaProblems(empty).join("\n")).toContain("webhook: sidecar: empty configuration provided");
    const unknown = sidecar();
    unknown.spec.egress[0].host = ["./*"];
    expect(istioSchemaProblems(unknown).join("\n")).toContain('schema: .spec.egress[0]: unknown field "host"');
    const twoCatchAll = sidecar();
    twoCatchAll.spec.egress.push({ port: { number: 8082, name: "http", protocol: "HTTP" }, hosts: ["./*"] });
    expect(istioSchemaProblems(twoCatchAll).join("\n")).toContain(
      "webhook: sidecar: the egress listener with empty port should be the last listener in the list",
    );
  });
});
