import { describe, expect, it } from "vitest";
import { compileChain, compileGraph, type GraphWorkflow } from "../src/modules/workflows/compile";
import { componentTypes, listComponents } from "../src/modules/workflows/components";
import {
  EXPRESSION_LIMITS,
  ExpressionError,
  evaluateCondition,
  evaluateTemplate,
  parseExpression,
  translateStepRefs,
} from "../src/modules/workflows/expressions";
import { assertValidDefinition, topologicalOrder, validateDefinition } from "../src/modules/workflows/validate";
import { isServiceError } from "../src/platform/errors";

// Seed 000 (LiquidCortex), verbatim: "Example: Lead Qualification Workflow".
const leadQualification = {
  name: "Lead Qualification Pipeline",
  trigger: { type: "webhook", event: "new_lead" },
  steps: [
    { employee_id: "hunter", action: "qualify_lead", input: "{{trigger.data}}" },
    { employee_id: "sterling", action: "create_proposal", condition: "{{steps[0].score > 70}}", input: "{{steps[0].output}}" },
    { employee_id: "atlas", action: "schedule_meeting", input: "{{steps[1].output}}" },
  ],
};

// Seed 002 (Logic AI) names a "Customer Support Bot" with input {user_message, user_id,
// additional_context} and result {response, detected_intent, confidence}; its component array is
// elided in the seed, so this graph is ours, in its components + connections + variables shape.
const customerSupport: GraphWorkflow = {
  components: [
    {
      id: "user_input",
      type: "comp_text_input",
      config: {
        fields: [
          { name: "user_message", type: "string", required: true },
          { name: "user_id", type: "string" },
          { name: "additional_context", type: "object" },
        ],
      },
    },
    {
      id: "classify",
      type: "llm_prompt",
      config: {
        system: "Classify the customer's intent.",
        json_schema: { type: "object", properties: { intent: { type: "string" }, confidence: { type: "number" } } },
      },
      inputs: { prompt: "{{nodes.user_input.user_message}}" },
    },
    { id: "confident", type: "condition", inputs: { condition: "{{nodes.classify.data.confidence >= vars.min_confidence}}" } },
    {
      id: "answer",
      type: "llm_prompt",
      inputs: {
        prompt: "A {{nodes.user_input.additional_context.subscription_tier}} customer asks: {{nodes.user_input.user_message}}",
      },
    },
    {
      id: "escalate",
      type: "module_tool",
      config: { tool: "create_task" },
      inputs: { arguments: '{{ {"title": "Support: " + nodes.user_input.user_message} }}' },
    },
    { id: "reply", type: "merge", config: { mode: "first" } },
    {
      id: "result",
      type: "output",
      inputs: { detected_intent: "{{nodes.classify.data.intent}}", confidence: "{{nodes.classify.data.confidence}}" },
    },
  ],
  connections: [
    { source: "user_input", target: "classify" },
    { source: "classify", target: "confident" },
    { source: "confident", source_output: "true", target: "answer" },
    { source: "confident", source_output: "false", target: "escalate" },
    { source: "answer", source_output: "text", target: "reply", target_input: "answer" },
    { source: "escalate", source_output: "result", target: "reply", target_input: "escalation" },
    { source: "reply", source_output: "result", target: "result", target_input: "response" },
  ],
  variables: [{ name: "min_confidence", type: "number", default: 0.8 }],
};

const node = (id: string, component: string, extra: Record<string, unknown> = {}) => ({ id, component, ...extra });
const prompt = (id: string, template = "hi") => node(id, "llm_prompt", { inputs: { prompt: { template } } });

function issuesOf(def: unknown) {
  const r = validateDefinition(def);
  if (r.ok) throw new Error("expected issues");
  return r.issues;
}

describe("seed examples compile to the one model and validate", () => {
  it("the lead-qualification chain is a linear graph whose condition guards step 1", () => {
    const def = assertValidDefinition(compileChain(leadQualification));
    expect(def.nodes.map((n) => [n.id, n.component, n.config])).toEqual([
      ["step_0", "ai_employee", { employee_id: "hunter", action: "qualify_lead" }],
      ["step_1", "ai_employee", { employee_id: "sterling", action: "create_proposal" }],
      ["step_2", "ai_employee", { employee_id: "atlas", action: "schedule_meeting" }],
    ]);
    expect(def.nodes[1]?.when).toBe("{{nodes.step_0.score > 70}}");
    expect(def.nodes[1]?.inputs).toEqual({ input: { template: "{{nodes.step_0.output}}" } });
    expect(def.nodes[0]?.inputs).toEqual({ input: { template: "{{trigger.data}}" } });
    expect(def.edges).toEqual([
      { from: "step_0", to: "step_1" },
      { from: "step_1", to: "step_2" },
    ]);
    expect(def.triggers).toEqual([{ type: "webhook", event: "new_lead" }]);
    expect(topologicalOrder(def)).toEqual(["step_0", "step_1", "step_2"]);
  });

  it("the same chain written as a graph compiles to the same model", () => {
    const chain = compileChain(leadQualification);
    const graph = compileGraph({
      components: leadQualification.steps.map((s, i) => ({
        id: `step_${i}`,
        type: "ai_employee",
        config: { employee_id: s.employee_id, action: s.action },
        inputs: { input: s.input.replace(/steps\[(\d)\]/g, "nodes.step_$1") },
        ...(s.condition ? { when: s.condition.replace(/steps\[(\d)\]/g, "nodes.step_$1") } : {}),
      })),
      connections: [
        { source: "step_0", target: "step_1" },
        { source: "step_1", target: "step_2" },
      ],
    });
    expect(assertValidDefinition(graph)).toEqual({ ...assertValidDefinition(chain), triggers: [] });
  });

  it("LVNG-style named steps with depends_on become edges, and steps[N] still reaches them", () => {
    const def = assertValidDefinition(
      compileChain({
        steps: [
          { id: "research", employee_id: "atlas", input: "{{trigger.data.topic}}" },
          { id: "outline", employee_id: "atlas", input: "{{steps[0].output}}", depends_on: ["research"] },
          { id: "notify", tool: "post_message", input: { channel: "general" }, dependsOn: ["research", "outline"] },
        ],
      }),
    );
    expect(def.nodes[1]?.inputs.input).toEqual({ template: "{{nodes.research.output}}" });
    expect(def.edges).toEqual([
      { from: "research", to: "outline" },
      { from: "research", to: "notify" },
      { from: "outline", to: "notify" },
    ]);
  });

  it("the customer-support graph compiles: connections with ports are branches, with inputs data edges", () => {
    const def = assertValidDefinition(compileGraph(customerSupport));
    expect(def.nodes.find((n) => n.id === "user_input")?.component).toBe("input");
    expect(def.nodes.find((n) => n.id === "reply")?.inputs).toEqual({
      answer: { from: { node: "answer", output: "text" } },
      escalation: { from: { node: "escalate", output: "result" } },
    });
    expect(def.edges).toContainEqual({ from: "confident", to: "answer", port: "true" });
    expect(def.edges).toContainEqual({ from: "confident", to: "escalate", port: "false" });
    expect(def.variables).toEqual([{ name: "min_confidence", type: "number", default: 0.8 }]);
    const order = topologicalOrder(def);
    expect(order.indexOf("classify")).toBeLessThan(order.indexOf("confident"));
    expect(order.at(-1)).toBe("result");
  });
});

describe("validation names the node and the field", () => {
  it("unknown component", () => {
    expect(issuesOf({ nodes: [prompt("a"), node("b", "teleport")] })).toEqual([
      { loc: ["body", "nodes", 1, "component"], msg: 'Node "b": unknown component "teleport"', type: "unknown_component" },
    ]);
  });

  it("missing required input", () => {
    expect(issuesOf({ nodes: [node("ask", "llm_prompt")] })).toEqual([
      { loc: ["body", "nodes", 0, "inputs", "prompt"], msg: 'Node "ask": input "prompt" is required', type: "missing_input" },
    ]);
  });

  it("unknown input, bad config", () => {
    const issues = issuesOf({
      nodes: [node("wait", "delay", { config: { seconds: 0 }, inputs: { value: { value: 1 }, colour: { value: "red" } } })],
    });
    expect(issues.map((i) => [i.loc, i.type])).toEqual([
      [["body", "nodes", 0, "config", "seconds"], "invalid_config"],
      [["body", "nodes", 0, "inputs", "colour"], "unknown_input"],
    ]);
    expect(issues[0]?.msg).toMatch(/^Node "wait": config\.seconds/);
  });

  it("cycle", () => {
    const issues = issuesOf({
      nodes: [prompt("a", "{{nodes.c.text}}"), prompt("b"), prompt("c")],
      edges: [
        { from: "a", to: "b" },
        { from: "b", to: "c" },
      ],
    });
    expect(issues).toHaveLength(1);
    expect(issues[0]?.type).toBe("cycle");
    expect(issues[0]?.loc.slice(0, 2)).toEqual(["body", "nodes"]);
    expect(issues[0]?.msg).toMatch(/is in a cycle: (a → b → c → a|b → c → a → b|c → a → b → c)/);
  });

  it("type mismatch on an edge, and on a literal", () => {
    const issues = issuesOf({
      nodes: [
        prompt("ask"),
        node("check", "condition", { inputs: { condition: { from: { node: "ask", output: "text" } } } }),
        node("each", "map", { config: { expression: "item" }, inputs: { items: { value: "not a list" } } }),
      ],
    });
    expect(issues).toEqual([
      {
        loc: ["body", "nodes", 1, "inputs", "condition", "from"],
        msg: 'Node "check": input "condition" is boolean, but ask.text is string',
        type: "type_mismatch",
      },
      {
        loc: ["body", "nodes", 2, "inputs", "items"],
        msg: 'Node "each": input "items" is array, got a string value',
        type: "type_mismatch",
      },
    ]);
  });

  it("dangling edge, dangling reference, unknown output, unknown port", () => {
    const issues = issuesOf({
      nodes: [
        prompt("a", "{{nodes.ghost.text}}"),
        node("b", "condition", { inputs: { condition: { from: { node: "a", output: "verdict" } } } }),
        prompt("c", "{{nodes.a.nope}}"),
      ],
      edges: [
        { from: "a", to: "nowhere" },
        { from: "a", to: "c", port: "true" },
      ],
    });
    expect(issues.map((i) => [i.loc, i.type])).toEqual([
      [["body", "nodes", 0, "inputs", "prompt"], "dangling_reference"],
      [["body", "nodes", 1, "inputs", "condition", "from", "output"], "unknown_output"],
      [["body", "nodes", 2, "inputs", "prompt"], "unknown_output"],
      [["body", "edges", 0, "to"], "dangling_edge"],
      [["body", "edges", 1, "port"], "unknown_port"],
    ]);
    expect(issues[0]?.msg).toBe('Node "a": prompt reads nodes.ghost, which does not exist');
  });

  it("duplicate node id", () => {
    expect(issuesOf({ nodes: [prompt("a"), prompt("a")] })).toEqual([
      { loc: ["body", "nodes", 1, "id"], msg: 'Node "a": duplicate id (also nodes[0])', type: "duplicate_node" },
    ]);
  });

  it("bad expressions in inputs and conditions", () => {
    const issues = issuesOf({ nodes: [prompt("a", "{{ 1 + }}"), prompt("b", "ok"), { ...prompt("c"), when: "{{ process.env }}" }] });
    expect(issues.map((i) => [i.loc, i.type])).toEqual([
      [["body", "nodes", 0, "inputs", "prompt"], "expression_invalid"],
      [["body", "nodes", 2, "when"], "expression_invalid"],
    ]);
  });

  it("variables and map expressions are checked too", () => {
    const issues = issuesOf({
      nodes: [
        prompt("a", "{{vars.tone}} {{vars.missing}}"),
        node("each", "map", { config: { expression: "item.price * vars.rate + nodes.a.nope" }, inputs: { items: { value: [] } } }),
        node("bad", "map", { config: { expression: "item +" }, inputs: { items: { value: [] } } }),
      ],
      variables: [{ name: "tone", type: "string", default: "warm" }, { name: "rate", type: "number", default: "high" }, { name: "tone" }],
    });
    expect(issues.map((i) => [i.loc, i.type])).toEqual([
      [["body", "nodes", 0, "inputs", "prompt"], "dangling_reference"],
      [["body", "nodes", 1, "config", "expression"], "unknown_output"],
      [["body", "nodes", 2, "config", "expression"], "expression_invalid"],
      [["body", "variables", 1, "default"], "type_mismatch"],
      [["body", "variables", 2, "name"], "duplicate_variable"],
    ]);
    expect(issues[0]?.msg).toBe('Node "a": prompt reads vars.missing, which is not a variable');
  });

  it("shape errors keep zod's path under body, and assertValidDefinition throws a 422 ServiceError", () => {
    expect(issuesOf({ nodes: [{ id: "bad id", component: "input" }] })[0]?.loc).toEqual(["body", "nodes", 0, "id"]);
    try {
      assertValidDefinition({ nodes: [node("ask", "llm_prompt"), node("x", "nope")] }, { at: ["body", "definition"] });
      expect.unreachable();
    } catch (e) {
      expect(isServiceError(e) && e.status).toBe(422);
      if (!isServiceError(e)) throw e;
      expect(e.code).toBe("validation_error");
      expect(e.message).toBe('Node "ask": input "prompt" is required (and 1 more)');
      expect(e.issues?.map((i) => i.loc)).toEqual([
        ["body", "definition", "nodes", 0, "inputs", "prompt"],
        ["body", "definition", "nodes", 1, "component"],
      ]);
    }
  });

  it("module tools are checked against the registry when given", () => {
    const def = { nodes: [node("t", "module_tool", { config: { tool: "launch_rockets" }, inputs: { arguments: { value: {} } } })] };
    expect(validateDefinition(def).ok).toBe(true);
    const r = validateDefinition(def, { toolExists: (n) => n === "create_task" });
    expect(!r.ok && r.issues[0]?.loc).toEqual(["body", "nodes", 0, "config", "tool"]);
  });
});

describe("component library", () => {
  it("has the issue's components, each with category, config JSON Schema, typed inputs and outputs", () => {
    expect(componentTypes().sort()).toEqual(
      [
        "input",
        "output",
        "llm_prompt",
        "ai_employee",
        "module_tool",
        "condition",
        "map",
        "merge",
        "http_request",
        "delay",
        "human_approval",
        "sub_workflow",
      ].sort(),
    );
    for (const c of listComponents()) {
      expect(c.config_schema.type).toBe("object");
      for (const p of [...c.inputs, ...c.outputs]) expect(["string", "number", "boolean", "object", "array", "any"]).toContain(p.type);
    }
    const approval = listComponents({ type: "human_approval" })[0];
    expect(approval?.ports).toEqual(["approved", "rejected"]);
    expect(approval?.config_schema.required).toEqual(["title"]);
    expect(listComponents({ category: "ai" }).map((c) => c.type)).toEqual(["llm_prompt", "ai_employee"]);
  });
});

describe("expressions (CEL, in workerd)", () => {
  it("runs in workerd without eval or new Function (both trapped while it parses and evaluates)", () => {
    expect(navigator.userAgent).toBe("Cloudflare-Workers");
    // The test pool allows eval (Vite needs it); deployed workerd does not. Trap both, so a call would fail here.
    const g = globalThis as Record<string, unknown>;
    const saved = { eval: g.eval, Function: g.Function };
    const trap = () => {
      throw new Error("dynamic code");
    };
    g.eval = trap;
    g.Function = trap;
    try {
      const scope = { trigger: { data: { score: 91, tags: ["b2b"] } } };
      expect(evaluateCondition('{{trigger.data.score > 70 && "b2b" in trigger.data.tags}}', scope)).toBe(true);
      expect(evaluateTemplate("{{trigger.data.tags.map(t, t + '!')}}", scope)).toEqual(["b2b!"]);
    } finally {
      g.eval = saved.eval;
      g.Function = saved.Function;
    }
  });

  it("evaluates the seeds' condition and templates after the steps[N] translation", () => {
    const when = translateStepRefs("{{steps[0].score > 70}}");
    expect(when).toBe("{{nodes.step_0.score > 70}}");
    const scope = (score: number) => ({ nodes: { step_0: { output: { summary: "ACME, 40 seats" }, score } } });
    expect(evaluateCondition(when, scope(85))).toBe(true);
    expect(evaluateCondition(when, scope(70))).toBe(false);
    expect(evaluateCondition(when, scope(70.5))).toBe(true);
    // A lone {{ }} yields the value itself; text around it makes a string.
    expect(evaluateTemplate("{{trigger.data}}", { trigger: { data: { name: "Ada", seats: 40 } } })).toEqual({ name: "Ada", seats: 40 });
    expect(evaluateTemplate(translateStepRefs("{{steps[0].output}}"), scope(85))).toEqual({ summary: "ACME, 40 seats" });
    expect(
      evaluateTemplate("Lead {{trigger.data.name}} ({{trigger.data.seats}} seats)", { trigger: { data: { name: "Ada", seats: 40 } } }),
    ).toBe("Lead Ada (40 seats)");
    expect(evaluateTemplate("{{nodes.a.x + 1}}", { nodes: { a: { x: 1.5 } } })).toBe(2.5);
    expect(evaluateTemplate("{{vars.n * 2}}", { vars: { n: 3 } })).toBe(6);
    expect(translateStepRefs('{{steps[1].output == "steps[0]"}}')).toBe('{{nodes.step_1.output == "steps[0]"}}');
  });

  it("a condition must yield a boolean; a missing field is an evaluation error", () => {
    expect(() => evaluateCondition("{{nodes.a.score}}", { nodes: { a: { score: 1 } } })).toThrow(/not a boolean/);
    expect(() => evaluateCondition("{{nodes.a.score > 1}}", { nodes: { a: {} } })).toThrow(ExpressionError);
  });

  const refused = (src: string, kind: ExpressionError["kind"]) => {
    try {
      parseExpression(src);
      expect.unreachable(src);
    } catch (e) {
      expect(e).toBeInstanceOf(ExpressionError);
      expect((e as ExpressionError).kind).toBe(kind);
    }
  };

  it("hostile expressions: no prototype access, no globals", () => {
    const scope = { nodes: { a: { x: 1 } } };
    for (const src of ["nodes.a.constructor", 'nodes.a["__proto__"]', "nodes.constructor", "nodes.a.toString", "nodes.a.x.constructor"]) {
      expect(() => parseExpression(src).evaluate(scope), src).toThrow(ExpressionError);
    }
    refused("globalThis.fetch", "refused");
    refused("process", "refused");
    refused('"a".matches("(a+)+$")', "refused");
  });

  it("hostile expressions: size, depth and nesting are bounded", () => {
    refused(`1${" + 1".repeat(EXPRESSION_LIMITS.maxLength)}`, "too_large");
    refused(`1${"+1".repeat(300)}`, "syntax"); // past maxAstNodes
    refused(`${"(".repeat(100)}1${")".repeat(100)}`, "syntax"); // past maxDepth
    refused("[1].map(a, [1].map(b, [1].map(c, a + b + c)))", "refused");
    expect(parseExpression("[1, 2].map(a, [3].map(b, a * b))").evaluate({})).toEqual([[3], [6]]);
    // Nested over the outer item: linear in the data. Over a second input: N × M, refused.
    const leads = { trigger: { data: { leads: [{ tags: ["b2b", "eu"] }, { tags: ["b2c"] }] } } };
    expect(parseExpression('trigger.data.leads.filter(l, l.tags.exists(t, t == "eu")).size()').evaluate(leads)).toBe(1);
    refused("input.a.map(x, input.b.map(y, x + y))", "refused");
    refused('nodes.a.list.map(x, nodes.a.blob).join("")', "refused");
    // Concatenations are cheap until flattened: the result is measured before it is used.
    const amplifier = { nodes: { a: { list: Array.from({ length: 2_000 }, () => 0), blob: "x".repeat(100_000) } } };
    expect(() => parseExpression("nodes.a.list.map(x, nodes.a.blob + nodes.a.blob)").evaluate(amplifier)).toThrow(/Result larger/);
    const big = { nodes: { a: { blob: "x".repeat(EXPRESSION_LIMITS.maxScopeBytes) } } };
    expect(() => parseExpression("size(nodes.a.blob) > 0").evaluate(big)).toThrow(/Scope larger/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => parseExpression("true").evaluate({ input: cyclic })).toThrow(ExpressionError);
    expect(() => parseExpression("1 / 0").evaluate({})).toThrow(/division by zero/);
  });
});
