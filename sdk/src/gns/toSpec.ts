import * as pulumi from "@pulumi/pulumi";
import { ClusterManifests, GlobalNamespaceSpec, isHostOrIp, IssueList, parseManifests, SpecError } from "../mesh";
import { GlobalNamespaceArgs, GlobalNamespaceCluster } from "./args";

/** GlobalNamespace args → the core's plain spec, the cluster entries by name, and the manifests to discover from. */
export interface ArgsAsSpec {
  spec: GlobalNamespaceSpec<pulumi.Input<string>>;
  clusters: Map<string, GlobalNamespaceCluster>;
  manifests: ClusterManifests[];
}

/** Values the core must not inspect: they are only known once the deployment runs. */
export function isDeferred(v: unknown): boolean {
  return pulumi.Output.isInstance(v) || v instanceof Promise;
}

export function argsToSpec(name: string, args: GlobalNamespaceArgs): ArgsAsSpec {
  const issues = new IssueList();
  const clusters = new Map<string, GlobalNamespaceCluster>();
  if (!Array.isArray(args?.clusters)) issues.add("clusters", "is required: list the member clusters, each { clusterName, kubeconfig, ingress? } (a MeshCluster fits as it is)");
  (Array.isArray(args?.clusters) ? args.clusters : []).forEach((c, i) => {
    const path = `clusters[${i}]`;
    if (typeof c !== "object" || c === null) return issues.add(path, "is not a cluster; give { clusterName, kubeconfig, ingress? } (a MeshCluster fits as it is)");
    if (isDeferred(c.clusterName))
      return issues.add(`${path}.clusterName`, "is an Output, known only at deploy time; it names this cluster's objects, so give a literal string, e.g. \"cluster1\"");
    if (typeof c.clusterName !== "string") return issues.add(`${path}.clusterName`, "is required: the cluster's name in the mesh, e.g. \"cluster1\"");
    if (clusters.has(c.clusterName)) return issues.add(`${path}.clusterName`, `"${c.clusterName}" is listed twice; list each member cluster once`);
    if (c.kubeconfig === undefined || c.kubeconfig === "") issues.add(`${path}.kubeconfig`, `is required: the kubeconfig of cluster "${c.clusterName}" (e.g. its KubeconfigCluster's or MeshCluster's kubeconfig output)`);
    clusters.set(c.clusterName, c);
  });
  const manifests: ClusterManifests[] = [];
  (args?.manifests ?? []).forEach((m, i) => {
    manifests.push({ cluster: m.cluster, source: `manifests[${i}]`, objects: parseYaml(m.yaml, `manifests[${i}]`, issues), defaultNamespace: m.defaultNamespace });
  });
  issues.throwIfAny();
  const spec: GlobalNamespaceSpec<pulumi.Input<string>> = {
    name: args.globalNamespaceName ?? name,
    domain: args.domain,
    clusters: [...clusters.values()].map((c) => ({
      name: c.clusterName,
      ...(c.ingress && { ingress: { address: checkedLater(c.ingress.address, c.clusterName), ...(c.ingress.port !== undefined && { port: c.ingress.port }) } }),
      ...(c.locality && { locality: c.locality }),
      ...(c.network && { network: c.network }),
      ...(c.gateways && { gateways: c.gateways }),
    })),
    members: args.members,
    ...(args.services && { services: args.services }),
  };
  return { spec, clusters, manifests };
}

/** The core names a cluster's name field `name`; the component's entries call it `clusterName`. */
export function inArgsTerms(e: unknown): unknown {
  if (!(e instanceof SpecError)) return e;
  const issues = e.issues.map((i) => ({ ...i, path: i.path.replace(/^clusters\[(\d+)\]\.name\b/, "clusters[$1].clusterName") }));
  return new SpecError(issues, e.source);
}

/**
 * An address known only at deploy time (a load balancer's) is checked when it resolves: a bad one fails the objects
 * that carry it with a message naming the cluster, instead of writing a ServiceEntry Istio would reject.
 */
function checkedLater(address: pulumi.Input<string>, cluster: string): pulumi.Input<string> {
  return isDeferred(address) ? pulumi.output(address).apply((a) => resolvedIngressAddress(a, cluster)) : address;
}

/** The check `checkedLater` applies to a resolved address. */
export function resolvedIngressAddress(address: unknown, cluster: string): string {
  if (typeof address !== "string" || !isHostOrIp(address))
    throw new Error(`cluster ${cluster}: ingress address ${JSON.stringify(address)} is neither an IP address nor a DNS name; check the ingress gateway's load balancer`);
  return address;
}

function parseYaml(text: string, source: string, issues: IssueList): unknown[] {
  try {
    return parseManifests(text, source);
  } catch (e) {
    if (!(e instanceof SpecError)) throw e;
    e.issues.forEach((i) => issues.add(i.path, i.message));
    return [];
  }
}
