import { createRouter } from "../../platform/hono";
import { ownedItemProviders } from "../members/service";
import { teamOwnedItems } from "./owned-items";
import { registerAddTeamMember } from "./routes/add-team-member";
import { registerCreateTeam } from "./routes/create-team";
import { registerDeleteTeam } from "./routes/delete-team";
import { registerGetTeam } from "./routes/get-team";
import { registerListTeamMembers } from "./routes/list-team-members";
import { registerListTeams } from "./routes/list-teams";
import { registerRemoveTeamMember } from "./routes/remove-team-member";
import { registerUpdateTeam } from "./routes/update-team";
import { registerUpdateTeamMember } from "./routes/update-team-member";

/** Teams (9 endpoints). Also tells member offboarding about the teams a member leads. */
export const teamsRouter = createRouter();
registerListTeams(teamsRouter);
registerCreateTeam(teamsRouter);
registerGetTeam(teamsRouter);
registerUpdateTeam(teamsRouter);
registerDeleteTeam(teamsRouter);
registerListTeamMembers(teamsRouter);
registerAddTeamMember(teamsRouter);
registerUpdateTeamMember(teamsRouter);
registerRemoveTeamMember(teamsRouter);

ownedItemProviders.push(teamOwnedItems);
