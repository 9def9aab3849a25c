// Tenant database tables of the meetings module.
export {};
