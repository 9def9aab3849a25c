import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { limitByIp } from "../../../platform/middleware/rate-limit";
import { json } from "../../../platform/openapi";
import { checkHealth } from "../service";

const HealthSchema = z
  .object({
    status: z.enum(["ok", "degraded"]),
    database: z.enum(["ok", "unreachable"]),
    latency_ms: z.number(),
    environment: z.string(),
  })
  .openapi("Health");

const route = createRoute({
  method: "get",
  path: "/health",
  tags: ["System"],
  summary: "Liveness and control-database check",
  middleware: [limitByIp("read")] as const,
  responses: { 200: json(HealthSchema, "Healthy"), 503: json(HealthSchema, "The control database is unreachable") },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  const h = await checkHealth(c.var.ctx);
  return h.status === "ok" ? c.json(h, 200) : c.json(h, 503);
};

export const registerHealth = (r: Router) => r.openapi(route, handler);
