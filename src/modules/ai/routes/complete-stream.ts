import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { SSE_HEADERS } from "../../../platform/sse";
import { CompletionRequest } from "../schemas";
import { streamCompletion } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/ai/llm/complete/stream",
  tags: ["AI - LLM"],
  summary: "Stream LLM completion in real-time using Server-Sent Events (SSE).",
  description:
    'Events: `data: {"content": "text chunk", "done": false}` as the model writes, then `data: {"content": "", "done": true, ' +
    '"incomplete": false, "model": …, "usage": {…}, "credits": …}`. `incomplete: true` when the model\'s stream was cut ' +
    "(what was generated is kept and charged). Errors before the first chunk are JSON (402, 413, 422, 502, 504), as for /complete.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, body: jsonBody(CompletionRequest) },
  responses: {
    200: { description: "Server-Sent Events", content: { "text/event-stream": { schema: z.string() } } },
    ...errorResponses(401, 402, 403, 404, 413, 502, 504),
  },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  new Response(await streamCompletion(c.var.ctx, c.req.valid("json")), { status: 200, headers: SSE_HEADERS });

export const registerCompleteStream = (r: Router) => r.openapi(route, handler);
