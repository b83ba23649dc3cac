export * from "./args";
export * from "./meshTrust";
export * from "./meshCluster";
export * from "./values";
export { deepMerge } from "./merge";
export type { DeepPartial } from "./merge";
export { gatewayIdentity } from "./gateways";
export type { GatewayIdentity, GatewayPlace } from "./gateways";
export {
  AGENT_NAMESPACE,
  DEFAULT_ISTIO_VERSION,
  DEFAULT_REVISION,
  DEFAULT_TRUST_DOMAIN,
  GATEWAY_NAMESPACE,
  ISTIO_CHART_REPOSITORY,
  INJECTION_TAG,
  ISTIO_NAMESPACE,
  RELEASE_TIMEOUT_SECONDS,
  RELEASES,
} from "./defaults";
export * from "./outputs";
