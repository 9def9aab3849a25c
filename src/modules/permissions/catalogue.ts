import type { Role } from "../../platform/identity/tables";

/**
 * Every permission, by resource. Names follow the seed (`can_create_team`, `can_edit_own_goal`,
 * …). "own" permissions apply to objects the member owns (or, where a module says so, is
 * assigned to); the plain one applies to every object of the resource.
 */
export const PERMISSION_CATALOGUE = {
  member: {
    can_view_member: "See the workspace's members",
    can_invite_member: "Invite people to the workspace",
    can_edit_member: "Edit other members' profiles and roles",
    can_remove_member: "Remove members from the workspace",
    can_delete_user: "Permanently delete users who belong only to this workspace",
  },
  team: {
    can_view_team: "See teams",
    can_create_team: "Create teams",
    can_edit_team: "Edit any team",
    can_edit_own_team: "Edit teams you lead",
    can_delete_team: "Delete teams",
    can_manage_team_members: "Add and remove team members",
  },
  goal: {
    can_view_goal: "See goals and key results",
    can_create_goal: "Create goals",
    can_edit_goal: "Edit any goal",
    can_edit_own_goal: "Edit goals you own",
    can_delete_goal: "Delete any goal",
    can_delete_own_goal: "Delete goals you own",
  },
  action: {
    can_view_action: "See tasks",
    can_create_action: "Create tasks",
    can_edit_action: "Edit any task",
    can_edit_own_action: "Edit tasks you own or are assigned",
    can_delete_action: "Delete any task",
    can_delete_own_action: "Delete tasks you own",
  },
  channel: {
    can_view_channel: "See public channels",
    can_create_channel: "Create channels",
    can_post_message: "Post in channels",
    can_manage_channel: "Edit, archive, squash and restore in any channel",
  },
  record: {
    can_view_record: "See records",
    can_create_record: "Create records",
    can_edit_record: "Edit any record",
    can_edit_own_record: "Edit records you created",
    can_delete_record: "Delete any record",
    can_delete_own_record: "Delete records you created",
    can_create_recordset: "Create recordsets",
    can_manage_recordset: "Edit recordsets, their fields, views and grants",
  },
  document: {
    can_view_document: "See documents",
    can_create_document: "Create documents",
    can_edit_document: "Edit any document",
    can_edit_own_document: "Edit documents you own",
    can_delete_document: "Delete any document",
    can_delete_own_document: "Delete documents you own",
  },
  artifact: {
    can_view_artifact: "See artifacts, their versions and diffs, proposals and executions",
    can_edit_artifact:
      "Create artifacts, add versions, roll back to an old version as a new one, propose changes and execute approved ones",
    can_publish_artifact: "Publish artifact versions directly (without a proposal) and roll back executed proposals",
    can_approve_artifact_proposal: "Approve or reject artifact change proposals",
  },
  integration: {
    can_view_integration: "See connected integrations, their sync runs and synced data",
    can_manage_integration: "Connect, configure, sync and disconnect integrations",
  },
  workflow: {
    can_view_workflow: "See workflows, their versions, and the runs you started or own",
    can_create_workflow: "Create workflows",
    can_edit_own_workflow: "Edit and delete workflows you created",
    can_manage_workflow: "Edit and delete any workflow, and see and control every run",
    can_run_workflow: "Run workflows and stop or re-run your runs",
  },
  ai: {
    can_use_ai: "Chat with AI employees and use AI features",
    can_manage_agents: "Create and configure AI employees",
  },
  approval: {
    can_view_approvals: "See every approval request of the workspace and its audit trail",
    can_decide_approval: "Approve or reject approval requests that name no members or roles",
  },
  workspace: {
    can_manage_workspace: "Edit workspace settings",
    can_manage_permissions: "Change role permissions",
    can_manage_modules: "Enable, disable and configure modules",
    can_manage_api_keys: "Create, rotate and revoke API keys",
    can_manage_webhooks: "Create, change and test outgoing webhooks and read their delivery logs",
    can_view_billing: "See billing and usage",
    can_manage_billing: "Change plan and payment",
  },
} as const satisfies Record<string, Record<string, string>>;

type Catalogue = typeof PERMISSION_CATALOGUE;
export type Resource = keyof Catalogue;
export type Permission = { [R in Resource]: keyof Catalogue[R] }[Resource];

export const ALL_PERMISSIONS = Object.values(PERMISSION_CATALOGUE).flatMap((g) => Object.keys(g)) as Permission[];
export const isPermission = (p: string): p is Permission => (ALL_PERMISSIONS as string[]).includes(p);

export function describePermission(p: Permission): { name: Permission; resource: Resource; description: string } {
  for (const [resource, group] of Object.entries(PERMISSION_CATALOGUE)) {
    if (p in group) return { name: p, resource: resource as Resource, description: (group as Record<string, string>)[p] as string };
  }
  throw new Error(`unknown permission ${p}`);
}

// Approvals show what others asked for (tool arguments, proposals): admins and owners see them
// all by default; everyone else sees only those they requested or may decide.
const VIEW: Permission[] = ALL_PERMISSIONS.filter((p) => p.startsWith("can_view_") && p !== "can_view_approvals");
const MEMBER: Permission[] = [
  ...VIEW.filter((p) => p !== "can_view_billing"),
  "can_create_goal",
  "can_edit_own_goal",
  "can_delete_own_goal",
  "can_create_action",
  "can_edit_own_action",
  "can_delete_own_action",
  "can_create_channel",
  "can_post_message",
  "can_create_record",
  "can_edit_own_record",
  "can_delete_own_record",
  "can_create_document",
  "can_edit_own_document",
  "can_delete_own_document",
  "can_edit_own_team",
  "can_use_ai",
  "can_create_workflow",
  "can_edit_own_workflow",
  "can_run_workflow",
  "can_edit_artifact",
];
const ADMIN_EXCLUDED: Permission[] = ["can_manage_billing", "can_delete_user"];

/** What each role may do before any workspace override. Owners may do everything, always. */
export const DEFAULT_ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  owner: ALL_PERMISSIONS,
  admin: ALL_PERMISSIONS.filter((p) => !ADMIN_EXCLUDED.includes(p)),
  member: MEMBER,
  viewer: VIEW.filter((p) => p !== "can_view_billing"),
};
