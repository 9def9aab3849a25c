import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { StreamTicketRequest, StreamTicketSchema } from "../schemas";
import { issueStreamTicket } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/auth/stream-tickets",
  tags: ["Authentication"],
  summary: "Get a stream ticket for a browser's EventSource or WebSocket.",
  description:
    "Browsers cannot send Authorization or X-Workspace-Id on EventSource and WebSocket connections. Call this with your " +
    "access token and X-Workspace-Id, then open the stream with `?ticket=<ticket>`. A ticket acts as you, in this " +
    "workspace, on one stream (or, without `stream`, on the first stream it opens); it must be used within 60 s and " +
    "opens one connection. The browser's own reconnects of that stream (they send Last-Event-ID) may reuse it for 15 " +
    "minutes; after that, get a new one. Tickets are refused on every other route, and access is checked when the " +
    "stream opens and enforced while it runs. People only (not API keys).",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, body: jsonBody(StreamTicketRequest) },
  responses: { 201: json(StreamTicketSchema, "The ticket"), ...errorResponses(401, 403, 404, 422, 429) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await issueStreamTicket(c.var.ctx, c.req.valid("json")), 201);

export const registerCreateStreamTicket = (r: Router) => r.openapi(route, handler);
