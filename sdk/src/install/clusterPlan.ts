import * as k8s from "@pulumi/kubernetes";
import { isDnsLabel, isLocality, IssueList } from "../mesh";
import { IstioValuesOverrides, MeshClusterArgs } from "./args";
import { ownerOf } from "./claims";
import { DEFAULT_ISTIO_VERSION, ISTIO_CHART_REPOSITORY } from "./defaults";
import { InjectionPlan, planInjection } from "./injectionPlan";
import { valueAt } from "./merge";
import { MeshTrust } from "./meshTrust";
import { OWNED_VALUES } from "./values";

/** MeshCluster args, checked, with defaults filled in. */
export interface MeshClusterPlan {
  clusterName: string;
  network: string;
  locality?: string;
  istioVersion: string;
  repository: string;
  overrides: IstioValuesOverrides;
  injection: InjectionPlan;
  globalNamespaces: string[];
}


/**
 * Checks MeshCluster args against themselves, the mesh (MeshTrust) and the program (clusters already onboarded);
 * throws SpecError naming each bad field and its fix. Pure apart from reading those two registries.
 */
export function planMeshCluster(name: string, args: MeshClusterArgs): MeshClusterPlan {
  const issues = new IssueList();
  const handle = args?.cluster;
  const clusterName = handle?.clusterName;
  if (typeof clusterName !== "string" || !k8s.Provider.isInstance(handle?.provider))
    issues.add("cluster", "is not a cluster handle; pass an EksCluster, AksCluster, KubeconfigCluster or { clusterName, kubeconfig, provider: new k8s.Provider(...) }");
  const owner = typeof clusterName === "string" ? ownerOf(handle) : undefined;
  if (owner !== undefined)
    issues.add("cluster", `cluster "${clusterName}" is already onboarded by MeshCluster "${owner}"; onboard a cluster once and pass that MeshCluster wherever the cluster is needed`);
  const trust = args?.trust;
  if (!(trust instanceof MeshTrust)) issues.add("trust", "is not a MeshTrust; create one MeshTrust per mesh and pass it to every MeshCluster");
  if (typeof clusterName === "string" && !isDnsLabel(clusterName))
    issues.add("cluster.clusterName", `"${clusterName}" is not a DNS-1123 label; use lowercase letters, digits and '-'`);
  // An already onboarded cluster trivially has its name taken; say so once.
  else if (typeof clusterName === "string" && trust instanceof MeshTrust && owner === undefined) {
    const problem = trust.clusterNameProblem(clusterName);
    if (problem) issues.add("cluster.clusterName", problem);
  }

  // Defaulting to the cluster name needs no check of its own: the name is checked above.
  const givenNetwork = args?.network ?? handle?.network;
  const network = givenNetwork ?? clusterName;
  if (givenNetwork !== undefined && (typeof givenNetwork !== "string" || !isDnsLabel(givenNetwork)))
    issues.add(args?.network !== undefined ? "network" : "cluster.network", `${JSON.stringify(givenNetwork)} is not a DNS-1123 label; use e.g. "network1"`);
  const locality = args?.locality ?? handle?.locality;
  if (locality !== undefined && (typeof locality !== "string" || !isLocality(locality)))
    issues.add(args?.locality !== undefined ? "locality" : "cluster.locality", `${JSON.stringify(locality)} is not an Istio locality; use region[/zone[/subzone]], e.g. us-east-2/us-east-2a`);

  const istioVersion = args?.istio?.version ?? DEFAULT_ISTIO_VERSION;
  if (typeof istioVersion !== "string" || !/^\d+\.\d+\.\d+$/.test(istioVersion))
    issues.add("istio.version", `${JSON.stringify(istioVersion)} is not an Istio release; give major.minor.patch without a "v", e.g. "${DEFAULT_ISTIO_VERSION}"`);
  const repository = args?.istio?.repository ?? ISTIO_CHART_REPOSITORY;
  if (typeof repository !== "string" || !/^(https?|oci):\/\/\S+$/.test(repository))
    issues.add("istio.repository", `${JSON.stringify(repository)} is not a Helm repository URL; use e.g. "${ISTIO_CHART_REPOSITORY}"`);
  const overrides = args?.istio?.values ?? {};
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
    ...(locality !== undefined && { locality }),
    istioVersion,
    repository,
    overrides,
    injection,
    globalNamespaces: [...globalNamespaces],
  };
}

function checkOwned(issues: IssueList, path: string, values: unknown, owned: Record<string, string>): void {
  for (const [key, why] of Object.entries(owned)) {
    if (valueAt(values, key) !== undefined) issues.add(`${path}.${key}`, `cannot be overridden: ${why}`);
  }
}
