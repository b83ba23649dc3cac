import { EAST_WEST_PORT, isRestricted, MeshBuild, MeshMode, MeshModel } from "../mesh";

/**
 * The short report `render` and `check` print: objects per cluster (and the file each went to, when written), global
 * hosts and their virtual IPs, and what discovery left out (Services, and ports of Services that join).
 */
export function summarize(build: MeshBuild, written?: Map<string, string>, counts?: ObjectCounts): string {
  const { model, discovery } = build;
  const objects = objectCounts(build, counts);
  const lines = [
    `GlobalNamespace ${model.name} (*.${model.domain}): ${plural(model.services.length, "service")} in ${plural(model.clusters.length, "cluster")}`,
    `Mode: ${modeLine(model)}`,
    "",
    "Objects per cluster:",
  ];
  for (const [cluster, n] of objects) {
    lines.push(
      `  ${cluster.padEnd(width(objects.keys()))}  ${String(n).padStart(4)} objects${written ? `  → ${written.get(cluster)}` : ""}`,
    );
  }
  lines.push("", "Global hosts:");
  const hostWidth = width(model.services.map((s) => s.host));
  for (const s of model.services) {
    const ports = s.ports.map((p) => `${p.number}/${p.protocol}`).join(",");
    lines.push(
      `  ${s.host.padEnd(hostWidth)}  ${s.address.padEnd(15)}${s.pinned ? " (pinned)" : ""}  ${ports.padEnd(12)}  runs in ${s.clusters.join(", ")}`,
    );
  }
  lines.push("", "Access:", ...accessLines(build));
  if (discovery.skipped.length > 0) {
    lines.push(
      "",
      discovery.skipped.some((s) => s.port !== undefined) ? "Skipped Services and ports:" : "Skipped Services:",
    );
    for (const s of discovery.skipped) lines.push(`  ${s.cluster}: ${s.service}: ${s.reason}`);
  }
  return lines.join("\n") + "\n";
}

/** Objects per cluster of one build, as render counted them while writing (so nothing is compiled twice). */
export type ObjectCounts = ReadonlyMap<string, number>;

/** The counts given, else the compiled objects' (every cluster of the model, in its order). */
function objectCounts(build: MeshBuild, counts?: ObjectCounts): ObjectCounts {
  return counts ?? new Map(build.model.clusters.map((c) => [c.name, build.compiled.objects.get(c.name)?.length ?? 0]));
}

/** The mode and the path it gives a call to another cluster. */
function modeLine(model: MeshModel): string {
  if (model.mode !== MeshMode.EAST_WEST)
    return `${model.mode} (sidecar → local egress gateway → the owner's ingress gateway → service)`;
  const ports = [...new Set(model.clusters.flatMap((c) => (c.ingress ? [c.ingress.port] : [])))].sort((a, b) => a - b);
  const port = ports.length > 0 ? ports.join(", ") : String(EAST_WEST_PORT);
  return `${model.mode} (sidecar → the owner's east-west gateway, passthrough on ${port} → the service's sidecar: one mTLS session end to end)`;
}

/** Who may call: the member namespaces per cluster, mTLS, and what the policies restrict (docs/security.md). */
function accessLines({ model }: MeshBuild): string[] {
  const clusterWidth = width(model.clusters.map((c) => c.name));
  const restricted = model.services.filter((s) => isRestricted(model, s)).map((s) => s.name);
  const denies = model.policies.filter((p) => p.action === "DENY").length;
  return [
    ...model.clusters.map(
      (c) => `  ${c.name.padEnd(clusterWidth)}  member namespaces: ${c.namespaces.join(", ") || "(none)"}`,
    ),
    `  mTLS: ${model.mtls === "STRICT" ? "STRICT in every member namespace" : "PERMISSIVE (no PeerAuthentication written)"}`,
    ...(model.mode === MeshMode.EAST_WEST
      ? ["  checked at: each service's pods (an ALLOW policy naming the member namespaces, or its policies' callers)"]
      : []),
    `  policies: ${model.policies.length === 1 ? "1 policy" : `${model.policies.length} policies`}${denies ? ` (${denies} DENY)` : ""}; ${
      restricted.length === 0
        ? "every member namespace may call every service"
        : model.defaultDeny
          ? "defaultDeny: only what ALLOW policies open"
          : `restricted to their ALLOW policies: ${restricted.join(", ")}`
    }`,
  ];
}

function plural(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? "" : "s"}`;
}

function width(values: Iterable<string>): number {
  return Math.max(0, ...[...values].map((v) => v.length));
}

/** One GlobalNamespace of a `CheckResult` or `RenderResult` (docs/cli-json.md): the summary as data. */
export interface SummaryData {
  name: string;
  domain: string;
  /** `tunnel` or `east-west`. */
  mode: string;
  clusters: { name: string; objects: number; file?: string; memberNamespaces: string[] }[];
  services: {
    name: string;
    namespace: string;
    host: string;
    address: string;
    pinned: boolean;
    ports: { number: number; name: string; protocol: string }[];
    clusters: string[];
  }[];
  access: { mtls: string; policies: number; defaultDeny: boolean; restricted: string[] };
  skipped: { cluster: string; service: string; port?: number; reason: string }[];
  warnings: string[];
}

/** The summary's content as data, for `-o json`. */
export function summaryData(build: MeshBuild, written?: Map<string, string>, counts?: ObjectCounts): SummaryData {
  const { model, discovery } = build;
  const objects = objectCounts(build, counts);
  return {
    name: model.name,
    domain: model.domain,
    mode: model.mode,
    clusters: model.clusters.map((c) => ({
      name: c.name,
      objects: objects.get(c.name) ?? 0,
      ...(written?.has(c.name) && { file: written.get(c.name) }),
      memberNamespaces: c.namespaces,
    })),
    services: model.services.map((s) => ({
      name: s.name,
      namespace: s.namespace,
      host: s.host,
      address: s.address,
      pinned: s.pinned,
      ports: s.ports.map((p) => ({ number: p.number, name: p.name, protocol: p.protocol })),
      clusters: s.clusters,
    })),
    access: {
      mtls: model.mtls,
      policies: model.policies.length,
      defaultDeny: Boolean(model.defaultDeny),
      restricted: model.services.filter((s) => isRestricted(model, s)).map((s) => s.name),
    },
    skipped: discovery.skipped.map((s) => ({
      cluster: s.cluster,
      service: s.service,
      ...(s.port !== undefined && { port: s.port }),
      reason: s.reason,
    })),
    warnings: warningsOf(build),
  };
}

/** Warnings of a build (a spec value overriding a discovered one, say): `MeshBuild.warnings`, when the core has it. */
export function warningsOf(build: MeshBuild): string[] {
  const w = (build as { warnings?: unknown }).warnings;
  return Array.isArray(w) ? w.map(String) : [];
}
