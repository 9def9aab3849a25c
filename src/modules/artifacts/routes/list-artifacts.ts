import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ArtifactListSchema, ListArtifactsQuery } from "../schemas";
import { listArtifacts } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/artifact-actions/artifacts",
  tags: ["Artifact System"],
  summary: "List all artifacts",
  description:
    "Returns all artifacts with optional filtering: `artifact_type`, `status` (draft/published), `search` (name), `created_by` (member id or `me`). Paged with limit/offset (at most 100), most recently changed first. `only_latest=false` lists every version instead (one entry per version, newest first). Needs can_view_artifact.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, query: ListArtifactsQuery },
  responses: { 200: json(ArtifactListSchema, "Artifacts, each with the version it stands for"), ...errorResponses(401, 403, 422) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await listArtifacts(c.var.ctx, c.req.valid("query")), 200);

export const registerListArtifacts = (r: Router) => r.openapi(route, handler);
