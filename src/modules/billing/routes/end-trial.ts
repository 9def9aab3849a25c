import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { SubscriptionActionSchema } from "../schemas";
import { endTrial } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/billing/end-trial",
  tags: ["Billing"],
  summary: "End trial early and start paid subscription immediately.",
  description: "Owner or admin. Charges the first invoice now; a declined card → 402 and nothing changes. 409 when not in a trial.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema },
  responses: { 200: json(SubscriptionActionSchema, "Trial ended"), ...errorResponses(401, 402, 403, 409, 502) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await endTrial(c.var.ctx), 200);

export const registerEndTrial = (r: Router) => r.openapi(route, handler);
