/**
 * The e2e program's stack outputs (e2e/index.ts), as `pulumi stack output --json` prints them, checked and typed.
 * Pure: e2e/run.ts passes the command's stdout.
 */

export interface CatalogOutput {
  host: string;
  /** The virtual IP of the global name. */
  address: string;
  port: number;
  /** Clusters that run catalog. */
  owners: string[];
}

export interface MeshClusterOutput {
  gatewayNamespace: string;
  ingressSelector: Record<string, string>;
  egressSelector: Record<string, string>;
  egressGatewayHost: string;
  /** `<trustDomain>/ns/<ns>/sa/<sa>`, without `spiffe://`. */
  ingressPrincipal: string;
  egressPrincipal: string;
  ingressAddress: string;
}

export interface ClientOutput {
  cluster: string;
  namespace: string;
  selector: Record<string, string>;
  container: string;
}

export interface E2eOutputs {
  catalog: CatalogOutput;
  meshClusters: Record<string, MeshClusterOutput>;
  clients: { member: ClientOutput; outsider: ClientOutput };
}

/** The SNI of a global service port's tunnel, as docs/wiring.md names it: `<port>.<host>`. */
export const tunnelName = (host: string, port: number) => `${port}.${host}`;

/** A SPIFFE ID from a principal as MeshCluster outputs it. */
export const spiffe = (principal: string) => `spiffe://${principal}`;

/** A label selector for kubectl: `app=curl,istio=egressgateway`. */
export const selectorArg = (labels: Record<string, string>) =>
  Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** Reads the outputs; throws one error listing every field that is missing or of the wrong type. */
export function parseStackOutputs(stdout: string): E2eOutputs {
  let raw: unknown;
  try {
    raw = JSON.parse(stdout);
  } catch {
    throw new Error(`pulumi stack output --json: not JSON: ${stdout.slice(0, 200)}`);
  }
  const problems: string[] = [];
  const at = (obj: unknown, path: string[]): unknown =>
    path.reduce<unknown>((v, k) => (isObject(v) ? v[k] : undefined), obj);
  const str = (obj: unknown, ...path: string[]) => {
    const v = at(obj, path);
    if (typeof v === "string" && v !== "" && v !== "[secret]") return v;
    problems.push(`${path.join(".")}: expected a string, got ${JSON.stringify(v)}`);
    return "";
  };
  const num = (obj: unknown, ...path: string[]) => {
    const v = at(obj, path);
    if (typeof v === "number" && Number.isInteger(v)) return v;
    problems.push(`${path.join(".")}: expected an integer, got ${JSON.stringify(v)}`);
    return 0;
  };
  const labels = (obj: unknown, ...path: string[]) => {
    const v = at(obj, path);
    if (isObject(v) && Object.keys(v).length > 0 && Object.values(v).every((x) => typeof x === "string"))
      return v as Record<string, string>;
    problems.push(`${path.join(".")}: expected labels (a non-empty map of strings), got ${JSON.stringify(v)}`);
    return {};
  };
  const strings = (obj: unknown, ...path: string[]) => {
    const v = at(obj, path);
    if (Array.isArray(v) && v.every((x) => typeof x === "string")) return v;
    problems.push(`${path.join(".")}: expected a list of strings, got ${JSON.stringify(v)}`);
    return [];
  };

  const catalog: CatalogOutput = {
    host: str(raw, "catalog", "host"),
    address: str(raw, "catalog", "address"),
    port: num(raw, "catalog", "port"),
    owners: strings(raw, "catalog", "owners"),
  };
  const meshClusters: Record<string, MeshClusterOutput> = {};
  const mc = at(raw, ["meshClusters"]);
  if (!isObject(mc) || Object.keys(mc).length === 0)
    problems.push(`meshClusters: expected a map of clusters, got ${JSON.stringify(mc)}`);
  else
    for (const name of Object.keys(mc))
      meshClusters[name] = {
        gatewayNamespace: str(raw, "meshClusters", name, "gatewayNamespace"),
        ingressSelector: labels(raw, "meshClusters", name, "ingressSelector"),
        egressSelector: labels(raw, "meshClusters", name, "egressSelector"),
        egressGatewayHost: str(raw, "meshClusters", name, "egressGatewayHost"),
        ingressPrincipal: str(raw, "meshClusters", name, "ingressPrincipal"),
        egressPrincipal: str(raw, "meshClusters", name, "egressPrincipal"),
        ingressAddress: str(raw, "meshClusters", name, "ingressAddress"),
      };
  const client = (role: string): ClientOutput => ({
    cluster: str(raw, "clients", role, "cluster"),
    namespace: str(raw, "clients", role, "namespace"),
    selector: labels(raw, "clients", role, "selector"),
    container: str(raw, "clients", role, "container"),
  });
  const clients = { member: client("member"), outsider: client("outsider") };
  for (const c of Object.values(clients))
    if (c.cluster && !meshClusters[c.cluster]) problems.push(`clients: cluster ${c.cluster} is not in meshClusters`);
  for (const o of catalog.owners)
    if (!meshClusters[o]) problems.push(`catalog.owners: cluster ${o} is not in meshClusters`);
  if (problems.length) throw new Error(`unexpected stack outputs:\n  ${problems.join("\n  ")}`);
  return { catalog, meshClusters, clients };
}

/** The name of a running pod (not being deleted) from `kubectl get pods -o json`; undefined when none is. */
export function runningPodName(podListJson: string): string | undefined {
  let list: unknown;
  try {
    list = JSON.parse(podListJson);
  } catch {
    return undefined;
  }
  const items = isObject(list) && Array.isArray(list.items) ? list.items.filter(isObject) : [];
  const pod = items.find(
    (p) =>
      isObject(p.metadata) &&
      p.metadata.deletionTimestamp === undefined &&
      isObject(p.status) &&
      p.status.phase === "Running",
  );
  return pod && isObject(pod.metadata) && typeof pod.metadata.name === "string" ? pod.metadata.name : undefined;
}
