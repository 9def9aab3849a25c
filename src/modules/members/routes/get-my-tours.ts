import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ToursSchema } from "../schemas";
import { getMyTours } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/members/me/tours",
  tags: ["Members"],
  summary: "Get the current member's onboarding tour completion status.",
  description: "A map of tour id → completed.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema },
  responses: { 200: json(ToursSchema, "Tours"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await getMyTours(c.var.ctx), 200);

export const registerGetMyTours = (r: Router) => r.openapi(route, handler);
