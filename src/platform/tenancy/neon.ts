import { createApiClient, EndpointType } from "@neondatabase/api-client";
import { eq, sql } from "drizzle-orm";
import { tenantMigrations } from "../../../migrations/tenant";
import type { Bindings } from "../../env";
import type { Db } from "../db";
import { latestMigration } from "../db/migrator";
import { neonProjects } from "../identity/tables";
import { migrateTenant, type TenantDatabase, type TenantProvisioner, tenantDatabaseName } from "./provisioner";

/** Neon's cap per project is 5,000 branches, the template branch included. */
const DEFAULT_BRANCH_LIMIT = 4999;

/**
 * Production tenancy: each workspace is a Neon branch of its project's `tenant-template`
 * branch (copy-on-write, scales to zero when idle). Projects fill in turn; when all are full a
 * new project is created and its default branch migrated to become that project's template.
 */
export class NeonProvisioner implements TenantProvisioner {
  private readonly api;

  constructor(
    private readonly env: Bindings,
    private readonly control: Db,
  ) {
    if (!env.NEON_API_KEY || !env.NEON_PROJECT_ID || !env.NEON_TEMPLATE_BRANCH_ID) {
      throw new Error("TENANT_PROVIDER=neon needs NEON_API_KEY, NEON_PROJECT_ID and NEON_TEMPLATE_BRANCH_ID");
    }
    // axios' fetch adapter: Workers have fetch, not XHR or Node's http client.
    this.api = createApiClient({
      apiKey: env.NEON_API_KEY,
      adapter: "fetch",
      ...(env.NEON_API_URL ? { baseURL: env.NEON_API_URL } : {}),
    });
  }

  private get branchLimit(): number {
    return Number(this.env.NEON_BRANCHES_PER_PROJECT) || DEFAULT_BRANCH_LIMIT;
  }

  /** Reserves a branch slot in the first project with room (row lock, so concurrent signups agree). */
  private async reserveSlot(): Promise<{ projectId: string; templateBranchId: string }> {
    await this.control
      .insert(neonProjects)
      .values({
        projectId: this.env.NEON_PROJECT_ID as string,
        templateBranchId: this.env.NEON_TEMPLATE_BRANCH_ID as string,
        branchLimit: this.branchLimit,
      })
      .onConflictDoNothing();
    const reserved = await this.control.execute<{
      project_id: string;
      template_branch_id: string;
      template_schema_version: string | null;
    }>(sql`
      UPDATE neon_projects SET branch_count = branch_count + 1
      WHERE project_id = (
        SELECT project_id FROM neon_projects WHERE branch_count < branch_limit
        ORDER BY created_at, project_id LIMIT 1 FOR UPDATE SKIP LOCKED)
      RETURNING project_id, template_branch_id, template_schema_version`);
    const row = reserved.rows[0];
    if (!row) return this.addProject();
    const slot = { projectId: row.project_id, templateBranchId: row.template_branch_id };
    if (row.template_schema_version !== latestMigration(tenantMigrations)) {
      try {
        await this.migrateTemplate(slot);
      } catch (e) {
        await this.release(slot.projectId);
        throw e;
      }
    }
    return slot;
  }

  /**
   * Brings a project's template branch to the bundled tenant schema before it is branched, so
   * new workspaces start current (the migrator's advisory lock serialises concurrent callers).
   */
  private async migrateTemplate(slot: { projectId: string; templateBranchId: string }): Promise<void> {
    const { data } = await this.api.getConnectionUri({
      projectId: slot.projectId,
      branch_id: slot.templateBranchId,
      database_name: this.env.NEON_DATABASE_NAME ?? "neondb",
      role_name: this.env.NEON_ROLE_NAME ?? "neondb_owner",
    });
    await migrateTenant(this.env, data.uri);
    await this.control
      .update(neonProjects)
      .set({ templateSchemaVersion: latestMigration(tenantMigrations) ?? null })
      .where(eq(neonProjects.projectId, slot.projectId));
  }

  private async addProject(): Promise<{ projectId: string; templateBranchId: string }> {
    const count = await this.control.$count(neonProjects);
    const { data } = await this.api.createProject({
      project: { name: `atrium-tenants-${count + 1}`, branch: { name: "tenant-template" } },
    });
    const uri = data.connection_uris[0]?.connection_uri;
    if (!uri) throw new Error("Neon did not return a connection URI for the new project");
    await migrateTenant(this.env, uri);
    await this.control.insert(neonProjects).values({
      projectId: data.project.id,
      templateBranchId: data.branch.id,
      branchCount: 1,
      branchLimit: this.branchLimit,
      templateSchemaVersion: latestMigration(tenantMigrations) ?? null,
    });
    return { projectId: data.project.id, templateBranchId: data.branch.id };
  }

  private async release(projectId: string): Promise<void> {
    await this.control.execute(sql`UPDATE neon_projects SET branch_count = greatest(branch_count - 1, 0) WHERE project_id = ${projectId}`);
  }

  async create(workspaceId: string): Promise<TenantDatabase> {
    const { projectId, templateBranchId } = await this.reserveSlot();
    try {
      const { data } = await this.api.createProjectBranch(projectId, {
        branch: { parent_id: templateBranchId, name: `ws-${workspaceId}` },
        endpoints: [{ type: EndpointType.ReadWrite }],
      });
      let uri = data.connection_uris?.[0]?.connection_uri;
      const databaseName = data.databases?.[0]?.name ?? "neondb";
      if (!uri) {
        const res = await this.api.getConnectionUri({
          projectId,
          branch_id: data.branch.id,
          database_name: databaseName,
          role_name: data.roles?.[0]?.name ?? "neondb_owner",
        });
        uri = res.data.uri;
      }
      return {
        provider: "neon",
        databaseName: tenantDatabaseName(workspaceId),
        connectionString: uri,
        neonProjectId: projectId,
        neonBranchId: data.branch.id,
      };
    } catch (e) {
      await this.release(projectId);
      throw e;
    }
  }

  async destroy(db: Pick<TenantDatabase, "neonProjectId" | "neonBranchId">): Promise<void> {
    if (!db.neonProjectId || !db.neonBranchId) return;
    await this.api.deleteProjectBranch({ projectId: db.neonProjectId, branchId: db.neonBranchId });
    await this.release(db.neonProjectId);
  }
}
