import { eq, sql } from "drizzle-orm";
import { describe, expect, inject, it } from "vitest";
import { members } from "../src/modules/members/tables";
import { createContext } from "../src/platform/context";
import { neonProjects } from "../src/platform/identity/tables";
import { NeonProvisioner } from "../src/platform/tenancy/neon";
import { env, withControl, withDb } from "./harness";

interface Call {
  method: string;
  path: string;
  body: any;
}

async function neonCalls(url: string): Promise<Call[]> {
  return (await (await fetch(`${url.replace(/\/api\/v2$/, "")}/__calls`)).json()) as Call[];
}

describe("NeonProvisioner (against a local fake of the Neon API)", () => {
  it("branches the template per workspace, fills projects in turn, and cleans up", async () => {
    const s = inject("stack");
    const neonEnv = {
      ...env,
      TENANT_PROVIDER: "neon",
      NEON_API_URL: s.neonUrl,
      NEON_API_KEY: s.apiKey,
      NEON_PROJECT_ID: s.projectId,
      NEON_TEMPLATE_BRANCH_ID: s.templateBranchId,
      // Tiny projects so the third workspace needs a new one.
      NEON_BRANCHES_PER_PROJECT: "2",
      // The fake's template branch is the local template database.
      NEON_DATABASE_NAME: "tenant_template",
      NEON_ROLE_NAME: "postgres",
    };
    const ctx = createContext({ env: neonEnv, requestId: "neon-test", waitUntil: () => {} });
    try {
      const provisioner = new NeonProvisioner(neonEnv, ctx.control);
      const ids = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
      const made: Awaited<ReturnType<NeonProvisioner["create"]>>[] = [];
      for (const id of ids) made.push(await provisioner.create(id));

      expect(made[0]).toMatchObject({ provider: "neon", neonProjectId: s.projectId });
      expect(made[1]?.neonProjectId).toBe(s.projectId);
      expect(made[2]?.neonProjectId).not.toBe(s.projectId);

      const calls = await neonCalls(s.neonUrl);
      const branchCalls = calls.filter((c) => c.method === "POST" && c.path.endsWith("/branches"));
      expect(branchCalls[0]).toMatchObject({
        path: `/api/v2/projects/${s.projectId}/branches`,
        body: { branch: { parent_id: s.templateBranchId, name: `ws-${ids[0]}` }, endpoints: [{ type: "read_write" }] },
      });
      // The first project's template had no recorded schema version: it was migrated (through
      // its connection URI) before being branched.
      expect(calls.findIndex((c) => c.path.startsWith(`/api/v2/projects/${s.projectId}/connection_uri?`))).toBeLessThan(
        calls.findIndex((c) => c.path === `/api/v2/projects/${s.projectId}/branches`),
      );
      const created = calls.find((c) => c.method === "POST" && c.path === "/api/v2/projects");
      expect(created?.body).toMatchObject({ project: { branch: { name: "tenant-template" } } });

      // Every branch is a working, migrated tenant database (the new project's template was migrated first).
      for (const m of made) {
        const n = await withDb(m.connectionString, async (db) => {
          await db.insert(members).values({ userId: crypto.randomUUID(), email: "probe@example.com" });
          return (await db.select().from(members)).length;
        });
        expect(n).toBe(1);
      }

      const counts = await withControl((db) => db.select().from(neonProjects).orderBy(neonProjects.createdAt));
      expect(counts.find((p) => p.projectId === s.projectId)).toMatchObject({ branchCount: 2, templateSchemaVersion: expect.any(String) });
      expect(counts.find((p) => p.projectId === made[2]?.neonProjectId)?.branchCount).toBe(1);

      for (const m of made) await provisioner.destroy(m);
      const after = await withControl((db) => db.select().from(neonProjects).where(eq(neonProjects.projectId, s.projectId)));
      expect(after[0]?.branchCount).toBe(0);
      const deletes = (await neonCalls(s.neonUrl)).filter((c) => c.method === "DELETE");
      expect(deletes.map((d) => d.path)).toEqual(made.map((m) => `/api/v2/projects/${m.neonProjectId}/branches/${m.neonBranchId}`));
      const gone = await withControl(
        async (db) =>
          (
            await db.execute(
              sql`SELECT count(*)::int AS n FROM pg_database WHERE datname LIKE 'neon_fake_%' AND datname NOT LIKE 'neon_fake_main_%'`,
            )
          ).rows,
      );
      expect(gone[0]).toMatchObject({ n: 0 });
    } finally {
      await ctx.connections.close();
    }
  });

  it("refuses to start without its settings", () => {
    expect(() => new NeonProvisioner({ ...env, TENANT_PROVIDER: "neon", NEON_API_KEY: undefined }, {} as never)).toThrow(/NEON_API_KEY/);
  });
});
