export { analyzeRecord, draftMessage, generateInsights, suggestFollowUps } from "./ai";
export { getTrackingDashboard } from "./dashboard";
export { dismissInsight, listInsights, markInsightActioned } from "./insights";
export { deleteInteraction, listInteractions, logInteraction, updateInteraction } from "./interactions";
export { completeRecordTask, createRecordTask, deleteRecordTask, listRecordTasks, updateRecordTask } from "./tasks";
