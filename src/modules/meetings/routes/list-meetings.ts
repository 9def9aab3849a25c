import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ListMeetingsQuery, MeetingSchema } from "../schemas";
import { listMeetings } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/meetings",
  tags: ["Meetings & Huddles"],
  summary: "List meetings.",
  description:
    "Meetings you can see (in a channel: if you can see the channel; otherwise every member). Active first, then " +
    "scheduled by start time. Ended meetings only with include_ended=true (or status=ended). `limit` (at most 100, " +
    "default 50) and `offset` paginate.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, query: ListMeetingsQuery },
  responses: { 200: json(z.array(MeetingSchema), "Meetings"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await listMeetings(c.var.ctx, c.req.valid("query")), 200);

export const registerListMeetings = (r: Router) => r.openapi(route, handler);
