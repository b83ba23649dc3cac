import * as pulumi from "@pulumi/pulumi";
import { ClusterManifests, GlobalNamespaceSpec, isHostOrIp, IssueList, parseManifests, SpecError } from "../mesh";
import { GlobalNamespaceArgs, GlobalNamespaceCluster } from "./args";

/** GlobalNamespace args → the core's plain spec, the cluster handles by name, and the manifests to discover from. */
export interface ArgsAsSpec {
  spec: GlobalNamespaceSpec<pulumi.Input<string>>;
  handles: Map<string, GlobalNamespaceCluster>;
  manifests: ClusterManifests[];
}

/** Values the core must not inspect: they are only known once the deployment runs. */
export function isDeferred(v: unknown): boolean {
  return pulumi.Output.isInstance(v) || v instanceof Promise;
}

export function argsToSpec(name: string, args: GlobalNamespaceArgs): ArgsAsSpec {
  const issues = new IssueList();
  const handles = new Map<string, GlobalNamespaceCluster>();
  const addHandle = (h: GlobalNamespaceCluster, path: string) => {
    if (typeof h?.clusterName !== "string") {
      issues.add(path, "is not a cluster handle (no clusterName); pass an EksCluster, AksCluster, KubeconfigCluster, MeshCluster or { clusterName, kubeconfig }");
      return;
    }
    const seen = handles.get(h.clusterName);
    if (seen && !sameCluster(seen, h)) issues.add(path, `a different cluster is already named "${h.clusterName}"; cluster names must be unique in a GlobalNamespace`);
    else if (!h.provider && h.kubeconfig === undefined) issues.add(path, `cluster "${h.clusterName}" has neither provider nor kubeconfig; give one`);
    else handles.set(h.clusterName, h);
  };
  (args.clusters ?? []).forEach((h, i) => addHandle(h, `clusters[${i}]`));
  const members = (args.members ?? []).map((m, i) => {
    if (typeof m?.cluster === "object") addHandle(m.cluster, `members[${i}].cluster`);
    return { cluster: typeof m?.cluster === "object" ? m.cluster?.clusterName : m?.cluster, namespace: m?.namespace };
  });
  issues.throwIfAny();
  const manifests: ClusterManifests[] = [];
  (args.manifests ?? []).forEach((m, i) => {
    manifests.push({ cluster: m.cluster, source: `manifests[${i}]`, objects: parseYaml(m.yaml, `manifests[${i}]`, issues), defaultNamespace: m.defaultNamespace });
  });
  issues.throwIfAny();
  const spec: GlobalNamespaceSpec<pulumi.Input<string>> = {
    name: args.globalNamespaceName ?? name,
    domain: args.domain,
    clusters: [...handles.values()].map((h) => ({
      name: h.clusterName,
      ...(h.ingress && { ingress: { address: checkedLater(h.ingress.address, h.clusterName), ...(h.ingress.port !== undefined && { port: h.ingress.port }) } }),
      ...(h.locality && { locality: h.locality }),
      ...(h.network && { network: h.network }),
      ...(h.gateways && { gateways: h.gateways }),
    })),
    members,
    ...(args.services && { services: args.services }),
  };
  return { spec, handles, manifests };
}

/**
 * One cluster given twice — e.g. `{ ...cluster, ingress }` spread into two member rules — is the same cluster when it
 * writes through the same provider (or kubeconfig) and is reached at the same ingress.
 */
function sameCluster(a: GlobalNamespaceCluster, b: GlobalNamespaceCluster): boolean {
  if (a === b) return true;
  return (
    a.provider === b.provider &&
    a.kubeconfig === b.kubeconfig &&
    a.ingress?.address === b.ingress?.address &&
    a.ingress?.port === b.ingress?.port &&
    a.locality === b.locality &&
    a.network === b.network &&
    a.gateways === b.gateways &&
    a.meshReady === b.meshReady &&
    a.injectionExcluded === b.injectionExcluded
  );
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
