import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ArtifactIdParam, ArtifactWithVersionSchema, RollbackBody } from "../schemas";
import { rollbackArtifact } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/artifact-actions/artifacts/{artifact_id}/rollback",
  tags: ["Artifact System"],
  summary: "Rollback artifact to a previous version",
  description:
    "Creates a new version with content from the target version: history is never rewritten. `base_version` guards against concurrent changes (409); `publish: true` also makes the new version live (needs can_publish_artifact). Needs can_edit_artifact.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: ArtifactIdParam, body: jsonBody(RollbackBody) },
  responses: { 201: json(ArtifactWithVersionSchema, "The artifact and the new version"), ...errorResponses(401, 403, 404, 409, 422) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await rollbackArtifact(c.var.ctx, c.req.valid("param").artifact_id, c.req.valid("json")), 201);

export const registerRollbackArtifact = (r: Router) => r.openapi(route, handler);
