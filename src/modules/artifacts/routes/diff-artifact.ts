import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ArtifactIdParam, DiffQuery, DiffSchema } from "../schemas";
import { diffVersions } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/artifact-actions/artifacts/{artifact_id}/diff",
  tags: ["Artifact System"],
  summary: "Get diff between two versions",
  description:
    "Shows exactly what changed between versions: a unified patch plus its hunks and added/removed line counts. Defaults: `to_version` the latest, `from_version` the one before it (`from`/`to` are aliases). JSON content is diffed on its pretty-printed form with sorted keys, so key order never shows as a change. Needs can_view_artifact.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: ArtifactIdParam, query: DiffQuery },
  responses: { 200: json(DiffSchema, "The diff"), ...errorResponses(401, 403, 404, 422) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await diffVersions(c.var.ctx, c.req.valid("param").artifact_id, c.req.valid("query")), 200);

export const registerDiffArtifact = (r: Router) => r.openapi(route, handler);
