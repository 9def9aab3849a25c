import { createRouter } from "../../platform/hono";

/** module-settings: one register…() call per endpoint. */
export const moduleSettingsRouter = createRouter();
