import { RunResult } from "./runProgram";
import { Registration } from "./standInEngine";
import { isSecret, isUnknown, plaintextStrings } from "./wire";

/**
 * Facts every globalmesh Pulumi program must satisfy, whatever its components look like. Each check returns the list
 * of violations (empty = fine), so a failing test prints what is wrong and where.
 */

const STACK = "pulumi:pulumi:Stack";
const K8S_PROVIDER = "pulumi:providers:kubernetes";
const ISTIO = "kubernetes:networking.istio.io/";
const GLOBAL_NAMESPACE = "globalmesh:index:GlobalNamespace";

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
    .filter((g) => g.type.startsWith(ISTIO))
    .filter((g) => !ancestors(r, g).some((a) => a.type === GLOBAL_NAMESPACE))
    .map((g) => `${short(g.urn)}: not under a ${GLOBAL_NAMESPACE}`);
}

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
