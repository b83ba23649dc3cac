import { createHash } from "node:crypto";
import { PropertyMap, reveal, Secret } from "./wire";

/**
 * What the providers would answer, for the resource types, functions and reads our programs use: the stand-in
 * engine's defaults. Values derive from the URN (a short hash) and the inputs, so runs are repeatable and a test can
 * tell whose value went where. Secret where the real provider marks the output secret.
 */

export const ACCOUNT_ID = "123456789012";

export interface ResourceContext {
  type: string;
  name: string;
  urn: string;
  /** Inputs as the program sent them (readable form: Secret / UNKNOWN markers), after `checkDefaults`. */
  inputs: PropertyMap;
  preview: boolean;
  /** Stack config, keys as `<namespace>:<key>` (e.g. `aws:region`). */
  config: Record<string, string>;
}

export interface InvokeContext {
  token: string;
  /** Arguments as sent (the SDK strips secret markers from invoke arguments). */
  args: PropertyMap;
  /** Explicit provider reference, or "" for the default provider. */
  provider: string;
  preview: boolean;
  config: Record<string, string>;
}

export interface ReadContext {
  type: string;
  name: string;
  urn: string;
  /** The ID the program asked for (for Kubernetes: `namespace/name`). */
  id: string;
  inputs: PropertyMap;
  preview: boolean;
  config: Record<string, string>;
}

export const shortHash = (s: string, n = 7) => createHash("sha256").update(s).digest("hex").slice(0, n);
const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");
const pem = (label: string, body: string) => `-----BEGIN ${label}-----\n${b64(body)}\n-----END ${label}-----\n`;
const obj = (v: unknown): Record<string, unknown> =>
  v && typeof v === "object" && v.constructor === Object ? (v as Record<string, unknown>) : {};

/** The kubeconfig (YAML) AKS returns for a cluster user, before base64. */
export function aksUserKubeconfig(resourceName: string, location = "westeurope"): string {
  return [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    `- name: ${resourceName}`,
    "  cluster:",
    `    server: https://${resourceName}-${shortHash(resourceName, 8)}.hcp.${location}.azmk8s.io:443`,
    `    certificate-authority-data: ${b64(`CA of ${resourceName}`)}`,
    "contexts:",
    `- name: ${resourceName}`,
    "  context:",
    `    cluster: ${resourceName}`,
    `    user: clusterUser_${resourceName}`,
    `current-context: ${resourceName}`,
    "users:",
    `- name: clusterUser_${resourceName}`,
    "  user:",
    `    token: ${shortHash(`token ${resourceName}`, 32)}`,
    "",
  ].join("\n");
}

/** Physical name the provider gives an unnamed resource: `<name>-<7 hex>` (Pulumi's auto-naming). */
const autoName = (ctx: { name: string; urn: string }) => `${ctx.name}-${shortHash(ctx.urn)}`;

/**
 * Defaults a provider fills in at Check time, so they are known even in a preview: auto-names. (The real suffix is
 * random; here it is a hash of the URN.)
 */
export function checkDefaults(ctx: Omit<ResourceContext, "inputs">, inputs: PropertyMap): PropertyMap {
  const fill = (key: string) => (inputs[key] === undefined ? { ...inputs, [key]: autoName(ctx) } : inputs);
  switch (ctx.type) {
    case "aws:iam/role:Role":
    case "aws:eks/cluster:Cluster":
      return fill("name");
    case "aws:eks/nodeGroup:NodeGroup":
      return fill("nodeGroupName");
    case "azure-native:resources:ResourceGroup":
      return fill("resourceGroupName");
    case "azure-native:containerservice:ManagedCluster":
      return fill("resourceName");
    case "kubernetes:helm.sh/v3:Release":
      return fill("name");
  }
  // Kubernetes objects without metadata.name get an auto-name (not Helm releases, patches or providers).
  const metadata = inputs.metadata;
  if (
    ctx.type.startsWith("kubernetes:") &&
    !/^kubernetes:(helm\.sh|yaml)\//.test(ctx.type) &&
    !ctx.type.endsWith("Patch")
  ) {
    if (metadata === undefined) return { ...inputs, metadata: { name: autoName(ctx) } };
    if (metadata && metadata.constructor === Object && (metadata as PropertyMap).name === undefined)
      return { ...inputs, metadata: { ...(metadata as PropertyMap), name: autoName(ctx) } };
  }
  return inputs;
}

/** Outputs the cloud computes on create (`pulumi up` only: in a preview these are unknown). */
export function computedOutputs(ctx: ResourceContext): PropertyMap | undefined {
  const { name, urn, inputs } = ctx;
  const h = shortHash(urn);
  const region = String(reveal(inputs.region) ?? ctx.config["aws:region"] ?? "us-west-2");
  const arn = (service: string, resource: string) => `arn:aws:${service}:${region}:${ACCOUNT_ID}:${resource}`;
  switch (ctx.type) {
    case "aws:ec2/vpc:Vpc":
      return {
        arn: arn("ec2", `vpc/vpc-${h}`),
        ownerId: ACCOUNT_ID,
        defaultSecurityGroupId: `sg-${h}`,
        mainRouteTableId: `rtb-${h}`,
        defaultNetworkAclId: `acl-${h}`,
      };
    case "aws:ec2/subnet:Subnet":
      return {
        arn: arn("ec2", `subnet/subnet-${h}`),
        ownerId: ACCOUNT_ID,
        availabilityZoneId: `${region.replace(/-/g, "")}-az1`,
      };
    case "aws:ec2/internetGateway:InternetGateway":
      return { arn: arn("ec2", `internet-gateway/igw-${h}`), ownerId: ACCOUNT_ID };
    case "aws:ec2/routeTable:RouteTable":
      return { arn: arn("ec2", `route-table/rtb-${h}`), ownerId: ACCOUNT_ID };
    case "aws:ec2/eip:Eip":
      return {
        allocationId: `eipalloc-${h}`,
        publicIp: `198.51.100.${parseInt(h.slice(0, 2), 16) % 250}`,
        publicDns: `ec2-${h}.compute.amazonaws.com`,
      };
    case "aws:ec2/natGateway:NatGateway":
      return {
        publicIp: `198.51.100.${parseInt(h.slice(2, 4), 16) % 250}`,
        privateIp: "10.0.0.10",
        networkInterfaceId: `eni-${h}`,
      };
    case "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule":
      return { arn: arn("ec2", `security-group-rule/sgr-${h}`), securityGroupRuleId: `sgr-${h}` };
    case "aws:iam/role:Role":
      return {
        arn: `arn:aws:iam::${ACCOUNT_ID}:role/${String(inputs.name)}`,
        uniqueId: `AROA${h.toUpperCase()}`,
        createDate: "2025-01-01T00:00:00Z",
      };
    case "aws:eks/cluster:Cluster": {
      const eksName = String(inputs.name);
      return {
        arn: arn("eks", `cluster/${eksName}`),
        endpoint: `https://${h.toUpperCase()}.gr7.${region}.eks.amazonaws.com`,
        certificateAuthority: { data: b64(`CA of ${eksName}`) },
        vpcConfig: {
          ...obj(inputs.vpcConfig),
          clusterSecurityGroupId: `sg-${shortHash(`${urn}/cluster-sg`)}`,
          vpcId: `vpc-${shortHash(`${urn}/vpc`)}`,
        },
        version: inputs.version ?? "1.33",
        platformVersion: "eks.1",
        status: "ACTIVE",
        identities: [{ oidcs: [{ issuer: `https://oidc.eks.${region}.amazonaws.com/id/${h.toUpperCase()}` }] }],
      };
    }
    case "aws:eks/nodeGroup:NodeGroup":
      return {
        arn: arn("eks", `nodegroup/${String(reveal(inputs.clusterName))}/${String(inputs.nodeGroupName)}/${h}`),
        status: "ACTIVE",
        resources: [{ autoscalingGroups: [{ name: `eks-${h}` }] }],
      };
    case "aws:eks/addon:Addon":
      return {
        arn: arn("eks", `addon/${String(reveal(inputs.clusterName))}/${String(inputs.addonName)}/${h}`),
        createdAt: "2025-01-01T00:00:00Z",
      };
    case "aws:eks/accessEntry:AccessEntry":
      return {
        accessEntryArn: arn("eks", `access-entry/${String(reveal(inputs.clusterName))}/${h}`),
        userName: String(reveal(inputs.principalArn)),
      };
    case "azure-native:containerservice:AgentPool":
      return { name: inputs.agentPoolName, provisioningState: "Succeeded", azureApiVersion: "2024-10-01" };
    case "azure-native:resources:ResourceGroup":
      return {
        name: inputs.resourceGroupName,
        azureApiVersion: "2024-03-01",
        properties: { provisioningState: "Succeeded" },
      };
    case "azure-native:containerservice:ManagedCluster": {
      const location = String(inputs.location ?? ctx.config["azure-native:location"] ?? "westeurope");
      return {
        name: inputs.resourceName,
        fqdn: `${String(inputs.dnsPrefix ?? name)}-${shortHash(urn, 8)}.hcp.${location}.azmk8s.io`,
        provisioningState: "Succeeded",
        powerState: { code: "Running" },
        nodeResourceGroup: `MC_${String(reveal(inputs.resourceGroupName))}_${String(inputs.resourceName)}_${location}`,
        identity: {
          ...obj(inputs.identity),
          principalId: `00000000-0000-0000-0000-${h.padEnd(12, "0")}`,
          tenantId: "00000000-0000-0000-0000-000000000001",
        },
        azureApiVersion: "2024-10-01",
      };
    }
    case "tls:index/privateKey:PrivateKey": {
      // The tls provider marks private key material secret.
      const label =
        inputs.algorithm === "ECDSA"
          ? "EC PRIVATE KEY"
          : inputs.algorithm === "ED25519"
            ? "PRIVATE KEY"
            : "RSA PRIVATE KEY";
      return {
        privateKeyPem: new Secret(pem(label, `stand-in key of ${urn}`)),
        privateKeyPemPkcs8: new Secret(pem("PRIVATE KEY", `stand-in key of ${urn}`)),
        privateKeyOpenssh: new Secret(pem("OPENSSH PRIVATE KEY", `stand-in key of ${urn}`)),
        publicKeyPem: pem("PUBLIC KEY", `stand-in public key of ${urn}`),
        publicKeyOpenssh: `ssh-rsa ${b64(`stand-in public key of ${urn}`)}\n`,
        publicKeyFingerprintMd5: h,
        publicKeyFingerprintSha256: `SHA256:${h}`,
      };
    }
    case "tls:index/selfSignedCert:SelfSignedCert":
    case "tls:index/locallySignedCert:LocallySignedCert":
      return {
        certPem: pem("CERTIFICATE", `stand-in certificate of ${urn}`),
        validityStartTime: "2025-01-01T00:00:00Z",
        validityEndTime: "2035-01-01T00:00:00Z",
        readyForRenewal: false,
      };
    case "tls:index/certRequest:CertRequest":
      return { certRequestPem: pem("CERTIFICATE REQUEST", `stand-in CSR of ${urn}`) };
    case "kubernetes:helm.sh/v3:Release":
      return {
        status: {
          name: inputs.name,
          namespace: reveal(inputs.namespace) ?? "default",
          chart: inputs.chart,
          version: inputs.version,
          appVersion: inputs.version,
          revision: 1,
          status: "deployed",
        },
      };
  }
  if (ctx.type.startsWith("kubernetes:") && !ctx.type.startsWith("kubernetes:yaml/")) {
    const metadata = {
      ...obj(inputs.metadata),
      uid: `00000000-0000-4000-8000-${h.padEnd(12, "0")}`,
      resourceVersion: "1",
      creationTimestamp: "2025-01-01T00:00:00Z",
    };
    const out: PropertyMap = { metadata };
    if (ctx.type === "kubernetes:core/v1:Namespace") out.status = { phase: "Active" };
    if (ctx.type === "kubernetes:core/v1:Secret") {
      // The provider turns stringData into data and marks both secret.
      const data = Object.fromEntries(
        Object.entries(obj(reveal(inputs.stringData))).map(([k, v]) => [k, b64(String(v))]),
      );
      out.data = new Secret({ ...obj(reveal(inputs.data)), ...data });
      if (inputs.stringData !== undefined) out.stringData = new Secret(reveal(inputs.stringData));
    }
    return out;
  }
  return undefined;
}

/** Answers of the functions our programs call; undefined for a token nobody answers. */
export function defaultInvoke(ctx: InvokeContext): PropertyMap | undefined {
  const { args } = ctx;
  const region = String(args.region ?? ctx.config["aws:region"] ?? "us-west-2");
  switch (ctx.token) {
    case "aws:index/getAvailabilityZones:getAvailabilityZones": {
      const names = ["a", "b", "c"].map((z) => `${region}${z}`);
      return {
        ...args,
        id: region,
        region,
        names,
        zoneIds: names.map((_, i) => `${region.replace(/-/g, "")}-az${i + 1}`),
        groupNames: names.map(() => region),
      };
    }
    case "aws:eks/getAddonVersion:getAddonVersion": {
      // EKS's newest build of the add-on for that Kubernetes version, e.g. v1.19.2-eksbuild.1 for vpc-cni on 1.35.
      const minor = Number(String(args.kubernetesVersion).split(".")[1] ?? 0);
      return { ...args, id: String(args.addonName), region, version: `v1.${minor - 16}.0-eksbuild.1` };
    }
    case "aws:index/getCallerIdentity:getCallerIdentity":
      return {
        accountId: ACCOUNT_ID,
        arn: `arn:aws:iam::${ACCOUNT_ID}:user/stand-in`,
        userId: "AIDASTANDIN",
        id: ACCOUNT_ID,
      };
    case "aws:index/getRegion:getRegion":
      return { id: region, name: region, region, description: region, endpoint: `ec2.${region}.amazonaws.com` };
    case "azure-native:containerservice:listManagedClusterUserCredentials": {
      const resourceName = String(args.resourceName);
      const location = ctx.config["azure-native:location"] ?? "westeurope";
      return { kubeconfigs: [{ name: "clusterUser", value: b64(aksUserKubeconfig(resourceName, location)) }] };
    }
    default:
      return undefined;
  }
}

/** Load-balancer addresses handed out by `defaultRead`, one per Service, from 203.0.113.0/24 (TEST-NET-3). */
export class AddressPool {
  private readonly used = new Map<string, string>();
  address(key: string): string {
    const existing = this.used.get(key);
    if (existing) return existing;
    const taken = new Set(this.used.values());
    // Stable per key (a hash), moved on past addresses already given to other Services.
    let n = (parseInt(shortHash(key, 4), 16) % 200) + 10;
    while (taken.has(`203.0.113.${n}`)) n = n >= 250 ? 10 : n + 1;
    const ip = `203.0.113.${n}`;
    this.used.set(key, ip);
    return ip;
  }
}

/** What a read of an existing object returns; undefined when nothing is known about it. */
export function defaultRead(ctx: ReadContext, pool: AddressPool): PropertyMap | undefined {
  if (ctx.type === "kubernetes:core/v1:Service") {
    const [namespace, name] = ctx.id.includes("/") ? ctx.id.split("/", 2) : ["default", ctx.id];
    return {
      apiVersion: "v1",
      kind: "Service",
      metadata: {
        name,
        namespace,
        uid: `00000000-0000-4000-8000-${shortHash(ctx.urn).padEnd(12, "0")}`,
        resourceVersion: "1",
      },
      spec: {
        type: "LoadBalancer",
        clusterIP: "10.96.0.10",
        ports: [{ name: "https", port: 443, targetPort: 443, protocol: "TCP" }],
      },
      // The address other clusters reach this cluster on. Keyed by the URN: unique per cluster's read.
      status: { loadBalancer: { ingress: [{ ip: pool.address(ctx.urn) }] } },
    };
  }
  return undefined;
}
