import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { UsageQuery } from "../schemas";
import { runUsage } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/workflow-runs/usage",
  tags: ["Workflows"],
  summary: "Runs, tokens and credits by day and by workflow.",
  description: "Over the last `days` days (default 30) of the runs you may see: counts by outcome, tokens, credits and mean duration.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, query: UsageQuery },
  responses: {
    200: json(
      z.object({
        days: z.number().int(),
        by_day: z.array(z.record(z.string(), z.unknown())),
        by_workflow: z.array(z.record(z.string(), z.unknown())),
      }),
      "Usage",
    ),
    ...errorResponses(401, 403, 422),
  },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await runUsage(c.var.ctx, c.req.valid("query")), 200);

export const registerRunUsage = (r: Router) => r.openapi(route, handler);
