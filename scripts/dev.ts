// `npm run dev`: the whole local stack in one command, no account and no Docker.
//   embedded PostgreSQL (.data/postgres) → WebSocket proxy → migrations (control DB and tenant
//   template) → local OpenAI-compatible model server → `wrangler dev`.
// With DATABASE_URL set, that database is used instead of the embedded one (a Neon URL also
// switches tenancy to Neon branches; set NEON_API_KEY, NEON_PROJECT_ID, NEON_TEMPLATE_BRANCH_ID).
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { migrate } from "../src/platform/db/migrator.ts";
import { startAiServer } from "./ai-server.ts";
import { readMigrations } from "./migrations.ts";
import { startProviderFakes } from "./provider-fakes.ts";
import { CONTROL_DB, migrateDatabase, ROOT, startStack, TEMPLATE_DB } from "./stack.ts";
import { startStripeFake } from "./stripe-fake.ts";
import { startWsProxy } from "./ws-proxy.ts";

const PORT = Number(process.env.PORT ?? 8787);
const PG_PORT = Number(process.env.PG_PORT ?? 54329);
const PROXY_PORT = Number(process.env.DB_PROXY_PORT ?? 54330);
const AI_PORT = Number(process.env.AI_PORT ?? 54331);
const PROVIDERS_PORT = Number(process.env.PROVIDERS_PORT ?? 54332);
const STRIPE_PORT = Number(process.env.STRIPE_PORT ?? 54333);

const log = (msg: string) => console.log(`\x1b[36m[atrium]\x1b[0m ${msg}`);
const cleanups: (() => Promise<void>)[] = [];
let wrangler: ChildProcess | undefined;
let stopping = false;

async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  log("stopping…");
  if (wrangler && wrangler.exitCode === null) {
    wrangler.kill("SIGINT");
    await new Promise((r) => {
      const t = setTimeout(() => {
        wrangler?.kill("SIGKILL");
        r(null);
      }, 5000);
      wrangler?.once("exit", () => {
        clearTimeout(t);
        r(null);
      });
    });
  }
  for (const c of cleanups.reverse()) await c().catch((e) => console.error(e));
  process.exit(code);
}
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));

async function migrateExternal(url: string) {
  // An existing server: migrate its database as the control DB and keep a template beside it.
  const control = new pg.Client({ connectionString: url });
  await control.connect();
  try {
    await migrate(control, readMigrations(ROOT, "control"));
  } finally {
    await control.end();
  }
  const u = new URL(url);
  if (u.hostname.endsWith(".neon.tech")) return; // Neon: the tenant-template branch is migrated by its own job.
  const port = Number(u.port || 5432);
  if (u.hostname === "127.0.0.1" || u.hostname === "localhost") await migrateDatabase(port, TEMPLATE_DB, "tenant");
}

async function main() {
  const vars: Record<string, string> = {};
  const external = process.env.DATABASE_URL;
  if (external) {
    const u = new URL(external);
    const neon = u.hostname.endsWith(".neon.tech");
    log(`using DATABASE_URL (${u.hostname})`);
    await migrateExternal(external);
    vars.DATABASE_URL = external;
    if (neon) {
      vars.TENANT_PROVIDER = "neon";
      for (const k of ["NEON_API_KEY", "NEON_PROJECT_ID", "NEON_TEMPLATE_BRANCH_ID"]) {
        const v = process.env[k];
        if (!v) throw new Error(`${k} is required with a Neon DATABASE_URL`);
        vars[k] = v;
      }
    } else {
      const proxy = await startWsProxy(PROXY_PORT, [u.hostname]);
      cleanups.push(proxy.close);
      vars.DB_WS_PROXY = `127.0.0.1:${proxy.port}`;
    }
  } else {
    mkdirSync(join(ROOT, ".data"), { recursive: true });
    const stack = await startStack({
      dataDir: join(ROOT, ".data", "postgres"),
      pgPort: PG_PORT,
      proxyPort: PROXY_PORT,
      persistent: true,
      log,
    });
    cleanups.push(stack.stop);
    vars.DATABASE_URL = stack.controlUrl;
    vars.DB_WS_PROXY = `127.0.0.1:${stack.proxyPort}`;
    log(`control database ${CONTROL_DB}, tenant template ${TEMPLATE_DB}`);
  }
  if (process.env.OPENAI_BASE_URL) {
    // A real provider (OpenAI-compatible) instead of the local model server; its key goes in
    // .dev.vars (OPENAI_API_KEY=…), never on a command line.
    vars.OPENAI_BASE_URL = process.env.OPENAI_BASE_URL;
    log(`models from ${process.env.OPENAI_BASE_URL} (key from .dev.vars)`);
  } else {
    const ai = await startAiServer(AI_PORT);
    cleanups.push(ai.close);
    vars.OPENAI_BASE_URL = `http://127.0.0.1:${ai.port}/v1`;
    log(`local model server on http://127.0.0.1:${ai.port}/v1 (development model, deterministic)`);
  }
  if (process.env.INTEGRATION_PROVIDER_URL === "real") {
    // Real providers: the OAuth apps' credentials go in .dev.vars.
    vars.INTEGRATION_PROVIDER_URL = "";
    log("integrations call the real providers (OAuth apps from .dev.vars)");
  } else {
    const providers = await startProviderFakes(PROVIDERS_PORT);
    cleanups.push(providers.close);
    vars.INTEGRATION_PROVIDER_URL = providers.url;
    log(`provider fakes (Slack, Google, Meta, Shopify, HubSpot, Atlassian) on ${providers.url}`);
  }
  if (process.env.STRIPE_SECRET_KEY) {
    // The real Stripe API (test mode, normally): the key and the webhook secret go in .dev.vars.
    vars.STRIPE_API_URL = "";
    log("billing calls the real Stripe API (STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET from .dev.vars)");
  } else {
    const stripe = await startStripeFake(STRIPE_PORT, { webhookUrl: `http://127.0.0.1:${PORT}/api/v1/billing/webhook` });
    cleanups.push(stripe.close);
    vars.STRIPE_API_URL = stripe.url;
    log(`Stripe fake on ${stripe.url} (events POSTed to /api/v1/billing/webhook; controls under /__fake/)`);
  }
  vars.API_URL = `http://127.0.0.1:${PORT}`;

  const args = ["dev", "--port", String(PORT), "--ip", "127.0.0.1", "--show-interactive-dev-session=false"];
  for (const [k, v] of Object.entries(vars)) args.push("--var", `${k}:${v}`);
  startWrangler(args);
}

// A crash of the Worker process (wrangler dev exits on some failed requests) restarts it; the
// database and the rest of the stack stay up. One that never got ready, or keeps crashing, stops all.
const MAX_RESTARTS_PER_MINUTE = 5;
const restarts: number[] = [];

// Wrangler itself (not through npx, which does not pass signals on): stop() can end it.
const WRANGLER = join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");

function startWrangler(args: string[]) {
  const child = spawn(process.execPath, [WRANGLER, ...args], { cwd: ROOT, stdio: ["inherit", "pipe", "inherit"], env: process.env });
  wrangler = child;
  let ready = false;
  child.stdout?.on("data", (chunk: Buffer) => {
    process.stdout.write(chunk);
    if (!ready && /Ready on/i.test(chunk.toString())) {
      ready = true;
      if (restarts.length > 0) {
        log(`wrangler restarted: API http://127.0.0.1:${PORT}/api/v1`);
        return;
      }
      log(`API   http://127.0.0.1:${PORT}/api/v1  (health: http://127.0.0.1:${PORT}/health)`);
      log(`Docs  http://127.0.0.1:${PORT}/docs   OpenAPI: http://127.0.0.1:${PORT}/openapi.json`);
      log("Ctrl-C stops everything.");
    }
  });
  child.on("exit", (code, signal) => {
    if (stopping) return;
    const now = Date.now();
    while (restarts.length > 0 && (restarts[0] ?? 0) < now - 60_000) restarts.shift();
    if (!ready || restarts.length >= MAX_RESTARTS_PER_MINUTE) {
      log(`wrangler exited (${code ?? signal})${ready ? `: ${restarts.length + 1} crashes within a minute` : " before it was ready"}`);
      void stop(code ?? 1);
      return;
    }
    restarts.push(now);
    log(`wrangler exited (${code ?? signal}); restarting it (the database and the rest keep running)`);
    startWrangler(args);
  });
}

main().catch(async (e) => {
  console.error(e);
  await stop(1);
});
