import { IssueList } from "../mesh";
import { checkArgFields, checkDnsLabel, checkDnsName, checkInteger, isDeferred, readList } from "../mesh/checks";
import { MeshTrustArgs } from "./args";
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
  intermediateValidityHours: number;
}

const DEFAULT_ROOT_HOURS = 10 * 365 * 24;
const DEFAULT_INTERMEDIATE_HOURS = 2 * 365 * 24;
/** A century: longer than any CA should live, and far inside what X.509 validity dates can hold. */
const MAX_HOURS = 100 * 365 * 24;
const CLUSTERS_EXAMPLE = '["cluster1", "cluster2"]';

/** The args' fields, kept whole by the compiler: a misspelt one is refused. */
const MESH_TRUST_FIELDS = Object.keys({
  clusters: 0,
  meshId: 0,
  trustDomain: 0,
  rootCertPem: 0,
  rootKeyPem: 0,
  rootValidityHours: 0,
  intermediateValidityHours: 0,
} satisfies Record<keyof MeshTrustArgs, 0>);

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
  const issuesBeforeHours = issues.issues.length;
  const rootValidityHours = checkInteger(issues, "rootValidityHours", a.rootValidityHours, {
    min: 1,
    max: MAX_HOURS,
    default: DEFAULT_ROOT_HOURS,
  });
  const intermediateValidityHours = checkInteger(issues, "intermediateValidityHours", a.intermediateValidityHours, {
    min: 1,
    max: MAX_HOURS,
    default: DEFAULT_INTERMEDIATE_HOURS,
  });
  // Compared only when both are good: a bad one stands in as its default, which the caller did not choose.
  if (issues.issues.length === issuesBeforeHours && !ownRoot && intermediateValidityHours > rootValidityHours)
    issues.add(
      "intermediateValidityHours",
      `${intermediateValidityHours} outlives the root's ${rootValidityHours} hours, and certificates signed after the root expires would not verify; give at most ${rootValidityHours}, or raise rootValidityHours`,
    );
  issues.throwIfBadArgs(`MeshTrust "${name}"`);
  return { clusters, meshId, trustDomain, ownRoot, rootValidityHours, intermediateValidityHours };
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
  const given = (v: unknown) => v !== undefined && v !== null;
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
