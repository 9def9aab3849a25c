import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ArtifactIdParam, ArtifactWithVersionSchema, VersionCreate } from "../schemas";
import { createVersion } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/artifact-actions/artifacts/{artifact_id}/versions",
  tags: ["Artifact System"],
  summary: "Create a new version of an existing artifact",
  description:
    "Creates a new version (latest + 1) with updated content. With `base_version`, 409 unless it is still the latest (optimistic concurrency). Content identical to the latest is a 422 (`no_change`). `publish: true` also makes it live (needs can_publish_artifact). Needs can_edit_artifact.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: ArtifactIdParam, body: jsonBody(VersionCreate) },
  responses: { 201: json(ArtifactWithVersionSchema, "The artifact and the new version"), ...errorResponses(401, 403, 404, 409, 413, 422) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await createVersion(c.var.ctx, c.req.valid("param").artifact_id, c.req.valid("json")), 201);

export const registerCreateArtifactVersion = (r: Router) => r.openapi(route, handler);
