// Tenant database tables of the module settings module.
export {};
