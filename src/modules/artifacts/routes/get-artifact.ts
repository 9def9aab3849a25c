import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ArtifactIdParam, ArtifactWithVersionSchema, GetArtifactQuery } from "../schemas";
import { getArtifact } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/artifact-actions/artifacts/{artifact_id}",
  tags: ["Artifact System"],
  summary: "Get an artifact version",
  description:
    "The artifact with one version and its content. `version` is a number, `latest` (the default) or `published`. Needs can_view_artifact.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: ArtifactIdParam, query: GetArtifactQuery },
  responses: { 200: json(ArtifactWithVersionSchema, "The artifact and the version"), ...errorResponses(401, 403, 404, 422) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await getArtifact(c.var.ctx, c.req.valid("param").artifact_id, c.req.valid("query").version), 200);

export const registerGetArtifact = (r: Router) => r.openapi(route, handler);
