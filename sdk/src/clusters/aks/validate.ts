import { IssueList } from "../../mesh";
import { checkArgFields, checkInteger, checkNetwork, fieldCheck, textGrammar } from "../../mesh/checks";
import { checkClusterName, checkKubernetesVersion, checkMachineSize, checkRegion } from "../checks";
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

/** The args' fields, kept whole by the compiler: a misspelt one is refused. */
const AKS_FIELDS = Object.keys({
  clusterName: 0,
  location: 0,
  resourceGroupName: 0,
  kubernetesVersion: 0,
  nodeCount: 0,
  vmSize: 0,
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
  const network = checkNetwork(issues, "network", a.network);
  issues.throwIfBadArgs(`AksCluster "${name}"`);
  return {
    clusterName,
    location,
    dnsPrefix: clusterName.slice(0, 54).replace(/-+$/, ""),
    kubernetesVersion,
    nodeCount,
    vmSize,
    ...(network !== undefined && { network }),
  };
}

/** The name ARM would write for a display name ("West Europe" → "westeurope"), else a common location. */
function locationExample(location: unknown): string {
  const armName = typeof location === "string" ? location.toLowerCase().replace(/\s+/g, "") : "";
  return isAzureLocation(armName) ? armName : "westeurope";
}
