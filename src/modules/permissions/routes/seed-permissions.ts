import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { SeedResultSchema } from "../schemas";
import { seedPermissions } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/permissions/seed",
  tags: ["Permissions"],
  summary: "Seed default permissions for this workspace.",
  description: "Defaults are part of the platform, so every workspace has them; this reports them. Admins and owners.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema },
  responses: { 201: json(SeedResultSchema, "Default permissions in place"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await seedPermissions(c.var.ctx), 201);

export const registerSeedPermissions = (r: Router) => r.openapi(route, handler);
