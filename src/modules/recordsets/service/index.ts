export * from "./access";
export * from "./pipeline";
export * from "./recordsets";
export * from "./views";
