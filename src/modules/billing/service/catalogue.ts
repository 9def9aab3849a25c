import { eq } from "drizzle-orm";
import { type BillingPeriod, isTierId, TIERS, type Tier, type TierId } from "../../../platform/billing/tiers";
import type { ServiceContext } from "../../../platform/context";
import type { Db } from "../../../platform/db";
import { invalidField, ServiceError } from "../../../platform/errors";
import { users, workspaces } from "../../../platform/identity/tables";
import { callStripe, type Stripe, stripeOf } from "../stripe";
import { loadBilling, saveBilling } from "./state";

/** Prices by lookup key, cached in the isolate (prices are immutable in Stripe; a new one gets a new id). */
const PRICE_TTL_MS = 10 * 60_000;
const prices = new Map<string, { at: number; price: Stripe.Price }>();

export async function priceByLookupKey(ctx: ServiceContext, lookupKey: string): Promise<Stripe.Price> {
  const hit = prices.get(lookupKey);
  if (hit && Date.now() - hit.at < PRICE_TTL_MS) return hit.price;
  const list = await callStripe("price lookup", () => stripeOf(ctx.env).prices.list({ lookup_keys: [lookupKey], active: true, limit: 1 }));
  const price = list.data[0];
  if (!price) throw new ServiceError("service_unavailable", `Billing is misconfigured: no Stripe price with lookup key ${lookupKey}`);
  prices.set(lookupKey, { at: Date.now(), price });
  return price;
}

/** A price id given by a client: ours (an `atrium_` lookup key) or 404. */
export async function ourPrice(ctx: ServiceContext, priceId: string): Promise<Stripe.Price> {
  const price = await callStripe("price", () => stripeOf(ctx.env).prices.retrieve(priceId));
  if (!price.lookup_key?.startsWith("atrium_") || !price.active) throw new ServiceError("not_found", "Price not found");
  return price;
}

/** A tier that can be bought, or 422 naming the field. */
export function purchasableTier(id: string, field = "tier"): Tier {
  const tier = isTierId(id) ? TIERS[id as TierId] : undefined;
  if (!tier?.purchasable) {
    const names = Object.values(TIERS)
      .filter((t) => t.purchasable)
      .map((t) => t.id);
    throw invalidField(["body", field], `Unknown or unavailable tier "${id}"; choose one of ${names.join(", ")}`);
  }
  return tier;
}

export const tierLookupKey = (tier: TierId, period: BillingPeriod) => `atrium_${tier}_${period}`;

/**
 * The workspace's Stripe customer, created on first need. The idempotency key makes two
 * concurrent first calls create one customer.
 */
export async function ensureCustomer(ctx: ServiceContext, workspaceId: string, db: Db = ctx.control): Promise<string> {
  const row = await loadBilling(db, workspaceId);
  if (row?.stripeCustomerId) return row.stripeCustomerId;
  const [w] = await db
    .select({ name: workspaces.name, email: users.email })
    .from(workspaces)
    .leftJoin(users, eq(users.id, workspaces.ownerId))
    .where(eq(workspaces.id, workspaceId))
    .limit(1);
  if (!w) throw new ServiceError("not_found", "Workspace not found");
  const customer = await callStripe("customer", () =>
    stripeOf(ctx.env).customers.create(
      { name: w.name, ...(w.email ? { email: w.email } : {}), metadata: { workspace_id: workspaceId } },
      { idempotencyKey: `customer:${workspaceId}` },
    ),
  );
  await saveBilling(db, workspaceId, { stripeCustomerId: customer.id });
  await db.update(workspaces).set({ stripeCustomerId: customer.id }).where(eq(workspaces.id, workspaceId));
  return customer.id;
}

/** Redirect targets must be our app's (no open redirect through a Stripe page). */
export function appUrl(ctx: ServiceContext, given: string | undefined, fallbackPath: string, loc: string[]): string {
  const app = new URL(ctx.env.APP_URL);
  // Strings, not URL objects: Stripe's {CHECKOUT_SESSION_ID} placeholder must stay unencoded.
  if (given === undefined) return `${app.origin}${fallbackPath}`;
  let u: URL;
  try {
    u = new URL(given);
  } catch {
    throw invalidField(loc, "Not a URL");
  }
  if (u.origin !== app.origin) throw invalidField(loc, `Must be a page of ${app.origin}`);
  return given;
}
