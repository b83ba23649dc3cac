import * as pulumi from "@pulumi/pulumi";
import { installMocks } from "../helpers/pulumiHarness";
import { computedState, connection, registrationsDuring } from "./support";
import type { MeshClusterArgs, SpecError as SpecErrorT } from "../../sdk/src";

/**
 * Bad input is refused with a SpecError that names the field and the fix, before Pulumi registers anything: no
 * component, no child, no read. Each case counts the registerResource/readResource calls the constructor made.
 * Messages are checked by field path and a key phrase only: their wording belongs to the validation vocabulary.
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
/** The message of the one issue at `path`. */
const issue = (e: SpecErrorT, path: string) => {
  const found = e.issues.filter((i) => i.path === path);
  expect(found).toHaveLength(1);
  return found[0].message;
};

/** MeshCluster args for `clusterName`, its CA from a MeshTrust made for it alone. */
function meshArgs(clusterName: string): MeshClusterArgs {
  const trust = new lib.MeshTrust(`trust-of-${clusterName}`, { clusters: [clusterName] });
  return { cluster: connection(clusterName), ca: trust.caFor(clusterName), meshId: trust.meshId, trustDomain: trust.trustDomain };
}

test("the counter sees registrations (a valid MeshTrust and MeshCluster make many)", () => {
  const made = registrationsDuring(() => new lib.MeshTrust("ok-mesh", { clusters: ["ok", "ok2"] }));
  expect(made.error).toBeUndefined();
  // The component, the root's key and certificate, and per cluster the intermediate's key, CSR and certificate.
  expect(made.count).toBe(1 + 2 + 2 * 3);
  const args = meshArgs("ok");
  const { count, error } = registrationsDuring(() => new lib.MeshCluster("ok", args));
  expect(error).toBeUndefined();
  // The component, its provider, istio-system, cacerts, 4 releases, 5 agent objects, the ingress Service read.
  expect(count).toBe(1 + 1 + 2 + 4 + 5 + 1);
});

describe("MeshTrust: the mesh's cluster names, each once, before anything is registered", () => {
  test("a name listed twice", () => {
    const e = refused(() => new lib.MeshTrust("m3", { clusters: ["dup", "east", "dup"] }));
    expect(paths(e)).toEqual(["clusters[2]"]);
    expect(e.message.split("\n")[0]).toBe('MeshTrust "m3": invalid arguments (1 problem)');
    expect(issue(e, "clusters[2]")).toMatch(/"dup"/);
    expect(issue(e, "clusters[2]")).toMatch(/twice/);
    // Another mesh may use the name.
    expect(() => new lib.MeshTrust("m3-other", { clusters: ["dup"] })).not.toThrow();
  });

  test("names that are not DNS-1123 labels", () => {
    const e = refused(() => new lib.MeshTrust("m3b", { clusters: ["Cluster_1", "", 7 as never, "ok"] }));
    expect(paths(e)).toEqual(["clusters[0]", "clusters[1]", "clusters[2]"]);
    expect(issue(e, "clusters[0]")).toMatch(/DNS-1123/);
  });

  test("no list of clusters", () => {
    expect(paths(refused(() => new lib.MeshTrust("m3c", {} as never)))).toEqual(["clusters"]);
    expect(paths(refused(() => new lib.MeshTrust("m3d", { clusters: "c1,c2" as never })))).toEqual(["clusters"]);
  });

  test("caFor a cluster MeshTrust was not told about throws, naming the fix; it registers nothing", () => {
    const trust = new lib.MeshTrust("m3e", { clusters: ["east", "west"] });
    const { count, error } = registrationsDuring(() => trust.caFor("north"));
    expect(count).toBe(0);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/"north"/);
    expect((error as Error).message).toMatch(/add it to MeshTrust's clusters/);
    expect((error as Error).message).toMatch(/east, west/);
  });
});

describe("MeshCluster: cluster, ca and meshId, by field path", () => {
  const base = () => meshArgs("c1");
  test.each<[string, (a: MeshClusterArgs) => unknown, string[]]>([
    ["no cluster", (a) => ({ ...a, cluster: undefined }), ["cluster"]],
    ["a cluster that is not an object", (a) => ({ ...a, cluster: "c1" }), ["cluster"]],
    ["a cluster without a name", (a) => ({ ...a, cluster: { kubeconfig: "kc" } }), ["cluster.clusterName"]],
    ["a cluster name that is not a DNS-1123 label", (a) => ({ ...a, cluster: connection("Cluster_1") }), ["cluster.clusterName"]],
    ["a cluster name known only at deploy time", (a) => ({ ...a, cluster: { clusterName: pulumi.output("c1"), kubeconfig: "kc" } }), ["cluster.clusterName"]],
    ["a cluster without a kubeconfig", (a) => ({ ...a, cluster: { clusterName: "c1" } }), ["cluster.kubeconfig"]],
    ["an empty kubeconfig", (a) => ({ ...a, cluster: { clusterName: "c1", kubeconfig: "" } }), ["cluster.kubeconfig"]],
    ["no ca", (a) => ({ ...a, ca: undefined }), ["ca"]],
    ["no meshId", (a) => ({ ...a, meshId: undefined }), ["meshId"]],
    ["a meshId that is not a DNS-1123 label", (a) => ({ ...a, meshId: "Mesh 1" }), ["meshId"]],
    ["a trust domain that is not a DNS name", (a) => ({ ...a, trustDomain: "not a domain" }), ["trustDomain"]],
    ["no args at all", () => undefined, ["cluster", "ca", "meshId"]],
  ])("%s", (_name, edit, expected) => {
    const args = edit(base());
    const e = refused(() => new lib.MeshCluster("bad-args", args as MeshClusterArgs));
    expect(paths(e)).toEqual(expected);
    expect(e.message.split("\n")[0]).toBe(`MeshCluster "bad-args": invalid arguments (${expected.length} problem${expected.length === 1 ? "" : "s"})`);
  });

  test("the fixes name where the value comes from", () => {
    const e = refused(() => new lib.MeshCluster("bad-args", { cluster: { clusterName: "c1" } } as never));
    expect(issue(e, "ca")).toMatch(/caFor/);
    expect(issue(e, "meshId")).toMatch(/MeshTrust/);
  });
});

test.each(["v1.29.2", "1.29", "1.29.2.1", "latest", "1.29.x", ""])("Istio version %j", (version) => {
  const id = version.replace(/\W/g, "") || "empty";
  const args = meshArgs(`bad-version-${id}`);
  const e = refused(() => new lib.MeshCluster("bad-version", { ...args, istio: { version } }));
  expect(paths(e)).toEqual(["istio.version"]);
  expect(e.message).toContain(lib.DEFAULT_ISTIO_VERSION);
});

test("chart values MeshCluster owns cannot be overridden", () => {
  const args = meshArgs("owned");
  const e = refused(
    () =>
      new lib.MeshCluster("owned", {
        ...args,
        istio: { values: { istiod: { global: { meshID: "other" } }, egressGateway: { labels: { istio: "egress" } } } },
      }),
  );
  expect(paths(e)).toEqual(["istio.values.istiod.global.meshID", "istio.values.egressGateway.labels.istio"]);
  expect(issue(e, "istio.values.istiod.global.meshID")).toMatch(/meshId/);
});

test("a chart value override that is not a mapping of values", () => {
  const args = meshArgs("not-a-map");
  const e = refused(() => new lib.MeshCluster("not-a-map", { ...args, istio: { values: { istiod: "pilot.autoscaleEnabled=false" as never, base: [] as never } } }));
  expect(paths(e).sort()).toEqual(["istio.values.base", "istio.values.istiod"]);
  const e2 = refused(() => new lib.MeshCluster("not-a-map", { ...args, istio: { values: "istiod:\n  pilot: {}\n" as never } }));
  expect(paths(e2)).toEqual(["istio.values"]);
  const e3 = refused(() => new lib.MeshCluster("not-a-map", { ...args, istio: "1.28.0" as never }));
  expect(paths(e3)).toEqual(["istio"]);
});

test("listing a system namespace for injection (listed mode); bad names; no CA", () => {
  const args = meshArgs("inj");
  const e = refused(
    () =>
      new lib.MeshCluster("inj", {
        ...args,
        ca: undefined as never,
        injection: { namespaces: ["apps", "istio-system", "Apps", "apps"] },
        network: "Net_1",
      }),
  );
  expect(paths(e)).toEqual(["ca", "network", "injection.namespaces[2]", "injection.namespaces[3]", "injection.namespaces[1]"]);
  expect(issue(e, "network")).toContain('"Net_1"');
  expect(issue(e, "injection.namespaces[1]")).toMatch(/system namespace/);
});

test("MeshTrust: half a root, a key that is not PEM (never echoed), a bad trust domain", () => {
  const clusters = ["c1"];
  const e = refused(() => new lib.MeshTrust("byo", { clusters, rootCertPem: "-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n" }));
  expect(paths(e)).toEqual(["rootKeyPem"]);
  const e2 = refused(() => new lib.MeshTrust("byo2", { clusters, rootCertPem: "nope", rootKeyPem: "s3cr3t-key-material", trustDomain: "Not A Domain" }));
  expect(paths(e2)).toEqual(["trustDomain", "rootCertPem", "rootKeyPem"]);
  expect(e2.message).not.toContain("s3cr3t");
  const e3 = refused(() => new lib.MeshTrust("Mesh_1", { clusters }));
  expect(paths(e3)).toEqual(["meshId"]);
});

describe("GlobalNamespace refuses a member namespace its cluster excludes from injection", () => {
  let member: InstanceType<typeof lib.MeshCluster>;
  let other: InstanceType<typeof lib.MeshCluster>;
  beforeAll(() => {
    const trust = new lib.MeshTrust("m5", { clusters: ["gx1", "gx2"] });
    const mesh = (c: string) => ({ cluster: connection(c), ca: trust.caFor(c), meshId: trust.meshId });
    member = new lib.MeshCluster("gx1", { ...mesh("gx1"), injection: { namespaces: ["shop", "shop-legacy"], exclude: ["shop-legacy"] } });
    other = new lib.MeshCluster("gx2", { ...mesh("gx2"), injection: { namespaces: ["shop", "shop-legacy"] } });
  });
  const services = [{ name: "cart", namespace: "shop-legacy", clusters: ["gx1"], ports: [{ number: 8080, name: "http" }] }];

  test("named outright", () => {
    const e = refused(
      () =>
        new lib.GlobalNamespace("gx-a", {
          domain: "shop.example.com",
          clusters: [other, member],
          members: [
            { cluster: "gx2", namespace: "shop" },
            { cluster: "gx1", namespace: "shop-legacy" },
          ],
        }),
    );
    expect(paths(e)).toEqual(["members[1]"]);
    expect(issue(e, "members[1]")).toMatch(/shop-legacy/);
    expect(issue(e, "members[1]")).toMatch(/gx1/);
    expect(issue(e, "members[1]")).toMatch(/injection\.exclude/);
  });

  test("through a pattern that maps a service running there", () => {
    const e = refused(() => new lib.GlobalNamespace("gx-b", { domain: "shop.example.com", members: [{ cluster: "gx*", namespace: "shop*" }], clusters: [member, other], services }));
    expect(paths(e)).toEqual(["members[0]"]);
    expect(issue(e, "members[0]")).toMatch(/pattern/);
  });

  test("the same namespace on a cluster that does not exclude it is fine", () => {
    const { count, error } = registrationsDuring(
      () => new lib.GlobalNamespace("gx-c", { domain: "shop.example.com", members: [{ cluster: "gx*", namespace: "shop*" }], clusters: [member, other], services: [{ ...services[0], clusters: ["gx2"] }] }),
    );
    expect(error).toBeUndefined();
    expect(count).toBeGreaterThan(0);
  });
});
