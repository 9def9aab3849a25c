// Tenant database tables of the goals module.
export {};
