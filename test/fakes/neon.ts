// A local fake of the few Neon API v2 calls the NeonProvisioner makes, in Neon's wire format,
// backed by the embedded PostgreSQL: a "branch" is a real database cloned from its parent's.
import { createServer, type IncomingMessage } from "node:http";
import pg from "pg";
import { dbUrl } from "../../scripts/stack.ts";

export interface NeonCall {
  method: string;
  path: string;
  body: unknown;
}

interface Branch {
  id: string;
  projectId: string;
  database: string;
}

function body(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve) => {
    let d = "";
    req.on("data", (c) => {
      d += c;
    });
    req.on("end", () => resolve(d ? JSON.parse(d) : null));
  });
}

export async function startFakeNeon(opts: {
  pgPort: number;
  apiKey: string;
  projectId: string;
  templateBranchId: string;
  templateDb: string;
}) {
  const calls: NeonCall[] = [];
  const branches = new Map<string, Branch>([
    [opts.templateBranchId, { id: opts.templateBranchId, projectId: opts.projectId, database: opts.templateDb }],
  ]);
  const projects = new Map<string, string>([[opts.projectId, opts.templateBranchId]]);
  let n = 0;

  async function admin<T>(f: (c: pg.Client) => Promise<T>): Promise<T> {
    const c = new pg.Client({ connectionString: dbUrl(opts.pgPort, "postgres") });
    await c.connect();
    try {
      return await f(c);
    } finally {
      await c.end();
    }
  }

  async function cloneDb(name: string, template?: string) {
    for (let i = 0; ; i++) {
      try {
        await admin((c) => c.query(template ? `CREATE DATABASE "${name}" TEMPLATE "${template}"` : `CREATE DATABASE "${name}"`));
        return;
      } catch (e) {
        if ((e as { code?: string }).code !== "55006" || i > 20) throw e;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  const details = (b: Branch) => ({
    connection_uri: dbUrl(opts.pgPort, b.database),
    connection_parameters: { database: b.database, password: "postgres", role: "postgres", host: "127.0.0.1", pooler_host: "127.0.0.1" },
  });

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://neon");
    const json = (status: number, obj: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(obj));
    };
    const payload = await body(req);
    // Test-only introspection (the tests run in workerd and cannot read this process's memory).
    if (url.pathname === "/__calls") return json(200, calls);
    calls.push({ method: req.method ?? "", path: url.pathname + url.search, body: payload });
    if (req.headers.authorization !== `Bearer ${opts.apiKey}`) return json(401, { code: "", message: "authentication required" });
    const now = new Date().toISOString();
    try {
      let m = /^\/api\/v2\/projects\/([^/]+)\/branches$/.exec(url.pathname);
      if (m && req.method === "POST") {
        const projectId = m[1] as string;
        const p = payload as { branch?: { parent_id?: string; name?: string } };
        const parent = branches.get(p.branch?.parent_id ?? projects.get(projectId) ?? "");
        if (!parent || parent.projectId !== projectId) return json(404, { code: "", message: "parent branch not found" });
        const b: Branch = { id: `br-fake-${++n}`, projectId, database: `neon_fake_${n}_${Date.now()}` };
        await cloneDb(b.database, parent.database);
        branches.set(b.id, b);
        return json(201, {
          branch: { id: b.id, project_id: projectId, parent_id: parent.id, name: p.branch?.name ?? b.id, created_at: now, updated_at: now },
          endpoints: [{ id: `ep-fake-${n}`, host: "127.0.0.1", project_id: projectId, branch_id: b.id, type: "read_write" }],
          operations: [{ id: `op-${n}`, project_id: projectId, branch_id: b.id, action: "create_branch", status: "running" }],
          roles: [{ branch_id: b.id, name: "postgres", protected: false }],
          databases: [{ id: n, branch_id: b.id, name: b.database, owner_name: "postgres" }],
          connection_uris: [details(b)],
        });
      }
      m = /^\/api\/v2\/projects\/([^/]+)\/branches\/([^/]+)$/.exec(url.pathname);
      if (m && req.method === "DELETE") {
        const b = branches.get(m[2] as string);
        if (!b) return json(404, { code: "", message: "branch not found" });
        branches.delete(b.id);
        await admin((c) => c.query(`DROP DATABASE IF EXISTS "${b.database}" WITH (FORCE)`));
        return json(200, { branch: { id: b.id, project_id: b.projectId }, operations: [] });
      }
      m = /^\/api\/v2\/projects\/([^/]+)\/connection_uri$/.exec(url.pathname);
      if (m && req.method === "GET") {
        const b = branches.get(url.searchParams.get("branch_id") ?? "");
        if (!b) return json(404, { code: "", message: "branch not found" });
        return json(200, { uri: details(b).connection_uri });
      }
      if (url.pathname === "/api/v2/projects" && req.method === "POST") {
        const projectId = `proj-fake-${++n}`;
        const b: Branch = { id: `br-main-${n}`, projectId, database: `neon_fake_main_${n}_${Date.now()}` };
        await cloneDb(b.database);
        branches.set(b.id, b);
        projects.set(projectId, b.id);
        return json(201, {
          project: { id: projectId, name: (payload as { project?: { name?: string } })?.project?.name ?? projectId, created_at: now },
          branch: { id: b.id, project_id: projectId, name: "tenant-template", created_at: now },
          connection_uris: [details(b)],
          roles: [{ branch_id: b.id, name: "postgres" }],
          databases: [{ id: n, branch_id: b.id, name: b.database, owner_name: "postgres" }],
          operations: [],
          endpoints: [],
        });
      }
      json(404, { code: "", message: `not implemented in fake: ${req.method} ${url.pathname}` });
    } catch (e) {
      json(500, { code: "", message: String(e) });
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}/api/v2`,
    calls,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
