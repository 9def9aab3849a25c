export { executor } from "./executor";
export { cancelRun, getRun, listRuns, listWorkflowRuns, rerunRun, runUsage, runWorkflow, streamRun } from "./runs";
export { reconcileRuns, resumeRun, runDueSchedules, sweepWorkflows, triggerByEvent, triggerByWebhook } from "./triggers";
export {
  components,
  createWorkflow,
  deleteWorkflow,
  getVersion,
  getWorkflow,
  listVersions,
  listWorkflows,
  rotateWebhookSecret,
  updateWorkflow,
  validateWorkflow,
} from "./workflows";
