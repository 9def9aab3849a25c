import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { limitByIp } from "../../../platform/middleware/rate-limit";
import { errorResponses, json, jsonBody } from "../../../platform/openapi";
import { ClerkCheckRequest, ClerkCheckSchema } from "../schemas";
import { clerkCheck } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/auth/clerk/check",
  tags: ["Authentication"],
  summary: "Check if a Clerk-authenticated user exists in our database.",
  description: "Protected by the X-Clerk-Secret header. Never creates users: unknown people get {exists: false}.",
  middleware: [limitByIp("token")] as const,
  request: {
    headers: z.object({
      "x-clerk-secret": z
        .string()
        .optional()
        .openapi({ param: { name: "x-clerk-secret", in: "header" } }),
    }),
    body: jsonBody(ClerkCheckRequest),
  },
  responses: { 200: json(ClerkCheckSchema, "Whether the user exists, with a session if so"), ...errorResponses(401, 503) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await clerkCheck(c.var.ctx, c.req.valid("header")["x-clerk-secret"], c.req.valid("json")), 200);

export const registerClerkCheck = (r: Router) => r.openapi(route, handler);
