import { chat, extract } from "../../../platform/ai";
import { readTextCapped } from "../../../platform/bytes";
import type { ServiceContext } from "../../../platform/context";
import { ServiceError } from "../../../platform/errors";
import { outboundViolation } from "../../../platform/outbound";
import { runAgent } from "../../agents/service";
import { getTool } from "../../agents/tools/registry";
import type { Binding, WorkflowNode } from "../definition";
import { type ExpressionScope, evaluateCondition, evaluateTemplate, MAP_NAMES, parseExpression } from "../expressions";

/**
 * What each component does when its node runs: free of HTTP and of the executor, so the run
 * interpreter (and tests) call it the same way. Delay, human approval and sub-workflow are driven
 * by the interpreter (they wait); their bookkeeping is in runs.ts.
 */

export interface NodeResult {
  output: unknown;
  /** The branch taken (condition). */
  port?: string | undefined;
  tokens?: number;
  credits?: number;
}

export interface NodeCall {
  ctx: ServiceContext;
  runId: string;
  node: WorkflowNode;
  inputs: Record<string, unknown>;
  scope: ExpressionScope;
  attempt: number;
}

const HTTP_BODY_LIMIT = 1_000_000;

/** A node's inputs from its bindings: literals, `{{ }}` templates, or another node's output. */
export function resolveInputs(node: WorkflowNode, scope: ExpressionScope): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, b] of Object.entries(node.inputs) as [string, Binding][]) {
    if ("value" in b) out[name] = b.value;
    else if ("template" in b) out[name] = evaluateTemplate(b.template, scope);
    else {
      const src = (scope.nodes as Record<string, unknown> | undefined)?.[b.from.node];
      out[name] = src !== null && typeof src === "object" ? (src as Record<string, unknown>)[b.from.output] : undefined;
    }
  }
  return out;
}

/** Whether the node's `when` lets it run. */
export const whenAllows = (node: WorkflowNode, scope: ExpressionScope) => (node.when ? evaluateCondition(node.when, scope) : true);

const text = (v: unknown) => (typeof v === "string" ? v : v === undefined || v === null ? "" : JSON.stringify(v));

export async function executeNode(call: NodeCall): Promise<NodeResult> {
  const { node, inputs } = call;
  const config = node.config as Record<string, unknown>;
  switch (node.component) {
    case "input": {
      const data = (call.scope.input ?? {}) as Record<string, unknown>;
      const fields = (config.fields ?? []) as { name: string; required?: boolean }[];
      for (const f of fields) {
        if (f.required && (data[f.name] === undefined || data[f.name] === null)) {
          throw new ServiceError("validation_error", `Input field "${f.name}" is required`);
        }
      }
      return { output: { ...data, data } };
    }
    case "output":
      return { output: { ...inputs, result: inputs } };
    case "condition": {
      const v = inputs.condition;
      if (typeof v !== "boolean") throw new ServiceError("validation_error", `condition must be a boolean, got ${JSON.stringify(v)}`);
      return { output: { result: v }, port: v ? "true" : "false" };
    }
    case "merge": {
      const mode = (config.mode as string | undefined) ?? "object";
      const values = Object.values(inputs);
      const result = mode === "array" ? values : mode === "first" ? (values.find((v) => v !== undefined && v !== null) ?? null) : inputs;
      return { output: { result } };
    }
    case "map": {
      const items = inputs.items;
      if (!Array.isArray(items)) throw new ServiceError("validation_error", "items must be a list");
      const max = (config.max_items as number | undefined) ?? 100;
      if (items.length > max)
        throw new ServiceError("validation_error", `items has ${items.length} entries; this node takes at most ${max}`);
      const expr = parseExpression(config.expression as string, { names: MAP_NAMES });
      const results = items.map((item, index) => expr.evaluate({ ...call.scope, item, index } as never));
      return { output: { items: results } };
    }
    case "llm_prompt":
      return llmPrompt(call, config);
    case "ai_employee": {
      const instruction = [config.action ? `Action: ${config.action}` : "", text(inputs.instructions), `Input:\n${text(inputs.input)}`]
        .filter(Boolean)
        .join("\n\n");
      const run = await runAgent({
        ctx: call.ctx,
        agentId: config.employee_id as string,
        input: { instruction: instruction.slice(0, 20_000) },
      });
      if (run.status === "failed")
        throw new ServiceError("service_unavailable", `The employee's run failed: ${run.error ?? "unknown error"}`);
      const tokens = run.usage.prompt_tokens + run.usage.completion_tokens;
      let output: unknown = run.output;
      try {
        output = typeof run.output === "string" ? JSON.parse(run.output) : run.output;
      } catch {
        // Plain text stays text.
      }
      const fields = output !== null && typeof output === "object" && !Array.isArray(output) ? output : {};
      return { output: { ...fields, output, run_id: run.id, usage: run.usage }, tokens };
    }
    case "module_tool": {
      const tool = getTool(config.tool as string);
      if (!tool) throw new ServiceError("validation_error", `Tool "${String(config.tool)}" does not exist`);
      const result = await tool.run(call.ctx, inputs.arguments ?? {});
      return { output: { result } };
    }
    case "http_request":
      return httpRequest(call, config);
    default:
      throw new ServiceError("internal_error", `Component ${node.component} is not run by executeNode`);
  }
}

async function llmPrompt(call: NodeCall, config: Record<string, unknown>): Promise<NodeResult> {
  const prompt = text(call.inputs.prompt);
  const context = call.inputs.context === undefined ? "" : `\n\nContext:\n${text(call.inputs.context)}`;
  const model = config.model as string | undefined;
  if (config.json_schema) {
    const r = await extract(call.ctx, {
      schema: config.json_schema as Record<string, unknown>,
      text: `${prompt}${context}`,
      instructions: config.system as string | undefined,
      model,
      operation: "workflow",
    });
    const tokens = r.usage.promptTokens + r.usage.completionTokens;
    return { output: { text: JSON.stringify(r.data), data: r.data, usage: r.usage }, tokens, credits: r.credits };
  }
  const r = await chat(call.ctx, {
    operation: "workflow",
    model,
    messages: [
      ...(config.system ? [{ role: "system" as const, content: config.system as string }] : []),
      { role: "user", content: `${prompt}${context}` },
    ],
    maxTokens: config.max_tokens as number | undefined,
    temperature: config.temperature as number | undefined,
  });
  const tokens = r.usage.promptTokens + r.usage.completionTokens;
  return { output: { text: r.text, usage: r.usage, model: r.billedModel }, tokens, credits: r.credits };
}

/**
 * One request to a user-given URL with the webhooks' SSRF rules (https only, no private, loopback,
 * link-local or metadata address, no redirects followed), a timeout and a body limit. The
 * Idempotency-Key (run, node, attempt) lets the receiver drop a replayed attempt.
 */
async function httpRequest(call: NodeCall, config: Record<string, unknown>): Promise<NodeResult> {
  const url = text(call.inputs.url);
  const violation = outboundViolation(url, call.ctx.env);
  if (violation) throw new ServiceError("validation_error", `URL refused: ${violation.message} (rule: ${violation.rule})`);
  const method = (config.method as string | undefined) ?? "GET";
  const headers: Record<string, string> = {};
  const given = call.inputs.headers;
  if (given && typeof given === "object") {
    for (const [k, v] of Object.entries(given)) if (typeof v === "string" && /^[A-Za-z0-9-]{1,100}$/.test(k)) headers[k.toLowerCase()] = v;
  }
  headers["idempotency-key"] = `${call.runId}:${call.node.id}:${call.attempt}`;
  headers["user-agent"] = "Atrium-Workflows/1";
  let body: string | undefined;
  if (call.inputs.body !== undefined && method !== "GET") {
    body = typeof call.inputs.body === "string" ? call.inputs.body : JSON.stringify(call.inputs.body);
    headers["content-type"] ??= "application/json";
  }
  const timeoutMs = (config.timeout_ms as number | undefined) ?? 10_000;
  let res: Response;
  try {
    res = await fetch(url, { method, headers, body, redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    const timedOut = e instanceof Error && (e.name === "TimeoutError" || e.name === "AbortError");
    throw new ServiceError("service_unavailable", timedOut ? `Timed out after ${timeoutMs} ms` : `Connection failed: ${String(e)}`, {
      retryable: true,
    });
  }
  const raw = await readTextCapped(
    res,
    HTTP_BODY_LIMIT,
    () => new ServiceError("service_unavailable", `The response is larger than ${HTTP_BODY_LIMIT} bytes`),
  );
  let parsed: unknown = raw;
  if ((res.headers.get("content-type") ?? "").includes("json")) {
    try {
      parsed = JSON.parse(raw);
    } catch {
      // Invalid JSON stays text.
    }
  }
  if (res.status >= 500 || res.status === 429) {
    throw new ServiceError("service_unavailable", `The server answered ${res.status}`, { retryable: true });
  }
  return { output: { status: res.status, headers: Object.fromEntries(res.headers), body: parsed } };
}
