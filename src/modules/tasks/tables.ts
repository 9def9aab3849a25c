// Tenant database tables of the tasks module.
export {};
