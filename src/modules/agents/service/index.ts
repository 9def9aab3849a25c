export { builtinAvatar } from "./avatars";
export { createAgent, deleteAgent, getAgent, listAgents, listAgentTools, updateAgent } from "./employees";
export { failStaleAgentRuns, getAgentStats, listAgentRuns, rateAgentRun, runAgent, stopAgent } from "./runs";
