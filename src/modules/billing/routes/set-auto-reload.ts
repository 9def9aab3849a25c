import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { AutoReloadBody, AutoReloadSchema } from "../schemas";
import { setAutoReload } from "../service";

const route = createRoute({
  method: "put",
  path: "/api/v1/billing/auto-reload",
  tags: ["Billing"],
  summary: "Set auto-reload.",
  description:
    "Owner or admin. Enabling needs threshold_credits, reload_amount and a card of this workspace (default: the customer's default); saving re-arms it.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, body: jsonBody(AutoReloadBody) },
  responses: { 200: json(AutoReloadSchema, "Settings"), ...errorResponses(401, 403, 404, 502) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await setAutoReload(c.var.ctx, c.req.valid("json")), 200);

export const registerSetAutoReload = (r: Router) => r.openapi(route, handler);
