import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { IssueList, SpecError } from "../mesh";
import { checkLiteral, quoteValue } from "../mesh/checks";
import { ClusterCa, MeshTrustArgs } from "./args";
import { CA_USAGES, certChain } from "./certs";
import { ISTIO_NAMESPACE } from "./defaults";
import { MeshTrustPlan, planMeshTrust } from "./trustPlan";

/**
 * The mesh's shared root of trust and identity. Istio clusters only accept each other's mTLS when their workload
 * certificates chain to one root, and only form one mesh with one mesh ID and trust domain. MeshTrust makes (or takes)
 * the root CA and signs one intermediate CA per cluster it is told about (Istio's "plug-in CA"); each MeshCluster takes
 * its cluster's intermediate as plain data (`caFor(clusterName)` in TypeScript, `intermediates[clusterName]`
 * elsewhere).
 *
 * The root key never leaves MeshTrust: no output carries it. Intermediate keys are secret outputs.
 */
export class MeshTrust extends pulumi.ComponentResource {
  /** Mesh ID: `global.meshID` of every istiod in the mesh. Give it to each MeshCluster as `meshId`. */
  public readonly meshId: string;
  /** SPIFFE trust domain of every workload identity in the mesh. Give it to each MeshCluster as `trustDomain`. */
  public readonly trustDomain: string;
  /** The clusters that have an intermediate CA, in the order given. */
  public readonly clusters: string[];
  /** The root CA certificate, PEM: the one anchor every cluster trusts. */
  public readonly rootCertPem: pulumi.Output<string>;
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
    const root =
      args.rootCertPem !== undefined && args.rootKeyPem !== undefined
        ? { certPem: pulumi.output(args.rootCertPem), keyPem: pulumi.secret(args.rootKeyPem) }
        : generateRoot(name, plan, this);

    this.meshId = plan.meshId;
    this.trustDomain = plan.trustDomain;
    this.clusters = plan.clusters;
    this.rootCertPem = root.certPem;
    this.intermediates = Object.fromEntries(
      plan.clusters.map((cluster) => [cluster, signIntermediate(`${name}-${cluster}`, cluster, root, plan, this)]),
    );
    this.registerOutputs({
      meshId: this.meshId,
      trustDomain: this.trustDomain,
      clusters: this.clusters,
      rootCertPem: this.rootCertPem,
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

function generateRoot(name: string, plan: MeshTrustPlan, parent: pulumi.Resource): RootCa {
  const key = new tls.PrivateKey(`${name}-root-key`, { algorithm: "RSA", rsaBits: 4096 }, { parent });
  const keyPem = pulumi.secret(key.privateKeyPem);
  const cert = new tls.SelfSignedCert(
    `${name}-root-cert`,
    {
      privateKeyPem: keyPem,
      isCaCertificate: true,
      allowedUses: CA_USAGES,
      setSubjectKeyId: true,
      subject: { organization: "globalmesh", commonName: `${plan.meshId} root CA` },
      validityPeriodHours: plan.rootValidityHours,
    },
    { parent },
  );
  return { certPem: cert.certPem, keyPem };
}

/** One cluster's intermediate, shaped like those of Istio's tools/certs (Makefile.selfsigned.mk): L=<cluster>, SAN istiod. */
function signIntermediate(
  base: string,
  cluster: string,
  root: RootCa,
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
      // pathlen 0: istiod signs workload certificates only, never further CAs (VERIFY the provider encodes a 0).
      maxPathLength: 0,
      setSubjectKeyId: true,
      allowedUses: CA_USAGES,
      validityPeriodHours: plan.intermediateValidityHours,
    },
    { parent },
  );
  return {
    certPem: cert.certPem,
    keyPem,
    certChainPem: pulumi.all([cert.certPem, root.certPem]).apply(([c, r]) => certChain(c, r)),
    rootCertsPem: root.certPem,
  };
}
