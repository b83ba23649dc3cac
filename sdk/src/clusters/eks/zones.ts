/**
 * Zone IDs in which EKS refuses a cluster's subnets (CreateCluster answers UnsupportedAvailabilityZoneException). From
 * the EKS User Guide, "View Amazon EKS networking requirements for VPC and subnets" (use1-az3, usw1-az2, cac1-az3), and
 * eksctl's `zoneIDsToAvoid` (cnn1-az4, eksctl issue #3916). By ID: zone names map to different IDs per account.
 */
export const EKS_UNSUPPORTED_ZONE_IDS: readonly string[] = ["use1-az3", "usw1-az2", "cac1-az3", "cnn1-az4"];

/** The region's zones as getAvailabilityZones lists them: names and IDs, index by index. */
export interface RegionZones {
  names: string[];
  zoneIds: string[];
}

/** The first `count` zones (by name, as listed) EKS accepts; throws when the region has fewer. */
export function pickEksZones(where: string, region: string, zones: RegionZones, count: number): string[] {
  const usable = zones.names.filter((_, i) => !EKS_UNSUPPORTED_ZONE_IDS.includes(zones.zoneIds[i]));
  if (usable.length < count)
    throw new Error(
      `${where}: ${region || "the region"} has ${usable.length} availability zones EKS accepts (${usable.join(", ") || "none"}), ` +
        `fewer than availabilityZoneCount ${count}; lower it`,
    );
  return usable.slice(0, count);
}

/** Throws when a named zone is one EKS refuses, or not an available zone of the region. */
export function checkEksZones(where: string, region: string, zones: RegionZones, given: string[]): string[] {
  given.forEach((name, i) => {
    const at = zones.names.indexOf(name);
    if (at < 0)
      throw new Error(
        `${where}: availabilityZones[${i}] "${name}" is not an available zone of ${region || "the region"} that needs no opt-in; use one of ${zones.names.join(", ")}`,
      );
    const id = zones.zoneIds[at];
    if (EKS_UNSUPPORTED_ZONE_IDS.includes(id)) {
      const others = zones.names.filter(
        (n, j) => !EKS_UNSUPPORTED_ZONE_IDS.includes(zones.zoneIds[j]) && !given.includes(n),
      );
      throw new Error(
        `${where}: availabilityZones[${i}] "${name}" is zone ID ${id}, where EKS does not run clusters; use another zone${others.length ? `, e.g. "${others[0]}"` : ""}`,
      );
    }
  });
  return given;
}
