import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ChatFileSchema, ChatUploadBody, ConversationIdParam } from "../schemas";
import { type ChatUpload, uploadChatFile } from "../service/files";

const route = createRoute({
  method: "post",
  path: "/api/v1/chat/conversations/{conversation_id}/upload",
  tags: ["Chat"],
  summary: "Upload a file attachment to a conversation.",
  description:
    "multipart/form-data with a `file` field, up to 25 MB (413 above). Stored in R2 under {workspace_id}/chat/{conversation_id}/; " +
    "text, Markdown, CSV and JSON files have their text extracted for the model (attach with file_ids in POST /chat).",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: {
    headers: WorkspaceHeaderSchema,
    params: ConversationIdParam,
    body: { required: true, content: { "multipart/form-data": { schema: ChatUploadBody } } },
  },
  responses: { 200: json(ChatFileSchema, "Stored"), ...errorResponses(401, 403, 404, 413) },
});

function fileFromForm(value: unknown): ChatUpload | undefined {
  if (!(value instanceof File)) return undefined;
  return { name: value.name, type: value.type, size: value.size, data: value };
}

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await uploadChatFile(c.var.ctx, c.req.valid("param").conversation_id, fileFromForm(c.req.valid("form").file)), 200);

export const registerUploadFile = (r: Router) => r.openapi(route, handler);
