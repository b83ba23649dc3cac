/**
 * Which cluster to apply first, for a change. A cluster that now serves a host through its ingress (a new Gateway, or
 * one with a host more: in east-west mode the passthrough Gateway on the east-west gateway gains a namespace) goes
 * first: the other clusters' new routes lead there, and must find it listening. A cluster that stops serving (a
 * Gateway gone or a host fewer, or the cluster left the GlobalNamespace) goes last: the clusters that routed to it
 * must have moved away first. Every other changed cluster goes in between. Relative to what was applied before: the files already in
 * `--out`, or the objects of `--previous <spec>` (built with the same manifests as the new spec: a move made in the
 * manifests shows only against the files in `--out`, which render then uses).
 */

/** Objects as parsed YAML: kind, metadata.namespace, metadata.name are what is compared. */
type Objects = ReadonlyMap<string, readonly unknown[]>;

export interface ApplyOrder {
  /** What the order is relative to. */
  basis: "out" | "previous" | "none";
  first: string[];
  then: string[];
  last: string[];
  unchanged: string[];
}

function keyed(objects: readonly unknown[]): Map<string, { json: string; object: unknown }> {
  const out = new Map<string, { json: string; object: unknown }>();
  for (const o of objects) {
    const x = o as { kind?: unknown; metadata?: { namespace?: unknown; name?: unknown } } | null;
    if (!x || typeof x.kind !== "string") continue;
    const key = `${x.kind}/${String(x.metadata?.namespace ?? "")}/${String(x.metadata?.name ?? "")}`;
    out.set(key, { json: JSON.stringify(o), object: o });
  }
  return out;
}

/**
 * Does this object make its cluster serve a host to the others? Default: a Gateway on the ingress gateway's pods
 * (selector `istio: ingressgateway`); render passes each cluster's own selectors: the ingress gateway's, and in
 * east-west mode the east-west gateway's.
 */
export type Serves = (cluster: string, object: unknown) => boolean;

type Selector = Readonly<Record<string, string>>;

export const servesByIngressSelector =
  (selectors: ReadonlyMap<string, Selector | readonly Selector[]>): Serves =>
  (cluster, object) => {
    const o = object as { kind?: unknown; spec?: { selector?: Record<string, unknown> } } | null;
    if (o?.kind !== "Gateway") return false;
    const given = selectors.get(cluster) ?? { istio: "ingressgateway" };
    const have = o.spec?.selector ?? {};
    return (Array.isArray(given) ? given : [given]).some(
      (want: Selector) => Object.keys(want).length > 0 && Object.entries(want).every(([k, v]) => have[k] === v),
    );
  };

/** The server hosts of a Gateway (as parsed YAML). */
function gatewayHosts(object: unknown): Set<string> {
  const servers = (object as { spec?: { servers?: unknown } } | null)?.spec?.servers;
  const hosts = (Array.isArray(servers) ? servers : []).flatMap((s: { hosts?: unknown } | null) =>
    Array.isArray(s?.hosts) ? s.hosts.map(String) : [],
  );
  return new Set(hosts);
}

export function applyOrder(
  before: Objects | undefined,
  after: Objects,
  basis: "out" | "previous",
  serves: Serves = servesByIngressSelector(new Map()),
): ApplyOrder {
  if (!before) return orderOf(new Map(), "none");
  const clusters = [...new Set([...before.keys(), ...after.keys()])].sort();
  return orderOf(new Map(clusters.map((c) => [c, placement(c, before.get(c) ?? [], after.get(c), serves)])), basis);
}

/** Where a cluster's change goes in the apply order. */
export type Placement = "first" | "then" | "last" | "unchanged";

/**
 * A cluster's place, from its objects before and now (`now` undefined: no longer rendered). Objects the same in both
 * may be left out of both: only what differs decides (render compares the texts first and parses only the rest).
 */
export function placement(
  cluster: string,
  before: readonly unknown[],
  now: readonly unknown[] | undefined,
  serves: Serves,
): Placement {
  const old = keyed(before);
  const after = keyed(now ?? []);
  const added = [...after.keys()].filter((k) => !old.has(k));
  const removed = [...old.keys()].filter((k) => !after.has(k));
  const changed = [...after.keys()].filter((k) => old.has(k) && old.get(k)?.json !== after.get(k)?.json);
  // A serving Gateway changed in place: hosts it gains are served now, hosts it loses are no longer.
  const resized = changed
    .filter((k) => serves(cluster, old.get(k)?.object) && serves(cluster, after.get(k)?.object))
    .map((k) => [gatewayHosts(old.get(k)?.object), gatewayHosts(after.get(k)?.object)] as const);
  const startsServing =
    added.some((k) => serves(cluster, after.get(k)?.object)) || resized.some(([a, b]) => [...b].some((h) => !a.has(h)));
  const stopsServing =
    removed.some((k) => serves(cluster, old.get(k)?.object)) || resized.some(([a, b]) => [...a].some((h) => !b.has(h)));
  if (!now || (stopsServing && !startsServing)) return "last";
  if (startsServing) return "first";
  return added.length + removed.length + changed.length > 0 ? "then" : "unchanged";
}

/** The order from each cluster's place (clusters in name order). */
export function orderOf(places: ReadonlyMap<string, Placement>, basis: ApplyOrder["basis"]): ApplyOrder {
  const order: ApplyOrder = { basis, first: [], then: [], last: [], unchanged: [] };
  for (const cluster of [...places.keys()].sort()) order[places.get(cluster) ?? "unchanged"].push(cluster);
  return order;
}

/** Clusters whose order changes: what is not `unchanged`. */
export function changedClusters(o: ApplyOrder): number {
  return o.first.length + o.then.length + o.last.length;
}

/** What the summary's sentence also says, beyond the order itself. */
export interface ApplyOrderNotes {
  /** Clusters no longer rendered whose file stays in `--out` (no `--prune`): a GitOps controller still applies it. */
  staleFiles?: ReadonlySet<string>;
  /**
   * `--previous` saw no change (it builds the old spec with the same manifests as the new one, so a move made in the
   * manifests is invisible to it): `"out"`, the order is from the files already in `--out`; `"same"`, they show no
   * change either; `"none"`, there are no such files.
   */
  previousSawNothing?: "out" | "same" | "none";
}

const PREVIOUS_SAME_MANIFESTS = "--previous compares the specs with the same manifests";

/** One sentence for the summary. */
export function applyOrderText(o: ApplyOrder, out: string, notes: ApplyOrderNotes = {}): string {
  if (o.basis === "none")
    return `Apply order: any (no earlier rendering in ${out}; give --previous <old-gns.yaml> to order a change)`;
  if (changedClusters(o) === 0) {
    if (notes.previousSawNothing === "same")
      return `Apply order: nothing changed since --previous, nor since the files in ${out}`;
    if (notes.previousSawNothing === "none")
      return `Apply order: nothing changed since --previous (${PREVIOUS_SAME_MANIFESTS}: a move made in the manifests is ordered from the files already in ${out}, and there are none)`;
    return `Apply order: nothing changed since ${o.basis === "out" ? `the files in ${out}` : "--previous"}`;
  }
  const staying = o.last.filter((c) => notes.staleFiles?.has(c));
  const stopping = o.last.filter((c) => !staying.includes(c));
  const steps: string[] = [];
  if (o.first.length > 0) steps.push(`${o.first.join(", ")} first (it now serves hosts other clusters will route to)`);
  if (o.then.length > 0) steps.push(o.then.join(", "));
  if (stopping.length > 0)
    steps.push(
      `${stopping.join(", ")} last (it stops serving hosts other clusters routed to: apply once they have moved away)`,
    );
  if (staying.length > 0)
    steps.push(
      `delete ${staying.map((c) => `${c}'s`).join(" and ")} objects last (render with --prune to remove ${staying.length === 1 ? "its file" : "their files"})`,
    );
  const from =
    notes.previousSawNothing === "out"
      ? ` (ordered from the files already in ${out}: ${PREVIOUS_SAME_MANIFESTS}, and a move made in the manifests shows only there)`
      : "";
  return `Apply order: ${steps.join(", then ")}${from}`;
}
