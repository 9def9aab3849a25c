// Every table of a workspace's own database, for drizzle-kit. Keep in step with migrations/tenant.
export * from "../modules/activity/tables";
export * from "../modules/channels/tables";
export * from "../modules/goals/tables";
export * from "../modules/meetings/tables";
export * from "../modules/members/tables";
export * from "../modules/module-settings/tables";
export * from "../modules/notifications/tables";
export * from "../modules/permissions/tables";
export * from "../modules/tasks/tables";
export * from "../modules/teams/tables";
