// The `stripe` SDK inside workerd (the Worker's runtime) against the Stripe fake, through the
// bindings the app reads: STRIPE_API_URL, STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET.
import { env } from "cloudflare:workers";
import Stripe from "stripe";
import { describe, expect, it } from "vitest";

const client = () => {
  const u = new URL(env.STRIPE_API_URL as string);
  return new Stripe(env.STRIPE_SECRET_KEY as string, {
    httpClient: Stripe.createFetchHttpClient(),
    host: u.hostname,
    port: Number(u.port),
    protocol: u.protocol === "http:" ? "http" : "https",
    maxNetworkRetries: 0,
  });
};

describe("stripe SDK in workerd against the fake", () => {
  it("creates a customer and verifies a signed event", async () => {
    const stripe = client();
    const c = await stripe.customers.create({ email: "workerd@example.com" });
    expect(c.id).toMatch(/^cus_/);
    const res = await fetch(`${env.STRIPE_API_URL}/__fake/events?type=customer.created`);
    const events = (await res.json()) as { payload: string; signature: string }[];
    const mine = events.find((e) => e.payload.includes(c.id));
    expect(mine).toBeTruthy();
    const event = await stripe.webhooks.constructEventAsync(
      mine?.payload as string,
      mine?.signature as string,
      env.STRIPE_WEBHOOK_SECRET as string,
      undefined,
      Stripe.createSubtleCryptoProvider(),
    );
    expect(event.type).toBe("customer.created");
  });
});
