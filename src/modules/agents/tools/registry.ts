import { z } from "zod";
import type { ServiceContext } from "../../../platform/context";
import { ServiceError } from "../../../platform/errors";

/**
 * The tool registry: modules add the tools employees may call, each in the module's own tools.ts
 * (calling that module's service verbs), at import time. An employee gets the tools whose
 * `capability` is one of its capabilities.
 *
 * `run` receives the employee's context: its actor is the employee's own member (currentMember(ctx)
 * is the employee, so what it creates is attributed to it) while the role (ctx.workspace.role, and so
 * every requirePermission) stays the invoking person's — see agents/service/actor.ts.
 * `invokerContext(ctx)` gives the invoking person's own context for visibility checks.
 */
export interface ToolDefinition {
  name: string;
  description: string;
  /** Capability group, e.g. "task_management"; employees with it get the tool. */
  capability: string;
  /** JSON Schema of the arguments (an object schema). */
  parameters: Record<string, unknown>;
  /** Receives the model's parsed arguments, unvalidated: tools validate them (defineTool does). */
  run: (ctx: ServiceContext, args: any) => Promise<unknown>;
  /**
   * Risky (destructive, outward-facing): the runner does not run it when the model calls it, but
   * opens an approval (source "tool_call"); it runs once, with the recorded arguments, if approved.
   */
  needsApproval?: boolean;
}

const tools = new Map<string, ToolDefinition>();

export function registerTool(def: ToolDefinition): void {
  if (!/^[a-z][a-z0-9_]{0,63}$/.test(def.name)) throw new Error(`bad tool name ${def.name}`);
  if (tools.has(def.name)) throw new Error(`tool ${def.name} registered twice`);
  tools.set(def.name, def);
}

export const getTool = (name: string): ToolDefinition | undefined => tools.get(name);

export const allTools = (): ToolDefinition[] => [...tools.values()].sort((a, b) => a.name.localeCompare(b.name));

/** The tools an employee with these capabilities may call. */
export const toolsFor = (capabilities: string[]): ToolDefinition[] => allTools().filter((t) => capabilities.includes(t.capability));

/** Capability groups that have at least one tool. */
export const toolCapabilities = (): string[] => [...new Set(allTools().map((t) => t.capability))].sort();

const invokers = new WeakMap<ServiceContext, ServiceContext>();

/** Links an employee's tool context to the context of the person who invoked the run. */
export function linkInvoker(employeeCtx: ServiceContext, invoker: ServiceContext): void {
  invokers.set(employeeCtx, invoker);
}

/** The invoking person's context for a tool context (the context itself outside a run). */
export const invokerContext = (ctx: ServiceContext): ServiceContext => invokers.get(ctx) ?? ctx;

/**
 * Declares a tool by a zod object schema: the JSON Schema sent to the model is derived from it, and
 * the model's arguments are validated with it (a 422 ServiceError the loop reports back as a tool error).
 */
export function defineTool<S extends z.ZodObject>(def: {
  name: string;
  description: string;
  capability: string;
  schema: S;
  run: (ctx: ServiceContext, args: z.output<S>) => Promise<unknown>;
  needsApproval?: boolean;
}): ToolDefinition {
  const { $schema: _, ...parameters } = z.toJSONSchema(def.schema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  return {
    name: def.name,
    description: def.description,
    capability: def.capability,
    parameters,
    ...(def.needsApproval ? { needsApproval: true } : {}),
    run: async (ctx, args) => {
      const parsed = def.schema.safeParse(args ?? {});
      if (!parsed.success) {
        const issues = parsed.error.issues.map((i) => ({
          loc: ["arguments", ...i.path.map((p) => (typeof p === "number" ? p : String(p)))],
          msg: i.message,
          type: i.code,
        }));
        throw new ServiceError(
          "validation_error",
          `Invalid arguments for ${def.name}: ${issues.map((i) => `${i.loc.slice(1).join(".") || "(root)"}: ${i.msg}`).join("; ")}`,
          { issues },
        );
      }
      return def.run(ctx, parsed.data);
    },
  };
}
