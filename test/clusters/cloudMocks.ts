import * as pulumi from "@pulumi/pulumi";
import { aksUserKubeconfig } from "../engine/cloud";
import { MockOptions } from "../helpers/pulumiHarness";

// One answer for "what AWS and Azure compute" in both the mocks and the stand-in engine.
export { aksUserKubeconfig };

/** What AWS and Azure would compute, answered by the mocks. Values derive from the resource name, so tests can predict them. */

export const ACCOUNT = "123456789012";
export const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

export function cloudState(args: pulumi.runtime.MockResourceArgs): Record<string, any> | undefined {
  const n = args.name;
  switch (args.type) {
    case "aws:iam/role:Role":
      return { name: `${n}-phys`, arn: `arn:aws:iam::${ACCOUNT}:role/${n}-phys` };
    case "aws:eks/cluster:Cluster":
      return {
        name: `${n}-phys`,
        arn: `arn:aws:eks:${args.inputs.region}:${ACCOUNT}:cluster/${n}-phys`,
        endpoint: `https://${n}.gr7.${args.inputs.region}.eks.amazonaws.com`,
        certificateAuthority: { data: b64(`CA of ${n}`) },
        vpcConfig: { ...args.inputs.vpcConfig, clusterSecurityGroupId: `sg-${n}`, vpcId: `vpc-${n}` },
      };
    case "azure-native:resources:ResourceGroup":
      return { name: `${n}-phys` };
    case "azure-native:containerservice:AgentPool":
      return { name: args.inputs.agentPoolName, provisioningState: "Succeeded" };
    case "aws:eks/accessEntry:AccessEntry":
      return { accessEntryArn: `arn:aws:eks:${args.inputs.region}:${ACCOUNT}:access-entry/${n}` };
    case "azure-native:containerservice:ManagedCluster":
      return { name: `${n}-phys`, fqdn: `${args.inputs.dnsPrefix}-abc.hcp.${args.inputs.location}.azmk8s.io` };
    default:
      return undefined;
  }
}

/** Mocks plus a log of every invoke, so tests can check what was asked. */
export function cloudMocks(preview: boolean): MockOptions & { calls: pulumi.runtime.MockCallArgs[] } {
  const calls: pulumi.runtime.MockCallArgs[] = [];
  return {
    preview,
    calls,
    state: cloudState,
    call: (args) => {
      calls.push(args);
      switch (args.token) {
        case "aws:index/getAvailabilityZones:getAvailabilityZones": {
          const names = ["a", "b", "c", "d"].map((z) => `${args.inputs.region}${z}`);
          // us-east-1's second zone maps to use1-az3 here, a zone ID EKS refuses.
          const zoneIds = names.map((_, i) =>
            args.inputs.region === "us-east-1" && i === 1 ? "use1-az3" : `zid-${i}`,
          );
          return {
            id: args.inputs.region,
            names,
            zoneIds,
            groupNames: names,
            region: args.inputs.region,
          };
        }
        case "aws:eks/getAddonVersion:getAddonVersion":
          return {
            ...args.inputs,
            id: args.inputs.addonName,
            version: `v-${args.inputs.addonName}-${args.inputs.kubernetesVersion}`,
          };
        case "aws:index/getRegion:getRegion":
          return { id: "us-west-2", name: "us-west-2", region: "us-west-2" };
        case "azure-native:containerservice:listManagedClusterUserCredentials":
          return { kubeconfigs: [{ name: "clusterUser", value: b64(aksUserKubeconfig(args.inputs.resourceName)) }] };
        default:
          throw new Error(`unexpected invoke ${args.token}`);
      }
    },
  };
}

/** Counts of registrations per type. */
export function countTypes(regs: { type: string }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of regs) out[r.type] = (out[r.type] ?? 0) + 1;
  return out;
}
