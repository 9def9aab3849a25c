import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { RunIdParam, RunSchema } from "../schemas";
import { getRun } from "../service/runs";

const route = createRoute({
  method: "get",
  path: "/api/v1/integrations/runs/{run_id}",
  tags: ["Integrations & Data / Integrations"],
  summary: "Get the status of a specific job run.",
  description:
    "Status (PENDING, RUNNING, COMPLETED, FAILED, CANCELLED), progress, current step, records synced, the resume cursor, started_at, completed_at, error_message.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: RunIdParam },
  responses: { 200: json(RunSchema, "The run"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await getRun(c.var.ctx, c.req.valid("param").run_id), 200);

export const registerGetRun = (r: Router) => r.openapi(route, handler);
