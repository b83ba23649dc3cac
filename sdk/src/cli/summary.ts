import { MeshBuild } from "../mesh";

/**
 * The short report `render` and `check` print: objects per cluster (and the file each went to, when written), global
 * hosts and their virtual IPs, and what discovery left out (Services, and ports of Services that join).
 */
export function summarize(build: MeshBuild, written?: Map<string, string>): string {
  const { model, compiled, discovery } = build;
  const lines = [
    `GlobalNamespace ${model.name} (*.${model.domain}): ${plural(model.services.length, "service")} in ${plural(model.clusters.length, "cluster")}`,
    "",
    "Objects per cluster:",
  ];
  for (const [cluster, objects] of compiled.objects) {
    lines.push(
      `  ${cluster.padEnd(width(compiled.objects.keys()))}  ${String(objects.length).padStart(4)} objects${written ? `  → ${written.get(cluster)}` : ""}`,
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
  if (discovery.skipped.length > 0) {
    lines.push(
      "",
      discovery.skipped.some((s) => s.port !== undefined) ? "Skipped Services and ports:" : "Skipped Services:",
    );
    for (const s of discovery.skipped) lines.push(`  ${s.cluster}: ${s.service}: ${s.reason}`);
  }
  return lines.join("\n") + "\n";
}

function plural(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? "" : "s"}`;
}

function width(values: Iterable<string>): number {
  return Math.max(0, ...[...values].map((v) => v.length));
}
