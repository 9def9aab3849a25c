export * from "./access";
export * from "./core";
export * from "./notify";
export * from "./queries";
export * from "./scope";
export * from "./sweep";
