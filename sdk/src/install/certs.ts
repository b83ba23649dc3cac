import type * as pulumi from "@pulumi/pulumi";

/** Key usages of the root and intermediate CAs: they sign certificates and revocation lists, nothing else. */
export const CA_USAGES = ["cert_signing", "crl_signing", "digital_signature"];

/** Istio's plug-in CA files (the `cacerts` secret istiod reads at start-up and then watches). */
export const CACERTS_SECRET = "cacerts";

/**
 * istiod's environment for root rotation, set on every istiod. istiod watches the files of `cacerts` and reloads a
 * changed intermediate on its own, but it ignores a changed `root-cert.pem` ("Multi root is disabled, updating new
 * ROOT-CA not supported") unless this is set, and then accepts only a bundle that holds the running one or is held
 * in it (pilot/pkg/bootstrap/istio_ca.go `handleEvent`, pilot/pkg/features/pilot.go `MultiRootMesh`): Istio 1.29.6
 * compares the PEM bytes (`bytes.Contains`), 1.30.3 the sets of certificates they decode to
 * (`pemBundleHasSubsetRelation`). With it, istiod also pushes the roots to every sidecar as its trust bundle
 * (certcontroller.go `updateRootCertAndGenKeyCert`, xds/pcds.go), so a rotation needs no istiod or sidecar restart.
 */
export const MULTIROOT_ENV = { name: "ISTIO_MULTIROOT_MESH", value: "true" } as const;

/** `cert-chain.pem`: the intermediate first, then the root, each PEM block ending in a newline. */
export function certChain(intermediatePem: string, rootPem: string): string {
  return withNewline(intermediatePem) + withNewline(rootPem);
}

/**
 * `root-cert.pem`: the roots a cluster trusts. One root is written as it is; several are joined, each ending in a
 * newline, so the bundle holds each root's exact text. istiod takes a new root file only when it holds the running
 * one or is held in it, as bytes (1.29) or as certificates (1.30): old alone → old + new → new alone passes both.
 */
export function rootBundle(rootPems: string[]): string {
  return rootPems.length === 1 ? rootPems[0] : rootPems.map(withNewline).join("");
}

function withNewline(pem: string): string {
  return pem.endsWith("\n") ? pem : `${pem}\n`;
}

/**
 * The three `pulumi up`s of a root rotation, in order; each a small diff of its own (see docs/operating.md, "Rotating
 * the mesh CA").
 */
export const RootRotationPhase = {
  /** Step 1: the new root is made and every cluster trusts both (`root-cert.pem` = old + new); nothing is re-signed. */
  ADD_NEW_ROOT: "add-new-root",
  /** Step 2: the new root signs every cluster's intermediate again (same keys); both roots stay trusted. */
  SIGN_WITH_NEW_ROOT: "sign-with-new-root",
  /** Step 3, after the workload certificate lifetime: the old root is deleted and trusted no more. */
  REMOVE_OLD_ROOT: "remove-old-root",
} as const;
export type RootRotationPhase = (typeof RootRotationPhase)[keyof typeof RootRotationPhase];

/** A root rotation in progress (MeshTrust's `rootRotation`). */
export interface RootRotation {
  /**
   * Name of the new root, a DNS-1123 label, e.g. `"2027"`: its resources are `<name>-root-<to>-key` and
   * `<name>-root-<to>-cert`. Keep it once the rotation is done: it names the mesh's root from then on.
   */
  to: string;
  /**
   * Name of the root being replaced: the `to` of the previous rotation. Default: the mesh's first root
   * (`<name>-root-key`, `<name>-root-cert`).
   */
  from?: string;
  /** Which step of the rotation to apply; move through them in order, one `pulumi up` each. */
  phase: RootRotationPhase;
  /**
   * With a root you bring (`rootCertPem`/`rootKeyPem`, the old one): the new root's certificate, PEM. Default: none
   * (MeshTrust generates the new root); required when you bring the old one.
   */
  rootCertPem?: pulumi.Input<string>;
  /** With a root you bring: the new root's private key, PEM, kept secret. Give it with `rootRotation.rootCertPem`. */
  rootKeyPem?: pulumi.Input<string>;
}
