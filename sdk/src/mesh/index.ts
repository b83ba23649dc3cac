/** The pure core of globalmesh: no Pulumi, no I/O. */
export * from "./spec";
export * from "./errors";
export * from "./validate";
export * from "./discover";
export * from "./model";
export * from "./compile";
export * from "./objects";
export * from "./names";
export * from "./vip";
export * from "./ports";
export * from "./membership";
export * from "./pipeline";
export * from "./yaml";
export { isDnsLabel, isDnsSubdomain, isHostOrIp, isLocality, parseIpv4 } from "./dns";
export * from "./diff";
export * from "./topology";
export * from "./injection";
export * from "./gateways";
