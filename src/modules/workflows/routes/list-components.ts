import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ComponentsQuery } from "../schemas";
import { components } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/workflows/components",
  tags: ["Workflows"],
  summary: "The component library.",
  description:
    "Every component a node may use: type, name, category, config JSON Schema, typed inputs and outputs, and the branch ports edges may leave from. Needs can_view_workflow.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, query: ComponentsQuery },
  responses: {
    200: json(z.object({ items: z.array(z.record(z.string(), z.unknown())) }), "The components"),
    ...errorResponses(401, 403, 422),
  },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json({ items: await components(c.var.ctx, c.req.valid("query")) }, 200);

export const registerListComponents = (r: Router) => r.openapi(route, handler);
