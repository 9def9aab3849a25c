import { z } from "zod";
import type { ServiceContext } from "../../platform/context";
import { ServiceError } from "../../platform/errors";
import { defineTool, invokerContext, registerTool } from "../agents/tools/registry";
import { currentMember } from "../members/service";
import { completeTask, createTask, getTask, listTasks, updateTask } from "./service";

// Tools AI employees use on tasks. Writes run as the employee (it is the creator, and the owner
// unless told otherwise); reads and the visibility check before a write run as the person who
// invoked the employee, so a run never sees or touches a task that person cannot.

type Task = Awaited<ReturnType<typeof getTask>>;
const brief = (t: Task) => ({
  id: t.id,
  title: t.title,
  status: t.status,
  priority: t.priority,
  due_date: t.due_date,
  owner_id: t.owner_id,
  assignee_ids: t.assignee_ids,
  channel_slug: t.channel_slug,
  completed_at: t.completed_at,
});

/** The task, if the invoking person can see it; the error names the id (the model may have asked for several). */
async function visibleToInvoker(ctx: ServiceContext, taskId: string) {
  try {
    return await getTask(invokerContext(ctx), taskId);
  } catch (e) {
    if (e instanceof ServiceError && e.code === "not_found") throw new ServiceError("not_found", `Task ${taskId} not found`);
    throw e;
  }
}

const status = z.enum(["todo", "in_progress", "blocked", "completed", "cancelled"]);
const priority = z.enum(["low", "medium", "high", "urgent"]);
const dueDate = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })])
  .nullable()
  .describe("YYYY-MM-DD or an ISO 8601 date-time");
const uuid = z.uuid();

registerTool(
  defineTool({
    name: "create_task",
    capability: "task_management",
    description:
      "Create a task in the workspace. You become its owner; it is assigned to the person you are working for unless " +
      "assignee_ids says otherwise (member ids from search_members). channel_id puts it in a channel.",
    schema: z.object({
      title: z.string().trim().min(1).max(500),
      description: z.string().trim().max(10_000).optional(),
      priority: priority.optional(),
      status: status.optional(),
      due_date: dueDate.optional(),
      assignee_ids: z.array(uuid).max(50).optional(),
      channel_id: uuid.optional(),
    }),
    run: async (ctx, args) => {
      const assignees = args.assignee_ids ?? [(await currentMember(invokerContext(ctx))).id];
      return brief(await createTask({ ctx, input: { ...args, assignee_ids: assignees } }));
    },
  }),
);

registerTool(
  defineTool({
    name: "update_task",
    capability: "task_management",
    description: "Change a task's title, description, status, priority, due date or assignees (the full new list).",
    schema: z.object({
      task_id: uuid,
      title: z.string().trim().min(1).max(500).optional(),
      description: z.string().trim().max(10_000).nullable().optional(),
      status: status.optional(),
      priority: priority.optional(),
      due_date: dueDate.optional(),
      assignee_ids: z.array(uuid).max(50).optional(),
    }),
    run: async (ctx, { task_id, ...input }) => {
      await visibleToInvoker(ctx, task_id);
      return brief(await updateTask({ ctx, taskId: task_id, input }));
    },
  }),
);

registerTool(
  defineTool({
    name: "complete_task",
    capability: "task_management",
    description: "Mark a task completed, with an optional comment on what was done.",
    schema: z.object({ task_id: uuid, comment: z.string().trim().max(5000).optional() }),
    run: async (ctx, { task_id, comment }) => {
      await visibleToInvoker(ctx, task_id);
      await completeTask({ ctx, taskId: task_id, comment, files: [] });
      return brief(await getTask(ctx, task_id));
    },
  }),
);

registerTool(
  defineTool({
    name: "list_tasks",
    capability: "task_management",
    description: 'List tasks visible to the person you work for, newest first. assignee/owner may be "me" (that person) or a member id.',
    schema: z.object({
      search: z.string().trim().max(200).optional(),
      status: z.array(status).optional(),
      assignee: z.union([uuid, z.literal("me")]).optional(),
      owner: z.union([uuid, z.literal("me")]).optional(),
      include_completed: z.boolean().optional(),
      limit: z.number().int().min(1).max(50).default(20),
    }),
    run: async (ctx, { limit, include_completed, ...q }) => {
      const page = await listTasks(invokerContext(ctx), { ...q, include_completed, page: 1, page_size: limit });
      return { total: page.total, items: page.items.map(brief) };
    },
  }),
);
