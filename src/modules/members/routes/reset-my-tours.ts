import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { TourResetQuery, ToursSchema } from "../schemas";
import { resetMyTours } from "../service";

const route = createRoute({
  method: "delete",
  path: "/api/v1/members/me/tours",
  tags: ["Members"],
  summary: "Reset tour completion status for the current member.",
  description: "With tour_id, resets only that tour; without, all tours.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, query: TourResetQuery },
  responses: { 200: json(ToursSchema, "Tours"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await resetMyTours(c.var.ctx, c.req.valid("query").tour_id), 200);

export const registerResetMyTours = (r: Router) => r.openapi(route, handler);
