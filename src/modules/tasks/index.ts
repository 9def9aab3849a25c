import { createRouter } from "../../platform/hono";
import { ownedItemProviders } from "../members/service";
import { registerCreateChannelTask } from "./routes/channel-create-task";
import { registerDeleteChannelTask } from "./routes/channel-delete-task";
import { registerListChannelTasks } from "./routes/channel-list-tasks";
import { registerUpdateChannelTask } from "./routes/channel-update-task";
import { registerCompleteTask } from "./routes/complete-task";
import { registerCreateTask } from "./routes/create-task";
import { registerDeleteTask } from "./routes/delete-task";
import { registerGetTask } from "./routes/get-task";
import { registerListTaskFiles } from "./routes/list-task-files";
import { registerListTaskHistory } from "./routes/list-task-history";
import { registerListTasks } from "./routes/list-tasks";
import { registerReopenTask } from "./routes/reopen-task";
import { registerToggleTask } from "./routes/toggle-task";
import { registerUpdateTask } from "./routes/update-task";
import { registerVerifyTask } from "./routes/verify-task";
import { reassignTasks, tasksAssignedTo } from "./service";

/**
 * Tasks (11 endpoints) and the 4 channel-task endpoints of the Channels group. Also tells member
 * offboarding about the open tasks a member owns or is assigned to.
 */
export const tasksRouter = createRouter();
registerListTasks(tasksRouter);
registerCreateTask(tasksRouter);
registerGetTask(tasksRouter);
registerUpdateTask(tasksRouter);
registerDeleteTask(tasksRouter);
registerListTaskFiles(tasksRouter);
registerListTaskHistory(tasksRouter);
registerCompleteTask(tasksRouter);
registerReopenTask(tasksRouter);
registerToggleTask(tasksRouter);
registerVerifyTask(tasksRouter);

registerListChannelTasks(tasksRouter);
registerCreateChannelTask(tasksRouter);
registerUpdateChannelTask(tasksRouter);
registerDeleteChannelTask(tasksRouter);

ownedItemProviders.push({ type: "tasks", list: tasksAssignedTo, reassign: reassignTasks });
