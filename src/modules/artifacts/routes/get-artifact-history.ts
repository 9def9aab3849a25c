import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ArtifactIdParam, HistoryQuery, HistorySchema } from "../schemas";
import { getHistory } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/artifact-actions/artifacts/{artifact_id}/history",
  tags: ["Artifact System"],
  summary: "Get version history for an artifact",
  description:
    "Returns all versions in reverse chronological order (newest first), without content, paged with limit/offset. Needs can_view_artifact.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: ArtifactIdParam, query: HistoryQuery },
  responses: { 200: json(HistorySchema, "Versions, newest first"), ...errorResponses(401, 403, 404, 422) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await getHistory(c.var.ctx, c.req.valid("param").artifact_id, c.req.valid("query")), 200);

export const registerGetArtifactHistory = (r: Router) => r.openapi(route, handler);
