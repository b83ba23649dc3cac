import { stringify } from "yaml";
import { KIND_NODE_IMAGE } from "./versions";

/**
 * The two clusters' networks, as pure functions: kind's cluster config, the IPv4 subnet of the `kind` Docker network,
 * and the slice of it each cluster's MetalLB hands out.
 */

/** One kind cluster of the run. */
export interface KindCluster {
  /** The cluster's name in the mesh (MeshCluster's clusterName, the stack config key's prefix). */
  meshName: string;
  /** kind's name for it (its node container is `<kindName>-control-plane`). */
  kindName: string;
  /** Pod CIDR: distinct per cluster, so addresses in logs and proxy configs say which cluster they belong to. */
  podSubnet: string;
  /** Service CIDR: distinct per cluster too. */
  serviceSubnet: string;
}

export const CLUSTERS: readonly KindCluster[] = [
  { meshName: "cluster1", kindName: "globalmesh-e2e-1", podSubnet: "10.110.0.0/16", serviceSubnet: "10.111.0.0/16" },
  { meshName: "cluster2", kindName: "globalmesh-e2e-2", podSubnet: "10.120.0.0/16", serviceSubnet: "10.121.0.0/16" },
];

/** The kind cluster config (one control-plane node that also runs the workloads), as YAML. */
export function kindConfig(c: KindCluster, image = KIND_NODE_IMAGE): string {
  return stringify({
    kind: "Cluster",
    apiVersion: "kind.x-k8s.io/v1alpha4",
    networking: { podSubnet: c.podSubnet, serviceSubnet: c.serviceSubnet },
    nodes: [{ role: "control-plane", image }],
  });
}

const toInt = (ip: string): number => {
  const parts = ip.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255))
    throw new Error(`not an IPv4 address: ${ip}`);
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
};
const toIp = (n: number) => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".");

/**
 * The IPv4 subnet of a Docker network, from `docker network inspect <net> --format '{{json .IPAM.Config}}'`
 * (`[{"Subnet":"172.18.0.0/16","Gateway":"172.18.0.1"},{"Subnet":"fc00:f853:ccd:e793::/64"}]`).
 */
export function ipv4SubnetOf(ipamConfigJson: string): string {
  let config: unknown;
  try {
    config = JSON.parse(ipamConfigJson);
  } catch {
    throw new Error(`docker network inspect: not JSON: ${ipamConfigJson.slice(0, 200)}`);
  }
  const subnets = (Array.isArray(config) ? config : [])
    .map((c) => (c && typeof c === "object" ? (c as { Subnet?: unknown }).Subnet : undefined))
    .filter((s): s is string => typeof s === "string");
  const v4 = subnets.find((s) => /^\d+\.\d+\.\d+\.\d+\/\d+$/.test(s));
  if (!v4) throw new Error(`the Docker network has no IPv4 subnet (subnets: ${subnets.join(", ") || "none"})`);
  return v4;
}

/** An inclusive address range, as MetalLB's IPAddressPool writes it: `172.18.255.200-172.18.255.219`. */
export type AddressRange = `${string}-${string}`;

/**
 * `count` disjoint ranges of `size` addresses each at the top of an IPv4 subnet (below its broadcast address, with a
 * margin), one per cluster's MetalLB. Docker hands out a network's addresses from the bottom (.2, .3, … for the kind
 * nodes), so the top stays free. The subnet must hold at least 256 addresses (prefix /24 or shorter), as kind's does.
 */
export function metallbRanges(subnet: string, count: number, size = 20): AddressRange[] {
  const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(subnet);
  if (!m) throw new Error(`not an IPv4 CIDR: ${subnet}`);
  const prefix = Number(m[2]);
  if (prefix > 24) throw new Error(`subnet ${subnet} is too small: MetalLB's pools need a /24 or larger`);
  const total = 2 ** (32 - prefix);
  const network = toInt(m[1]) - (toInt(m[1]) % total);
  const broadcast = network + total - 1;
  const margin = 5;
  const first = broadcast - margin - count * size;
  return Array.from({ length: count }, (_, i): AddressRange => {
    const start = first + i * size;
    return `${toIp(start)}-${toIp(start + size - 1)}`;
  });
}

/** Whether an IPv4 address lies in an inclusive range. */
export function inRange(ip: string, range: AddressRange): boolean {
  const [lo, hi] = range.split("-");
  const n = toInt(ip);
  return n >= toInt(lo) && n <= toInt(hi);
}

/** MetalLB's pool and its layer-2 announcement for one cluster, as a multi-document YAML for `kubectl apply -f -`. */
export function metallbPoolManifest(range: AddressRange): string {
  const metadata = { name: "globalmesh-e2e", namespace: "metallb-system" };
  return [
    { apiVersion: "metallb.io/v1beta1", kind: "IPAddressPool", metadata, spec: { addresses: [range] } },
    { apiVersion: "metallb.io/v1beta1", kind: "L2Advertisement", metadata, spec: { ipAddressPools: [metadata.name] } },
  ]
    .map((d) => stringify(d))
    .join("---\n");
}
