/**
 * One registration measurement in its own process (own heap, Node's default limit): the GlobalNamespace component
 * for a generated mesh, or the floor — the same objects as bare CustomResources under one provider per cluster, what
 * any Pulumi program registering them pays. Both run under `pulumi.runtime.setMocks` (preview), timed from before the
 * first resource until the mock monitor has answered every registration. Prints one JSON line.
 *
 *   tsx bench/component.ts <component|floor> <clusters> <services> [calls]
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { GlobalNamespace } from "../sdk/src/gns";
import { GlobalNamespaceArgs } from "../sdk/src/gns/args";
import { buildMesh } from "../sdk/src/mesh";
import { generateArgs, generateSpec, MeshSize } from "./generate";

export interface RegistrationResult {
  kind: "component" | "floor";
  size: MeshSize;
  calls: boolean;
  /** Istio objects registered (CustomResources). */
  objects: number;
  /** Every registration the monitor answered (objects, providers, the component). */
  registrations: number;
  ms: number;
  /** CPU time of the process over the same span (user + system), ms: less disturbed by a busy machine than `ms`. */
  cpuMs: number;
  /** Peak resident memory of the process, MB. */
  peakMb: number;
}

async function measure(kind: "component" | "floor", size: MeshSize, calls: boolean): Promise<RegistrationResult> {
  let answered = 0;
  let expected = Infinity;
  let finish: () => void = () => undefined;
  const all = new Promise<void>((resolve) => (finish = resolve));
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        if (++answered >= expected) finish();
        return { id: args.custom ? `${args.name}-id` : undefined, state: args.inputs };
      },
      call: () => ({}),
    },
    "bench",
    "bench",
    true,
  );
  const build = buildMesh(generateSpec(size, { calls }));
  const perCluster = [...build.compiled.objects].filter(([, list]) => list.length > 0);
  const objects = perCluster.reduce((n, [, list]) => n + list.length, 0);
  const start = performance.now();
  const cpu = process.cpuUsage();
  if (kind === "component") {
    expected = objects + perCluster.length + 1;
    new GlobalNamespace("bench", generateArgs(size, { calls }) as unknown as GlobalNamespaceArgs);
  } else {
    expected = objects + perCluster.length;
    for (const [cluster, list] of perCluster) {
      const provider = new k8s.Provider(`floor-${cluster}`, { kubeconfig: pulumi.secret(`kubeconfig of ${cluster}`) });
      for (const o of list)
        new k8s.apiextensions.CustomResource(
          `floor-${cluster}-${o.metadata.namespace}/${o.metadata.name}-${o.kind}`,
          { apiVersion: o.apiVersion, kind: o.kind, metadata: o.metadata, spec: o.spec },
          { provider, deleteBeforeReplace: true },
        );
    }
  }
  if (answered < expected) await all;
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return {
    kind,
    size,
    calls,
    objects,
    registrations: answered,
    ms,
    cpuMs: (used.user + used.system) / 1000,
    peakMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

if (require.main === module) {
  process.setSourceMapsEnabled(false);
  const [kind, clusters, services, calls] = process.argv.slice(2);
  if (kind !== "component" && kind !== "floor")
    throw new Error("usage: component.ts <component|floor> <C> <S> [calls]");
  measure(kind, { clusters: Number(clusters), services: Number(services) }, calls === "calls").then(
    (r) => {
      process.stdout.write(JSON.stringify(r) + "\n");
      process.exit(0);
    },
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(1);
    },
  );
}
