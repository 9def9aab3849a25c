import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { RunIdParam, RunSchema } from "../schemas";
import { cancelRun } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/workflow-runs/{run_id}/cancel",
  tags: ["Workflows"],
  summary: "Cancel a run.",
  description:
    "It stops before its next node; a pending approval of it is withdrawn. 409 when it has already ended. Whoever started it, or can_manage_workflow.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: RunIdParam },
  responses: {
    200: json(RunSchema, "The cancelled run"),
    ...errorResponses(401, 403, 404, 409),
  },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await cancelRun(c.var.ctx, c.req.valid("param").run_id), 200);

export const registerCancelRun = (r: Router) => r.openapi(route, handler);
