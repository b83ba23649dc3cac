import type { BenchResults } from "./run";
import type { Measured } from "./registration";

/** The bench's results as Markdown tables (what the README's "Scale" section shows). */
export function formatTables(r: BenchResults): string {
  const lines: string[] = [];
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(" / ");
  lines.push(
    `Machine: ${r.machine.cpus} × ${r.machine.model}, Node ${r.machine.node}; load average (1/5/15 min) ` +
      `${load(r.machine.loadavgStart)} at start, ${load(r.machine.loadavgEnd)} at end; ${r.totalSeconds} s in all.`,
    "",
  );
  if (r.meshes.length > 0) {
    lines.push(
      "| clusters × services | objects | compile | emit | µs/object | objects/cluster (median, max) | KB/cluster (median) | hosts/sidecar | with calls: objects, objects/cluster (max), hosts/sidecar (max) |",
      "|---|---|---|---|---|---|---|---|---|",
    );
    for (const m of r.meshes) {
      const c = m.withCalls;
      const calls =
        c === undefined
          ? "–"
          : "error" in c
            ? `refused: ${c.error.slice(0, 60)}`
            : `${int(c.objects)}, ${int(c.objectsPerCluster.max)}, ${num(c.hostsPerSidecar.max)}`;
      lines.push(
        `| ${m.size.clusters} × ${m.size.services} | ${int(m.objects)} | ${ms(m.compileMs)} | ${ms(m.emitMs)} | ${m.usPerObject} | ${int(m.objectsPerCluster.median)}, ${int(m.objectsPerCluster.max)} | ${int(m.bytesPerCluster.median / 1024)} | ${num(m.hostsPerSidecar.max)} | ${calls} |`,
      );
    }
    lines.push("");
  }
  if (r.processes.length > 0) {
    lines.push(
      "| `globalmesh render` clusters × services | threads | wall (median) | CPU | peak memory | render again into the same --out | written | one thread: wall, CPU, peak |",
      "|---|---|---|---|---|---|---|---|",
    );
    for (const p of r.processes)
      lines.push(
        `| ${p.size.clusters} × ${p.size.services} | ${p.threads} | ${ms(p.wallMs)} | ${ms(p.cpuMs)} | ${int(p.peakMb)} MB | ${ms(p.rerenderMs)} | ${(p.bytes / 2 ** 20).toFixed(1)} MB | ${p.oneThread ? `${ms(p.oneThread.wallMs)}, ${ms(p.oneThread.cpuMs)}, ${int(p.oneThread.peakMb)} MB` : ""} |`,
      );
    lines.push("");
  }
  if (r.doubleServices)
    lines.push(
      `2× services (50 × 500 → 50 × 1000): render process ${r.doubleServices.processWall}× wall, ${r.doubleServices.processCpu}× CPU; compile + emit ${r.doubleServices.compileAndEmit}×.`,
      "",
    );
  if (r.registration.length > 0) {
    lines.push(
      "| component under setMocks: clusters × services | objects | floor (bare CustomResources) | GlobalNamespace | ratio (CPU; wall) | with declared calls |",
      "|---|---|---|---|---|---|",
    );
    for (const g of r.registration)
      lines.push(
        `| ${g.size.clusters} × ${g.size.services} | ${int(g.objects)} | ${measured(g.floor)} | ${measured(g.component)} | ${g.ratio}; ${g.wallRatio} | ${g.withCalls ? `${measured(g.withCalls)}, ${int(g.withCalls.objects)} objects` : "–"} |`,
      );
    lines.push("");
  }
  if (r.emitters) {
    const e = r.emitters;
    lines.push(
      `Emitters on ${int(e.objects)} objects, µs per object: yaml package ${e.usPerObject.yaml}, js-yaml ${e.usPerObject.jsYaml}, js-yaml remembering what recurs ${e.usPerObject.remembered} (render's), JSON.stringify ${e.usPerObject.json}; byte-identical: ${int(e.identical)} of ${int(e.objects)}.`,
      "",
    );
  }
  if (r.largest)
    for (const [name, l] of Object.entries(r.largest))
      lines.push(
        `Largest component mesh ${name}: ${l.largest ? `${l.largest.size.clusters} × ${l.largest.size.services} (${int(l.largest.objects)} objects, ${ms(l.largest.ms)})` : "none"}${l.failed ? `; ${l.failed.size.clusters} × ${l.failed.size.services} failed: ${l.failed.error}` : ""}.`,
      );
  return lines.join("\n") + "\n";
}

function int(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

function num(n: number): string {
  return Number.isFinite(n) ? String(Math.round(n * 10) / 10) : "–";
}

function ms(n: number): string {
  return n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${Math.round(n)} ms`;
}

function measured(m: Measured): string {
  return "error" in m ? m.error : `${ms(m.ms)} (CPU ${ms(m.cpuMs)}, ${int(m.peakMb)} MB)`;
}
