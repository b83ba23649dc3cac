import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { IssueList, SpecError } from "../mesh";
import { checkLiteral, quoteValue } from "../mesh/checks";
import { ClusterCa, MeshTrustArgs } from "./args";
import { CA_USAGES, certChain, rootBundle } from "./certs";
import { ISTIO_NAMESPACE } from "./defaults";
import { MeshTrustPlan, planMeshTrust, RootName, rootLayout } from "./trustPlan";

/**
 * The mesh's shared root of trust and identity. Istio clusters only accept each other's mTLS when their workload
 * certificates chain to a root they trust, and only form one mesh with one mesh ID and trust domain. MeshTrust makes
 * (or takes) the root CA and signs one intermediate CA per cluster it is told about (Istio's "plug-in CA"); each
 * MeshCluster takes its cluster's intermediate as plain data (`caFor(clusterName)` in TypeScript,
 * `intermediates[clusterName]` elsewhere).
 *
 * Lifecycle: every certificate renews early (`earlyRenewalHours`): an intermediate is signed again by the next
 * `pulumi up` in its window, and istiod reloads it from `cacerts`; the root is protected (its renewal window stops the
 * preview at the protection), and is replaced only by a rotation (`rootRotation`), three steps with both roots trusted
 * in between (docs/operating.md). An unprotected root (`protectRoot: false`) does not renew early.
 *
 * The root keys never leave MeshTrust: no output carries them. Intermediate keys are secret outputs.
 */
export class MeshTrust extends pulumi.ComponentResource {
  /** Mesh ID: `global.meshID` of every istiod in the mesh. Give it to each MeshCluster as `meshId`. */
  public readonly meshId: string;
  /** SPIFFE trust domain of every workload identity in the mesh. Give it to each MeshCluster as `trustDomain`. */
  public readonly trustDomain: string;
  /** The clusters that have an intermediate CA, in the order given. */
  public readonly clusters: string[];
  /** The root CA certificate that signs the intermediates, PEM (the new root from a rotation's second step). */
  public readonly rootCertPem: pulumi.Output<string>;
  /** Every root the clusters trust, PEM (`root-cert.pem`): the root, or both roots during a rotation. */
  public readonly trustedRootsPem: pulumi.Output<string>;
  /**
   * Per cluster name, its intermediate CA: what that cluster's MeshCluster takes as `ca`. A map of separate Outputs,
   * so each cluster's CA depends on its own certificate only (adding a cluster leaves the others' known and unchanged).
   * The keys are secret.
   */
  public readonly intermediates: Record<string, ClusterCa>;

  constructor(name: string, args: MeshTrustArgs, opts?: pulumi.ComponentResourceOptions) {
    const plan = planMeshTrust(name, args);
    // No args to super: a root key given as a plain string must not be recorded as a component input.
    super("globalmesh:index:MeshTrust", name, {}, opts);
    const roots = makeRoots(name, args, plan, this);

    this.meshId = plan.meshId;
    this.trustDomain = plan.trustDomain;
    this.clusters = plan.clusters;
    this.rootCertPem = roots.signer.certPem;
    this.trustedRootsPem = pulumi.all(roots.trusted.map((r) => r.certPem)).apply(rootBundle);
    this.intermediates = Object.fromEntries(
      plan.clusters.map((cluster) => [
        cluster,
        signIntermediate(`${name}-${cluster}`, cluster, roots.signer, this.trustedRootsPem, plan, this),
      ]),
    );
    this.registerOutputs({
      meshId: this.meshId,
      trustDomain: this.trustDomain,
      clusters: this.clusters,
      rootCertPem: this.rootCertPem,
      trustedRootsPem: this.trustedRootsPem,
      intermediates: this.intermediates,
    });
  }

  /**
   * The intermediate CA of one cluster, for its MeshCluster's `ca` (`intermediates[clusterName]`, checked). Throws
   * SpecError when MeshTrust was not told about the cluster: add it to `clusters`.
   */
  caFor(clusterName: string): ClusterCa {
    const ca = this.clusters.includes(clusterName) ? this.intermediates[clusterName] : undefined;
    if (ca) return ca;
    const issues = new IssueList();
    if (checkLiteral(issues, "clusterName", clusterName, "cluster1")) {
      const listed = this.clusters.join(", ") || "none";
      const example = `[${[...this.clusters, clusterName].map(quoteValue).join(", ")}]`;
      issues.add(
        "clusterName",
        `${quoteValue(clusterName)} is not one of MeshTrust's clusters (${listed}), so it has no intermediate CA; add it to MeshTrust's clusters, e.g. clusters: ${example}`,
      );
    }
    throw new SpecError(issues.issues, "MeshTrust.caFor", "invalid arguments");
  }
}

interface RootCa {
  certPem: pulumi.Output<string>;
  keyPem: pulumi.Output<string>;
}

/** The roots of this step (trustPlan's rootLayout): the one that signs, and those the clusters trust, in order. */
interface Roots {
  signer: RootCa;
  trusted: RootCa[];
}

function makeRoots(name: string, args: MeshTrustArgs, plan: MeshTrustPlan, parent: pulumi.Resource): Roots {
  const layout = rootLayout(plan);
  const made = new Map<RootName, RootCa>(
    layout.roots.map((r) => [
      r.name,
      plan.ownRoot ? givenRoot(args, plan, r.name) : generateRoot(name, r, plan, parent),
    ]),
  );
  const pick = (root: RootName): RootCa => {
    const found = made.get(root);
    if (!found) throw new Error(`MeshTrust: root ${String(root)} is used but not made (a bug in rootLayout)`);
    return found;
  };
  return { signer: pick(layout.signer), trusted: layout.trusted.map(pick) };
}

/**
 * A root the caller brings (checked by planMeshTrust): the old one in `rootCertPem`/`rootKeyPem`, the new one in
 * `rootRotation`.
 */
function givenRoot(args: MeshTrustArgs, plan: MeshTrustPlan, root: RootName): RootCa {
  const given = plan.rotation !== undefined && root === plan.rotation.to ? args.rootRotation : args;
  if (given?.rootCertPem === undefined || given.rootKeyPem === undefined)
    throw new Error(`MeshTrust: root ${String(root)} has no PEMs (a bug in planMeshTrust)`);
  return { certPem: pulumi.output(given.rootCertPem), keyPem: pulumi.secret(given.rootKeyPem) };
}

/** `<name>-root-…` for the first root, `<name>-root-<root>-…` for a rotation's: names never reused across roots. */
const rootBase = (name: string, root: RootName) => (root === undefined ? `${name}-root` : `${name}-root-${root}`);

function generateRoot(
  name: string,
  root: { name: RootName; protect: boolean; earlyRenewal: boolean },
  plan: MeshTrustPlan,
  parent: pulumi.Resource,
): RootCa {
  const base = rootBase(name, root.name);
  const protect = root.protect;
  const key = new tls.PrivateKey(`${base}-key`, { algorithm: "RSA", rsaBits: 4096 }, { parent, protect });
  const keyPem = pulumi.secret(key.privateKeyPem);
  const cert = new tls.SelfSignedCert(
    `${base}-cert`,
    {
      privateKeyPem: keyPem,
      isCaCertificate: true,
      allowedUses: CA_USAGES,
      setSubjectKeyId: true,
      subject: {
        organization: "globalmesh",
        commonName: root.name === undefined ? `${plan.meshId} root CA` : `${plan.meshId} root CA ${root.name}`,
      },
      validityPeriodHours: plan.rootValidityHours,
      // 0 once a rotation replaces this root (in its renewal window, a replacement would cut the overlap short), and
      // for an unprotected root, which nothing would stop from being replaced without overlap (rootLayout).
      earlyRenewalHours: root.earlyRenewal ? plan.rootEarlyRenewalHours : 0,
    },
    { parent, protect },
  );
  return { certPem: cert.certPem, keyPem };
}

/**
 * One cluster's intermediate, shaped like those of Istio's tools/certs (Makefile.selfsigned.mk): L=<cluster>, SAN
 * istiod. Its key and request stay through renewals and rotations: only the certificate is signed again.
 */
function signIntermediate(
  base: string,
  cluster: string,
  root: RootCa,
  trustedRootsPem: pulumi.Output<string>,
  plan: MeshTrustPlan,
  parent: pulumi.Resource,
): ClusterCa {
  const key = new tls.PrivateKey(`${base}-ca-key`, { algorithm: "RSA", rsaBits: 4096 }, { parent });
  const keyPem = pulumi.secret(key.privateKeyPem);
  const csr = new tls.CertRequest(
    `${base}-ca-csr`,
    {
      privateKeyPem: keyPem,
      subject: { organization: "globalmesh", commonName: `${cluster} intermediate CA`, locality: cluster },
      dnsNames: [`istiod.${ISTIO_NAMESPACE}.svc`],
    },
    { parent },
  );
  const cert = new tls.LocallySignedCert(
    `${base}-ca-cert`,
    {
      certRequestPem: csr.certRequestPem,
      caCertPem: root.certPem,
      caPrivateKeyPem: root.keyPem,
      isCaCertificate: true,
      // Meant as pathlen 0 (istiod signs workload certificates only), but the tls provider sets only Go's
      // MaxPathLen, never MaxPathLenZero, and Go reads 0 without it as "no limit": the intermediate carries no
      // pathLenConstraint (docs/operating.md, "Certificate lifetimes"). Kept: removing it would re-sign every
      // intermediate for nothing.
      maxPathLength: 0,
      setSubjectKeyId: true,
      allowedUses: CA_USAGES,
      validityPeriodHours: plan.intermediateValidityHours,
      earlyRenewalHours: plan.intermediateEarlyRenewalHours,
    },
    { parent },
  );
  return {
    certPem: cert.certPem,
    keyPem,
    certChainPem: pulumi.all([cert.certPem, root.certPem]).apply(([c, r]) => certChain(c, r)),
    rootCertsPem: trustedRootsPem,
  };
}
