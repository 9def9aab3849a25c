// Node side of the browser tests: a throwaway embedded PostgreSQL (migrated), the WebSocket proxy
// for the Neon driver, and `wrangler dev` serving the Worker as `npm run dev` does.
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { startWrangler } from "../../bench/lib.ts";
import { freePort, ROOT, startThrowawayStack, throwawayDir } from "../../scripts/stack.ts";
import { startStripeFake } from "../../scripts/stripe-fake.ts";

export default async function setup(project: TestProject) {
  const started = Date.now();
  const dir = throwawayDir("atrium-browser-");
  const stack = await startThrowawayStack(dir);
  const port = await freePort();
  const stripe = await startStripeFake(0);
  const wrangler = await startWrangler({
    cwd: ROOT,
    port,
    vars: {
      DATABASE_URL: stack.controlUrl,
      DB_WS_PROXY: `127.0.0.1:${stack.proxyPort}`,
      API_URL: `http://127.0.0.1:${port}`,
      STRIPE_API_URL: stripe.url,
    },
    extraArgs: ["--inspector-port", String(await freePort()), "--persist-to", join(dir, "wrangler-state")],
    timeoutMs: 120_000,
  }).catch(async (e) => {
    await stripe.close();
    await stack.stop();
    throw e;
  });
  project.provide("browserStack", { apiUrl: wrangler.url, controlUrl: stack.controlUrl });
  console.log(`browser test stack ready in ${Date.now() - started} ms (API ${wrangler.url})`);
  return async () => {
    await wrangler.stop();
    await stripe.close();
    await stack.stop();
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    browserStack: { apiUrl: string; controlUrl: string };
  }
}
