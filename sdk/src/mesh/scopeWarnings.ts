import { isWorkloadKind, podLabels } from "./calls";
import { ClusterManifests } from "./discover";
import { printable } from "./errors";
import { isPlainObject } from "./fields";
import { GlobalService, MeshModel } from "./model";
import { PolicyAction } from "./spec";

/** Up to this many names in one warning. */
const NAMED = 5;

/**
 * What declared calls take away that the spec or the manifests suggest is used, one sentence each (model warnings):
 * workloads of a declared namespace that are no global service's pods (they lose the global hosts not declared), and
 * ALLOW policies granting a call that `calls` rules out (the call has no route). Run after the manifests' calls join.
 */
export function scopeWarnings<A>(model: MeshModel<A>, manifests: readonly ClusterManifests[]): string[] {
  return [...unbackedWorkloads(model, manifests), ...policiesBeyondCalls(model)];
}

function unbackedWorkloads<A>(model: MeshModel<A>, manifests: readonly ClusterManifests[]): string[] {
  const found = new Map<string, string[]>();
  const runsIn = new Map<string, GlobalService[]>();
  for (const m of manifests) {
    const cluster = model.clusters.find((c) => c.name === m.cluster);
    if (!cluster?.calls) continue;
    for (const o of m.objects) {
      if (!isPlainObject(o) || !isWorkloadKind(o.kind) || !isPlainObject(o.metadata)) continue;
      const namespace =
        typeof o.metadata.namespace === "string" ? o.metadata.namespace : (m.defaultNamespace ?? "default");
      if (!cluster.calls[namespace]) continue;
      const key = `${cluster.name}/${namespace}`;
      const runs =
        runsIn.get(key) ?? model.services.filter((s) => s.namespace === namespace && s.clusters.includes(cluster.name));
      runsIn.set(key, runs);
      // A service whose pods' labels are unknown may be any workload's: say nothing rather than guess.
      if (runs.some((s) => !s.selector)) continue;
      const labels = podLabels(o);
      const backs = runs.some((s) => Object.entries(s.selector ?? {}).every(([k, v]) => labels[k] === v));
      if (backs) continue;
      found.set(key, [...(found.get(key) ?? []), printable(`${o.kind}/${String(o.metadata.name)}`)]);
    }
  }
  return [...found].map(([key, workloads]) => {
    const [cluster, namespace] = key.split("/");
    const calls = model.clusters.find((c) => c.name === cluster)?.calls?.[namespace] ?? [];
    return `namespace ${namespace} of cluster ${cluster} declares its calls (services[].calls), so its workloads reach only ${calls.length > 0 ? calls.join(", ") : "no global service"} of the global hosts; ${named(workloads)} back${workloads.length === 1 ? "s" : ""} no global service there: list what ${workloads.length === 1 ? "it calls" : "they call"} in members[].calls`;
  });
}

function policiesBeyondCalls<A>(model: MeshModel<A>): string[] {
  const out: string[] = [];
  for (const policy of model.policies.filter((p) => p.action === PolicyAction.ALLOW))
    for (const service of new Set(policy.to.map((t) => t.service))) {
      const ruledOut = policy.from.flatMap((source) =>
        model.clusters
          .filter((c) => source.clusters.includes(c.name))
          .filter((c) => c.calls?.[source.namespace] && !c.calls[source.namespace].includes(service))
          .map((c) => `${c.name}/${source.namespace}`),
      );
      if (ruledOut.length > 0)
        out.push(
          `policy ${policy.name} allows ${named([...new Set(ruledOut)])} to call ${service} (policies[].from and .to), but their declared calls (services[].calls, members[].calls) leave ${service} out, so the call has no route there; add ${service} to the calls of a service or rule there, or drop the source from the policy`,
        );
    }
  return out;
}

function named(list: string[]): string {
  return list.length > NAMED ? `${list.slice(0, NAMED).join(", ")} and ${list.length - NAMED} more` : list.join(", ");
}
