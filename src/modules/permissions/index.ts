import { createRouter } from "../../platform/hono";
import { registerAllRolePermissions } from "./routes/all-role-permissions";
import { registerCheckPermission } from "./routes/check-permission";
import { registerGroupedPermissions } from "./routes/grouped-permissions";
import { registerListPermissions } from "./routes/list-permissions";
import { registerMyPermissions } from "./routes/my-permissions";
import { registerResetRolePermissions } from "./routes/reset-role-permissions";
import { registerRolePermissions } from "./routes/role-permissions";
import { registerSeedPermissions } from "./routes/seed-permissions";
import { registerSetRolePermission } from "./routes/set-role-permission";
import { registerSetRolePermissions } from "./routes/set-role-permissions";

/** Permissions (10 endpoints). Static paths before /roles/{role}. */
export const permissionsRouter = createRouter();
registerListPermissions(permissionsRouter);
registerGroupedPermissions(permissionsRouter);
registerMyPermissions(permissionsRouter);
registerCheckPermission(permissionsRouter);
registerSeedPermissions(permissionsRouter);
registerAllRolePermissions(permissionsRouter);
registerRolePermissions(permissionsRouter);
registerSetRolePermissions(permissionsRouter);
registerSetRolePermission(permissionsRouter);
registerResetRolePermissions(permissionsRouter);
