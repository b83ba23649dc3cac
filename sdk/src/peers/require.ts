/**
 * The cloud SDKs are optional peers: only `globalmesh/eks` and `globalmesh/aks` need them. Check before loading, so a
 * missing one says what to install instead of a bare "Cannot find module".
 */
export function requirePeer(pkg: string, entry: string): void {
  try {
    require.resolve(pkg);
  } catch {
    throw new Error(`${entry} needs ${pkg}, an optional peer dependency of globalmesh; install it: npm install ${pkg}`);
  }
}
