import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { buildTopology, MeshObject, objectKey, topologyToMermaid } from "../mesh";
import { GlobalNamespaceArgs, GlobalNamespaceClaim, GlobalNamespaceMemberNamespace } from "./args";
import { compileArgs } from "./toSpec";

/** A global host as the stack outputs show it. */
export interface GlobalHost {
  /** Service name. */
  service: string;
  /** Namespace of the service. */
  namespace: string;
  /** `<service>.<domain>`. */
  host: string;
  /** Virtual IP of the host in every member cluster. */
  address: string;
  /** Clusters that run the service. */
  clusters: string[];
  /** Port numbers. */
  ports: number[];
}

/**
 * A Global Namespace: every service of the mapped namespaces gets the name `<service>.<domain>`, reachable from every
 * member cluster: in `tunnel` mode (the default) through the egress gateway of the caller's cluster and the ingress
 * gateway of the owner's; in `east-west` mode in one mTLS session from the caller's sidecar to the destination's,
 * through the owner's east-west gateway.
 *
 * The component compiles its args with the pure core (`buildMesh`) and registers one Kubernetes CustomResource per
 * compiled object (Istio networking and security objects), through a provider it builds per cluster from the
 * cluster's kubeconfig. Bad args throw before anything is registered. Give it `dependsOn: [meshCluster…]`: its
 * objects then wait for istiod and the gateways. Give it the other GlobalNamespaces of the same clusters as `peers`:
 * none may claim a host or virtual IP it claims.
 */
export class GlobalNamespace extends pulumi.ComponentResource {
  /** Name of the GlobalNamespace. */
  public readonly globalNamespaceName: string;
  /** Every host it claims with its virtual IP, sorted by host: what another GlobalNamespace's `peers` check. */
  public readonly claims: GlobalNamespaceClaim[];
  /** The namespaces it holds, per cluster (the audience of its objects): what another's `peers` check too. */
  public readonly memberNamespaces: GlobalNamespaceMemberNamespace[];
  /** Every global host with its virtual IP, owner clusters and ports. */
  public readonly hosts: pulumi.Output<GlobalHost[]>;
  /** Per cluster, the objects written there, as `Kind/namespace/name`. */
  public readonly objectNames: pulumi.Output<Record<string, string[]>>;
  /**
   * The topology as a Mermaid flowchart: clusters, services, gateway paths, callers seen in the manifests. Above
   * TOPOLOGY_DETAIL_LIMIT service nodes, the cluster-level view (the same threshold as `globalmesh graph`).
   */
  public readonly topology: pulumi.Output<string>;

  constructor(name: string, args: GlobalNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
    // Check and compile first: bad args must fail, every problem listed, before the component or any child is registered.
    const { spec, build, clusters, manifests, claims, memberNamespaces, warnings } = compileArgs(name, args);
    super("globalmesh:index:GlobalNamespace", name, {}, opts);
    for (const w of warnings) void pulumi.log.warn(w, this);

    // Components' dependsOn does not reach their children: pass it on, so every object waits for what the
    // program said the GlobalNamespace waits for (its MeshClusters: istiod's CRDs and webhook, the gateways).
    const dependsOn = opts?.dependsOn;
    for (const [clusterName, cluster] of clusters) {
      const objects = build.compiled.objects.get(clusterName) ?? [];
      if (objects.length === 0) continue;
      const kubeconfig = pulumi.secret(cluster.kubeconfig);
      const provider = new k8s.Provider(`${name}-${clusterName}`, { kubeconfig }, { parent: this });
      const gatewayNamespace = build.model.clusters.find((c) => c.name === clusterName)?.gateways.namespace;
      for (const obj of objects) {
        new k8s.apiextensions.CustomResource(
          resourceName(name, clusterName, obj, gatewayNamespace),
          { apiVersion: obj.apiVersion, kind: obj.kind, metadata: obj.metadata, spec: obj.spec },
          {
            parent: this,
            provider,
            dependsOn,
            // Objects carry fixed names: a replacement must delete the old one first or the create collides.
            deleteBeforeReplace: true,
          },
        );
      }
    }

    const hosts: GlobalHost[] = build.model.services.map((s) => ({
      service: s.name,
      namespace: s.namespace,
      host: s.host,
      address: s.address,
      clusters: s.clusters,
      ports: s.ports.map((p) => p.number),
    }));
    const objectNames = Object.fromEntries([...build.compiled.objects].map(([c, objs]) => [c, objs.map(objectKey)]));
    this.globalNamespaceName = spec.name;
    this.claims = claims;
    this.memberNamespaces = memberNamespaces;
    this.hosts = pulumi.output(hosts);
    this.objectNames = pulumi.output(objectNames);
    // Drawn from names and ports only, so it is known at preview even when ingress addresses are not.
    this.topology = pulumi.output(topologyToMermaid(buildTopology(build, manifests)));
    this.registerOutputs({
      globalNamespaceName: this.globalNamespaceName,
      claims: this.claims,
      memberNamespaces: this.memberNamespaces,
      hosts: this.hosts,
      objectNames: this.objectNames,
      topology: this.topology,
    });
  }
}

/**
 * The Pulumi name of one object: `<resource>-<cluster>-<object>` for the objects in the cluster's gateways' namespace
 * (most of them), `<resource>-<cluster>-<namespace>/<object>` for those in an application namespace
 * (PeerAuthentications, workload AuthorizationPolicies), which repeat an object name per namespace. Pulumi tells
 * objects of different kinds apart by their type; the `/` never occurs in the first form.
 */
function resourceName(
  resource: string,
  cluster: string,
  obj: MeshObject<unknown>,
  gatewayNamespace: string | undefined,
): string {
  const { name, namespace } = obj.metadata;
  return namespace === gatewayNamespace
    ? `${resource}-${cluster}-${name}`
    : `${resource}-${cluster}-${namespace}/${name}`;
}
