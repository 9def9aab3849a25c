import { type ASTNode, Environment, serialize } from "@marcbachmann/cel-js";

/**
 * Expressions and templates of workflow definitions, in CEL (@marcbachmann/cel-js): an interpreter
 * without eval/new Function (workerd forbids both), non-Turing-complete (no loops, no user-defined
 * functions, no recursion), field access on own properties only.
 *
 * A template is a string with `{{ expr }}` parts. A template that is exactly one `{{ expr }}` yields
 * the expression's value (any type); otherwise each part is interpolated as text.
 *
 * Scope of an expression: `trigger` (the trigger: `trigger.data` is its payload), `input` (the run's
 * input), `vars` (the workflow's variables), `nodes.<id>` (a finished node's outputs).
 * Step chains write `steps[N]`: compile.ts rewrites it to `nodes.step_N` (see translateStepRefs).
 *
 * Bounds (CEL's cost is linear in expression × data, but this library has no cost accounting, so
 * the parse refuses what multiplies work): 2,000 characters and 200 AST nodes per expression,
 * nesting depth 24; no `matches` (JavaScript regexes backtrack: a catastrophic pattern is a denial
 * of service) and no `join` (joining N copies of a big string); at most 2 nested comprehensions
 * (map/filter/all/exists), the inner one over the outer's item or a literal list (so never N × M
 * over two inputs); a scope and a result of at most 1 MB. Left to the Worker's CPU limit: a string
 * function applied to a big concatenation in every item of a big list.
 */

/** Names a map node's expression may read besides the scope's: the current item and its position. */
export const MAP_NAMES = ["item", "index"];

export const EXPRESSION_LIMITS = {
  maxLength: 2_000,
  maxAstNodes: 200,
  maxDepth: 24,
  maxComprehensionNesting: 2,
  maxScopeBytes: 1_000_000,
  maxResultBytes: 1_000_000,
  maxTemplateParts: 50,
} as const;

export type ExpressionErrorKind = "syntax" | "refused" | "evaluation" | "too_large";

export class ExpressionError extends Error {
  constructor(
    readonly kind: ExpressionErrorKind,
    message: string,
  ) {
    super(message);
    this.name = "ExpressionError";
  }
}

export interface ExpressionScope {
  trigger?: unknown;
  input?: unknown;
  vars?: Record<string, unknown>;
  nodes?: Record<string, unknown>;
}

const env = new Environment({
  unlistedVariablesAreDyn: true,
  homogeneousAggregateLiterals: false,
  limits: {
    maxAstNodes: EXPRESSION_LIMITS.maxAstNodes,
    maxDepth: EXPRESSION_LIMITS.maxDepth,
    maxListElements: 100,
    maxMapEntries: 100,
    maxCallArguments: 8,
  },
});
// JSON numbers arrive as CEL doubles and literals like `1` are ints; CEL has no mixed arithmetic,
// so `nodes.a.score + 1` would fail. These overloads make it work as a JSON user expects.
const mixed: Record<string, (a: number, b: number) => number> = {
  "+": (a, b) => a + b,
  "-": (a, b) => a - b,
  "*": (a, b) => a * b,
  "/": (a, b) => a / b,
};
for (const [op, f] of Object.entries(mixed)) {
  env.registerOperator(`double ${op} int`, (a: number, b: bigint) => f(a, Number(b)));
  env.registerOperator(`int ${op} double`, (a: bigint, b: number) => f(Number(a), b));
}

const COMPREHENSIONS = new Set(["map", "filter", "all", "exists", "exists_one"]);
const REFUSED: Record<string, string> = {
  matches: "matches() is not allowed (regular expressions can backtrack)",
  join: "join() is not allowed (interpolate the list in a template instead)",
};
const SCOPE_ROOTS = new Set(["trigger", "input", "vars", "nodes"]);

export interface ParsedExpression {
  source: string;
  evaluate: (scope: ExpressionScope) => unknown;
  /** Node ids the expression reads (`nodes.<id>`), each with the field read when there is one. */
  nodeRefs: { node: string; field?: string }[];
  /** Variable names it reads (`vars.<name>`). */
  varRefs: string[];
}

export interface ParseOptions {
  /** Names bound besides the scope's (a map node's `item` and `index`). */
  names?: string[];
}

/** Comprehension variables in scope, innermost last. */
type Walk = (node: ASTNode, comprehensionVars: string[]) => void;

/** The variable an access path starts from (`item.tags[0]` → item). */
function rootName(n: ASTNode): string | undefined {
  if (n.op === "id") return n.args;
  if (n.op === "." || n.op === ".?" || n.op === "[]" || n.op === "[?]") return rootName(n.args[0]);
  return undefined;
}

/** Parses and checks one CEL expression (no `{{ }}`). Throws ExpressionError. */
export function parseExpression(source: string, opts: ParseOptions = {}): ParsedExpression {
  if (source.length > EXPRESSION_LIMITS.maxLength) {
    throw new ExpressionError("too_large", `Expression longer than ${EXPRESSION_LIMITS.maxLength} characters`);
  }
  let parsed: ReturnType<typeof env.parse>;
  try {
    parsed = env.parse(source);
  } catch (e) {
    throw new ExpressionError("syntax", firstLine(e));
  }
  const nodeRefs: ParsedExpression["nodeRefs"] = [];
  const varRefs: string[] = [];
  const names = new Set([...SCOPE_ROOTS, ...(opts.names ?? [])]);
  const walk: Walk = (n, vars) => {
    switch (n.op) {
      case "id":
        if (!names.has(n.args) && !vars.includes(n.args)) {
          throw new ExpressionError("refused", `Unknown name "${n.args}" (use ${[...names].join(", ")})`);
        }
        return;
      case "value":
        return;
      case ".":
      case ".?": {
        const [target, field] = n.args;
        if (target.op === "id" && target.args === "nodes") nodeRefs.push({ node: field });
        else if (target.op === "id" && target.args === "vars") varRefs.push(field);
        else if (target.op === "." && target.args[0].op === "id" && target.args[0].args === "nodes") {
          nodeRefs.push({ node: target.args[1], field });
          return;
        }
        walk(target, vars);
        return;
      }
      case "call":
        for (const a of n.args[1]) walk(a, vars);
        return;
      case "rcall": {
        const [name, target, args] = n.args;
        const refusal = REFUSED[name];
        if (refusal) throw new ExpressionError("refused", refusal);
        walk(target, vars);
        if (COMPREHENSIONS.has(name)) {
          if (vars.length + 1 > EXPRESSION_LIMITS.maxComprehensionNesting) {
            throw new ExpressionError("refused", `At most ${EXPRESSION_LIMITS.maxComprehensionNesting} nested ${name}() calls`);
          }
          const root = rootName(target);
          if (vars.length && target.op !== "list" && !(root && vars.includes(root))) {
            throw new ExpressionError("refused", `A nested ${name}() must iterate over the outer item (e.g. item.tags) or a literal list`);
          }
          const [variable, ...rest] = args;
          if (variable?.op !== "id") throw new ExpressionError("syntax", `${name}() needs a variable name`);
          for (const a of rest) walk(a, [...vars, variable.args]);
          return;
        }
        for (const a of args) walk(a, vars);
        return;
      }
      case "list":
        for (const a of n.args) walk(a, vars);
        return;
      case "map":
        for (const [k, v] of n.args) {
          walk(k, vars);
          walk(v, vars);
        }
        return;
      case "!_":
      case "-_":
        walk(n.args, vars);
        return;
      default:
        for (const a of n.args as ASTNode[]) walk(a, vars);
    }
  };
  walk(parsed.ast, []);
  return {
    source,
    nodeRefs,
    varRefs,
    evaluate: (scope) => {
      checkScopeSize(scope);
      try {
        const result = parsed(scope as Record<string, unknown>);
        checkResultSize(result);
        return toJson(result);
      } catch (e) {
        if (e instanceof ExpressionError) throw e;
        throw new ExpressionError("evaluation", firstLine(e));
      }
    },
  };
}

export interface ParsedTemplate {
  /** Text and expressions in order; a template of one expression and no text yields its value. */
  parts: (string | ParsedExpression)[];
  nodeRefs: ParsedExpression["nodeRefs"];
  varRefs: string[];
  evaluate: (scope: ExpressionScope) => unknown;
}

const PART = /\{\{([\s\S]*?)\}\}/g;

/** Parses a `{{ }}` template. Throws ExpressionError. */
export function parseTemplate(template: string): ParsedTemplate {
  const parts: ParsedTemplate["parts"] = [];
  let last = 0;
  for (const m of template.matchAll(PART)) {
    if (m.index > last) parts.push(template.slice(last, m.index));
    parts.push(parseExpression((m[1] ?? "").trim()));
    last = m.index + m[0].length;
    if (parts.length > EXPRESSION_LIMITS.maxTemplateParts) throw new ExpressionError("too_large", "Too many template parts");
  }
  if (last < template.length) parts.push(template.slice(last));
  const exprs = parts.filter((p): p is ParsedExpression => typeof p !== "string");
  const only = parts.length === 1 && exprs.length === 1 ? exprs[0] : undefined;
  return {
    parts,
    nodeRefs: exprs.flatMap((e) => e.nodeRefs),
    varRefs: exprs.flatMap((e) => e.varRefs),
    evaluate: (scope) => {
      if (only) return only.evaluate(scope);
      return parts.map((p) => (typeof p === "string" ? p : asText(p.evaluate(scope)))).join("");
    },
  };
}

/** A condition: `{{ expr }}` (the seeds' form) or a bare expression; it must yield a boolean. */
export function parseCondition(source: string): ParsedExpression {
  const m = /^\s*\{\{([\s\S]*)\}\}\s*$/.exec(source);
  const expr = parseExpression((m?.[1] ?? source).trim());
  return {
    ...expr,
    evaluate: (scope) => {
      const v = expr.evaluate(scope);
      if (typeof v !== "boolean") throw new ExpressionError("evaluation", `Condition yielded ${typeName(v)}, not a boolean`);
      return v;
    },
  };
}

export const evaluateTemplate = (template: string, scope: ExpressionScope): unknown => parseTemplate(template).evaluate(scope);
export const evaluateCondition = (source: string, scope: ExpressionScope): boolean => parseCondition(source).evaluate(scope) as boolean;

/**
 * Step-chain syntax → model: `steps[N]` becomes `nodes.step_N` in every `{{ }}` part (rewritten on
 * the syntax tree, so a string literal "steps[0]" stays as it is). Text outside `{{ }}` is kept.
 */
export function translateStepRefs(template: string, idOf: (index: number) => string = stepNodeId): string {
  return template.replace(PART, (_, body: string) => {
    let ast: ASTNode;
    try {
      ast = env.parse(body.trim()).ast;
    } catch {
      return `{{${body}}}`; // left for validation to report
    }
    return `{{${serialize(rewriteSteps(ast, idOf) as ASTNode)}}}`;
  });
}

type Loose = { op: string; args: unknown };

function rewriteSteps(n: unknown, idOf: (index: number) => string): unknown {
  if (Array.isArray(n)) return n.map((x) => rewriteSteps(x, idOf));
  if (!n || typeof n !== "object" || !("op" in n)) return n;
  const node = n as Loose;
  if (node.op === "[]") {
    const [target, index] = node.args as [Loose, Loose];
    if (target.op === "id" && target.args === "steps" && index.op === "value" && typeof index.args === "bigint") {
      return { op: ".", args: [{ op: "id", args: "nodes" }, idOf(Number(index.args))] };
    }
  }
  return { op: node.op, args: rewriteSteps(node.args, idOf) };
}

export const stepNodeId = (index: number) => `step_${index}`;

function checkScopeSize(scope: ExpressionScope) {
  let size: number;
  try {
    size = JSON.stringify(scope, (_, v) => (typeof v === "bigint" ? Number(v) : v))?.length ?? 0;
  } catch (e) {
    throw new ExpressionError("too_large", `Scope is not JSON: ${firstLine(e)}`);
  }
  if (size > EXPRESSION_LIMITS.maxScopeBytes) {
    throw new ExpressionError("too_large", `Scope larger than ${EXPRESSION_LIMITS.maxScopeBytes} bytes`);
  }
}

/** Sums string lengths and element counts without flattening (a concatenated string's length is O(1)). */
function checkResultSize(v: unknown) {
  let budget = EXPRESSION_LIMITS.maxResultBytes;
  const stack = [v];
  while (stack.length) {
    const x = stack.pop();
    budget -= typeof x === "string" ? x.length + 2 : x instanceof Uint8Array ? x.length : 8;
    if (Array.isArray(x)) budget -= 8 * x.length;
    else if (x instanceof Map) budget -= 8 * x.size;
    if (budget < 0) throw new ExpressionError("too_large", `Result larger than ${EXPRESSION_LIMITS.maxResultBytes} bytes`);
    if (Array.isArray(x)) for (const y of x) stack.push(y);
    else if (x instanceof Map) for (const [k, y] of x) stack.push(k, y);
    else if (x && typeof x === "object" && !(x instanceof Uint8Array)) for (const [k, y] of Object.entries(x)) stack.push(k, y);
  }
}

/** CEL values → JSON values: ints are BigInt, maps may be Map. */
function toJson(v: unknown): unknown {
  if (typeof v === "bigint") return Number(v);
  if (Array.isArray(v)) return v.map(toJson);
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), toJson(x)]));
  if (v instanceof Uint8Array) return [...v];
  if (v && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toJson(x)]));
  }
  if (v && typeof v === "object") return String(v);
  return v;
}

const asText = (v: unknown) => (typeof v === "string" ? v : v === undefined ? "" : JSON.stringify(v));
const typeName = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "a list" : typeof v);
const firstLine = (e: unknown) => (e instanceof Error ? e.message : String(e)).split("\n")[0] ?? "error";
