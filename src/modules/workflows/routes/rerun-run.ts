import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { RunIdParam, RunSchema } from "../schemas";
import { rerunRun } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/workflow-runs/{run_id}/rerun",
  tags: ["Workflows"],
  summary: "Re-run a failed or cancelled run from where it stopped.",
  description:
    "A new run on the same version and input; nodes the old run finished are reused (not run again), the rest run. 409 for a run that did not fail or was not cancelled.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: RunIdParam },
  responses: {
    202: json(RunSchema, "The new run"),
    ...errorResponses(401, 403, 404, 409),
  },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await rerunRun(c.var.ctx, c.req.valid("param").run_id), 202);

export const registerRerunRun = (r: Router) => r.openapi(route, handler);
