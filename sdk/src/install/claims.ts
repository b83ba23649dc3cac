import { ClusterHandle } from "../clusters";

/**
 * Cluster handles (and their providers) already onboarded in this program, with the MeshCluster that owns them: two
 * Istio installations on one cluster would fight over the same Helm releases and `cacerts`. Weak, so handles of
 * finished programs (tests) can be collected.
 */
const owners = new WeakMap<object, string>();

/** The MeshCluster that already onboarded this handle or its provider, if any. */
export function ownerOf(handle: ClusterHandle): string | undefined {
  return owners.get(handle) ?? (handle.provider ? owners.get(handle.provider) : undefined);
}

export function claim(handle: ClusterHandle, owner: string): void {
  owners.set(handle, owner);
  owners.set(handle.provider, owner);
}
