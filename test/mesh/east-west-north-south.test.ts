/**
 * North-south traffic in east-west mode: every global service's pods get an ALLOW policy, so the cluster's own ingress
 * gateway (the internet's way in, which MeshCluster installs and globalmesh wires nothing through in this mode) must
 * be named in it, or acme's shopping front end is cut off. Restricted services admit their grants only; another
 * cluster's ingress gateway is never admitted. Decided at the pods, so the simulator dials them with the gateway's
 * identity (through the east-west gateway: the decision at the pods is the same as on the direct north-south hop).
 */
import { join } from "node:path";
import { buildMesh, MeshBuild } from "../../sdk/src/mesh";
import { ACME_DIR, acmeManifests, readSpecFile } from "../helpers/fixtures";
import { CallResult, MeshSimulator, outboundSni, simMeshFromModel, Stage } from "../helpers/sim";
import { find } from "../helpers/wiring";

function acme(edit: (spec: any) => void = () => {}): MeshBuild {
  const spec: any = readSpecFile(join(ACME_DIR, "gns-east-west.yaml"));
  edit(spec);
  return buildMesh(spec, acmeManifests());
}

const ingressOf = (cluster: string) => `cluster.local/ns/istio-gateways/sa/istio-ingressgateway-${cluster}`;

/** The principals an ALLOW policy on `service`'s pods in `cluster` admits, rule by rule. */
function admitted(b: MeshBuild, cluster: string, service: string): string[][] {
  const [allow] = find(
    b.compiled.objects.get(cluster)!,
    "AuthorizationPolicy",
    (o) => o.metadata.labels["globalmesh.io/service"] === service && o.spec.action === "ALLOW",
  );
  return allow.spec.rules.map((r) => r.from?.flatMap((f) => f.source.principals ?? []) ?? []);
}

/** A connection to shopping's pods (cluster1) presenting `principal`. */
function dialShopping(b: MeshBuild, principal: string): CallResult {
  const shopping = b.model.services.find((s) => s.name === "shopping")!;
  const port = shopping.ports[0].number;
  const sim = new MeshSimulator(simMeshFromModel(b.model, b.compiled.objects));
  return sim.dial(
    { principal },
    { cluster: "cluster1", gateway: "east-west" },
    outboundSni(port, "shopping.default.svc.cluster.local"),
  );
}

describe("an unrestricted service", () => {
  const b = acme();

  test("admits its own cluster's ingress gateway, in a rule of its own, and no other cluster's", () => {
    expect(admitted(b, "cluster1", "shopping")).toEqual([["cluster.local/ns/default/sa/*"], [ingressOf("cluster1")]]);
    expect(admitted(b, "cluster2", "catalog")).toEqual([["cluster.local/ns/default/sa/*"], [ingressOf("cluster2")]]);
  });

  test("followed to the pods: shopping's own ingress gateway gets in, cluster2's is refused there", () => {
    const own = dialShopping(b, ingressOf("cluster1"));
    if (!own.ok) throw new Error(`refused at ${own.refusedAt}: ${own.reason}`);
    expect(own.reached).toMatchObject({ cluster: "cluster1", fqdn: "shopping.default.svc.cluster.local" });
    const other = dialShopping(b, ingressOf("cluster2"));
    expect(other.ok).toBe(false);
    if (!other.ok) expect([other.stage, other.refusedAt]).toEqual([Stage.Authz, expect.stringContaining("shopping")]);
  });
});

describe("a restricted service admits its grants only", () => {
  test("defaultDeny with a grant to shopping: its ingress gateway is no longer named, and refused at the pods", () => {
    const b = acme((spec) => {
      spec.defaultDeny = true;
      spec.policies = [
        {
          name: "web",
          action: "ALLOW",
          from: [{ namespace: "default", serviceAccounts: ["web"] }],
          to: [{ service: "shopping" }],
        },
      ];
    });
    const rules = admitted(b, "cluster1", "shopping");
    expect(rules.flat()).not.toContain(ingressOf("cluster1"));
    expect(rules.flat()).toContain("cluster.local/ns/default/sa/web");
    const r = dialShopping(b, ingressOf("cluster1"));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.stage).toBe(Stage.Authz);
  });
});
