/**
 * The platform's modules a workspace can switch on and off and configure. Keys are what
 * clients send as `module`; anything else is rejected (422 in a body, 404 in a path).
 */
export const MODULE_CATALOGUE = {
  channels: { name: "Channels", description: "Team channels, threads and messages" },
  tasks: { name: "Tasks", description: "Tasks and actions" },
  goals: { name: "Goals", description: "Goals and key results" },
  records: { name: "Records", description: "Recordsets, records and views" },
  crm: { name: "CRM", description: "Contacts, companies and deals" },
  documents: { name: "Documents", description: "Documents and the knowledge base" },
  chat: { name: "Chat", description: "Direct and group chats" },
  ai: { name: "AI", description: "AI features across the workspace" },
  agents: { name: "AI employees", description: "AI employees (agents) and their configuration" },
  workflows: { name: "Workflows", description: "Automations and scheduled workflows" },
  maps: { name: "Maps", description: "Map views of geographic records" },
  analytics: { name: "Analytics", description: "Reports and dashboards" },
  billing: { name: "Billing", description: "Plans, subscriptions and credits" },
  brand: { name: "Brand", description: "Brand profile, voice and assets" },
  learning: { name: "Learning", description: "Courses, modules and lessons" },
  integrations: { name: "Integrations", description: "Connected third-party services" },
} as const satisfies Record<string, { name: string; description: string }>;

export type ModuleKey = keyof typeof MODULE_CATALOGUE;
export const MODULE_KEYS = Object.keys(MODULE_CATALOGUE) as ModuleKey[];
export const isModuleKey = (m: string): m is ModuleKey => Object.hasOwn(MODULE_CATALOGUE, m);
