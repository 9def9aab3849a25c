import type { Role, workspaces } from "../../platform/identity/tables";

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

export function slugify(name: string): string {
  const s = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 48);
  return s || "workspace";
}
