import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { MeetingSchema, RoomIdParam } from "../schemas";
import { getMeetingByRoom } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/meetings/room/{room_id}",
  tags: ["Meetings & Huddles"],
  summary: "Get meeting by room ID (for joining via link).",
  description: "404 for unknown rooms and for meetings in channels you cannot see.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: RoomIdParam },
  responses: { 200: json(MeetingSchema, "The meeting"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await getMeetingByRoom(c.var.ctx, c.req.valid("param").room_id), 200);

export const registerGetMeetingByRoom = (r: Router) => r.openapi(route, handler);
