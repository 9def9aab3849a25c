import { createRoute, z } from "@hono/zod-openapi";
import { ServiceError } from "../../../platform/errors";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { limitByIp } from "../../../platform/middleware/rate-limit";
import { errorResponses } from "../../../platform/openapi";
import { builtinAvatar } from "../service";

const route = createRoute({
  method: "get",
  path: "/avatars/agents/{file}",
  tags: ["AI Employees"],
  summary: "A built-in employee's avatar",
  description: "Public (the `avatar` of the built-in employees, e.g. /avatars/agents/atlas.svg); `.png` names redirect to the SVG.",
  middleware: [limitByIp("read")] as const,
  request: { params: z.object({ file: z.string().max(80).openapi({ example: "atlas.svg" }) }) },
  responses: {
    200: { description: "The image", content: { "image/svg+xml": { schema: z.string() } } },
    301: { description: "Moved to the SVG" },
    ...errorResponses(404),
  },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  const a = builtinAvatar(c.req.valid("param").file);
  if (!a) throw new ServiceError("not_found", "Avatar not found");
  if ("moved" in a) return c.redirect(a.moved, 301);
  return new Response(a.svg, {
    headers: {
      "content-type": "image/svg+xml; charset=utf-8",
      "cache-control": "public, max-age=86400",
      // Drawn from the roster, never from input; still, an SVG opened on its own runs nothing.
      "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'",
      "x-content-type-options": "nosniff",
    },
  });
};

export const registerGetBuiltinAvatar = (r: Router) => r.openapi(route, handler);
