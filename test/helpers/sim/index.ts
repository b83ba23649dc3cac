/** The hop-by-hop request simulator for tests: see follow.ts (the follower) and authz.ts (the policy evaluator). */
export * from "./types";
export { MeshSimulator } from "./follow";
export type { DialTarget } from "./follow";
export { evaluate, policiesFor, matches, namespaceOf, selects } from "./authz";
export type { AuthzDecision, AuthzPolicy, AuthzRequest, AuthzRule } from "./authz";
export { simMeshFromModel } from "./fromModel";
export { isWideHost, outboundSni, passthroughListener } from "./passthrough";
export { rankEndpoints } from "./priority";
export type { FromModelOptions } from "./fromModel";
