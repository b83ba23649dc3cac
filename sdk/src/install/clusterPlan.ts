import { isHostOrIp, IssueList } from "../mesh";
import {
  checkArgFields,
  checkDnsLabel,
  checkDnsName,
  checkLocality,
  checkNetwork,
  fieldCheck,
  isDeferred,
  quoteValue,
  readList,
  readObject,
  textGrammar,
} from "../mesh/checks";
import { isPlainObject, Plain } from "../mesh/fields";
import { checkKubeconfigText, CONNECTION_FIELDS, readClusterEntry } from "../clusters/checks";
import { IstioValuesOverrides, MeshClusterArgs } from "./args";
import { DEFAULT_ISTIO_VERSION, DEFAULT_TRUST_DOMAIN, ISTIO_CHART_REPOSITORY } from "./defaults";
import { InjectionPlan, planInjection } from "./injectionPlan";
import { valueAt } from "./merge";
import { checkPem } from "./trustPlan";
import { OWNED_VALUES } from "./values";

/** MeshCluster args, checked, with defaults filled in. */
export interface MeshClusterPlan {
  clusterName: string;
  network: string;
  locality?: string;
  meshId: string;
  trustDomain: string;
  istioVersion: string;
  repository: string;
  overrides: IstioValuesOverrides;
  injection: InjectionPlan;
  globalNamespaces: string[];
}

const checkIstioVersion = fieldCheck(
  textGrammar("an Istio release", 'use major.minor.patch without a "v"', (s) => /^\d+\.\d+\.\d+$/.test(s)),
);
const checkRepository = fieldCheck(
  textGrammar("a Helm repository URL", "use an http://, https:// or oci:// URL", (s) =>
    /^(https?|oci):\/\/\S+$/.test(s),
  ),
);
const checkIngressAddress = fieldCheck(
  textGrammar("an IP address or DNS name", "give the address other clusters reach the ingress gateway at", isHostOrIp),
);

const ISTIO_FIELDS = ["version", "repository", "values"];
const CHARTS = ["base", "istiod", "ingressGateway", "egressGateway"] as const;
const CA_FIELDS = ["certPem", "keyPem", "certChainPem", "rootCertsPem"] as const;
const CLUSTER_NAME = { example: "cluster1", required: true };

/** Whether a field was given: the vocabulary reads null as absent, like undefined. */
const given = (v: unknown) => v !== undefined && v !== null;

/** The args' fields, kept whole by the compiler: a misspelt one is refused. */
const MESH_CLUSTER_FIELDS = Object.keys({
  cluster: 0,
  ca: 0,
  meshId: 0,
  trustDomain: 0,
  network: 0,
  locality: 0,
  istio: 0,
  injection: 0,
  globalNamespaces: 0,
  ingressAddress: 0,
} satisfies Record<keyof MeshClusterArgs, 0>);

/**
 * Checks MeshCluster args; throws SpecError naming each bad field and its fix, before anything is registered.
 *
 * There is no "one MeshCluster per cluster" registry: MeshTrust refuses a cluster name twice (one intermediate CA per
 * name), a GlobalNamespace refuses two clusters of one name, two MeshClusters of one resource name collide on their
 * URNs, and two installs on one physical cluster collide on their Helm release names when they are applied.
 */
export function planMeshCluster(name: string, args: MeshClusterArgs): MeshClusterPlan {
  const issues = new IssueList();
  const a: Partial<MeshClusterArgs> = args ?? {};
  checkArgFields(issues, args, MESH_CLUSTER_FIELDS);
  const cluster = readCluster(issues, a.cluster);
  const clusterName = cluster && checkDnsLabel(issues, "cluster.clusterName", cluster.clusterName, CLUSTER_NAME);
  if (cluster) checkKubeconfigText(issues, "cluster.kubeconfig", cluster.kubeconfig);
  checkCa(issues, a.ca, clusterName);
  const meshId =
    a.meshId === undefined || a.meshId === null
      ? required(issues, "meshId", `give MeshTrust's meshId, the same for every cluster of the mesh, e.g. "mesh1"`)
      : checkDnsLabel(issues, "meshId", a.meshId, { example: "mesh1" });
  const trustDomain = checkDnsName(issues, "trustDomain", a.trustDomain, {
    example: DEFAULT_TRUST_DOMAIN,
    default: DEFAULT_TRUST_DOMAIN,
  });

  // The MeshCluster's own network and locality win over the cluster's. The network defaults to the cluster's name,
  // which is checked above.
  const [networkPath, givenNetwork] = given(a.network) ? ["network", a.network] : ["cluster.network", cluster?.network];
  const network = given(givenNetwork) ? checkNetwork(issues, networkPath, givenNetwork) : clusterName;
  const [localityPath, givenLocality] = given(a.locality)
    ? ["locality", a.locality]
    : ["cluster.locality", cluster?.locality];
  const locality = given(givenLocality) ? checkLocality(issues, localityPath, givenLocality) : undefined;

  // A string here (a version, values.yaml text) would otherwise be read as "no settings" and silently ignored.
  const istio = given(a.istio) ? (readObject(issues, "istio", a.istio, ISTIO_FIELDS) ?? {}) : {};
  const istioVersion = checkIstioVersion(issues, "istio.version", istio.version, {
    example: DEFAULT_ISTIO_VERSION,
    default: DEFAULT_ISTIO_VERSION,
  });
  const repository = checkRepository(issues, "istio.repository", istio.repository, {
    example: ISTIO_CHART_REPOSITORY,
    default: ISTIO_CHART_REPOSITORY,
  });
  const overrides = readOverrides(issues, istio.values);

  const injection = planInjection(issues, "injection", a.injection);
  const globalNamespaces = (
    readList(issues, "globalNamespaces", a.globalNamespaces, { example: '["acme-fitness"]' }) ?? []
  ).map((g, i) => checkDnsLabel(issues, `globalNamespaces[${i}]`, g, { example: "acme-fitness", required: true }));
  // Where other clusters reach this one may be known only at deploy time (a DNS record, a node's address).
  if (given(a.ingressAddress) && !isDeferred(a.ingressAddress))
    checkIngressAddress(issues, "ingressAddress", a.ingressAddress, { example: "lb.cluster1.example.com" });

  issues.throwIfBadArgs(`MeshCluster "${name}"`);
  return {
    // Set whenever no issue was thrown above.
    clusterName: clusterName ?? "",
    network: network ?? "",
    meshId: meshId ?? "",
    trustDomain,
    ...(locality !== undefined && { locality }),
    istioVersion,
    repository,
    overrides,
    injection,
    globalNamespaces: globalNamespaces.filter((g): g is string => g !== undefined),
  };
}

function required(issues: IssueList, path: string, fix: string): undefined {
  issues.add(path, `is required; ${fix}`);
  return undefined;
}

/**
 * The cluster to onboard. A Pulumi resource (an EksCluster, AksCluster or KubeconfigCluster, as it is or spread) may
 * carry fields beyond a ClusterConnection's, its other outputs and Pulumi's own, except one within a letter or two of
 * a connection's field, which is a misspelling; any other mapping has a connection's fields only. A misspelt field is
 * refused, not lost.
 */
function readCluster(issues: IssueList, v: unknown): Plain | undefined {
  if (!given(v))
    return required(
      issues,
      "cluster",
      "give the cluster's { clusterName, kubeconfig }, e.g. an EksCluster, AksCluster or KubeconfigCluster as it is",
    );
  return readClusterEntry(issues, "cluster", v, CONNECTION_FIELDS);
}

/**
 * The cluster's intermediate CA. A CA known only at deploy time (MeshTrust's outputs) is checked by istiod when it
 * starts; one given as a mapping has its four PEM fields checked here. Nothing of it is ever quoted: it holds a key.
 */
function checkCa(issues: IssueList, ca: unknown, clusterName: string | undefined): void {
  const example = `trust.caFor(${quoteValue(clusterName ?? "cluster1")})`;
  const fix = `give MeshTrust's intermediates[clusterName] (${example} in TypeScript)`;
  if (!given(ca)) issues.add("ca", `is required; ${fix}`);
  else if (!isDeferred(ca) && !isPlainObject(ca)) issues.add("ca", `is not a CA { ${CA_FIELDS.join(", ")} }; ${fix}`);
  if (!isPlainObject(ca) || isDeferred(ca)) return;
  readObject(issues, "ca", ca, CA_FIELDS);
  const fieldFix = `give all four PEM fields, as MeshTrust's intermediates[clusterName] has them (${example} in TypeScript)`;
  for (const field of CA_FIELDS)
    checkPem(issues, `ca.${field}`, ca[field], field === "keyPem" ? "private key" : "certificate", fieldFix);
}

/** Chart value overrides: a literal mapping per chart (its values may be Outputs), never the values MeshCluster owns. */
function readOverrides(issues: IssueList, v: unknown): IstioValuesOverrides {
  const values = given(v) ? (readObject(issues, "istio.values", v, CHARTS) ?? {}) : {};
  const overrides: IstioValuesOverrides = {};
  for (const chart of CHARTS) {
    const path = `istio.values.${chart}`;
    const chartValues = values[chart];
    if (!given(chartValues)) continue;
    // An Output would replace the chart's values whole, MeshCluster's own with them, unchecked.
    if (isDeferred(chartValues))
      issues.add(
        path,
        `is ${quoteValue(chartValues)}, known only at deploy time; MeshCluster merges these values over its own and keeps the ones it owns, so give a literal mapping (its values may be Outputs), e.g. { replicaCount: 2 }`,
      );
    else if (!isPlainObject(chartValues))
      issues.add(
        path,
        `${quoteValue(chartValues)} is not a mapping of chart values; give them as in a values.yaml file, e.g. { replicaCount: 2 }`,
      );
    else overrides[chart] = chartValues;
  }
  checkOwned(issues, "istio.values.istiod", overrides.istiod, OWNED_VALUES.istiod);
  checkOwned(issues, "istio.values.ingressGateway", overrides.ingressGateway, OWNED_VALUES.gateway);
  checkOwned(issues, "istio.values.egressGateway", overrides.egressGateway, OWNED_VALUES.gateway);
  return overrides;
}

function checkOwned(issues: IssueList, path: string, values: unknown, owned: Record<string, string>): void {
  for (const [key, why] of Object.entries(owned)) {
    const value = valueAt(values, key);
    // Each reason either ends in its fix ("…; set meshId") or leaves removing the value as the fix.
    if (value !== undefined)
      issues.add(
        `${path}.${key}`,
        `${quoteValue(value)} cannot be overridden: ${why}${why.includes(";") ? "" : "; remove it"}`,
      );
  }
}
