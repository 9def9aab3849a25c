export * from "./assistant";
export * from "./llm";
export * from "./media";
export * from "./prompts";
