/**
 * The schema every Pulumi language should get for the six components, written out by hand from the TypeScript: the
 * args interfaces (sdk/src/{clusters,install,gns}/…/args.ts, clusters/connection.ts) give the inputs, the classes'
 * `public readonly` fields give the outputs. Descriptions are left out here (checked separately: every property has
 * one).
 *
 * The analyzer's rules, as applied by hand:
 * - an args property of a bare type `T` is `plain` (a literal in every language: it decides which resources exist);
 *   `pulumi.Input<T>` is not. The same inside a nested interface used as an input, and for array items / map values
 *   (`string[]` → plain items, `pulumi.Input<string>[]` → non-plain items);
 * - outputs are never plain; `?` makes a property optional, anything else is required;
 * - an interface becomes an object type `globalmesh:index:<InterfaceName>`, `Required<T>` becomes `Required<T's name>`,
 *   an `as const` object + type alias becomes an enum, `{ [key: string]: any }` a map of `pulumi.json#/Any`.
 */

export interface Prop {
  type?: "string" | "number" | "boolean" | "array" | "object";
  $ref?: string;
  items?: Prop;
  additionalProperties?: Prop;
  plain?: true;
  optional?: true;
}

const str: Prop = { type: "string" };
const num: Prop = { type: "number" };
const bool: Prop = { type: "boolean" };
const any: Prop = { $ref: "pulumi.json#/Any" };
const arr = (items: Prop): Prop => ({ type: "array", items });
const map = (values: Prop): Prop => ({ type: "object", additionalProperties: values });
const ref = (name: string): Prop => ({ $ref: `#/types/globalmesh:index:${name}` });
/** A bare (non-Input) TypeScript type in input position. */
const plain = (p: Prop): Prop => ({ ...p, plain: true });
/** A `?` property. */
const opt = (p: Prop): Prop => ({ ...p, optional: true });

export interface ComponentExpectation {
  inputs: Record<string, Prop>;
  outputs: Record<string, Prop>;
}

/** Inputs from `<Name>Args`, outputs from the class's fields. */
export const COMPONENTS: Record<string, ComponentExpectation> = {
  EksCluster: {
    inputs: {
      clusterName: opt(plain(str)),
      region: opt(plain(str)),
      kubernetesVersion: opt(plain(str)),
      instanceType: opt(plain(str)),
      desiredSize: opt(plain(num)),
      minSize: opt(plain(num)),
      maxSize: opt(plain(num)),
      vpcCidr: opt(plain(str)),
      availabilityZones: opt(plain(arr(plain(str)))),
      availabilityZoneCount: opt(plain(num)),
      privateSubnetIds: opt(plain(arr(str))), // pulumi.Input<string>[]
      publicSubnetIds: opt(plain(arr(str))),
      kubeconfigProfile: opt(str), // pulumi.Input<string>
      kubeconfigRoleArn: opt(str),
      adminPrincipalArns: opt(plain(arr(str))), // pulumi.Input<string>[]
      network: opt(plain(str)),
    },
    outputs: {
      clusterName: str,
      kubeconfig: str,
      locality: str,
      network: opt(str),
      loadBalancerAnnotations: map(str), // Record<string, string>: the EKS NLB annotations
      eksClusterName: str,
      endpoint: str,
      vpcId: str,
      clusterSecurityGroupId: str,
    },
  },
  AksCluster: {
    inputs: {
      clusterName: opt(plain(str)),
      location: opt(plain(str)),
      resourceGroupName: opt(str), // pulumi.Input<string>
      kubernetesVersion: opt(plain(str)),
      nodeCount: opt(plain(num)),
      vmSize: opt(plain(str)),
      systemNodeCount: opt(plain(num)),
      systemVmSize: opt(plain(str)),
      cniOverlay: opt(plain(bool)),
      podCidr: opt(plain(str)),
      network: opt(plain(str)),
    },
    outputs: {
      clusterName: str,
      kubeconfig: str,
      locality: str,
      network: opt(str),
      resourceGroupName: str,
      aksClusterName: str,
      fqdn: str,
    },
  },
  KubeconfigCluster: {
    inputs: {
      kubeconfig: str, // pulumi.Input<string>, required
      context: opt(plain(str)),
      clusterName: opt(plain(str)),
      locality: opt(plain(str)),
      network: opt(plain(str)),
    },
    outputs: {
      clusterName: str,
      kubeconfig: str,
      locality: opt(str),
      network: opt(str),
    },
  },
  MeshTrust: {
    inputs: {
      clusters: plain(arr(plain(str))),
      meshId: opt(plain(str)),
      trustDomain: opt(plain(str)),
      rootCertPem: opt(str),
      rootKeyPem: opt(str),
      rootValidityHours: opt(plain(num)),
      rootEarlyRenewalHours: opt(plain(num)),
      intermediateValidityHours: opt(plain(num)),
      intermediateEarlyRenewalHours: opt(plain(num)),
      protectRoot: opt(plain(bool)),
      rootRotation: opt(plain(ref("RootRotation"))),
    },
    outputs: {
      meshId: str,
      trustDomain: str,
      clusters: arr(str),
      rootCertPem: str,
      trustedRootsPem: str,
      intermediates: map(ref("ClusterCa")), // Record<string, ClusterCa>: one Output per field
    },
  },
  MeshCluster: {
    inputs: {
      cluster: plain(ref("ClusterConnection")),
      ca: ref("ClusterCa"), // pulumi.Input<ClusterCa>
      meshId: plain(str),
      trustDomain: opt(plain(str)),
      network: opt(plain(str)),
      locality: opt(plain(str)),
      istio: opt(plain(ref("IstioRelease"))),
      injection: opt(plain(ref("InjectionPolicy"))),
      globalNamespaces: opt(plain(arr(plain(str)))),
      ingressAddress: opt(str),
      availability: opt(plain(ref("Availability"))),
      eastWest: opt(plain(bool)),
      eastWestAddress: opt(str),
    },
    outputs: {
      clusterName: str,
      kubeconfig: str,
      network: str,
      locality: opt(str),
      meshId: str,
      trustDomain: str,
      istioVersion: str,
      gateways: ref("GatewayPlacement"),
      ingress: ref("IngressEndpoint"),
      eastWest: opt(ref("IngressEndpoint")),
      ingressAddress: str,
      egressGatewayHost: str,
      gatewayPrincipals: ref("GatewayPrincipals"),
      injectedNamespaces: arr(str),
      injectionExcluded: arr(str),
    },
  },
  GlobalNamespace: {
    inputs: {
      globalNamespaceName: opt(plain(str)),
      domain: plain(str),
      mode: opt(plain(ref("MeshMode"))),
      ownDomain: opt(plain(bool)),
      clusters: plain(arr(plain(ref("GlobalNamespaceCluster")))),
      members: plain(arr(plain(ref("GlobalNamespaceMember")))),
      services: opt(plain(arr(plain(ref("GlobalNamespaceService"))))),
      manifests: opt(plain(arr(plain(ref("GlobalNamespaceManifests"))))),
      mtls: opt(plain(ref("MtlsMode"))),
      defaultDeny: opt(plain(bool)),
      policies: opt(plain(arr(plain(ref("AccessPolicySpec"))))),
      peers: opt(plain(arr(plain(ref("GlobalNamespacePeer"))))),
    },
    outputs: {
      globalNamespaceName: str,
      // GlobalNamespaceClaim[]: the type met first as an input (peers), so its fields are plain there.
      claims: arr(ref("GlobalNamespaceClaim")),
      memberNamespaces: arr(ref("GlobalNamespaceMemberNamespace")),
      hosts: arr(ref("GlobalHost")),
      objectNames: map(arr(str)), // Output<Record<string, string[]>>
      topology: str,
    },
  },
};

export interface ObjectTypeExpectation {
  properties: Record<string, Prop>;
}
export interface EnumTypeExpectation {
  type: "string";
  /** A member's description is its doc comment on the `as const` object's key, when it has one. */
  enum: { name: string; value: string; description?: string }[];
}

/**
 * Object types: the interfaces the components' inputs and outputs name. A type used only in outputs has no plain
 * properties; one used as an input has them wherever the TypeScript is a bare type.
 */
export const OBJECT_TYPES: Record<string, ObjectTypeExpectation> = {
  // clusters/connection.ts, as MeshClusterArgs.cluster (input).
  ClusterConnection: {
    properties: {
      clusterName: plain(str),
      kubeconfig: str,
      locality: opt(plain(str)),
      network: opt(plain(str)),
      loadBalancerAnnotations: opt(plain(map(plain(str)))),
    },
  },
  // clusters/connection.ts: GlobalNamespaceCluster.ingress (input). `port` is a bare `number` ("a literal"): plain.
  ClusterIngress: { properties: { address: str, port: opt(plain(num)) } },
  // install/args.ts: MeshTrust.intermediates values (output), MeshClusterArgs.ca (input); every field an Input.
  ClusterCa: { properties: { certPem: str, keyPem: str, certChainPem: str, rootCertsPem: str } },
  IstioRelease: {
    properties: {
      version: opt(plain(str)),
      revisions: opt(plain(arr(plain(ref("IstioRevision"))))),
      injectionRevision: opt(plain(str)),
      gatewayRevision: opt(plain(str)),
      hub: opt(plain(str)),
      repository: opt(plain(str)),
      values: opt(plain(ref("IstioValuesOverrides"))),
    },
  },
  IstioRevision: { properties: { name: plain(str), version: plain(str) } },
  Availability: {
    properties: {
      istiodReplicas: opt(plain(num)),
      gatewayReplicas: opt(plain(num)),
      spreadAcrossZones: opt(plain(bool)),
    },
  },
  // install/certs.ts, as MeshTrustArgs.rootRotation (input).
  RootRotation: {
    properties: {
      to: plain(str),
      from: opt(plain(str)),
      phase: plain(ref("RootRotationPhase")),
      rootCertPem: opt(str),
      rootKeyPem: opt(str),
    },
  },
  IstioValuesOverrides: {
    properties: {
      base: opt(plain(map(any))),
      istiod: opt(plain(map(any))),
      ingressGateway: opt(plain(map(any))),
      egressGateway: opt(plain(map(any))),
      eastWestGateway: opt(plain(map(any))),
    },
  },
  InjectionPolicy: {
    properties: {
      namespaces: opt(plain(arr(plain(str)))),
      allNamespaces: opt(plain(bool)),
      exclude: opt(plain(arr(plain(str)))),
    },
  },
  // install/outputs.ts, output only.
  GatewayPrincipals: { properties: { ingress: str, egress: str } },
  IngressEndpoint: { properties: { address: str, port: num } },
  GatewayPlacement: {
    properties: {
      namespace: str,
      ingressSelector: map(str),
      egressSelector: map(str),
      egressService: str,
      ingressServiceAccount: str,
      egressServiceAccount: str,
      eastWestSelector: opt(map(str)),
      eastWestServiceAccount: opt(str),
    },
  },
  // mesh/spec.ts, as GlobalNamespaceCluster.gateways (input).
  GatewaysSpec: {
    properties: {
      namespace: opt(plain(str)),
      ingressSelector: opt(plain(map(plain(str)))),
      egressSelector: opt(plain(map(plain(str)))),
      egressService: opt(plain(str)),
      ingressServiceAccount: opt(plain(str)),
      egressServiceAccount: opt(plain(str)),
      eastWestSelector: opt(plain(map(plain(str)))),
      eastWestServiceAccount: opt(plain(str)),
    },
  },
  // gns/args.ts: GlobalNamespaceCluster extends ClusterConnection.
  GlobalNamespaceCluster: {
    properties: {
      clusterName: plain(str),
      kubeconfig: str,
      locality: opt(plain(str)),
      network: opt(plain(str)),
      loadBalancerAnnotations: opt(plain(map(plain(str)))),
      ingress: opt(plain(ref("ClusterIngress"))),
      eastWest: opt(plain(ref("ClusterIngress"))),
      gateways: opt(plain(ref("GatewaysSpec"))),
      trustDomain: opt(plain(str)),
      namespaces: opt(plain(arr(plain(str)))),
      injectionExcluded: opt(plain(arr(plain(str)))),
    },
  },
  GlobalNamespaceMember: {
    properties: {
      cluster: plain(str),
      namespace: plain(str),
      excludeServices: opt(plain(arr(plain(str)))),
      calls: opt(plain(arr(plain(str)))),
      sidecarScope: opt(plain(bool)),
      extraEgressHosts: opt(plain(arr(plain(str)))),
    },
  },
  GlobalNamespaceService: {
    properties: {
      name: plain(str),
      namespace: plain(str),
      clusters: opt(plain(arr(plain(str)))),
      ports: opt(plain(arr(plain(ref("PortSpec"))))),
      address: opt(plain(str)),
      selector: opt(plain(map(plain(str)))),
      calls: opt(plain(arr(plain(str)))),
    },
  },
  // mesh/spec.ts.
  PortSpec: {
    properties: {
      number: plain(num),
      targetPort: opt(plain(num)),
      name: opt(plain(str)),
      protocol: opt(plain(ref("PortProtocol"))),
    },
  },
  GlobalNamespaceManifests: {
    properties: { cluster: plain(str), yaml: plain(str), defaultNamespace: opt(plain(str)) },
  },
  // mesh/spec.ts: the access policies (GlobalNamespaceArgs.policies).
  AccessPolicySpec: {
    properties: {
      name: plain(str),
      action: plain(ref("PolicyAction")),
      from: plain(arr(plain(ref("PolicySource")))),
      to: plain(arr(plain(ref("PolicyTarget")))),
    },
  },
  PolicySource: {
    properties: {
      namespace: plain(str),
      cluster: opt(plain(str)),
      serviceAccounts: opt(plain(arr(plain(str)))),
      service: opt(plain(str)),
    },
  },
  PolicyTarget: {
    properties: {
      service: plain(str),
      ports: opt(plain(arr(plain(num)))),
      methods: opt(plain(arr(plain(str)))),
      paths: opt(plain(arr(plain(str)))),
    },
  },
  // gns/args.ts: GlobalNamespaceArgs.peers (input); GlobalNamespaceClaim also types the `claims` output.
  GlobalNamespacePeer: {
    properties: {
      globalNamespaceName: plain(str),
      claims: plain(arr(plain(ref("GlobalNamespaceClaim")))),
      memberNamespaces: opt(plain(arr(plain(ref("GlobalNamespaceMemberNamespace"))))),
    },
  },
  GlobalNamespaceClaim: { properties: { host: plain(str), address: plain(str) } },
  GlobalNamespaceMemberNamespace: { properties: { clusterName: plain(str), namespace: plain(str) } },
  // gns/globalNamespace.ts, output only.
  GlobalHost: {
    properties: { service: str, namespace: str, host: str, address: str, clusters: arr(str), ports: arr(num) },
  },
};

const enumOf = (...values: string[]): EnumTypeExpectation => ({
  type: "string",
  enum: values.map((v) => ({ name: v, value: v })),
});

/**
 * mesh/spec.ts `PortProtocol`, `MtlsMode`, `PolicyAction`, `MeshMode`, install/certs.ts `RootRotationPhase`: `as const`
 * objects. A member's name is the object's key, its value the key's value.
 */
export const ENUM_TYPES: Record<string, EnumTypeExpectation> = {
  MeshMode: {
    type: "string",
    enum: [
      { name: "TUNNEL", value: "tunnel" },
      { name: "EAST_WEST", value: "east-west" },
    ],
  },
  PortProtocol: enumOf("HTTP", "HTTP2", "GRPC", "HTTPS", "TLS", "TCP", "MONGO"),
  MtlsMode: enumOf("STRICT", "PERMISSIVE"),
  PolicyAction: enumOf("ALLOW", "DENY"),
  // install/certs.ts: member names are the `as const` object's keys.
  RootRotationPhase: {
    type: "string",
    enum: [
      {
        name: "ADD_NEW_ROOT",
        value: "add-new-root",
        description:
          "Step 1: the new root is made and every cluster trusts both (`root-cert.pem` = old + new); nothing is re-signed.",
      },
      {
        name: "SIGN_WITH_NEW_ROOT",
        value: "sign-with-new-root",
        description:
          "Step 2: the new root signs every cluster's intermediate again (same keys); both roots stay trusted.",
      },
      {
        name: "REMOVE_OLD_ROOT",
        value: "remove-old-root",
        description: "Step 3, after the workload certificate lifetime: the old root is deleted and trusted no more.",
      },
    ],
  },
};

/** What the six components register as: `globalmesh:index:<ClassName>`. */
export const COMPONENT_NAMES = Object.keys(COMPONENTS);
export const token = (name: string): string => `globalmesh:index:${name}`;

/** Required properties: everything not optional, sorted (as generateSchema writes `required`/`requiredInputs`). */
export function requiredOf(props: Record<string, Prop>): string[] {
  return Object.entries(props)
    .filter(([, p]) => !p.optional)
    .map(([k]) => k)
    .sort();
}
