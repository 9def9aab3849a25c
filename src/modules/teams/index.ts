import { createRouter } from "../../platform/hono";

/** teams: one register…() call per endpoint. */
export const teamsRouter = createRouter();
