import { createRouter } from "../../platform/hono";
import { registerAgentStats } from "./routes/agent-stats";
import { registerCreateAgent } from "./routes/create-agent";
import { registerDeleteAgent } from "./routes/delete-agent";
import { registerGetAgent } from "./routes/get-agent";
import { registerGetBuiltinAvatar } from "./routes/get-builtin-avatar";
import { registerListAgentRuns } from "./routes/list-agent-runs";
import { registerListAgentTools } from "./routes/list-agent-tools";
import { registerListAgents } from "./routes/list-agents";
import { registerRateAgentRun } from "./routes/rate-agent-run";
import { registerRunAgent } from "./routes/run-agent";
import { registerStopAgent } from "./routes/stop-agent";
import { registerUpdateAgent } from "./routes/update-agent";

/** AI employees (12 endpoints): the roster, custom employees, runs of the tool loop, stats. */
export const agentsRouter = createRouter();
registerListAgents(agentsRouter);
// Static before parameterised: /agents/tools must win over /agents/{agent_id}.
registerListAgentTools(agentsRouter);
registerCreateAgent(agentsRouter);
registerGetAgent(agentsRouter);
registerUpdateAgent(agentsRouter);
registerDeleteAgent(agentsRouter);
registerRunAgent(agentsRouter);
registerStopAgent(agentsRouter);
registerListAgentRuns(agentsRouter);
registerRateAgentRun(agentsRouter);
registerAgentStats(agentsRouter);
registerGetBuiltinAvatar(agentsRouter);
