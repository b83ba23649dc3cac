import { AuthorizationPolicy } from "@kubernetes-models/istio/security.istio.io/v1/AuthorizationPolicy";
import { DestinationRule, IDestinationRule } from "@kubernetes-models/istio/networking.istio.io/v1/DestinationRule";
import { Gateway, IGateway } from "@kubernetes-models/istio/networking.istio.io/v1/Gateway";
import { IServiceEntry, ServiceEntry } from "@kubernetes-models/istio/networking.istio.io/v1/ServiceEntry";
import { IVirtualService, VirtualService } from "@kubernetes-models/istio/networking.istio.io/v1/VirtualService";
import { DestinationRuleObject, GatewayObject, ServiceEntryObject, VirtualServiceObject } from "../../sdk/src/mesh";

/**
 * Checks objects against Istio's CRD schemas (Istio 1.29 structural schemas, via @kubernetes-models/istio), plus
 * the CEL rules (`x-kubernetes-validations`) of those CRDs that the models do not enforce, for the fields globalmesh
 * writes. Returns the problems; an empty list means the API server would accept the object.
 */
const MODELS: Record<string, new (data: any) => { validate(): void }> = {
  "networking.istio.io/v1/ServiceEntry": ServiceEntry,
  "networking.istio.io/v1/VirtualService": VirtualService,
  "networking.istio.io/v1/DestinationRule": DestinationRule,
  "networking.istio.io/v1/Gateway": Gateway,
  "security.istio.io/v1/AuthorizationPolicy": AuthorizationPolicy,
};

export function istioSchemaProblems(obj: any): string[] {
  const id = `${obj?.kind}/${obj?.metadata?.name}`;
  const Model = MODELS[`${obj?.apiVersion}/${obj?.kind}`];
  if (!Model) return [`${id}: ${obj?.apiVersion} ${obj?.kind} is not an Istio v1 kind globalmesh may emit`];
  const problems: string[] = [];
  try {
    new Model(obj).validate();
  } catch (e) {
    problems.push(`${id}: schema: ${(e as Error).message}`);
  }
  problems.push(...celProblems(obj).map((p) => `${id}: ${p}`));
  if (!isDnsSubdomain(obj.metadata?.name ?? "")) problems.push(`${id}: metadata.name is not a DNS-1123 subdomain`);
  return problems;
}

/**
 * The compile-time half: the object types globalmesh builds (sdk/src/mesh/istio/types.ts) fit Istio 1.29's, and hold
 * no field Istio lacks. The runtime schemas above accept unknown fields (the API server would prune them in silence),
 * so a misspelt field fails here, at type-check, naming its path.
 */
export type GlobalmeshTypesFitIstio = NoUnknownFields<
  | FieldsNotIn<ServiceEntryObject, IServiceEntry>
  | FieldsNotIn<VirtualServiceObject, IVirtualService>
  | FieldsNotIn<DestinationRuleObject, IDestinationRule>
  | FieldsNotIn<GatewayObject, IGateway>
>;
type NoUnknownFields<Paths extends never> = Paths;
/** The paths of `Ours` that `Istio` has no field for; `Ours` must also be assignable to `Istio`. */
type FieldsNotIn<Ours extends Istio, Istio> = UnknownFields<Ours, Istio, "">;
type UnknownFields<T, U, Path extends string> = T extends readonly (infer E)[]
  ? UnknownFields<E, U extends readonly (infer F)[] ? F : never, `${Path}[]`>
  : T extends object
    ? {
        [K in keyof T & string]: K extends keyof U
          ? UnknownFields<T[K], NonNullable<U[K]>, `${Path}.${K}`>
          : `${Path}.${K}`;
      }[keyof T & string]
    : never;

const PORT_NAME = /^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?$/;
const DURATION = /^(\d+(\.\d+)?(h|m|s|ms|us|µs|ns))+$/;

/** The CRDs' CEL rules that apply to what globalmesh writes (see crd-all.gen.yaml, v1 versions). */
function celProblems(o: any): string[] {
  const p: string[] = [];
  const spec = o.spec ?? {};
  if (o.kind === "ServiceEntry") {
    if (spec.workloadSelector && spec.endpoints) p.push("only one of WorkloadSelector or Endpoints can be set");
    const resolution = spec.resolution ?? "NONE";
    if ((spec.addresses ?? []).some((a: string) => a.includes("/")) && !["STATIC", "NONE"].includes(resolution))
      p.push("CIDR addresses are allowed only for NONE/STATIC resolution types");
    if (resolution === "NONE" && spec.endpoints) p.push("NONE mode cannot set endpoints");
    if (resolution === "DNS_ROUND_ROBIN" && (spec.endpoints ?? []).length > 1)
      p.push("DNS_ROUND_ROBIN mode cannot have multiple endpoints");
    for (const e of spec.endpoints ?? []) {
      if (!e.address && !e.network) p.push("endpoint: Address is required");
      for (const [name, port] of Object.entries(e.ports ?? {})) {
        if (!(name.length < 63 && PORT_NAME.test(name))) p.push(`endpoint port name ${name} must be valid`);
        if (!(typeof port === "number" && port > 0 && port <= 65535))
          p.push(`endpoint port ${String(port)} must be between 1-65535`);
      }
    }
    if ((spec.hosts ?? []).includes("*")) p.push("hostname cannot be wildcard");
    // Istio's validating webhook, beyond the CRD: port names unique, endpoint port names among the ports' names.
    const names = (spec.ports ?? []).map((x: any) => x.name);
    if (new Set(names).size !== names.length) p.push("webhook: port names must be unique");
    for (const e of spec.endpoints ?? [])
      for (const n of Object.keys(e.ports ?? {}))
        if (!names.includes(n)) p.push(`webhook: endpoint port ${n} is not a port of the entry`);
    const numbers = (spec.ports ?? []).map((x: any) => x.number);
    if (new Set(numbers).size !== numbers.length) p.push("port number cannot be duplicated");
    for (const n of numbers) if (!(n > 0 && n <= 65535)) p.push(`port ${n} must be between 1-65535`);
  }
  if (o.kind === "DestinationRule") {
    const policies = [spec.trafficPolicy, ...(spec.subsets ?? []).map((s: any) => s.trafficPolicy)].filter(Boolean);
    for (const tp of policies) {
      for (const level of [tp, ...(tp.portLevelSettings ?? [])]) {
        for (const d of [level.outlierDetection?.interval, level.outlierDetection?.baseEjectionTime]) {
          if (d !== undefined && !DURATION.test(d)) p.push(`duration ${d} must be a valid duration greater than 1ms`);
        }
      }
    }
  }
  return p;
}

function isDnsSubdomain(s: string): boolean {
  return (
    s.length > 0 &&
    s.length <= 253 &&
    s.split(".").every((l) => /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(l) && l.length <= 63)
  );
}
