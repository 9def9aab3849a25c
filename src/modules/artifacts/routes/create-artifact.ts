import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ArtifactCreate, ArtifactWithVersionSchema } from "../schemas";
import { createArtifact } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/artifact-actions/artifacts",
  tags: ["Artifact System"],
  summary: "Create a new artifact (version 1)",
  description:
    "This creates the first version of an artifact. `format` is json (any JSON value; a string is read as JSON text) or text (a string); by default text when `content` is a string. Content is at most 256 KiB. `publish: true` also makes version 1 live (needs can_publish_artifact). Needs can_edit_artifact.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, body: jsonBody(ArtifactCreate) },
  responses: { 201: json(ArtifactWithVersionSchema, "The artifact and version 1"), ...errorResponses(401, 403, 413, 422) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await createArtifact(c.var.ctx, c.req.valid("json")), 201);

export const registerCreateArtifact = (r: Router) => r.openapi(route, handler);
