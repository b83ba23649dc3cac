import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import type { MeshTrustArgs } from "../../sdk/src/install/args";
import { kubeconfigText } from "../helpers/kubeconfigs";
import { diffRegistrations, Plan } from "../helpers/plan";
import { installMocks, Registration } from "../helpers/pulumiHarness";

/**
 * The plan `pulumi preview` shows for each step of a root rotation (docs/operating.md, "Rotating the mesh CA"): a mesh
 * of two MeshClusters under one MeshTrust, before and after each step.
 *
 * Certificates are "computed" as `up` would leave them: a PEM named after the resource and a digest of the inputs
 * that make the certificate (so a certificate signed again has a new PEM, and the `cacerts` secrets show it). The tls
 * provider replaces a certificate when any input changes except `earlyRenewalHours`, which it updates in place
 * (hashicorp/terraform-provider-tls internal/provider: every attribute has RequiresReplace but `early_renewal_hours`);
 * test/helpers/plan.ts does not know that, so `tlsPlan` below applies it. `protect` is recorded per resource, because
 * the engine refuses to delete or replace a resource whose state is protected.
 */

const CLUSTERS = ["c1", "c2"];
const TLS = "tls:index/";
const RENEWAL_ONLY = "earlyRenewalHours";

function pemOf(args: pulumi.runtime.MockResourceArgs, kind: string): string {
  const { earlyRenewalHours: _renewal, ...making } = args.inputs as Record<string, unknown>;
  const digest = createHash("sha256").update(JSON.stringify(making)).digest("hex").slice(0, 12);
  return `-----BEGIN ${kind}-----\nMOCK-${args.name}-${digest}\n-----END ${kind}-----\n`;
}

/** What `computed` returned in the step being run, by `<type> <name>`. */
let computedNow = new Map<string, Record<string, unknown>>();

function computed(args: pulumi.runtime.MockResourceArgs): Record<string, unknown> | undefined {
  const state = computeState(args);
  if (state) computedNow.set(`${args.type} ${args.name}`, state);
  return state;
}

function computeState(args: pulumi.runtime.MockResourceArgs): Record<string, unknown> | undefined {
  switch (args.type) {
    case "tls:index/privateKey:PrivateKey":
      return { privateKeyPem: pemOf(args, "RSA PRIVATE KEY") };
    case "tls:index/certRequest:CertRequest":
      return { certRequestPem: pemOf(args, "CERTIFICATE REQUEST") };
    case "tls:index/selfSignedCert:SelfSignedCert":
    case "tls:index/locallySignedCert:LocallySignedCert":
      return { certPem: pemOf(args, "CERTIFICATE") };
    default:
      return undefined;
  }
}

interface Step {
  regs: Map<string, Registration>;
  /** `<type> <name>` → the state the tls provider computed. */
  computed: Map<string, Record<string, unknown>>;
  /** URN → the protect option it was registered with. */
  protect: Map<string, boolean>;
}

/** The mesh as a program: MeshTrust with `trustArgs`, and a MeshCluster per cluster (whose `cacerts` holds the CA). */
async function step(trustArgs: Partial<MeshTrustArgs> = {}): Promise<Step> {
  computedNow = new Map();
  const recorder = await installMocks({ preview: true, state: computed });
  const protect = new Map<string, boolean>();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const monitor = require("@pulumi/pulumi/runtime/settings").getMonitor();
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, callback: (err: unknown, resp: any) => void) =>
    register(req, (err: unknown, resp: any) => {
      if (!err) protect.set(resp.getUrn(), req.getProtect());
      callback(err, resp);
    });
  const lib = await import("../../sdk/src");
  const trust = new lib.MeshTrust("mesh", { clusters: CLUSTERS, ...trustArgs });
  for (const c of CLUSTERS)
    new lib.MeshCluster(c, {
      cluster: { clusterName: c, kubeconfig: kubeconfigText(c) },
      ca: trust.caFor(c),
      meshId: trust.meshId,
      trustDomain: trust.trustDomain,
    });
  await recorder.settled();
  return { regs: new Map(recorder.registrations.map((r) => [r.urn, r])), computed: computedNow, protect };
}

/** test/helpers/plan.ts's plan, with the tls provider's rule: a changed certificate input replaces it. */
function tlsPlan(before: Step, after: Step): Plan {
  const plan = diffRegistrations(before.regs, after.regs);
  for (const [urn, paths] of Object.entries(plan.update))
    if (type(urn).startsWith(TLS) && paths.some((p) => p !== RENEWAL_ONLY)) {
      delete plan.update[urn];
      plan.replace[urn] = `${paths.join(", ")} changed`;
    }
  return plan;
}

/** What the engine would refuse: deleting or replacing a resource protected in the state before the step. */
const blocked = (before: Step, plan: Plan) =>
  names([...plan.delete, ...Object.keys(plan.replace)].filter((u) => before.protect.get(u)));

const name = (urn: string) => urn.split("::").pop()!;
const type = (urn: string) => urn.split("::")[2].split("$").pop()!;
const names = (urns: string[]) => urns.map(name).sort();
const updates = (plan: Plan) =>
  Object.fromEntries(Object.entries(plan.update).map(([u, paths]) => [name(u), [...paths].sort()]));
const replaces = (plan: Plan) => names(Object.keys(plan.replace));
const secret = (s: Step, cluster: string): Record<string, string> =>
  [...s.regs.values()].find((r) => r.name === `${cluster}-cacerts`)!.inputs.stringData;
/** A certificate's PEM as `up` computed it; undefined when the step has no such certificate. */
function certOf(s: Step, resource: string): string | undefined {
  const reg = [...s.regs.values()].find((r) => r.name === resource && r.type.startsWith(TLS));
  return reg && (s.computed.get(`${reg.type} ${reg.name}`)?.certPem as string);
}
const rootPem = (s: Step, root?: string) => certOf(s, root ? `mesh-root-${root}-cert` : "mesh-root-cert");

const ROOT_PEM = "root-cert.pem";
const CHAIN_PEM = "cert-chain.pem";
const CA_PEM = "ca-cert.pem";
const perCluster = (fields: string[]) =>
  Object.fromEntries(CLUSTERS.map((c) => [`${c}-cacerts`, fields.map((f) => `stringData["${f}"]`)]));

/** The PEM blocks of a bundle, as text. */
const blocks = (pem: string) => pem.match(/-----BEGIN CERTIFICATE-----\n[\s\S]*?-----END CERTIFICATE-----\n/g) ?? [];

const ADD = { to: "r2", phase: "add-new-root" } as const;
const SIGN = { to: "r2", phase: "sign-with-new-root" } as const;
const REMOVE = { to: "r2", phase: "remove-old-root" } as const;

let steady: Step, added: Step, signed: Step, removed: Step, nextAdded: Step;
beforeAll(async () => {
  steady = await step();
  added = await step({ rootRotation: ADD });
  signed = await step({ rootRotation: SIGN });
  removed = await step({ rootRotation: REMOVE });
  nextAdded = await step({ rootRotation: { from: "r2", to: "r3", phase: "add-new-root" } });
});

describe("step 1, add-new-root: the new root is made and trusted next to the old one", () => {
  let plan: Plan;
  beforeAll(() => (plan = tlsPlan(steady, added)));

  test("creates the new root (key, certificate) and nothing else; deletes and replaces nothing", () => {
    expect(names(plan.create)).toEqual(["mesh-root-r2-cert", "mesh-root-r2-key"]);
    expect([plan.delete, replaces(plan)]).toEqual([[], []]);
  });

  test("updates each cluster's root-cert.pem, and the old root's renewal window (in place) only", () => {
    expect(updates(plan)).toEqual({ ...perCluster([ROOT_PEM]), "mesh-root-cert": [RENEWAL_ONLY] });
    expect([...added.regs.values()].find((r) => r.name === "mesh-root-cert")!.inputs.earlyRenewalHours).toBe(0);
  });

  test("root-cert.pem holds the old root's exact text, then the new root: istiod takes a bundle that contains the running one", () => {
    const [old, next] = [rootPem(steady), rootPem(added, "r2")!];
    for (const c of CLUSTERS) {
      expect(secret(steady, c)[ROOT_PEM]).toBe(old);
      expect(blocks(secret(added, c)[ROOT_PEM])).toEqual([old, next]);
      expect(secret(added, c)[ROOT_PEM].includes(secret(steady, c)[ROOT_PEM])).toBe(true);
      // Still signed by the old root: the intermediates and their chains are untouched.
      expect(secret(added, c)[CHAIN_PEM]).toBe(secret(steady, c)[CHAIN_PEM]);
    }
  });

  test("the old root stays protected; the new one is not yet (the step can be undone)", () => {
    expect(blocked(steady, plan)).toEqual([]);
    expect(protectOf(added, "mesh-root-cert")).toBe(true);
    expect(protectOf(added, "mesh-root-r2-cert")).toBe(false);
  });
});

describe("step 2, sign-with-new-root: every intermediate is signed again by the new root", () => {
  let plan: Plan;
  beforeAll(() => (plan = tlsPlan(added, signed)));

  test("replaces each intermediate certificate only (its key and request stay); creates and deletes nothing", () => {
    expect([plan.create, plan.delete]).toEqual([[], []]);
    expect(replaces(plan)).toEqual(["mesh-c1-ca-cert", "mesh-c2-ca-cert"]);
    for (const c of CLUSTERS)
      expect(plan.replace[[...signed.regs.keys()].find((u) => name(u) === `mesh-${c}-ca-cert`)!]).toBe(
        "caCertPem, caPrivateKeyPem changed",
      );
  });

  test("updates each cluster's ca-cert.pem and cert-chain.pem; root-cert.pem keeps both roots, unchanged", () => {
    expect(updates(plan)).toEqual(perCluster([CA_PEM, CHAIN_PEM]));
    const next = rootPem(signed, "r2")!;
    for (const c of CLUSTERS) {
      expect(secret(signed, c)[ROOT_PEM]).toBe(secret(added, c)[ROOT_PEM]);
      expect(blocks(secret(signed, c)[CHAIN_PEM])).toEqual([certOf(signed, `mesh-${c}-ca-cert`), next]);
    }
  });

  test("protection moves from the old root to the new one, so step 3 may delete the old root", () => {
    expect(blocked(added, plan)).toEqual([]);
    expect([protectOf(signed, "mesh-root-cert"), protectOf(signed, "mesh-root-key")]).toEqual([false, false]);
    expect([protectOf(signed, "mesh-root-r2-cert"), protectOf(signed, "mesh-root-r2-key")]).toEqual([true, true]);
  });
});

describe("step 3, remove-old-root (after the workload certificate lifetime): the new root alone", () => {
  let plan: Plan;
  beforeAll(() => (plan = tlsPlan(signed, removed)));

  test("deletes the old root (key, certificate); creates and replaces nothing", () => {
    expect(names(plan.delete)).toEqual(["mesh-root-cert", "mesh-root-key"]);
    expect([plan.create, replaces(plan)]).toEqual([[], []]);
    expect(blocked(signed, plan)).toEqual([]);
  });

  test("updates each cluster's root-cert.pem only, to the new root, which the bundle held verbatim", () => {
    expect(updates(plan)).toEqual(perCluster([ROOT_PEM]));
    for (const c of CLUSTERS) {
      expect(secret(removed, c)[ROOT_PEM]).toBe(rootPem(removed, "r2"));
      expect(secret(signed, c)[ROOT_PEM].includes(secret(removed, c)[ROOT_PEM])).toBe(true);
    }
  });
});

describe("steps out of order, as the engine would meet them", () => {
  test("skipping step 2 stops at the old root, still protected, instead of deleting it", () => {
    const plan = tlsPlan(added, removed);
    expect(blocked(added, plan)).toEqual(["mesh-root-cert", "mesh-root-key"]);
  });

  test("without a rotation nothing replaces the root: a changed root lifetime stops at its protection", async () => {
    expect(tlsPlan(steady, steady)).toEqual({ create: [], delete: [], update: {}, replace: {} });
    const plan = tlsPlan(steady, await step({ rootValidityHours: 5 * 365 * 24 }));
    expect(replaces(plan)).toEqual(["mesh-c1-ca-cert", "mesh-c2-ca-cert", "mesh-root-cert"]);
    expect(blocked(steady, plan)).toEqual(["mesh-root-cert"]);
  });
});

describe("the next rotation (from r2 to r3) starts like the first", () => {
  test("creates r3 and touches r2 only to stop its early renewal", () => {
    const plan = tlsPlan(removed, nextAdded);
    expect(names(plan.create)).toEqual(["mesh-root-r3-cert", "mesh-root-r3-key"]);
    expect([plan.delete, replaces(plan)]).toEqual([[], []]);
    expect(updates(plan)).toEqual({ ...perCluster([ROOT_PEM]), "mesh-root-r2-cert": [RENEWAL_ONLY] });
  });
});

function protectOf(s: Step, resource: string): boolean | undefined {
  const urn = [...s.regs.keys()].find((u) => name(u) === resource);
  return urn === undefined ? undefined : s.protect.get(urn);
}
