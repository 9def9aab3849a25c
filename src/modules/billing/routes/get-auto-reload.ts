import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { AutoReloadSchema } from "../schemas";
import { getAutoReload } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/billing/auto-reload",
  tags: ["Billing"],
  summary: "Auto-reload settings.",
  description:
    "Owner or admin. When the available balance falls below threshold_credits, reload_amount credits are charged to the card, once per crossing; the last error (a declined card) is shown and not retried.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema },
  responses: { 200: json(AutoReloadSchema, "Settings"), ...errorResponses(401, 403) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await getAutoReload(c.var.ctx), 200);

export const registerGetAutoReload = (r: Router) => r.openapi(route, handler);
