export * from "./mesh";
export * from "./clusters";
export * from "./gns";
export * from "./install";
