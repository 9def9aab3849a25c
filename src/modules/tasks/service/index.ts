export { completeTask, reopenTask, type TaskUpload, toggleTask, verifyTask } from "./lifecycle";
export { createChannelTask, createTask, deleteChannelTask, deleteTask, updateChannelTask, updateTask } from "./mutations";
export { reassignTasks, tasksAssignedTo } from "./offboarding";
export { getTask, listChannelTasks, listTaskFiles, listTaskHistory, listTasks } from "./queries";
