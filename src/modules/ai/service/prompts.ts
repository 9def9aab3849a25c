import { ServiceError } from "../../../platform/errors";
import { findSystemPrompt, SYSTEM_PROMPTS } from "../prompts";

export function listPrompts() {
  return {
    contexts: SYSTEM_PROMPTS.map((p) => p.context),
    prompts: SYSTEM_PROMPTS.map((p) => ({ context: p.context, name: p.name, description: p.description })),
    total: SYSTEM_PROMPTS.length,
  };
}

export function getPrompt(context: string) {
  const p = findSystemPrompt(context);
  if (!p) throw new ServiceError("not_found", `Prompt context ${context} not found`);
  return { ...p };
}
