import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { InjectionPlan, NamespaceInjection } from "./injectionPlan";
import { ChildOptions } from "./children";
import { INJECTION_TAG } from "./defaults";

/**
 * An enrolled namespace carries the revision tag (`istio.io/rev=stable`), so upgrades move the tag, never the label;
 * an excluded one `istio-injection=disabled`, which no injector's selector matches. Never both: `istio-injection`
 * takes precedence over `istio.io/rev`. Server-side apply drops the label a patch no longer sets, so switching
 * between the two (or migrating from `istio-injection=enabled`) leaves one label.
 */
export function injectionLabels({ label }: NamespaceInjection): Record<string, string> {
  return label === "enabled" ? { "istio.io/rev": INJECTION_TAG } : { "istio-injection": "disabled" };
}

/**
 * One NamespacePatch per enrolled namespace, owning only its injection label (`injectionLabels`). A patch
 * (server-side apply), not a Namespace resource: the namespaces usually exist already (`default`, the apps' own), and
 * removing the cluster from the mesh must drop the label, never delete the namespace and its workloads. The resource
 * name depends on the namespace only, so excluding a namespace later updates the label in place.
 */
export function labelNamespaces(
  name: string,
  plan: InjectionPlan,
  opts: ChildOptions,
  dependsOn: pulumi.Resource[],
): k8s.core.v1.NamespacePatch[] {
  return plan.namespaces.map(
    (ns) =>
      new k8s.core.v1.NamespacePatch(
        `${name}-injection-${ns.namespace}`,
        {
          metadata: {
            name: ns.namespace,
            labels: injectionLabels(ns),
            // The policy is MeshCluster's to state: take the label over from whoever set it by hand.
            annotations: { "pulumi.com/patchForce": "true" },
          },
        },
        { ...opts, dependsOn },
      ),
  );
}
