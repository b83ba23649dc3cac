/**
 * Envoy priorities of a ServiceEntry's endpoints, as istiod 1.29 computes them for one proxy (pilot
 * `cluster_traffic_policy.go` `applyLocalityLoadBalancer`, `loadbalancer.ApplyLocalityLoadBalancer`):
 *
 * - the DestinationRule's `localityLbSetting` (port-level entry first), else the mesh default `{enabled: true}`;
 *   `enabled: false` turns it off;
 * - nothing is ranked without `outlierDetection` ("traffic will never failover");
 * - `failoverPriority` ranks by labels only for EDS clusters (resolution STATIC): a DNS-resolved cluster skips it
 *   (pilot: "TODO: enable failoverPriority for STRICT_DNS cluster type"), and ServiceEntry endpoints carry
 *   `topology.istio.io/cluster` = the local cluster whatever they say (`AugmentLabels` overwrites it);
 * - with `failoverPriority`, locality ranks only when `failover` is also given; without it, by locality
 *   (region, zone, subzone against the proxy's: `util.LbPriority`).
 */
import { WorkloadEntry } from "../../../sdk/src/mesh/istio/types";

const CLUSTER_LABEL = "topology.istio.io/cluster";
const REGION_LABEL = "topology.kubernetes.io/region";
const ZONE_LABEL = "topology.kubernetes.io/zone";
const SUBZONE_LABEL = "topology.istio.io/subzone";

/** The load-balancing fields istiod reads (wider than what globalmesh's types declare). */
export interface LbPolicy {
  loadBalancer?: {
    localityLbSetting?: {
      enabled?: boolean;
      failoverPriority?: string[];
      failover?: { from: string; to: string }[];
      distribute?: unknown[];
    };
  };
  outlierDetection?: unknown;
}

export interface PriorityProxy {
  cluster: string;
  locality?: string;
  labels: Record<string, string>;
}

export interface Ranking {
  /** Dense priority per endpoint (0 best), in the endpoints' order. */
  priorities: number[];
  /** Outlier detection is on: failing endpoints are ejected, and lower priorities take over. */
  ejects: boolean;
  /** Why the ranking is what it is, when a setting was ignored. */
  notes: string[];
}

export function rankEndpoints(
  endpoints: readonly WorkloadEntry[],
  resolution: string,
  policy: LbPolicy | undefined,
  proxy: PriorityProxy,
): Ranking {
  const notes: string[] = [];
  const ejects = policy?.outlierDetection !== undefined;
  const flat = (): Ranking => ({ priorities: endpoints.map(() => 0), ejects, notes });
  const fromRule = policy?.loadBalancer?.localityLbSetting;
  if (fromRule?.enabled === false) return flat();
  const setting = fromRule ?? { enabled: true };
  if (setting.distribute?.length) {
    notes.push("localityLbSetting.distribute weights localities: not modelled, every endpoint ranked equal");
    return flat();
  }
  if (!ejects) {
    notes.push("no outlierDetection: istiod ranks no endpoint (Envoy would never fail over)");
    return flat();
  }
  const proxyLabels = augment(proxy.labels, proxy.cluster, proxy.locality);
  const failover = setting.failover ?? [];
  let ranks = endpoints.map(() => 0);
  const byLabels = setting.failoverPriority ?? [];
  if (byLabels.length) {
    if (resolution === "STATIC") {
      // Every ServiceEntry endpoint is labelled with the local cluster, whatever its own labels say.
      ranks = endpoints.map((e) => labelPriority(augment(e.labels, proxy.cluster, e.locality), proxyLabels, byLabels));
    } else {
      notes.push(
        `failoverPriority ignored: resolution ${resolution} makes a STRICT_DNS cluster, which istiod ranks by locality only`,
      );
    }
    if (failover.length)
      ranks = ranks.map((r, i) => r * 5 + localityPriority(proxy.locality, endpoints[i].locality, failover));
  } else {
    ranks = endpoints.map((e) => localityPriority(proxy.locality, e.locality, failover));
  }
  return { priorities: dense(ranks), ejects, notes };
}

/** pilot `applyFailoverPriorityPerLocality`: the first label that differs decides (earlier labels weigh more). */
function labelPriority(
  endpoint: Record<string, string>,
  proxy: Record<string, string>,
  failoverPriority: string[],
): number {
  for (const [j, entry] of failoverPriority.entries()) {
    const [label, override] = entry.split("=");
    const wanted = override ?? proxy[label];
    if (wanted !== endpoint[label]) return failoverPriority.length - j;
  }
  return 0;
}

/** pilot `util.LbPriority` plus `failover` from→to: 0 same subzone … 3 another region, 4 not the failover region. */
function localityPriority(
  proxy: string | undefined,
  endpoint: string | undefined,
  failover: { from: string; to: string }[],
): number {
  const [pr = "", pz = "", ps = ""] = (proxy ?? "").split("/");
  const [er = "", ez = "", es = ""] = (endpoint ?? "").split("/");
  if (pr !== er) {
    const rule = failover.find((f) => f.from === pr);
    return rule && rule.to !== er ? 4 : 3;
  }
  if (pz !== ez) return 2;
  return ps !== es ? 1 : 0;
}

/** pilot `AugmentLabels`: the cluster label is always overwritten; region, zone and subzone from the locality. */
function augment(labels: Record<string, string>, cluster: string, locality?: string): Record<string, string> {
  const [region, zone, subzone] = (locality ?? "").split("/");
  return {
    ...labels,
    ...(region && { [REGION_LABEL]: region }),
    ...(zone && { [ZONE_LABEL]: zone }),
    ...(subzone && { [SUBZONE_LABEL]: subzone }),
    [CLUSTER_LABEL]: cluster,
  };
}

/** Priorities range from 0 without gaps (pilot re-numbers them the same way). */
function dense(ranks: number[]): number[] {
  const levels = [...new Set(ranks)].sort((a, b) => a - b);
  return ranks.map((r) => levels.indexOf(r));
}
