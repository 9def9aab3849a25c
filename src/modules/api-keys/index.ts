import { createRouter } from "../../platform/hono";

/** api-keys: one register…() call per endpoint. */
export const apiKeysRouter = createRouter();
