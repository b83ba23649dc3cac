/** Key usages of the root and intermediate CAs: they sign certificates and revocation lists, nothing else. */
export const CA_USAGES = ["cert_signing", "crl_signing", "digital_signature"];

/** Istio's plug-in CA files (the `cacerts` secret istiod reads at start-up). */
export const CACERTS_SECRET = "cacerts";

/** `cert-chain.pem`: the intermediate first, then the root, each PEM block ending in a newline. */
export function certChain(intermediatePem: string, rootPem: string): string {
  const withNewline = (pem: string) => (pem.endsWith("\n") ? pem : `${pem}\n`);
  return withNewline(intermediatePem) + withNewline(rootPem);
}
