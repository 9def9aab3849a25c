export * from "./directory";
export * from "./offboarding";
export * from "./records";
export * from "./tours";
