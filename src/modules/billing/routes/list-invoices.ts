import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { InvoicesQuery, InvoicesSchema } from "../schemas";
import { listInvoices } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/billing/invoices",
  tags: ["Billing"],
  summary: "List past invoices for workspace.",
  description: "Owner or admin. From Stripe, newest first, with hosted and PDF links. Empty before the workspace has a Stripe customer.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, query: InvoicesQuery },
  responses: { 200: json(InvoicesSchema, "Invoices"), ...errorResponses(401, 403, 502) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await listInvoices(c.var.ctx, c.req.valid("query").limit), 200);

export const registerListInvoices = (r: Router) => r.openapi(route, handler);
