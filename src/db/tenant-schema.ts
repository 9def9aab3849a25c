// Every table of a workspace's own database, for drizzle-kit. Keep in step with migrations/tenant.
export * from "../modules/members/tables";
export * from "../modules/module-settings/tables";
export * from "../modules/permissions/tables";
export * from "../modules/teams/tables";
