import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ArtifactIdParam, ArtifactWithVersionSchema, PublishQuery } from "../schemas";
import { publishArtifact } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/artifact-actions/artifacts/{artifact_id}/publish",
  tags: ["Artifact System"],
  summary: "Publish an artifact version (make it live)",
  description:
    "If version not specified, publishes latest. Publishing the live version again changes nothing. Emits `artifact.published`. Needs can_publish_artifact (admins and owners by default; others go through a proposal).",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: ArtifactIdParam, query: PublishQuery },
  responses: { 200: json(ArtifactWithVersionSchema, "The artifact and the published version"), ...errorResponses(401, 403, 404, 422) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await publishArtifact(c.var.ctx, c.req.valid("param").artifact_id, c.req.valid("query").version), 200);

export const registerPublishArtifact = (r: Router) => r.openapi(route, handler);
