import { createRouter } from "../../platform/hono";
import { registerApproveProposal } from "./routes/approve-proposal";
import { registerCreateArtifact } from "./routes/create-artifact";
import { registerCreateArtifactVersion } from "./routes/create-artifact-version";
import { registerCreateIntent } from "./routes/create-intent";
import { registerCreateProposal } from "./routes/create-proposal";
import { registerDiffArtifact } from "./routes/diff-artifact";
import { registerExecuteProposal } from "./routes/execute-proposal";
import { registerGetArtifact } from "./routes/get-artifact";
import { registerGetArtifactHistory } from "./routes/get-artifact-history";
import { registerGetProposal } from "./routes/get-proposal";
import { registerListArtifacts } from "./routes/list-artifacts";
import { registerListProposals } from "./routes/list-proposals";
import { registerPublishArtifact } from "./routes/publish-artifact";
import { registerRejectProposal } from "./routes/reject-proposal";
import { registerRollbackArtifact } from "./routes/rollback-artifact";
import { registerRollbackExecution } from "./routes/rollback-execution";

/**
 * Artifact System (the seed's 16 endpoints): versioned artifacts, and change control around them
 * (intent → plan → proposal → checks → decision → execution → rollback). Static paths first.
 */
export const artifactsRouter = createRouter();
registerListArtifacts(artifactsRouter);
registerCreateArtifact(artifactsRouter);
registerGetArtifact(artifactsRouter);
registerDiffArtifact(artifactsRouter);
registerGetArtifactHistory(artifactsRouter);
registerCreateArtifactVersion(artifactsRouter);
registerPublishArtifact(artifactsRouter);
registerRollbackArtifact(artifactsRouter);
registerCreateIntent(artifactsRouter);
registerListProposals(artifactsRouter);
registerCreateProposal(artifactsRouter);
registerGetProposal(artifactsRouter);
registerApproveProposal(artifactsRouter);
registerRejectProposal(artifactsRouter);
registerExecuteProposal(artifactsRouter);
registerRollbackExecution(artifactsRouter);
