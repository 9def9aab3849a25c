import { sql } from "drizzle-orm";
import type { Bindings } from "../../env";
import type { Db } from "../db";
import { type TenantDatabase, type TenantProvisioner, tenantDatabaseName } from "./provisioner";

export const DEFAULT_TEMPLATE_DATABASE = "tenant_template";
const SAFE_NAME = /^ws_[0-9a-f]{32}$/;

/** Postgres refuses to copy a template while anyone is connected to it (SQLSTATE 55006). */
const isTemplateBusy = (e: unknown) => {
  const code = (e as { code?: string; cause?: { code?: string } }).code ?? (e as { cause?: { code?: string } }).cause?.code;
  return code === "55006";
};

/**
 * Local and test tenancy: one database per workspace on the same server as the control
 * database, cloned from `tenant_template` (kept migrated by `npm run dev` / the test setup).
 */
export class LocalProvisioner implements TenantProvisioner {
  constructor(
    private readonly env: Bindings,
    private readonly control: Db,
  ) {}

  private get template(): string {
    const t = this.env.TENANT_TEMPLATE_DATABASE ?? DEFAULT_TEMPLATE_DATABASE;
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(t)) throw new Error("unsafe template database name");
    return t;
  }

  async create(workspaceId: string): Promise<TenantDatabase> {
    const name = tenantDatabaseName(workspaceId);
    if (!SAFE_NAME.test(name)) throw new Error("unsafe database name");
    for (let attempt = 0; ; attempt++) {
      try {
        // Identifiers cannot be bound as parameters; `name` is checked against SAFE_NAME above.
        await this.control.execute(sql.raw(`CREATE DATABASE "${name}" TEMPLATE "${this.template}"`));
        break;
      } catch (e) {
        if (!isTemplateBusy(e) || attempt >= 8) throw e;
        await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
      }
    }
    const url = new URL(this.env.DATABASE_URL);
    url.pathname = `/${name}`;
    return { provider: "local", databaseName: name, connectionString: url.toString() };
  }

  async destroy(db: Pick<TenantDatabase, "databaseName">): Promise<void> {
    if (!SAFE_NAME.test(db.databaseName)) throw new Error("unsafe database name");
    await this.control.execute(sql.raw(`DROP DATABASE IF EXISTS "${db.databaseName}" WITH (FORCE)`));
  }
}
