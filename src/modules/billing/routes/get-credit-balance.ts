import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { CreditBalanceSchema } from "../schemas";
import { getCreditBalance } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/billing/credits",
  tags: ["Billing"],
  summary: "AI credit balance and 24 h burn rate.",
  description:
    "Balance (the ledger's sum), held by running calls, available, included (this month's grant, expires at the next) and purchased credits (never expire), burn rate per hour over the last 24 h. Any member.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema },
  responses: { 200: json(CreditBalanceSchema, "Balance"), ...errorResponses(401) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await getCreditBalance(c.var.ctx), 200);

export const registerGetCreditBalance = (r: Router) => r.openapi(route, handler);
