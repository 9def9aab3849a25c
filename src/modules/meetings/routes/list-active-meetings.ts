import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { MeetingSchema } from "../schemas";
import { listMyActiveMeetings } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/meetings/active",
  tags: ["Meetings & Huddles"],
  summary: "Get active huddles I'm currently in.",
  description: 'Active meetings and huddles you have joined and not left, for "You\'re in a huddle" indicators.',
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema },
  responses: { 200: json(z.array(MeetingSchema), "Meetings you are in"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await listMyActiveMeetings(c.var.ctx), 200);

export const registerListActiveMeetings = (r: Router) => r.openapi(route, handler);
