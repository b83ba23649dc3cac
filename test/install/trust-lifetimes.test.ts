import { readFileSync } from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { installMocks, Recorder } from "../helpers/pulumiHarness";
import { computedState, registrationsDuring } from "./support";
import type { MeshTrustArgs, SpecError as SpecErrorT } from "../../sdk/src";

/**
 * MeshTrust's certificate lifetimes and renewal windows: safe defaults on every CA certificate it makes, and bad
 * combinations refused whole (every problem, field and fix named) before anything is registered.
 */
let lib: typeof import("../../sdk/src");
let rec: Recorder;

beforeAll(async () => {
  rec = await installMocks({ preview: false, state: computedState });
  lib = await import("../../sdk/src");
});

function refused(args: Partial<MeshTrustArgs>): string[] {
  const { count, error } = registrationsDuring(() => new lib.MeshTrust("m", { clusters: ["c1"], ...args }));
  expect(error).toBeInstanceOf(lib.SpecError);
  expect(count).toBe(0);
  return (error as SpecErrorT).issues.map((i) => `${i.path}: ${i.message}`);
}

const CERT_TYPES = ["tls:index/selfSignedCert:SelfSignedCert", "tls:index/locallySignedCert:LocallySignedCert"];
const certsOf = (mesh: string) =>
  rec.registrations.filter((r) => CERT_TYPES.includes(r.type) && r.name.startsWith(`${mesh}-`));

describe("defaults", () => {
  beforeAll(async () => {
    new lib.MeshTrust("dflt", { clusters: ["c1", "c2"] });
    await rec.settled();
  });

  test("every CA certificate renews early: the root 2 years before its 10, each intermediate half a year before its 2", () => {
    const lifetimes = Object.fromEntries(
      certsOf("dflt").map((r) => [r.name, [r.inputs.validityPeriodHours, r.inputs.earlyRenewalHours]]),
    );
    expect(lifetimes).toEqual({
      "dflt-root-cert": [87600, 17520],
      "dflt-c1-ca-cert": [17520, 4380],
      "dflt-c2-ca-cert": [17520, 4380],
    });
  });

  test("an intermediate signed just before the root is due expires before the root does", () => {
    const root = certsOf("dflt").find((r) => r.name === "dflt-root-cert")!;
    const intermediates = certsOf("dflt").filter((r) => r !== root);
    expect(intermediates).toHaveLength(2);
    for (const ca of intermediates)
      expect(ca.inputs.validityPeriodHours).toBeLessThanOrEqual(root.inputs.earlyRenewalHours);
  });

  test("chosen lifetimes reach the certificates as given", async () => {
    new lib.MeshTrust("chosen", {
      clusters: ["c1"],
      rootValidityHours: 43800,
      rootEarlyRenewalHours: 8760,
      intermediateValidityHours: 8760,
      intermediateEarlyRenewalHours: 720,
    });
    await rec.settled();
    expect(certsOf("chosen").map((r) => [r.name, r.inputs.validityPeriodHours, r.inputs.earlyRenewalHours])).toEqual([
      ["chosen-root-cert", 43800, 8760],
      ["chosen-c1-ca-cert", 8760, 720],
    ]);
  });
});

describe("refused, naming the field and the fix", () => {
  test("out of range: each lifetime and window has a floor that says why", () => {
    expect(
      refused({
        rootValidityHours: 100,
        rootEarlyRenewalHours: 24,
        intermediateValidityHours: 1.5,
        intermediateEarlyRenewalHours: 0,
      }),
    ).toEqual([
      "rootValidityHours: 100 is not a whole number from 720 to 876000; use e.g. 87600",
      "rootEarlyRenewalHours: 24 is not a whole number from 168 to 876000; use e.g. 17520",
      "intermediateValidityHours: 1.5 is not a whole number from 168 to 876000; use e.g. 17520",
      "intermediateEarlyRenewalHours: 0 is not a whole number from 48 to 876000; use e.g. 4380",
    ]);
  });

  test("a renewal window as long as the lifetime", () => {
    expect(refused({ intermediateValidityHours: 720, intermediateEarlyRenewalHours: 720 })).toEqual([
      "intermediateEarlyRenewalHours: 720 is not less than intermediateValidityHours (720), so each intermediate would be due for renewal as soon as it is signed and every pulumi up would sign it again; give less, e.g. 180",
    ]);
    expect(refused({ rootValidityHours: 17520 })).toEqual([
      "rootEarlyRenewalHours: 17520 is not less than rootValidityHours (17520), so the root would be due for renewal as soon as it is made; give less, e.g. 3504",
      "intermediateValidityHours: 17520 is not less than the root's 17520 hours, and certificates signed after the root expires would not verify; give less than 17520, or raise rootValidityHours",
    ]);
  });

  test("an intermediate that would outlive the root", () => {
    expect(refused({ rootValidityHours: 8760, rootEarlyRenewalHours: 2000 })).toEqual([
      "intermediateValidityHours: 17520 is not less than the root's 8760 hours, and certificates signed after the root expires would not verify; give less than 8760, or raise rootValidityHours",
    ]);
    expect(refused({ intermediateValidityHours: 26280 })).toEqual([
      "intermediateValidityHours: 26280 is more than rootEarlyRenewalHours (17520), so an intermediate signed just before the root is due for renewal would outlive the root; give at most 17520, or raise rootEarlyRenewalHours",
    ]);
  });

  test("a renewal window of one workload certificate lifetime (24 h) is too short: at least two", () => {
    expect(refused({ intermediateEarlyRenewalHours: 24 })).toEqual([
      "intermediateEarlyRenewalHours: 24 is not a whole number from 48 to 876000; use e.g. 4380",
    ]);
  });

  test("a root you bring has no lifetime here: only the intermediate's own window is compared", () => {
    const own = { rootCertPem: "-----BEGIN CERTIFICATE-----\nx\n", rootKeyPem: "-----BEGIN RSA PRIVATE KEY-----\nx\n" };
    const { error } = registrationsDuring(
      () => new lib.MeshTrust("own", { clusters: ["c1"], ...own, intermediateValidityHours: 26280 }),
    );
    expect(error).toBeUndefined();
    expect(refused({ ...own, intermediateEarlyRenewalHours: 20000 })).toEqual([
      "intermediateEarlyRenewalHours: 20000 is not less than intermediateValidityHours (17520), so each intermediate would be due for renewal as soon as it is signed and every pulumi up would sign it again; give less, e.g. 4380",
    ]);
  });

  test("lifetimes known only at deploy time, and protectRoot that is not a boolean", () => {
    expect(
      refused({ rootEarlyRenewalHours: pulumi.output(100) as never, protectRoot: "yes" as never }).map(
        (l) => l.split(";")[0],
      ),
    ).toEqual([
      "rootEarlyRenewalHours: is an Output, known only at deploy time",
      'protectRoot: "yes" is not true or false',
    ]);
  });
});

describe("a root you bring", () => {
  /** A real self-signed CA certificate (EC P-256) that expires 2100-07-27T11:21:41Z. */
  const ROOT_2100 = readFileSync(path.join(__dirname, "fixtures", "byo-root-2100.pem"), "utf8");
  const KEY = "-----BEGIN PRIVATE KEY-----\nnot-a-real-key\n-----END PRIVATE KEY-----\n";
  const own = { rootCertPem: ROOT_2100, rootKeyPem: KEY };
  const at = (iso: string) => jest.spyOn(Date, "now").mockReturnValue(Date.parse(iso));
  afterEach(() => jest.restoreAllMocks());

  test("the lifetime, renewal and protection fields of a generated root are refused, not ignored", () => {
    expect(refused({ ...own, rootValidityHours: 87600, rootEarlyRenewalHours: 17520, protectRoot: false })).toEqual(
      ["rootValidityHours", "rootEarlyRenewalHours", "protectRoot"].map(
        (f) =>
          `${f}: is set, but you bring the root (rootCertPem), whose lifetime is its own and which MeshTrust neither renews nor protects; remove it`,
      ),
    );
  });

  test("an intermediate that would outlive the root's notAfter, read from the PEM, is refused", () => {
    at("2099-01-01T00:00:00Z");
    expect(refused(own)).toEqual([
      "intermediateValidityHours: 17520 would outlive rootCertPem, which expires 2100-07-27T11:21:41.000Z (in 13739 hours), and certificates signed after the root expires would not verify; give at most 13739, or rotate to a newer root (rootRotation)",
    ]);
    const { error } = registrationsDuring(
      () => new lib.MeshTrust("byo-short", { clusters: ["c1"], ...own, intermediateValidityHours: 13739 }),
    );
    expect(error).toBeUndefined();
  });

  test("a root too close to its expiry for any intermediate: rotate", () => {
    at("2100-07-25T00:00:00Z");
    expect(refused({ ...own, intermediateValidityHours: 168, intermediateEarlyRenewalHours: 48 })).toEqual([
      'rootCertPem: expires 2100-07-27T11:21:41.000Z, in less than the shortest intermediate lifetime (168 hours); rotate to a newer root (rootRotation, see docs/operating.md, "Rotating the mesh CA")',
    ]);
  });

  test("during a rotation, the root that signs in that step is the one checked", () => {
    at("2099-01-01T00:00:00Z");
    const old = "-----BEGIN CERTIFICATE-----\nnot parsed\n-----END CERTIFICATE-----\n";
    const rotation = { to: "r2", rootCertPem: ROOT_2100, rootKeyPem: KEY };
    // Step 1: the old root (text that does not parse, so unchecked here) still signs.
    const { error } = registrationsDuring(
      () =>
        new lib.MeshTrust("byo-rot1", {
          clusters: ["c1"],
          rootCertPem: old,
          rootKeyPem: KEY,
          rootRotation: { ...rotation, phase: "add-new-root" },
        }),
    );
    expect(error).toBeUndefined();
    expect(
      refused({ rootCertPem: old, rootKeyPem: KEY, rootRotation: { ...rotation, phase: "sign-with-new-root" } }),
    ).toEqual([expect.stringMatching(/^intermediateValidityHours: 17520 would outlive rootRotation\.rootCertPem, /)]);
  });

  test("a root known only at deploy time is not checked here", () => {
    at("2100-07-25T00:00:00Z");
    const { error } = registrationsDuring(
      () =>
        new lib.MeshTrust("byo-deferred", {
          clusters: ["c1"],
          rootCertPem: pulumi.output(ROOT_2100),
          rootKeyPem: pulumi.secret(KEY),
        }),
    );
    expect(error).toBeUndefined();
  });
});
