import {
  GlobalService,
  MeshModel,
  ResolvedCluster,
  ResolvedPolicy,
  ResolvedPort,
  ResolvedSource,
  ResolvedTarget,
} from "./model";
import { MeshObject, objectKey } from "./objects";
import { MeshBuild } from "./pipeline";
import { MeshMode } from "./spec";

/**
 * What a change of GlobalNamespace does, explained: in words for access (mtls, defaultDeny, policies) and per service
 * ("moves from cluster2 to cluster1"), then per cluster the objects added, removed and changed, each change down to
 * the field. Pure: two builds in, data out.
 */

/**
 * One leaf where two values differ. Lists are matched by identity, not position: items with a unique `name` by name,
 * other items equal on both sides are unchanged wherever they sit; what is left is paired in order when both sides
 * have as many objects left, else said as added and removed. The index in a path is the item's index after the
 * change (before it, for a removed item).
 */
export interface FieldChange {
  /** e.g. `spec.endpoints[0].address`, or `metadata.labels["globalmesh.io/service"]`. */
  path: string;
  op: "added" | "removed" | "changed";
  before?: unknown;
  after?: unknown;
}

export interface ObjectChange {
  /** The object as it will be. */
  object: MeshObject;
  fields: FieldChange[];
}

export interface ClusterDiff {
  cluster: string;
  /** Set when the cluster enters or leaves the GlobalNamespace. */
  membership?: "joins" | "leaves";
  /** Each list sorted by `Kind/namespace/name`. */
  added: MeshObject[];
  removed: MeshObject[];
  changed: ObjectChange[];
}

export interface ServiceDiff {
  service: string;
  /** The host before the change (after it, for an added service). */
  host: string;
  /** What happens to it, e.g. `moves from cluster2 to cluster1`, `port 8082 → 8083`. */
  changes: string[];
}

export interface MeshDiff {
  /**
   * Changes to the GlobalNamespace itself: its mode (first, in one line), name, domain, clusters joining or leaving,
   * cluster settings, rules.
   */
  mesh: string[];
  /** Set when the mode changes (`tunnel` ↔ `east-west`): every cross-cluster object is replaced by the other wiring's. */
  mode?: { before: MeshMode; after: MeshMode };
  /**
   * Changes to who may call what, in words: mtls, defaultDeny, each access policy added, removed or changed, and the
   * services that become restricted (or open again) as a result.
   */
  access: string[];
  /** Services that change, by name. */
  services: ServiceDiff[];
  /** Clusters whose objects change, by name. */
  clusters: ClusterDiff[];
}

export function diffMeshes(before: MeshBuild, after: MeshBuild): MeshDiff {
  const [a, b] = [before.model.mode, after.model.mode];
  return {
    mesh: meshChanges(before.model, after.model),
    ...(a !== b && { mode: { before: a, after: b } }),
    access: accessChanges(before.model, after.model),
    services: serviceChanges(before.model, after.model),
    clusters: clusterDiffs(before, after),
  };
}

/** How much a diff changes: objects by what happens to them, and the clusters and services touched. */
export interface DiffTotals {
  added: number;
  removed: number;
  changed: number;
  /** Clusters whose objects change (joining and leaving ones included). */
  clusters: number;
  /** Services that change (added, removed, moved, ports, address). */
  services: number;
}

export function diffTotals(d: MeshDiff): DiffTotals {
  const sum = (f: (c: ClusterDiff) => number) => d.clusters.reduce((n, c) => n + f(c), 0);
  return {
    added: sum((c) => c.added.length),
    removed: sum((c) => c.removed.length),
    changed: sum((c) => c.changed.length),
    clusters: d.clusters.length,
    services: d.services.length,
  };
}

export function isEmptyDiff(d: MeshDiff): boolean {
  return (
    d.mode === undefined &&
    d.mesh.length === 0 &&
    d.access.length === 0 &&
    d.services.length === 0 &&
    d.clusters.length === 0
  );
}

export function fieldChanges(before: unknown, after: unknown, path = ""): FieldChange[] {
  if (before === undefined && after === undefined) return [];
  if (before === undefined) return [{ path, op: "added", after }];
  if (after === undefined) return [{ path, op: "removed", before }];
  if (isList(before) && isList(after)) return listChanges(before, after, path);
  if (isRecord(before) && isRecord(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((k) => fieldChanges(before[k], after[k], childPath(path, k)));
  }
  // Leaves, or an array against an object: compared whole.
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [{ path, op: "changed", before, after }];
}

/** Two lists, matched by identity (see FieldChange). */
function listChanges(before: readonly unknown[], after: readonly unknown[], path: string): FieldChange[] {
  const named = (xs: readonly unknown[]) => {
    const names = xs.map((x) => (isRecord(x) && typeof x.name === "string" ? x.name : undefined));
    return names.every((n) => n !== undefined) && new Set(names).size === names.length ? names : undefined;
  };
  const [na, nb] = [named(before), named(after)];
  const out: FieldChange[] = [];
  if (na && nb && (na.length > 0 || nb.length > 0)) {
    nb.forEach((name, j) => {
      const i = na.indexOf(name);
      out.push(
        ...(i === -1 ? [added(after[j], childPath(path, j))] : fieldChanges(before[i], after[j], childPath(path, j))),
      );
    });
    na.forEach((name, i) => {
      if (!nb.includes(name)) out.push(removed(before[i], childPath(path, i)));
    });
    return out;
  }
  // Items equal on both sides are unchanged, wherever they moved (each matched once).
  const key = (x: unknown) => JSON.stringify(x);
  const unmatchedBefore = before.map((_, i) => i);
  const unmatchedAfter: number[] = [];
  after.forEach((x, j) => {
    const at = unmatchedBefore.findIndex((i) => key(before[i]) === key(x));
    if (at === -1) unmatchedAfter.push(j);
    else unmatchedBefore.splice(at, 1);
  });
  const pairable =
    unmatchedBefore.length === unmatchedAfter.length &&
    [...unmatchedBefore.map((i) => before[i]), ...unmatchedAfter.map((j) => after[j])].every(
      (x) => isRecord(x) || isList(x),
    );
  if (pairable)
    return unmatchedAfter.flatMap((j, k) => fieldChanges(before[unmatchedBefore[k]], after[j], childPath(path, j)));
  return [
    ...unmatchedAfter.map((j) => added(after[j], childPath(path, j))),
    ...unmatchedBefore.map((i) => removed(before[i], childPath(path, i))),
  ];
}

function added(after: unknown, path: string): FieldChange {
  return { path, op: "added", after };
}

function removed(before: unknown, path: string): FieldChange {
  return { path, op: "removed", before };
}

function isList(v: unknown): v is readonly unknown[] {
  return Array.isArray(v);
}

/** Any non-array object; its own enumerable keys are its fields. */
function isRecord(v: unknown): v is Readonly<Record<string, unknown>> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function childPath(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`;
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return path ? `${path}.${key}` : key;
  return `${path}[${JSON.stringify(key)}]`;
}

function meshChanges(a: MeshModel, b: MeshModel): string[] {
  const out: string[] = [];
  if (a.mode !== b.mode) out.push(`mode: ${a.mode} → ${b.mode}: ${MODE_SWITCH[b.mode]}`);
  if (a.name !== b.name) out.push(`GlobalNamespace renamed ${a.name} → ${b.name}: every object gets a new name`);
  if (a.domain !== b.domain) out.push(`domain ${a.domain} → ${b.domain}: every global host and its virtual IP change`);
  const names = (m: MeshModel) => m.clusters.map((c) => c.name);
  for (const c of names(b)) if (!names(a).includes(c)) out.push(`cluster ${c} joins`);
  for (const c of names(a)) if (!names(b).includes(c)) out.push(`cluster ${c} leaves`);
  for (const cb of b.clusters) {
    const ca = a.clusters.find((c) => c.name === cb.name);
    if (!ca) continue;
    for (const f of fieldChanges(clusterSettings(ca), clusterSettings(cb)))
      out.push(`cluster ${cb.name}: ${describeField(f)}`);
    for (const ns of cb.namespaces.filter((n) => !ca.namespaces.includes(n)))
      out.push(`cluster ${cb.name}: namespace ${ns} joins (the cluster's objects are exported to it)`);
    for (const ns of ca.namespaces.filter((n) => !cb.namespaces.includes(n)))
      out.push(`cluster ${cb.name}: namespace ${ns} leaves (global names no longer resolve there)`);
  }
  const rule = (r: { cluster: string; namespace: string }) => `{ cluster: ${r.cluster}, namespace: ${r.namespace} }`;
  const rules = (m: MeshModel) => m.members.map(rule);
  for (const r of rules(b)) if (!rules(a).includes(r)) out.push(`rule ${r} added`);
  for (const r of rules(a)) if (!rules(b).includes(r)) out.push(`rule ${r} removed`);
  return out;
}

/**
 * What switching to a mode does, in one line. The two wirings do not meet: a caller of one mode finds no listener of
 * the other at the far end, so the line says to apply every cluster at once.
 */
const MODE_SWITCH: Record<MeshMode, string> = {
  [MeshMode.EAST_WEST]:
    "callers' sidecars open mTLS straight to the service's pods through the owner's east-west gateway (passthrough, routed by SNI); the egress and ingress gateway objects go, each serving cluster gets a passthrough Gateway and every service an ALLOW policy on its pods; calls between a switched and an unswitched cluster fail, so apply every cluster at once",
  [MeshMode.TUNNEL]:
    "calls to other clusters go sidecar → local egress gateway → the owner's ingress gateway → service again; the passthrough Gateways and the pods' ALLOW policies go (unless policies restrict a service), the egress and ingress gateway objects come back; calls between a switched and an unswitched cluster fail, so apply every cluster at once",
};

/** A cluster's settings but its name and namespaces (said as namespaces joining and leaving, not by list index). */
function clusterSettings({
  name: _name,
  namespaces: _namespaces,
  ...settings
}: ResolvedCluster): Omit<ResolvedCluster, "name" | "namespaces"> {
  return settings;
}

/** `ingress.address: "a" → "b"`: one field change in words. */
function describeField(f: FieldChange): string {
  const show = (v: unknown) => JSON.stringify(v);
  if (f.op === "added") return `${f.path} added: ${show(f.after)}`;
  if (f.op === "removed") return `${f.path} removed (was ${show(f.before)})`;
  return `${f.path}: ${show(f.before)} → ${show(f.after)}`;
}

function serviceChanges(a: MeshModel, b: MeshModel): ServiceDiff[] {
  const names = [...new Set([...a.services, ...b.services].map((s) => s.name))].sort();
  const out: ServiceDiff[] = [];
  for (const name of names) {
    const sa = a.services.find((s) => s.name === name);
    const sb = b.services.find((s) => s.name === name);
    const diff = serviceDiff(name, sa, sb, a, b);
    if (diff) out.push(diff);
  }
  return out;
}

/** One service name's change: added, removed, or changed in place; undefined when it stays as it was. */
function serviceDiff(
  name: string,
  sa: GlobalService | undefined,
  sb: GlobalService | undefined,
  a: MeshModel,
  b: MeshModel,
): ServiceDiff | undefined {
  if (!sa) {
    if (!sb) return undefined; // in neither model: nothing to say
    const ports = sb.ports.map(portLabel).join(", ");
    return { service: name, host: sb.host, changes: [`added (runs in ${sb.clusters.join(", ")}; ${ports})`] };
  }
  if (!sb) return { service: name, host: sa.host, changes: [`removed (ran in ${sa.clusters.join(", ")})`] };
  const changes = changesOf(sa, sb, a, b);
  return changes.length > 0 ? { service: name, host: sa.host, changes } : undefined;
}

function changesOf(a: GlobalService, b: GlobalService, ma: MeshModel, mb: MeshModel): string[] {
  const out: string[] = [];
  if (a.host !== b.host) out.push(`renamed to ${b.host}`);
  if (a.namespace !== b.namespace) out.push(`namespace ${a.namespace} → ${b.namespace}`);
  const lost = a.clusters.filter((c) => !b.clusters.includes(c));
  const gained = b.clusters.filter((c) => !a.clusters.includes(c));
  if (lost.length > 0 && gained.length > 0) out.push(`moves from ${lost.join(", ")} to ${gained.join(", ")}`);
  else if (gained.length > 0) out.push(`runs also in ${gained.join(", ")}`);
  else if (lost.length > 0) out.push(`no longer runs in ${lost.join(", ")}`);
  out.push(...portChanges(a.ports, b.ports));
  if (a.address !== b.address) out.push(`VIP ${a.address} → ${b.address}${vipReason(a, b, ma, mb)}`);
  out.push(...callChanges(a.calls, b.calls));
  return out;
}

/** Declared calls (scope.ts): declared or dropped, else the callees added and removed. */
function callChanges(a: string[] | undefined, b: string[] | undefined): string[] {
  const list = (calls: string[]) => (calls.length > 0 ? calls.join(", ") : "none");
  if (!a && b) return [`declares its calls: ${list(b)}`];
  if (a && !b) return ["no longer declares its calls (it may call any service)"];
  if (!a || !b) return [];
  return [
    ...b.filter((c) => !a.includes(c)).map((c) => `calls ${c}`),
    ...a.filter((c) => !b.includes(c)).map((c) => `no longer calls ${c}`),
  ];
}

function portLabel(p: ResolvedPort): string {
  return `${p.number}/${p.protocol}`;
}

function portChanges(a: ResolvedPort[], b: ResolvedPort[]): string[] {
  const gone = a.filter((p) => !b.some((q) => q.number === p.number));
  const came = b.filter((p) => !a.some((q) => q.number === p.number));
  const out: string[] = [];
  if (gone.length === 1 && came.length === 1) {
    const [p, q] = [gone[0], came[0]];
    out.push(p.protocol === q.protocol ? `port ${p.number} → ${q.number}` : `port ${portLabel(p)} → ${portLabel(q)}`);
  } else {
    out.push(...gone.map((p) => `port ${portLabel(p)} removed`), ...came.map((p) => `port ${portLabel(p)} added`));
  }
  for (const p of a) {
    const q = b.find((x) => x.number === p.number);
    if (q && q.protocol !== p.protocol) out.push(`port ${p.number} protocol ${p.protocol} → ${q.protocol}`);
    if (q && q.name !== p.name) out.push(`port ${p.number} renamed ${p.name} → ${q.name}`);
  }
  return out;
}

/** Why a virtual IP moved. Derived addresses depend only on (GlobalNamespace, host), so nothing else may move one. */
function vipReason(a: GlobalService, b: GlobalService, ma: MeshModel, mb: MeshModel): string {
  if (b.pinned) return " (pinned)";
  if (a.pinned) return " (pin removed)";
  if (a.host !== b.host) return " (new host)";
  if (ma.name !== mb.name) return " (GlobalNamespace renamed)";
  return "";
}

function clusterDiffs(before: MeshBuild, after: MeshBuild): ClusterDiff[] {
  const [a, b] = [before.compiled.objects, after.compiled.objects];
  const clusters = [...new Set([...a.keys(), ...b.keys()])].sort();
  const out: ClusterDiff[] = [];
  for (const cluster of clusters) {
    const oldObjects = byKey(a.get(cluster) ?? []);
    const newObjects = byKey(b.get(cluster) ?? []);
    const diff: ClusterDiff = {
      cluster,
      ...(!a.has(cluster) && { membership: "joins" as const }),
      ...(!b.has(cluster) && { membership: "leaves" as const }),
      added: [...newObjects].filter(([k]) => !oldObjects.has(k)).map(([, o]) => o),
      removed: [...oldObjects].filter(([k]) => !newObjects.has(k)).map(([, o]) => o),
      changed: [],
    };
    for (const [k, o] of newObjects) {
      const old = oldObjects.get(k);
      const fields = old ? fieldChanges(old, o) : [];
      if (fields.length > 0) diff.changed.push({ object: o, fields });
    }
    if (diff.membership || diff.added.length + diff.removed.length + diff.changed.length > 0) out.push(diff);
  }
  return out;
}

/** Objects by `Kind/namespace/name`, sorted: the identity an object keeps across changes. */
function byKey(objects: MeshObject[]): Map<string, MeshObject> {
  return new Map(objects.map((o) => [objectKey(o), o] as const).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
}

// Access: mtls, defaultDeny and the access policies, in words.

function accessChanges(a: MeshModel, b: MeshModel): string[] {
  const out: string[] = [];
  if (a.mtls !== b.mtls)
    out.push(
      b.mtls === "STRICT"
        ? `mtls changed ${a.mtls} → STRICT: mapped namespaces accept mTLS only (a PeerAuthentication in each); plain-text callers are refused`
        : `mtls changed ${a.mtls} → ${b.mtls}: mapped namespaces accept plain text again`,
    );
  if (a.defaultDeny !== b.defaultDeny)
    out.push(
      b.defaultDeny
        ? "defaultDeny turned on: only paths an ALLOW policy opens stay open"
        : "defaultDeny turned off: every member namespace reaches every service no ALLOW policy restricts",
    );
  const names = [...new Set([...a.policies, ...b.policies].map((p) => p.name))].sort();
  for (const name of names) {
    const pa = a.policies.find((p) => p.name === name);
    const pb = b.policies.find((p) => p.name === name);
    if (!pa && pb) out.push(`policy ${name} added: ${describePolicy(pb, b)}`);
    else if (pa && !pb) out.push(`policy ${name} removed (was ${describePolicy(pa, a)})`);
    else if (pa && pb) out.push(...policyChanges(pa, pb, a, b));
  }
  // With defaultDeny unchanged, say which services an ALLOW policy now restricts, or no longer does.
  if (a.defaultDeny === b.defaultDeny && !b.defaultDeny) {
    for (const s of b.services) {
      if (!a.services.some((x) => x.name === s.name)) continue;
      const [before, after] = [restricted(a, s.name), restricted(b, s.name)];
      if (!before && after)
        out.push(
          `${s.name} is now restricted: only the callers its ALLOW policies name reach it (until now: every member namespace)`,
        );
      else if (before && !after)
        out.push(`${s.name} is open again: no ALLOW policy names it, so every member namespace reaches it`);
    }
  }
  return out;
}

/** Does an ALLOW policy (or defaultDeny) restrict the service to the callers ALLOW policies name? */
function restricted(m: MeshModel, service: string): boolean {
  return m.defaultDeny || m.policies.some((p) => p.action === "ALLOW" && p.to.some((t) => t.service === service));
}

/**
 * `ALLOW default/shopping (all clusters) → catalog ports 8082 GET /products*`: action, callers, requests. A source
 * reads `<namespace>` (every account of it) or `<namespace>/<account>`, then the clusters it applies in.
 */
export function describePolicy(p: ResolvedPolicy, m: MeshModel): string {
  const from = p.from.map((s) => describeSource(s, m)).join(", ") || "no caller";
  const to = p.to.map(describeTarget).join("; ") || "no service";
  return `${p.action} ${from} → ${to}`;
}

function sourceWho(s: ResolvedSource): string {
  return s.serviceAccounts ? s.serviceAccounts.map((a) => `${s.namespace}/${a}`).join(", ") : s.namespace;
}

/**
 * The clusters a source applies in: "all clusters" only when it applies in every member cluster. A source the spec
 * narrowed (`cluster: c1`), or whose namespace only some member clusters map, names its clusters.
 */
function sourceWhere(s: ResolvedSource, m: MeshModel): string {
  return m.clusters.every((c) => s.clusters.includes(c.name)) ? "all clusters" : s.clusters.join(", ");
}

function describeSource(s: ResolvedSource, m: MeshModel): string {
  return `${sourceWho(s)} (${sourceWhere(s, m)})`;
}

function describeTarget(t: ResolvedTarget): string {
  return [t.service, ...describeOperation(t)].join(" ");
}

/** `ports 8082 GET,POST /products*`; empty for the whole service. */
function describeOperation(t: ResolvedTarget): string[] {
  return [
    ...(t.portsNamed ? [`port${t.ports.length === 1 ? "" : "s"} ${t.ports.join(",")}`] : []),
    ...(t.methods?.length ? [t.methods.join(",")] : []),
    ...(t.paths?.length ? [t.paths.join(",")] : []),
  ];
}

/** A policy kept by name: what changed in its action, its callers and its requests. */
function policyChanges(pa: ResolvedPolicy, pb: ResolvedPolicy, a: MeshModel, b: MeshModel): string[] {
  const at = `policy ${pb.name}`;
  return [
    ...(pa.action !== pb.action ? [`${at}: ${pa.action} → ${pb.action}`] : []),
    ...pairedChanges(pa.from, pb.from, {
      key: sourceWho,
      describe: (s, m) => describeSource(s, m),
      added: (d) => `${at}: caller ${d} added`,
      removed: (d) => `${at}: caller ${d} removed`,
      changed: (sa, sb) =>
        sourceWhere(sa, a) === sourceWhere(sb, b)
          ? undefined
          : `${at}: caller ${sourceWho(sb)} now in ${sourceWhere(sb, b)} (was ${sourceWhere(sa, a)})`,
      models: [a, b],
    }),
    ...pairedChanges(pa.to, pb.to, {
      key: (t) => t.service,
      describe: (t) => describeTarget(t),
      added: (d) => `${at}: target ${d} added`,
      removed: (d) => `${at}: target ${d} removed`,
      changed: (ta, tb) => {
        const [oa, ob] = [describeOperation(ta).join(" "), describeOperation(tb).join(" ")];
        return oa === ob ? undefined : `${at}: on ${tb.service}, ${oa || "every request"} → ${ob || "every request"}`;
      },
      models: [a, b],
    }),
  ];
}

interface Pairing<T> {
  key: (x: T) => string;
  describe: (x: T, m: MeshModel) => string;
  added: (description: string) => string;
  removed: (description: string) => string;
  /** What changed between two entries of the same key; undefined when nothing did. */
  changed: (before: T, after: T) => string | undefined;
  models: [MeshModel, MeshModel];
}

/**
 * Entries of a policy's list, before and after: paired by key when each key appears once on both sides (a change
 * in place), else compared whole (added and removed).
 */
function pairedChanges<T>(before: readonly T[], after: readonly T[], p: Pairing<T>): string[] {
  const [ma, mb] = p.models;
  const unique = (xs: readonly T[]) => new Set(xs.map(p.key)).size === xs.length;
  if (!unique(before) || !unique(after)) {
    const da = before.map((x) => p.describe(x, ma));
    const db = after.map((x) => p.describe(x, mb));
    return [...db.filter((d) => !da.includes(d)).map(p.added), ...da.filter((d) => !db.includes(d)).map(p.removed)];
  }
  const out: string[] = [];
  for (const xb of after) {
    const xa = before.find((x) => p.key(x) === p.key(xb));
    const change = xa ? p.changed(xa, xb) : p.added(p.describe(xb, mb));
    if (change) out.push(change);
  }
  for (const xa of before) if (!after.some((x) => p.key(x) === p.key(xa))) out.push(p.removed(p.describe(xa, ma)));
  return out;
}
