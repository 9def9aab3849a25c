import { createRouter } from "../../platform/hono";
import { registerApproveApproval } from "./routes/approve-approval";
import { registerDecideApprovalLink } from "./routes/decide-approval-link";
import { registerGetApproval } from "./routes/get-approval";
import { registerGetApprovalLink } from "./routes/get-approval-link";
import { registerListApprovals } from "./routes/list-approvals";
import { registerRejectApproval } from "./routes/reject-approval";

/** The approvals inbox: one place to decide what workflows, AI employees' tool calls and proposals wait on. */
export const approvalsRouter = createRouter();
registerListApprovals(approvalsRouter);
registerGetApprovalLink(approvalsRouter);
registerDecideApprovalLink(approvalsRouter);
registerGetApproval(approvalsRouter);
registerApproveApproval(approvalsRouter);
registerRejectApproval(approvalsRouter);
