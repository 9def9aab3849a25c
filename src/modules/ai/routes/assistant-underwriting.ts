import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { StructuredAnswerSchema, UnderwritingRequest } from "../schemas";
import { createUnderwriting } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/ai/assistant/underwriting",
  tags: ["AI Assistant"],
  summary: "Create a comprehensive underwriting model",
  description:
    "Atrium computes the pro forma over the hold period (default 10 years), debt service schedule, exit, IRR, NPV, " +
    "cash-on-cash, equity multiple and an exit-cap × rent-growth sensitivity grid; the model reviews them. Needs can_use_ai.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, body: jsonBody(UnderwritingRequest) },
  responses: {
    200: json(StructuredAnswerSchema, "The underwriting model and its review"),
    ...errorResponses(401, 402, 403, 404, 502, 504),
  },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await createUnderwriting(c.var.ctx, c.req.valid("json")), 200);

export const registerAssistantUnderwriting = (r: Router) => r.openapi(route, handler);
