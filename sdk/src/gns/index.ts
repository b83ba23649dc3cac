export * from "./args";
export * from "./globalNamespace";
