import * as pulumi from "@pulumi/pulumi";
import { checkWhenKnown } from "../whenKnown";
import { checkKubeconfigText } from "../clusters/checks";
import {
  ClusterManifests,
  GlobalNamespaceSpec,
  IngressSpec,
  isHostOrIp,
  IssueList,
  parseManifests,
  SpecError,
} from "../mesh";
import { checkDnsLabel, checkLiteral, isDeferred, quoteValue, readList, readObject } from "../mesh/checks";
import { isPlainObject } from "../mesh/fields";
import { GlobalNamespaceArgs, GlobalNamespaceCluster } from "./args";

/** GlobalNamespace args → the core's plain spec, the cluster entries by name, and the manifests to discover from. */
export interface ArgsAsSpec {
  spec: GlobalNamespaceSpec<pulumi.Input<string>>;
  clusters: Map<string, GlobalNamespaceCluster>;
  manifests: ClusterManifests[];
}

const CLUSTER_FIELDS = ["clusterName", "kubeconfig", "ingress", "locality", "network", "gateways", "injectionExcluded"];
const CLUSTERS_EXAMPLE = '[{ clusterName: "cluster1", kubeconfig, ingress: { address: "203.0.113.10" } }]';
const MANIFEST_FIELDS = ["cluster", "yaml", "defaultNamespace"];
const MANIFESTS_EXAMPLE = '[{ cluster: "cluster1", yaml: readFileSync("cluster1.yaml", "utf8") }]';

/**
 * Checks what only the component has (the cluster entries' names and kubeconfigs, the manifests) and hands the rest
 * to the core, which checks it when it builds the mesh. Throws SpecError before anything is registered.
 */
export function argsToSpec(name: string, args: GlobalNamespaceArgs): ArgsAsSpec {
  const issues = new IssueList();
  const clusters = readClusters(issues, args?.clusters);
  const manifests = readManifests(issues, args?.manifests);
  // Past this point args is a mapping: its clusters were found good.
  issues.throwIfBadArgs(`GlobalNamespace "${name}"`);
  const spec: GlobalNamespaceSpec<pulumi.Input<string>> = {
    name: args.globalNamespaceName ?? name,
    domain: args.domain,
    clusters: [...clusters.values()].map((c) => ({
      name: c.clusterName,
      ...(c.ingress && { ingress: ingressOf(c) }),
      ...(c.locality && { locality: c.locality }),
      ...(c.network && { network: c.network }),
      ...(c.gateways && { gateways: c.gateways }),
    })),
    members: args.members,
    ...(args.services && { services: args.services }),
  };
  return { spec, clusters, manifests };
}

/** The member clusters by name, each named once, each with a kubeconfig to write through. */
function readClusters(issues: IssueList, v: unknown): Map<string, GlobalNamespaceCluster> {
  const clusters = new Map<string, GlobalNamespaceCluster>();
  const firstAt = new Map<string, string>();
  const list = readList(issues, "clusters", v, { example: CLUSTERS_EXAMPLE, required: true }) ?? [];
  list.forEach((c, i) => {
    const path = `clusters[${i}]`;
    // A MeshCluster fits as it is (TypeScript), or spread with an ingress of one's own: fields beyond an entry's pass.
    const entry = readObject(issues, path, c, isPlainObject(c) ? Object.keys(c) : CLUSTER_FIELDS);
    if (!entry) return;
    const clusterName = checkDnsLabel(issues, `${path}.clusterName`, entry.clusterName, {
      example: "cluster1",
      required: true,
    });
    checkKubeconfigText(issues, `${path}.kubeconfig`, entry.kubeconfig);
    readNamespaces(issues, `${path}.injectionExcluded`, entry.injectionExcluded);
    if (clusterName === undefined) return;
    const first = firstAt.get(clusterName);
    if (first !== undefined)
      issues.add(
        `${path}.clusterName`,
        `"${clusterName}" is listed twice (first at ${first}); list each member cluster once`,
      );
    else {
      firstAt.set(clusterName, `${path}.clusterName`);
      clusters.set(clusterName, entry as unknown as GlobalNamespaceCluster);
    }
  });
  return clusters;
}

/** Namespace names (a MeshCluster's `injectionExcluded`): what the exclusion check compares the members with. */
function readNamespaces(issues: IssueList, path: string, v: unknown): void {
  readList(issues, path, v, { example: '["legacy"]' })?.forEach((n, i) =>
    checkDnsLabel(issues, `${path}[${i}]`, n, { example: "legacy", required: true }),
  );
}

/**
 * The ingress as the core reads it. An address known only at deploy time is checked when it resolves; anything but a
 * mapping (an Output of the whole ingress) goes to the core as it is, which refuses it.
 */
function ingressOf(c: GlobalNamespaceCluster): IngressSpec<pulumi.Input<string>> {
  const ingress: unknown = c.ingress;
  if (!isPlainObject(ingress) || isDeferred(ingress)) return ingress as IngressSpec<pulumi.Input<string>>;
  const { address, port } = ingress as { address: pulumi.Input<string>; port?: number };
  return { address: checkedLater(address, c.clusterName), ...(port !== undefined && { port }) };
}

/** The manifests to discover services from, parsed; a manifest's cluster must be a member (checked by the core). */
function readManifests(issues: IssueList, v: unknown): ClusterManifests[] {
  const manifests: ClusterManifests[] = [];
  const list = readList(issues, "manifests", v, { example: MANIFESTS_EXAMPLE }) ?? [];
  list.forEach((m, i) => {
    const path = `manifests[${i}]`;
    const entry = readObject(issues, path, m, MANIFEST_FIELDS);
    if (!entry) return;
    const cluster = checkDnsLabel(issues, `${path}.cluster`, entry.cluster, { example: "cluster1", required: true });
    const defaultNamespace = checkDnsLabel(issues, `${path}.defaultNamespace`, entry.defaultNamespace, {
      example: "default",
    });
    const yaml = readYamlText(issues, `${path}.yaml`, entry.yaml);
    if (cluster === undefined || yaml === undefined) return;
    manifests.push({
      cluster,
      source: path,
      objects: parseYaml(yaml, path, issues),
      ...(defaultNamespace !== undefined && { defaultNamespace }),
    });
  });
  return manifests;
}

const GIVE_YAML = 'give the cluster\'s manifests as YAML text, e.g. readFileSync("cluster1.yaml", "utf8")';

/** Manifest text: a literal, since the Services in it decide which objects exist. */
function readYamlText(issues: IssueList, path: string, v: unknown): string | undefined {
  if (!checkLiteral(issues, path, v, "apiVersion: v1\nkind: Service\n…")) return undefined;
  if (v === undefined || v === null) issues.add(path, `is required; ${GIVE_YAML}`);
  else if (typeof v !== "string") issues.add(path, `${quoteValue(v)} is not YAML text; ${GIVE_YAML}`);
  else return v;
  return undefined;
}

/** The core names a cluster's name field `name`; the component's entries call it `clusterName`. */
export function inArgsTerms(e: unknown, name: string): unknown {
  if (!(e instanceof SpecError)) return e;
  const issues = e.issues.map((i) => ({
    ...i,
    path: i.path.replace(/^clusters\[(\d+)\]\.name\b/, "clusters[$1].clusterName"),
  }));
  return new SpecError(issues, `GlobalNamespace "${name}"`, "invalid arguments");
}

/**
 * An address known only at deploy time (a load balancer's) is checked when it resolves: a bad one fails the objects
 * that carry it with a message naming the cluster, instead of writing a ServiceEntry Istio would reject. A literal
 * address passes as it is, for the core to check now.
 */
function checkedLater(address: pulumi.Input<string>, cluster: string): pulumi.Input<string> {
  return isDeferred(address)
    ? checkWhenKnown(pulumi.output(address), (a) => resolvedIngressAddress(a, cluster))
    : address;
}

/** The check `checkedLater` applies to a resolved address. */
export function resolvedIngressAddress(address: unknown, cluster: string): string {
  if (typeof address !== "string" || !isHostOrIp(address))
    throw new Error(
      `cluster ${cluster}: ingress address ${quoteValue(address)} is neither an IP address nor a DNS name; check the ingress gateway's load balancer`,
    );
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
