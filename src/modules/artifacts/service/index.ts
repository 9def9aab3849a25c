export {
  createArtifact,
  createVersion,
  diffVersions,
  getArtifact,
  getHistory,
  listArtifacts,
  publishArtifact,
  rollbackArtifact,
} from "./artifacts";
export {
  approveProposal,
  createIntent,
  createProposal,
  decideProposal,
  executeProposal,
  getProposal,
  listProposals,
  type ProposalDecision,
  rejectProposal,
  rollbackExecution,
} from "./proposals";
