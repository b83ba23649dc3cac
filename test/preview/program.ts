import { stringify } from "yaml";
import { GlobalNamespace, GlobalNamespaceService } from "../../sdk/src/gns";
import { AccessPolicySpec, GatewaysSpec, MemberRule, MeshMode } from "../../sdk/src/mesh";
import { kubeconfigText } from "../helpers/kubeconfigs";
import { Program } from "../helpers/plan";

/** A GlobalNamespace as plain data, so a test can write "before" and "after" as two values and diff their plans. */
export interface MeshDef {
  name: string;
  domain: string;
  /** Default: the component's (tunnel). */
  mode?: MeshMode;
  clusters: {
    name: string;
    ingress?: { address: string; port?: number };
    /** The cluster's east-west gateway (a MeshCluster's `eastWest` output); used in east-west mode. */
    eastWest?: { address: string; port?: number };
    locality?: string;
    gateways?: GatewaysSpec;
    kubeconfig?: string;
    namespaces?: string[];
  }[];
  members: MemberRule[];
  services?: GlobalNamespaceService[];
  /** Manifests per cluster, as objects (edited by tests, written as YAML for the component). */
  manifests?: { cluster: string; objects: unknown[] }[];
  policies?: AccessPolicySpec[];
}

/** Logical name of the component in every program; the URN helpers assume it. */
export const RESOURCE = "mesh";
export const STACK_PREFIX = "urn:pulumi:test::globalmesh-test::";

/** The GlobalNamespace over mock clusters, each identified by its kubeconfig (the component builds a provider per cluster). */
export function meshProgram(def: MeshDef): Program {
  return () => {
    const clusters = def.clusters.map((c) => ({
      clusterName: c.name,
      kubeconfig: c.kubeconfig ?? kubeconfigText(c.name),
      ...(c.ingress && { ingress: c.ingress }),
      ...(c.eastWest && { eastWest: c.eastWest }),
      ...(c.locality && { locality: c.locality }),
      ...(c.gateways && { gateways: c.gateways }),
      ...(c.namespaces && { namespaces: c.namespaces }),
    }));
    new GlobalNamespace(RESOURCE, {
      globalNamespaceName: def.name,
      domain: def.domain,
      ...(def.mode && { mode: def.mode }),
      clusters,
      members: def.members,
      ...(def.services && { services: def.services }),
      ...(def.policies && { policies: def.policies }),
      ...(def.manifests && {
        manifests: def.manifests.map((m) => ({
          cluster: m.cluster,
          yaml: m.objects.map((o) => `---\n${stringify(o)}`).join(""),
        })),
      }),
    });
  };
}
