import { type ChatMessage, chat, extract } from "../../../platform/ai";
import type { ServiceContext } from "../../../platform/context";
import { requirePermission } from "../../permissions/service";
import { getSystemPrompt } from "../prompts";
import type { AssistantRequest, ExplainRequest, PropertyAnalyzeRequest, UnderwritingRequest } from "../schemas";
import { propertyMetrics, underwritingModel } from "./finance";
import { usageOf } from "./llm";

/**
 * The AI Assistant group: prompt-templated gateway calls. The general endpoint answers in text;
 * explain, analyze and underwriting answer with objects validated against the JSON Schemas below
 * (gateway extract(): one repair retry, else 422 extraction_failed). Figures are computed here
 * (finance.ts) and handed to the model to interpret, never the other way round.
 */

const str = { type: "string" } as const;
const strList = { type: "array", items: str } as const;

export const EXPLAIN_SCHEMA = {
  type: "object",
  properties: {
    concept: str,
    summary: str,
    steps: { type: "array", items: { type: "object", properties: { title: str, explanation: str }, required: ["title", "explanation"] } },
    examples: strList,
    visual_description: str,
    follow_up_questions: strList,
  },
  required: ["concept", "summary", "steps", "examples", "visual_description", "follow_up_questions"],
} as const;

export const PROPERTY_ANALYSIS_SCHEMA = {
  type: "object",
  properties: {
    summary: str,
    property_evaluation: str,
    market_insights: str,
    cash_flow_assessment: str,
    risks: strList,
    recommendation: { type: "string", enum: ["buy", "negotiate", "pass"] },
    rationale: str,
  },
  required: ["summary", "property_evaluation", "market_insights", "cash_flow_assessment", "risks", "recommendation", "rationale"],
} as const;

export const UNDERWRITING_REVIEW_SCHEMA = {
  type: "object",
  properties: {
    summary: str,
    key_assumptions: strList,
    metric_interpretation: str,
    key_sensitivities: strList,
    risks: strList,
    recommendation: { type: "string", enum: ["proceed", "proceed_with_conditions", "decline"] },
    conditions: strList,
  },
  required: ["summary", "key_assumptions", "metric_interpretation", "key_sensitivities", "risks", "recommendation", "conditions"],
} as const;

const prompt = (context: string) => getSystemPrompt(context) ?? "";

/** General assistant endpoint (any assistant type), text answer. Needs can_use_ai. */
export async function runAssistant(ctx: ServiceContext, input: AssistantRequest) {
  await requirePermission(ctx, "can_use_ai");
  const type = input.assistant_type ?? "general_assistant";
  const messages: ChatMessage[] = [{ role: "system", content: prompt(type) }];
  if (input.context && Object.keys(input.context).length) {
    messages.push({ role: "system", content: `Context provided by the user (JSON):\n${JSON.stringify(input.context)}` });
  }
  messages.push(...(input.history ?? []), { role: "user", content: input.message });
  const r = await chat(ctx, { operation: `assistant.${type}`, model: input.model, messages });
  return { assistant_type: type, response: r.text, model: r.model, usage: usageOf(r), credits: r.credits };
}

/** A concept explained step by step, with examples and follow-up questions. Needs can_use_ai. */
export async function explainConcept(ctx: ServiceContext, input: ExplainRequest) {
  await requirePermission(ctx, "can_use_ai");
  const level = input.level ?? "beginner";
  const r = await extract(ctx, {
    operation: "assistant.explain",
    schema: EXPLAIN_SCHEMA as unknown as Record<string, unknown>,
    instructions: `${prompt("educational_tutor")}\nThe learner's level: ${level}.`,
    text: `Explain this concept: ${input.concept}${input.context ? `\nWhat the learner is working on: ${input.context}` : ""}`,
    model: input.model,
  });
  return { analysis: r.data, metrics: { level }, model: r.model, usage: usageOf(r), credits: r.credits };
}

/** A property analysis: metrics computed here, interpretation by the model. Needs can_use_ai. */
export async function analyzeRealEstate(ctx: ServiceContext, input: PropertyAnalyzeRequest) {
  await requirePermission(ctx, "can_use_ai");
  const { model, notes, ...facts } = input;
  const metrics = propertyMetrics(facts);
  const r = await extract(ctx, {
    operation: "assistant.real_estate_analyze",
    schema: PROPERTY_ANALYSIS_SCHEMA as unknown as Record<string, unknown>,
    instructions: prompt("real_estate_analyzer"),
    text: `Property:\n${JSON.stringify(facts)}\n\nComputed metrics (year one):\n${JSON.stringify(metrics)}${notes ? `\n\nNotes:\n${notes}` : ""}`,
    model,
  });
  return { analysis: r.data, metrics, model: r.model, usage: usageOf(r), credits: r.credits };
}

/** A full underwriting model (computed) with the model's review of it. Needs can_use_ai. */
export async function createUnderwriting(ctx: ServiceContext, input: UnderwritingRequest) {
  await requirePermission(ctx, "can_use_ai");
  const { model, notes, property_name, ...facts } = input;
  const uw = underwritingModel(facts);
  const brief = {
    property_name: property_name ?? null,
    assumptions: uw.assumptions,
    metrics: uw.metrics,
    exit: uw.exit,
    sensitivity: uw.sensitivity,
    year1: uw.pro_forma[0],
  };
  const r = await extract(ctx, {
    operation: "assistant.underwriting",
    schema: UNDERWRITING_REVIEW_SCHEMA as unknown as Record<string, unknown>,
    instructions: prompt("underwriting_creator"),
    text: `Underwriting (computed by Atrium):\n${JSON.stringify(brief)}${notes ? `\n\nNotes:\n${notes}` : ""}`,
    model,
  });
  return {
    analysis: r.data,
    metrics: { property_name: property_name ?? null, ...uw },
    model: r.model,
    usage: usageOf(r),
    credits: r.credits,
  };
}
