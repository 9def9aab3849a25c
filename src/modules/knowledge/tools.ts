import { eq } from "drizzle-orm";
import { z } from "zod";
import type { ServiceContext } from "../../platform/context";
import { agents } from "../agents/tables";
import { defineTool, invokerContext, registerTool } from "../agents/tools/registry";
import { currentMember } from "../members/service";
import { citationOf, MAX_TOP_K, searchKnowledge } from "./service/search";

/** The employee running a tool: its own member (the tool context's actor) names its agents row. */
async function employeeAgentId(ctx: ServiceContext): Promise<string | null> {
  const me = await currentMember(ctx);
  const [a] = await ctx.db.select({ id: agents.id }).from(agents).where(eq(agents.memberId, me.id)).limit(1);
  return a?.id ?? null;
}

// Document retrieval for AI employees: what the invoking person can open (visibility as them, as
// every employee tool reads), narrowed to the documents this employee may read (agent_ids).
registerTool(
  defineTool({
    name: "search_documents",
    capability: "workspace_search",
    description:
      "Search the workspace's documents (hybrid full-text and semantic retrieval) for passages that answer a question. " +
      "Returns passages with citations (document, version, chunk, section, page, score); cite them in your answer.",
    schema: z.object({
      query: z.string().trim().min(1).max(1_000).describe("A question or keywords"),
      top_k: z.number().int().min(1).max(MAX_TOP_K).default(5),
      document_ids: z.array(z.uuid()).max(100).optional().describe("Only these documents"),
      tags: z.array(z.string().trim().min(1).max(200)).max(20).optional().describe("Only documents with any of these tags"),
    }),
    run: async (ctx, args) => {
      const agentId = await employeeAgentId(ctx);
      // No agents row for this member: not an employee run, so nothing may be narrowed to it; refuse rather than widen.
      if (!agentId) return { query: args.query, results: [], citations: [] };
      const r = await searchKnowledge(invokerContext(ctx), {
        query: args.query,
        top_k: args.top_k,
        document_ids: args.document_ids,
        tags: args.tags,
        agent_id: agentId,
      });
      return {
        query: r.query,
        results: r.results.map((h) => ({ ...citationOf(h), content: h.content })),
        citations: r.results.map(citationOf),
      };
    },
  }),
);
