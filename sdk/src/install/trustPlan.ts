import { isDnsLabel, isDnsSubdomain, IssueList } from "../mesh";
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

/** Checks MeshTrust args; throws SpecError naming each bad field and its fix. Never echoes key material. */
export function planMeshTrust(name: string, args: MeshTrustArgs): MeshTrustPlan {
  const issues = new IssueList();
  const clusters = checkClusters(issues, args?.clusters);
  const meshId = args?.meshId ?? name;
  if (typeof meshId !== "string" || !isDnsLabel(meshId))
    issues.add("meshId", args?.meshId === undefined
      ? `defaults to the resource name "${name}", which is not a DNS-1123 label; set meshId, e.g. "mesh1"`
      : `${JSON.stringify(meshId)} is not a DNS-1123 label; use lowercase letters, digits and '-', e.g. "mesh1"`);
  const trustDomain = args?.trustDomain ?? DEFAULT_TRUST_DOMAIN;
  if (typeof trustDomain !== "string" || !isDnsSubdomain(trustDomain))
    issues.add("trustDomain", `${JSON.stringify(trustDomain)} is not a DNS name; use e.g. "cluster.local" or "mesh.example.com"`);
  const ownRoot = args?.rootCertPem !== undefined || args?.rootKeyPem !== undefined;
  if (ownRoot && (args?.rootCertPem === undefined || args?.rootKeyPem === undefined))
    issues.add(args?.rootCertPem === undefined ? "rootCertPem" : "rootKeyPem", "a root you bring needs both rootCertPem and rootKeyPem; give both, or neither to let MeshTrust generate one");
  if (typeof args?.rootCertPem === "string" && !args?.rootCertPem.includes("-----BEGIN CERTIFICATE-----"))
    issues.add("rootCertPem", "is not a PEM certificate (no -----BEGIN CERTIFICATE----- block)");
  if (typeof args?.rootKeyPem === "string" && !/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(args?.rootKeyPem))
    issues.add("rootKeyPem", "is not a PEM private key (no -----BEGIN … PRIVATE KEY----- block)");
  const rootValidityHours = hours(issues, "rootValidityHours", args?.rootValidityHours, DEFAULT_ROOT_HOURS);
  const intermediateValidityHours = hours(issues, "intermediateValidityHours", args?.intermediateValidityHours, DEFAULT_INTERMEDIATE_HOURS);
  if (!ownRoot && intermediateValidityHours > rootValidityHours)
    issues.add("intermediateValidityHours", `${intermediateValidityHours} outlives the root (${rootValidityHours}); certificates signed after the root expires would not verify`);
  issues.throwIfBadArgs(`MeshTrust "${name}"`);
  return { clusters, meshId, trustDomain, ownRoot, rootValidityHours, intermediateValidityHours };
}

function hours(issues: IssueList, path: string, v: unknown, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== "number" || !Number.isInteger(v) || v <= 0) issues.add(path, `${JSON.stringify(v)} is not a positive whole number of hours`);
  return typeof v === "number" ? v : fallback;
}


/**
 * One intermediate CA per cluster name: two clusters with one name would share istiod's cluster identity, so a name
 * given twice is refused here, where every cluster of the mesh is listed.
 */
function checkClusters(issues: IssueList, v: unknown): string[] {
  if (!Array.isArray(v)) {
    issues.add("clusters", "is required: list the mesh's cluster names, e.g. [\"cluster1\", \"cluster2\"]; each gets an intermediate CA");
    return [];
  }
  const seen = new Set<string>();
  v.forEach((c, i) => {
    if (typeof c !== "string" || !isDnsLabel(c)) issues.add(`clusters[${i}]`, `${JSON.stringify(c)} is not a DNS-1123 label; use a cluster name such as "cluster1"`);
    else if (seen.has(c)) issues.add(`clusters[${i}]`, `"${c}" is listed twice; cluster names must be unique in a mesh (istiod's clusterName and the intermediate CA are per name)`);
    seen.add(c);
  });
  return [...seen];
}
