import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ToursSchema, TourUpdateRequest } from "../schemas";
import { setMyTour } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/members/me/tours",
  tags: ["Members"],
  summary: "Update a tour's completion status for the current member.",
  description: "Call when a user completes or skips a tour.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, body: jsonBody(TourUpdateRequest) },
  responses: { 200: json(ToursSchema, "Tours"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await setMyTour(c.var.ctx, c.req.valid("json")), 200);

export const registerUpdateMyTour = (r: Router) => r.openapi(route, handler);
