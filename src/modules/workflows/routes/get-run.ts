import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { RunIdParam, RunSchema } from "../schemas";
import { getRun } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/workflow-runs/{run_id}",
  tags: ["Workflows"],
  summary: "A run with every node's input, output, error, attempts, duration, tokens and credits.",
  description: "Same visibility as the run lists.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: RunIdParam },
  responses: {
    200: json(RunSchema, "The run"),
    ...errorResponses(401, 403, 404),
  },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await getRun(c.var.ctx, c.req.valid("param").run_id), 200);

export const registerGetRun = (r: Router) => r.openapi(route, handler);
