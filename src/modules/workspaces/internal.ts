import type { Role, workspaces } from "../../platform/identity/tables";
import { slugify as slugifyName } from "../../platform/slugs";

type WorkspaceRow = typeof workspaces.$inferSelect;

export function toWorkspace(w: WorkspaceRow, role: Role) {
  return {
    id: w.id,
    name: w.name,
    slug: w.slug,
    status: w.status,
    plan: w.plan,
    owner_id: w.ownerId,
    role,
    created_at: w.createdAt.toISOString(),
    updated_at: w.updatedAt.toISOString(),
  };
}

export const slugify = (name: string) => slugifyName(name, "workspace", 48);
