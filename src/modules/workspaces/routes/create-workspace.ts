import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody } from "../../../platform/openapi";
import { CreateWorkspaceQuery, WorkspaceCreate, WorkspaceSchema } from "../schemas";
import { createWorkspaceForCaller } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/workspaces",
  tags: ["Workspaces"],
  summary: "Create a new workspace",
  description:
    "Creates the workspace and provisions its own database (a clone of the migrated tenant template). " +
    "No sample data is seeded; `skip_seed` is accepted for compatibility.",
  security: bearerSecurity,
  middleware: [requireUser()] as const,
  request: { query: CreateWorkspaceQuery, body: jsonBody(WorkspaceCreate) },
  responses: { 201: json(WorkspaceSchema, "The new workspace, active"), ...errorResponses(401, 500) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await createWorkspaceForCaller({ ctx: c.var.ctx, input: c.req.valid("json") }), 201);

export const registerCreateWorkspace = (r: Router) => r.openapi(route, handler);
