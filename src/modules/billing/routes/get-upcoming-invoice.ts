import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { UpcomingInvoiceSchema } from "../schemas";
import { upcomingInvoice } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/billing/invoices/upcoming",
  tags: ["Billing"],
  summary: "Get the upcoming invoice for current subscription.",
  description: "Owner or admin. Stripe's preview of the next invoice. 404 without a renewing subscription.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema },
  responses: { 200: json(UpcomingInvoiceSchema, "The next invoice"), ...errorResponses(401, 403, 404, 502) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await upcomingInvoice(c.var.ctx), 200);

export const registerGetUpcomingInvoice = (r: Router) => r.openapi(route, handler);
