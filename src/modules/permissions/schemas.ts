import { z } from "@hono/zod-openapi";
import { RoleSchema } from "../workspaces/schemas";

export const PermissionSchema = z.object({ name: z.string(), resource: z.string(), description: z.string() }).openapi("Permission");

export const PermissionGroupSchema = z
  .object({
    resource: z.string(),
    permissions: z.array(z.object({ name: z.string(), description: z.string() })),
  })
  .openapi("PermissionGroup");

const PermissionMap = z.record(z.string(), z.boolean()).openapi({ description: "permission name → allowed" });

export const RolePermissionsSchema = z.object({ role: RoleSchema, permissions: PermissionMap }).openapi("RolePermissions");
export const AllRolePermissionsSchema = z.record(z.string(), PermissionMap).openapi("AllRolePermissions");
export const PermissionCheckSchema = z
  .object({ permission: z.string(), allowed: z.boolean(), role: RoleSchema })
  .openapi("PermissionCheck");
export const SeedResultSchema = z
  .object({ seeded: z.number().int(), overrides: z.number().int(), message: z.string() })
  .openapi("PermissionSeedResult");

export const ResourceQuery = z.object({
  resource: z
    .string()
    .max(64)
    .optional()
    .openapi({ param: { name: "resource", in: "query" }, example: "member" }),
});
export const RoleParam = z.object({ role: RoleSchema.openapi({ param: { name: "role", in: "path" } }) });
export const PermissionParam = z.object({
  permission: z
    .string()
    .max(64)
    .openapi({ param: { name: "permission", in: "path" }, example: "can_create_team" }),
});

export const SetPermissionsRequest = z
  .object({ permissions: z.record(z.string().max(64), z.boolean()).refine((o) => Object.keys(o).length > 0, "At least one permission") })
  .openapi("SetRolePermissions");
export const SetPermissionRequest = z.object({ permission: z.string().max(64), allowed: z.boolean() }).openapi("SetRolePermission");
