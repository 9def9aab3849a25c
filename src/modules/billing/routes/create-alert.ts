import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { AlertBody, AlertSchema } from "../schemas";
import { createAlert } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/billing/alerts",
  tags: ["Billing"],
  summary: "Create a spending alert.",
  description:
    "Owner or admin. Fires once per crossing (low_balance) or once per day/month (spend): a credits.low event, and an email and/or in-app notification to the owner. At most 20.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, body: jsonBody(AlertBody) },
  responses: { 201: json(AlertSchema, "Alert"), ...errorResponses(401, 403, 409) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await createAlert(c.var.ctx, c.req.valid("json")), 201);

export const registerCreateAlert = (r: Router) => r.openapi(route, handler);
