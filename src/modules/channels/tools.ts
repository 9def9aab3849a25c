import { z } from "zod";
import { defineTool, invokerContext, registerTool } from "../agents/tools/registry";
import { getChannelForActor } from "./internal";
import { listChannels } from "./service/management";
import { postMessage } from "./service/messages";

// Tools AI employees use in channels. A message is posted by the employee (its own member, which
// must be able to post there, as any member); the channel must also be visible to the person who
// invoked the employee, so a run never reaches a channel that person cannot see.

registerTool(
  defineTool({
    name: "post_message",
    capability: "messaging",
    description: "Post a message in a channel (by its slug, see list_channels). Mentions are member ids to notify.",
    schema: z.object({
      channel: z.string().trim().min(1).max(200).describe("The channel's slug"),
      content: z.string().trim().min(1).max(10_000),
      mentions: z.array(z.uuid()).max(50).optional(),
    }),
    run: async (ctx, { channel, content, mentions }) => {
      await getChannelForActor(invokerContext(ctx), channel);
      const m = await postMessage(ctx, channel, { content, ...(mentions ? { mentions } : {}) });
      return { id: m.id, channel, seq: m.seq, created_at: m.created_at };
    },
  }),
);

registerTool(
  defineTool({
    name: "list_channels",
    capability: "messaging",
    description: "List the channels the person you work for can see (active ones unless status says otherwise).",
    schema: z.object({
      search: z.string().trim().max(200).optional(),
      status: z.enum(["active", "archived", "completed", "all"]).default("active"),
      limit: z.number().int().min(1).max(50).default(25),
    }),
    run: async (ctx, { search, status, limit }) => {
      const page = await listChannels(invokerContext(ctx), {
        search,
        status,
        is_archived: undefined,
        is_completed: undefined,
        starred: undefined,
        is_member: undefined,
        page: 1,
        page_size: limit,
        limit,
      });
      return {
        total: page.total,
        items: page.items.map((c) => ({ id: c.id, slug: c.slug, name: c.name, description: c.description, is_private: c.is_private })),
      };
    },
  }),
);
