import { createRouter } from "../../platform/hono";
import { ownedItemProviders } from "../members/service";
import { registerCreateGoal } from "./routes/create-goal";
import { registerDeleteGoal } from "./routes/delete-goal";
import { registerListGoals } from "./routes/list-goals";
import { registerUpdateGoal } from "./routes/update-goal";
import { registerUpdateGoalProgress } from "./routes/update-goal-progress";
import { goalsOwnedBy, reassignGoals } from "./service";

/** Goals & OKRs (5 endpoints). Also tells member offboarding about the goals a member owns. */
export const goalsRouter = createRouter();
registerListGoals(goalsRouter);
registerCreateGoal(goalsRouter);
// Static /progress before any parameterised path.
registerUpdateGoalProgress(goalsRouter);
registerUpdateGoal(goalsRouter);
registerDeleteGoal(goalsRouter);

ownedItemProviders.push({ type: "goals", list: goalsOwnedBy, reassign: reassignGoals });
