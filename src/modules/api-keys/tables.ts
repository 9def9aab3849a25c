// Control database tables of the API keys module.
export {};
