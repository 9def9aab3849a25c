import type { ServiceContext } from "../../../platform/context";
import { ServiceError } from "../../../platform/errors";
import { META_API_VERSION, SHOPIFY_API_VERSION } from "../catalogue";
import { nextPageInfo } from "../connectors";
import { providerErrorText, providerFetch, readJson } from "../http";
import { accessTokenFor, getIntegrationByType, markNeedsReauth } from "../internal";
import { storedShopDomain } from "../oauth";
import { META_QUERY_FIELDS, type MetaAdsQuery, SHOPIFY_QUERY_FIELDS, type ShopifyQuery } from "../schemas";
import { requireManage } from "./access";

/** Fields outside the entity's allowlist are a 422 naming them (before any provider call). */
function allowlisted(entity: string, asked: string[] | undefined, allowed: readonly string[]): string[] {
  if (!asked?.length) return [...allowed];
  const bad = asked.filter((f) => !allowed.includes(f));
  if (bad.length) {
    throw new ServiceError("validation_error", `Fields not allowed for ${entity}: ${bad.join(", ")}; allowed: ${allowed.join(", ")}`, {
      issues: bad.map((f) => ({ loc: ["body", "fields", asked.indexOf(f)], msg: `${f} is not allowlisted for ${entity}`, type: "enum" })),
    });
  }
  return [...new Set(asked)];
}

async function connected(ctx: ServiceContext, type: string, name: string) {
  const row = await getIntegrationByType(ctx, type);
  if (!row) throw new ServiceError("not_found", `${name} is not connected in this workspace`);
  if (!row.isActive) throw new ServiceError("conflict", `${name} is disabled; enable it first`);
  return row;
}

const AD_ACCOUNT = /^act_[0-9]{1,20}$/;

const STATUS_VALUES: Record<string, readonly string[]> = {
  orders: ["open", "closed", "cancelled", "any"],
  products: ["active", "archived", "draft"],
};

/**
 * Experimental: reads Shopify on demand with the stored credentials; only allowlisted entities,
 * fields and params. Live provider reads need can_manage_integration (viewers read synced data).
 */
export async function queryShopify(ctx: ServiceContext, input: ShopifyQuery) {
  await requireManage(ctx);
  const fields = allowlisted(input.entity, input.fields, SHOPIFY_QUERY_FIELDS[input.entity]);
  const p = input.params ?? {};
  if (p.status !== undefined && !STATUS_VALUES[input.entity]?.includes(p.status)) {
    throw new ServiceError("validation_error", `status is not allowed for ${input.entity} with value ${p.status}`, {
      issues: [
        { loc: ["body", "params", "status"], msg: `Allowed: ${(STATUS_VALUES[input.entity] ?? []).join(", ") || "none"}`, type: "enum" },
      ],
    });
  }
  if (p.page_info && Object.keys(p).some((k) => k !== "page_info" && k !== "limit")) {
    throw new ServiceError("validation_error", "With page_info only limit may be given (Shopify's rule)", {
      issues: [{ loc: ["body", "params"], msg: "page_info goes with limit only", type: "value_error" }],
    });
  }
  const row = await connected(ctx, "shopify", "Shopify");
  const shop = storedShopDomain(row.settings.shop_domain);
  const token = await accessTokenFor(ctx, row);
  const u = new URL(`https://${shop}/admin/api/${SHOPIFY_API_VERSION}/${input.entity}.json`);
  u.searchParams.set("fields", fields.join(","));
  for (const [k, v] of Object.entries(p)) if (v !== undefined) u.searchParams.set(k, String(v));
  const res = await providerFetch(ctx.env, "Shopify", u.toString(), {
    headers: { "x-shopify-access-token": token, accept: "application/json" },
  });
  const body = await readJson(res);
  if (res.status === 401 || res.status === 403) {
    await markNeedsReauth(ctx, row, `Shopify refused the token: ${providerErrorText(body)}`);
    throw new ServiceError("conflict", "Shopify refused this integration's credentials; reconnect it");
  }
  if (res.status >= 400) throw new ServiceError("bad_request", `Shopify answered ${res.status}: ${providerErrorText(body)}`);
  const rows = ((body[input.entity] as Record<string, unknown>[] | undefined) ?? []).map((o) => {
    const out: Record<string, unknown> = {};
    for (const f of fields) out[f] = o[f] ?? null;
    return out;
  });
  return { entity: input.entity, rows, count: rows.length, next_page_info: nextPageInfo(res.headers.get("link")) };
}

/** Experimental: reads the Meta ad account on demand; only allowlisted entities, fields and params. Needs can_manage_integration. */
export async function queryMetaAds(ctx: ServiceContext, input: MetaAdsQuery) {
  await requireManage(ctx);
  const fields = allowlisted(input.entity, input.fields, META_QUERY_FIELDS[input.entity]);
  const p = input.params ?? {};
  if (input.entity !== "insights" && (p.date_preset || p.time_range || p.level)) {
    throw new ServiceError("validation_error", "date_preset, time_range and level are for insights only", {
      issues: [{ loc: ["body", "params"], msg: "insights only", type: "value_error" }],
    });
  }
  if (p.date_preset && p.time_range) {
    throw new ServiceError("validation_error", "Give date_preset or time_range, not both", {
      issues: [{ loc: ["body", "params", "time_range"], msg: "date_preset or time_range", type: "value_error" }],
    });
  }
  const row = await connected(ctx, "meta_ads", "Meta Ads");
  const account = row.settings.ad_account_id;
  if (typeof account !== "string" || !AD_ACCOUNT.test(account))
    throw new ServiceError("conflict", "Set the integration's ad_account_id first");
  const token = await accessTokenFor(ctx, row);
  const u = new URL(`https://graph.facebook.com/${META_API_VERSION}/${account}/${input.entity}`);
  u.searchParams.set("fields", fields.join(","));
  if (p.limit) u.searchParams.set("limit", String(p.limit));
  if (p.after) u.searchParams.set("after", p.after);
  if (p.date_preset) u.searchParams.set("date_preset", p.date_preset);
  if (p.time_range) u.searchParams.set("time_range", JSON.stringify(p.time_range));
  if (p.level) u.searchParams.set("level", p.level);
  const res = await providerFetch(ctx.env, "Meta", u.toString(), { headers: { authorization: `Bearer ${token}` } });
  const body = await readJson(res);
  const err = body.error as { code?: number } | undefined;
  if (err?.code === 190) {
    await markNeedsReauth(ctx, row, `Meta refused the token: ${providerErrorText(body)}`);
    throw new ServiceError("conflict", "Meta refused this integration's credentials; reconnect it");
  }
  if (res.status >= 400) throw new ServiceError("bad_request", `Meta answered ${res.status}: ${providerErrorText(body)}`);
  // Only the allowlisted fields go back, whatever Meta adds.
  const data = ((body.data as Record<string, unknown>[] | undefined) ?? []).map((o) => {
    const out: Record<string, unknown> = {};
    for (const f of fields) if (f in o) out[f] = o[f];
    return out;
  });
  const paging = body.paging as { cursors?: { after?: string }; next?: string } | undefined;
  return {
    entity: input.entity,
    data,
    count: data.length,
    paging: { after: paging?.cursors?.after ?? null, has_next: Boolean(paging?.next) },
  };
}
