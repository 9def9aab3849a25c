import { DEFAULT_MODELS, modelsWith, resolveModel } from "../../../platform/ai/models";
import type { ServiceContext } from "../../../platform/context";
import { ServiceError } from "../../../platform/errors";
import { getAgentRow } from "../../agents/internal";
import { getSystemPrompt, promptContexts } from "../../ai/prompts";

type Loc = (string | number)[];

const invalid = (loc: Loc, msg: string) => new ServiceError("validation_error", msg, { issues: [{ loc, msg, type: "value_error" }] });

/** A chat model from the gateway's registry (streaming capable), else 422 listing the valid ones. */
export async function assertModel(_ctx: ServiceContext, model: string, loc: Loc): Promise<void> {
  resolveModel(model, "streaming", loc);
}

/** GET /chat/models: the gateway's registry, chat-capable models only. */
export function listChatModels() {
  return modelsWith("streaming").map((m) => ({
    id: m.id,
    name: m.displayName,
    provider: m.provider,
    context_window: m.contextWindow || null,
    capabilities: [...m.capabilities],
    is_default: m.id === DEFAULT_MODELS.chat,
  }));
}

/** An AI employee of this workspace that can be talked to, else 422 at `loc`. */
export async function assertAgent(ctx: ServiceContext, agentId: string, loc: Loc) {
  const a = await getAgentRow(ctx, agentId).catch((e: unknown) => {
    if (e instanceof ServiceError && e.code === "not_found") throw invalid(loc, "AI employee not found");
    throw e;
  });
  if (a.status === "disabled") throw invalid(loc, "This AI employee is disabled");
  return a;
}

/** prompt_context → the ai module's prompt registry (AI Prompts group), else 422 listing the contexts. */
export async function resolveSystemPrompt(_ctx: ServiceContext, context: string, loc: Loc): Promise<string> {
  const prompt = getSystemPrompt(context);
  if (prompt === undefined) throw invalid(loc, `Unknown prompt context ${context}; valid: ${promptContexts().join(", ")}`);
  return prompt;
}

/** The prompt of a plain conversation without its own: the "chat" context. */
export const defaultSystemPrompt = (): string =>
  getSystemPrompt("chat") ??
  "You are Atrium's assistant for a business workspace. Answer clearly and concisely; use the search_workspace tool for the workspace's own data.";
