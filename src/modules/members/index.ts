import { createRouter } from "../../platform/hono";
import { registerGetMyMember } from "./routes/get-my-member";

/** Members (the rest of the group lands with the access-model issue). */
export const membersRouter = createRouter();
registerGetMyMember(membersRouter);
