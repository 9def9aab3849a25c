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

/** Zod issues → FastAPI's `[{loc, msg, type}]`, `loc` starting with where the value came from. */
export function toFieldIssues(target: string, error: z.ZodError): FieldIssue[] {
  const where = target === "json" || target === "form" ? "body" : target === "param" ? "path" : target;
  return error.issues.map((i) => {
    const missing = i.code === "invalid_type" && /received undefined/.test(i.message);
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
          { detail: toFieldIssues(result.target, result.error), code: "validation_error", request_id: c.get("requestId") },
          422,
        );
      }
    },
  });
}

export type Router = ReturnType<typeof createRouter>;
