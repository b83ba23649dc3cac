import { installMocks } from "../helpers/pulumiHarness";
import { computedState, handle, registrationsDuring } from "./support";
import type { SpecError as SpecErrorT } from "../../sdk/src";

/**
 * Bad input is refused with a SpecError that names the field and the fix, before Pulumi registers anything: no
 * component, no child, no read. Each case counts the registerResource/readResource calls the constructor made.
 */
let lib: typeof import("../../sdk/src");

beforeAll(async () => {
  await installMocks({ preview: false, state: computedState });
  lib = await import("../../sdk/src");
});

function refused(fn: () => void): SpecErrorT {
  const { count, error } = registrationsDuring(fn);
  expect(error).toBeInstanceOf(lib.SpecError);
  expect(count).toBe(0);
  return error as SpecErrorT;
}
const paths = (e: SpecErrorT) => e.issues.map((i) => i.path);

test("the counter sees registrations (a valid MeshCluster makes many)", () => {
  const trust = new lib.MeshTrust("ok-mesh");
  const h = handle("ok");
  const { count, error } = registrationsDuring(() => new lib.MeshCluster("ok", { cluster: h, trust }));
  expect(error).toBeUndefined();
  // The component, istio-system, cacerts, 4 releases, 5 agent objects, the intermediate's 3 tls resources, the ingress Service read.
  expect(count).toBe(1 + 2 + 4 + 5 + 3 + 1);
});

test("a cluster handle in two MeshClusters", () => {
  const trust = new lib.MeshTrust("m1");
  const h = handle("twice");
  new lib.MeshCluster("twice-a", { cluster: h, trust });
  const otherTrust = new lib.MeshTrust("m1-other");
  const e = refused(() => new lib.MeshCluster("twice-b", { cluster: h, trust: otherTrust }));
  expect(paths(e)).toEqual(["cluster"]);
  expect(e.message.split("\n")[0]).toBe('MeshCluster "twice-b": invalid arguments (1 problem)');
  expect(e.message).toContain('already onboarded by MeshCluster "twice-a"');
  expect(e.stack).toContain('MeshCluster "twice-b": invalid arguments');
  // The same cluster (its provider) behind another handle object: refused too.
  const e2 = refused(() => new lib.MeshCluster("twice-c", { cluster: { ...h }, trust: otherTrust }));
  expect(paths(e2)).toEqual(["cluster"]);
});

test("a MeshCluster given as the handle of another MeshCluster", () => {
  const trust = new lib.MeshTrust("m2");
  const first = new lib.MeshCluster("nested", { cluster: handle("nested"), trust });
  const otherTrust = new lib.MeshTrust("m2-other");
  const e = refused(() => new lib.MeshCluster("nested-again", { cluster: first, trust: otherTrust }));
  expect(paths(e)).toEqual(["cluster"]);
});

test("two clusters with one name in one mesh (MeshTrust)", () => {
  const trust = new lib.MeshTrust("m3");
  new lib.MeshCluster("east", { cluster: handle("dup"), trust });
  const west = handle("dup-west", {});
  const e = refused(() => new lib.MeshCluster("west", { cluster: { ...west, clusterName: "dup" }, trust }));
  expect(paths(e)).toEqual(["cluster.clusterName"]);
  expect(e.message).toContain('mesh "m3" already has a cluster named "dup"');
  // Asking MeshTrust directly for the same name again is refused as well.
  const e2 = refused(() => trust.intermediateFor("dup"));
  expect(paths(e2)).toEqual(["clusterName"]);
  // Another mesh may use the name.
  expect(() => new lib.MeshCluster("elsewhere", { cluster: { ...handle("dup-elsewhere"), clusterName: "dup" }, trust: new lib.MeshTrust("m3-other") })).not.toThrow();
});

test.each(["v1.29.2", "1.29", "1.29.2.1", "latest", "1.29.x", ""])("Istio version %j", (version) => {
  const id = version.replace(/\W/g, "") || "empty";
  const trust = new lib.MeshTrust(`mv-${id}`);
  const cluster = handle(`bad-version-${id}`);
  const e = refused(() => new lib.MeshCluster("bad-version", { cluster, trust, istio: { version } }));
  expect(paths(e)).toEqual(["istio.version"]);
  expect(e.message).toContain(`e.g. "${lib.DEFAULT_ISTIO_VERSION}"`);
});

test("chart values MeshCluster owns cannot be overridden", () => {
  const trust = new lib.MeshTrust("m4");
  const cluster = handle("owned");
  const e = refused(
    () =>
      new lib.MeshCluster("owned", {
        cluster,
        trust,
        istio: { values: { istiod: { global: { meshID: "other" } }, egressGateway: { labels: { istio: "egress" } } } },
      }),
  );
  expect(paths(e)).toEqual(["istio.values.istiod.global.meshID", "istio.values.egressGateway.labels.istio"]);
  expect(e.message).toContain("set meshId on the MeshTrust");
});

test("listing a system namespace for injection (listed mode); bad names; not a MeshTrust", () => {
  const cluster = handle("inj");
  const e = refused(
    () =>
      new lib.MeshCluster("inj", {
        cluster,
        trust: {} as never,
        injection: { namespaces: ["apps", "istio-system", "Apps", "apps"] },
        network: "Net_1",
      }),
  );
  expect(paths(e)).toEqual(["trust", "network", "injection.namespaces[2]", "injection.namespaces[3]", "injection.namespaces[1]"]);
  expect(e.message).toContain('"Net_1" is not a DNS-1123 label');
  expect(e.message).toContain("istio-system is a system namespace");
});

test("MeshTrust: half a root, a key that is not PEM (never echoed), a bad trust domain", () => {
  const e = refused(() => new lib.MeshTrust("byo", { rootCertPem: "-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n" }));
  expect(paths(e)).toEqual(["rootKeyPem"]);
  const e2 = refused(() => new lib.MeshTrust("byo2", { rootCertPem: "nope", rootKeyPem: "s3cr3t-key-material", trustDomain: "Not A Domain" }));
  expect(paths(e2)).toEqual(["trustDomain", "rootCertPem", "rootKeyPem"]);
  expect(e2.message).not.toContain("s3cr3t");
  const e3 = refused(() => new lib.MeshTrust("Mesh_1"));
  expect(paths(e3)).toEqual(["meshId"]);
});

describe("GlobalNamespace refuses a member namespace its cluster excludes from injection", () => {
  let member: InstanceType<typeof lib.MeshCluster>;
  let other: InstanceType<typeof lib.MeshCluster>;
  beforeAll(() => {
    const trust = new lib.MeshTrust("m5");
    member = new lib.MeshCluster("gx1", { cluster: handle("gx1"), trust, injection: { namespaces: ["shop", "shop-legacy"], exclude: ["shop-legacy"] } });
    other = new lib.MeshCluster("gx2", { cluster: handle("gx2"), trust, injection: { namespaces: ["shop", "shop-legacy"] } });
  });
  const services = [{ name: "cart", namespace: "shop-legacy", clusters: ["gx1"], ports: [{ number: 8080, name: "http" }] }];

  test("named outright", () => {
    const e = refused(() => new lib.GlobalNamespace("gx-a", { domain: "shop.example.com", members: [{ cluster: other, namespace: "shop" }, { cluster: member, namespace: "shop-legacy" }] }));
    expect(paths(e)).toEqual(["members[1]"]);
    expect(e.message).toContain("maps namespace shop-legacy of cluster gx1, which that cluster excludes from sidecar injection");
    expect(e.message).toContain("Remove shop-legacy from the cluster's injection.exclude, or drop this rule");
  });

  test("through a pattern that maps a service running there", () => {
    const e = refused(() => new lib.GlobalNamespace("gx-b", { domain: "shop.example.com", members: [{ cluster: "gx*", namespace: "shop*" }], clusters: [member, other], services }));
    expect(paths(e)).toEqual(["members[0]"]);
    expect(e.message).toContain("narrow this rule's pattern");
  });

  test("the same namespace on a cluster that does not exclude it is fine", () => {
    const { count, error } = registrationsDuring(
      () => new lib.GlobalNamespace("gx-c", { domain: "shop.example.com", members: [{ cluster: "gx*", namespace: "shop*" }], clusters: [member, other], services: [{ ...services[0], clusters: ["gx2"] }] }),
    );
    expect(error).toBeUndefined();
    expect(count).toBeGreaterThan(0);
  });
});
