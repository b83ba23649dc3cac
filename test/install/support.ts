import * as pulumi from "@pulumi/pulumi";
import { ClusterConnection } from "../../sdk/src/clusters/connection";
import { kubeconfigText } from "../helpers/kubeconfigs";
import { providerUrn, Recorder, Registration, SECRET_SIG } from "../helpers/pulumiHarness";

/** Mock PEM blocks, named after the resource that "computed" them, so a test can tell whose material went where. */
export const pem = (label: string, body: string) => `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
export const mockKey = (resource: string) => pem("RSA PRIVATE KEY", `MOCK-KEY-${resource}`);
export const mockCert = (resource: string) => pem("CERTIFICATE", `MOCK-CERT-${resource}`);
export const mockCsr = (resource: string) => pem("CERTIFICATE REQUEST", `MOCK-CSR-${resource}`);

/** Load-balancer status the mock cluster reports for each MeshCluster's gateway Service read (by read name). */
export const LOAD_BALANCERS: Record<string, { ip?: string; hostname?: string }> = {
  "c1-ingress-service": { ip: "192.0.2.11" },
  "c1-eastwest-service": { hostname: "c1-eastwest.elb.example.com" },
  "c2-ingress-service": { hostname: "c2-ingress.elb.example.com" },
  "c3-ingress-service": { ip: "192.0.2.33" },
};

/** What tls and the cluster compute: keys, certificates, CSRs, and the ingress Service's load-balancer status. */
export function computedState(args: pulumi.runtime.MockResourceArgs): Record<string, any> | undefined {
  switch (args.type) {
    case "tls:index/privateKey:PrivateKey":
      return { privateKeyPem: mockKey(args.name), publicKeyPem: pem("PUBLIC KEY", `MOCK-PUB-${args.name}`) };
    case "tls:index/selfSignedCert:SelfSignedCert":
    case "tls:index/locallySignedCert:LocallySignedCert":
      return { certPem: mockCert(args.name) };
    case "tls:index/certRequest:CertRequest":
      return { certRequestPem: mockCsr(args.name) };
    case "kubernetes:core/v1:Service":
      return args.id
        ? { status: { loadBalancer: { ingress: [LOAD_BALANCERS[args.name] ?? { ip: "192.0.2.250" }] } } }
        : undefined;
    default:
      return undefined;
  }
}

/**
 * A cluster as an existing-cluster program gives it: plain data, the kubeconfig a secret (as `config.requireSecret`
 * gives it), `kubeconfigText(clusterName)`, so a test can tell which cluster a provider points at.
 */
export function connection(
  clusterName: string,
  extra: { network?: string; locality?: string } = {},
): ClusterConnection {
  return { clusterName, kubeconfig: pulumi.secret(kubeconfigText(clusterName)), ...extra };
}

/** The Kubernetes provider registration a resource is written through ("" → undefined: the default provider). */
export function providerOf(rec: Recorder, r: Registration): Registration | undefined {
  if (r.provider === "") return undefined;
  const urn = providerUrn(r.provider);
  return rec.registrations.find((p) => p.urn === urn);
}

/** Every string in a wire-form value that is NOT inside a secret wrapper. */
export function plaintextStrings(v: unknown, out: string[] = []): string[] {
  if (typeof v === "string") out.push(v);
  else if (Array.isArray(v)) v.forEach((x) => plaintextStrings(x, out));
  else if (v && typeof v === "object") {
    if (Object.values(v).includes(SECRET_SIG)) return out;
    Object.values(v).forEach((x) => plaintextStrings(x, out));
  }
  return out;
}

/** Every string inside secret wrappers of a wire-form value. */
export function secretStrings(v: unknown, inSecret = false, out: string[] = []): string[] {
  if (typeof v === "string") {
    if (inSecret && v !== SECRET_SIG) out.push(v);
  } else if (Array.isArray(v)) v.forEach((x) => secretStrings(x, inSecret, out));
  else if (v && typeof v === "object") {
    const secret = inSecret || Object.values(v).includes(SECRET_SIG);
    Object.values(v).forEach((x) => secretStrings(x, secret, out));
  }
  return out;
}

/** Calls of Pulumi's registerResource/readResource while `fn` runs (Resource constructors make them synchronously). */
export function registrationsDuring(fn: () => void): { count: number; error: unknown } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const runtime = require("@pulumi/pulumi/runtime/resource");
  const register = jest.spyOn(runtime, "registerResource");
  const read = jest.spyOn(runtime, "readResource");
  let error: unknown;
  let count: number;
  try {
    fn();
  } catch (e) {
    error = e;
  } finally {
    // Count before restoring: restoring clears the recorded calls.
    count = register.mock.calls.length + read.mock.calls.length;
    register.mockRestore();
    read.mockRestore();
  }
  return { count, error };
}

/** The registration's dependency URNs, as a sorted list (for exact comparisons). */
export const deps = (r: Registration) => [...new Set(r.dependencies)].sort();

/**
 * Records what components register as their outputs (`registerOutputs`), in wire form (secrets wrapped), by URN.
 * Install after `installMocks`. A component registers its outputs once they resolve: use `outputsOf` to wait.
 */
export function recordComponentOutputs(): Map<string, Record<string, any>> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const monitor = require("@pulumi/pulumi/runtime/settings").getMonitor();
  const original = monitor.registerResourceOutputs.bind(monitor);
  const outputs = new Map<string, Record<string, any>>();
  monitor.registerResourceOutputs = (req: any, callback: (err: unknown, resp: unknown) => void) => {
    outputs.set(req.getUrn(), req.getOutputs()?.toJavaScript() ?? {});
    original(req, callback);
  };
  return outputs;
}

/** The outputs `urn` registered, once it has (fails after a few seconds). */
export async function outputsOf(outputs: Map<string, Record<string, any>>, urn: string): Promise<Record<string, any>> {
  for (let i = 0; i < 500 && !outputs.has(urn); i++) await new Promise((r) => setTimeout(r, 10));
  if (!outputs.has(urn)) throw new Error(`${urn} registered no outputs`);
  return outputs.get(urn)!;
}

/** Every string anywhere in a wire-form value, inside secret wrappers or not. */
export function allStrings(v: unknown, out: string[] = []): string[] {
  if (typeof v === "string") out.push(v);
  else if (Array.isArray(v)) v.forEach((x) => allStrings(x, out));
  else if (v && typeof v === "object") Object.values(v).forEach((x) => allStrings(x, out));
  return out;
}
