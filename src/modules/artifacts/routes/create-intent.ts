import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { IntentCreate, IntentSchema } from "../schemas";
import { createIntent } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/artifact-actions/intents",
  tags: ["Artifact System"],
  summary: "Create a new action intent",
  description:
    "This is the starting point for any meaningful change in the system: what should happen (`action`: create, update, publish, rollback) to which artifact, and why (`description`). create needs name and content; update needs artifact_id and content; publish needs artifact_id (version defaults to the latest); rollback needs artifact_id and version. Propose it with POST …/proposals {intent_id}. Needs can_edit_artifact.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, body: jsonBody(IntentCreate) },
  responses: { 201: json(IntentSchema, "The intent"), ...errorResponses(401, 403, 404, 413, 422) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await createIntent(c.var.ctx, c.req.valid("json")), 201);

export const registerCreateIntent = (r: Router) => r.openapi(route, handler);
