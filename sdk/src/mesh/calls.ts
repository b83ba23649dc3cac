import { ClusterManifests } from "./discover";
import { printable } from "./errors";
import { isPlainObject, Plain } from "./fields";
import { isMapped } from "./membership";
import { MeshModel } from "./model";

/** A call the manifests show: a workload whose env names a global host (or `host:port`) of a service. */
export interface ManifestCall {
  cluster: string;
  namespace: string;
  /** `Deployment/shopping` */
  workload: string;
  service: string;
  /** The env var and its value, e.g. `CATALOG_HOST=catalog.acme.example.com`. */
  evidence: string;
}

/** Kinds whose pod template may name a global host. */
const WORKLOAD_KINDS = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob"];

/**
 * The calls workloads of mapped namespaces make, as their manifests show them: each (cluster, namespace, workload,
 * service) once. `globalmesh graph` draws them; declared namespaces add them to their calls (scope.ts).
 */
export function callsInManifests<A>(model: MeshModel<A>, manifests: readonly ClusterManifests[]): ManifestCall[] {
  const targets = new Map<string, string>();
  for (const s of model.services) {
    targets.set(s.host, s.name);
    for (const p of s.ports) targets.set(`${s.host}:${p.number}`, s.name);
  }
  const out: ManifestCall[] = [];
  const seen = new Set<string>();
  for (const m of manifests) {
    for (const obj of m.objects) {
      if (!isPlainObject(obj) || !isWorkloadKind(obj.kind) || !isPlainObject(obj.metadata)) continue;
      const namespace =
        typeof obj.metadata.namespace === "string" ? obj.metadata.namespace : (m.defaultNamespace ?? "default");
      if (!isMapped(model.members, m.cluster, namespace)) continue;
      // Names and values from manifests reach terminals, SVG and Mermaid: no control characters.
      const workload = printable(`${obj.kind}/${String(obj.metadata.name)}`);
      for (const { name, value } of envVars(obj)) {
        for (const service of new Set(hostsIn(value).flatMap((h) => targets.get(h) ?? []))) {
          const key = `${m.cluster}/${namespace}/${workload}/${service}`;
          if (seen.has(key)) continue;
          seen.add(key);
          out.push({
            cluster: m.cluster,
            namespace: printable(namespace),
            workload,
            service,
            evidence: printable(`${name}=${shortValue(value)}`),
          });
        }
      }
    }
  }
  return out;
}

/**
 * The `host` and `host:port` an env value names: the value itself, or each URL or address in it
 * (`http://catalog.acme.example.com:8082/x`, `mongodb://a.example.com:27017,b.example.com:27017/db`,
 * `catalog.acme.example.com:8082/path`), lowercased.
 */
export function hostsIn(value: string): string[] {
  const out: string[] = [];
  for (const token of value.split(/[\s;]+/)) {
    // scheme://[user@]hosts[/path][?query]: the hosts part may list several, comma-separated.
    const rest = token.replace(/^[a-z][a-z0-9+.-]*:\/\//i, "");
    const authority = rest.split(/[/?#]/)[0].replace(/^[^@]*@/, "");
    for (const address of authority.split(",")) {
      const hostPort = address.toLowerCase().replace(/\.(?=:\d+$)|\.$/, "");
      // With a port, only `host:port` (a call to another port is no call to the service); without, the host.
      if (hostPort) out.push(hostPort);
    }
  }
  return [...new Set(out)];
}

/** An env value as evidence: at most 120 characters. */
function shortValue(value: string): string {
  return value.length <= 120 ? value : `${value.slice(0, 117)}...`;
}

/** One of WORKLOAD_KINDS; a manifest's `kind` may be anything, or missing. */
export function isWorkloadKind(kind: unknown): kind is string {
  return typeof kind === "string" && WORKLOAD_KINDS.includes(kind);
}

/** A workload's pod template (CronJob: its job template's). */
function podTemplate(workload: Plain): unknown {
  const spec = get(workload, "spec");
  return get(spec, "jobTemplate") ? get(get(get(spec, "jobTemplate"), "spec"), "template") : get(spec, "template");
}

/** The string labels of a workload's pods. */
export function podLabels(workload: Plain): Record<string, string> {
  const labels = get(get(podTemplate(workload), "metadata"), "labels");
  return isPlainObject(labels)
    ? Object.fromEntries(Object.entries(labels).filter((e): e is [string, string] => typeof e[1] === "string"))
    : {};
}

/** Literal env values of every container of a workload's pod template (CronJob: its job template's). */
function envVars(workload: Plain): { name: string; value: string }[] {
  const pod = get(podTemplate(workload), "spec");
  const containers = [...asArray(get(pod, "initContainers")), ...asArray(get(pod, "containers"))];
  return containers.flatMap((c) =>
    asArray(get(c, "env")).flatMap((e) =>
      isPlainObject(e) && typeof e.name === "string" && typeof e.value === "string"
        ? [{ name: e.name, value: e.value }]
        : [],
    ),
  );
}

function get(v: unknown, key: string): unknown {
  return isPlainObject(v) ? v[key] : undefined;
}

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
