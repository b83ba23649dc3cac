import { checkServiceName } from "./checks";
import { IssueList } from "./errors";
import { isPlainObject, Plain } from "./fields";
import { isMapped } from "./membership";
import { isPortProtocol, protocolFromName } from "./ports";
import { MemberRule, PortSpec } from "./spec";

/**
 * Service discovery from Kubernetes manifests, as TSM does it: every `Service` in a namespace that a mapping rule
 * selects joins the GlobalNamespace. The same Service name in the same namespace of several clusters is one global
 * service running in all of them.
 */

/** The objects of one cluster's manifests. `source` names where they came from, for messages. */
export interface ClusterManifests {
  cluster: string;
  source: string;
  objects: unknown[];
  /** Namespace of objects that name none (what `kubectl apply -n` would use). Default `default`. */
  defaultNamespace?: string;
}

export interface DiscoveredService {
  name: string;
  namespace: string;
  clusters: string[];
  /** `targetPort` set when the Service's is a number, or a name a selected workload's container port resolves. */
  ports: PortSpec[];
  /** The Service's `selector`. */
  selector?: Record<string, string>;
  /** Per cluster, the service accounts of the workloads the selector picks (`default` when a pod names none), sorted. */
  serviceAccounts: Record<string, string[]>;
  /** Service ports whose named `targetPort` no workload in the manifests resolves: port number → the name. */
  unresolvedTargetPorts?: Record<number, string>;
  /** Where it was found, e.g. `cluster2: manifests/cluster2.yaml Service default/catalog`. */
  origin: string;
}

/** A Service that a rule selects but that cannot take part, and why. */
export interface SkippedService {
  cluster: string;
  service: string;
  reason: string;
}

export interface Discovery {
  services: DiscoveredService[];
  skipped: SkippedService[];
  /** Per cluster, the mapped namespaces its manifests show (objects' namespaces and Namespace objects), sorted. */
  namespaces: Record<string, string[]>;
}

export function discoverServices(rules: readonly MemberRule[], manifests: readonly ClusterManifests[]): Discovery {
  const issues = new IssueList();
  const byName = new Map<string, DiscoveredService>();
  const skipped: SkippedService[] = [];
  for (const m of manifests) {
    for (const obj of m.objects) {
      if (!isService(obj)) continue;
      const meta = obj.metadata;
      const name = meta.name as string;
      const namespace = typeof meta.namespace === "string" ? meta.namespace : (m.defaultNamespace ?? "default");
      if (!isMapped(rules, m.cluster, namespace)) continue;
      const where = `${m.cluster}: ${m.source} Service ${namespace}/${name}`;
      if (checkServiceName(issues, where, name, { example: "catalog" }) === undefined) continue;
      const spec = isPlainObject(obj.spec) ? obj.spec : {};
      if (spec.type === "ExternalName") {
        skipped.push({
          cluster: m.cluster,
          service: `${namespace}/${name}`,
          reason: "type ExternalName has no workloads to route to",
        });
        continue;
      }
      const { ports, dropped } = servicePorts(spec.ports);
      if (ports.length === 0) {
        skipped.push({
          cluster: m.cluster,
          service: `${namespace}/${name}`,
          reason: dropped.length ? `only ${dropped.join(", ")}, which Istio does not carry` : "no ports",
        });
        continue;
      }
      const seen = byName.get(name);
      if (!seen) {
        byName.set(name, { name, namespace, clusters: [m.cluster], ports, origin: where });
      } else if (seen.namespace !== namespace) {
        issues.add(
          where,
          `a global name maps to one namespace, but "${name}" is also in namespace ${seen.namespace} (${seen.origin}); rename one Service or narrow the member rules`,
        );
      } else if (seen.clusters.includes(m.cluster)) {
        issues.add(
          where,
          `Service ${namespace}/${name} appears twice in the manifests of ${m.cluster}; keep one of the two`,
        );
      } else if (portKey(seen.ports) !== portKey(ports)) {
        issues.add(
          where,
          `ports ${portKey(ports)} differ from ${portKey(seen.ports)} in ${seen.origin}; a global service has one set of ports`,
        );
      } else {
        seen.clusters.push(m.cluster);
      }
    }
  }
  issues.throwIfAny();
  return { services: [...byName.values()].sort((a, b) => a.name.localeCompare(b.name)), skipped };
}

function isService(obj: unknown): obj is Plain & { metadata: Plain } {
  return (
    isPlainObject(obj) &&
    obj.kind === "Service" &&
    obj.apiVersion === "v1" &&
    isPlainObject(obj.metadata) &&
    typeof obj.metadata.name === "string"
  );
}

/** Kubernetes ServicePorts → global service ports. UDP and SCTP are dropped: Istio proxies TCP only. */
function servicePorts(raw: unknown): { ports: PortSpec[]; dropped: string[] } {
  const ports: PortSpec[] = [];
  const dropped: string[] = [];
  for (const p of Array.isArray(raw) ? raw : []) {
    if (!isPlainObject(p) || typeof p.port !== "number") continue;
    const l4 = typeof p.protocol === "string" ? p.protocol : "TCP";
    if (l4 !== "TCP") {
      dropped.push(`${l4} port ${p.port}`);
      continue;
    }
    const name = typeof p.name === "string" ? p.name : undefined;
    const appProtocol = typeof p.appProtocol === "string" ? p.appProtocol.toUpperCase() : undefined;
    const protocol = appProtocol && isPortProtocol(appProtocol) ? appProtocol : (protocolFromName(name) ?? "TCP");
    ports.push({ number: p.port, ...(name && { name }), protocol });
  }
  return { ports: ports.sort((a, b) => a.number - b.number), dropped };
}

function portKey(ports: PortSpec[]): string {
  return ports.map((p) => `${p.number}/${p.protocol}`).join(",");
}
