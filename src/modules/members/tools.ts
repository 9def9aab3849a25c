import { z } from "zod";
import { defineTool, invokerContext, registerTool } from "../agents/tools/registry";
import { listMembers } from "./service";

// Searching the workspace's people, as the person who invoked the employee (their can_view_member).
registerTool(
  defineTool({
    name: "search_members",
    capability: "workspace_search",
    description: "Find workspace members by name or email; returns their member ids (for assignees and mentions).",
    schema: z.object({
      query: z.string().trim().max(200).optional().describe("Part of a name or email; omit to list members"),
      limit: z.number().int().min(1).max(50).default(20),
    }),
    run: async (ctx, { query, limit }) => {
      const page = await listMembers(invokerContext(ctx), { search: query, is_active: true, skip: 0, limit });
      return {
        total: page.total,
        items: page.items.map((m) => ({ id: m.id, name: m.display_name ?? m.full_name, email: m.email, title: m.title, role: m.role })),
      };
    },
  }),
);
