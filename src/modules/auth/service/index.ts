export * from "./activation";
export * from "./email-change";
export * from "./external";
export * from "./password-reset";
export * from "./profile";
export * from "./sessions";
export * from "./signup";
export * from "./tokens";
