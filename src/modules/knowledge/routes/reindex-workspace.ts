import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ReindexJobSchema } from "../schemas";
import { reindexWorkspace } from "../service/lifecycle";

const route = createRoute({
  method: "post",
  path: "/api/v1/knowledge/reindex",
  tags: ["Knowledge"],
  summary: "Re-index every document of the workspace (a job).",
  description:
    "Owners and admins. Starts a job that queues every document with a file for indexing again; follow it with " +
    "GET /api/v1/knowledge/jobs/{job_id}/stream (progress per document, resumable). The current index keeps serving " +
    "until each document's new chunks are ready.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema },
  responses: { 202: json(ReindexJobSchema, "The job"), ...errorResponses(401, 403, 404, 503) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await reindexWorkspace(c.var.ctx), 202);

export const registerReindexWorkspace = (r: Router) => r.openapi(route, handler);
