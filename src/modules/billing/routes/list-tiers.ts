import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { limitByIp } from "../../../platform/middleware/rate-limit";
import { errorResponses, json } from "../../../platform/openapi";
import { TiersSchema } from "../schemas";
import { listTiers } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/billing/tiers",
  tags: ["Billing"],
  summary: "List all available subscription tiers with features and limits.",
  description: "Public (pricing page; rate limited per IP). Prices in cents (USD); null limits are unlimited.",
  middleware: [limitByIp("read")] as const,
  responses: { 200: json(TiersSchema, "Tiers"), ...errorResponses(429) },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  c.header("cache-control", "public, max-age=300");
  return c.json(listTiers(), 200);
};

export const registerListTiers = (r: Router) => r.openapi(route, handler);
