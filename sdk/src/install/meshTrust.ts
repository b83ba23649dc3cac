import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { isDnsLabel, IssueList } from "../mesh";
import { MeshTrustArgs } from "./args";
import { CA_USAGES, certChain } from "./certs";
import { ISTIO_NAMESPACE } from "./defaults";
import { planMeshTrust } from "./trustPlan";

/** One cluster's plug-in CA: what goes into its `cacerts` secret. */
export interface IntermediateCa {
  /** The intermediate CA certificate (`ca-cert.pem`). */
  certPem: pulumi.Output<string>;
  /** Its private key (`ca-key.pem`), secret. */
  keyPem: pulumi.Output<string>;
  /** The mesh's root certificate (`root-cert.pem`). */
  rootCertPem: pulumi.Output<string>;
  /** Intermediate then root (`cert-chain.pem`). */
  certChainPem: pulumi.Output<string>;
}

/**
 * The mesh's shared root of trust and identity. Istio clusters only accept each other's mTLS when their workload
 * certificates chain to one root, and only form one mesh with one mesh ID and trust domain. MeshTrust makes (or takes)
 * the root CA and signs one intermediate CA per cluster (Istio's "plug-in CA"); each MeshCluster asks for its own.
 *
 * Private keys stay Pulumi secrets end to end: tls marks its key outputs secret, and every key handed on is
 * wrapped in `pulumi.secret` again so no consumer can leak it.
 */
export class MeshTrust extends pulumi.ComponentResource {
  /** Mesh ID: `global.meshID` of every istiod in the mesh. */
  public readonly meshId!: string;
  /** SPIFFE trust domain of every workload identity in the mesh. */
  public readonly trustDomain!: string;
  /** The root CA certificate, PEM: the one anchor every cluster trusts. */
  public readonly rootCertPem!: pulumi.Output<string>;

  private readonly resourceName!: string;
  private readonly rootKeyPem!: pulumi.Output<string>;
  private readonly intermediateValidityHours!: number;
  private readonly issued!: Set<string>;

  constructor(name: string, args: MeshTrustArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    const plan = planMeshTrust(name, args);
    // No args to super: a root key given as a plain string must not be recorded as a component input.
    super("globalmesh:index:MeshTrust", name, {}, opts);
    this.resourceName = name;
    this.meshId = plan.meshId;
    this.trustDomain = plan.trustDomain;
    this.intermediateValidityHours = plan.intermediateValidityHours;
    this.issued = new Set();

    if (plan.ownRoot) {
      this.rootCertPem = pulumi.output(args.rootCertPem!);
      this.rootKeyPem = pulumi.secret(args.rootKeyPem!);
    } else {
      const key = new tls.PrivateKey(`${name}-root-key`, { algorithm: "RSA", rsaBits: 4096 }, { parent: this });
      this.rootKeyPem = pulumi.secret(key.privateKeyPem);
      const root = new tls.SelfSignedCert(
        `${name}-root-cert`,
        {
          privateKeyPem: this.rootKeyPem,
          isCaCertificate: true,
          allowedUses: CA_USAGES,
          setSubjectKeyId: true,
          subject: { organization: "globalmesh", commonName: `${plan.meshId} root CA` },
          validityPeriodHours: plan.rootValidityHours,
        },
        { parent: this },
      );
      this.rootCertPem = root.certPem;
    }
    this.registerOutputs({ meshId: this.meshId, trustDomain: this.trustDomain, rootCertPem: this.rootCertPem });
  }

  /** Why `clusterName` cannot get an intermediate CA from this mesh, or undefined when it can. */
  clusterNameProblem(clusterName: string): string | undefined {
    if (typeof clusterName !== "string" || !isDnsLabel(clusterName)) return `${JSON.stringify(clusterName)} is not a DNS-1123 label`;
    if (this.issued.has(clusterName))
      return `mesh "${this.meshId}" already has a cluster named "${clusterName}"; cluster names must be unique in a mesh (istiod's clusterName and the intermediate CA are per name), so give this cluster another clusterName`;
    return undefined;
  }

  /**
   * Issues the intermediate CA of one cluster, signed by the root. Its resources are MeshTrust's children, registered
   * after MeshTrust's own outputs because the mesh's clusters are only known as MeshClusters ask for them. Once per cluster name: a second call for the same
   * name throws SpecError (two clusters with one name would share Istio's cluster identity).
   */
  intermediateFor(clusterName: string): IntermediateCa {
    const issues = new IssueList();
    const problem = this.clusterNameProblem(clusterName);
    if (problem) issues.add("clusterName", problem);
    issues.throwIfBadArgs(`MeshTrust "${this.resourceName}"`);
    this.issued.add(clusterName);

    const base = `${this.resourceName}-${clusterName}`;
    const key = new tls.PrivateKey(`${base}-ca-key`, { algorithm: "RSA", rsaBits: 4096 }, { parent: this });
    const keyPem = pulumi.secret(key.privateKeyPem);
    // Shaped like the intermediates of Istio's tools/certs (Makefile.selfsigned.mk): L=<cluster>, SAN istiod's Service.
    const csr = new tls.CertRequest(
      `${base}-ca-csr`,
      {
        privateKeyPem: keyPem,
        subject: { organization: "globalmesh", commonName: `${clusterName} intermediate CA`, locality: clusterName },
        dnsNames: [`istiod.${ISTIO_NAMESPACE}.svc`],
      },
      { parent: this },
    );
    const cert = new tls.LocallySignedCert(
      `${base}-ca-cert`,
      {
        certRequestPem: csr.certRequestPem,
        caCertPem: this.rootCertPem,
        caPrivateKeyPem: this.rootKeyPem,
        isCaCertificate: true,
        // pathlen 0: istiod signs workload certificates only, never further CAs (VERIFY the provider encodes a 0).
        maxPathLength: 0,
        setSubjectKeyId: true,
        allowedUses: CA_USAGES,
        validityPeriodHours: this.intermediateValidityHours,
      },
      { parent: this },
    );
    return {
      certPem: cert.certPem,
      keyPem,
      rootCertPem: this.rootCertPem,
      certChainPem: pulumi.all([cert.certPem, this.rootCertPem]).apply(([c, r]) => certChain(c, r)),
    };
  }
}
