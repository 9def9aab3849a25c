import { createRouter } from "../../platform/hono";
import { registerCreateModuleSettings } from "./routes/create-module-settings";
import { registerGetModuleSettings } from "./routes/get-module-settings";
import { registerListModuleSettings } from "./routes/list-module-settings";
import { registerToggleModule } from "./routes/toggle-module";
import { registerUpdateModuleSettings } from "./routes/update-module-settings";

/** Module Settings (5 endpoints): which platform modules a workspace uses, and their configuration. */
export const moduleSettingsRouter = createRouter();
registerListModuleSettings(moduleSettingsRouter);
registerCreateModuleSettings(moduleSettingsRouter);
registerGetModuleSettings(moduleSettingsRouter);
registerUpdateModuleSettings(moduleSettingsRouter);
registerToggleModule(moduleSettingsRouter);
