import { IssueList } from "../../mesh";
import { describe } from "../../mesh/fields";
import { checkClusterName, checkInteger, checkKubernetesVersion, checkNetwork, checkToken } from "../checks";
import { AksClusterArgs } from "./args";

export const AKS_DEFAULTS = {
  kubernetesVersion: "1.35",
  nodeCount: 3,
  vmSize: "Standard_D2s_v5",
} as const;

/** AksCluster args with defaults applied, checked. */
export interface AksSettings {
  clusterName: string;
  location: string;
  /** DNS prefix of the API server's FQDN (AKS allows 1–54 characters). */
  dnsPrefix: string;
  kubernetesVersion: string;
  nodeCount: number;
  vmSize: string;
  network?: string;
}

/** Location names as ARM writes them: `eastus2`, `westeurope`, `germanywestcentral`. */
export function isAzureLocation(s: string): boolean {
  return /^[a-z][a-z0-9]+$/.test(s);
}

/**
 * Checks AksCluster args and applies defaults; throws a SpecError listing every problem.
 * `defaultLocation` is the `azure-native:location` config value.
 */
export function validateAksClusterArgs(name: string, args: AksClusterArgs, defaultLocation: string | undefined): AksSettings {
  const issues = new IssueList();
  const a = args ?? {};
  const clusterName = checkClusterName(issues, a.clusterName, name);
  const location = a.location ?? defaultLocation;
  if (location === undefined) issues.add("location", "is not set; give location, or run `pulumi config set azure-native:location westeurope`");
  else if (typeof location !== "string" || !isAzureLocation(location)) {
    const fix = typeof location === "string" && location.trim() ? `"${location.toLowerCase().replace(/\s+/g, "")}"` : "e.g. westeurope";
    issues.add("location", `${describe(location)} is not an Azure location name; use the lowercase name without spaces, ${fix}`);
  }
  if (a.resourceGroupName !== undefined && (a.resourceGroupName === "" || a.resourceGroupName === null))
    issues.add("resourceGroupName", "is empty; give the name of an existing resource group, or leave it out to create one");
  const kubernetesVersion = checkKubernetesVersion(issues, "kubernetesVersion", a.kubernetesVersion, AKS_DEFAULTS.kubernetesVersion, true);
  const nodeCount = checkInteger(issues, "nodeCount", a.nodeCount, AKS_DEFAULTS.nodeCount, 1, 1000);
  const vmSize = checkToken(issues, "vmSize", a.vmSize, AKS_DEFAULTS.vmSize);
  const network = checkNetwork(issues, a.network);
  issues.throwIfBadArgs(`AksCluster "${name}"`);
  return {
    clusterName,
    location: location!,
    dnsPrefix: clusterName.slice(0, 54).replace(/-+$/, ""),
    kubernetesVersion,
    nodeCount,
    vmSize,
    ...(network !== undefined && { network }),
  };
}
