import { eq, sql } from "drizzle-orm";
import { type ChatMessage, type ChatResult, chat, chatStream, type ToolCall, type ToolSpec } from "../../platform/ai";
import type { ServiceContext } from "../../platform/context";
import { isServiceError, ServiceError } from "../../platform/errors";
import { currentMember } from "../members/service";
import { requirePermission } from "../permissions/service";
import { type AgentRow, emitRunsEnded, getAgentRow } from "./internal";
import { MAX_STEPS } from "./schemas";
import { employeeContext } from "./service/actor";
import { requestToolApproval } from "./service/tool-approvals";
import { type AgentRunSource, type AgentRunStatus, type AgentRunStep, agentRuns } from "./tables";
import { getTool, toolsFor } from "./tools";

export type EmployeeTurnEvent =
  | { type: "delta"; content: string }
  | { type: "tool_call"; call: ToolCall }
  | { type: "tool_result"; id: string; name: string; result: unknown; is_error: boolean }
  | {
      type: "done";
      usage: { promptTokens: number; completionTokens: number };
      /** Credits charged for the turn's model calls. */
      credits: number;
      model: string | null;
      steps: AgentRunStep[];
      incomplete: boolean;
      /** The agent_runs row that recorded this turn. */
      runId: string;
      status: AgentRunStatus;
    };

/** Tool results handed back to the model are cut at this many characters. */
const MAX_TOOL_RESULT_CHARS = 8_000;
/** How often a model call in flight checks whether its run was stopped. */
const STOP_POLL_MS = 500;

/** The run is runnable by this person: can_use_ai, and the employee is not disabled or offline. */
export async function assertRunnable(ctx: ServiceContext, agent: AgentRow) {
  await requirePermission(ctx, "can_use_ai");
  if (agent.status === "disabled" || agent.status === "offline") {
    throw new ServiceError("conflict", `${agent.name} is ${agent.status} and cannot take work right now`);
  }
}

async function systemMessage(ctx: ServiceContext, agent: AgentRow): Promise<ChatMessage> {
  const me = await currentMember(ctx);
  const person = me.displayName ?? me.fullName ?? me.email;
  return {
    role: "system",
    content:
      `${agent.systemPrompt || `You are ${agent.name}, ${agent.role}, an AI employee of this workspace.`}\n\n` +
      `You are ${agent.name} (${agent.role}); your member id is ${agent.memberId}. You are working for ${person} ` +
      `(member id ${me.id}). Current time: ${new Date().toISOString()}.`,
  };
}

/** Records a new run (status running). */
export async function startRun(
  ctx: ServiceContext,
  agent: AgentRow,
  o: { instruction: string; source: AgentRunSource },
): Promise<typeof agentRuns.$inferSelect> {
  const me = await currentMember(ctx);
  const [run] = await ctx.db
    .insert(agentRuns)
    .values({ agentId: agent.id, invokedByMemberId: me.id, source: o.source, instruction: o.instruction, status: "running" })
    .returning();
  if (!run) throw new ServiceError("internal_error", "Run was not recorded");
  return run;
}

/** Appends steps to the run and returns its status (the stop signal). */
async function appendSteps(ctx: ServiceContext, runId: string, steps: AgentRunStep[]): Promise<AgentRunStatus> {
  const [r] = await ctx.db
    .update(agentRuns)
    .set({ steps: sql`${agentRuns.steps} || ${JSON.stringify(steps)}::jsonb` })
    .where(eq(agentRuns.id, runId))
    .returning({ status: agentRuns.status });
  return r?.status ?? "stopped";
}

async function runStatus(ctx: ServiceContext, runId: string): Promise<AgentRunStatus> {
  const [r] = await ctx.db.select({ status: agentRuns.status }).from(agentRuns).where(eq(agentRuns.id, runId)).limit(1);
  return r?.status ?? "stopped";
}

/**
 * Aborts `controller` when the run is stopped (POST /agents/{id}/stop, from any request) while a
 * model call is in flight. Returns the function that ends the watch.
 */
function watchStop(ctx: ServiceContext, runId: string, controller: AbortController): () => void {
  let done = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const tick = async () => {
    if (done) return;
    try {
      if ((await runStatus(ctx, runId)) === "stopped") {
        controller.abort(new ServiceError("conflict", "The run was stopped"));
        return;
      }
    } catch {
      // A failed poll is not a reason to stop the work; the next step boundary checks again.
    }
    if (!done) timer = setTimeout(tick, STOP_POLL_MS);
  };
  timer = setTimeout(tick, STOP_POLL_MS);
  return () => {
    done = true;
    if (timer) clearTimeout(timer);
  };
}

const now = () => new Date().toISOString();

function errorResult(e: unknown): { error: { code: string; message: string; issues?: unknown } } {
  if (isServiceError(e)) return { error: { code: e.code, message: e.message, ...(e.issues ? { issues: e.issues } : {}) } };
  return { error: { code: "internal_error", message: "The tool failed unexpectedly" } };
}

/** Runs one tool call as the employee; failures become results the model can read. */
async function runTool(
  employeeCtx: ServiceContext,
  allowed: Set<string>,
  call: ToolCall,
  gate: { ctx: ServiceContext; agent: AgentRow; runId: string },
): Promise<{ args: unknown; result: unknown; isError: boolean }> {
  let args: unknown;
  try {
    args = call.arguments.trim() ? JSON.parse(call.arguments) : {};
  } catch {
    return {
      args: call.arguments,
      result: { error: { code: "validation_error", message: "The arguments are not valid JSON" } },
      isError: true,
    };
  }
  const tool = getTool(call.name);
  if (!tool || !allowed.has(call.name)) {
    return {
      args,
      result: {
        error: { code: "not_found", message: `No tool named ${call.name} is available to you; use one of: ${[...allowed].join(", ")}` },
      },
      isError: true,
    };
  }
  try {
    // Risky tools wait for a person: an approval is opened and the tool runs only if it is approved.
    if (tool.needsApproval)
      return { args, result: await requestToolApproval(gate.ctx, gate.agent, gate.runId, call, args), isError: false };
    return { args, result: (await tool.run(employeeCtx, args)) ?? { ok: true }, isError: false };
  } catch (e) {
    if (!isServiceError(e)) {
      console.error(
        JSON.stringify({ level: "error", msg: "agent tool failed", tool: call.name, request_id: employeeCtx.requestId, error: String(e) }),
      );
    }
    return { args, result: errorResult(e), isError: true };
  }
}

function toolMessage(id: string, result: unknown): ChatMessage {
  let content = JSON.stringify(result) ?? "null";
  if (content.length > MAX_TOOL_RESULT_CHARS) content = `${content.slice(0, MAX_TOOL_RESULT_CHARS)}… (truncated)`;
  return { role: "tool", tool_call_id: id, content };
}

export interface LoopOptions {
  runId: string;
  maxSteps: number;
  stream: boolean;
  signal?: AbortSignal | undefined;
}

/**
 * The tool loop: at most `maxSteps` model calls. Each call may ask for tools; they run in order as
 * the employee and their results (errors included, with is_error) go back to the model in the next
 * call. Every step is appended to the run as it happens and yielded as an event. Between steps
 * (and while a model call is in flight) the run's status is the stop signal. The run row is
 * finished (status, output, usage, duration) before `done` is yielded.
 */
export async function* toolLoop(
  ctx: ServiceContext,
  agent: AgentRow,
  conversation: ChatMessage[],
  o: LoopOptions,
): AsyncGenerator<EmployeeTurnEvent, void, undefined> {
  const started = Date.now();
  const employee = await employeeContext(ctx, agent);
  const tools = toolsFor(agent.capabilities);
  const allowed = new Set(tools.map((t) => t.name));
  const specs: ToolSpec[] = tools.map((t) => ({ name: t.name, description: t.description, parameters: t.parameters }));
  const messages: ChatMessage[] = [await systemMessage(ctx, agent), ...conversation.filter((m) => m.role !== "system" || m.content)];
  const steps: AgentRunStep[] = [];
  const usage = { promptTokens: 0, completionTokens: 0 };
  let credits = 0;
  let model: string | null = null;
  let output = "";
  let status: AgentRunStatus = "completed";
  let error: string | null = null;
  let hitStepLimit = false;
  let incomplete = false;
  let index = 0;
  let ended = false;

  try {
    try {
      for (let step = 1; ; step++) {
        if ((await runStatus(ctx, o.runId)) === "stopped") {
          status = "stopped";
          break;
        }
        const controller = new AbortController();
        const onAbort = () => controller.abort(o.signal?.reason);
        o.signal?.addEventListener("abort", onAbort);
        const unwatch = watchStop(ctx, o.runId, controller);
        let result: ChatResult;
        let cut = false;
        try {
          const req = {
            operation: "agent",
            model: agent.model ?? undefined,
            messages,
            tools: specs.length ? specs : undefined,
            signal: controller.signal,
          };
          if (o.stream) {
            let done: { result: ChatResult; incomplete: boolean } | undefined;
            for await (const ev of chatStream(ctx, req)) {
              if (ev.type === "delta") yield ev;
              else if (ev.type === "done") done = ev;
            }
            if (!done) throw new ServiceError("internal_error", "The model stream ended without a result");
            result = done.result;
            cut = done.incomplete;
          } else {
            result = await chat(ctx, req);
          }
        } catch (e) {
          if (controller.signal.aborted && (await runStatus(ctx, o.runId)) === "stopped") {
            status = "stopped";
            break;
          }
          throw e;
        } finally {
          unwatch();
          o.signal?.removeEventListener("abort", onAbort);
        }
        model = result.model;
        credits += result.credits;
        usage.promptTokens += result.usage.promptTokens;
        usage.completionTokens += result.usage.completionTokens;
        const calls = cut ? [] : result.toolCalls;
        const modelStep: AgentRunStep = { index: index++, type: "model", content: result.text || null, tool_calls: calls, at: now() };
        steps.push(modelStep);
        const current = await appendSteps(ctx, o.runId, [modelStep]);
        if (cut) {
          // Stopped mid-stream (run stopped, caller gone, or provider cut): keep what was said.
          output = result.text;
          incomplete = true;
          status = current === "stopped" || controller.signal.aborted ? "stopped" : "failed";
          if (status === "failed") error = "The model's answer was cut off";
          break;
        }
        if (calls.length === 0) {
          output = result.text;
          break;
        }
        if (current === "stopped") {
          status = "stopped";
          break;
        }
        if (step === o.maxSteps) {
          // The model still wants tools but may not be asked again: nothing more is done.
          hitStepLimit = true;
          status = "failed";
          error = `Step limit reached: ${o.maxSteps} model calls without a final answer`;
          break;
        }
        messages.push({ role: "assistant", content: result.text || null, tool_calls: calls });
        for (const call of calls) {
          yield { type: "tool_call", call };
          const t0 = Date.now();
          const r = await runTool(employee, allowed, call, { ctx, agent, runId: o.runId });
          const callStep: AgentRunStep = {
            index: index++,
            type: "tool_call",
            id: call.id,
            name: call.name,
            arguments: r.args,
            at: new Date(t0).toISOString(),
          };
          const resultStep: AgentRunStep = {
            index: index++,
            type: "tool_result",
            id: call.id,
            name: call.name,
            result: r.result,
            is_error: r.isError,
            duration_ms: Date.now() - t0,
            at: now(),
          };
          steps.push(callStep, resultStep);
          await appendSteps(ctx, o.runId, [callStep, resultStep]);
          yield { type: "tool_result", id: call.id, name: call.name, result: r.result, is_error: r.isError };
          messages.push(toolMessage(call.id, r.result));
        }
      }
    } catch (e) {
      // Gateway errors (402, 422 unknown model, 502/504) end the run as failed, then propagate.
      ended = true;
      const message = isServiceError(e) ? e.message : "The run failed";
      await finish(ctx, o.runId, { status: "failed", output: output || null, error: message, hitStepLimit, model, usage, started });
      throw e;
    }
    ended = true;
    const final = await finish(ctx, o.runId, { status, output: output || null, error, hitStepLimit, model, usage, started });
    yield { type: "done", usage, credits, model, steps, incomplete: incomplete || final !== "completed", runId: o.runId, status: final };
  } finally {
    if (!ended) {
      // The consumer stopped iterating (e.g. the chat client went away): the run ends as stopped.
      await finish(ctx, o.runId, {
        status: "stopped",
        output: output || null,
        error: "The caller stopped listening",
        hitStepLimit,
        model,
        usage,
        started,
      }).catch(() => {});
    }
  }
}

/** Closes the run (and records its event); a run stopped meanwhile stays stopped. Returns the final status. */
async function finish(
  ctx: ServiceContext,
  runId: string,
  r: {
    status: AgentRunStatus;
    output: string | null;
    error: string | null;
    hitStepLimit: boolean;
    model: string | null;
    usage: { promptTokens: number; completionTokens: number };
    started: number;
  },
): Promise<AgentRunStatus> {
  const u = await ctx.db.transaction(async (tx) => {
    // A run the dead-run sweep already failed has had its event; this late finish records the rest.
    const [before] = await tx.select({ status: agentRuns.status }).from(agentRuns).where(eq(agentRuns.id, runId)).for("update");
    const [row] = await tx
      .update(agentRuns)
      .set({
        status: sql`CASE WHEN ${agentRuns.status} = 'stopped' THEN 'stopped' ELSE ${r.status} END`,
        output: r.output,
        error: sql`CASE WHEN ${agentRuns.status} = 'stopped' THEN ${agentRuns.error} ELSE ${r.error} END`,
        hitStepLimit: r.hitStepLimit,
        model: r.model,
        promptTokens: r.usage.promptTokens,
        completionTokens: r.usage.completionTokens,
        durationMs: Date.now() - r.started,
        finishedAt: new Date(),
      })
      .where(eq(agentRuns.id, runId))
      .returning();
    if (row && before?.status === "running") await emitRunsEnded(ctx, tx, [row]);
    return row;
  });
  return u?.status ?? r.status;
}

const textOf = (m: ChatMessage | undefined): string =>
  !m?.content ? "" : typeof m.content === "string" ? m.content : m.content.map((p) => (p.type === "text" ? p.text : "[image]")).join(" ");

/**
 * One conversational turn with an employee, streamed (used by the chat module for conversations
 * with an agent_id). `messages` is the conversation so far, ending with the person's message; the
 * employee's system prompt is put in front. The turn is recorded as a run (source "chat") so it
 * counts in the employee's stats and can be stopped like any run.
 *
 * Checks (can_use_ai, employee runnable, credits and model) throw before the first event. `ctx`
 * must stay usable for the whole iteration: when streaming after the handler has returned, pass a
 * detached context (platform/ai detachContext).
 */
export async function* runEmployeeTurn(
  ctx: ServiceContext,
  input: { agentId: string; messages: ChatMessage[]; signal?: AbortSignal | undefined; maxSteps?: number },
): AsyncGenerator<EmployeeTurnEvent, void, undefined> {
  const agent = await getAgentRow(ctx, input.agentId);
  await assertRunnable(ctx, agent);
  const lastUser = [...input.messages].reverse().find((m) => m.role === "user");
  const run = await startRun(ctx, agent, { instruction: textOf(lastUser).slice(0, 20_000) || "(no message)", source: "chat" });
  yield* toolLoop(ctx, agent, input.messages, {
    runId: run.id,
    maxSteps: Math.min(input.maxSteps ?? MAX_STEPS, MAX_STEPS),
    stream: true,
    signal: input.signal,
  });
}
