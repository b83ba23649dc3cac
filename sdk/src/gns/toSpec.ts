import * as pulumi from "@pulumi/pulumi";
import { checkWhenKnown } from "../whenKnown";
import { checkKubeconfigText, CONNECTION_FIELDS, readClusterEntry } from "../clusters/checks";
import {
  buildMesh,
  checkInjectionExclusions,
  ClusterManifests,
  GlobalNamespaceSpec,
  IngressSpec,
  isHostOrIp,
  IssueList,
  MeshBuild,
  MeshMode,
  parseIpv4,
  parseManifests,
  SpecError,
  SpecIssue,
  validateSpec,
} from "../mesh";
import {
  checkArgFields,
  checkDnsLabel,
  checkDnsName,
  checkLiteral,
  fieldCheck,
  isDeferred,
  quoteValue,
  readList,
  readObject,
  textGrammar,
} from "../mesh/checks";
import { isPlainObject, Plain } from "../mesh/fields";
import {
  GlobalNamespaceArgs,
  GlobalNamespaceClaim,
  GlobalNamespaceCluster,
  GlobalNamespaceMemberNamespace,
  GlobalNamespacePeer,
} from "./args";
import { claimsOf, peerConflicts } from "./peers";

/**
 * GlobalNamespace args, checked and compiled: the core's spec and build, the cluster entries by name, the manifests,
 * and what the GlobalNamespace claims (every host with its virtual IP, sorted).
 */
export interface CompiledArgs {
  spec: GlobalNamespaceSpec<pulumi.Input<string>>;
  build: MeshBuild<pulumi.Input<string>>;
  clusters: Map<string, GlobalNamespaceCluster>;
  manifests: ClusterManifests[];
  claims: GlobalNamespaceClaim[];
  memberNamespaces: GlobalNamespaceMemberNamespace[];
  /** What the args say that works but may not be what was meant, one sentence each in the args' terms (logged). */
  warnings: string[];
}

const CLUSTER_FIELDS = [
  ...CONNECTION_FIELDS,
  "ingress",
  "eastWest",
  "gateways",
  "trustDomain",
  "namespaces",
  "injectionExcluded",
];
const CLUSTERS_EXAMPLE = '[{ clusterName: "cluster1", kubeconfig, ingress: { address: "203.0.113.10" } }]';
const MANIFEST_FIELDS = ["cluster", "yaml", "defaultNamespace"];
const MANIFESTS_EXAMPLE = '[{ cluster: "cluster1", yaml: readFileSync("cluster1.yaml", "utf8") }]';
const PEER_FIELDS = ["globalNamespaceName", "claims", "memberNamespaces"];
const PEERS_EXAMPLE =
  '[{ globalNamespaceName: "shop", claims: [{ host: "cart.shop.example.com", address: "240.0.0.10" }] }]';
const CLAIM_FIELDS = ["host", "address"];
const checkAddress = fieldCheck(
  textGrammar("an IPv4 address", "give the host's virtual IP", (s) => parseIpv4(s) !== undefined),
);
/** The args in the order problems are listed. */
const ARGS_ORDER = [
  "globalNamespaceName",
  "domain",
  "mode",
  "ownDomain",
  "clusters",
  "members",
  "services",
  "manifests",
  "mtls",
  "defaultDeny",
  "policies",
  "peers",
];

/** Whether a field was given: the vocabulary reads null as absent, like undefined. */
const given = (v: unknown) => v !== undefined && v !== null;

/** The args' fields, kept whole by the compiler: a misspelt one is refused. */
const GLOBAL_NAMESPACE_FIELDS = Object.keys({
  globalNamespaceName: 0,
  domain: 0,
  mode: 0,
  clusters: 0,
  ownDomain: 0,
  members: 0,
  services: 0,
  manifests: 0,
  mtls: 0,
  defaultDeny: 0,
  policies: 0,
  peers: 0,
} satisfies Record<keyof GlobalNamespaceArgs, 0>);

/**
 * Checks what only the component has (its name, the cluster entries' names, fields and kubeconfigs, the manifests,
 * the peers), has the core check and compile the rest, and throws one SpecError listing every problem of both, in the
 * args' terms, before anything is registered. A host or virtual IP a peer claims too is a problem of `peers[i]`.
 */
export function compileArgs(name: string, args: GlobalNamespaceArgs): CompiledArgs {
  const issues = new IssueList();
  const a: Partial<GlobalNamespaceArgs> = args ?? {};
  checkArgFields(issues, args, GLOBAL_NAMESPACE_FIELDS);
  const globalNamespaceName = checkDnsLabel(issues, "globalNamespaceName", a.globalNamespaceName, {
    example: "acme-fitness",
    default: name,
    defaultFrom: "the resource name",
  });
  // In east-west mode a cluster's cross-cluster entry is its east-west gateway: the core's `ingress` is `eastWest`.
  const eastWest = a.mode === MeshMode.EAST_WEST;
  const { clusters, excluded, forCore } = readClusters(issues, a.clusters, eastWest);
  const manifests = readManifests(issues, a.manifests);
  const peers = readPeers(issues, a.peers);
  // The core checks what it can even when the component found problems, so one run reports them all.
  const spec = {
    name: globalNamespaceName,
    domain: a.domain,
    ...(given(a.mode) && { mode: a.mode }),
    ...(given(a.ownDomain) && { ownDomain: a.ownDomain }),
    clusters: forCore,
    members: a.members,
    ...(given(a.services) && { services: a.services }),
    ...(given(a.mtls) && { mtls: a.mtls }),
    ...(given(a.defaultDeny) && { defaultDeny: a.defaultDeny }),
    ...(given(a.policies) && { policies: a.policies }),
  } as GlobalNamespaceSpec<pulumi.Input<string>>;
  let build: MeshBuild<pulumi.Input<string>> | undefined;
  let coreIssues: SpecIssue[] = [];
  // A manifest the component refused would be missing from discovery, and the core would report what it defines as
  // missing too: then only the core's field checks run.
  const manifestsRefused = issues.issues.some((i) => i.path.startsWith("manifests"));
  try {
    if (manifestsRefused) validateSpec(spec);
    else {
      build = buildMesh(spec, manifests);
      // Compiled here, before the component registers anything (the build compiles on demand).
      void build.compiled.objects;
      checkInjectionExclusions(spec.members, build.model.services, excluded);
    }
  } catch (e) {
    if (!(e instanceof SpecError)) throw e;
    coreIssues = e.issues.map((i) => inArgsTerms(i, eastWest));
  }
  const claims = build ? claimsOf(build.model.services) : [];
  const memberNamespaces = build
    ? build.model.clusters.flatMap((c) => c.namespaces.map((namespace) => ({ clusterName: c.name, namespace })))
    : [];
  if (build)
    peerConflicts({ globalNamespaceName, claims, memberNamespaces }, peers).forEach((i) =>
      issues.add(i.path, i.message),
    );
  const problems = union(issues.issues, coreIssues);
  if (problems.length > 0 || !build) throw new SpecError(problems, `GlobalNamespace "${name}"`, "invalid arguments");
  const warnings = [
    ...(eastWest ? [] : unusedEastWest(a.clusters, a.mode)),
    ...(build.warnings ?? []).map((w) => warningInArgsTerms(w, eastWest)),
  ];
  return { spec, build, clusters, manifests, claims, memberNamespaces, warnings };
}

/**
 * Cluster entries with an `eastWest` while the mode is tunnel: it is not used, which is said rather than refused (a
 * program may pass MeshCluster outputs before switching modes). One warning for all of them.
 */
function unusedEastWest(clusters: unknown, mode: unknown): string[] {
  const paths = (Array.isArray(clusters) ? clusters : []).flatMap((c, i) =>
    isPlainObject(c) && given(c.eastWest) ? [`clusters[${i}].eastWest`] : [],
  );
  if (paths.length === 0) return [];
  const more = paths.length > 1 ? ` (and ${paths.length - 1} more entries)` : "";
  return [
    `${paths[0]}${more}: is given, but mode is ${given(mode) ? String(mode) : "tunnel (the default)"}, which reaches clusters through their ingress; set mode: "east-west" to use the east-west gateways, or drop eastWest`,
  ];
}

/** A core warning (`<path>: <sentence>`) with its path in the args' terms. */
function warningInArgsTerms(warning: string, eastWest: boolean): string {
  const at = warning.indexOf(": ");
  if (at < 0) return warning;
  const path = inArgsTerms({ path: warning.slice(0, at), message: "" }, eastWest).path;
  return `${path}${warning.slice(at)}`;
}

/**
 * The component's issues and the core's, in the order of the args; a core issue at a path the component already
 * reported is the same problem, worded for the core's spec, and is left out.
 */
function union(own: SpecIssue[], core: SpecIssue[]): SpecIssue[] {
  const reported = new Set(own.map((i) => i.path));
  const rank = (i: SpecIssue) => {
    const r = ARGS_ORDER.indexOf(i.path.split(/[.[]/)[0]);
    return r < 0 ? ARGS_ORDER.length : r;
  };
  // The entry an issue is about (`clusters[3]…` → 3); -1 for the arg as a whole.
  const entry = (i: SpecIssue) => Number(/^\w+\[(\d+)\]/.exec(i.path)?.[1] ?? -1);
  // By arg, then by entry; Array.prototype.sort is stable, so within one entry the component's issues come first,
  // each list in its own order.
  return [...own, ...core.filter((i) => !reported.has(i.path))].sort(
    (x, y) => rank(x) - rank(y) || entry(x) - entry(y),
  );
}

/**
 * The core names the GlobalNamespace's name `name` and a cluster's name field `clusters[i].name`; the args call them
 * `globalNamespaceName` and `clusters[i].clusterName`. In east-west mode the core's `clusters[i].ingress` is the
 * entry's `eastWest`.
 */
function inArgsTerms(issue: SpecIssue, eastWest: boolean): SpecIssue {
  let path = issue.path
    .replace(/^name(?=$|[.[])/, "globalNamespaceName")
    .replace(/^clusters\[(\d+)\]\.name(?=$|[.[])/, "clusters[$1].clusterName");
  if (eastWest) path = path.replace(/^clusters\[(\d+)\]\.ingress(?=$|[.[])/, "clusters[$1].eastWest");
  return { ...issue, path };
}

/** The cluster entries read: the good ones by name, their injection exclusions, and what the core is to check. */
interface ClusterEntries {
  clusters: Map<string, GlobalNamespaceCluster>;
  excluded: Map<string, string[]>;
  /**
   * Every entry, in the args' order, so that the core's `clusters[i]` is the args' `clusters[i]`: a mapping as the
   * core's cluster (named by whatever clusterName it has), anything else as it is; the core reports the problems it
   * finds there at the paths the component reports its own.
   */
  forCore: unknown;
}

/**
 * The member clusters by name, each named once, each with a kubeconfig to write through. `eastWest`: the core's
 * ingress is the entry's `eastWest`.
 */
function readClusters(issues: IssueList, v: unknown, eastWest: boolean): ClusterEntries {
  const clusters = new Map<string, GlobalNamespaceCluster>();
  const excluded = new Map<string, string[]>();
  const firstAt = new Map<string, string>();
  const list = readList(issues, "clusters", v, { example: CLUSTERS_EXAMPLE, required: true });
  if (list?.length === 0) issues.add("clusters", `is empty; give at least one, e.g. ${CLUSTERS_EXAMPLE}`);
  const forCore = list?.map((c, i) => {
    const path = `clusters[${i}]`;
    const entry = readClusterEntry(issues, path, c, CLUSTER_FIELDS);
    if (!entry) return c;
    const clusterName = checkDnsLabel(issues, `${path}.clusterName`, entry.clusterName, {
      example: "cluster1",
      required: true,
    });
    checkKubeconfigText(issues, `${path}.kubeconfig`, entry.kubeconfig);
    const exclusions = readNamespaces(issues, `${path}.injectionExcluded`, entry.injectionExcluded);
    if (clusterName !== undefined) {
      const first = firstAt.get(clusterName);
      if (first !== undefined)
        issues.add(
          `${path}.clusterName`,
          `"${clusterName}" is listed twice (first at ${first}); list each member cluster once`,
        );
      else {
        firstAt.set(clusterName, `${path}.clusterName`);
        clusters.set(clusterName, entry as unknown as GlobalNamespaceCluster);
        excluded.set(clusterName, exclusions ?? []);
      }
    }
    return coreCluster(entry, clusterName ?? path, eastWest);
  });
  return { clusters, excluded, forCore: forCore ?? v };
}

/**
 * A cluster entry as the core's spec has it; its fields go as they are, for the core to check. The core's `ingress` is
 * the entry's `ingress` in tunnel mode, its `eastWest` in east-west mode (the other one is not used).
 */
function coreCluster(entry: Plain, cluster: string, eastWest: boolean): Plain {
  const entrance = eastWest ? entry.eastWest : entry.ingress;
  return {
    name: entry.clusterName,
    ...(given(entrance) && { ingress: ingressOf(entrance, cluster, eastWest) }),
    ...(given(entry.locality) && { locality: entry.locality }),
    ...(given(entry.network) && { network: entry.network }),
    ...(given(entry.gateways) && { gateways: entry.gateways }),
    ...(given(entry.trustDomain) && { trustDomain: entry.trustDomain }),
    ...(given(entry.namespaces) && { namespaces: entry.namespaces }),
  };
}

/** Namespace names (a MeshCluster's `injectionExcluded`): what the exclusion check compares the members with. */
function readNamespaces(issues: IssueList, path: string, v: unknown): string[] | undefined {
  return readList(issues, path, v, { example: '["legacy"]' })
    ?.map((n, i) => checkDnsLabel(issues, `${path}[${i}]`, n, { example: "legacy", required: true }))
    .filter((n): n is string => n !== undefined);
}

/**
 * The ingress as the core reads it. An address known only at deploy time is checked when it resolves; anything but a
 * mapping (an Output of the whole ingress) goes to the core as it is, which refuses it.
 */
function ingressOf(ingress: unknown, cluster: string, eastWest: boolean): IngressSpec<pulumi.Input<string>> {
  if (!isPlainObject(ingress) || isDeferred(ingress)) return ingress as IngressSpec<pulumi.Input<string>>;
  // Its other fields go as they are, for the core to check (a misspelt one among them).
  const { address } = ingress as { address?: pulumi.Input<string> };
  return { ...ingress, ...(given(address) && { address: checkedLater(address, cluster, eastWest) }) } as IngressSpec<
    pulumi.Input<string>
  >;
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

/**
 * The peers, each a GlobalNamespace as it is (TypeScript) or its name and claims; a refused entry is left undefined,
 * so the others keep their index.
 */
function readPeers(issues: IssueList, v: unknown): (GlobalNamespacePeer | undefined)[] {
  const list = readList(issues, "peers", v, { example: PEERS_EXAMPLE }) ?? [];
  return list.map((p, i) => {
    const path = `peers[${i}]`;
    // A GlobalNamespace passed as it is carries its other outputs (hosts, topology, …) and Pulumi's own fields.
    const entry = readClusterEntry(issues, path, p, PEER_FIELDS);
    if (!entry) return undefined;
    const globalNamespaceName = checkDnsLabel(issues, `${path}.globalNamespaceName`, entry.globalNamespaceName, {
      example: "shop",
      required: true,
    });
    const claims = readList(issues, `${path}.claims`, entry.claims, {
      example: '[{ host: "cart.shop.example.com", address: "240.0.0.10" }]',
      required: true,
    })?.map((c, j) => readClaim(issues, `${path}.claims[${j}]`, c));
    const memberNamespaces = readList(issues, `${path}.memberNamespaces`, entry.memberNamespaces, {
      example: '[{ clusterName: "cluster1", namespace: "shop" }]',
    })?.map((n, j) => readMemberNamespace(issues, `${path}.memberNamespaces[${j}]`, n));
    if (globalNamespaceName === undefined || !claims || claims.some((c) => c === undefined)) return undefined;
    if (memberNamespaces?.some((n) => n === undefined)) return undefined;
    return {
      globalNamespaceName,
      claims: claims as GlobalNamespaceClaim[],
      ...(memberNamespaces && { memberNamespaces: memberNamespaces as GlobalNamespaceMemberNamespace[] }),
    };
  });
}

function readMemberNamespace(issues: IssueList, path: string, v: unknown): GlobalNamespaceMemberNamespace | undefined {
  const o = readObject(issues, path, v, ["clusterName", "namespace"]);
  if (!o) return undefined;
  const clusterName = checkDnsLabel(issues, `${path}.clusterName`, o.clusterName, {
    example: "cluster1",
    required: true,
  });
  const namespace = checkDnsLabel(issues, `${path}.namespace`, o.namespace, { example: "shop", required: true });
  return clusterName === undefined || namespace === undefined ? undefined : { clusterName, namespace };
}

function readClaim(issues: IssueList, path: string, v: unknown): GlobalNamespaceClaim | undefined {
  const claim = readObject(issues, path, v, CLAIM_FIELDS);
  if (!claim) return undefined;
  const host = checkDnsName(issues, `${path}.host`, claim.host, { example: "cart.shop.example.com", required: true });
  const address = checkAddress(issues, `${path}.address`, claim.address, { example: "240.0.0.10", required: true });
  return host === undefined || address === undefined ? undefined : { host, address };
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

/**
 * An address known only at deploy time (a load balancer's) is checked when it resolves: a bad one fails the objects
 * that carry it with a message naming the cluster, instead of writing a ServiceEntry Istio would reject. A literal
 * address passes as it is, for the core to check now.
 */
function checkedLater(address: pulumi.Input<string>, cluster: string, eastWest: boolean): pulumi.Input<string> {
  return isDeferred(address)
    ? checkWhenKnown(pulumi.output(address), (a) => resolvedIngressAddress(a, cluster, eastWest))
    : address;
}

/** The check `checkedLater` applies to a resolved address (`eastWest`: the entry's `eastWest`, not its `ingress`). */
export function resolvedIngressAddress(address: unknown, cluster: string, eastWest = false): string {
  const [field, gateway] = eastWest ? ["eastWest", "east-west gateway"] : ["ingress", "ingress gateway"];
  if (typeof address !== "string" || !isHostOrIp(address))
    throw new Error(
      `cluster ${cluster}: ${field} address ${quoteValue(address)} is neither an IP address nor a DNS name; check the ${gateway}'s load balancer`,
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
