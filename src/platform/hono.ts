import { OpenAPIHono, type RouteConfig, type RouteHandler, type z } from "@hono/zod-openapi";
import type { Bindings } from "../env";
import type { ServiceContext } from "./context";
import type { FieldIssue } from "./errors";

export interface AppEnv {
  Bindings: Bindings;
  Variables: {
    requestId: string;
    ctx: ServiceContext;
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
 * Every router comes from here: the validation hook is per OpenAPIHono instance, so a router
 * made elsewhere would answer bad input in zod's own shape instead of the platform's.
 */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    strict: false,
    defaultHook: (result, c) => {
      if (!result.success) {
        return c.json(
          {
            // On failure the hook still gets the raw input as `data` (zod-validator spreads it first).
            detail: toFieldIssues(result.target, result.error, (result as { data?: unknown }).data),
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
