import type { z } from "zod";
import { type FieldIssue, ServiceError } from "../../platform/errors";
import { getComponent } from "./components";
import { typeFits, typeOfValue, type ValueType, WorkflowDefinition, type WorkflowNode } from "./definition";
import { ExpressionError, MAP_NAMES, type ParsedExpression, parseCondition, parseExpression, parseTemplate } from "./expressions";
import { cronProblem } from "./schedule";

/**
 * Validation on save. Every problem is one FieldIssue whose `loc` points into the request body
 * (`["body","nodes",i,"inputs","x"]`) and whose `msg` names the node; `type` is one of
 * duplicate_node, unknown_component, invalid_config, unknown_input, missing_input, type_mismatch,
 * dangling_reference, unknown_output, dangling_edge, unknown_port, expression_invalid, cycle,
 * duplicate_variable, or zod's own codes for shape errors.
 */

export interface ValidateOptions {
  /** Where the definition sits in the request body (default `["body"]`). */
  at?: (string | number)[];
  /** Whether a module tool exists (the registry lives in the agents module). */
  toolExists?: (name: string) => boolean;
}

export type ValidationResult = { ok: true; definition: WorkflowDefinition } | { ok: false; issues: FieldIssue[] };

export function validateDefinition(input: unknown, opts: ValidateOptions = {}): ValidationResult {
  const at = opts.at ?? ["body"];
  const parsed = WorkflowDefinition.safeParse(input);
  if (!parsed.success) return { ok: false, issues: zodIssues(parsed.error, at) };
  const def = parsed.data;
  const issues: FieldIssue[] = [];
  const add = (loc: (string | number)[], msg: string, type: string) => issues.push({ loc: [...at, ...loc], msg, type });

  def.triggers.forEach((t, i) => {
    if (t.type !== "schedule") return;
    const problem = cronProblem(t.cron, t.timezone ?? "UTC");
    if (problem)
      add(["triggers", i, t.timezone && problem.startsWith("Unknown time zone") ? "timezone" : "cron"], problem, "invalid_schedule");
  });

  const index = new Map<string, number>();
  def.nodes.forEach((n, i) => {
    if (index.has(n.id)) add(["nodes", i, "id"], `Node "${n.id}": duplicate id (also nodes[${index.get(n.id)}])`, "duplicate_node");
    else index.set(n.id, i);
  });
  const nodeById = (id: string) => {
    const i = index.get(id);
    return i === undefined ? undefined : def.nodes[i];
  };
  /** deps[i]: ids node i must wait for. */
  const deps: Set<string>[] = def.nodes.map(() => new Set());

  const varNames = new Set(def.variables.map((v) => v.name));
  const checkRefs = (i: number, node: WorkflowNode, parsed: Pick<ParsedExpression, "nodeRefs" | "varRefs">, loc: (string | number)[]) => {
    for (const v of parsed.varRefs) {
      if (!varNames.has(v)) add(loc, `Node "${node.id}": ${loc.at(-1)} reads vars.${v}, which is not a variable`, "dangling_reference");
    }
    for (const r of parsed.nodeRefs) {
      const src = nodeById(r.node);
      if (!src) {
        add(loc, `Node "${node.id}": ${loc.at(-1)} reads nodes.${r.node}, which does not exist`, "dangling_reference");
        continue;
      }
      deps[i]?.add(r.node);
      const spec = getComponent(src.component);
      if (spec && r.field && !spec.openOutputs && !spec.outputs.some((o) => o.name === r.field)) {
        add(loc, `Node "${node.id}": nodes.${r.node} (${src.component}) has no output "${r.field}"`, "unknown_output");
      }
    }
  };

  def.nodes.forEach((node, i) => {
    const spec = getComponent(node.component);
    if (!spec) {
      add(["nodes", i, "component"], `Node "${node.id}": unknown component "${node.component}"`, "unknown_component");
      return;
    }
    const config = spec.config.safeParse(node.config);
    if (!config.success) {
      for (const z of config.error.issues) {
        add(["nodes", i, "config", ...z.path.map(key)], `Node "${node.id}": config${pathText(z.path)}: ${z.message}`, "invalid_config");
      }
    } else if (node.component === "module_tool" && opts.toolExists) {
      const tool = (config.data as { tool: string }).tool;
      if (!opts.toolExists(tool)) add(["nodes", i, "config", "tool"], `Node "${node.id}": unknown tool "${tool}"`, "invalid_config");
    } else if (node.component === "map") {
      const expression = (config.data as { expression?: string }).expression;
      const loc = ["nodes", i, "config", "expression"];
      try {
        if (expression !== undefined) checkRefs(i, node, parseExpression(expression, { names: MAP_NAMES }), loc);
      } catch (e) {
        expressionIssue(e, loc, node, "config.expression");
      }
    }

    for (const p of spec.inputs) {
      if (p.required && !(p.name in node.inputs)) {
        add(["nodes", i, "inputs", p.name], `Node "${node.id}": input "${p.name}" is required`, "missing_input");
      }
    }
    for (const [name, binding] of Object.entries(node.inputs)) {
      const loc = ["nodes", i, "inputs", name];
      const declared = spec.inputs.find((p) => p.name === name);
      if (!declared && !spec.openInputs) {
        add(loc, `Node "${node.id}": ${node.component} has no input "${name}"`, "unknown_input");
        continue;
      }
      const want: ValueType = declared?.type ?? "any";
      if ("value" in binding) {
        const got = typeOfValue(binding.value);
        if (got !== "null" && !typeFits(got, want)) {
          add(loc, `Node "${node.id}": input "${name}" is ${want}, got a ${got} value`, "type_mismatch");
        }
      } else if ("template" in binding) {
        try {
          const t = parseTemplate(binding.template);
          checkRefs(i, node, t, loc);
          // Text around {{ }} makes a string.
          if (t.parts.length > 1 || typeof t.parts[0] === "string") {
            if (!typeFits("string", want))
              add(loc, `Node "${node.id}": input "${name}" is ${want}, the template makes a string`, "type_mismatch");
          }
        } catch (e) {
          expressionIssue(e, loc, node, `input "${name}"`);
        }
      } else {
        const { node: srcId, output } = binding.from;
        const src = nodeById(srcId);
        if (!src) {
          add(
            [...loc, "from", "node"],
            `Node "${node.id}": input "${name}" comes from "${srcId}", which does not exist`,
            "dangling_reference",
          );
          continue;
        }
        deps[i]?.add(srcId);
        const srcSpec = getComponent(src.component);
        if (!srcSpec) continue;
        const out = srcSpec.outputs.find((o) => o.name === output);
        if (!out) {
          if (!srcSpec.openOutputs) {
            add([...loc, "from", "output"], `Node "${node.id}": "${srcId}" (${src.component}) has no output "${output}"`, "unknown_output");
          }
          continue;
        }
        if (!typeFits(out.type, want)) {
          add([...loc, "from"], `Node "${node.id}": input "${name}" is ${want}, but ${srcId}.${output} is ${out.type}`, "type_mismatch");
        }
      }
    }
    if (node.when !== undefined) {
      try {
        checkRefs(i, node, parseCondition(node.when), ["nodes", i, "when"]);
      } catch (e) {
        expressionIssue(e, ["nodes", i, "when"], node, "when");
      }
    }
  });

  def.edges.forEach((e, j) => {
    const from = nodeById(e.from);
    const to = index.get(e.to);
    if (!from) add(["edges", j, "from"], `Edge ${e.from} → ${e.to}: no node "${e.from}"`, "dangling_edge");
    if (to === undefined) add(["edges", j, "to"], `Edge ${e.from} → ${e.to}: no node "${e.to}"`, "dangling_edge");
    if (from && to !== undefined) deps[to]?.add(e.from);
    const ports = from ? (getComponent(from.component)?.ports ?? []) : [];
    if (from && e.port !== undefined && !ports.includes(e.port)) {
      add(
        ["edges", j, "port"],
        `Edge ${e.from} → ${e.to}: "${e.from}" (${from.component}) has no port "${e.port}"${ports.length ? ` (ports: ${ports.join(", ")})` : ""}`,
        "unknown_port",
      );
    }
  });

  const vars = new Set<string>();
  def.variables.forEach((v, k) => {
    if (vars.has(v.name)) add(["variables", k, "name"], `Variable "${v.name}": duplicate name`, "duplicate_variable");
    vars.add(v.name);
    if (v.default !== undefined && v.default !== null && !typeFits(typeOfValue(v.default) as ValueType, v.type)) {
      add(["variables", k, "default"], `Variable "${v.name}": default is not a ${v.type}`, "type_mismatch");
    }
  });

  const cycle = findCycle(def.nodes, deps);
  if (cycle) {
    const first = cycle[0] as string;
    add(["nodes", index.get(first) ?? 0, "id"], `Node "${first}" is in a cycle: ${cycle.join(" → ")}`, "cycle");
  }

  return issues.length ? { ok: false, issues } : { ok: true, definition: def };

  function expressionIssue(e: unknown, loc: (string | number)[], node: WorkflowNode, what: string) {
    if (!(e instanceof ExpressionError)) throw e;
    add(loc, `Node "${node.id}": ${what}: ${e.message}`, "expression_invalid");
  }
}

/** The validated definition, or a 422 ServiceError listing every issue. */
export function assertValidDefinition(input: unknown, opts: ValidateOptions = {}): WorkflowDefinition {
  const r = validateDefinition(input, opts);
  if (r.ok) return r.definition;
  const first = r.issues[0]?.msg ?? "Invalid workflow definition";
  throw new ServiceError("validation_error", r.issues.length > 1 ? `${first} (and ${r.issues.length - 1} more)` : first, {
    issues: r.issues,
  });
}

/** Node ids in an order where each comes after what it depends on (the definition must be valid). */
export function topologicalOrder(def: WorkflowDefinition): string[] {
  const deps = dependencies(def);
  const order: string[] = [];
  const done = new Set<string>();
  const visit = (id: string) => {
    if (done.has(id)) return;
    done.add(id);
    for (const d of deps.get(id) ?? []) visit(d);
    order.push(id);
  };
  for (const n of def.nodes) visit(n.id);
  return order;
}

/** For each node, the ids it waits for (edges and every reference to another node). */
export function dependencies(def: WorkflowDefinition): Map<string, Set<string>> {
  const deps = new Map(def.nodes.map((n) => [n.id, new Set<string>()]));
  for (const e of def.edges) deps.get(e.to)?.add(e.from);
  for (const n of def.nodes) {
    const set = deps.get(n.id);
    if (!set) continue;
    for (const b of Object.values(n.inputs)) {
      if ("from" in b) set.add(b.from.node);
      else if ("template" in b) for (const r of parseTemplate(b.template).nodeRefs) set.add(r.node);
    }
    if (n.when) for (const r of parseCondition(n.when).nodeRefs) set.add(r.node);
    const expression = n.component === "map" ? n.config.expression : undefined;
    if (typeof expression === "string") for (const r of parseExpression(expression, { names: MAP_NAMES }).nodeRefs) set.add(r.node);
  }
  return deps;
}

/** A cycle as node ids (first repeated at the end), or null. Iterative: 200 nodes deep is fine either way. */
function findCycle(nodes: WorkflowNode[], deps: Set<string>[]): string[] | null {
  const depsOf = new Map<string, Set<string>>();
  nodes.forEach((n, i) => {
    if (!depsOf.has(n.id)) depsOf.set(n.id, deps[i] ?? new Set());
  });
  const state = new Map<string, 1 | 2>(); // 1 on the path, 2 finished
  for (const start of depsOf.keys()) {
    if (state.has(start)) continue;
    const path: string[] = [];
    const stack: { id: string; it: Iterator<string> }[] = [];
    const push = (id: string) => {
      state.set(id, 1);
      path.push(id);
      stack.push({ id, it: (depsOf.get(id) ?? new Set<string>()).values() });
    };
    push(start);
    while (stack.length) {
      const top = stack[stack.length - 1] as { id: string; it: Iterator<string> };
      const next = top.it.next();
      if (next.done) {
        state.set(top.id, 2);
        stack.pop();
        path.pop();
        continue;
      }
      const d = next.value;
      if (!depsOf.has(d)) continue;
      const s = state.get(d);
      if (s === 1) {
        // path runs from dependants to dependencies; show it in run order.
        const cyc = path.slice(path.indexOf(d)).reverse();
        return [...cyc, cyc[0] as string];
      }
      if (s === undefined) push(d);
    }
  }
  return null;
}

function zodIssues(error: z.ZodError, at: (string | number)[]): FieldIssue[] {
  return error.issues.map((i) => ({ loc: [...at, ...i.path.map(key)], msg: i.message, type: i.code }));
}

const key = (p: PropertyKey) => (typeof p === "number" ? p : String(p));
const pathText = (path: PropertyKey[]) => (path.length ? `.${path.map(String).join(".")}` : "");
