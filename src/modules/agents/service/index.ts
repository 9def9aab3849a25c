export { createAgent, deleteAgent, getAgent, listAgents, listAgentTools, updateAgent } from "./employees";
export { getAgentStats, listAgentRuns, rateAgentRun, runAgent, stopAgent } from "./runs";
