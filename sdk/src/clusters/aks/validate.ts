import { IssueList } from "../../mesh";
import { parseIpv4 } from "../../mesh";
import {
  checkArgFields,
  checkBoolean,
  checkInteger,
  checkNetwork,
  checkText,
  fieldCheck,
  textGrammar,
} from "../../mesh/checks";
import { checkClusterName, checkKubernetesVersion, checkMachineSize, checkRegion } from "../checks";
import { AksClusterArgs } from "./args";

export const AKS_DEFAULTS = {
  kubernetesVersion: "1.35",
  nodeCount: 3,
  vmSize: "Standard_D2s_v5",
  systemNodeCount: 2,
  systemVmSize: "Standard_D2s_v5",
  podCidr: "10.244.0.0/16",
} as const;

/** AKS's default service range (`serviceCidr`: 10.0.0.0/16), which the pod range must not overlap. */
const AKS_SERVICE_CIDR = { text: "10.0.0.0/16", first: 10 * 2 ** 24, size: 2 ** 16 };

/** AksCluster args with defaults applied, checked. */
export interface AksSettings {
  clusterName: string;
  location: string;
  /** DNS prefix of the API server's FQDN (AKS allows 1–54 characters). */
  dnsPrefix: string;
  kubernetesVersion: string;
  nodeCount: number;
  vmSize: string;
  systemNodeCount: number;
  systemVmSize: string;
  /** The overlay's pod range, or undefined when the network profile is left to AKS (`cniOverlay: false`). */
  podCidr?: string;
  network?: string;
}

/** The args' fields, kept whole by the compiler: a misspelt one is refused. */
const AKS_FIELDS = Object.keys({
  clusterName: 0,
  location: 0,
  resourceGroupName: 0,
  kubernetesVersion: 0,
  nodeCount: 0,
  vmSize: 0,
  systemNodeCount: 0,
  systemVmSize: 0,
  cniOverlay: 0,
  podCidr: 0,
  network: 0,
} satisfies Record<keyof AksClusterArgs, 0>);

/** Location names as ARM writes them: `eastus2`, `westeurope`, `germanywestcentral`. */
export function isAzureLocation(s: string): boolean {
  return /^[a-z][a-z0-9]+$/.test(s);
}

const checkAzureLocation = fieldCheck(
  textGrammar("an Azure location name", "use the lowercase name without spaces", isAzureLocation),
);

/**
 * Checks AksCluster args and applies defaults; throws a SpecError listing every problem.
 * `defaultLocation` is the `azure-native:location` config value.
 */
export function validateAksClusterArgs(
  name: string,
  args: AksClusterArgs,
  defaultLocation: string | undefined,
): AksSettings {
  const issues = new IssueList();
  const a = args ?? {};
  checkArgFields(issues, args, AKS_FIELDS);
  const clusterName = checkClusterName(issues, a.clusterName, name);
  const location = checkRegion(issues, "location", a.location, checkAzureLocation, {
    configured: defaultLocation,
    configuredFrom: "the azure-native:location config",
    configKey: "azure-native:location",
    example: locationExample(a.location ?? defaultLocation),
  });
  if (a.resourceGroupName === "" || a.resourceGroupName === null)
    issues.add(
      "resourceGroupName",
      `is empty; give the name of an existing resource group, e.g. "platform-rg", or leave it out to create one`,
    );
  const kubernetesVersion = checkKubernetesVersion(
    issues,
    "kubernetesVersion",
    a.kubernetesVersion,
    AKS_DEFAULTS.kubernetesVersion,
    true,
  );
  const nodeCount = checkInteger(issues, "nodeCount", a.nodeCount, {
    min: 1,
    max: 1000,
    default: AKS_DEFAULTS.nodeCount,
  });
  const vmSize = checkMachineSize(issues, "vmSize", a.vmSize, "an Azure VM size", AKS_DEFAULTS.vmSize);
  const systemNodeCount = checkInteger(issues, "systemNodeCount", a.systemNodeCount, {
    min: 1,
    max: 1000,
    default: AKS_DEFAULTS.systemNodeCount,
  });
  const systemVmSize = checkMachineSize(
    issues,
    "systemVmSize",
    a.systemVmSize,
    "an Azure VM size",
    AKS_DEFAULTS.systemVmSize,
  );
  const overlay = checkBoolean(issues, "cniOverlay", a.cniOverlay, { example: true }) ?? true;
  if (!overlay && a.podCidr !== undefined)
    issues.add("podCidr", "applies only to the CNI overlay; drop it, or drop cniOverlay: false");
  const podCidr = overlay
    ? checkText(issues, "podCidr", a.podCidr, checkPodCidr, {
        example: AKS_DEFAULTS.podCidr,
        default: AKS_DEFAULTS.podCidr,
      })
    : undefined;
  const network = checkNetwork(issues, "network", a.network);
  issues.throwIfBadArgs(`AksCluster "${name}"`);
  return {
    clusterName,
    location,
    dnsPrefix: clusterName.slice(0, 54).replace(/-+$/, ""),
    kubernetesVersion,
    nodeCount,
    vmSize,
    systemNodeCount,
    systemVmSize,
    ...(podCidr !== undefined && { podCidr }),
    ...(network !== undefined && { network }),
  };
}

/** The name ARM would write for a display name ("West Europe" → "westeurope"), else a common location. */
function locationExample(location: unknown): string {
  const armName = typeof location === "string" ? location.toLowerCase().replace(/\s+/g, "") : "";
  return isAzureLocation(armName) ? armName : "westeurope";
}

/** An aligned IPv4 block from /8 to /22 that does not overlap AKS's service range. */
function checkPodCidr(cidr: string): string | undefined {
  const m = /^([0-9.]+)\/(\d{1,2})$/.exec(cidr);
  const base = m ? parseIpv4(m[1]) : undefined;
  const prefix = m ? Number(m[2]) : NaN;
  if (base === undefined || !(prefix >= 8 && prefix <= 22))
    return `"${cidr}" is not an IPv4 CIDR from /8 to /22; use e.g. ${AKS_DEFAULTS.podCidr}`;
  const size = 2 ** (32 - prefix);
  if (base % size !== 0) return `"${cidr}" is not aligned; use the block's first address, e.g. ${AKS_DEFAULTS.podCidr}`;
  const service = AKS_SERVICE_CIDR;
  if (base < service.first + service.size && service.first < base + size)
    return `"${cidr}" overlaps AKS's service range ${service.text}; use e.g. ${AKS_DEFAULTS.podCidr}`;
  return undefined;
}
