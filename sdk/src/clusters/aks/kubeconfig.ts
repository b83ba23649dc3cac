/** The kubeconfig text from AKS's list-credentials answer, whose values are base64. */
export function decodeAksKubeconfig(kubeconfigs: readonly { name: string; value: string }[] | undefined): string {
  const first = kubeconfigs?.[0];
  if (!first?.value) throw new Error("AKS returned no kubeconfig for the cluster user");
  return Buffer.from(first.value, "base64").toString("utf8");
}
