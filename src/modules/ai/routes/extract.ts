import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ExtractionSchema, ExtractRequest } from "../schemas";
import { extractData } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/ai/llm/extract",
  tags: ["AI - LLM"],
  summary: "Extract structured data from text using LLM.",
  description:
    "Send a JSON Schema (type: object) and text; the answer is validated against the schema. An invalid answer gets one " +
    "repair retry; still invalid → 422 extraction_failed (nothing charged). A schema Atrium cannot use → 422 at body.schema. Needs can_use_ai.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, body: jsonBody(ExtractRequest) },
  responses: { 200: json(ExtractionSchema, "The extracted object"), ...errorResponses(401, 402, 403, 404, 413, 502, 504) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await extractData(c.var.ctx, c.req.valid("json")), 200);

export const registerExtract = (r: Router) => r.openapi(route, handler);
