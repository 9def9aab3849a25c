import { createRouter } from "../../platform/hono";
import { registerHealth } from "./routes/health";

export const systemRouter = createRouter();
registerHealth(systemRouter);
