import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { and, count, eq, sql } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { handlers, type QueueMessage, queue } from "../queues";
import { activities } from "../src/modules/activity/tables";
import { channelMembers, channels } from "../src/modules/channels/tables";
import { notifications } from "../src/modules/notifications/tables";
import { rolePermissions } from "../src/modules/permissions/tables";
import { taskAssignees, tasks } from "../src/modules/tasks/tables";
import { teamMembers, teams } from "../src/modules/teams/tables";
import type { Db } from "../src/platform/db";
import { jobs } from "../src/platform/jobs/tables";
import { call, databaseUrl, env, type Joined, join, raw, type SignedUp, signup, withControl, withDb } from "./harness";
import { describeSecurity } from "./security";

const tenantUrl = (workspaceId: string) => databaseUrl(`ws_${workspaceId.replace(/-/g, "")}`);
const withTenant = <T>(workspaceId: string, f: (db: Db) => Promise<T>) => withDb(tenantUrl(workspaceId), f);

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** Midnight UTC five days ago: the test's activity lies in [T0, T0 + 5 days), safely in the past. */
const T0 = Math.floor(Date.now() / DAY) * DAY - 5 * DAY;
const day = (n: number) => new Date(T0 + n * DAY).toISOString().slice(0, 10);
const window = `start_date=${day(0)}&end_date=${day(4)}`;

let owner: SignedUp;
let member: Joined;
let viewer: Joined;
let outsider: SignedUp;
let ws: string;
let ownerId: string;
let teamId: string;
const A: Record<string, string> = {};

const as =
  (token: () => string) =>
  (method: string, path: string, body?: unknown, workspace = ws) =>
    call(method, path, { token: token(), workspace, body });
const asOwner = as(() => owner.token);
const asMember = as(() => member.token);
const asViewer = as(() => viewer.token);

let statsBefore: { owner: any; member: any };

beforeAll(async () => {
  [owner, outsider] = await Promise.all([signup(), signup()]);
  ws = owner.workspaceId;
  member = await join(owner, "member");
  viewer = await join(owner, "viewer");
  ownerId = (await call("GET", "/api/v1/members/me", { token: owner.token, workspace: ws })).body.id;
  statsBefore = {
    owner: (await asOwner("GET", "/api/v1/activity/stats")).body,
    member: (await asMember("GET", "/api/v1/activity/stats")).body,
  };
  await withTenant(ws, async (db) => {
    const [secret] = await db.insert(channels).values({ slug: "secret", name: "Secret", isPrivate: true }).returning();
    await db.insert(channelMembers).values({ channelId: secret?.id as string, memberId: ownerId, role: "admin" });
    const [team] = await db.insert(teams).values({ name: "Builders" }).returning();
    teamId = team?.id as string;
    await db.insert(teamMembers).values({ teamId, memberId: member.memberId });
    // Task activities are about a real standalone task that the member and the viewer are
    // assigned to: standalone tasks' activity is visible only to who may open the task.
    const [alpha] = await db.insert(tasks).values({ title: "Alpha", ownerMemberId: ownerId }).returning();
    const alphaId = alpha?.id as string;
    await db.insert(taskAssignees).values([
      { taskId: alphaId, memberId: member.memberId },
      { taskId: alphaId, memberId: viewer.memberId },
    ]);
    const rows: [string, string, string | null, string, number, string | null][] = [
      ["a9", "task.updated", ownerId, `=cmd|"/c calc"!A1, "quoted"`, 0.5 * HOUR, null],
      ["a1", "task.created", ownerId, "Created task Alpha", 1 * HOUR, null],
      ["a2", "task.completed", member.memberId, "Completed 100% of Alpha", 2 * HOUR, null],
      ["a3", "goal.created", member.memberId, "Created goal 100 users", DAY + HOUR, null],
      ["a4", "record.imported", viewer.memberId, "Imported 10_000 records", 2 * DAY, null],
      ["a5", "channel.message_posted", ownerId, "Posted in secret", 2 * DAY + HOUR, secret?.id as string],
      ["a6", "member.joined", null, "Someone joined", 3 * DAY, null],
      ["a7", "integration.synced", null, "Synced Slack", 3 * DAY + HOUR, null],
      ["a8", "meeting.started", member.memberId, "Started standup", 4 * DAY, null],
    ];
    for (const [key, type, actor, summary, at, channelId] of rows) {
      const [r] = await db
        .insert(activities)
        .values({
          type,
          actorMemberId: actor,
          subjectType: type.split(".")[0] as string,
          subjectId: type.startsWith("task.") ? alphaId : crypto.randomUUID(),
          channelId,
          summary,
          data: { key },
          createdAt: new Date(T0 + at),
        })
        .returning();
      A[key] = r?.id as string;
    }
  });
});

/** The feed's ids in the test window as the `key`s of the rows above, in the order returned. */
const keysOf = (body: any) => body.activities.map((a: any) => a.data.key);
const feed = (who: typeof asOwner, query = "") => who("GET", `/api/v1/activity/feed?${window}${query ? `&${query}` : ""}`);

describe("activity feed", () => {
  it("lists what happened, newest first, with actors, categories and pagination", async () => {
    const r = await feed(asOwner);
    expect(r.status).toBe(200);
    expect(keysOf(r.body)).toEqual(["a8", "a7", "a6", "a5", "a4", "a3", "a2", "a1", "a9"]);
    expect(r.body).toMatchObject({ total: 9, limit: 20, offset: 0, has_more: false });
    const a2 = r.body.activities.find((a: any) => a.id === A.a2);
    expect(a2).toMatchObject({
      type: "task.completed",
      category: "action",
      actor_member_id: member.memberId,
      actor: { member_id: member.memberId, name: "A member", email: member.email },
      subject_type: "task",
      summary: "Completed 100% of Alpha",
      created_at: new Date(T0 + 2 * HOUR).toISOString(),
    });
    expect(r.body.activities.find((a: any) => a.id === A.a6)).toMatchObject({ actor: null, category: "user" });
    const page = await feed(asOwner, "limit=4&offset=4");
    expect(keysOf(page.body)).toEqual(["a4", "a3", "a2", "a1"]);
    expect(page.body).toMatchObject({ total: 9, has_more: true });
    expect(keysOf((await feed(asOwner, "limit=4&offset=8")).body)).toEqual(["a9"]);
  });

  it("hides activity of channels the caller cannot see", async () => {
    const r = await feed(asMember);
    expect(keysOf(r.body)).toEqual(["a8", "a7", "a6", "a4", "a3", "a2", "a1", "a9"]);
    expect(r.body.total).toBe(8);
  });

  it("hides activity of resources the caller's role may not view", async () => {
    await withTenant(ws, (db) => db.insert(rolePermissions).values({ role: "viewer", permission: "can_view_goal", allowed: false }));
    try {
      expect(keysOf((await feed(asViewer)).body)).not.toContain("a3");
      expect(keysOf((await feed(asViewer)).body)).toContain("a2");
    } finally {
      await withTenant(ws, (db) => db.delete(rolePermissions).where(eq(rolePermissions.role, "viewer")));
    }
  });

  it("filters by types: categories (action = tasks, user = members) and exact types", async () => {
    expect(keysOf((await feed(asOwner, "types=action")).body)).toEqual(["a2", "a1", "a9"]);
    expect(keysOf((await feed(asOwner, "types=goal,record")).body)).toEqual(["a4", "a3"]);
    expect(keysOf((await feed(asOwner, "types=task.completed,integration")).body)).toEqual(["a7", "a2"]);
    expect(keysOf((await feed(asOwner, "types=user")).body)).toEqual(["a6"]);
    expect(keysOf((await feed(asOwner, "types=meeting")).body)).toEqual(["a8"]);
    expect(keysOf((await feed(asOwner, "types=nothing")).body)).toEqual([]);
  });

  it("searches descriptions case-insensitively, with % and _ taken literally", async () => {
    expect(keysOf((await feed(asOwner, "search=alpha")).body)).toEqual(["a2", "a1"]);
    expect(keysOf((await feed(asOwner, `search=${encodeURIComponent("100%")}`)).body)).toEqual(["a2"]);
    expect(keysOf((await feed(asOwner, `search=${encodeURIComponent("%")}`)).body)).toEqual(["a2"]);
    expect(keysOf((await feed(asOwner, "search=_")).body)).toEqual(["a4"]);
  });

  it("filters by dates: date-only bounds cover whole days, date-times are exact", async () => {
    const oneDay = await asOwner("GET", `/api/v1/activity/feed?start_date=${day(2)}&end_date=${day(2)}`);
    expect(keysOf(oneDay.body)).toEqual(["a5", "a4"]);
    const from = encodeURIComponent(new Date(T0 + 2 * DAY + 30 * 60_000).toISOString());
    const to = encodeURIComponent(new Date(T0 + 3 * DAY).toISOString());
    expect(keysOf((await asOwner("GET", `/api/v1/activity/feed?start_date=${from}&end_date=${to}`)).body)).toEqual(["a6", "a5"]);
  });

  it("filters by scope, user_ids and team_ids", async () => {
    expect(keysOf((await feed(asMember, "scope=mine")).body)).toEqual(["a8", "a3", "a2"]);
    expect(keysOf((await feed(asOwner, "scope=mine")).body)).toEqual(["a5", "a1", "a9"]);
    expect(keysOf((await feed(asOwner, "scope=all")).body)).toHaveLength(9);
    expect(keysOf((await feed(asOwner, `user_ids=${viewer.memberId}`)).body)).toEqual(["a4"]);
    expect(keysOf((await feed(asOwner, `user_ids=${viewer.memberId},%20${ownerId}`)).body)).toEqual(["a5", "a4", "a1", "a9"]);
    expect(keysOf((await feed(asOwner, `team_ids=${teamId}`)).body)).toEqual(["a8", "a3", "a2"]);
    expect(keysOf((await feed(asOwner, `team_ids=${teamId}&types=goal`)).body)).toEqual(["a3"]);
  });

  it("answers bad filters with 422 in the platform shape", async () => {
    const cases: [string, string][] = [
      ["user_ids=not-a-uuid", "user_ids"],
      ["team_ids=1,2", "team_ids"],
      ["types=Bad%20Type!", "types"],
      ["scope=everyone", "scope"],
      ["start_date=yesterday", "start_date"],
      [`start_date=${day(3)}&end_date=${day(1)}`, "end_date"],
      ["limit=0", "limit"],
      ["limit=101", "limit"],
      ["offset=-1", "offset"],
    ];
    for (const [q, field] of cases) {
      const r = await asOwner("GET", `/api/v1/activity/feed?${q}`);
      expect(r.status, q).toBe(422);
      expect(r.body).toMatchObject({ code: "validation_error", request_id: expect.any(String) });
      expect(r.body.detail[0].loc, q).toEqual(["query", field]);
    }
  });
});

describe("activity stats", () => {
  const byType = (s: any, t: string) => s.by_type.find((x: any) => x.type === t)?.count ?? 0;
  const byCategory = (s: any, c: string) => s.by_category.find((x: any) => x.category === c)?.count ?? 0;
  const onDay = (s: any, d: string) => s.by_day.find((x: any) => x.date === d)?.count ?? 0;
  const actor = (s: any, id: string) => s.top_actors.find((x: any) => x.member_id === id)?.count ?? 0;

  it("counts by type, category, day (30 days) and actor, over what the caller may see", async () => {
    const r = await asOwner("GET", "/api/v1/activity/stats");
    expect(r.status).toBe(200);
    const s = r.body;
    const b = statsBefore.owner;
    expect(s.period_days).toBe(30);
    expect(s.by_day).toHaveLength(30);
    expect(s.by_day.at(-1).date).toBe(new Date().toISOString().slice(0, 10));
    expect(s.by_day.map((d: any) => d.date)).toEqual([...s.by_day.map((d: any) => d.date)].sort());
    expect(s.total - b.total).toBe(9);
    expect(s.last_30_days - b.last_30_days).toBe(9);
    expect(s.mine_last_30_days - b.mine_last_30_days).toBe(3);
    expect(byType(s, "task.created") - byType(b, "task.created")).toBe(1);
    expect(byCategory(s, "action") - byCategory(b, "action")).toBe(3);
    expect(onDay(s, day(0)) - onDay(b, day(0))).toBe(3);
    expect(onDay(s, day(2)) - onDay(b, day(2))).toBe(2);
    expect(actor(s, member.memberId) - actor(b, member.memberId)).toBe(3);
    expect(s.top_actors.find((x: any) => x.member_id === member.memberId)).toMatchObject({ name: "A member" });
    const m = (await asMember("GET", "/api/v1/activity/stats")).body;
    expect(m.total - statsBefore.member.total).toBe(8); // not the private channel's
    expect(m.mine_last_30_days - statsBefore.member.mine_last_30_days).toBe(3);
  });
});

// ---- exports --------------------------------------------------------------------------------

/** Runs the REPORTS_QUEUE consumer (the test pool does not) on `body`; returns acks and retries. */
async function deliver(body: QueueMessage, id = `m-${crypto.randomUUID()}`) {
  const batch = createMessageBatch("atrium-reports", [{ id, timestamp: new Date(), attempts: 1, body }]);
  const ctx = createExecutionContext();
  await queue(batch as never, env, ctx);
  const result = (await getQueueResult(batch, ctx)) as unknown as { explicitAcks: string[]; retryMessages: { msgId: string }[] };
  return { id, ...result };
}

afterEach(() => {
  vi.restoreAllMocks();
});

/** Starts an export as `who` and returns the job id and the message it enqueued. */
async function startExport(who: typeof asOwner, body: Record<string, unknown>) {
  const spy = vi.spyOn(env.REPORTS_QUEUE, "send").mockResolvedValue(undefined as never);
  const r = await who("POST", "/api/v1/activity/export", body);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  expect(spy).toHaveBeenCalledTimes(1);
  const message = spy.mock.calls[0]?.[0] as QueueMessage;
  spy.mockRestore();
  return { jobId: r.body.job_id as string, message, body: r.body };
}

const ownerJobs = () =>
  withControl(
    async (db) =>
      (
        await db
          .select({ n: count() })
          .from(jobs)
          .where(and(eq(jobs.userId, owner.userId), eq(jobs.kind, "activity.export")))
      )[0]?.n,
  );

function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(field);
      field = "";
    } else if (ch === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i++;
    } else field += ch;
  }
  return rows;
}

describe("activity export", () => {
  let jobId: string;
  let message: QueueMessage;

  it("registers its consumer for activity.export messages", () => {
    expect(handlers.has("activity.export")).toBe(true);
  });

  it("starts a job and enqueues an activity.export message with the filters", async () => {
    const started = await startExport(asOwner, { types: "action", start_date: day(0), end_date: day(4) });
    jobId = started.jobId;
    message = started.message;
    expect(started.body).toMatchObject({ status: "QUEUED", status_url: `/api/v1/activity/export/jobs/${jobId}` });
    expect(message).toMatchObject({
      type: "activity.export",
      job_id: jobId,
      workspace_id: ws,
      user_id: owner.userId,
      member_id: ownerId,
      request_id: expect.any(String),
      filters: { types: "action", start_date: day(0), end_date: day(4), scope: "all" },
    });
    const job = await asOwner("GET", `/api/v1/activity/export/jobs/${jobId}`);
    expect(job.status).toBe(200);
    expect(job.body).toMatchObject({ job_id: jobId, status: "QUEUED", progress: 0, output_data: null });
    expect((await asOwner("GET", `/api/v1/activity/export/jobs/${jobId}/download`)).status).toBe(409);
    expect((await asOwner("GET", `/api/v1/activity/export/jobs/${jobId}/download-url`)).status).toBe(409);
  });

  it("bad filters are a 422 and create no job", async () => {
    const before = await ownerJobs();
    for (const body of [{ start_date: "soon" }, { scope: "everyone" }, { user_ids: "x" }, { format: "xlsx" }]) {
      const r = await asOwner("POST", "/api/v1/activity/export", body);
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.body.code).toBe("validation_error");
    }
    expect(await ownerJobs()).toBe(before);
  });

  it("the consumer writes the CSV to R2, completes the job and notifies the requester", async () => {
    const result = await deliver(message);
    expect(result.explicitAcks).toEqual([result.id]);
    expect(result.retryMessages).toEqual([]);
    const job = await asOwner("GET", `/api/v1/activity/export/jobs/${jobId}`);
    expect(job.body).toMatchObject({
      status: "COMPLETED",
      progress: 100,
      error_message: null,
      started_at: expect.any(String),
      completed_at: expect.any(String),
      output_data: {
        download_url: `${env.API_URL}/api/v1/activity/export/jobs/${jobId}/download`,
        rows: 3,
        content_type: "text/csv; charset=utf-8",
        filename: expect.stringMatching(/^activity-export-\d{4}-\d{2}-\d{2}-[0-9a-f]{8}\.csv$/),
      },
    });
    const obj = await env.FILES.head(`reports/${ws}/${jobId}.csv`);
    expect(obj?.size).toBe(job.body.output_data.size_bytes);
    const notes = await withTenant(ws, (db) =>
      db
        .select()
        .from(notifications)
        .where(and(eq(notifications.recipientMemberId, ownerId), eq(notifications.eventType, "export_ready"))),
    );
    expect(notes.filter((n) => (n.data as { job_id?: string }).job_id === jobId)).toHaveLength(1);
  });

  it("downloads the CSV: the filtered feed, quoted, formulas defused", async () => {
    const r = await raw(`/api/v1/activity/export/jobs/${jobId}/download`, {
      headers: { authorization: `Bearer ${owner.token}`, "x-workspace-id": ws },
    });
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(r.headers.get("content-disposition")).toMatch(/^attachment; filename="activity-export-.*\.csv"$/);
    const rows = parseCsv(await r.text());
    expect(rows[0]).toEqual([
      "created_at",
      "type",
      "category",
      "actor_member_id",
      "actor_name",
      "actor_email",
      "subject_type",
      "subject_id",
      "channel_id",
      "summary",
      "data",
    ]);
    expect(rows.slice(1).map((x) => x[1])).toEqual(["task.completed", "task.created", "task.updated"]);
    expect(rows[1]).toMatchObject({
      0: new Date(T0 + 2 * HOUR).toISOString(),
      2: "action",
      3: member.memberId,
      4: "A member",
      9: "Completed 100% of Alpha",
    });
    expect(rows[3]?.[9]).toBe(`'=cmd|"/c calc"!A1, "quoted"`);
    expect(JSON.parse(rows[3]?.[10] as string)).toEqual({ key: "a9" });
  });

  it("gives a signed, expiring URL that works without a token (and not when tampered with)", async () => {
    const r = await asOwner("GET", `/api/v1/activity/export/jobs/${jobId}/download-url`);
    expect(r.status).toBe(200);
    expect(r.body.filename).toMatch(/\.csv$/);
    const expires = new Date(r.body.expires_at).getTime();
    expect(expires).toBeGreaterThan(Date.now() + 50 * 60_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 61 * 60_000);
    const url = new URL(r.body.url);
    expect(url.pathname).toBe("/api/v1/files/download");
    const file = await raw(`${url.pathname}${url.search}`);
    expect(file.status).toBe(200);
    expect(await file.text()).toContain("Completed 100% of Alpha");
    const tampered = new URL(url);
    tampered.searchParams.set("key", `reports/${outsider.workspaceId}/${jobId}.csv`);
    expect((await raw(`${tampered.pathname}${tampered.search}`)).status).toBe(403);
  });

  it("is redelivery-safe: a second delivery acks, keeps the job and notifies no one again", async () => {
    const again = await deliver(message);
    expect(again.explicitAcks).toEqual([again.id]);
    expect((await asOwner("GET", `/api/v1/activity/export/jobs/${jobId}`)).body).toMatchObject({
      status: "COMPLETED",
      output_data: { rows: 3 },
    });
    const notes = await withTenant(ws, (db) =>
      db
        .select()
        .from(notifications)
        .where(and(eq(notifications.eventType, "export_ready"), sql`${notifications.data}->>'job_id' = ${jobId}`)),
    );
    expect(notes).toHaveLength(1);
  });

  it("lists the caller's jobs only; other members' jobs are 404 everywhere", async () => {
    const mine = await asOwner("GET", "/api/v1/activity/export/jobs?limit=5");
    expect(mine.status).toBe(200);
    expect(mine.body[0]).toMatchObject({ job_id: jobId, status: "COMPLETED" });
    expect((await asMember("GET", "/api/v1/activity/export/jobs")).body).toEqual([]);
    for (const p of ["", "/download", "/download-url"]) {
      expect((await asMember("GET", `/api/v1/activity/export/jobs/${jobId}${p}`)).status, p).toBe(404);
      const outside = await call("GET", `/api/v1/activity/export/jobs/${jobId}${p}`, {
        token: outsider.token,
        workspace: outsider.workspaceId,
      });
      expect(outside.status, p).toBe(404);
    }
    expect((await asOwner("GET", `/api/v1/activity/export/jobs/${crypto.randomUUID()}`)).status).toBe(404);
    expect((await asOwner("GET", "/api/v1/activity/export/jobs/not-a-job")).status).toBe(404);
    expect((await asOwner("GET", "/api/v1/activity/export/jobs?limit=101")).status).toBe(422);
  });

  it("an export shows what the requester's feed shows (no private channel for a member)", async () => {
    const { jobId: id, message: m } = await startExport(asMember, { start_date: day(0), end_date: day(4) });
    await deliver(m);
    const job = await asMember("GET", `/api/v1/activity/export/jobs/${id}`);
    expect(job.body.output_data.rows).toBe(8);
    const csv = await (
      await raw(`/api/v1/activity/export/jobs/${id}/download`, {
        headers: { authorization: `Bearer ${member.token}`, "x-workspace-id": ws },
      })
    ).text();
    expect(csv).not.toContain("Posted in secret");
    expect(csv).toContain("Synced Slack");
  });

  it("fails the job (acked, not retried) when the requester has left the workspace", async () => {
    const leaver = await join(owner, "member");
    const { jobId: id, message: m } = await startExport(
      as(() => leaver.token),
      {},
    );
    const removed = await call("DELETE", `/api/v1/workspaces/${ws}/members/${leaver.membershipId}`, { token: owner.token, workspace: ws });
    expect(removed.status).toBe(200);
    const r = await deliver(m);
    expect(r.explicitAcks).toEqual([r.id]);
    const [row] = await withControl((db) => db.select().from(jobs).where(eq(jobs.id, id)));
    expect(row).toMatchObject({ status: "FAILED" });
  });
});

describe("large exports", () => {
  it("streams 12,000 rows in keyset pages into a multipart R2 object, each row once", async () => {
    const big = await signup();
    const bigMember = (await call("GET", "/api/v1/members/me", { token: big.token, workspace: big.workspaceId })).body.id as string;
    const N = 12_000;
    // ~550-byte rows: more than one 5 MiB part. Three rows share each timestamp, so pages split ties.
    await withTenant(big.workspaceId, (db) =>
      db.execute(sql`
        INSERT INTO activities (id, type, actor_member_id, subject_type, subject_id, summary, data, created_at)
        SELECT gen_random_uuid(), 'task.created', ${bigMember}::uuid, 'task', gen_random_uuid(),
               'Row ' || i || ' ' || repeat('x', 400), jsonb_build_object('i', i), now() - interval '1 day' - (i / 3) * interval '1 second'
        FROM generate_series(1, ${N}) AS i`),
    );
    const asBig = (method: string, path: string, body?: unknown) =>
      call(method, path, { token: big.token, workspace: big.workspaceId, body });
    const spy = vi.spyOn(env.REPORTS_QUEUE, "send").mockResolvedValue(undefined as never);
    const started = await asBig("POST", "/api/v1/activity/export", { types: "action" });
    const m = spy.mock.calls[0]?.[0] as QueueMessage;
    spy.mockRestore();
    const t = Date.now();
    const r = await deliver(m);
    const elapsed = Date.now() - t;
    expect(r.explicitAcks).toEqual([r.id]);
    const job = (await asBig("GET", `/api/v1/activity/export/jobs/${started.body.job_id}`)).body;
    expect(job.output_data.rows).toBe(N);
    expect(job.output_data.size_bytes).toBeGreaterThan(5 * 1024 * 1024);
    const res = await raw(`/api/v1/activity/export/jobs/${started.body.job_id}/download`, {
      headers: { authorization: `Bearer ${big.token}`, "x-workspace-id": big.workspaceId },
    });
    const text = await res.text();
    expect(new TextEncoder().encode(text).length).toBe(job.output_data.size_bytes);
    const rows = parseCsv(text).slice(1);
    const seen = new Set(rows.map((x) => JSON.parse(x[10] as string).i));
    expect(rows).toHaveLength(N);
    expect(seen.size).toBe(N);
    console.log(`export of ${N} rows (${job.output_data.size_bytes} bytes): ${elapsed} ms`);
  }, 120_000);
});

const someJob = "6f1c0a52-3e43-4b8e-9d7e-0f6b1f1d2c3a";
describeSecurity("activity", [
  { method: "GET", path: "/api/v1/activity/feed", workspace: true },
  { method: "GET", path: "/api/v1/activity/stats", workspace: true },
  { method: "POST", path: "/api/v1/activity/export", body: {}, workspace: true },
  { method: "GET", path: "/api/v1/activity/export/jobs", workspace: true },
  { method: "GET", path: `/api/v1/activity/export/jobs/${someJob}`, workspace: true },
  { method: "GET", path: `/api/v1/activity/export/jobs/${someJob}/download`, workspace: true },
  { method: "GET", path: `/api/v1/activity/export/jobs/${someJob}/download-url`, workspace: true },
]);

describe("standalone tasks in the feed", () => {
  it("only their owner, assignees, the actor and admins see a standalone task's activity", async () => {
    const owner = await signup();
    const [a, b] = await Promise.all([join(owner, "member"), join(owner, "member")]);
    const ws = owner.workspaceId;
    const title = `Secret ${crypto.randomUUID()}`;
    const made = await call("POST", "/api/v1/tasks", { token: a.token, workspace: ws, body: { title } });
    expect(made.status).toBe(201);
    const seen = async (token: string) => {
      const r = await call("GET", `/api/v1/activity/feed?search=${encodeURIComponent(title)}`, { token, workspace: ws });
      expect(r.status).toBe(200);
      return r.body.total as number;
    };
    expect(await seen(a.token)).toBeGreaterThan(0);
    expect(await seen(owner.token)).toBeGreaterThan(0);
    expect(await seen(b.token)).toBe(0);
    expect((await call("GET", `/api/v1/tasks/${made.body.id}`, { token: b.token, workspace: ws })).status).toBe(404);
  });
});
