import type { Bindings } from "../../env";
import { ServiceError } from "../../platform/errors";
import { type EntityDef, type IntegrationDef, META_API_VERSION, SHOPIFY_API_VERSION } from "./catalogue";
import { ProviderAuthError, providerErrorText, providerFetch, readJson } from "./http";
import { storedShopDomain } from "./oauth";

export interface Page {
  rows: { externalId: string; data: Record<string, unknown> }[];
  /** The cursor of the next page, null after the last one. */
  next: string | null;
}

export interface PageRequest {
  token: string;
  settings: Record<string, unknown>;
  entity: EntityDef;
  cursor: string | null;
  pageSize: number;
}

/** Keeps the entity's columns of a provider object (ids as strings). */
function pick(entity: EntityDef, o: Record<string, unknown>): { externalId: string; data: Record<string, unknown> } {
  const data: Record<string, unknown> = {};
  for (const c of entity.columns) data[c.name] = c.name === "id" ? String(o.id) : (o[c.name] ?? null);
  return { externalId: String(o.id), data };
}

/** Shopify's Link header: `<…?page_info=abc&limit=50>; rel="next"` → abc. */
export function nextPageInfo(link: string | null): string | null {
  if (!link) return null;
  for (const part of link.split(",")) {
    const m = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part.trim());
    if (!m?.[1]) continue;
    try {
      return new URL(m[1]).searchParams.get("page_info");
    } catch {
      throw new ServiceError("bad_request", "Shopify sent a malformed Link header");
    }
  }
  return null;
}

async function shopifyPage(env: Bindings, def: IntegrationDef, p: PageRequest): Promise<Page> {
  const shop = storedShopDomain(p.settings.shop_domain);
  const u = new URL(`https://${shop}/admin/api/${SHOPIFY_API_VERSION}/${p.entity.name}.json`);
  u.searchParams.set("limit", String(p.pageSize));
  // With page_info, Shopify accepts only limit and fields: the first page's filters carry over.
  if (p.cursor) u.searchParams.set("page_info", p.cursor);
  else if (p.entity.name === "orders") u.searchParams.set("status", "any");
  const res = await providerFetch(env, def.name, u.toString(), {
    headers: { "x-shopify-access-token": p.token, accept: "application/json" },
  });
  const body = await readJson(res);
  if (res.status === 401 || res.status === 403)
    throw new ProviderAuthError(def.type, `Shopify refused the token: ${providerErrorText(body)}`);
  if (res.status >= 400) throw new ServiceError("bad_request", `Shopify answered ${res.status}: ${providerErrorText(body)}`);
  const list = (body[p.entity.name] as Record<string, unknown>[] | undefined) ?? [];
  return { rows: list.map((o) => pick(p.entity, o)), next: nextPageInfo(res.headers.get("link")) };
}

async function metaPage(env: Bindings, def: IntegrationDef, p: PageRequest): Promise<Page> {
  const account = p.settings.ad_account_id;
  if (typeof account !== "string" || !/^act_[0-9]{1,20}$/.test(account)) {
    throw new ServiceError("conflict", "This Meta Ads integration has no valid ad_account_id setting (act_…)");
  }
  const u = new URL(`https://graph.facebook.com/${META_API_VERSION}/${account}/${p.entity.name}`);
  u.searchParams.set("fields", p.entity.columns.map((c) => c.name).join(","));
  u.searchParams.set("limit", String(p.pageSize));
  if (p.cursor) u.searchParams.set("after", p.cursor);
  const res = await providerFetch(env, def.name, u.toString(), { headers: { authorization: `Bearer ${p.token}` } });
  const body = await readJson(res);
  const err = body.error as { code?: number; type?: string } | undefined;
  if (err?.code === 190 || res.status === 401) throw new ProviderAuthError(def.type, `Meta refused the token: ${providerErrorText(body)}`);
  if (res.status >= 400) throw new ServiceError("bad_request", `Meta answered ${res.status}: ${providerErrorText(body)}`);
  const data = (body.data as Record<string, unknown>[] | undefined) ?? [];
  const paging = body.paging as { cursors?: { after?: string }; next?: string } | undefined;
  // Meta gives cursors on every page; only a `next` link says there is another one.
  return { rows: data.map((o) => pick(p.entity, o)), next: paging?.next ? (paging.cursors?.after ?? null) : null };
}

const SLACK_METHODS: Record<string, { method: string; key: string }> = {
  channels: { method: "conversations.list", key: "channels" },
  users: { method: "users.list", key: "members" },
};

async function slackPage(env: Bindings, def: IntegrationDef, p: PageRequest): Promise<Page> {
  const m = SLACK_METHODS[p.entity.name];
  if (!m) throw new ServiceError("internal_error", `No Slack method for ${p.entity.name}`);
  const form = new URLSearchParams({ limit: String(p.pageSize) });
  if (p.cursor) form.set("cursor", p.cursor);
  const res = await providerFetch(env, def.name, `https://slack.com/api/${m.method}`, {
    method: "POST",
    headers: { authorization: `Bearer ${p.token}`, "content-type": "application/x-www-form-urlencoded" },
    body: form.toString(),
  });
  const body = await readJson(res);
  if (body.ok !== true) {
    const e = String(body.error ?? res.status);
    if (["invalid_auth", "token_revoked", "token_expired", "account_inactive", "not_authed"].includes(e)) {
      throw new ProviderAuthError(def.type, `Slack refused the token: ${e}`);
    }
    if (e === "ratelimited") throw new ServiceError("service_unavailable", "Slack rate limited the sync", { retryable: true });
    throw new ServiceError("bad_request", `Slack answered ${e}`);
  }
  const list = (body[m.key] as Record<string, unknown>[] | undefined) ?? [];
  const next = (body.response_metadata as { next_cursor?: string } | undefined)?.next_cursor;
  return { rows: list.map((o) => pick(p.entity, o)), next: next ? next : null };
}

/** One page of an entity from the provider. */
export function fetchPage(env: Bindings, def: IntegrationDef, p: PageRequest): Promise<Page> {
  switch (def.type) {
    case "shopify":
      return shopifyPage(env, def, p);
    case "meta_ads":
      return metaPage(env, def, p);
    case "slack":
      return slackPage(env, def, p);
    default:
      throw new ServiceError("validation_error", `${def.name} does not sync data`);
  }
}
