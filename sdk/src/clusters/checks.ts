import { IssueList, isDnsLabel, isLocality } from "../mesh";
import { describe } from "../mesh/fields";

/** Field checks shared by the cluster components; each issue names the field and the fix. */

/** The mesh name of a cluster: `clusterName`, else the resource name. */
export function checkClusterName(issues: IssueList, clusterName: unknown, resourceName: string): string {
  const value = clusterName ?? resourceName;
  if (typeof value !== "string" || !isDnsLabel(value)) {
    const given = clusterName === undefined ? `the resource name ${describe(value)}` : describe(value);
    issues.add("clusterName", `${given} is not a DNS-1123 label; set clusterName to at most 63 lowercase letters, digits and '-' (starting and ending with a letter or digit), e.g. cluster1`);
  }
  return String(value);
}

/** A whole number in [min, max], or the default when not given. */
export function checkInteger(issues: IssueList, path: string, v: unknown, dflt: number, min: number, max: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    issues.add(path, `${describe(v)} is not allowed; use a whole number from ${min} to ${max}`);
    return dflt;
  }
  return v;
}

/** Kubernetes `1.<minor>` (EKS), or also `1.<minor>.<patch>` (AKS). */
export function checkKubernetesVersion(issues: IssueList, path: string, v: unknown, dflt: string, allowPatch: boolean): string {
  if (v === undefined) return dflt;
  const shape = allowPatch ? /^1\.\d{1,2}(\.\d{1,3})?$/ : /^1\.\d{1,2}$/;
  if (typeof v !== "string" || !shape.test(v)) {
    issues.add(path, `${describe(v)} is not a Kubernetes version; use ${allowPatch ? "major.minor[.patch]" : "major.minor"}, e.g. ${dflt}`);
    return dflt;
  }
  return v;
}

/** A non-empty string without whitespace (instance type, VM size). */
export function checkToken(issues: IssueList, path: string, v: unknown, dflt: string): string {
  if (v === undefined) return dflt;
  if (typeof v !== "string" || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(v)) {
    issues.add(path, `${describe(v)} is not a valid name; use e.g. ${dflt}`);
    return dflt;
  }
  return v;
}

/** Istio network name (the mesh core requires a DNS-1123 label). */
export function checkNetwork(issues: IssueList, v: unknown): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== "string" || !isDnsLabel(v)) issues.add("network", `${describe(v)} is not a DNS-1123 label; use e.g. network1`);
  return v as string;
}

/** Istio locality `region[/zone[/subzone]]`. */
export function checkLocality(issues: IssueList, v: unknown): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== "string" || !isLocality(v))
    issues.add("locality", `${describe(v)} is not an Istio locality; use region[/zone[/subzone]], e.g. us-east-2/us-east-2a`);
  return v as string;
}
