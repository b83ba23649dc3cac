import { RunResult } from "./runProgram";
import { Registration } from "./standInEngine";
import { isSecret, isUnknown, plaintextStrings, reveal } from "./wire";

/**
 * Facts every globalmesh Pulumi program must satisfy, whatever its components look like. Each check (`…Problems`)
 * returns the list of violations (empty = fine), so a failing test prints what is wrong and where; fixtures/leaky
 * breaks each one once (harness.test.ts).
 */

const STACK = "pulumi:pulumi:Stack";
export const K8S_PROVIDER = "pulumi:providers:kubernetes";
/** Istio's API groups, as Pulumi types start: networking (routing) and security (AuthorizationPolicy, PeerAuthentication). */
export const ISTIO_GROUPS = ["kubernetes:networking.istio.io/", "kubernetes:security.istio.io/"] as const;
/** Whether a registration's type is an Istio object of either group. */
export const isIstio = (type: string) => ISTIO_GROUPS.some((g) => type.startsWith(g));
export const HELM_RELEASE = "kubernetes:helm.sh/v3:Release";
export const GLOBAL_NAMESPACE = "globalmesh:index:GlobalNamespace";

/** Marks secret material in the test config: the programs must never let it out in plain text. */
export const SECRET_NEEDLE = /stand-in-token-[a-z0-9-]+/;
/** PEM private keys (the stand-in tls provider's and any other). */
const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;
/** Kubeconfig text, YAML or JSON. */
const KUBECONFIG = /(^|\n)kind: Config\b|"kind":\s*"Config"/;

const short = (urn: string) => urn.split("::").slice(2).join("::");
const providerUrnOf = (ref: string) => ref.split("::").slice(0, -1).join("::");

/** The run itself: it finished, and reported no errors. */
export function runProblems(r: RunResult): string[] {
  const out: string[] = [];
  if (r.exitCode !== 0) out.push(`exit code ${r.exitCode ?? r.signal}`);
  out.push(...r.errors.map((e) => `error: ${e}`));
  return out;
}

/** One stack; every parent, dependency and provider reference names something registered before it. */
export function structureProblems(r: RunResult): string[] {
  const out: string[] = [];
  const stacks = r.registrations.filter((g) => g.type === STACK);
  if (stacks.length !== 1) out.push(`${stacks.length} stack resources`);
  const seen = new Set<string>();
  const known = new Set([...r.registrations.map((g) => g.urn), ...r.reads.map((x) => x.urn)]);
  for (const g of r.registrations) {
    if (g.type !== STACK && !seen.has(g.parent))
      out.push(`${short(g.urn)}: parent ${g.parent || "(none)"} not registered before it`);
    for (const d of [...g.dependencies, ...Object.values(g.propertyDependencies).flat()])
      if (!known.has(d)) out.push(`${short(g.urn)}: depends on unknown ${d}`);
    for (const ref of [g.provider, ...Object.values(g.providers)].filter(Boolean))
      if (!seen.has(providerUrnOf(ref))) out.push(`${short(g.urn)}: provider ${ref} not registered before it`);
    seen.add(g.urn);
  }
  return out;
}

/** The Kubernetes provider a registration or read goes through ("" when the default provider would be used). */
export function kubernetesProvider(g: { provider: string; providers?: Record<string, string> }): string {
  return g.provider || g.providers?.kubernetes || "";
}

/** Every Kubernetes object (custom, multi-language component or read) goes through an explicit provider. */
export function kubernetesProviderProblems(r: RunResult): string[] {
  const providers = new Set(r.registrations.filter((g) => g.type === K8S_PROVIDER).map((g) => g.urn));
  const objects = [
    ...r.registrations.filter((g) => g.type.startsWith("kubernetes:") && (g.custom || g.remote)),
    ...r.reads.filter((x) => x.type.startsWith("kubernetes:")),
  ];
  const out: string[] = [];
  for (const o of objects) {
    const ref = kubernetesProvider(o);
    if (!ref) out.push(`${short(o.urn)}: default Kubernetes provider (whatever ~/.kube/config points at)`);
    else if (!providers.has(providerUrnOf(ref)))
      out.push(`${short(o.urn)}: provider ${ref} is not a registered Kubernetes provider`);
  }
  return out;
}

/** The registrations on the way from `g` up to the stack. */
export function ancestors(r: RunResult, g: { parent: string }): Registration[] {
  const byUrn = new Map(r.registrations.map((x) => [x.urn, x]));
  const out: Registration[] = [];
  for (let p = byUrn.get(g.parent); p; p = byUrn.get(p.parent)) out.push(p);
  return out;
}

/** Every Istio object belongs to a GlobalNamespace. */
export function istioParentProblems(r: RunResult): string[] {
  return r.registrations
    .filter((g) => isIstio(g.type))
    .filter((g) => !ancestors(r, g).some((a) => a.type === GLOBAL_NAMESPACE))
    .map((g) => `${short(g.urn)}: not under a ${GLOBAL_NAMESPACE}`);
}

/**
 * The cluster a Kubernetes registration goes to, told by its provider's kubeconfig text (revealed from its Secret): two
 * provider registrations with the same kubeconfig reach the same cluster, whatever they or their owners are named.
 * Undefined when that cannot be told: the kubeconfig is not known yet (a preview), is not given (the provider would read
 * ~/.kube/config), or there is no registered Kubernetes provider (kubernetesProviderProblems reports that).
 */
export function clusterOf(
  r: RunResult,
  g: { provider: string; providers?: Record<string, string> },
): string | undefined {
  const urn = providerUrnOf(kubernetesProvider(g));
  return kubeconfigOf(r.registrations.find((p) => p.type === K8S_PROVIDER && p.urn === urn));
}

/** A Kubernetes provider registration's kubeconfig text (revealed), or undefined when not known or not given. */
export function kubeconfigOf(provider: Registration | undefined): string | undefined {
  const kubeconfig = reveal(provider?.inputs.kubeconfig);
  return typeof kubeconfig === "string" ? kubeconfig : undefined;
}

/** Helm releases of Istio's istiod chart (`chart: istiod`). */
export const istiodReleases = (r: RunResult) =>
  r.registrations.filter((g) => g.type === HELM_RELEASE && reveal(g.inputs.chart) === "istiod");

export interface IstiodReadiness {
  /** Istio objects whose recorded dependencies miss an istiod release on their cluster. */
  problems: string[];
  /** URNs of the Istio objects on a cluster where the program installs istiod: their dependencies were compared. */
  compared: string[];
  /** Istio objects and istiod releases whose cluster could not be told (see clusterOf), so were not compared. */
  skipped: string[];
}

/**
 * Istio objects wait for istiod: where the program installs istiod (a Helm release of the `istiod` chart) on an Istio
 * object's cluster (see clusterOf), the object's recorded `dependencies` include that release, so Pulumi creates it
 * only once istiod's CRDs and validating webhook are there. Objects on clusters without such a release (Istio installed
 * by someone else) need nothing. Returns what it compared and skipped too, so a caller can see it did not pass by
 * comparing nothing: in a preview a kubeconfig computed by the program is unknown, in an update none is.
 */
export function istiodReadiness(r: RunResult): IstiodReadiness {
  const out: IstiodReadiness = { problems: [], compared: [], skipped: [] };
  const istiods = istiodReleases(r).map((g) => ({ urn: g.urn, cluster: clusterOf(r, g) }));
  for (const i of istiods.filter((i) => i.cluster === undefined))
    out.skipped.push(`${short(i.urn)}: istiod release on a cluster that cannot be told (kubeconfig unknown or unset)`);
  for (const o of r.registrations.filter((g) => isIstio(g.type))) {
    const cluster = clusterOf(r, o);
    if (cluster === undefined) {
      out.skipped.push(`${short(o.urn)}: on a cluster that cannot be told (kubeconfig unknown or unset)`);
      continue;
    }
    const own = istiods.filter((i) => i.cluster === cluster);
    if (own.length === 0) continue;
    out.compared.push(o.urn);
    for (const i of own)
      if (!o.dependencies.includes(i.urn))
        out.problems.push(`${short(o.urn)}: does not wait for its cluster's istiod ${short(i.urn)}`);
  }
  return out;
}

/** istiodReadiness's violations, like the other checks. */
export const istiodReadinessProblems = (r: RunResult) => istiodReadiness(r).problems;

/**
 * Secrets stay secret: Kubernetes providers get their kubeconfig as a secret, Kubernetes Secrets their data; and no
 * registration input, read input or stack output carries in plain text a config secret (SECRET_NEEDLE), a private key
 * or a kubeconfig. Values not known yet (preview) cannot leak and are skipped.
 */
export function secretProblems(r: RunResult): string[] {
  const out: string[] = [];
  const secretOrUnknown = (v: unknown) => v === undefined || isSecret(v) || isUnknown(v);
  for (const g of r.registrations) {
    if (g.type === K8S_PROVIDER && !secretOrUnknown(g.inputs.kubeconfig))
      out.push(`${short(g.urn)}: kubeconfig is not secret`);
    if (g.type === "kubernetes:core/v1:Secret")
      for (const key of ["data", "stringData"])
        if (!secretOrUnknown(g.inputs[key])) out.push(`${short(g.urn)}: ${key} is not secret`);
  }
  const places: [string, unknown][] = [
    ...r.registrations.map((g): [string, unknown] => [short(g.urn), g.inputs]),
    ...r.reads.map((x): [string, unknown] => [`read ${short(x.urn)}`, x.inputs]),
    ["stack outputs", r.stackOutputs],
  ];
  for (const [where, value] of places)
    for (const s of plaintextStrings(value)) {
      if (SECRET_NEEDLE.test(s)) out.push(`${where}: config secret ${SECRET_NEEDLE.exec(s)![0]} in plain text`);
      if (PRIVATE_KEY.test(s)) out.push(`${where}: private key in plain text`);
      if (KUBECONFIG.test(s)) out.push(`${where}: kubeconfig in plain text`);
    }
  return out;
}

/** Counts of registrations per type. */
export function countTypes(r: RunResult): Record<string, number> {
  const out: Record<string, number> = {};
  for (const g of r.registrations) out[g.type] = (out[g.type] ?? 0) + 1;
  return out;
}

/** Registrations whose type starts with `prefix`. */
export const ofType = (r: RunResult, prefix: string) => r.registrations.filter((g) => g.type.startsWith(prefix));

/** The Istio objects (networking and security) a program registered. */
export const istioObjects = (r: RunResult) => r.registrations.filter((g) => isIstio(g.type));
