// Tenant database tables of the teams module.
export {};
