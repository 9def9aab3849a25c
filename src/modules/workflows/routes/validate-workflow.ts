import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ValidateBody, ValidationSchema } from "../schemas";
import { validateWorkflow } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/workflows/validate",
  tags: ["Workflows"],
  summary: "Validate a workflow definition without saving it.",
  description:
    "The same checks as a save (unknown component, missing required input, cycle, type mismatch on an edge, bad expressions, bad schedules); 200 with valid, issues and the compiled definition. Needs can_view_workflow.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, body: jsonBody(ValidateBody) },
  responses: {
    200: json(ValidationSchema, "The verdict"),
    ...errorResponses(401, 403, 422),
  },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await validateWorkflow(c.var.ctx, c.req.valid("json")), 200);

export const registerValidateWorkflow = (r: Router) => r.openapi(route, handler);
