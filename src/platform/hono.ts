import { OpenAPIHono, type RouteConfig, type RouteHandler, type z } from "@hono/zod-openapi";
import type { Bindings } from "../env";
import type { ServiceContext } from "./context";
import type { FieldIssue } from "./errors";

export interface AppEnv {
  Bindings: Bindings;
  Variables: {
    requestId: string;
    ctx: ServiceContext;
    /** The workspace a stream ticket acts in (stands in for X-Workspace-Id on stream routes). */
    ticketWorkspace?: string;
  };
}

export type AppRouteHandler<R extends RouteConfig> = RouteHandler<R, AppEnv>;

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = input;
  for (const k of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[k];
  }
  return cur;
}

/**
 * Zod issues → FastAPI's `[{loc, msg, type}]`, `loc` starting with where the value came from.
 * A field absent from the input is `missing` ("Field required") whatever its type, as in FastAPI.
 */
export function toFieldIssues(target: string, error: z.ZodError, input?: unknown): FieldIssue[] {
  const where = target === "json" || target === "form" ? "body" : target === "param" ? "path" : target;
  return error.issues.map((i) => {
    const missing =
      input !== undefined ? valueAt(input, i.path) === undefined && i.code !== "custom" : /received undefined/.test(i.message);
    return {
      loc: [where, ...i.path.map((p) => (typeof p === "symbol" ? String(p) : p))],
      msg: missing ? "Field required" : i.message,
      type: missing ? "missing" : i.code,
    };
  });
}

/**
 * The path to the first string (or object key) in `v` that holds NUL (U+0000), or null. Walks
 * arrays and plain objects (not files: workerd's form parser already refuses NUL in their
 * names); iterative, so any depth is safe.
 */
export function nulPath(v: unknown): (string | number)[] | null {
  const todo: [unknown, (string | number)[]][] = [[v, []]];
  for (let next = todo.pop(); next; next = todo.pop()) {
    const [x, path] = next;
    if (typeof x === "string") {
      if (x.includes("\0")) return path;
    } else if (Array.isArray(x)) {
      for (let i = x.length - 1; i >= 0; i--) todo.push([x[i], [...path, i]]);
    } else if (x !== null && typeof x === "object") {
      const proto = Object.getPrototypeOf(x);
      if (proto !== Object.prototype && proto !== null) continue;
      const entries = Object.entries(x);
      for (const [k] of entries) if (k.includes("\0")) return [...path, k];
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, y] = entries[i] as [string, unknown];
        todo.push([y, [...path, k]]);
      }
    }
  }
  return null;
}

/**
 * Every router comes from here: the validation hook is per OpenAPIHono instance, so a router
 * made elsewhere would answer bad input in zod's own shape instead of the platform's.
 * PostgreSQL refuses NUL in text and jsonb, so validated input holding one is refused here:
 * a path parameter is a 404 (no such resource), anything else a 422 naming the field.
 */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    strict: false,
    defaultHook: (result, c) => {
      // On failure the hook still gets the raw input as `data` (zod-validator spreads it first).
      const input = (result as { data?: unknown }).data;
      const nul = nulPath(input);
      if (nul && result.target === "param") {
        return c.json({ detail: "Not found", code: "not_found", request_id: c.get("requestId") }, 404);
      }
      if (nul && result.success) {
        const where = result.target === "json" || result.target === "form" ? "body" : result.target;
        const detail: FieldIssue[] = [{ loc: [where, ...nul], msg: "The NUL character (\\u0000) is not allowed", type: "value_error" }];
        return c.json({ detail, code: "validation_error", request_id: c.get("requestId") }, 422);
      }
      if (!result.success) {
        return c.json(
          {
            detail: toFieldIssues(result.target, result.error, input),
            code: "validation_error",
            request_id: c.get("requestId"),
          },
          422,
        );
      }
    },
  });
}

export type Router = ReturnType<typeof createRouter>;
