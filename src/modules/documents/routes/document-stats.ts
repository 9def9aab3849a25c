import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { DocumentStatsSchema } from "../schemas";
import { documentStats } from "../service/overview";

const route = createRoute({
  method: "get",
  path: "/api/v1/documents/stats",
  tags: ["Documents"],
  summary: "Get document statistics.",
  description:
    "Over the documents you can see only: totals, size, counts by processing status, category, content type and index status, how many you starred, and the most recent.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema },
  responses: { 200: json(DocumentStatsSchema, "The statistics"), ...errorResponses(401) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await documentStats(c.var.ctx), 200);

export const registerDocumentStats = (r: Router) => r.openapi(route, handler);
