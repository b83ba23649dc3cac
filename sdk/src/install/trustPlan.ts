import { X509Certificate } from "node:crypto";
import { IssueList } from "../mesh";
import {
  checkArgFields,
  checkBoolean,
  checkChoice,
  checkDnsLabel,
  checkDnsName,
  checkInteger,
  isDeferred,
  readList,
  readObject,
} from "../mesh/checks";
import { MeshTrustArgs } from "./args";
import { RootRotation, RootRotationPhase } from "./certs";
import { DEFAULT_TRUST_DOMAIN } from "./defaults";

/** MeshTrust args, checked, with defaults filled in. */
export interface MeshTrustPlan {
  /** Cluster names to issue intermediates for: unique DNS-1123 labels. */
  clusters: string[];
  meshId: string;
  trustDomain: string;
  /** True when the caller brings the root (cert + key). */
  ownRoot: boolean;
  rootValidityHours: number;
  rootEarlyRenewalHours: number;
  intermediateValidityHours: number;
  intermediateEarlyRenewalHours: number;
  protectRoot: boolean;
  /** The rotation in progress, checked. */
  rotation?: { from?: string; to: string; phase: RootRotationPhase };
}

const DEFAULT_ROOT_HOURS = 10 * 365 * 24;
const DEFAULT_ROOT_EARLY_RENEWAL_HOURS = 2 * 365 * 24;
const DEFAULT_INTERMEDIATE_HOURS = 2 * 365 * 24;
const DEFAULT_INTERMEDIATE_EARLY_RENEWAL_HOURS = 365 * 12;
/**
 * A root shorter-lived than a month would need a rotation (three steps a workload certificate lifetime apart) too
 * often.
 */
const MIN_ROOT_HOURS = 30 * 24;
/** A renewal window of less than a week could pass between two deployments unnoticed. */
const MIN_ROOT_EARLY_RENEWAL_HOURS = 7 * 24;
const MIN_INTERMEDIATE_HOURS = 7 * 24;
/**
 * Twice Istio's default workload certificate lifetime (24 h): a renewed intermediate's predecessor must outlive what
 * it signed, with a day to spare for a certificate signed just before the renewal.
 */
const MIN_INTERMEDIATE_EARLY_RENEWAL_HOURS = 48;
/** A century: longer than any CA should live, and far inside what X.509 validity dates can hold. */
const MAX_HOURS = 100 * 365 * 24;
const CLUSTERS_EXAMPLE = '["cluster1", "cluster2"]';
const PHASES = Object.values(RootRotationPhase);
/** The lifetime fields of a generated root: a root you bring has its own lifetime and is not MeshTrust's to protect. */
const GENERATED_ROOT_FIELDS = ["rootValidityHours", "rootEarlyRenewalHours", "protectRoot"] as const;

/** Whether a field was given: the vocabulary reads null as absent, like undefined. */
const given = (v: unknown) => v !== undefined && v !== null;

/** The args' fields, kept whole by the compiler: a misspelt one is refused. */
const MESH_TRUST_FIELDS = Object.keys({
  clusters: 0,
  meshId: 0,
  trustDomain: 0,
  rootCertPem: 0,
  rootKeyPem: 0,
  rootValidityHours: 0,
  rootEarlyRenewalHours: 0,
  intermediateValidityHours: 0,
  intermediateEarlyRenewalHours: 0,
  protectRoot: 0,
  rootRotation: 0,
} satisfies Record<keyof MeshTrustArgs, 0>);

const ROTATION_FIELDS = Object.keys({
  to: 0,
  from: 0,
  phase: 0,
  rootCertPem: 0,
  rootKeyPem: 0,
} satisfies Record<keyof RootRotation, 0>);

/** Checks MeshTrust args; throws SpecError naming each bad field and its fix. Never echoes key material. */
export function planMeshTrust(name: string, args: MeshTrustArgs): MeshTrustPlan {
  const issues = new IssueList();
  const a: Partial<MeshTrustArgs> = args ?? {};
  checkArgFields(issues, args, MESH_TRUST_FIELDS);
  const clusters = checkClusters(issues, a.clusters);
  const meshId = checkDnsLabel(issues, "meshId", a.meshId, {
    example: "mesh1",
    default: name,
    defaultFrom: "the resource name",
  });
  const trustDomain = checkDnsName(issues, "trustDomain", a.trustDomain, {
    example: DEFAULT_TRUST_DOMAIN,
    default: DEFAULT_TRUST_DOMAIN,
  });
  const ownRoot = checkRoot(issues, a);
  if (ownRoot)
    for (const field of GENERATED_ROOT_FIELDS)
      if (given(a[field]))
        issues.add(
          field,
          `is set, but you bring the root (rootCertPem), whose lifetime is its own and which MeshTrust neither renews nor protects; remove it`,
        );
  const lifetimes = checkLifetimes(issues, a, ownRoot);
  const protectRoot = checkBoolean(issues, "protectRoot", a.protectRoot, { example: true }) ?? true;
  const rotation = checkRotation(issues, a.rootRotation, ownRoot);
  if (ownRoot && issues.issues.length === 0)
    checkOwnRootExpiry(issues, a, rotation, lifetimes.intermediateValidityHours);
  issues.throwIfBadArgs(`MeshTrust "${name}"`);
  return { clusters, meshId, trustDomain, ownRoot, ...lifetimes, protectRoot, rotation };
}

type Lifetimes = Pick<
  MeshTrustPlan,
  "rootValidityHours" | "rootEarlyRenewalHours" | "intermediateValidityHours" | "intermediateEarlyRenewalHours"
>;

/**
 * Lifetimes and renewal windows, each in range, then against each other; compared only when all are good (a bad one
 * stands in as its default, which the caller did not choose). A root the caller brings has no lifetime here.
 */
function checkLifetimes(issues: IssueList, a: Partial<MeshTrustArgs>, ownRoot: boolean): Lifetimes {
  const before = issues.issues.length;
  const hours = (field: keyof Lifetimes, min: number, fallback: number) =>
    checkInteger(issues, field, a[field], { min, max: MAX_HOURS, default: fallback });
  const t: Lifetimes = {
    rootValidityHours: hours("rootValidityHours", MIN_ROOT_HOURS, DEFAULT_ROOT_HOURS),
    rootEarlyRenewalHours: hours(
      "rootEarlyRenewalHours",
      MIN_ROOT_EARLY_RENEWAL_HOURS,
      DEFAULT_ROOT_EARLY_RENEWAL_HOURS,
    ),
    intermediateValidityHours: hours("intermediateValidityHours", MIN_INTERMEDIATE_HOURS, DEFAULT_INTERMEDIATE_HOURS),
    intermediateEarlyRenewalHours: hours(
      "intermediateEarlyRenewalHours",
      MIN_INTERMEDIATE_EARLY_RENEWAL_HOURS,
      DEFAULT_INTERMEDIATE_EARLY_RENEWAL_HOURS,
    ),
  };
  if (issues.issues.length !== before) return t;
  if (t.intermediateEarlyRenewalHours >= t.intermediateValidityHours)
    issues.add(
      "intermediateEarlyRenewalHours",
      `${t.intermediateEarlyRenewalHours} is not less than intermediateValidityHours (${t.intermediateValidityHours}), so each intermediate would be due for renewal as soon as it is signed and every pulumi up would sign it again; give less, e.g. ${Math.floor(t.intermediateValidityHours / 4)}`,
    );
  if (ownRoot) return t;
  if (t.rootEarlyRenewalHours >= t.rootValidityHours)
    issues.add(
      "rootEarlyRenewalHours",
      `${t.rootEarlyRenewalHours} is not less than rootValidityHours (${t.rootValidityHours}), so the root would be due for renewal as soon as it is made; give less, e.g. ${Math.floor(t.rootValidityHours / 5)}`,
    );
  if (t.intermediateValidityHours >= t.rootValidityHours)
    issues.add(
      "intermediateValidityHours",
      `${t.intermediateValidityHours} is not less than the root's ${t.rootValidityHours} hours, and certificates signed after the root expires would not verify; give less than ${t.rootValidityHours}, or raise rootValidityHours`,
    );
  else if (t.intermediateValidityHours > t.rootEarlyRenewalHours)
    issues.add(
      "intermediateValidityHours",
      `${t.intermediateValidityHours} is more than rootEarlyRenewalHours (${t.rootEarlyRenewalHours}), so an intermediate signed just before the root is due for renewal would outlive the root; give at most ${t.rootEarlyRenewalHours}, or raise rootEarlyRenewalHours`,
    );
  return t;
}

/**
 * A rotation: names for both roots (distinct), a phase, and the new root's PEMs exactly when the caller brings roots.
 */
function checkRotation(issues: IssueList, v: unknown, ownRoot: boolean): MeshTrustPlan["rotation"] {
  if (v === undefined || v === null) return undefined;
  const r = readObject(issues, "rootRotation", v, ROTATION_FIELDS);
  if (!r) return undefined;
  const to = checkDnsLabel(issues, "rootRotation.to", r.to, { example: "r2027", required: true });
  const from = checkDnsLabel(issues, "rootRotation.from", r.from, { example: "r2022" });
  const phase = checkChoice(issues, "rootRotation.phase", r.phase, "a rotation step", PHASES, { required: true });
  if (to !== undefined && to === from)
    issues.add("rootRotation.to", `"${to}" is also rootRotation.from; name the new root anew, e.g. "${to}-2"`);
  if (ownRoot) {
    checkPem(issues, "rootRotation.rootCertPem", r.rootCertPem, "certificate", NEW_ROOT_CERT_FIX);
    checkPem(issues, "rootRotation.rootKeyPem", r.rootKeyPem, "private key", NEW_ROOT_KEY_FIX);
  } else
    for (const f of ["rootCertPem", "rootKeyPem"] as const)
      if (given(r[f]))
        issues.add(
          `rootRotation.${f}`,
          `is set, but MeshTrust generated the root being replaced and generates the new one too; leave it out, or bring both roots (rootCertPem/rootKeyPem for the old one)`,
        );
  return to !== undefined && phase !== undefined ? { to, from, phase } : undefined;
}

const NEW_ROOT_CERT_FIX = `you bring the old root (rootCertPem), so bring the new one too: its certificate as PEM text`;
const NEW_ROOT_KEY_FIX = `you bring the old root (rootKeyPem), so bring the new one too: its private key as PEM text, kept secret`;

/**
 * A root you bring, given as PEM text, that signs in this step: an intermediate signed now must expire before it
 * does, or workload certificates stop verifying when the root expires while their CA still looks valid. A root known
 * only at deploy time, or text that does not parse, is not checked here (the tls provider reads it when it signs).
 */
function checkOwnRootExpiry(
  issues: IssueList,
  a: Partial<MeshTrustArgs>,
  rotation: MeshTrustPlan["rotation"],
  intermediateHours: number,
): void {
  const newSigns = rotation !== undefined && rotation.phase !== RootRotationPhase.ADD_NEW_ROOT;
  const [path, pem] = newSigns
    ? ["rootRotation.rootCertPem", a.rootRotation?.rootCertPem]
    : ["rootCertPem", a.rootCertPem];
  const notAfter = typeof pem === "string" ? certificateNotAfter(pem) : undefined;
  if (notAfter === undefined) return;
  const hoursLeft = Math.floor((notAfter.getTime() - Date.now()) / 3_600_000);
  const expires = notAfter.toISOString();
  if (hoursLeft < MIN_INTERMEDIATE_HOURS)
    issues.add(
      path,
      `expires ${expires}, in less than the shortest intermediate lifetime (${MIN_INTERMEDIATE_HOURS} hours); rotate to a newer root (rootRotation, see docs/operating.md, "Rotating the mesh CA")`,
    );
  else if (intermediateHours > hoursLeft)
    issues.add(
      "intermediateValidityHours",
      `${intermediateHours} would outlive ${path}, which expires ${expires} (in ${hoursLeft} hours), and certificates signed after the root expires would not verify; give at most ${hoursLeft}, or rotate to a newer root (rootRotation)`,
    );
}

/** The expiry of the first certificate in a PEM text; undefined when it does not parse. */
function certificateNotAfter(pem: string): Date | undefined {
  try {
    const notAfter = new Date(new X509Certificate(pem).validTo);
    return Number.isNaN(notAfter.getTime()) ? undefined : notAfter;
  } catch {
    return undefined;
  }
}

/** A root of the mesh: `undefined` names the first one (resources `<name>-root-key/-cert`). */
export type RootName = string | undefined;

/** Which roots exist, which one signs the intermediates, which the clusters trust, and which are protected. */
export interface RootLayout {
  /** Every root, in `root-cert.pem` order, with whether it is protected and renews early. */
  roots: { name: RootName; protect: boolean; earlyRenewal: boolean }[];
  signer: RootName;
  trusted: RootName[];
}

/**
 * The roots of each step. The old root stays first in the bundle so the second step leaves `root-cert.pem` as it is;
 * the old root stops renewing early once a rotation replaces it (else a root in its renewal window would be replaced
 * under the rotation); the new root is protected from the step that makes it the signer, the old one is unprotected
 * in that step, so that the third step may delete it and a skipped second step stops at the protection.
 *
 * Early renewal of a root is only a signal that the protection turns into a stopped preview: with `protectRoot:
 * false` nothing would stop it, and `pulumi up` would replace the root and every intermediate at once, with no
 * overlap. So an unprotected root never renews early; it is replaced only when it expires (or by a rotation).
 */
export function rootLayout(plan: Pick<MeshTrustPlan, "rotation" | "protectRoot">): RootLayout {
  const r = plan.rotation;
  const root = (name: RootName, protect: boolean, earlyRenewal: boolean) => ({
    name,
    protect: protect && plan.protectRoot,
    earlyRenewal: earlyRenewal && plan.protectRoot,
  });
  if (!r) return { roots: [root(undefined, true, true)], signer: undefined, trusted: [undefined] };
  switch (r.phase) {
    case RootRotationPhase.ADD_NEW_ROOT:
      return { roots: [root(r.from, true, false), root(r.to, false, true)], signer: r.from, trusted: [r.from, r.to] };
    case RootRotationPhase.SIGN_WITH_NEW_ROOT:
      return { roots: [root(r.from, false, false), root(r.to, true, true)], signer: r.to, trusted: [r.from, r.to] };
    case RootRotationPhase.REMOVE_OLD_ROOT:
      return { roots: [root(r.to, true, true)], signer: r.to, trusted: [r.to] };
  }
}

/**
 * One intermediate CA per cluster name: two clusters with one name would share istiod's cluster identity, so a name
 * given twice is refused here, where every cluster of the mesh is listed.
 */
function checkClusters(issues: IssueList, v: unknown): string[] {
  const list = readList(issues, "clusters", v, { example: CLUSTERS_EXAMPLE, required: true }) ?? [];
  const firstAt = new Map<string, string>();
  list.forEach((c, i) => {
    const path = `clusters[${i}]`;
    const cluster = checkDnsLabel(issues, path, c, { example: "cluster1", required: true });
    if (cluster === undefined) return;
    const first = firstAt.get(cluster);
    if (first !== undefined)
      issues.add(
        path,
        `"${cluster}" is listed twice (first at ${first}); list each cluster once: istiod's clusterName and the intermediate CA are per name`,
      );
    else firstAt.set(cluster, path);
  });
  return [...firstAt.keys()];
}

/** Whether the caller brings the root: both halves, or neither. */
function checkRoot(issues: IssueList, a: Partial<MeshTrustArgs>): boolean {
  const [cert, key] = [given(a.rootCertPem), given(a.rootKeyPem)];
  if (cert !== key) {
    const [missing, present] = cert ? ["rootKeyPem", "rootCertPem"] : ["rootCertPem", "rootKeyPem"];
    issues.add(
      missing,
      `is not set, but ${present} is, and a root you bring needs both; give ${missing} too, or neither to let MeshTrust generate the root`,
    );
  }
  if (cert) checkPem(issues, "rootCertPem", a.rootCertPem, "certificate", ROOT_CERT_FIX);
  if (key) checkPem(issues, "rootKeyPem", a.rootKeyPem, "private key", ROOT_KEY_FIX);
  return cert || key;
}

const ROOT_CERT_FIX = `give the root CA's certificate as PEM text, e.g. config.require("rootCertPem")`;
const ROOT_KEY_FIX = `give the root CA's private key as PEM text, kept secret, e.g. config.requireSecret("rootKeyPem")`;

const PEM_BLOCKS = {
  certificate: { pattern: /-----BEGIN CERTIFICATE-----/, shown: "-----BEGIN CERTIFICATE-----" },
  "private key": { pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/, shown: "-----BEGIN … PRIVATE KEY-----" },
} as const;

/**
 * A PEM field: text holding a PEM block of its kind, or a value known only at deploy time (a secret, another
 * resource's output), which passes through. The value is never quoted: it may be key material.
 */
export function checkPem(
  issues: IssueList,
  path: string,
  v: unknown,
  kind: keyof typeof PEM_BLOCKS,
  fix: string,
): void {
  if (v === undefined || v === null) issues.add(path, `is required; ${fix}`);
  else if (v === "") issues.add(path, `is empty; ${fix}`);
  else if (isDeferred(v)) return;
  else if (typeof v !== "string" || !PEM_BLOCKS[kind].pattern.test(v))
    issues.add(path, `is not a PEM ${kind} (no ${PEM_BLOCKS[kind].shown} block); ${fix}`);
}
