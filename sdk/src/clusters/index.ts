export * from "./handle";
