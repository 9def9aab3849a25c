import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { activities } from "../src/modules/activity/tables";
import { channelAccess, channelMembers, channels } from "../src/modules/channels/tables";
import { members } from "../src/modules/members/tables";
import { notifications } from "../src/modules/notifications/tables";
import { taskFiles, taskHistory, tasks } from "../src/modules/tasks/tables";
import type { Db } from "../src/platform/db";
import { call, databaseUrl, env, type Joined, join, raw, type SignedUp, signup, withDb } from "./harness";
import { describeSecurity } from "./security";

const tenant = <T>(workspaceId: string, f: (db: Db) => Promise<T>) => withDb(databaseUrl(`ws_${workspaceId.replace(/-/g, "")}`), f);

let owner: SignedUp;
let ownerId: string;
let admin: Joined;
let m1: Joined;
let m2: Joined;
let viewer: Joined;
let ws: string;
let publicChannel: { id: string; slug: string };
let privateChannel: { id: string; slug: string };

type Who = { token: string };
const as = (who: Who, method: string, path: string, body?: unknown) => call(method, path, { token: who.token, workspace: ws, body });

let seq = 0;
const unique = (p = "Task") => `${p} ${Date.now().toString(36)}${(seq++).toString(36)}`;

/** Channels straight in the tenant database (the channel endpoints are another module's). */
async function makeChannel(isPrivate: boolean, participants: string[]) {
  const slug = `ch-${Date.now().toString(36)}-${(seq++).toString(36)}`;
  return tenant(ws, async (db) => {
    const [c] = await db.insert(channels).values({ slug, name: slug, isPrivate }).returning();
    if (!c) throw new Error("no channel");
    if (participants.length) await db.insert(channelMembers).values(participants.map((memberId) => ({ channelId: c.id, memberId })));
    return { id: c.id, slug };
  });
}

async function makeTask(who: Who, body: Record<string, unknown> = {}) {
  const r = await as(who, "POST", "/api/v1/tasks", { title: unique(), ...body });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as { id: string; title: string; owner_id: string; assignee_ids: string[]; channel_id: string | null; status: string };
}

const countTasks = () => tenant(ws, (db) => db.$count(tasks));
const notificationsFor = (memberId: string, eventType: string) =>
  tenant(ws, (db) =>
    db
      .select()
      .from(notifications)
      .where(and(eq(notifications.recipientMemberId, memberId), eq(notifications.eventType, eventType))),
  );
const ids = (r: { body: { items: { id: string }[] } }) => r.body.items.map((t) => t.id);
const b64 = (s: string) => btoa(s);

beforeAll(async () => {
  owner = await signup();
  ws = owner.workspaceId;
  [admin, m1, m2, viewer] = await Promise.all([join(owner, "admin"), join(owner, "member"), join(owner, "member"), join(owner, "viewer")]);
  ownerId = (await call("GET", "/api/v1/members/me", { token: owner.token, workspace: ws })).body.id;
  publicChannel = await makeChannel(false, [m1.memberId]);
  privateChannel = await makeChannel(true, [m1.memberId]);
});

describe("tasks: create, read, update, delete", () => {
  it("creates a standalone task, notifies assignees, records history and activity", async () => {
    const t = await makeTask(m1, {
      description: "Write the spec",
      priority: "high",
      due_date: "2026-03-31",
      assignee_ids: [m2.memberId, m2.memberId],
    });
    expect(t).toMatchObject({ owner_id: m1.memberId, assignee_ids: [m2.memberId], channel_id: null, status: "todo", priority: "high" });
    expect((t as unknown as { due_date: string }).due_date).toBe("2026-03-31T00:00:00.000Z");
    const n = await notificationsFor(m2.memberId, "task_assigned");
    expect(n.some((x) => x.data.task_id === t.id)).toBe(true);
    // The creator is never notified of their own action.
    const self = await makeTask(m1, { assignee_ids: [m1.memberId] });
    expect((await notificationsFor(m1.memberId, "task_assigned")).some((x) => x.data.task_id === self.id)).toBe(false);
    const acts = await tenant(ws, (db) => db.select().from(activities).where(eq(activities.subjectId, t.id)));
    expect(acts.map((a) => a.type)).toEqual(["task.created"]);
    const history = await as(m1, "GET", `/api/v1/tasks/${t.id}/history`);
    expect(history.status).toBe(200);
    expect(history.body).toMatchObject({ total: 1, limit: 50, offset: 0 });
    expect(history.body.items[0]).toMatchObject({ action: "created", actor_member_id: m1.memberId, actor_name: "A member" });
    const got = await as(m2, "GET", `/api/v1/tasks/${t.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ id: t.id, description: "Write the spec", file_count: 0, verification_status: null });
  });

  it("422s bad input and unknown or inactive people, writing nothing", async () => {
    const inactive = await join(owner, "member");
    await tenant(ws, (db) => db.update(members).set({ isActive: false }).where(eq(members.id, inactive.memberId)));
    const before = await countTasks();
    const cases: [Record<string, unknown>, (string | number)[]][] = [
      [{}, ["body", "title"]],
      [{ title: "  " }, ["body", "title"]],
      [{ title: "x", status: "done" }, ["body", "status"]],
      [{ title: "x", priority: "critical" }, ["body", "priority"]],
      [{ title: "x", due_date: "tomorrow" }, ["body", "due_date"]],
      [{ title: "x", assignee_ids: ["nope"] }, ["body", "assignee_ids", 0]],
      [{ title: "x", assignee_ids: [m2.memberId, crypto.randomUUID()] }, ["body", "assignee_ids", 1]],
      [{ title: "x", assignee_ids: [inactive.memberId] }, ["body", "assignee_ids", 0]],
      [{ title: "x", owner_id: inactive.memberId }, ["body", "owner_id"]],
      [{ title: "x", channel_id: crypto.randomUUID() }, ["body", "channel_id"]],
      [{ title: "x", goal_id: crypto.randomUUID() }, ["body", "goal_id"]],
      [{ title: "x", key_result_id: crypto.randomUUID() }, ["body", "key_result_id"]],
    ];
    for (const [body, loc] of cases) {
      const r = await as(m1, "POST", "/api/v1/tasks", body);
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.body.code).toBe("validation_error");
      expect(typeof r.body.request_id).toBe("string");
      expect(r.body.detail[0].loc, JSON.stringify(body)).toEqual(loc);
    }
    expect(await countTasks()).toBe(before);
    const put = await as(m1, "PUT", `/api/v1/tasks/${(await makeTask(m1)).id}`, { assignee_ids: [crypto.randomUUID()] });
    expect(put.status).toBe(422);
  });

  it("viewers cannot create tasks; unknown ids are 404", async () => {
    expect((await as(viewer, "POST", "/api/v1/tasks", { title: "nope" })).status).toBe(403);
    expect((await as(m1, "GET", `/api/v1/tasks/${crypto.randomUUID()}`)).status).toBe(404);
    expect((await as(m1, "GET", "/api/v1/tasks/not-a-uuid")).status).toBe(404);
    expect((await as(m1, "PUT", `/api/v1/tasks/${crypto.randomUUID()}`, { title: "x" })).status).toBe(404);
    expect((await as(m1, "DELETE", `/api/v1/tasks/${crypto.randomUUID()}`)).status).toBe(404);
  });

  it("edits: owner and assignees with the own permission, anyone with can_edit_action; history keeps each change", async () => {
    const t = await makeTask(m1, { channel_id: publicChannel.id });
    // m2 sees the public-channel task but neither owns nor is assigned to it.
    expect((await as(m2, "GET", `/api/v1/tasks/${t.id}`)).status).toBe(200);
    expect((await as(m2, "PUT", `/api/v1/tasks/${t.id}`, { title: "hijack" })).status).toBe(403);
    expect((await as(viewer, "PUT", `/api/v1/tasks/${t.id}`, { title: "hijack" })).status).toBe(403);

    const reassigned = await as(m1, "PUT", `/api/v1/tasks/${t.id}`, { title: "Renamed", assignee_ids: [m2.memberId, viewer.memberId] });
    expect(reassigned.status).toBe(200);
    expect(reassigned.body).toMatchObject({ title: "Renamed" });
    expect([...reassigned.body.assignee_ids].sort()).toEqual([m2.memberId, viewer.memberId].sort());
    expect((await notificationsFor(viewer.memberId, "task_assigned")).some((n) => n.data.task_id === t.id)).toBe(true);

    // Now an assignee: m2 may edit; a viewer assignee still may not (no can_edit_own_action).
    const byAssignee = await as(m2, "PUT", `/api/v1/tasks/${t.id}`, { status: "in_progress", priority: "urgent" });
    expect(byAssignee.status).toBe(200);
    expect(byAssignee.body).toMatchObject({ status: "in_progress", priority: "urgent" });
    expect((await as(viewer, "PUT", `/api/v1/tasks/${t.id}`, { title: "nope" })).status).toBe(403);
    const byAdmin = await as(admin, "PUT", `/api/v1/tasks/${t.id}`, { assignee_ids: [m2.memberId], due_date: null });
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.body.assignee_ids).toEqual([m2.memberId]);

    // A no-op update writes no history.
    expect((await as(m1, "PUT", `/api/v1/tasks/${t.id}`, { title: "Renamed" })).status).toBe(200);
    const h = await as(m1, "GET", `/api/v1/tasks/${t.id}/history?limit=2`);
    expect(h.body.total).toBe(4);
    expect(h.body.items.map((e: { action: string }) => e.action)).toEqual(["updated", "updated"]);
    expect(h.body.items[0].changes.assignee_ids.to).toEqual([m2.memberId]);
    expect(h.body.items[1]).toMatchObject({
      actor_member_id: m2.memberId,
      changes: { status: { from: "todo", to: "in_progress" }, priority: { from: "medium", to: "urgent" } },
    });
    const rest = await as(m1, "GET", `/api/v1/tasks/${t.id}/history?limit=2&offset=2`);
    expect(rest.body.items.map((e: { action: string }) => e.action)).toEqual(["updated", "created"]);
    expect(rest.body.items[0].changes).toMatchObject({ title: { from: t.title, to: "Renamed" } });
    expect((await as(m1, "GET", `/api/v1/tasks/${t.id}/history?limit=500`)).status).toBe(422);
  });

  it("deletes: the owner with the own permission, admins any; assignees cannot", async () => {
    const t = await makeTask(m1, { assignee_ids: [m2.memberId] });
    expect((await as(m2, "DELETE", `/api/v1/tasks/${t.id}`)).status).toBe(403);
    expect((await as(m1, "DELETE", `/api/v1/tasks/${t.id}`)).status).toBe(204);
    expect((await as(m1, "GET", `/api/v1/tasks/${t.id}`)).status).toBe(404);
    const other = await makeTask(m2);
    expect((await as(admin, "DELETE", `/api/v1/tasks/${other.id}`)).status).toBe(204);
    const acts = await tenant(ws, (db) => db.select().from(activities).where(eq(activities.subjectId, other.id)));
    expect(acts.map((a) => a.type).sort()).toEqual(["task.created", "task.deleted"]);
  });
});

describe("tasks: visibility", () => {
  it("admins see all; others see visible-channel tasks and standalone tasks they own or are assigned", async () => {
    const tag = unique("vis").replace(/\s/g, "");
    const mine = await makeTask(m1, { title: `${tag} mine` });
    const assigned = await makeTask(m1, { title: `${tag} assigned`, assignee_ids: [m2.memberId] });
    const pub = await makeTask(m1, { title: `${tag} public`, channel_id: publicChannel.id });
    const priv = await makeTask(m1, { title: `${tag} private`, channel_id: privateChannel.id });
    const all = [mine.id, assigned.id, pub.id, priv.id];

    const list = async (who: Who) => ids(await as(who, "GET", `/api/v1/tasks?search=${tag}`));
    const sorted = (x: string[]) => [...x].sort();
    expect(sorted(await list(owner))).toEqual(sorted(all));
    expect(sorted(await list(admin))).toEqual(sorted(all));
    expect(sorted(await list(m1))).toEqual(sorted(all));
    expect(sorted(await list(m2))).toEqual(sorted([assigned.id, pub.id]));
    expect(await list(viewer)).toEqual([pub.id]);

    expect((await as(m2, "GET", `/api/v1/tasks/${mine.id}`)).status).toBe(404);
    expect((await as(m2, "GET", `/api/v1/tasks/${priv.id}`)).status).toBe(404);
    expect((await as(m2, "GET", `/api/v1/tasks/${priv.id}/history`)).status).toBe(404);
    expect((await as(m2, "GET", `/api/v1/tasks/${priv.id}/files`)).status).toBe(404);
    expect((await as(m2, "PUT", `/api/v1/tasks/${priv.id}`, { title: "x" })).status).toBe(404);
    expect((await as(m2, "POST", `/api/v1/tasks/${priv.id}/complete`)).status).toBe(404);
    expect((await as(admin, "GET", `/api/v1/tasks/${priv.id}`)).status).toBe(200);

    // Outsiders of the private channel cannot put tasks in it either.
    const r = await as(m2, "POST", "/api/v1/tasks", { title: "x", channel_id: privateChannel.id });
    expect(r.status).toBe(422);
    expect(r.body.detail[0].loc).toEqual(["body", "channel_id"]);
    expect((await as(viewer, "POST", "/api/v1/tasks", { title: "x", channel_id: publicChannel.id })).status).toBe(403);

    // Joining the channel makes its tasks visible.
    await tenant(ws, (db) => db.insert(channelMembers).values({ channelId: privateChannel.id, memberId: m2.memberId }));
    expect((await as(m2, "GET", `/api/v1/tasks/${priv.id}`)).status).toBe(200);
    await tenant(ws, (db) =>
      db.delete(channelMembers).where(and(eq(channelMembers.channelId, privateChannel.id), eq(channelMembers.memberId, m2.memberId))),
    );
  });
});

describe("tasks: visibility through channel grants", () => {
  it("a private channel granted to a member or one of their teams shows its tasks in lists and reads", async () => {
    const viaMember = await makeChannel(true, [m1.memberId]);
    const viaTeam = await makeChannel(true, [m1.memberId]);
    const tag = unique("grant").replace(/\s/g, "");
    const a = await makeTask(m1, { title: `${tag} a`, channel_id: viaMember.id });
    const b = await makeTask(m1, { title: `${tag} b`, channel_id: viaTeam.id });
    const list = async () => ids(await as(m2, "GET", `/api/v1/tasks?search=${tag}`)).sort();
    expect(await list()).toEqual([]);
    await tenant(ws, (db) => db.insert(channelAccess).values({ channelId: viaMember.id, memberId: m2.memberId, canPost: false }));
    expect(await list()).toEqual([a.id]);
    expect((await as(m2, "GET", `/api/v1/tasks/${a.id}`)).status).toBe(200);
    // A read-only grant shows the channel's tasks but does not allow adding to them.
    expect((await as(m2, "POST", `/api/v1/channels/${viaMember.slug}/tasks`, { title: "x" })).status).toBe(403);
    const team = await as(owner, "POST", "/api/v1/teams", { name: unique("Grant team"), lead_member_id: m2.memberId });
    await tenant(ws, (db) => db.insert(channelAccess).values({ channelId: viaTeam.id, teamId: team.body.id }));
    expect(await list()).toEqual([a.id, b.id].sort());
    expect((await as(m2, "GET", `/api/v1/channels/${viaTeam.slug}/tasks`)).body.total).toBe(1);
    expect((await as(m2, "POST", `/api/v1/channels/${viaTeam.slug}/tasks`, { title: "x" })).status).toBe(201);
  });
});

describe("tasks: filters and pagination", () => {
  it("filters by search, status, priority, channel, owner, assignee, users, teams, goals and completion", async () => {
    const tag = unique("flt").replace(/\s/g, "");
    const q = (who: Who, query: string) => as(who, "GET", `/api/v1/tasks?search=${tag}&page_size=100&${query}`);
    const a = await makeTask(m1, { title: `${tag} alpha`, priority: "low" });
    const b = await makeTask(m1, { title: "beta", description: `about ${tag}`, priority: "urgent", assignee_ids: [m2.memberId] });
    const c = await makeTask(m2, { title: `${tag} gamma`, status: "blocked", channel_id: publicChannel.id });
    const d = await makeTask(admin, { title: `${tag} delta`, status: "completed" });
    const e = await makeTask(owner, { title: `${tag} epsilon`, status: "cancelled", assignee_ids: [admin.memberId] });
    const sorted = (x: string[]) => [...x].sort();

    expect(sorted(ids(await q(owner, "")))).toEqual(sorted([a.id, b.id, c.id, d.id, e.id]));
    expect(ids(await as(owner, "GET", `/api/v1/tasks?search=${tag}%20alpha`))).toEqual([a.id]);
    expect(ids(await as(owner, "GET", "/api/v1/tasks?search=%25%25%25"))).toEqual([]);
    expect(sorted(ids(await q(owner, "status=blocked,completed")))).toEqual(sorted([c.id, d.id]));
    expect(ids(await q(owner, "priority=urgent"))).toEqual([b.id]);
    expect(ids(await q(owner, `channel_id=${publicChannel.id}`))).toEqual([c.id]);
    expect(sorted(ids(await q(owner, "channel_id=null")))).toEqual(sorted([a.id, b.id, d.id, e.id]));
    expect(sorted(ids(await q(m1, "owner=me")))).toEqual(sorted([a.id, b.id]));
    expect(ids(await q(owner, `owner=${m2.memberId}`))).toEqual([c.id]);
    expect(ids(await q(m2, "assignee=me"))).toEqual([b.id]);
    expect(sorted(ids(await q(owner, `user_ids=${m2.memberId},${admin.memberId}`)))).toEqual(sorted([b.id, c.id, d.id, e.id]));
    expect(sorted(ids(await q(owner, "include_completed=false")))).toEqual(sorted([a.id, b.id, c.id]));

    const team = await as(owner, "POST", "/api/v1/teams", { name: unique("Team"), lead_member_id: m2.memberId });
    expect(team.status).toBe(201);
    expect(sorted(ids(await q(owner, `team_ids=${team.body.id}`)))).toEqual(sorted([b.id, c.id]));

    for (const bad of [
      "status=done",
      "priority=x",
      "channel_id=x",
      "owner=you",
      "user_ids=1,2",
      "page=0",
      "page_size=101",
      "include_completed=maybe",
    ]) {
      expect((await q(owner, bad)).status, bad).toBe(422);
    }
  });

  it("pages with page/page_size, newest first, with the total", async () => {
    const tag = unique("pg").replace(/\s/g, "");
    const made = [];
    for (let i = 0; i < 5; i++) made.push(await makeTask(m1, { title: `${tag} ${i}` }));
    const p1 = await as(m1, "GET", `/api/v1/tasks?search=${tag}&page=1&page_size=2`);
    expect(p1.body).toMatchObject({ total: 5, page: 1, page_size: 2 });
    expect(ids(p1)).toEqual([made[4]?.id, made[3]?.id]);
    const p3 = await as(m1, "GET", `/api/v1/tasks?search=${tag}&page=3&page_size=2`);
    expect(ids(p3)).toEqual([made[0]?.id]);
    const none = await as(m1, "GET", `/api/v1/tasks?search=${tag}&page=9&page_size=2`);
    expect(none.body).toMatchObject({ items: [], total: 5 });
  });

  it("links tasks to goals and key results, and filters by them", async () => {
    const goal = await as(m1, "POST", "/api/v1/goals", { title: unique("Goal"), key_results: [{ title: "KR" }] });
    expect(goal.status).toBe(201);
    const kr = goal.body.key_results[0].id;
    const t = await makeTask(m1, { key_result_id: kr });
    expect(t).toMatchObject({ goal_id: goal.body.id, key_result_id: kr });
    const other = await as(m1, "POST", "/api/v1/goals", { title: unique("Other") });
    const mismatch = await as(m1, "POST", "/api/v1/tasks", { title: "x", goal_id: other.body.id, key_result_id: kr });
    expect(mismatch.status).toBe(422);
    expect(ids(await as(m1, "GET", `/api/v1/tasks?goal_id=${goal.body.id}`))).toEqual([t.id]);
    expect(ids(await as(m1, "GET", `/api/v1/tasks?key_result_id=${kr}`))).toEqual([t.id]);
    // Moving to another goal drops the old goal's key result.
    const moved = await as(m1, "PUT", `/api/v1/tasks/${t.id}`, { goal_id: other.body.id });
    expect(moved.body).toMatchObject({ goal_id: other.body.id, key_result_id: null });
    // Deleting the goal unlinks its tasks.
    expect((await as(m1, "DELETE", `/api/v1/goals/${other.body.id}`)).status).toBe(204);
    expect((await as(m1, "GET", `/api/v1/tasks/${t.id}`)).body.goal_id).toBeNull();
  });
});

describe("tasks: complete, files, reopen, toggle, verify", () => {
  it("completes with a comment and attachments (JSON), stores them in R2, notifies the owner", async () => {
    const t = await makeTask(m1, { assignee_ids: [m2.memberId] });
    const done = await as(m2, "POST", `/api/v1/tasks/${t.id}/complete`, {
      comment: "Shipped it",
      attachments: [
        { file_name: "report.txt", content_type: "text/plain", content_base64: b64("hello report") },
        { file_name: "../../etc/passwd", content_base64: b64("x") },
      ],
    });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body).toMatchObject({
      status: "completed",
      completed_by: m2.memberId,
      completion_comment: "Shipped it",
      verification_status: "pending",
      file_count: 2,
    });
    expect(done.body.completed_at).toBeTruthy();
    const files = await as(m1, "GET", `/api/v1/tasks/${t.id}/files`);
    expect(files.status).toBe(200);
    expect(files.body.map((f: { file_name: string }) => f.file_name)).toEqual(["report.txt", "passwd"]);
    expect(files.body[0]).toMatchObject({ task_id: t.id, content_type: "text/plain", size: 12, uploaded_by: m2.memberId });
    expect(files.body[0].storage_key).toBe(`tasks/${t.id}/${files.body[0].id}`);
    const obj = await env.FILES.get(files.body[0].storage_key);
    expect(await obj?.text()).toBe("hello report");
    expect(files.body[1].content_type).toBe("application/octet-stream");

    const n = await notificationsFor(m1.memberId, "task_completed");
    expect(n.find((x) => x.data.task_id === t.id)).toMatchObject({ body: "Shipped it", actorMemberId: m2.memberId });
    const h = await as(m1, "GET", `/api/v1/tasks/${t.id}/history`);
    expect(h.body.items.map((e: { action: string }) => e.action)).toEqual(["file_attached", "file_attached", "completed", "created"]);
    expect(h.body.items[2]).toMatchObject({ comment: "Shipped it", changes: { status: { from: "todo", to: "completed" } } });

    expect((await as(m2, "POST", `/api/v1/tasks/${t.id}/complete`, {})).status).toBe(409);

    // Deleting the task removes its files from R2 as well.
    expect((await as(m1, "DELETE", `/api/v1/tasks/${t.id}`)).status).toBe(204);
    expect(await env.FILES.get(files.body[0].storage_key)).toBeNull();
    expect(await tenant(ws, (db) => db.$count(taskFiles, eq(taskFiles.taskId, t.id)))).toBe(0);
  });

  it("completes with multipart files; without a body; rejects bad attachments writing nothing", async () => {
    const t = await makeTask(m1);
    const bad = await as(m1, "POST", `/api/v1/tasks/${t.id}/complete`, { attachments: [{ file_name: "a", content_base64: "%%%" }] });
    expect(bad.status).toBe(422);
    const tooMany = await as(m1, "POST", `/api/v1/tasks/${t.id}/complete`, {
      attachments: Array.from({ length: 11 }, (_, i) => ({ file_name: `f${i}`, content_base64: b64("x") })),
    });
    expect(tooMany.status).toBe(422);
    expect((await as(m1, "GET", `/api/v1/tasks/${t.id}`)).body.status).toBe("todo");
    expect(await tenant(ws, (db) => db.$count(taskHistory, eq(taskHistory.taskId, t.id)))).toBe(1);

    const form = new FormData();
    form.append("comment", "Done via upload");
    form.append("files", new File(["one"], "one.md", { type: "text/markdown" }));
    form.append("files", new File(["two!"], "two.csv", { type: "text/csv" }));
    const res = await raw(`/api/v1/tasks/${t.id}/complete`, {
      method: "POST",
      headers: { authorization: `Bearer ${m1.token}`, "x-workspace-id": ws },
      body: form,
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { completion_comment: string; file_count: number };
    expect(body).toMatchObject({ completion_comment: "Done via upload", file_count: 2 });
    const files = await as(m1, "GET", `/api/v1/tasks/${t.id}/files`);
    expect(files.body.map((f: { file_name: string; size: number }) => [f.file_name, f.size])).toEqual([
      ["one.md", 3],
      ["two.csv", 4],
    ]);

    const plain = await makeTask(m1);
    const r = await raw(`/api/v1/tasks/${plain.id}/complete`, {
      method: "POST",
      headers: { authorization: `Bearer ${m1.token}`, "x-workspace-id": ws },
    });
    expect(r.status).toBe(200);
    expect(((await r.json()) as { status: string }).status).toBe("completed");
    const wrongType = await raw(`/api/v1/tasks/${plain.id}/complete`, {
      method: "POST",
      headers: { authorization: `Bearer ${m1.token}`, "x-workspace-id": ws, "content-type": "text/plain" },
      body: "hi",
    });
    expect(wrongType.status).toBe(415);
  });

  it("reopens and toggles under the edit rules", async () => {
    const t = await makeTask(m1, { assignee_ids: [viewer.memberId] });
    expect((await as(m1, "POST", `/api/v1/tasks/${t.id}/reopen`)).status).toBe(409);
    expect((await as(viewer, "POST", `/api/v1/tasks/${t.id}/toggle`)).status).toBe(403);
    const on = await as(m1, "POST", `/api/v1/tasks/${t.id}/toggle`);
    expect(on.body).toMatchObject({ status: "completed", completed_by: m1.memberId });
    const off = await as(m1, "POST", `/api/v1/tasks/${t.id}/toggle`);
    expect(off.body).toMatchObject({ status: "todo", completed_at: null, completed_by: null, verification_status: null });
    await as(m1, "POST", `/api/v1/tasks/${t.id}/complete`, { comment: "again" });
    const reopened = await as(m1, "POST", `/api/v1/tasks/${t.id}/reopen`);
    expect(reopened.status).toBe(200);
    expect(reopened.body).toMatchObject({ status: "todo", completion_comment: null });
    const cancelled = await as(m1, "PUT", `/api/v1/tasks/${t.id}`, { status: "cancelled" });
    expect(cancelled.body.status).toBe("cancelled");
    expect((await as(m1, "POST", `/api/v1/tasks/${t.id}/reopen`)).body.status).toBe("todo");
    const h = await as(m1, "GET", `/api/v1/tasks/${t.id}/history`);
    expect(h.body.items.map((e: { action: string }) => e.action)).toEqual([
      "reopened",
      "updated",
      "reopened",
      "completed",
      "reopened",
      "completed",
      "created",
    ]);
  });

  it("verifies or rejects completed work: the owner decides, doers are told", async () => {
    const t = await makeTask(m1, { assignee_ids: [m2.memberId] });
    const verify = (who: Who, body: unknown) => as(who, "POST", `/api/v1/tasks/${t.id}/verify`, body);
    expect((await verify(m1, { action: "verify" })).status).toBe(409); // not completed yet
    await as(m2, "POST", `/api/v1/tasks/${t.id}/complete`, { comment: "done" });
    expect((await verify(m2, { action: "verify" })).status).toBe(403); // an assignee does not verify
    const noReason = await verify(m1, { action: "reject" });
    expect(noReason.status).toBe(422);
    expect(noReason.body.detail[0].loc).toEqual(["body", "reason"]);
    expect((await verify(m1, { action: "approve" })).status).toBe(422);

    const rejected = await verify(m1, { action: "reject", reason: "Missing tests" });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({
      status: "in_progress",
      verification_status: "rejected",
      verified_by: m1.memberId,
      verification_comment: "Missing tests",
      completed_at: null,
    });
    expect((await notificationsFor(m2.memberId, "task_rejected")).find((n) => n.data.task_id === t.id)?.body).toBe("Missing tests");

    await as(m2, "POST", `/api/v1/tasks/${t.id}/complete`, { comment: "with tests" });
    const verified = await verify(m1, { action: "verify" });
    expect(verified.body).toMatchObject({ status: "completed", verification_status: "verified", verified_by: m1.memberId });
    expect((await notificationsFor(m2.memberId, "task_verified")).some((n) => n.data.task_id === t.id)).toBe(true);
    expect((await verify(m1, { action: "verify" })).status).toBe(409);
    // Admins (can_edit_action) may verify any task.
    const other = await makeTask(m2);
    await as(m2, "POST", `/api/v1/tasks/${other.id}/complete`);
    expect((await as(admin, "POST", `/api/v1/tasks/${other.id}/verify`, { action: "verify" })).status).toBe(200);
    const h = await as(m1, "GET", `/api/v1/tasks/${t.id}/history`);
    expect(h.body.items.map((e: { action: string }) => e.action)).toEqual(["verified", "completed", "rejected", "completed", "created"]);
    expect(h.body.items[2].comment).toBe("Missing tests");
  });
});

describe("channel tasks", () => {
  it("lists, creates, updates and deletes the tasks of a channel under channel access", async () => {
    const base = `/api/v1/channels/${publicChannel.slug}/tasks`;
    const created = await as(m1, "POST", base, { title: unique("Channel task"), assignee_ids: [m2.memberId] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ channel_id: publicChannel.id, channel_slug: publicChannel.slug, owner_id: m1.memberId });
    expect((await notificationsFor(m2.memberId, "task_assigned")).some((n) => n.data.task_id === created.body.id)).toBe(true);
    const standalone = await makeTask(m1);

    const list = await as(m2, "GET", `${base}?page_size=100`);
    expect(list.status).toBe(200);
    expect(ids(list)).toContain(created.body.id);
    expect(ids(list)).not.toContain(standalone.id);
    expect(list.body.items.every((t: { channel_id: string }) => t.channel_id === publicChannel.id)).toBe(true);
    const mineOpen = await as(m2, "GET", `${base}?assignee=me&include_completed=false&page_size=100`);
    expect(ids(mineOpen)).toContain(created.body.id);
    expect(mineOpen.body.items.every((t: { assignee_ids: string[]; status: string }) => t.assignee_ids.includes(m2.memberId))).toBe(true);

    const upd = await as(m2, "PUT", `${base}/${created.body.id}`, { status: "in_progress" });
    expect(upd.status).toBe(200);
    expect(upd.body.status).toBe("in_progress");
    // A task of another channel (or standalone) is not found through this channel.
    expect((await as(m1, "PUT", `${base}/${standalone.id}`, { title: "x" })).status).toBe(404);
    expect((await as(m1, "DELETE", `${base}/${standalone.id}`)).status).toBe(404);
    expect((await as(m1, "PUT", `${base}/${created.body.id}`, { title: "" })).status).toBe(422);
    expect((await as(m2, "DELETE", `${base}/${created.body.id}`)).status).toBe(403);
    expect((await as(m1, "DELETE", `${base}/${created.body.id}`)).status).toBe(204);
    expect((await as(m1, "GET", `/api/v1/tasks/${created.body.id}`)).status).toBe(404);
  });

  it("private channels: invisible to outsiders (404); viewers cannot create; bad input writes nothing", async () => {
    const base = `/api/v1/channels/${privateChannel.slug}/tasks`;
    const t = await as(m1, "POST", base, { title: unique("Secret") });
    expect(t.status).toBe(201);
    expect((await as(m2, "GET", base)).status).toBe(404);
    expect((await as(m2, "POST", base, { title: "x" })).status).toBe(404);
    expect((await as(m2, "PUT", `${base}/${t.body.id}`, { title: "x" })).status).toBe(404);
    expect((await as(m2, "DELETE", `${base}/${t.body.id}`)).status).toBe(404);
    expect((await as(admin, "GET", base)).body.items.map((x: { id: string }) => x.id)).toContain(t.body.id);
    expect((await as(m1, "GET", "/api/v1/channels/no-such-channel/tasks")).status).toBe(404);
    expect((await as(viewer, "POST", `/api/v1/channels/${publicChannel.slug}/tasks`, { title: "x" })).status).toBe(403);
    const before = await countTasks();
    const bad = await as(m1, "POST", base, { title: "x", assignee_ids: [crypto.randomUUID()] });
    expect(bad.status).toBe(422);
    expect(bad.body.detail[0].loc).toEqual(["body", "assignee_ids", 0]);
    expect(await countTasks()).toBe(before);
  });
});

describe("tasks: member offboarding", () => {
  it("lists a member's open tasks and goals, and hands them to another member", async () => {
    const leaving = await join(owner, "member");
    const owned = await makeTask(leaving);
    const assigned = await makeTask(m1, { assignee_ids: [leaving.memberId, m2.memberId] });
    const goal = await as(leaving, "POST", "/api/v1/goals", { title: unique("Leaving goal") });
    const items = await as(owner, "GET", `/api/v1/members/${leaving.memberId}/owned-items`);
    expect(items.status).toBe(200);
    expect(items.body.items.tasks.map((t: { id: string; relation: string }) => [t.id, t.relation]).sort()).toEqual(
      [
        [owned.id, "owner"],
        [assigned.id, "assignee"],
      ].sort(),
    );
    expect(items.body.items.goals.map((g: { id: string }) => g.id)).toEqual([goal.body.id]);
    const moved = await as(owner, "POST", `/api/v1/members/${leaving.memberId}/reassign`, { to_member_id: m2.memberId });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body.reassigned).toMatchObject({ tasks: 2, goals: 1 });
    expect((await as(owner, "GET", `/api/v1/tasks/${owned.id}`)).body.owner_id).toBe(m2.memberId);
    expect((await as(owner, "GET", `/api/v1/tasks/${assigned.id}`)).body.assignee_ids).toEqual([m2.memberId]);
  });
});

describe("tasks: another workspace", () => {
  it("is a 404 even for a real task id", async () => {
    const t = await makeTask(m1);
    const outsider = await signup();
    for (const [method, path] of [
      ["GET", `/api/v1/tasks/${t.id}`],
      ["PUT", `/api/v1/tasks/${t.id}`],
      ["POST", `/api/v1/tasks/${t.id}/complete`],
      ["GET", `/api/v1/channels/${publicChannel.slug}/tasks`],
    ] as const) {
      const r = await call(method, path, { token: outsider.token, workspace: ws, body: method === "PUT" ? { title: "x" } : undefined });
      expect(r.status, path).toBe(404);
    }
    // …and from the outsider's own workspace the task does not exist.
    expect((await call("GET", `/api/v1/tasks/${t.id}`, { token: outsider.token, workspace: outsider.workspaceId })).status).toBe(404);
    expect(ownerId).toBeTruthy();
  });
});

describe("tasks: contract", () => {
  it("documents every route, the seed's list filters and both complete bodies", async () => {
    const doc = (await call("GET", "/openapi.json")).body;
    const ops = [
      ["get", "/api/v1/tasks"],
      ["post", "/api/v1/tasks"],
      ["get", "/api/v1/tasks/{task_id}"],
      ["put", "/api/v1/tasks/{task_id}"],
      ["delete", "/api/v1/tasks/{task_id}"],
      ["get", "/api/v1/tasks/{task_id}/files"],
      ["get", "/api/v1/tasks/{task_id}/history"],
      ["post", "/api/v1/tasks/{task_id}/complete"],
      ["post", "/api/v1/tasks/{task_id}/reopen"],
      ["post", "/api/v1/tasks/{task_id}/toggle"],
      ["post", "/api/v1/tasks/{task_id}/verify"],
      ["get", "/api/v1/channels/{channel_slug}/tasks"],
      ["post", "/api/v1/channels/{channel_slug}/tasks"],
      ["put", "/api/v1/channels/{channel_slug}/tasks/{task_id}"],
      ["delete", "/api/v1/channels/{channel_slug}/tasks/{task_id}"],
    ];
    for (const [method, path] of ops) expect(doc.paths[path as string]?.[method as string], `${method} ${path}`).toBeTruthy();
    const params = doc.paths["/api/v1/tasks"].get.parameters.map((p: { name: string }) => p.name);
    expect(params).toEqual(
      expect.arrayContaining(
        "page page_size search status priority channel_id goal_id key_result_id owner assignee user_ids team_ids include_completed".split(
          " ",
        ),
      ),
    );
    const history = doc.paths["/api/v1/tasks/{task_id}/history"].get.parameters.map((p: { name: string }) => p.name);
    expect(history).toEqual(expect.arrayContaining(["limit", "offset"]));
    expect(Object.keys(doc.paths["/api/v1/tasks/{task_id}/complete"].post.requestBody.content).sort()).toEqual([
      "application/json",
      "multipart/form-data",
    ]);
  });
});

const id = "0190a0a0-0000-7000-8000-000000000000";
describeSecurity("tasks", [
  { method: "GET", path: "/api/v1/tasks", workspace: true },
  { method: "POST", path: "/api/v1/tasks", workspace: true, body: { title: "x" } },
  { method: "GET", path: `/api/v1/tasks/${id}`, workspace: true },
  { method: "PUT", path: `/api/v1/tasks/${id}`, workspace: true, body: { title: "x" } },
  { method: "DELETE", path: `/api/v1/tasks/${id}`, workspace: true },
  { method: "GET", path: `/api/v1/tasks/${id}/files`, workspace: true },
  { method: "GET", path: `/api/v1/tasks/${id}/history`, workspace: true },
  { method: "POST", path: `/api/v1/tasks/${id}/complete`, workspace: true, body: {} },
  { method: "POST", path: `/api/v1/tasks/${id}/reopen`, workspace: true },
  { method: "POST", path: `/api/v1/tasks/${id}/toggle`, workspace: true },
  { method: "POST", path: `/api/v1/tasks/${id}/verify`, workspace: true, body: { action: "verify" } },
  { method: "GET", path: "/api/v1/channels/general/tasks", workspace: true },
  { method: "POST", path: "/api/v1/channels/general/tasks", workspace: true, body: { title: "x" } },
  { method: "PUT", path: `/api/v1/channels/general/tasks/${id}`, workspace: true, body: { title: "x" } },
  { method: "DELETE", path: `/api/v1/channels/general/tasks/${id}`, workspace: true },
]);
