import { eventSubscribers } from "../../platform/events/subscribers";
import { createRouter } from "../../platform/hono";
import "./approvals";
import { registerCancelRun } from "./routes/cancel-run";
import { registerCreateWorkflow } from "./routes/create-workflow";
import { registerDeleteWorkflow } from "./routes/delete-workflow";
import { registerGetRun } from "./routes/get-run";
import { registerGetWorkflow } from "./routes/get-workflow";
import { registerGetWorkflowVersion } from "./routes/get-workflow-version";
import { registerListComponents } from "./routes/list-components";
import { registerListRuns } from "./routes/list-runs";
import { registerListWorkflowRuns } from "./routes/list-workflow-runs";
import { registerListWorkflowVersions } from "./routes/list-workflow-versions";
import { registerListWorkflows } from "./routes/list-workflows";
import { registerRerunRun } from "./routes/rerun-run";
import { registerRotateWorkflowWebhook } from "./routes/rotate-workflow-webhook";
import { registerRunUsage } from "./routes/run-usage";
import { registerRunWorkflow } from "./routes/run-workflow";
import { registerStreamRun } from "./routes/stream-run";
import { registerTriggerWorkflowWebhook } from "./routes/trigger-workflow-webhook";
import { registerUpdateWorkflow } from "./routes/update-workflow";
import { registerValidateWorkflow } from "./routes/validate-workflow";
import { triggerByEvent } from "./service";

/** Workflows: definitions with versions, the component library, runs and their triggers. Static paths first. */
export const workflowsRouter = createRouter();
registerListWorkflows(workflowsRouter);
registerCreateWorkflow(workflowsRouter);
registerValidateWorkflow(workflowsRouter);
registerListComponents(workflowsRouter);
registerGetWorkflow(workflowsRouter);
registerUpdateWorkflow(workflowsRouter);
registerDeleteWorkflow(workflowsRouter);
registerListWorkflowVersions(workflowsRouter);
registerGetWorkflowVersion(workflowsRouter);
registerRotateWorkflowWebhook(workflowsRouter);
registerRunWorkflow(workflowsRouter);
registerListWorkflowRuns(workflowsRouter);
registerListRuns(workflowsRouter);
registerRunUsage(workflowsRouter);
registerGetRun(workflowsRouter);
registerCancelRun(workflowsRouter);
registerRerunRun(workflowsRouter);
registerStreamRun(workflowsRouter);
registerTriggerWorkflowWebhook(workflowsRouter);

// Domain events (a record created, a task completed, …) start workflows with a matching event trigger.
eventSubscribers.push(async (ctx, events, mayReach) => {
  for (const e of events) await triggerByEvent(ctx, e, mayReach);
});
