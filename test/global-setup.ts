import type { TestProject } from "vitest/node";
import { startAiServer } from "../scripts/ai-server.ts";
import { startProviderFakes } from "../scripts/provider-fakes.ts";
import { startThrowawayStack, TEMPLATE_DB, throwawayDir } from "../scripts/stack.ts";
import { startStripeFake } from "../scripts/stripe-fake.ts";
import { startFakeNeon } from "./fakes/neon.ts";
import { startReceiver } from "./fakes/receiver.ts";

export const NEON_TEST = { apiKey: "neon-test-key", projectId: "proj-primary", templateBranchId: "br-tenant-template" };

export default async function setup(project: TestProject) {
  const started = Date.now();
  const dir = throwawayDir("atrium-test-");
  const stack = await startThrowawayStack(dir);
  const ai = await startAiServer(0);
  const providers = await startProviderFakes(0);
  const stripe = await startStripeFake(0);
  const neon = await startFakeNeon({ pgPort: stack.pgPort, templateDb: TEMPLATE_DB, ...NEON_TEST });
  const receiver = await startReceiver();
  project.provide("stack", {
    controlUrl: stack.controlUrl,
    pgPort: stack.pgPort,
    proxy: `127.0.0.1:${stack.proxyPort}`,
    aiUrl: `http://127.0.0.1:${ai.port}/v1`,
    neonUrl: neon.url,
    receiverUrl: receiver.url,
    providersUrl: providers.url,
    stripeUrl: stripe.url,
    ...NEON_TEST,
  });
  console.log(`test stack ready in ${Date.now() - started} ms (postgres ${stack.pgPort}, proxy ${stack.proxyPort})`);
  return async () => {
    await receiver.close();
    await neon.close();
    await stripe.close();
    await providers.close();
    await ai.close();
    await stack.stop();
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    stack: {
      controlUrl: string;
      pgPort: number;
      proxy: string;
      aiUrl: string;
      neonUrl: string;
      /** The webhook receiver (test/fakes/receiver.ts). */
      receiverUrl: string;
      /** scripts/provider-fakes.ts (OAuth, Shopify, Meta, Slack, …). */
      providersUrl: string;
      /** scripts/stripe-fake.ts (the Stripe API; test controls under /__fake/). */
      stripeUrl: string;
      apiKey: string;
      projectId: string;
      templateBranchId: string;
    };
  }
}
