import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { MemberIdParam, OwnedItemsSchema } from "../schemas";
import { ownedItems } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/members/{member_id}/owned-items",
  tags: ["Members"],
  summary: "Get all items owned by or assigned to a member.",
  description: "For offboarding: what must be reassigned before removal, grouped by type (teams led, …).",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: MemberIdParam },
  responses: { 200: json(OwnedItemsSchema, "Owned items"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await ownedItems(c.var.ctx, c.req.valid("param").member_id), 200);

export const registerMemberOwnedItems = (r: Router) => r.openapi(route, handler);
