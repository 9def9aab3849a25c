import { z } from "@hono/zod-openapi";
import { isoDate } from "../../platform/openapi";

export const RoleSchema = z.enum(["owner", "admin", "member", "viewer"]).openapi("Role");

export const WorkspaceSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    slug: z.string(),
    status: z.string().openapi({ description: "provisioning, active or failed" }),
    plan: z.string(),
    owner_id: z.uuid().nullable(),
    role: RoleSchema.openapi({ description: "The caller's role in this workspace" }),
    created_at: isoDate,
    updated_at: isoDate,
  })
  .openapi("Workspace");

export const WorkspaceCreate = z
  .object({
    name: z.string().trim().min(1).max(120),
  })
  .openapi("WorkspaceCreate");
export type WorkspaceCreate = z.infer<typeof WorkspaceCreate>;

export const WorkspaceIdParam = z.object({
  workspace_id: z.string().openapi({ param: { name: "workspace_id", in: "path" }, example: "0190f2a4-…" }),
});

export const CreateWorkspaceQuery = z.object({
  skip_seed: z
    .enum(["true", "false"])
    .optional()
    .transform((v) => v === "true")
    .openapi({ param: { name: "skip_seed", in: "query" }, type: "boolean" }),
});
