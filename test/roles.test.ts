// The role matrix: for each route of the access model, which roles succeed. Everyone else is
// refused (403) without effect. One workspace with an owner, an admin, a member and a viewer.
import { beforeAll, describe, expect, it } from "vitest";
import { call, join, type SignedUp, signup, uniqueEmail } from "./harness";

type RoleName = "owner" | "admin" | "member" | "viewer";
const ROLES: RoleName[] = ["owner", "admin", "member", "viewer"];

interface Case {
  name: string;
  allowed: RoleName[];
  /** Builds the request for one role (fresh objects where the call changes or removes them). */
  request: (ctx: Setup, role: RoleName) => Promise<{ method: string; path: string; body?: unknown }>;
}

interface Setup {
  owner: SignedUp;
  tokens: Record<RoleName, string>;
  ws: string;
}

const fixed =
  (method: string, path: string, body?: unknown): Case["request"] =>
  async (s) => ({ method, path: path.replace("{ws}", s.ws), ...(body === undefined ? {} : { body }) });

const freshTeam: Case["request"] = async (s) => {
  const t = await call("POST", "/api/v1/teams", { token: s.owner.token, workspace: s.ws, body: { name: `Team ${crypto.randomUUID()}` } });
  return { method: "DELETE", path: `/api/v1/teams/${t.body.id}` };
};

const CASES: Case[] = [
  { name: "list members", allowed: ROLES, request: fixed("GET", "/api/v1/members") },
  { name: "minimal member list", allowed: ROLES, request: fixed("GET", "/api/v1/members/all") },
  {
    name: "invite through /members",
    allowed: ["owner", "admin"],
    request: async () => ({ method: "POST", path: "/api/v1/members", body: { email: uniqueEmail("m") } }),
  },
  { name: "workspace member statuses", allowed: ROLES, request: fixed("GET", "/api/v1/workspaces/{ws}/members") },
  {
    name: "update workspace",
    allowed: ["owner", "admin"],
    request: fixed("PUT", "/api/v1/workspaces/{ws}", { settings: { touched: true } }),
  },
  {
    name: "invite link",
    allowed: ["owner", "admin"],
    request: async (s) => ({ method: "POST", path: `/api/v1/workspaces/${s.ws}/invite-link`, body: { email: uniqueEmail("l") } }),
  },
  { name: "list teams", allowed: ROLES, request: fixed("GET", "/api/v1/teams") },
  {
    name: "create team",
    allowed: ["owner", "admin"],
    request: async () => ({ method: "POST", path: "/api/v1/teams", body: { name: `T ${crypto.randomUUID()}` } }),
  },
  { name: "delete team", allowed: ["owner", "admin"], request: freshTeam },
  { name: "my permissions", allowed: ROLES, request: fixed("GET", "/api/v1/permissions/me") },
  { name: "all roles' permissions", allowed: ["owner", "admin"], request: fixed("GET", "/api/v1/permissions/roles") },
  {
    name: "set a viewer permission",
    allowed: ["owner", "admin"],
    request: fixed("PATCH", "/api/v1/permissions/roles/viewer", { permission: "can_view_goal", allowed: true }),
  },
  { name: "reset member permissions", allowed: ["owner", "admin"], request: fixed("POST", "/api/v1/permissions/roles/member/reset") },
  { name: "seed permissions", allowed: ["owner", "admin"], request: fixed("POST", "/api/v1/permissions/seed") },
  { name: "list API keys", allowed: ["owner", "admin"], request: fixed("GET", "/api/v1/api-keys") },
  { name: "create API key", allowed: ["owner", "admin"], request: fixed("POST", "/api/v1/api-keys", { name: "matrix" }) },
  { name: "list module settings", allowed: ROLES, request: fixed("GET", "/api/v1/modules") },
  {
    name: "update module settings",
    allowed: ["owner", "admin"],
    request: fixed("PUT", "/api/v1/modules/channels", { settings: { matrix: true } }),
  },
  { name: "toggle a module", allowed: ["owner", "admin"], request: fixed("POST", "/api/v1/modules/maps/toggle") },
  { name: "workspace health", allowed: ROLES, request: fixed("GET", "/api/v1/workspace-health") },
  { name: "trigger tenant migration", allowed: ["owner", "admin"], request: fixed("POST", "/api/v1/workspace-health/migrate") },
];

describe("role matrix", () => {
  let s: Setup;
  beforeAll(async () => {
    const owner = await signup({ plan: "manager" });
    const [admin, member, viewer] = await Promise.all([join(owner, "admin"), join(owner, "member"), join(owner, "viewer")]);
    s = { owner, ws: owner.workspaceId, tokens: { owner: owner.token, admin: admin.token, member: member.token, viewer: viewer.token } };
  });

  for (const c of CASES) {
    it(`${c.name}: ${c.allowed.join(", ")}`, async () => {
      const outcome: Record<string, number> = {};
      for (const role of ROLES) {
        const req = await c.request(s, role);
        const r = await call(req.method, req.path, { token: s.tokens[role], workspace: s.ws, body: req.body });
        outcome[role] = r.status;
      }
      for (const role of ROLES) {
        if (c.allowed.includes(role)) expect(outcome[role], `${role} ${JSON.stringify(outcome)}`).toBeLessThan(300);
        else expect(outcome[role], `${role} ${JSON.stringify(outcome)}`).toBe(403);
      }
    });
  }
});
