import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { InjectionPlan } from "./injectionPlan";
import { ChildOptions } from "./children";

/**
 * One NamespacePatch per enrolled namespace, owning only the `istio-injection` label. A patch (server-side apply),
 * not a Namespace resource: the namespaces usually exist already (`default`, the apps' own), and removing the cluster
 * from the mesh must drop the label, never delete the namespace and its workloads. The resource name depends on the
 * namespace only, so excluding a namespace later updates the label in place.
 */
export function labelNamespaces(
  name: string,
  plan: InjectionPlan,
  opts: ChildOptions,
  dependsOn: pulumi.Resource[],
): k8s.core.v1.NamespacePatch[] {
  return plan.namespaces.map(
    ({ namespace, label }) =>
      new k8s.core.v1.NamespacePatch(
        `${name}-injection-${namespace}`,
        {
          metadata: {
            name: namespace,
            labels: { "istio-injection": label },
            // The policy is MeshCluster's to state: take the label over from whoever set it by hand.
            annotations: { "pulumi.com/patchForce": "true" },
          },
        },
        { ...opts, dependsOn },
      ),
  );
}
