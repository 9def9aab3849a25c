import type { ServiceContext } from "../../../platform/context";
import { requirePermission } from "../../permissions/service";

/** Reading integrations, their runs and synced data: can_view_integration (every role by default). */
export const requireView = (ctx: ServiceContext) => requirePermission(ctx, "can_view_integration");
/** Connecting, configuring, syncing, disconnecting: can_manage_integration (owners and admins by default). */
export const requireManage = (ctx: ServiceContext) => requirePermission(ctx, "can_manage_integration");
