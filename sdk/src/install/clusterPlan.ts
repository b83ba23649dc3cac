import { isDnsLabel, isDnsSubdomain, isLocality, IssueList } from "../mesh";
import { isPlainObject } from "../mesh/fields";
import { IstioValuesOverrides, MeshClusterArgs } from "./args";
import { DEFAULT_ISTIO_VERSION, DEFAULT_TRUST_DOMAIN, ISTIO_CHART_REPOSITORY } from "./defaults";
import { InjectionPlan, planInjection } from "./injectionPlan";
import { valueAt } from "./merge";
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

/**
 * Checks MeshCluster args; throws SpecError naming each bad field and its fix, before anything is registered.
 *
 * There is no "one MeshCluster per cluster" registry: MeshTrust refuses a cluster name twice (one intermediate CA per
 * name), a GlobalNamespace refuses two clusters of one name, two MeshClusters of one resource name collide on their
 * URNs, and two installs on one physical cluster collide on their Helm release names when they are applied.
 */
export function planMeshCluster(name: string, args: MeshClusterArgs): MeshClusterPlan {
  const issues = new IssueList();
  const cluster = args?.cluster;
  const clusterName = cluster?.clusterName;
  if (typeof cluster !== "object" || cluster === null)
    issues.add("cluster", "is required: the cluster's { clusterName, kubeconfig } (an EksCluster, AksCluster or KubeconfigCluster fits)");
  else if (typeof clusterName !== "string" || !isDnsLabel(clusterName))
    issues.add("cluster.clusterName", `${JSON.stringify(clusterName)} is not a DNS-1123 label; give the cluster's name in the mesh as a literal, e.g. "cluster1"`);
  else if (cluster.kubeconfig === undefined || cluster.kubeconfig === "")
    issues.add("cluster.kubeconfig", "is required: the cluster's kubeconfig text (e.g. a KubeconfigCluster's kubeconfig output)");
  const ca: unknown = args?.ca;
  if (ca === undefined) issues.add("ca", "is required: the cluster's intermediate CA, MeshTrust's intermediates[clusterName] (trust.caFor(clusterName) in TypeScript)");
  // An Output of a whole CA is checked by istiod at start-up; the fields of one given piecewise are checked here.
  else if (isPlainObject(ca))
    for (const field of CA_FIELDS) if (ca[field] === undefined || ca[field] === "") issues.add(`ca.${field}`, "is required: MeshTrust's intermediates give all four PEM fields");
  const meshId = args?.meshId;
  if (typeof meshId !== "string" || !isDnsLabel(meshId)) issues.add("meshId", `${JSON.stringify(meshId)} is not a DNS-1123 label; give MeshTrust's meshId, e.g. "mesh1"`);
  const trustDomain = args?.trustDomain ?? DEFAULT_TRUST_DOMAIN;
  if (typeof trustDomain !== "string" || !isDnsSubdomain(trustDomain))
    issues.add("trustDomain", `${JSON.stringify(trustDomain)} is not a DNS name; give MeshTrust's trustDomain, e.g. "cluster.local"`);

  // Defaulting to the cluster name needs no check of its own: the name is checked above.
  const givenNetwork = args?.network ?? cluster?.network;
  const network = givenNetwork ?? clusterName;
  if (givenNetwork !== undefined && (typeof givenNetwork !== "string" || !isDnsLabel(givenNetwork)))
    issues.add(args?.network !== undefined ? "network" : "cluster.network", `${JSON.stringify(givenNetwork)} is not a DNS-1123 label; use e.g. "network1"`);
  const locality = args?.locality ?? cluster?.locality;
  if (locality !== undefined && (typeof locality !== "string" || !isLocality(locality)))
    issues.add(args?.locality !== undefined ? "locality" : "cluster.locality", `${JSON.stringify(locality)} is not an Istio locality; use region[/zone[/subzone]], e.g. us-east-2/us-east-2a`);

  // A string here (a version, values.yaml text) would otherwise be read as "no settings" and silently ignored.
  const givenIstio: unknown = args?.istio;
  if (givenIstio !== undefined && !isPlainObject(givenIstio))
    issues.add("istio", "must be a mapping of { version?, repository?, values? }, e.g. { version: \"" + DEFAULT_ISTIO_VERSION + "\" }");
  const istioVersion = args?.istio?.version ?? DEFAULT_ISTIO_VERSION;
  if (typeof istioVersion !== "string" || !/^\d+\.\d+\.\d+$/.test(istioVersion))
    issues.add("istio.version", `${JSON.stringify(istioVersion)} is not an Istio release; give major.minor.patch without a "v", e.g. "${DEFAULT_ISTIO_VERSION}"`);
  const repository = args?.istio?.repository ?? ISTIO_CHART_REPOSITORY;
  if (typeof repository !== "string" || !/^(https?|oci):\/\/\S+$/.test(repository))
    issues.add("istio.repository", `${JSON.stringify(repository)} is not a Helm repository URL; use e.g. "${ISTIO_CHART_REPOSITORY}"`);
  const givenValues: unknown = args?.istio?.values;
  if (givenValues !== undefined && !isPlainObject(givenValues))
    issues.add("istio.values", "must be a mapping of { base?, istiod?, ingressGateway?, egressGateway? } chart value overrides");
  const overrides: IstioValuesOverrides = isPlainObject(givenValues) ? (givenValues as IstioValuesOverrides) : {};
  for (const key of ["base", "istiod", "ingressGateway", "egressGateway"] as const)
    if (overrides[key] !== undefined && !isPlainObject(overrides[key])) issues.add(`istio.values.${key}`, "must be a mapping of chart values, as in a values.yaml file");
  checkOwned(issues, "istio.values.istiod", overrides.istiod, OWNED_VALUES.istiod);
  checkOwned(issues, "istio.values.ingressGateway", overrides.ingressGateway, OWNED_VALUES.gateway);
  checkOwned(issues, "istio.values.egressGateway", overrides.egressGateway, OWNED_VALUES.gateway);

  const injection = planInjection(issues, "injection", args?.injection);
  const globalNamespaces = args?.globalNamespaces ?? [];
  if (!Array.isArray(globalNamespaces)) issues.add("globalNamespaces", "must be a list of GlobalNamespace names");
  else
    globalNamespaces.forEach((g, i) => {
      if (typeof g !== "string" || !isDnsLabel(g)) issues.add(`globalNamespaces[${i}]`, `${JSON.stringify(g)} is not a GlobalNamespace name (a DNS-1123 label)`);
    });

  issues.throwIfBadArgs(`MeshCluster "${name}"`);
  return {
    clusterName: clusterName!,
    network: network!,
    meshId: meshId!,
    trustDomain,
    ...(locality !== undefined && { locality }),
    istioVersion,
    repository,
    overrides,
    injection,
    globalNamespaces: [...globalNamespaces],
  };
}

const CA_FIELDS = ["certPem", "keyPem", "certChainPem", "rootCertsPem"] as const;

function checkOwned(issues: IssueList, path: string, values: unknown, owned: Record<string, string>): void {
  for (const [key, why] of Object.entries(owned)) {
    if (valueAt(values, key) !== undefined) issues.add(`${path}.${key}`, `cannot be overridden: ${why}`);
  }
}
