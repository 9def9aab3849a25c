export * from "./access";
export * from "./invitations";
export * from "./membership";
export * from "./workspaces";
