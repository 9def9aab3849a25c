export * from "./attachments";
export * from "./queries";
export * from "./social";
export * from "./write";
