import { z } from "zod";
import type { ServiceContext } from "../context";
import { ServiceError } from "../errors";
import { client, providerError } from "./client";
import { type ChatMessage, estimatePromptTokens, prepare } from "./gateway";
import { estimateTokens } from "./models";
import { recordCall } from "./usage";

export interface ExtractRequest {
  /** JSON Schema of the object to extract (type "object"). */
  schema: Record<string, unknown>;
  text: string;
  instructions?: string | undefined;
  model?: string | undefined;
  /** Recorded in usage; default "extract". */
  operation?: string | undefined;
  signal?: AbortSignal | undefined;
}

export interface ExtractResult<T> {
  data: T;
  model: string;
  usage: { promptTokens: number; completionTokens: number };
  credits: number;
  /** 1 when the first answer was valid, 2 after the repair retry. */
  attempts: number;
}

/** A zod validator for a JSON Schema; a schema we cannot use is the caller's 422. */
export function schemaValidator(schema: Record<string, unknown>, loc: (string | number)[] = ["body", "schema"]): z.ZodType {
  if (schema.type !== "object") {
    throw new ServiceError("validation_error", "The schema must describe an object (type: object)", {
      issues: [{ loc, msg: "The schema must describe an object (type: object)", type: "value_error" }],
    });
  }
  try {
    return z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
  } catch (e) {
    const msg = `Unsupported JSON Schema: ${(e as Error).message}`;
    throw new ServiceError("validation_error", msg, { issues: [{ loc, msg, type: "value_error" }] });
  }
}

/** The problems of one answer, as short lines for the repair prompt; null when valid. */
function check(validator: z.ZodType, raw: string): { ok: true; data: unknown } | { ok: false; problems: string[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.trim().replace(/^```(?:json)?\s*|\s*```$/g, ""));
  } catch {
    return { ok: false, problems: ["The answer is not valid JSON."] };
  }
  const r = validator.safeParse(parsed);
  if (r.success) return { ok: true, data: r.data };
  return { ok: false, problems: r.error.issues.slice(0, 20).map((i) => `${i.path.length ? i.path.join(".") : "(root)"}: ${i.message}`) };
}

const SYSTEM =
  "You extract structured data. Answer with one JSON object that matches the given JSON Schema exactly: " +
  "only the schema's properties, required ones always present, correct types. Use null only where the schema allows it. No prose.";

/**
 * Structured extraction: the model answers in JSON Schema mode; the object is validated here
 * (providers do not all enforce schemas). An invalid answer gets one repair attempt with the
 * problems listed; invalid again → 422 `extraction_failed`, and nothing is charged.
 * One usage row per extraction, with the tokens of both attempts.
 */
export async function extract<T = Record<string, unknown>>(ctx: ServiceContext, req: ExtractRequest): Promise<ExtractResult<T>> {
  const validator = schemaValidator(req.schema);
  const messages: ChatMessage[] = [
    { role: "system", content: req.instructions ? `${SYSTEM}\n\n${req.instructions}` : SYSTEM },
    { role: "user", content: `JSON Schema:\n${JSON.stringify(req.schema)}\n\nText:\n${req.text}` },
  ];
  const p = await prepare(ctx, {
    model: req.model,
    kind: "extract",
    operation: req.operation ?? "extract",
    needs: ["json_schema"],
    promptTokens: estimatePromptTokens(messages),
  });
  const started = Date.now();
  let promptTokens = 0;
  let completionTokens = 0;
  const wire = (): import("openai/resources/chat/completions").ChatCompletionMessageParam[] =>
    messages.map((m) => ({ role: m.role as "system" | "user" | "assistant", content: typeof m.content === "string" ? m.content : "" }));
  const record = (status: "ok" | "error", errorCode?: string) =>
    recordCall(
      ctx,
      {
        model: p.model,
        operation: p.operation,
        kind: p.kind,
        status,
        promptTokens,
        completionTokens,
        latencyMs: Date.now() - started,
        free: p.free,
        ...(errorCode ? { errorCode } : {}),
      },
      p.stamp,
      p.hold,
    );

  let problems: string[] = [];
  for (let attempt = 1; attempt <= 2; attempt++) {
    let answer: string;
    try {
      const res = await client(ctx).chat.completions.create(
        {
          model: p.model.id,
          messages: wire(),
          response_format: { type: "json_schema", json_schema: { name: "extraction", schema: req.schema, strict: false } },
          temperature: 0,
        },
        req.signal ? { signal: req.signal } : {},
      );
      answer = res.choices[0]?.message?.content ?? "";
      promptTokens += res.usage?.prompt_tokens ?? estimatePromptTokens(messages);
      completionTokens += res.usage?.completion_tokens ?? estimateTokens(answer);
    } catch (e) {
      const err = providerError(ctx, e);
      await record("error", err.code);
      throw err;
    }
    const r = check(validator, answer);
    if (r.ok) {
      const { credits } = await record("ok");
      return { data: r.data as T, model: p.model.id, usage: { promptTokens, completionTokens }, credits, attempts: attempt };
    }
    problems = r.problems;
    messages.push(
      { role: "assistant", content: answer },
      {
        role: "user",
        content: `That answer does not match the schema:\n- ${problems.join("\n- ")}\nReply with the corrected JSON object only.`,
      },
    );
  }
  await record("error", "extraction_failed");
  throw new ServiceError("extraction_failed", `The model's answer did not match the schema after a repair attempt: ${problems.join("; ")}`);
}
