import { isHostOrIp, IssueList } from "../mesh";
import {
  checkArgFields,
  checkBoolean,
  checkInteger,
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
import { DEFAULT_TRUST_DOMAIN, ISTIO_CHART_REPOSITORY } from "./defaults";
import { planRevisions, RevisionsPlan } from "./revisions";
import { InjectionPlan, planInjection } from "./injectionPlan";
import { valueAt } from "./merge";
import { checkPem } from "./trustPlan";
import { AvailabilityPlan, OWNED_VALUES, ownedPaths } from "./values";

/** MeshCluster args, checked, with defaults filled in. */
export interface MeshClusterPlan {
  clusterName: string;
  network: string;
  locality?: string;
  meshId: string;
  trustDomain: string;
  /** The version the injection tag's revision runs: what new sidecars get. */
  istioVersion: string;
  revisions: RevisionsPlan;
  /** `global.hub`, when given. */
  hub?: string;
  repository: string;
  overrides: IstioValuesOverrides;
  availability: AvailabilityPlan;
  /** Whether to install the east-west gateway. */
  eastWest: boolean;
  injection: InjectionPlan;
  globalNamespaces: string[];
}

const checkHub = fieldCheck(
  textGrammar(
    "an image registry path",
    "give the registry and path that hold Istio's pilot and proxyv2 images, without a scheme or tag",
    (s) => /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d+)?(\/[a-z0-9]([a-z0-9._-]*[a-z0-9])?)*$/.test(s),
  ),
);
const checkRepository = fieldCheck(
  textGrammar("a Helm repository URL", "use an http://, https:// or oci:// URL", (s) =>
    /^(https?|oci):\/\/\S+$/.test(s),
  ),
);
const checkIngressAddress = fieldCheck(
  textGrammar("an IP address or DNS name", "give the address other clusters reach the ingress gateway at", isHostOrIp),
);
const checkEastWestAddress = fieldCheck(
  textGrammar(
    "an IP address or DNS name",
    "give the address other clusters reach the east-west gateway at",
    isHostOrIp,
  ),
);

const ISTIO_FIELDS = ["version", "revisions", "injectionRevision", "gatewayRevision", "hub", "repository", "values"];
const AVAILABILITY_FIELDS = ["istiodReplicas", "gatewayReplicas", "spreadAcrossZones"];
const CHARTS = ["base", "istiod", "ingressGateway", "egressGateway", "eastWestGateway"] as const;
const GATEWAY_CHARTS = ["ingressGateway", "egressGateway", "eastWestGateway"] as const;
/** Replicas of istiod and of each gateway unless told otherwise: one may restart while the other serves. */
const DEFAULT_REPLICAS = 2;
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
  availability: 0,
  eastWest: 0,
  eastWestAddress: 0,
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
  const revisions = planRevisions(issues, istio);
  const hub = given(istio.hub)
    ? checkHub(issues, "istio.hub", istio.hub, { example: "registry.example.com/istio" })
    : undefined;
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
  const eastWest = checkBoolean(issues, "eastWest", a.eastWest, { example: true }) ?? false;
  if (given(a.eastWestAddress) && !eastWest)
    issues.add("eastWestAddress", "is given, but no east-west gateway is installed; set eastWest: true, or remove it");
  else if (given(a.eastWestAddress) && !isDeferred(a.eastWestAddress))
    checkEastWestAddress(issues, "eastWestAddress", a.eastWestAddress, { example: "ew.cluster1.example.com" });
  const availability = planAvailability(issues, a.availability);

  issues.throwIfBadArgs(`MeshCluster "${name}"`);
  return {
    // Set whenever no issue was thrown above.
    clusterName: clusterName ?? "",
    network: network ?? "",
    meshId: meshId ?? "",
    trustDomain,
    ...(locality !== undefined && { locality }),
    istioVersion: revisions.injection.version,
    revisions,
    ...(hub !== undefined && { hub }),
    repository,
    overrides,
    availability,
    eastWest,
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

/**
 * Chart value overrides: a literal mapping per chart (its values may be Outputs), never the values MeshCluster owns.
 */
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
  checkOwned(issues, "istio.values.base", overrides.base, "base");
  checkOwned(issues, "istio.values.istiod", overrides.istiod, "istiod");
  for (const chart of GATEWAY_CHARTS) checkOwned(issues, `istio.values.${chart}`, overrides[chart], "gateway");
  return overrides;
}

function checkOwned(issues: IssueList, path: string, values: unknown, chart: keyof typeof OWNED_VALUES): void {
  for (const [key, why] of Object.entries(OWNED_VALUES[chart]))
    for (const at of ownedPaths(chart, key)) {
      const value = valueAt(values, at);
      // Each reason either ends in its fix ("…; set meshId") or leaves removing the value as the fix.
      if (value !== undefined)
        issues.add(
          `${path}.${at}`,
          `${quoteValue(value)} cannot be overridden: ${why}${why.includes(";") ? "" : "; remove it"}`,
        );
    }
}

/** Replicas and zone spread; one replica is allowed (a test cluster) and then has no disruption budget. */
function planAvailability(issues: IssueList, v: unknown): AvailabilityPlan {
  const o = given(v) ? (readObject(issues, "availability", v, AVAILABILITY_FIELDS) ?? {}) : {};
  const replicas = (field: string) =>
    checkInteger(issues, `availability.${field}`, o[field], { min: 1, max: 10, default: DEFAULT_REPLICAS });
  return {
    istiodReplicas: replicas("istiodReplicas"),
    gatewayReplicas: replicas("gatewayReplicas"),
    spreadAcrossZones:
      checkBoolean(issues, "availability.spreadAcrossZones", o.spreadAcrossZones, { example: true }) ?? true,
  };
}
