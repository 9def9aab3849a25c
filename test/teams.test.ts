import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { upsertMember } from "../src/modules/members/service";
import { members } from "../src/modules/members/tables";
import { rolePermissions } from "../src/modules/permissions/tables";
import { myTeamIds } from "../src/modules/teams/service";
import { teamMembers, teams } from "../src/modules/teams/tables";
import { createContext } from "../src/platform/context";
import type { Db } from "../src/platform/db";
import { type Role, workspaceMembers } from "../src/platform/identity/tables";
import { call, databaseUrl, env, type SignedUp, signup, withControl, withDb } from "./harness";
import { describeSecurity } from "./security";

const tenantUrl = (workspaceId: string) => databaseUrl(`ws_${workspaceId.replace(/-/g, "")}`);
const withTenant = <T>(workspaceId: string, f: (db: Db) => Promise<T>) => withDb(tenantUrl(workspaceId), f);

/** Adds `person` to `owner`'s workspace with `role` (control membership + tenant member record). */
async function join(owner: SignedUp, person: SignedUp, role: Role, fullName: string): Promise<string> {
  await withControl((db) =>
    db.insert(workspaceMembers).values({ workspaceId: owner.workspaceId, userId: person.userId, role, joinedAt: new Date() }),
  );
  const m = await withTenant(owner.workspaceId, (db) => upsertMember(db, { userId: person.userId, email: person.email, fullName, role }));
  if (!m) throw new Error("member not created");
  return m.id;
}

const myMemberId = (p: SignedUp, workspaceId: string) =>
  withTenant(workspaceId, async (db) => {
    const [m] = await db.select({ id: members.id }).from(members).where(eq(members.userId, p.userId));
    return m?.id as string;
  });

let owner: SignedUp;
let admin: SignedUp;
let member: SignedUp;
let viewer: SignedUp;
let outsider: SignedUp;
const ids = { owner: "", admin: "", member: "", viewer: "" };
let ws: string;

beforeAll(async () => {
  [owner, admin, member, viewer, outsider] = await Promise.all([signup(), signup(), signup(), signup(), signup()]);
  ws = owner.workspaceId;
  ids.owner = await myMemberId(owner, ws);
  ids.admin = await join(owner, admin, "admin", "Grace Admin");
  ids.member = await join(owner, member, "member", "Mia Member");
  ids.viewer = await join(owner, viewer, "viewer", "Victor Viewer");
});

/** A request in the owner's workspace as `who`. */
const as =
  (who: () => SignedUp) =>
  (method: string, path: string, body?: unknown, workspace = ws) =>
    call(method, path, { token: who().token, workspace, body });
const asOwner = as(() => owner);
const asAdmin = as(() => admin);
const asMember = as(() => member);
const asViewer = as(() => viewer);

let seq = 0;
const uniqueName = (prefix = "Team") => `${prefix} ${Date.now().toString(36)}${(seq++).toString(36)}`;

async function makeTeam(body: Record<string, unknown> = {}) {
  const r = await asOwner("POST", "/api/v1/teams", { name: uniqueName(), ...body });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as { id: string; name: string; parent_team_id: string | null; lead_member_id: string | null; member_count: number };
}

const countTeams = () => withTenant(ws, (db) => db.$count(teams));
const countTeamMembers = () => withTenant(ws, (db) => db.$count(teamMembers));

describe("teams CRUD", () => {
  it("creates, reads, updates, lists and deletes a team", async () => {
    const name = uniqueName("Platform");
    const created = await asOwner("POST", "/api/v1/teams", {
      name: `  ${name}  `,
      description: "Runs the platform",
      color: "#3366ff",
      icon: "rocket",
      lead_member_id: ids.member,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name,
      description: "Runs the platform",
      color: "#3366ff",
      icon: "rocket",
      parent_team_id: null,
      lead_member_id: ids.member,
      is_active: true,
      created_by_member_id: ids.owner,
      member_count: 1,
    });
    const id = created.body.id;

    const got = await asOwner("GET", `/api/v1/teams/${id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(created.body);

    // The lead given at creation is a member with role lead, with their profile joined in.
    const roster = await asOwner("GET", `/api/v1/teams/${id}/members`);
    expect(roster.status).toBe(200);
    expect(roster.body).toEqual([
      expect.objectContaining({
        team_id: id,
        member_id: ids.member,
        role: "lead",
        email: member.email,
        full_name: "Mia Member",
        avatar_url: null,
      }),
    ]);

    const upd = await asOwner("PUT", `/api/v1/teams/${id}`, { description: null, color: "#000000", is_active: false });
    expect(upd.status).toBe(200);
    expect(upd.body).toMatchObject({ name, description: null, color: "#000000", icon: "rocket", is_active: false, member_count: 1 });
    expect(Date.parse(upd.body.updated_at)).toBeGreaterThanOrEqual(Date.parse(created.body.updated_at));

    const list = await asOwner("GET", `/api/v1/teams?search=${encodeURIComponent(name)}`);
    expect(list.status).toBe(200);
    expect(list.body.map((t: { id: string }) => t.id)).toEqual([id]);

    expect((await asOwner("DELETE", `/api/v1/teams/${id}`)).status).toBe(204);
    expect((await asOwner("GET", `/api/v1/teams/${id}`)).status).toBe(404);
    expect((await asOwner("DELETE", `/api/v1/teams/${id}`)).status).toBe(404);
    // Memberships go with the team.
    const left = await withTenant(ws, (db) => db.$count(teamMembers, eq(teamMembers.teamId, id)));
    expect(left).toBe(0);
  });

  it("keeps active names unique per parent (case-insensitive), but not across parents or inactive teams", async () => {
    const a = await makeTeam();
    const name = uniqueName("Dup");
    expect((await asOwner("POST", "/api/v1/teams", { name })).status).toBe(201);
    const dup = await asOwner("POST", "/api/v1/teams", { name: name.toUpperCase() });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe("conflict");
    // Same name under another parent is fine, and an inactive team does not hold its name.
    expect((await asOwner("POST", "/api/v1/teams", { name, parent_team_id: a.id })).status).toBe(201);
    expect((await asOwner("POST", "/api/v1/teams", { name, is_active: false })).status).toBe(201);
    // Renaming onto a taken name is a 409 too, and changes nothing.
    const b = await makeTeam();
    const rename = await asOwner("PUT", `/api/v1/teams/${b.id}`, { name });
    expect(rename.status).toBe(409);
    expect((await asOwner("GET", `/api/v1/teams/${b.id}`)).body.name).toBe(b.name);
  });

  it("answers 404 for unknown and malformed team ids", async () => {
    const unknown = "0190f2a4-0000-7000-8000-000000000000";
    for (const [m, p] of [
      ["GET", `/api/v1/teams/${unknown}`],
      ["GET", "/api/v1/teams/not-a-uuid"],
      ["GET", `/api/v1/teams/${unknown}/members`],
      ["DELETE", "/api/v1/teams/not-a-uuid"],
    ] as const) {
      const r = await asOwner(m, p);
      expect(r.status, `${m} ${p}`).toBe(404);
      expect(r.body.code).toBe("not_found");
    }
    expect((await asOwner("PUT", `/api/v1/teams/${unknown}`, { name: "x" })).status).toBe(404);
    expect((await asOwner("POST", `/api/v1/teams/${unknown}/members`, { member_id: ids.member })).status).toBe(404);
  });
});

describe("nested teams", () => {
  it("nests teams, refuses cycles and unknown parents with 422 naming the field", async () => {
    const a = await makeTeam();
    const b = await makeTeam({ parent_team_id: a.id });
    const c = await makeTeam({ parent_team_id: b.id });
    expect(b.parent_team_id).toBe(a.id);
    expect(c.parent_team_id).toBe(b.id);

    for (const [team, parent, msg] of [
      [a.id, c.id, /sub-teams/],
      [a.id, b.id, /sub-teams/],
      [b.id, b.id, /own parent/],
      [b.id, "0190f2a4-0000-7000-8000-000000000000", /not found/],
    ] as const) {
      const r = await asOwner("PUT", `/api/v1/teams/${team}`, { parent_team_id: parent, name: "Changed too" });
      expect(r.status).toBe(422);
      expect(r.body.code).toBe("validation_error");
      expect(r.body.detail[0].loc).toEqual(["body", "parent_team_id"]);
      expect(r.body.detail[0].msg).toMatch(msg);
      expect(typeof r.body.request_id).toBe("string");
    }
    // Nothing changed by the refused moves (not even the name sent alongside).
    const after = await withTenant(ws, (db) => db.select().from(teams).where(eq(teams.id, a.id)));
    expect(after[0]).toMatchObject({ parentTeamId: null, name: a.name });

    // Legal moves: c to the top, then back under a.
    const top = await asOwner("PUT", `/api/v1/teams/${c.id}`, { parent_team_id: null });
    expect(top.status).toBe(200);
    expect(top.body.parent_team_id).toBeNull();
    const under = await asOwner("PUT", `/api/v1/teams/${c.id}`, { parent_team_id: a.id });
    expect(under.body.parent_team_id).toBe(a.id);
  });

  it("re-parents child teams to the deleted team's parent", async () => {
    const a = await makeTeam();
    const b = await makeTeam({ parent_team_id: a.id });
    const c1 = await makeTeam({ parent_team_id: b.id });
    const c2 = await makeTeam({ parent_team_id: b.id });
    expect((await asOwner("DELETE", `/api/v1/teams/${b.id}`)).status).toBe(204);
    for (const c of [c1, c2]) expect((await asOwner("GET", `/api/v1/teams/${c.id}`)).body.parent_team_id).toBe(a.id);
    // Deleting a top-level team moves its children to the top level.
    expect((await asOwner("DELETE", `/api/v1/teams/${a.id}`)).status).toBe(204);
    expect((await asOwner("GET", `/api/v1/teams/${c1.id}`)).body.parent_team_id).toBeNull();
  });

  it("refuses (409, nothing changed) a delete whose child would clash by name at the parent level", async () => {
    const a = await makeTeam();
    const b = await makeTeam({ parent_team_id: a.id });
    const clash = await makeTeam({ parent_team_id: a.id });
    const child = await makeTeam({ parent_team_id: b.id, name: clash.name });
    const r = await asOwner("DELETE", `/api/v1/teams/${b.id}`);
    expect(r.status).toBe(409);
    expect((await asOwner("GET", `/api/v1/teams/${b.id}`)).status).toBe(200);
    expect((await asOwner("GET", `/api/v1/teams/${child.id}`)).body.parent_team_id).toBe(b.id);
  });
});

describe("listing teams", () => {
  it("filters by search, parent_team_id and is_active, and paginates with skip/limit", async () => {
    const tag = uniqueName("Zeta").replace(/\s/g, "");
    const root = await makeTeam({ name: `${tag} root`, description: "holds the others" });
    const alpha = await makeTeam({ name: `${tag} alpha`, parent_team_id: root.id });
    const beta = await makeTeam({ name: `${tag} beta`, parent_team_id: root.id, is_active: false });
    const gamma = await makeTeam({ name: "Unrelated name", description: `about ${tag} too`, parent_team_id: root.id });

    const names = async (q: string) => {
      const r = await asOwner("GET", `/api/v1/teams?${q}`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body.map((t: { id: string }) => t.id);
    };
    // Search matches names and descriptions, case-insensitively, ordered by name.
    // "Unrelated name" sorts before "zeta…".
    expect(await names(`search=${tag.toUpperCase()}`)).toEqual([gamma.id, alpha.id, beta.id, root.id]);
    expect(await names(`search=${tag}&is_active=false`)).toEqual([beta.id]);
    expect(await names(`search=${tag}&is_active=true`)).toEqual([gamma.id, alpha.id, root.id]);
    expect(await names(`parent_team_id=${root.id}`)).toEqual([gamma.id, alpha.id, beta.id]);
    expect(await names(`parent_team_id=${root.id}&is_active=true&search=alpha`)).toEqual([alpha.id]);
    const topLevel = await names(`parent_team_id=null&search=${tag}`);
    expect(topLevel).toEqual([root.id]);
    expect(await names(`search=${tag}&skip=1&limit=2`)).toEqual([alpha.id, beta.id]);
    // LIKE wildcards in the search are literal.
    expect(await names("search=%25%25%25")).toEqual([]);
    // Each team carries its member count.
    await asOwner("POST", `/api/v1/teams/${alpha.id}/members`, { member_id: ids.member });
    const r = await asOwner("GET", `/api/v1/teams?parent_team_id=${root.id}&search=alpha`);
    expect(r.body[0].member_count).toBe(1);
  });
});

describe("team members", () => {
  it("adds, re-roles and removes members, keeping the primary lead in step", async () => {
    const t = await makeTeam();
    const add = await asOwner("POST", `/api/v1/teams/${t.id}/members`, { member_id: ids.member });
    expect(add.status).toBe(201);
    expect(add.body).toMatchObject({ team_id: t.id, member_id: ids.member, role: "member", email: member.email, full_name: "Mia Member" });

    const dup = await asOwner("POST", `/api/v1/teams/${t.id}/members`, { member_id: ids.member, role: "lead" });
    expect(dup.status).toBe(409);

    // The first lead becomes the primary lead.
    const addLead = await asOwner("POST", `/api/v1/teams/${t.id}/members`, { member_id: ids.admin, role: "lead" });
    expect(addLead.status).toBe(201);
    let team = (await asOwner("GET", `/api/v1/teams/${t.id}`)).body;
    expect(team).toMatchObject({ lead_member_id: ids.admin, member_count: 2 });

    const promote = await asOwner("PUT", `/api/v1/teams/${t.id}/members/${ids.member}`, { role: "lead" });
    expect(promote.status).toBe(200);
    expect(promote.body).toMatchObject({ member_id: ids.member, role: "lead", email: member.email });

    // Leads first, then by name (Grace before Mia).
    const roster = await asOwner("GET", `/api/v1/teams/${t.id}/members`);
    expect(roster.body.map((m: { member_id: string; role: string }) => [m.member_id, m.role])).toEqual([
      [ids.admin, "lead"],
      [ids.member, "lead"],
    ]);

    // Demoting the primary lead hands it to the remaining lead; removing that one clears it.
    await asOwner("PUT", `/api/v1/teams/${t.id}/members/${ids.admin}`, { role: "member" });
    team = (await asOwner("GET", `/api/v1/teams/${t.id}`)).body;
    expect(team.lead_member_id).toBe(ids.member);
    expect((await asOwner("DELETE", `/api/v1/teams/${t.id}/members/${ids.member}`)).status).toBe(204);
    team = (await asOwner("GET", `/api/v1/teams/${t.id}`)).body;
    expect(team).toMatchObject({ lead_member_id: null, member_count: 1 });

    expect((await asOwner("DELETE", `/api/v1/teams/${t.id}/members/${ids.member}`)).status).toBe(404);
    expect((await asOwner("PUT", `/api/v1/teams/${t.id}/members/${ids.member}`, { role: "lead" })).status).toBe(404);
    expect((await asOwner("PUT", `/api/v1/teams/${t.id}/members/not-a-uuid`, { role: "lead" })).status).toBe(404);
  });

  it("sets the primary lead through PUT, adding that member as a lead", async () => {
    const t = await makeTeam();
    const r = await asOwner("PUT", `/api/v1/teams/${t.id}`, { lead_member_id: ids.viewer });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ lead_member_id: ids.viewer, member_count: 1 });
    const roster = (await asOwner("GET", `/api/v1/teams/${t.id}/members`)).body;
    expect(roster).toEqual([expect.objectContaining({ member_id: ids.viewer, role: "lead" })]);
    const bad = await asOwner("PUT", `/api/v1/teams/${t.id}`, { lead_member_id: "0190f2a4-0000-7000-8000-000000000000" });
    expect(bad.status).toBe(422);
    expect(bad.body.detail[0].loc).toEqual(["body", "lead_member_id"]);
    const cleared = await asOwner("PUT", `/api/v1/teams/${t.id}`, { lead_member_id: null });
    expect(cleared.body.lead_member_id).toBeNull();
  });

  it("only adds active members of this workspace (404 otherwise)", async () => {
    const t = await makeTeam();
    const before = await countTeamMembers();
    const unknown = await asOwner("POST", `/api/v1/teams/${t.id}/members`, { member_id: "0190f2a4-0000-7000-8000-000000000000" });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe("not_found");
    // Another workspace's member id means nothing here.
    const foreign = await myMemberId(outsider, outsider.workspaceId);
    expect((await asOwner("POST", `/api/v1/teams/${t.id}/members`, { member_id: foreign })).status).toBe(404);
    // An inactive member of this workspace cannot be added either.
    const inactive = await signup();
    const inactiveId = await join(owner, inactive, "member", "Ina Inactive");
    await withTenant(ws, (db) => db.update(members).set({ isActive: false }).where(eq(members.id, inactiveId)));
    expect((await asOwner("POST", `/api/v1/teams/${t.id}/members`, { member_id: inactiveId })).status).toBe(404);
    expect(await countTeamMembers()).toBe(before);
  });
});

describe("team permissions", () => {
  it("viewers can only read", async () => {
    const t = await makeTeam({ lead_member_id: ids.member });
    const beforeTeams = await countTeams();
    const beforeMembers = await countTeamMembers();
    expect((await asViewer("GET", "/api/v1/teams")).status).toBe(200);
    expect((await asViewer("GET", `/api/v1/teams/${t.id}`)).status).toBe(200);
    expect((await asViewer("GET", `/api/v1/teams/${t.id}/members`)).status).toBe(200);
    for (const [m, p, body] of [
      ["POST", "/api/v1/teams", { name: uniqueName() }],
      ["PUT", `/api/v1/teams/${t.id}`, { name: "Viewer was here" }],
      ["DELETE", `/api/v1/teams/${t.id}`, undefined],
      ["POST", `/api/v1/teams/${t.id}/members`, { member_id: ids.viewer }],
      ["PUT", `/api/v1/teams/${t.id}/members/${ids.member}`, { role: "member" }],
      ["DELETE", `/api/v1/teams/${t.id}/members/${ids.member}`, undefined],
    ] as const) {
      const r = await asViewer(m, p, body);
      expect(r.status, `${m} ${p}`).toBe(403);
      expect(r.body.code).toBe("forbidden");
    }
    // Even as a lead, a viewer (no can_edit_own_team) stays read-only.
    const led = await makeTeam({ lead_member_id: ids.viewer });
    expect((await asViewer("PUT", `/api/v1/teams/${led.id}`, { name: "Viewer lead" })).status).toBe(403);
    expect((await asViewer("POST", `/api/v1/teams/${led.id}/members`, { member_id: ids.member })).status).toBe(403);
    expect(await countTeams()).toBe(beforeTeams + 1);
    expect(await countTeamMembers()).toBe(beforeMembers + 1);
    expect((await asOwner("GET", `/api/v1/teams/${t.id}`)).body.name).toBe(t.name);
  });

  it("members cannot create or delete teams, and edit and manage only the teams they lead", async () => {
    const led = await makeTeam({ lead_member_id: ids.member });
    const other = await makeTeam();
    expect((await asMember("POST", "/api/v1/teams", { name: uniqueName() })).status).toBe(403);

    const edit = await asMember("PUT", `/api/v1/teams/${led.id}`, { description: "Edited by its lead" });
    expect(edit.status).toBe(200);
    expect(edit.body.description).toBe("Edited by its lead");
    expect((await asMember("PUT", `/api/v1/teams/${other.id}`, { description: "nope" })).status).toBe(403);

    const add = await asMember("POST", `/api/v1/teams/${led.id}/members`, { member_id: ids.viewer });
    expect(add.status).toBe(201);
    expect((await asMember("PUT", `/api/v1/teams/${led.id}/members/${ids.viewer}`, { role: "lead" })).status).toBe(200);
    expect((await asMember("DELETE", `/api/v1/teams/${led.id}/members/${ids.viewer}`)).status).toBe(204);
    expect((await asMember("POST", `/api/v1/teams/${other.id}/members`, { member_id: ids.member })).status).toBe(403);

    // Membership alone (not lead) gives no edit rights.
    await asOwner("POST", `/api/v1/teams/${other.id}/members`, { member_id: ids.member });
    expect((await asMember("PUT", `/api/v1/teams/${other.id}`, { description: "nope" })).status).toBe(403);

    expect((await asMember("DELETE", `/api/v1/teams/${led.id}`)).status).toBe(403);
    expect((await asOwner("GET", `/api/v1/teams/${led.id}`)).status).toBe(200);
  });

  it("admins and owners manage every team", async () => {
    const made = await asAdmin("POST", "/api/v1/teams", { name: uniqueName("Admin made") });
    expect(made.status).toBe(201);
    expect(made.body.created_by_member_id).toBe(ids.admin);
    const id = made.body.id;
    expect((await asAdmin("PUT", `/api/v1/teams/${id}`, { icon: "star" })).status).toBe(200);
    expect((await asAdmin("POST", `/api/v1/teams/${id}/members`, { member_id: ids.owner, role: "lead" })).status).toBe(201);
    expect((await asOwner("PUT", `/api/v1/teams/${id}/members/${ids.owner}`, { role: "member" })).status).toBe(200);
    expect((await asOwner("DELETE", `/api/v1/teams/${id}/members/${ids.owner}`)).status).toBe(204);
    expect((await asAdmin("DELETE", `/api/v1/teams/${id}`)).status).toBe(204);
  });

  it("without can_view_team a member sees only their own active teams", async () => {
    const mine = await makeTeam();
    const notMine = await makeTeam();
    await asOwner("POST", `/api/v1/teams/${mine.id}/members`, { member_id: ids.member });
    await withTenant(ws, (db) => db.insert(rolePermissions).values({ role: "member", permission: "can_view_team", allowed: false }));
    try {
      const list = await asMember("GET", "/api/v1/teams?limit=200");
      expect(list.status).toBe(200);
      const seen = list.body.map((t: { id: string }) => t.id);
      expect(seen).toContain(mine.id);
      expect(seen).not.toContain(notMine.id);
      expect((await asMember("GET", `/api/v1/teams/${mine.id}`)).status).toBe(200);
      expect((await asMember("GET", `/api/v1/teams/${notMine.id}`)).status).toBe(404);
      expect((await asMember("GET", `/api/v1/teams/${notMine.id}/members`)).status).toBe(404);
    } finally {
      await withTenant(ws, (db) =>
        db.delete(rolePermissions).where(and(eq(rolePermissions.role, "member"), eq(rolePermissions.permission, "can_view_team"))),
      );
    }
  });

  it("myTeamIds lists the caller's active teams", async () => {
    const active = await makeTeam();
    const inactive = await makeTeam({ is_active: false });
    for (const t of [active, inactive]) await asOwner("POST", `/api/v1/teams/${t.id}/members`, { member_id: ids.viewer });
    const ctx = createContext({
      env,
      requestId: "test",
      actor: { kind: "user", userId: viewer.userId, email: viewer.email },
      waitUntil: () => {},
    });
    try {
      ctx.bindTenant({ id: ws, role: "viewer", membershipId: "n/a" }, tenantUrl(ws));
      const got = await myTeamIds(ctx);
      expect(got).toContain(active.id);
      expect(got).not.toContain(inactive.id);
      // Cached per context.
      expect(myTeamIds(ctx)).toBe(myTeamIds(ctx));
    } finally {
      await ctx.connections.close();
    }
  });
});

describe("bad input", () => {
  it("answers 422 in the platform shape and writes nothing", async () => {
    const t = await makeTeam();
    const beforeTeams = await countTeams();
    const beforeMembers = await countTeamMembers();
    for (const [m, p, body, loc] of [
      ["POST", "/api/v1/teams", {}, ["body", "name"]],
      ["POST", "/api/v1/teams", { name: "   " }, ["body", "name"]],
      ["POST", "/api/v1/teams", { name: "x".repeat(121) }, ["body", "name"]],
      ["POST", "/api/v1/teams", { name: "Ok", color: "red" }, ["body", "color"]],
      ["POST", "/api/v1/teams", { name: "Ok", parent_team_id: "nope" }, ["body", "parent_team_id"]],
      ["POST", "/api/v1/teams", { name: "Ok", parent_team_id: "0190f2a4-0000-7000-8000-000000000000" }, ["body", "parent_team_id"]],
      ["POST", "/api/v1/teams", { name: "Ok", lead_member_id: "0190f2a4-0000-7000-8000-000000000000" }, ["body", "lead_member_id"]],
      ["POST", "/api/v1/teams", { name: "Ok", is_active: "yes" }, ["body", "is_active"]],
      ["PUT", `/api/v1/teams/${t.id}`, { name: "" }, ["body", "name"]],
      ["POST", `/api/v1/teams/${t.id}/members`, {}, ["body", "member_id"]],
      ["POST", `/api/v1/teams/${t.id}/members`, { member_id: ids.member, role: "boss" }, ["body", "role"]],
      ["PUT", `/api/v1/teams/${t.id}/members/${ids.member}`, { role: "boss" }, ["body", "role"]],
      ["GET", "/api/v1/teams?limit=1000", undefined, ["query", "limit"]],
      ["GET", "/api/v1/teams?skip=-1", undefined, ["query", "skip"]],
      ["GET", "/api/v1/teams?is_active=maybe", undefined, ["query", "is_active"]],
      ["GET", "/api/v1/teams?parent_team_id=abc", undefined, ["query", "parent_team_id"]],
    ] as const) {
      const r = await asOwner(m, p, body);
      expect(r.status, `${m} ${p} ${JSON.stringify(body)}`).toBe(422);
      expect(r.body).toMatchObject({ code: "validation_error", request_id: expect.any(String) });
      expect(r.body.detail[0]).toMatchObject({ loc, msg: expect.any(String), type: expect.any(String) });
    }
    const notJson = await call("POST", "/api/v1/teams", {
      token: owner.token,
      workspace: ws,
      raw: "{",
      headers: { "content-type": "application/json" },
    });
    expect(notJson.status).toBeGreaterThanOrEqual(400);
    expect(notJson.status).toBeLessThan(500);
    expect(await countTeams()).toBe(beforeTeams);
    expect(await countTeamMembers()).toBe(beforeMembers);
  });
});

describe("another workspace", () => {
  it("cannot see or use another workspace's teams", async () => {
    const theirs = await call("POST", "/api/v1/teams", {
      token: outsider.token,
      workspace: outsider.workspaceId,
      body: { name: "Their team" },
    });
    expect(theirs.status).toBe(201);
    const id = theirs.body.id;
    // In the owner's workspace the id does not exist.
    for (const [m, p, body] of [
      ["GET", `/api/v1/teams/${id}`, undefined],
      ["GET", `/api/v1/teams/${id}/members`, undefined],
      ["PUT", `/api/v1/teams/${id}`, { name: "Hijacked" }],
      ["DELETE", `/api/v1/teams/${id}`, undefined],
      ["POST", `/api/v1/teams/${id}/members`, { member_id: ids.owner }],
    ] as const) {
      const r = await asOwner(m, p, body);
      expect(r.status, `${m} ${p}`).toBe(404);
    }
    const parent = await asOwner("POST", "/api/v1/teams", { name: uniqueName(), parent_team_id: id });
    expect(parent.status).toBe(422);
    expect(parent.body.detail[0].loc).toEqual(["body", "parent_team_id"]);
    // The outsider cannot reach the owner's workspace at all.
    const mine = await makeTeam();
    expect((await call("GET", `/api/v1/teams/${mine.id}`, { token: outsider.token, workspace: ws })).status).toBe(404);
    // Their team is untouched.
    const still = await call("GET", `/api/v1/teams/${id}`, { token: outsider.token, workspace: outsider.workspaceId });
    expect(still.body.name).toBe("Their team");
  });
});

const someTeam = "0190f2a4-0000-7000-8000-000000000001";
const someMember = "0190f2a4-0000-7000-8000-000000000002";
describeSecurity("teams", [
  { method: "GET", path: "/api/v1/teams", workspace: true },
  { method: "GET", path: `/api/v1/teams/${someTeam}`, workspace: true },
  { method: "GET", path: `/api/v1/teams/${someTeam}/members`, workspace: true },
  { method: "POST", path: "/api/v1/teams", body: { name: "Security" }, workspace: true },
  { method: "POST", path: `/api/v1/teams/${someTeam}/members`, body: { member_id: someMember }, workspace: true },
  { method: "PUT", path: `/api/v1/teams/${someTeam}`, body: { name: "Security" }, workspace: true },
  { method: "PUT", path: `/api/v1/teams/${someTeam}/members/${someMember}`, body: { role: "lead" }, workspace: true },
  { method: "DELETE", path: `/api/v1/teams/${someTeam}`, workspace: true },
  { method: "DELETE", path: `/api/v1/teams/${someTeam}/members/${someMember}`, workspace: true },
]);
