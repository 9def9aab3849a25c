import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { DraftMessageRequest, DraftMessageSchema, optionalJsonBody, RecordIdParam } from "../schemas";
import { draftMessage } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/tracking/{record_id}/draft-message",
  tags: ["Record Tracking"],
  summary: "Draft an AI message related to a record",
  description:
    "A draft (email with subject, sms, message or note) written from the record's context, for the user to edit and send; not sent, not stored. Optional body: channel (default email), purpose, tone (default friendly), recipient_name, instructions. Needs view access and can_use_ai.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: RecordIdParam, body: optionalJsonBody(DraftMessageRequest) },
  responses: { 200: json(DraftMessageSchema, "The draft"), ...errorResponses(401, 402, 403, 404, 502, 504) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await draftMessage(c.var.ctx, c.req.valid("param").record_id, c.req.valid("json")), 200);

export const registerDraftMessage = (r: Router) => r.openapi(route, handler);
