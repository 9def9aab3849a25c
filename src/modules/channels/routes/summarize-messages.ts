import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ChannelMessageParams, SummarizeQuery, SummarizeResultSchema } from "../schemas-conversation";
import { summarizeMessages } from "../service/messages";

const route = createRoute({
  method: "post",
  path: "/api/v1/channels/{channel_slug}/messages/{message_id}/summarize",
  tags: ["Channels"],
  summary: "Summarize channel messages above or below a specific message using AI.",
  description:
    "• direction=above: Summarize messages created BEFORE the reference message (older messages)\n" +
    "• direction=below: Summarize messages created AFTER the reference message (newer messages)\n" +
    "Returns an AI-generated summary of up to `limit` messages (default 50, at most 200) next to the reference message. " +
    "Nothing is stored: pass the text to …/squash to replace the messages with it. Needs can_use_ai; 503 if the model " +
    "server is unavailable.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: ChannelMessageParams, query: SummarizeQuery },
  responses: { 200: json(SummarizeResultSchema, "The summary"), ...errorResponses(400, 401, 403, 404, 429, 503) },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  const { channel_slug, message_id } = c.req.valid("param");
  return c.json(await summarizeMessages(c.var.ctx, channel_slug, message_id, c.req.valid("query")), 200);
};

export const registerSummarizeMessages = (r: Router) => r.openapi(route, handler);
