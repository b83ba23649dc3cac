import * as k8s from "@pulumi/kubernetes";
import { AGENT_NAMESPACE } from "./defaults";
import { IDENTITY_CONFIGMAP } from "./identity";
import { ChildOptions } from "./children";

/** The mesh agent's footprint in one cluster. */
export interface AgentFootprint {
  namespace: k8s.core.v1.Namespace;
  serviceAccount: k8s.core.v1.ServiceAccount;
  clusterRole: k8s.rbac.v1.ClusterRole;
  clusterRoleBinding: k8s.rbac.v1.ClusterRoleBinding;
  identity: k8s.core.v1.ConfigMap;
}

const AGENT = "globalmesh-agent";
const READ = ["get", "list", "watch"];

/**
 * The cluster-side record of onboarding: `globalmesh-system` with the agent's identity (a ServiceAccount allowed to
 * read Istio networking objects and namespaces, nothing else) and the `mesh-identity` ConfigMap.
 */
export function installAgent(name: string, identity: Record<string, string>, opts: ChildOptions): AgentFootprint {
  const labels = { "app.kubernetes.io/managed-by": "globalmesh", "app.kubernetes.io/name": AGENT };
  const namespace = new k8s.core.v1.Namespace(
    `${name}-agent-namespace`,
    // Explicitly out of the mesh, whatever the injector's default.
    { metadata: { name: AGENT_NAMESPACE, labels: { ...labels, "istio-injection": "disabled" } } },
    opts,
  );
  const ns = namespace.metadata.name;
  const serviceAccount = new k8s.core.v1.ServiceAccount(
    `${name}-agent`,
    { metadata: { name: AGENT, namespace: ns, labels } },
    opts,
  );
  const clusterRole = new k8s.rbac.v1.ClusterRole(
    `${name}-agent`,
    {
      metadata: { name: AGENT, labels },
      rules: [
        {
          apiGroups: ["networking.istio.io"],
          resources: ["serviceentries", "virtualservices", "destinationrules", "gateways"],
          verbs: READ,
        },
        { apiGroups: [""], resources: ["namespaces"], verbs: READ },
      ],
    },
    opts,
  );
  const clusterRoleBinding = new k8s.rbac.v1.ClusterRoleBinding(
    `${name}-agent`,
    {
      metadata: { name: AGENT, labels },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: clusterRole.metadata.name },
      subjects: [{ kind: "ServiceAccount", name: serviceAccount.metadata.name, namespace: ns }],
    },
    opts,
  );
  const configMap = new k8s.core.v1.ConfigMap(
    `${name}-mesh-identity`,
    { metadata: { name: IDENTITY_CONFIGMAP, namespace: ns, labels }, data: identity },
    // ConfigMap data changes replace the object (unless the provider enables mutable ConfigMaps); its name is fixed.
    { ...opts, deleteBeforeReplace: true },
  );
  return { namespace, serviceAccount, clusterRole, clusterRoleBinding, identity: configMap };
}
