import * as pulumi from "@pulumi/pulumi";
import { MULTIROOT_ENV, rootBundle, RootRotation, RootRotationPhase } from "../../sdk/src/install/certs";
import { planMeshTrust, rootLayout } from "../../sdk/src/install/trustPlan";
import { installMocks, Recorder, valueOf } from "../helpers/pulumiHarness";
import { computedState, connection, mockCert, pem, registrationsDuring } from "./support";
import type { MeshTrust as MeshTrustT, SpecError as SpecErrorT } from "../../sdk/src";

/**
 * Root rotation, below the plan (test/preview/ca-rotation-plan.test.ts shows the plans): what each step puts in a
 * cluster's `cacerts`, the bundle istiod will take, and the rotation args refused.
 */
let lib: typeof import("../../sdk/src");
let rec: Recorder;

beforeAll(async () => {
  rec = await installMocks({ preview: false, state: computedState });
  lib = await import("../../sdk/src");
});

const PHASES = Object.values(RootRotationPhase);

/**
 * The sets of DER certificates a PEM text decodes to, as Go's pem.Decode reads it: CERTIFICATE blocks only, base64
 * bodies (line breaks ignored); decoding stops at the first block that does not decode.
 */
function derSet(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/g)) {
    const body = m[2].replace(/\s/g, "");
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body)) break;
    if (m[1] === "CERTIFICATE") out.add(Buffer.from(body, "base64").toString("hex"));
  }
  return out;
}
const subset = (a: Set<string>, b: Set<string>) => [...a].every((x) => b.has(x));

/** How istiod's handleEvent (pilot/pkg/bootstrap/istio_ca.go) decides whether to take a new root-cert.pem. */
const ISTIOD_TAKES = {
  /** 1.29.6: `bytes.Contains` either way. */
  "1.29.6": (running: string, next: string) => next.includes(running) || running.includes(next),
  /** 1.30.3: `pemBundleHasSubsetRelation`, the decoded certificate sets, neither empty, one a subset of the other. */
  "1.30.3": (running: string, next: string) => {
    const [a, b] = [derSet(running), derSet(next)];
    return a.size > 0 && b.size > 0 && (subset(a, b) || subset(b, a));
  },
};

describe.each(Object.entries(ISTIOD_TAKES))(
  "root-cert.pem across the steps, as istiod %s's handleEvent checks it",
  (_version, istiodTakes) => {
    // Base64 bodies, so that the decoded-set model sees two distinct certificates.
    const b64 = (s: string) => Buffer.from(`DER of ${s}`).toString("base64");
    const [oldRoot, newRoot] = [pem("CERTIFICATE", b64("old root")), pem("CERTIFICATE", b64("new root"))];

    test("one root is written as it is (a stack made before rotations sees no change)", () => {
      expect(rootBundle([oldRoot])).toBe(oldRoot);
      expect(istiodTakes(oldRoot, rootBundle([oldRoot]))).toBe(true);
    });

    test.each([
      ["PEMs ending in a newline", oldRoot, newRoot],
      ["PEMs without the last newline", oldRoot.trimEnd(), newRoot.trimEnd()],
    ])("old → old+new → new passes at each change, with %s", (_what, a, b) => {
      const steps = [rootBundle([a]), rootBundle([a, b]), rootBundle([a, b]), rootBundle([b])];
      for (let i = 1; i < steps.length; i++) expect(istiodTakes(steps[i - 1], steps[i])).toBe(true);
      expect(istiodTakes(rootBundle([a]), rootBundle([b]))).toBe(false);
      expect(rootBundle([a, b]).split("-----BEGIN CERTIFICATE-----")).toHaveLength(3);
    });
  },
);

test("the two models differ where they should: 1.30 takes a re-wrapped copy of the running root, 1.29 does not", () => {
  const body = Buffer.from("DER of a root, long enough to wrap at sixty-four columns in PEM").toString("base64");
  const [oneLine, wrapped] = [pem("CERTIFICATE", body), pem("CERTIFICATE", body.replace(/(.{64})/g, "$1\n"))];
  expect(oneLine).not.toBe(wrapped);
  expect(ISTIOD_TAKES["1.29.6"](oneLine, wrapped)).toBe(false);
  expect(ISTIOD_TAKES["1.30.3"](oneLine, wrapped)).toBe(true);
});

describe("rootLayout: which roots exist, sign, are trusted and protected", () => {
  const layout = (rotation?: RootRotation, protectRoot = true) =>
    rootLayout(planMeshTrust("m", { clusters: ["c1"], rootRotation: rotation, protectRoot }));

  test("without a rotation: the first root, protected, renewing early", () => {
    expect(layout()).toEqual({
      roots: [{ name: undefined, protect: true, earlyRenewal: true }],
      signer: undefined,
      trusted: [undefined],
    });
  });

  test.each([
    [
      "add-new-root",
      [
        { name: "r1", protect: true, earlyRenewal: false },
        { name: "r2", protect: false, earlyRenewal: true },
      ],
      "r1",
      ["r1", "r2"],
    ],
    [
      "sign-with-new-root",
      [
        { name: "r1", protect: false, earlyRenewal: false },
        { name: "r2", protect: true, earlyRenewal: true },
      ],
      "r2",
      ["r1", "r2"],
    ],
    ["remove-old-root", [{ name: "r2", protect: true, earlyRenewal: true }], "r2", ["r2"]],
  ] as const)("%s", (phase, roots, signer, trusted) => {
    expect(layout({ from: "r1", to: "r2", phase })).toEqual({ roots, signer, trusted });
  });

  test("protectRoot: false protects nothing, and renews no root early (a renewal would be a replacement without overlap)", () => {
    expect(layout(undefined, false).roots).toEqual([{ name: undefined, protect: false, earlyRenewal: false }]);
    for (const phase of PHASES)
      expect(layout({ to: "r2", phase }, false).roots.every((r) => !r.protect && !r.earlyRenewal)).toBe(true);
  });
});

describe("what each step gives a cluster (MeshTrust outputs)", () => {
  const cas = async (t: MeshTrustT) => {
    const ca = t.caFor("c1");
    return {
      root: await valueOf(t.rootCertPem),
      trusted: await valueOf(t.trustedRootsPem),
      rootCerts: await valueOf(pulumi.output(ca.rootCertsPem)),
      chain: await valueOf(pulumi.output(ca.certChainPem)),
    };
  };
  const old = (m: string) => mockCert(`${m}-root-cert`);
  const next = (m: string) => mockCert(`${m}-root-r2-cert`);
  const intermediate = (m: string) => mockCert(`${m}-c1-ca-cert`);

  test.each([
    ["add-new-root", (m: string) => [old(m), old(m) + next(m), intermediate(m) + old(m)]],
    ["sign-with-new-root", (m: string) => [next(m), old(m) + next(m), intermediate(m) + next(m)]],
    ["remove-old-root", (m: string) => [next(m), next(m), intermediate(m) + next(m)]],
  ] as const)("%s: signing root, trusted roots and chain", async (phase, expected) => {
    const m = `rot-${phase}`;
    const t = new lib.MeshTrust(m, { clusters: ["c1"], rootRotation: { to: "r2", phase } });
    const got = await cas(t);
    const [root, trusted, chain] = expected(m);
    expect(got).toEqual({ root, trusted, rootCerts: trusted, chain });
  });

  test("protectRoot: false reaches the root certificate as earlyRenewalHours 0", async () => {
    new lib.MeshTrust("unprot", { clusters: ["c1"], protectRoot: false });
    await rec.settled();
    const root = rec.byName("unprot-root-cert");
    expect([root.inputs.validityPeriodHours, root.inputs.earlyRenewalHours]).toEqual([87600, 0]);
    // The intermediates renew early as ever: istiod reloads them, and the root they chain to does not change.
    expect(rec.byName("unprot-c1-ca-cert").inputs.earlyRenewalHours).toBe(4380);
  });

  test("a new root gets a subject of its own, and the same lifetimes", async () => {
    new lib.MeshTrust("subj", { clusters: ["c1"], rootRotation: { to: "r2", phase: "add-new-root" } });
    await rec.settled();
    const roots = rec.registrations.filter(
      (r) => r.type === "tls:index/selfSignedCert:SelfSignedCert" && r.name.startsWith("subj-"),
    );
    expect(
      roots.map((r) => [r.name, r.inputs.subject.commonName, r.inputs.validityPeriodHours, r.inputs.earlyRenewalHours]),
    ).toEqual([
      ["subj-root-cert", "subj root CA", 87600, 0],
      ["subj-root-r2-cert", "subj root CA r2", 87600, 17520],
    ]);
  });

  test("roots you bring: the old in rootCertPem, the new in rootRotation; no root is generated", async () => {
    const [a, b] = [mockCert("byo-old"), mockCert("byo-new")];
    const keys = { rootKeyPem: "-----BEGIN PRIVATE KEY-----\nold\n" };
    const rotation = { to: "r2", rootCertPem: b, rootKeyPem: "-----BEGIN PRIVATE KEY-----\nnew\n" };
    const during = new lib.MeshTrust("byo1", {
      clusters: ["c1"],
      rootCertPem: a,
      ...keys,
      rootRotation: { ...rotation, phase: "sign-with-new-root" },
    });
    const after = new lib.MeshTrust("byo3", {
      clusters: ["c1"],
      rootCertPem: a,
      ...keys,
      rootRotation: { ...rotation, phase: "remove-old-root" },
    });
    expect(await cas(during)).toEqual({
      root: b,
      trusted: a + b,
      rootCerts: a + b,
      chain: mockCert("byo1-c1-ca-cert") + b,
    });
    expect(await cas(after)).toEqual({ root: b, trusted: b, rootCerts: b, chain: mockCert("byo3-c1-ca-cert") + b });
    await rec.settled();
    const signedBy = rec.registrations.find((r) => r.name === "byo1-c1-ca-cert")!;
    expect(signedBy.inputs.caCertPem).toBe(b);
    expect(signedBy.inputs.caPrivateKeyPem).toBe(rotation.rootKeyPem);
    expect(rec.registrations.filter((r) => /^byo\d-root/.test(r.name))).toEqual([]);
  });

  test("roots you bring, after step 3: moving the new root into rootCertPem changes nothing a cluster gets", async () => {
    const [a, b] = [mockCert("mv-old"), mockCert("mv-new")];
    const [ka, kb] = ["-----BEGIN PRIVATE KEY-----\nold\n", "-----BEGIN PRIVATE KEY-----\nnew\n"];
    const rotated = new lib.MeshTrust("mv1", {
      clusters: ["c1"],
      rootCertPem: a,
      rootKeyPem: ka,
      rootRotation: { to: "r2", phase: "remove-old-root", rootCertPem: b, rootKeyPem: kb },
    });
    const moved = new lib.MeshTrust("mv2", { clusters: ["c1"], rootCertPem: b, rootKeyPem: kb });
    const [x, y] = [await cas(rotated), await cas(moved)];
    expect({ ...x, chain: x.chain.replace("mv1-", "") }).toEqual({ ...y, chain: y.chain.replace("mv2-", "") });
    await rec.settled();
    const signing = (m: string) => {
      const { caCertPem, caPrivateKeyPem, validityPeriodHours, earlyRenewalHours } = rec.registrations.find(
        (r) => r.name === `${m}-c1-ca-cert`,
      )!.inputs;
      return { caCertPem, caPrivateKeyPem, validityPeriodHours, earlyRenewalHours };
    };
    expect(signing("mv1")).toEqual(signing("mv2"));
  });
});

describe("rotation args refused, naming the field and the fix, before anything is registered", () => {
  function refused(args: Record<string, unknown>): string[] {
    const { count, error } = registrationsDuring(() => new lib.MeshTrust("m", { clusters: ["c1"], ...args }));
    expect(error).toBeInstanceOf(lib.SpecError);
    expect(count).toBe(0);
    return (error as SpecErrorT).issues.map((i) => `${i.path}: ${i.message}`);
  }

  test("a missing name and phase", () => {
    expect(refused({ rootRotation: {} })).toEqual([
      `rootRotation.to: is required; give a DNS-1123 label, e.g. "r2027"`,
      "rootRotation.phase: is required; use one of add-new-root, sign-with-new-root, remove-old-root",
    ]);
  });

  test("a phase misspelt, a field misspelt, a name that is no label", () => {
    const lines = refused({ rootRotation: { to: "R2", phase: "add-new-roots", form: "r1" } });
    expect(lines).toEqual([
      'rootRotation.form: unknown field; did you mean "from"?',
      expect.stringMatching(/^rootRotation\.to: "R2" is not a DNS-1123 label; /),
      'rootRotation.phase: "add-new-roots" is not a rotation step; did you mean "add-new-root"? use one of add-new-root, sign-with-new-root, remove-old-root',
    ]);
  });

  test("the new root named like the old", () => {
    expect(refused({ rootRotation: { from: "r2", to: "r2", phase: "add-new-root" } })).toEqual([
      'rootRotation.to: "r2" is also rootRotation.from; name the new root anew, e.g. "r2-2"',
    ]);
  });

  test("a new root's PEM with a generated root, and none with a root you bring", () => {
    expect(refused({ rootRotation: { to: "r2", phase: "add-new-root", rootKeyPem: "x" } })).toEqual([
      "rootRotation.rootKeyPem: is set, but MeshTrust generated the root being replaced and generates the new one too; leave it out, or bring both roots (rootCertPem/rootKeyPem for the old one)",
    ]);
    const own = { rootCertPem: mockCert("a"), rootKeyPem: "-----BEGIN PRIVATE KEY-----\nk\n" };
    expect(refused({ ...own, rootRotation: { to: "r2", phase: "add-new-root", rootCertPem: "not pem" } })).toEqual([
      "rootRotation.rootCertPem: is not a PEM certificate (no -----BEGIN CERTIFICATE----- block); you bring the old root (rootCertPem), so bring the new one too: its certificate as PEM text",
      "rootRotation.rootKeyPem: is required; you bring the old root (rootKeyPem), so bring the new one too: its private key as PEM text, kept secret",
    ]);
  });
});

describe("every istiod MeshCluster installs runs with ISTIO_MULTIROOT_MESH=true, without which it ignores a new root", () => {
  test("on the default revision and a canary's, as registered", async () => {
    const trust = new lib.MeshTrust("env-mesh", { clusters: ["c1"] });
    new lib.MeshCluster("c1", {
      cluster: connection("c1"),
      ca: trust.caFor("c1"),
      meshId: trust.meshId,
      istio: {
        revisions: [
          { name: "default", version: "1.29.6" },
          { name: "1-30-3", version: "1.30.3" },
        ],
      },
    });
    await rec.settled();
    for (const release of ["c1-istiod", "c1-istiod-1-30-3"])
      expect({ release, env: rec.byName(release).inputs.values.env }).toEqual({
        release,
        env: expect.objectContaining({ ISTIO_MULTIROOT_MESH: "true" }),
      });
    expect(MULTIROOT_ENV).toEqual({ name: "ISTIO_MULTIROOT_MESH", value: "true" });
  });
});
