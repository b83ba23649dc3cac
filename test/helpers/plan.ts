import { installMocks, providerUrn, Registration } from "./pulumiHarness";

/**
 * What `pulumi preview` would show for a change: run a program for the "before" and for the "after" state under
 * preview mocks, then diff the two sets of registrations the way the engine and the Kubernetes provider would.
 *
 * Emulated rules (pulumi engine step generation + pulumi-kubernetes Diff/DiffConfig):
 * - A URN only in "after" is created; a URN only in "before" is deleted. The URN holds the type token, so a change
 *   of apiVersion/kind (a different type) is always a delete plus a create.
 * - Same URN, different provider reference (another provider resource) → replace: the engine never moves a resource
 *   between providers in place.
 * - A `pulumi:providers:kubernetes` whose `kubeconfig` changed → replace (it may now point at another cluster), and
 *   the replacement cascades to every resource that uses it. Other provider input changes → update.
 * - Any other resource with different inputs → update, except a change of `metadata.name` or `metadata.namespace`,
 *   which the Kubernetes provider answers with a replace. For CustomResources everything else is in place.
 * Unknown values (preview Outputs) arrive as undefined and compare equal; the programs under test use known values.
 */

export type Program = () => void | Promise<void>;

export interface Plan {
  create: string[];
  delete: string[];
  /** URN → the input paths that change, e.g. `spec.endpoints[0].address`. */
  update: Record<string, string[]>;
  /** URN → why the engine replaces it. */
  replace: Record<string, string>;
}

const K8S_PROVIDER = "pulumi:providers:kubernetes";
const REPLACE_PATHS = ["metadata.name", "metadata.namespace"];

/** Runs `program` under fresh preview mocks and returns its registrations by URN. */
export async function registrationsOf(program: Program): Promise<Map<string, Registration>> {
  const recorder = await installMocks({ preview: true });
  // Pulumi records a stack trace per promise (debug aid) and per resource (source position); under jest each one is
  // source-mapped, which is most of the run time of a large program. While the program runs: no promise traces and
  // unmapped resource traces (Pulumi raises the limit itself for those).
  const [mapStack, limit] = [Error.prepareStackTrace, Error.stackTraceLimit];
  Error.prepareStackTrace = (error, frames) =>
    [String(error), ...frames.map((f) => `    at ${f.toString()}`)].join("\n");
  Error.stackTraceLimit = 0;
  try {
    await program();
    await recorder.settled();
  } finally {
    [Error.prepareStackTrace, Error.stackTraceLimit] = [mapStack, limit];
  }
  const byUrn = new Map<string, Registration>();
  for (const r of recorder.registrations) {
    if (byUrn.has(r.urn)) throw new Error(`the program registers ${r.urn} twice`);
    byUrn.set(r.urn, r);
  }
  return byUrn;
}

/** The plan for going from the state `before` leaves to the state `after` asks for. */
export async function planOf(before: Program, after: Program): Promise<Plan> {
  return diffRegistrations(await registrationsOf(before), await registrationsOf(after));
}

export function diffRegistrations(before: Map<string, Registration>, after: Map<string, Registration>): Plan {
  const plan: Plan = { create: [], delete: [], update: {}, replace: {} };
  for (const urn of before.keys()) if (!after.has(urn)) plan.delete.push(urn);
  // Providers first: their replacement decides the fate of the resources that use them.
  const ordered = [...after.values()].sort((a, b) => Number(b.type === K8S_PROVIDER) - Number(a.type === K8S_PROVIDER));
  for (const next of ordered) {
    const prev = before.get(next.urn);
    if (!prev) {
      plan.create.push(next.urn);
      continue;
    }
    const paths = changedPaths(prev.inputs, next.inputs);
    const why = replaceReason(prev, next, paths, plan);
    if (why) plan.replace[next.urn] = why;
    else if (paths.length > 0) plan.update[next.urn] = paths;
  }
  plan.create.sort();
  plan.delete.sort();
  return plan;
}

function replaceReason(prev: Registration, next: Registration, paths: string[], plan: Plan): string | undefined {
  const [oldProvider, newProvider] = [prev.provider, next.provider].map((p) => (p ? providerUrn(p) : ""));
  if (oldProvider !== newProvider) return `provider ${oldProvider} → ${newProvider}`;
  if (newProvider && plan.replace[newProvider]) return `its provider is replaced`;
  if (next.type === K8S_PROVIDER) return paths.some((p) => p === "kubeconfig") ? "kubeconfig changed" : undefined;
  const forcing = paths.filter((p) => REPLACE_PATHS.some((r) => p === r || p.startsWith(`${r}.`)));
  return forcing.length > 0 ? `${forcing.join(", ")} changed` : undefined;
}

/** Leaf paths where two input trees differ (arrays by index, as the provider's detailed diff shows them). */
function changedPaths(a: unknown, b: unknown, path = ""): string[] {
  const bothObjects = isTree(a) && isTree(b) && Array.isArray(a) === Array.isArray(b);
  if (!bothObjects) return JSON.stringify(a) === JSON.stringify(b) ? [] : [path];
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].flatMap((k) => {
    const sub = Array.isArray(a)
      ? `${path}[${k}]`
      : /^[A-Za-z_]\w*$/.test(k)
        ? path
          ? `${path}.${k}`
          : k
        : `${path}["${k}"]`;
    return changedPaths((a as any)[k], (b as any)[k], sub);
  });
}

function isTree(v: unknown): v is object {
  return typeof v === "object" && v !== null;
}
