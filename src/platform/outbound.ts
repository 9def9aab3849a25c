import ipaddr from "ipaddr.js";
import type { Bindings } from "../env";
import { invalidField } from "./errors";

/**
 * Rules for every URL a user hands us to call (webhooks, workflow HTTP nodes, callbacks), so a
 * tenant cannot point Atrium at internal services or cloud metadata:
 * - https only;
 * - no IP literal outside public unicast space (private, loopback, link-local/metadata, CGNAT,
 *   unique-local, multicast, reserved; IPv6 that carries an IPv4 is judged as that IPv4);
 * - no localhost, single-label, internal or special-use names (.local, .internal, .arpa, .test…);
 * - no credentials in the URL;
 * - redirects are never followed (see `outboundFetch`).
 * Names are not resolved here: Workers egress cannot reach private networks, which covers DNS
 * names that resolve to private addresses. Development and tests may allow loopback targets
 * (`ALLOW_LOOPBACK_URLS=true`, http or https); production refuses to start with that set.
 */
export type OutboundRule = "https_only" | "private_address" | "internal_name" | "credentials" | "malformed";

// Private-use names, and the special-use TLDs of RFC 6761/7686/9476 that never reach a public host.
const INTERNAL_SUFFIXES = [
  ".localhost",
  ".local",
  ".internal",
  ".lan",
  ".intranet",
  ".corp",
  ".localdomain",
  ".arpa",
  ".test",
  ".invalid",
  ".example",
  ".onion",
  ".alt",
];

export function loopbackAllowed(env: Pick<Bindings, "ALLOW_LOOPBACK_URLS" | "ENVIRONMENT">): boolean {
  return env.ALLOW_LOOPBACK_URLS === "true" && env.ENVIRONMENT !== "production";
}

/** Why `raw` may not be called, or null when it may. */
export function outboundViolation(
  raw: string,
  env: Pick<Bindings, "ALLOW_LOOPBACK_URLS" | "ENVIRONMENT">,
): { rule: OutboundRule; message: string } | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { rule: "malformed", message: "Not a valid absolute URL" };
  }
  if (url.username || url.password) return { rule: "credentials", message: "URLs may not carry credentials" };
  // WHATWG parsing has already turned 0x7f.1, 2130706433 and friends into dotted IPv4.
  const host = url.hostname
    .replace(/^\[|\]$/g, "")
    .toLowerCase()
    .replace(/\.+$/, "");
  const loopback = isLoopbackHost(host);
  if (loopback && loopbackAllowed(env) && (url.protocol === "http:" || url.protocol === "https:")) return null;
  if (url.protocol !== "https:") return { rule: "https_only", message: "Only https URLs are allowed" };
  if (ipaddr.isValid(host)) {
    let addr = ipaddr.parse(host);
    if (addr.kind() === "ipv6") {
      const v6 = addr as ipaddr.IPv6;
      // IPv4-mapped (::ffff:a.b.c.d) and the deprecated IPv4-compatible (::a.b.c.d) carry an IPv4.
      const compatible = v6.parts.slice(0, 6).every((p) => p === 0) && !["loopback", "unspecified"].includes(v6.range());
      if (v6.isIPv4MappedAddress() || compatible) addr = ipaddr.fromByteArray(v6.toByteArray().slice(12));
    }
    if (addr.range() !== "unicast") {
      return { rule: "private_address", message: `Addresses in the ${addr.range()} range are not allowed` };
    }
    return null;
  }
  if (host === "localhost" || !host.includes(".") || INTERNAL_SUFFIXES.some((s) => host.endsWith(s))) {
    return { rule: "internal_name", message: `"${host}" is an internal host name` };
  }
  return null;
}

function isLoopbackHost(host: string): boolean {
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (!ipaddr.isValid(host)) return false;
  const addr = ipaddr.parse(host);
  return addr.range() === "loopback";
}

/** 422 naming the rule, at `loc` (e.g. ["body", "url"]). */
export function assertOutboundUrl(raw: string, env: Pick<Bindings, "ALLOW_LOOPBACK_URLS" | "ENVIRONMENT">, loc: (string | number)[]): void {
  const v = outboundViolation(raw, env);
  if (v) throw invalidField(loc, `${v.message} (rule: ${v.rule})`, `outbound_url.${v.rule}`);
}

export interface OutboundResult {
  status: number;
  ok: boolean;
  latencyMs: number;
  /** The first bytes of the body as text (receivers' answers are logged, not trusted). */
  excerpt: string;
  /** Transport failure (timeout, refused, reset) when there was no response. */
  error?: string;
}

const EXCERPT_BYTES = 1024;

/**
 * One request to a user-given URL: rules re-checked (a URL stored before a rule change is still
 * refused), redirects returned as they are (3xx is not success), a hard timeout, and only the
 * first kilobyte of the answer read.
 */
export async function outboundFetch(
  env: Pick<Bindings, "ALLOW_LOOPBACK_URLS" | "ENVIRONMENT">,
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; timeoutMs: number },
): Promise<OutboundResult> {
  const started = Date.now();
  const v = outboundViolation(url, env);
  if (v) return { status: 0, ok: false, latencyMs: 0, excerpt: "", error: `refused: ${v.message}` };
  try {
    const res = await fetch(url, {
      method: init.method,
      headers: init.headers,
      body: init.body,
      redirect: "manual",
      signal: AbortSignal.timeout(init.timeoutMs),
    });
    const excerpt = await readExcerpt(res);
    return { status: res.status, ok: res.status >= 200 && res.status < 300, latencyMs: Date.now() - started, excerpt };
  } catch (e) {
    const timedOut = e instanceof Error && (e.name === "TimeoutError" || e.name === "AbortError");
    return {
      status: 0,
      ok: false,
      latencyMs: Date.now() - started,
      excerpt: "",
      error: timedOut ? `timed out after ${init.timeoutMs} ms` : `connection failed: ${e instanceof Error ? e.message : String(e)}`,
    };
  }
}

async function readExcerpt(res: Response): Promise<string> {
  if (!res.body) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < EXCERPT_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // A body cut mid-way still leaves the status; the excerpt is what arrived.
  } finally {
    reader.cancel().catch(() => {});
  }
  const all = new Uint8Array(size);
  let o = 0;
  for (const c of chunks) {
    all.set(c, o);
    o += c.byteLength;
  }
  return new TextDecoder().decode(all.subarray(0, EXCERPT_BYTES));
}
