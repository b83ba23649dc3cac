/**
 * The listener an east-west gateway builds for `AUTO_PASSTHROUGH` servers, as istiod 1.29 does (pilot
 * `model/gateway.go` `MergeGateways`, `networking/core/gateway.go` `builtAutoPassthroughFilterChains`):
 *
 * - servers are merged in Gateway order; a server repeating a host string another server on the port already has
 *   is skipped whole ("duplicate host names");
 * - each kept server gets one filter chain per (service the gateway sees, port) whose hostname its hosts cover:
 *   Kubernetes Services and `MESH_INTERNAL` ServiceEntries, SNI `outbound_.<port>_._.<hostname>` plus one per
 *   subset of the DestinationRule the gateway sees (`outbound_.<port>_.<subset>_.<hostname>`), matching Istio's mTLS
 *   ALPNs only; no TLS is terminated and no AuthorizationPolicy is applied ("We do not want any authz here");
 * - two chains with the same SNI (servers whose hosts overlap without being equal) make Envoy reject the whole
 *   listener: nothing on the port is served.
 */
import { MeshObject, objectKey } from "../../../sdk/src/mesh";
import { GatewayObject, ServiceEntryObject } from "../../../sdk/src/mesh/istio/types";
import { SimCluster, SimService } from "./types";
import { destinationRulesFor, gatewayServers, hostMatches, ofKind, visibleTo } from "./visibility";

const CLUSTER_DNS_SUFFIX = ".svc.cluster.local";

export type PassthroughTarget =
  | { kind: "service"; service: SimService; fqdn: string }
  | { kind: "serviceEntry"; entry: ServiceEntryObject; host: string };

export interface PassthroughChain {
  sni: string;
  port: number;
  subset?: string;
  /** The Gateway whose server built the chain (`Gateway/ns/name`). */
  gateway: string;
  target: PassthroughTarget;
}

export interface PassthroughListener {
  /** Gateway servers on the port that select the gateway (before merging). */
  servers: number;
  /** SNI → chain. */
  chains: Map<string, PassthroughChain>;
  /** Envoy's reason for rejecting the listener, when it would. */
  rejected?: string;
  /** Skipped servers and hosts wider than one namespace, said as istiod would log them. */
  notes: string[];
}

export function outboundSni(port: number, host: string, subset = ""): string {
  return `outbound_.${port}_.${subset}_.${host}`;
}

/** A server host wider than one namespace's Services (`*`, `*.local`, `*.svc.cluster.local`, another domain). */
export function isWideHost(host: string): boolean {
  if (host === "*") return true;
  return host.startsWith("*.") && !/^\*\.[^.*]+\.svc\.cluster\.local$/.test(host);
}

export function passthroughListener(
  objects: readonly MeshObject[],
  cluster: SimCluster,
  labels: Record<string, string>,
  port: number,
  rootNamespace: string,
): PassthroughListener {
  const gatewayNamespace = cluster.gateways.namespace;
  const found = gatewayServers(objects, labels, port).sort((a, b) =>
    objectKey(a.gateway).localeCompare(objectKey(b.gateway)),
  );
  const listener: PassthroughListener = { servers: found.length, chains: new Map(), notes: [] };
  const knownHosts = new Map<string, string>();
  for (const { gateway, server } of found) {
    if (server.tls?.mode !== "AUTO_PASSTHROUGH")
      throw new Error(
        `simulator: ${server.tls?.mode ?? "plain"} server next to AUTO_PASSTHROUGH on ${objectKey(gateway)} is not modelled`,
      );
    const hosts = server.hosts.map((h) => (h.includes("/") ? h.slice(h.indexOf("/") + 1) : h));
    const duplicates = server.hosts.filter((h) => knownHosts.has(h));
    if (duplicates.length) {
      listener.notes.push(
        `skipping server on ${objectKey(gateway)}, duplicate host names: ${duplicates.join(", ")} (also on ${knownHosts.get(duplicates[0])})`,
      );
      continue;
    }
    for (const h of server.hosts) knownHosts.set(h, objectKey(gateway));
    for (const h of hosts.filter(isWideHost))
      listener.notes.push(`wide host ${h} on ${objectKey(gateway)}: every Service under it is reachable through 15443`);
    for (const chain of chainsFor(objects, cluster, gateway, hosts, gatewayNamespace, rootNamespace)) {
      const before = listener.chains.get(chain.sni);
      if (before && !listener.rejected)
        listener.rejected =
          `Envoy rejects the listener on port ${port}: filter chains for SNI ${chain.sni} from ${before.gateway} ` +
          `and ${chain.gateway} have the same match (overlapping AUTO_PASSTHROUGH hosts)`;
      if (!before) listener.chains.set(chain.sni, chain);
    }
  }
  return listener;
}

function chainsFor(
  objects: readonly MeshObject[],
  cluster: SimCluster,
  gateway: GatewayObject,
  hosts: string[],
  gatewayNamespace: string,
  rootNamespace: string,
): PassthroughChain[] {
  const covered = (hostname: string) => hosts.some((h) => hostMatches(h, hostname));
  const gatewayKey = objectKey(gateway);
  const subsets = (hostname: string, serviceNamespace: string) =>
    destinationRulesFor(objects, { namespace: gatewayNamespace, labels: {} }, hostname, serviceNamespace, rootNamespace)
      .flatMap((dr) => dr.spec.subsets ?? [])
      .map((s) => s.name);
  const chains: PassthroughChain[] = [];
  const add = (hostname: string, serviceNamespace: string, ports: number[], target: PassthroughTarget) => {
    for (const port of ports)
      for (const subset of ["", ...subsets(hostname, serviceNamespace)])
        chains.push({
          sni: outboundSni(port, hostname, subset),
          port,
          ...(subset && { subset }),
          gateway: gatewayKey,
          target,
        });
  };
  for (const service of cluster.services) {
    const fqdn = `${service.name}.${service.namespace}${CLUSTER_DNS_SUFFIX}`;
    if (!covered(fqdn) || !serviceVisible(service, gatewayNamespace)) continue;
    add(
      fqdn,
      service.namespace,
      service.ports.map((p) => p.port),
      { kind: "service", service, fqdn },
    );
  }
  for (const entry of ofKind(objects, "ServiceEntry")) {
    if (entry.spec.location !== "MESH_INTERNAL" || !visibleTo(entry, gatewayNamespace)) continue;
    for (const host of entry.spec.hosts.filter(covered))
      add(
        host,
        entry.metadata.namespace,
        entry.spec.ports.map((p) => p.number),
        { kind: "serviceEntry", entry, host },
      );
  }
  return chains;
}

/** The Service's `networking.istio.io/exportTo`: absent or `*` → everyone, `.` → its own namespace. */
function serviceVisible(service: SimService, namespace: string): boolean {
  const to = service.exportTo ?? [];
  if (to.length === 0 || to.includes("*")) return true;
  return to.some((e) => e === namespace || (e === "." && service.namespace === namespace));
}
