import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { activities } from "../src/modules/activity/tables";
import { goals, keyResults } from "../src/modules/goals/tables";
import { notifications } from "../src/modules/notifications/tables";
import type { Db } from "../src/platform/db";
import { call, databaseUrl, type Joined, join, type SignedUp, signup, withDb } from "./harness";
import { describeSecurity } from "./security";

const tenant = <T>(workspaceId: string, f: (db: Db) => Promise<T>) => withDb(databaseUrl(`ws_${workspaceId.replace(/-/g, "")}`), f);

let owner: SignedUp;
let admin: Joined;
let m1: Joined;
let m2: Joined;
let viewer: Joined;
let ws: string;

type Who = { token: string };
const as = (who: Who, method: string, path: string, body?: unknown) => call(method, path, { token: who.token, workspace: ws, body });

let seq = 0;
const unique = (p = "Goal") => `${p} ${Date.now().toString(36)}${(seq++).toString(36)}`;

interface Goal {
  id: string;
  title: string;
  progress: number;
  status: string;
  owner_id: string | null;
  created_by: string | null;
  parent_goal_id: string | null;
  key_results: { id: string; title: string; progress: number; current_value: number; is_completed: boolean; kind: string }[];
}

async function makeGoal(who: Who, body: Record<string, unknown> = {}): Promise<Goal> {
  const r = await as(who, "POST", "/api/v1/goals", { title: unique(), ...body });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}

const countGoals = () => tenant(ws, (db) => db.$count(goals));
const countKeyResults = () => tenant(ws, (db) => db.$count(keyResults));

beforeAll(async () => {
  owner = await signup();
  ws = owner.workspaceId;
  [admin, m1, m2, viewer] = await Promise.all([join(owner, "admin"), join(owner, "member"), join(owner, "member"), join(owner, "viewer")]);
});

describe("goals CRUD", () => {
  it("creates a goal with key results and steps; progress is the mean of theirs", async () => {
    const g = await makeGoal(m1, {
      description: "Grow",
      level: "company",
      period: "Q1 2026",
      start_date: "2026-01-01",
      due_date: "2026-03-31",
      key_results: [
        { title: "Revenue", start_value: 100, target_value: 200, current_value: 150, unit: "k€" },
        { title: "Launch", kind: "step", is_completed: true },
        { title: "Hire", target_value: 10 },
      ],
    });
    expect(g).toMatchObject({
      level: "company",
      status: "on-track",
      owner_id: m1.memberId,
      created_by: m1.memberId,
      period: "Q1 2026",
      start_date: "2026-01-01",
      due_date: "2026-03-31",
      progress: 50, // (50 + 100 + 0) / 3
    });
    expect(g.key_results.map((k) => [k.title, k.kind, k.progress])).toEqual([
      ["Revenue", "key_result", 50],
      ["Launch", "step", 100],
      ["Hire", "key_result", 0],
    ]);
    const acts = await tenant(ws, (db) => db.select().from(activities).where(eq(activities.subjectId, g.id)));
    expect(acts.map((a) => a.type)).toEqual(["goal.created"]);
  });

  it("422s bad input, unknown people, teams and parents, writing nothing", async () => {
    const before = [await countGoals(), await countKeyResults()];
    const cases: [Record<string, unknown>, (string | number)[]][] = [
      [{}, ["body", "title"]],
      [{ title: "x", level: "galaxy" }, ["body", "level"]],
      [{ title: "x", status: "great" }, ["body", "status"]],
      [{ title: "x", start_date: "2026-02-30" }, ["body", "start_date"]],
      [{ title: "x", start_date: "2026-03-01", due_date: "2026-02-01" }, ["body", "due_date"]],
      [{ title: "x", progress: 101 }, ["body", "progress"]],
      [{ title: "x", owner_id: crypto.randomUUID() }, ["body", "owner_id"]],
      [{ title: "x", team_id: crypto.randomUUID() }, ["body", "team_id"]],
      [{ title: "x", parent_goal_id: crypto.randomUUID() }, ["body", "parent_goal_id"]],
      [{ title: "x", key_results: [{ title: "" }] }, ["body", "key_results", 0, "title"]],
      [{ title: "x", key_results: [{ title: "k", target_value: "ten" }] }, ["body", "key_results", 0, "target_value"]],
    ];
    for (const [body, loc] of cases) {
      const r = await as(m1, "POST", "/api/v1/goals", body);
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.body.code).toBe("validation_error");
      expect(r.body.detail[0].loc, JSON.stringify(body)).toEqual(loc);
    }
    expect([await countGoals(), await countKeyResults()]).toEqual(before);
    expect((await as(viewer, "POST", "/api/v1/goals", { title: "x" })).status).toBe(403);
  });

  it("lists with level, status, owner, team and parent filters", async () => {
    const team = await as(owner, "POST", "/api/v1/teams", { name: unique("Team") });
    expect(team.status).toBe(201);
    const parent = await makeGoal(owner, { level: "company" });
    const child = await makeGoal(m1, { parent_goal_id: parent.id, team_id: team.body.id });
    const mine = await makeGoal(m2, { status: "at-risk" });
    const list = async (who: Who, q: string) => {
      const r = await as(who, "GET", `/api/v1/goals?limit=200&${q}`);
      expect(r.status, q).toBe(200);
      return (r.body as Goal[]).map((g) => g.id);
    };
    expect(await list(viewer, "")).toEqual(expect.arrayContaining([parent.id, child.id, mine.id]));
    expect(await list(owner, `parent_goal_id=${parent.id}`)).toEqual([child.id]);
    const top = await list(owner, "parent_goal_id=null");
    expect(top).toContain(parent.id);
    expect(top).not.toContain(child.id);
    expect(await list(owner, `team_id=${team.body.id}`)).toEqual([child.id]);
    expect((await as(owner, "GET", `/api/v1/goals?team_id=${team.body.id}`)).body[0].level).toBe("team");
    expect(await list(m2, "owner_id=me")).toEqual([mine.id]);
    expect(await list(owner, `owner_id=${m2.memberId}`)).toEqual([mine.id]);
    expect(await list(owner, "status=at-risk")).toContain(mine.id);
    expect(await list(owner, "status=at-risk")).not.toContain(parent.id);
    const companies = await list(owner, "level=company");
    expect(companies).toContain(parent.id);
    expect(companies).not.toContain(child.id);
    const page = await as(owner, "GET", "/api/v1/goals?limit=1&skip=0");
    expect(page.body).toHaveLength(1);
    for (const bad of ["level=x", "status=x", "owner_id=you", "team_id=x", "parent_goal_id=x", "limit=0", "limit=201"]) {
      expect((await as(owner, "GET", `/api/v1/goals?${bad}`)).status, bad).toBe(422);
    }
  });

  it("updates details and replaces key results (update, add, remove)", async () => {
    const g = await makeGoal(m1, { key_results: [{ title: "A", current_value: 40 }, { title: "B" }] });
    const [a, b] = g.key_results;
    const r = await as(m1, "PUT", "/api/v1/goals", {
      goal_id: g.id,
      title: "Renamed",
      status: "behind",
      key_results: [
        { id: a?.id, title: "A2", current_value: 80 },
        { title: "C", kind: "step", is_completed: true },
      ],
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ title: "Renamed", status: "behind", progress: 90 });
    expect(r.body.key_results.map((k: Goal["key_results"][number]) => [k.title, k.progress])).toEqual([
      ["A2", 80],
      ["C", 100],
    ]);
    expect(r.body.key_results[0].id).toBe(a?.id);
    expect(await tenant(ws, (db) => db.$count(keyResults, eq(keyResults.id, b?.id as string)))).toBe(0);

    const other = await makeGoal(m1, { key_results: [{ title: "X" }] });
    const foreign = await as(m1, "PUT", "/api/v1/goals", {
      goal_id: g.id,
      key_results: [{ id: other.key_results[0]?.id, title: "steal" }],
    });
    expect(foreign.status).toBe(422);
    expect(foreign.body.detail[0].loc).toEqual(["body", "key_results", 0, "id"]);
    // Nothing of the failed update was written.
    const after = (await as(m1, "GET", `/api/v1/goals?owner_id=me&limit=200`)).body.find((x: Goal) => x.id === g.id);
    expect(after.key_results.map((k: { title: string }) => k.title)).toEqual(["A2", "C"]);

    const missing = await as(m1, "PUT", "/api/v1/goals", { title: "x" });
    expect(missing.status).toBe(422);
    expect(missing.body.detail[0].loc).toEqual(["body", "goal_id"]);
    expect((await as(m1, "PUT", "/api/v1/goals", { goal_id: crypto.randomUUID(), title: "x" })).status).toBe(404);
    expect((await as(m1, "PUT", "/api/v1/goals", { goal_id: g.id, due_date: "2020-01-01", start_date: "2021-01-01" })).status).toBe(422);
  });

  it("refuses parent cycles", async () => {
    const a = await makeGoal(m1);
    const b = await makeGoal(m1, { parent_goal_id: a.id });
    const c = await makeGoal(m1, { parent_goal_id: b.id });
    const self = await as(m1, "PUT", "/api/v1/goals", { goal_id: a.id, parent_goal_id: a.id });
    expect(self.status).toBe(422);
    const loop = await as(m1, "PUT", "/api/v1/goals", { goal_id: a.id, parent_goal_id: c.id });
    expect(loop.status).toBe(422);
    expect(loop.body.detail[0].loc).toEqual(["body", "parent_goal_id"]);
    const ok = await as(m1, "PUT", "/api/v1/goals", { goal_id: c.id, parent_goal_id: null });
    expect(ok.body.parent_goal_id).toBeNull();
  });

  it("deletes a goal with its key results; sub-goals move to the top level", async () => {
    const parent = await makeGoal(m1, { key_results: [{ title: "K" }, { title: "L" }] });
    const child = await makeGoal(m1, { parent_goal_id: parent.id });
    const krsBefore = await countKeyResults();
    expect((await as(m1, "DELETE", `/api/v1/goals/${parent.id}`)).status).toBe(204);
    expect(await countKeyResults()).toBe(krsBefore - 2);
    expect((await as(m1, "DELETE", `/api/v1/goals/${parent.id}`)).status).toBe(404);
    expect((await as(m1, "DELETE", "/api/v1/goals/not-a-uuid")).status).toBe(404);
    const list = (await as(m1, "GET", "/api/v1/goals?owner_id=me&limit=200")).body as Goal[];
    expect(list.find((g) => g.id === child.id)?.parent_goal_id).toBeNull();
    expect(list.find((g) => g.id === parent.id)).toBeUndefined();
  });
});

describe("goal progress", () => {
  it("updates key results and steps, recalculates, completes at 100% and reopens below", async () => {
    const g = await makeGoal(m1, {
      key_results: [
        { title: "Users", start_value: 0, target_value: 1000 },
        { title: "Ship", kind: "step" },
      ],
    });
    const [users, ship] = g.key_results;
    const progress = (body: unknown) => as(m1, "POST", "/api/v1/goals/progress", body);
    const r1 = await progress({ goal_id: g.id, key_results: [{ key_result_id: users?.id, current_value: 500 }] });
    expect(r1.status, JSON.stringify(r1.body)).toBe(200);
    expect(r1.body).toMatchObject({ progress: 25, status: "on-track" });
    const r2 = await progress({
      goal_id: g.id,
      key_results: [
        { key_result_id: users?.id, current_value: 1500 },
        { key_result_id: ship?.id, is_completed: true },
      ],
    });
    expect(r2.body).toMatchObject({ progress: 100, status: "completed" });
    expect(r2.body.key_results[0]).toMatchObject({ current_value: 1500, progress: 100, is_completed: true });
    const r3 = await progress({ goal_id: g.id, key_results: [{ key_result_id: ship?.id, is_completed: false }] });
    expect(r3.body).toMatchObject({ progress: 50, status: "on-track" });

    const acts = await tenant(ws, (db) => db.select().from(activities).where(eq(activities.subjectId, g.id)));
    expect(acts.filter((a) => a.type === "goal.progress_updated")).toHaveLength(3);

    // Bad input writes nothing.
    const unknown = await progress({ goal_id: g.id, key_results: [{ key_result_id: crypto.randomUUID(), current_value: 1 }] });
    expect(unknown.status).toBe(422);
    expect(unknown.body.detail[0].loc).toEqual(["body", "key_results", 0, "key_result_id"]);
    expect((await progress({ goal_id: g.id })).status).toBe(422);
    expect((await progress({ goal_id: g.id, progress: 10 })).status).toBe(422); // has key results
    expect((await progress({ goal_id: g.id, key_results: [{ key_result_id: users?.id, current_value: "x" }] })).status).toBe(422);
    expect((await progress({ goal_id: crypto.randomUUID(), progress: 1 })).status).toBe(404);
    const still = (await as(m1, "GET", "/api/v1/goals?owner_id=me&limit=200")).body.find((x: Goal) => x.id === g.id);
    expect(still.progress).toBe(50);
  });

  it("sets the manual progress of a goal without key results; the owner hears of others' updates", async () => {
    const g = await makeGoal(admin, { owner_id: m1.memberId, progress: 10 });
    expect(g).toMatchObject({ progress: 10, owner_id: m1.memberId, created_by: admin.memberId });
    const r = await as(admin, "POST", "/api/v1/goals/progress", { goal_id: g.id, progress: 60 });
    expect(r.body.progress).toBe(60);
    const n = await tenant(ws, (db) => db.select().from(notifications).where(eq(notifications.recipientMemberId, m1.memberId)));
    expect(n.filter((x) => x.eventType === "goal_updated" && x.data.goal_id === g.id).length).toBeGreaterThanOrEqual(2);
  });
});

describe("goal permissions: own vs any", () => {
  it("members edit and delete goals they created or own; others need the wide permission", async () => {
    const g = await makeGoal(m1, { key_results: [{ title: "K" }] });
    const kr = g.key_results[0]?.id;
    // Another member: no can_edit_goal / can_delete_goal.
    expect((await as(m2, "PUT", "/api/v1/goals", { goal_id: g.id, title: "x" })).status).toBe(403);
    expect(
      (await as(m2, "POST", "/api/v1/goals/progress", { goal_id: g.id, key_results: [{ key_result_id: kr, current_value: 5 }] })).status,
    ).toBe(403);
    expect((await as(m2, "DELETE", `/api/v1/goals/${g.id}`)).status).toBe(403);
    expect((await as(viewer, "PUT", "/api/v1/goals", { goal_id: g.id, title: "x" })).status).toBe(403);
    // The creator may.
    expect((await as(m1, "PUT", "/api/v1/goals", { goal_id: g.id, title: "mine" })).status).toBe(200);
    // An admin (can_edit_goal) may; making m2 the owner gives m2 the own rights.
    const handed = await as(admin, "PUT", "/api/v1/goals", { goal_id: g.id, owner_id: m2.memberId });
    expect(handed.body.owner_id).toBe(m2.memberId);
    expect(
      (await as(m2, "POST", "/api/v1/goals/progress", { goal_id: g.id, key_results: [{ key_result_id: kr, current_value: 5 }] })).status,
    ).toBe(200);
    expect((await as(m2, "DELETE", `/api/v1/goals/${g.id}`)).status).toBe(204);

    const other = await makeGoal(m1);
    expect((await as(viewer, "DELETE", `/api/v1/goals/${other.id}`)).status).toBe(403);
    expect((await as(owner, "DELETE", `/api/v1/goals/${other.id}`)).status).toBe(204);
  });

  it("another workspace's goal is a 404", async () => {
    const g = await makeGoal(m1);
    const outsider = await signup();
    const mine = { token: outsider.token };
    const r = await call("PUT", "/api/v1/goals", {
      token: mine.token,
      workspace: outsider.workspaceId,
      body: { goal_id: g.id, title: "x" },
    });
    expect(r.status).toBe(404);
    const d = await call("DELETE", `/api/v1/goals/${g.id}`, { token: mine.token, workspace: outsider.workspaceId });
    expect(d.status).toBe(404);
    expect((await call("GET", "/api/v1/goals", { token: mine.token, workspace: outsider.workspaceId })).body).toEqual([]);
    expect((await call("GET", "/api/v1/goals", { token: mine.token, workspace: ws })).status).toBe(404);
  });
});

describe("goals: contract", () => {
  it("documents the five routes and the seed's list filters", async () => {
    const doc = (await call("GET", "/openapi.json")).body;
    expect(doc.paths["/api/v1/goals"].get).toBeTruthy();
    expect(doc.paths["/api/v1/goals"].post).toBeTruthy();
    expect(doc.paths["/api/v1/goals"].put).toBeTruthy();
    expect(doc.paths["/api/v1/goals/progress"].post).toBeTruthy();
    expect(doc.paths["/api/v1/goals/{goal_id}"].delete).toBeTruthy();
    const params = doc.paths["/api/v1/goals"].get.parameters.map((p: { name: string }) => p.name);
    expect(params).toEqual(expect.arrayContaining(["level", "status", "owner_id", "team_id", "parent_goal_id"]));
  });
});

const id = "0190a0a0-0000-7000-8000-000000000000";
describeSecurity("goals", [
  { method: "GET", path: "/api/v1/goals", workspace: true },
  { method: "POST", path: "/api/v1/goals", workspace: true, body: { title: "x" } },
  { method: "PUT", path: "/api/v1/goals", workspace: true, body: { goal_id: id, title: "x" } },
  { method: "POST", path: "/api/v1/goals/progress", workspace: true, body: { goal_id: id, progress: 1 } },
  { method: "DELETE", path: `/api/v1/goals/${id}`, workspace: true },
]);
