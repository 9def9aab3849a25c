import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { activities } from "../src/modules/activity/tables";
import { channelAccess, channelFiles, channelMembers, channelRecords, channels, messages } from "../src/modules/channels/tables";
import { roomClient } from "../src/platform/clients/rooms";
import type { Db } from "../src/platform/db";
import { signDownloadUrl } from "../src/platform/signed-urls";
import { call, databaseUrl, env, type Joined, join, raw, type SignedUp, signup, withDb } from "./harness";
import { describeSecurity } from "./security";

const withTenant = <T>(workspaceId: string, f: (db: Db) => Promise<T>) => withDb(databaseUrl(`ws_${workspaceId.replace(/-/g, "")}`), f);

let owner: SignedUp;
let admin: Joined;
let member: Joined;
let member2: Joined;
let viewer: Joined;
let outsider: SignedUp;
let ws: string;
let ownerMemberId: string;

beforeAll(async () => {
  [owner, outsider] = await Promise.all([signup(), signup()]);
  ws = owner.workspaceId;
  admin = await join(owner, "admin");
  member = await join(owner, "member");
  member2 = await join(owner, "member");
  viewer = await join(owner, "viewer");
  ownerMemberId = (await call("GET", "/api/v1/members/me", { token: owner.token, workspace: ws })).body.id;
});

type Who = { token: string };
const as = (who: () => Who) => (method: string, path: string, body?: unknown) =>
  call(method, path, { token: who().token, workspace: ws, body });
const asOwner = as(() => owner);
const asAdmin = as(() => admin);
const asMember = as(() => member);
const asMember2 = as(() => member2);
const asViewer = as(() => viewer);

let seq = 0;
const uniqueName = (prefix = "Chan") => `${prefix} ${Date.now().toString(36)}${(seq++).toString(36)}`;

async function makeChannel(by: ReturnType<typeof as>, body: Record<string, unknown> = {}) {
  const r = await by("POST", "/api/v1/channels", { name: uniqueName(), ...body });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as { id: string; slug: string; name: string };
}

const ch = (slug: string, rest = "") => `/api/v1/channels/${slug}${rest}`;
const countChannels = () => withTenant(ws, (db) => db.$count(channels));
const roomEvents = async (channelId: string) =>
  roomClient(env.CHANNEL_ROOM.get(env.CHANNEL_ROOM.idFromName(`${ws}:${channelId}`))).replay(0) as Promise<
    { id: number; event?: string; data: any }[]
  >;

describe("channels: create, read, update", () => {
  it("creates a channel with a slug from its name; the creator is its admin", async () => {
    const name = uniqueName("Café Résumé!");
    const r = await asMember("POST", "/api/v1/channels", { name: `  ${name}  `, description: "Talk", member_ids: [member2.memberId] });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({
      name,
      slug: `cafe-resume-${name.split(" ").pop()}`,
      description: "Talk",
      is_private: false,
      is_archived: false,
      is_completed: false,
      member_count: 2,
      is_member: true,
      channel_role: "admin",
      unread_count: 0,
    });
    const members = await asMember("GET", ch(r.body.slug, "/members"));
    expect(members.body.map((m: any) => [m.member_id, m.role])).toEqual(
      expect.arrayContaining([
        [member.memberId, "admin"],
        [member2.memberId, "member"],
      ]),
    );
    expect(members.body[0].role).toBe("admin");
    const got = await asMember2("GET", ch(r.body.slug));
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ id: r.body.id, is_member: true, channel_role: "member" });
  });

  it("makes slugs unique with -2, -3 and keeps them when the channel is renamed", async () => {
    const name = uniqueName("Launch Plans");
    const a = await makeChannel(asOwner, { name });
    const b = await makeChannel(asOwner, { name });
    const c = await makeChannel(asOwner, { name });
    expect(b.slug).toBe(`${a.slug}-2`);
    expect(c.slug).toBe(`${a.slug}-3`);
    const renamed = await asOwner("PUT", ch(b.slug), { name: "Something else", description: null });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ slug: b.slug, name: "Something else", description: null });
    // A name that would clash with a static path, or has no ASCII letters, still gets a usable slug.
    expect((await makeChannel(asOwner, { name: "Unread counts" })).slug).toMatch(/^unread-counts-\d+$/);
    expect((await makeChannel(asOwner, { name: "日本語" })).slug).toMatch(/^channel(-\d+)?$/);
  });

  it("refuses bad input with 422 and writes nothing", async () => {
    const before = await countChannels();
    for (const body of [
      {},
      { name: "" },
      { name: "x".repeat(81) },
      { name: "ok", is_private: "yes" },
      { name: "ok", member_ids: ["not-a-uuid"] },
      { name: "ok", member_ids: [crypto.randomUUID()] },
      { name: "ok", team_ids: [crypto.randomUUID()] },
    ]) {
      const r = await asOwner("POST", "/api/v1/channels", body);
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.body.code).toBe("validation_error");
      expect(Array.isArray(r.body.detail)).toBe(true);
      expect(r.body.detail[0].loc[0]).toBe("body");
      expect(typeof r.body.request_id).toBe("string");
    }
    const unknownMember = await asOwner("POST", "/api/v1/channels", { name: "ok", member_ids: [crypto.randomUUID()] });
    expect(unknownMember.body.detail[0].loc).toEqual(["body", "member_ids"]);
    const c = await makeChannel(asOwner);
    const badPut = await asOwner("PUT", ch(c.slug), { name: "" });
    expect(badPut.status).toBe(422);
    expect(await countChannels()).toBe(before + 1);
    expect((await asOwner("GET", ch(c.slug))).body.name).toBe(c.name);
  });

  it("viewers cannot create channels; members can", async () => {
    const before = await countChannels();
    const r = await asViewer("POST", "/api/v1/channels", { name: uniqueName() });
    expect(r.status).toBe(403);
    expect(await countChannels()).toBe(before);
  });

  it("only channel admins and can_manage_channel holders update; the slug never changes", async () => {
    const c = await makeChannel(asMember, { member_ids: [member2.memberId] });
    expect((await asMember2("PUT", ch(c.slug), { name: "Nope" })).status).toBe(403);
    expect((await asViewer("PUT", ch(c.slug), { name: "Nope" })).status).toBe(403);
    const byCreator = await asMember("PUT", ch(c.slug), { description: "by the channel admin" });
    expect(byCreator.status).toBe(200);
    const byAdmin = await asAdmin("PUT", ch(c.slug), { name: "Renamed by admin", is_private: true });
    expect(byAdmin.body).toMatchObject({ slug: c.slug, name: "Renamed by admin", is_private: true, description: "by the channel admin" });
  });
});

describe("channels: visibility", () => {
  it("hides private channels from members and viewers without access (404), shows them to managers", async () => {
    const priv = await makeChannel(asMember, { is_private: true });
    const pub = await makeChannel(asMember);
    for (const who of [asMember2, asViewer]) {
      const r = await who("GET", ch(priv.slug));
      expect(r.status).toBe(404);
      expect(r.body.code).toBe("not_found");
      for (const path of ["/members", "/access", "/files", "/records", "/activities", "/permissions"]) {
        expect((await who("GET", ch(priv.slug, path))).status, path).toBe(404);
      }
      expect((await who("POST", ch(priv.slug, "/members/join"))).status).toBe(404);
      const list = await who("GET", `/api/v1/channels?limit=100&search=${encodeURIComponent(priv.name)}`);
      expect(list.body.items.map((c: any) => c.id)).not.toContain(priv.id);
      expect((await who("GET", ch(pub.slug))).status).toBe(200);
    }
    for (const who of [asOwner, asAdmin, asMember]) {
      expect((await who("GET", ch(priv.slug))).status).toBe(200);
      const list = await who("GET", `/api/v1/channels?search=${encodeURIComponent(priv.name)}`);
      expect(list.body.items.map((c: any) => c.id)).toContain(priv.id);
    }
    // The owner sees it without participating, and may manage it.
    const perms = await asOwner("GET", ch(priv.slug, "/permissions"));
    expect(perms.body).toMatchObject({ can_view: true, can_manage: true, is_member: false, can_join: true });
  });

  it("a channel of another workspace is 404, even with its slug", async () => {
    const c = await makeChannel(asOwner);
    const r = await call("GET", ch(c.slug), { token: outsider.token, workspace: outsider.workspaceId });
    expect(r.status).toBe(404);
    const inVictim = await call("GET", ch(c.slug), { token: outsider.token, workspace: ws });
    expect(inVictim.status).toBe(404);
  });

  it("lists with filters, search and page/page_size or skip/limit", async () => {
    const tag = uniqueName("Filterable");
    const a = await makeChannel(asOwner, { name: `${tag} A` });
    const b = await makeChannel(asOwner, { name: `${tag} B`, is_private: true });
    const c = await makeChannel(asOwner, { name: `${tag} C` });
    await asOwner("POST", ch(c.slug, "/complete"));
    const q = (s: string) => asOwner("GET", `/api/v1/channels?search=${encodeURIComponent(tag)}${s}`);
    const all = await q("");
    expect(all.body.items.map((x: any) => x.id)).toEqual([a.id, b.id, c.id]);
    expect(all.body.total).toBe(3);
    expect((await q("&type=private")).body.items.map((x: any) => x.id)).toEqual([b.id]);
    expect((await q("&type=public")).body.items.map((x: any) => x.id)).toEqual([a.id, c.id]);
    expect((await q("&is_archived=true")).body.items.map((x: any) => x.id)).toEqual([c.id]);
    expect((await q("&status=active")).body.items.map((x: any) => x.id)).toEqual([a.id, b.id]);
    expect((await q("&is_completed=true")).body.items.map((x: any) => x.id)).toEqual([c.id]);
    const page2 = await q("&page=2&page_size=1");
    expect(page2.body).toMatchObject({ total: 3, page: 2, page_size: 1, skip: 1, limit: 1 });
    expect(page2.body.items.map((x: any) => x.id)).toEqual([b.id]);
    const skipped = await q("&skip=2&limit=5");
    expect(skipped.body.items.map((x: any) => x.id)).toEqual([c.id]);
    expect((await q("&skip=10")).body).toMatchObject({ items: [], total: 3 });
    expect((await q("&limit=0")).status).toBe(422);
    expect((await q("&page_size=101")).status).toBe(422);
    expect((await q("&type=secret")).status).toBe(422);
  });

  it("counts unread messages after the read marker (not your own)", async () => {
    const c = await makeChannel(asOwner, { member_ids: [member.memberId] });
    await withTenant(ws, async (db) => {
      await db.insert(messages).values([
        { channelId: c.id, seq: 1, authorMemberId: ownerMemberId, content: "one" },
        { channelId: c.id, seq: 2, authorMemberId: ownerMemberId, content: "two" },
        { channelId: c.id, seq: 3, authorMemberId: member.memberId, content: "mine" },
        { channelId: c.id, seq: 4, authorMemberId: ownerMemberId, content: "gone", deletedAt: new Date() },
      ]);
      await db.update(channels).set({ lastMessageSeq: 4 }).where(eq(channels.id, c.id));
    });
    expect((await asMember("GET", ch(c.slug))).body.unread_count).toBe(2);
    expect((await asOwner("GET", ch(c.slug))).body.unread_count).toBe(1);
    expect((await asAdmin("GET", ch(c.slug))).body.unread_count).toBeNull();
    const listed = await asMember("GET", `/api/v1/channels?search=${encodeURIComponent(c.name)}`);
    expect(listed.body.items[0]).toMatchObject({ id: c.id, unread_count: 2, last_message_seq: 4 });
  });
});

describe("channels: join, leave, members", () => {
  it("anyone who sees a public channel joins and leaves it; viewers join but cannot post", async () => {
    const c = await makeChannel(asMember);
    const joined = await asMember2("POST", ch(c.slug, "/members/join"));
    expect(joined.status).toBe(200);
    expect(joined.body).toMatchObject({ member_id: member2.memberId, role: "member" });
    expect((await asMember2("POST", ch(c.slug, "/members/join"))).status).toBe(200);
    const v = await asViewer("POST", ch(c.slug, "/members/join"));
    expect(v.status).toBe(200);
    const vp = await asViewer("GET", ch(c.slug, "/permissions"));
    expect(vp.body).toMatchObject({ is_member: true, can_view: true, can_post: false, can_manage: false, can_leave: true });
    expect((await asMember("GET", ch(c.slug))).body.member_count).toBe(3);
    const left = await asMember2("POST", ch(c.slug, "/members/leave"));
    expect(left.body).toEqual({ channel_id: c.id, member_id: member2.memberId, left: true });
    expect((await asMember2("POST", ch(c.slug, "/members/leave"))).body.left).toBe(false);
    expect((await asMember2("GET", ch(c.slug))).body.is_member).toBe(false);
    const types = (await asMember("GET", ch(c.slug, "/activities"))).body.items.map((a: any) => a.type);
    expect(types).toEqual(expect.arrayContaining(["channel.created", "channel.joined", "channel.left"]));
    expect((await roomEvents(c.id)).map((e) => e.event)).toEqual(expect.arrayContaining(["member_joined", "member_left"]));
  });

  it("managers add participants; others cannot; viewers cannot be channel admins", async () => {
    const c = await makeChannel(asMember, { is_private: true });
    expect((await asMember2("GET", ch(c.slug))).status).toBe(404);
    const added = await asMember("POST", ch(c.slug, "/members"), { member_id: member2.memberId });
    expect(added.status).toBe(200);
    expect(added.body).toMatchObject([{ member_id: member2.memberId, role: "member" }]);
    // Participation makes the private channel visible.
    expect((await asMember2("GET", ch(c.slug))).status).toBe(200);
    expect((await asMember2("POST", ch(c.slug, "/members"), { member_id: viewer.memberId })).status).toBe(403);
    const badRole = await asMember("POST", ch(c.slug, "/members"), { member_ids: [viewer.memberId], role: "admin" });
    expect(badRole.status).toBe(422);
    expect(badRole.body.detail[0].loc).toEqual(["body", "role"]);
    const unknown = await asMember("POST", ch(c.slug, "/members"), { member_ids: [crypto.randomUUID()] });
    expect(unknown.status).toBe(422);
    expect((await asMember("POST", ch(c.slug, "/members"), {})).status).toBe(422);
    expect((await asMember("GET", ch(c.slug, "/members"))).body).toHaveLength(2);
    const promoted = await asMember("POST", ch(c.slug, "/members"), { member_id: member2.memberId, role: "admin" });
    expect(promoted.body[0].role).toBe("admin");
    expect((await asMember2("PUT", ch(c.slug), { description: "co-admin" })).status).toBe(200);
  });

  it("private channels are joined only with a grant", async () => {
    const c = await makeChannel(asOwner, { is_private: true });
    expect((await asMember2("POST", ch(c.slug, "/members/join"))).status).toBe(404);
    const g = await asOwner("POST", ch(c.slug, "/access"), { member_id: member2.memberId, can_post: false });
    expect(g.status).toBe(201);
    expect(g.body).toMatchObject([{ grantee_type: "member", member_id: member2.memberId, can_post: false }]);
    expect((await asMember2("GET", ch(c.slug, "/permissions"))).body).toMatchObject({ can_view: true, can_post: false, can_join: true });
    expect((await asMember2("POST", ch(c.slug, "/members/join"))).status).toBe(200);
    expect((await asMember2("GET", ch(c.slug, "/permissions"))).body).toMatchObject({ is_member: true, can_post: true });
  });
});

describe("channels: access grants", () => {
  it("grants to a team; revoking removes members' participation and tells their streams", async () => {
    const team = await asOwner("POST", "/api/v1/teams", { name: uniqueName("Team") });
    expect(team.status).toBe(201);
    expect((await asOwner("POST", `/api/v1/teams/${team.body.id}/members`, { member_id: member2.memberId })).status).toBe(201);
    const c = await makeChannel(asMember, { is_private: true });
    expect((await asMember2("GET", ch(c.slug))).status).toBe(404);

    const granted = await asMember("POST", ch(c.slug, "/access"), { team_ids: [team.body.id] });
    expect(granted.status).toBe(201);
    expect(granted.body).toMatchObject([{ grantee_type: "team", team_id: team.body.id, name: team.body.name, can_post: true }]);
    const list = await asMember2("GET", ch(c.slug, "/access"));
    expect(list.body.map((g: any) => g.team_id)).toEqual([team.body.id]);
    expect((await asMember2("POST", ch(c.slug, "/members/join"))).status).toBe(200);
    const listed = await asMember2("GET", `/api/v1/channels?search=${encodeURIComponent(c.name)}`);
    expect(listed.body.items.map((x: any) => x.id)).toEqual([c.id]);

    // Only managers revoke.
    expect((await asMember2("DELETE", ch(c.slug, `/access/teams/${team.body.id}`))).status).toBe(403);
    const revoked = await asMember("DELETE", ch(c.slug, `/access/teams/${team.body.id}`));
    expect(revoked.status).toBe(204);
    expect((await asMember2("GET", ch(c.slug))).status).toBe(404);
    const still = await withTenant(ws, (db) => db.select().from(channelMembers).where(eq(channelMembers.channelId, c.id)));
    expect(still.map((p) => p.memberId)).toEqual([member.memberId]);
    const events = await roomEvents(c.id);
    expect(events.filter((e) => e.event === "access_revoked").map((e) => e.data)).toEqual([{ member_id: member2.memberId }]);
    expect((await asMember("DELETE", ch(c.slug, `/access/teams/${team.body.id}`))).status).toBe(404);
    const types = (await asMember("GET", ch(c.slug, "/activities"))).body.items.map((a: any) => a.type);
    expect(types).toEqual(expect.arrayContaining(["channel.access_granted", "channel.access_revoked"]));
  });

  it("revoking a member keeps channel admins and people with another way in", async () => {
    const team = await asOwner("POST", "/api/v1/teams", { name: uniqueName("Team") });
    await asOwner("POST", `/api/v1/teams/${team.body.id}/members`, { member_id: member2.memberId });
    const c = await makeChannel(asMember, { is_private: true });
    await asMember("POST", ch(c.slug, "/access"), { member_ids: [member2.memberId, admin.memberId], team_id: team.body.id });
    await asMember2("POST", ch(c.slug, "/members/join"));
    await asAdmin("POST", ch(c.slug, "/members/join"));
    // member2 still gets in through the team; admin through can_manage_channel.
    expect((await asMember("DELETE", ch(c.slug, `/access/members/${member2.memberId}`))).status).toBe(204);
    expect((await asMember("DELETE", ch(c.slug, `/access/members/${admin.memberId}`))).status).toBe(204);
    expect((await asMember2("GET", ch(c.slug))).body.is_member).toBe(true);
    expect((await asAdmin("GET", ch(c.slug))).body.is_member).toBe(true);
    expect((await roomEvents(c.id)).filter((e) => e.event === "access_revoked")).toEqual([]);
    expect((await asMember("DELETE", ch(c.slug, `/access/members/${member2.memberId}`))).status).toBe(404);
    expect((await asMember("DELETE", ch(c.slug, "/access/members/not-a-uuid"))).status).toBe(404);
  });

  it("refuses bad grants with 422 and writes nothing; only managers grant", async () => {
    const c = await makeChannel(asMember, { is_private: true, member_ids: [member2.memberId] });
    const count = () => withTenant(ws, (db) => db.$count(channelAccess, eq(channelAccess.channelId, c.id)));
    for (const body of [
      {},
      { member_ids: [] },
      { member_id: "x" },
      { team_ids: [crypto.randomUUID()] },
      { member_ids: [crypto.randomUUID()] },
    ]) {
      const r = await asMember("POST", ch(c.slug, "/access"), body);
      expect(r.status, JSON.stringify(body)).toBe(422);
    }
    expect((await asMember2("POST", ch(c.slug, "/access"), { member_id: viewer.memberId })).status).toBe(403);
    expect(await count()).toBe(0);
  });
});

describe("channels: star and mute", () => {
  it("are per member, toggle without a body and set with one", async () => {
    const c = await makeChannel(asMember, { member_ids: [member2.memberId] });
    const s1 = await asMember("POST", ch(c.slug, "/star"));
    expect(s1.status).toBe(200);
    expect(s1.body).toEqual({ channel_id: c.id, channel_slug: c.slug, is_starred: true, is_muted: false });
    expect((await asMember2("GET", ch(c.slug))).body.is_starred).toBe(false);
    expect((await asMember("POST", ch(c.slug, "/star"), { is_starred: true })).body.is_starred).toBe(true);
    expect((await asMember("POST", ch(c.slug, "/star"))).body.is_starred).toBe(false);
    expect((await asMember2("POST", ch(c.slug, "/mute"))).body).toMatchObject({ is_muted: true, is_starred: false });
    expect((await asMember2("POST", ch(c.slug, "/mute"), { is_muted: false })).body.is_muted).toBe(false);
    expect((await asMember("POST", ch(c.slug, "/mute"), { is_muted: "yes" })).status).toBe(422);
    await asMember2("POST", ch(c.slug, "/star"), { is_starred: true });
    const starred = await asMember2("GET", `/api/v1/channels?starred=true&search=${encodeURIComponent(c.name)}`);
    expect(starred.body.items.map((x: any) => x.id)).toEqual([c.id]);
    expect((await asMember("GET", `/api/v1/channels?starred=true&search=${encodeURIComponent(c.name)}`)).body.items).toEqual([]);
    // Not a participant: join first.
    expect((await asAdmin("POST", ch(c.slug, "/star"))).status).toBe(409);
  });
});

describe("channels: complete, archive, delete", () => {
  it("completing archives the channel and records who and when; reopening undoes it", async () => {
    const c = await makeChannel(asMember, { member_ids: [member2.memberId] });
    expect((await asMember2("POST", ch(c.slug, "/complete"))).status).toBe(403);
    const done = await asMember("POST", ch(c.slug, "/complete"));
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ is_completed: true, is_archived: true, completed_by_member_id: member.memberId });
    expect(typeof done.body.completed_at).toBe("string");
    expect((await asMember2("GET", ch(c.slug, "/permissions"))).body.can_post).toBe(false);
    expect((await asViewer("POST", ch(c.slug, "/members/join"))).status).toBe(409);
    const reopened = await asMember("POST", ch(c.slug, "/complete"), { is_completed: false });
    expect(reopened.body).toMatchObject({ is_completed: false, is_archived: false, completed_at: null, completed_by_member_id: null });
    const archived = await asMember("PUT", ch(c.slug), { is_archived: true });
    expect(archived.body).toMatchObject({ is_archived: true, is_completed: false });
    const types = (await asMember("GET", ch(c.slug, "/activities?limit=50"))).body.items.map((a: any) => a.type);
    expect(types).toEqual(expect.arrayContaining(["channel.completed", "channel.reopened", "channel.archived", "channel.updated"]));
  });

  it("deletes for good (managers only), with its files", async () => {
    const c = await makeChannel(asMember, { member_ids: [member2.memberId] });
    const form = new FormData();
    form.append("file", new File(["bytes"], "a.txt", { type: "text/plain" }));
    const up = await call("POST", ch(c.slug, "/files"), { token: member2.token, workspace: ws, raw: form });
    expect(up.status).toBe(201);
    const [row] = await withTenant(ws, (db) => db.select().from(channelFiles).where(eq(channelFiles.id, up.body.id)));
    expect(await env.FILES.head(row?.r2Key as string)).not.toBeNull();
    expect((await asMember2("DELETE", ch(c.slug))).status).toBe(403);
    expect((await asViewer("DELETE", ch(c.slug))).status).toBe(403);
    expect((await asMember("DELETE", ch(c.slug))).status).toBe(204);
    expect((await asMember("GET", ch(c.slug))).status).toBe(404);
    expect(await withTenant(ws, (db) => db.$count(channelMembers, eq(channelMembers.channelId, c.id)))).toBe(0);
    expect(await env.FILES.head(row?.r2Key as string)).toBeNull();
    const logged = await withTenant(ws, (db) => db.select().from(activities).where(eq(activities.channelId, c.id)));
    expect(logged.map((a) => a.type)).toContain("channel.deleted");
  });
});

describe("channels: files and signed links", () => {
  const upload = (who: Who, slug: string, file: File, query = "") => {
    const form = new FormData();
    form.append("file", file);
    return call("POST", ch(slug, `/files${query}`), { token: who.token, workspace: ws, raw: form });
  };
  const pathOf = (url: string) => {
    const u = new URL(url);
    return u.pathname + u.search;
  };

  it("uploads, lists, signs, downloads and deletes", async () => {
    const c = await makeChannel(asMember, { member_ids: [member2.memberId] });
    const content = "hello, channel 👋";
    const up = await upload(
      member2,
      c.slug,
      new File([content], "../notes/hello world.txt", { type: "text/plain" }),
      "?description=Greeting",
    );
    expect(up.status, JSON.stringify(up.body)).toBe(201);
    expect(up.body).toMatchObject({
      channel_id: c.id,
      file_name: "hello world.txt",
      content_type: "text/plain",
      size_bytes: new TextEncoder().encode(content).length,
      description: "Greeting",
      uploaded_by_member_id: member2.memberId,
    });
    const [row] = await withTenant(ws, (db) => db.select().from(channelFiles).where(eq(channelFiles.id, up.body.id)));
    expect(row?.r2Key).toMatch(new RegExp(`^channels/${c.id}/[0-9a-f-]{36}/hello world\\.txt$`));

    const list = await asMember("GET", ch(c.slug, "/files"));
    expect(list.body.map((f: any) => f.id)).toEqual([up.body.id]);

    const signed = await asMember("GET", ch(c.slug, `/files/${up.body.id}/signed-url`));
    expect(signed.status).toBe(200);
    expect(new Date(signed.body.expires_at).getTime()).toBeGreaterThan(Date.now());
    const dl = await raw(pathOf(signed.body.url));
    expect(dl.status).toBe(200);
    expect(dl.headers.get("content-type")).toBe("text/plain");
    expect(dl.headers.get("content-disposition")).toContain("inline");
    expect(await dl.text()).toBe(content);

    const attach = await asMember("GET", ch(c.slug, `/files/${up.body.id}/signed-url?download=true`));
    const dl2 = await raw(pathOf(attach.body.url));
    expect(dl2.headers.get("content-disposition")).toMatch(/^attachment; filename="hello world.txt"/);
    await dl2.arrayBuffer();

    // Not followed, to see the redirect itself.
    const redirect = await raw(ch(c.slug, `/files/${up.body.id}`), {
      headers: { authorization: `Bearer ${member.token}`, "x-workspace-id": ws },
      redirect: "manual",
    });
    expect(redirect.status).toBe(302);
    const body = (await redirect.json()) as { id: string; file_name: string; signed_url: string };
    expect(body).toMatchObject({ id: up.body.id, file_name: "hello world.txt" });
    const location = redirect.headers.get("location") as string;
    expect(location).toBe(body.signed_url);
    const dl3 = await raw(pathOf(location));
    expect(await dl3.text()).toBe(content);

    // Another member may not delete it; the uploader may.
    expect((await asViewer("DELETE", ch(c.slug, `/files/${up.body.id}`))).status).toBe(403);
    expect((await asMember2("DELETE", ch(c.slug, `/files/${up.body.id}`))).status).toBe(204);
    expect((await asMember("GET", ch(c.slug, `/files/${up.body.id}`))).status).toBe(404);
    expect((await raw(pathOf(signed.body.url))).status).toBe(404);
    const types = (await asMember("GET", ch(c.slug, "/activities"))).body.items.map((a: any) => a.type);
    expect(types).toEqual(expect.arrayContaining(["channel.file_uploaded", "channel.file_deleted"]));
  });

  it("refuses forged, altered and expired links", async () => {
    const c = await makeChannel(asMember);
    const up = await upload(member, c.slug, new File(["<script>alert(1)</script>"], "x.html", { type: "text/html" }));
    const signed = await asMember("GET", ch(c.slug, `/files/${up.body.id}/signed-url`));
    const u = new URL(signed.body.url);
    // HTML is never shown inline from the API's origin.
    const ok = await raw(u.pathname + u.search);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-disposition")).toMatch(/^attachment/);
    expect(ok.headers.get("content-security-policy")).toContain("sandbox");
    await ok.arrayBuffer();

    const forged = new URL(u);
    forged.searchParams.set("sig", `${u.searchParams.get("sig")?.slice(0, -2)}AA`);
    const r1 = await raw(forged.pathname + forged.search);
    expect(r1.status).toBe(403);
    expect(((await r1.json()) as { code: string }).code).toBe("forbidden");

    const otherKey = new URL(u);
    otherKey.searchParams.set("key", `${u.searchParams.get("key")}x`);
    expect((await raw(otherKey.pathname + otherKey.search)).status).toBe(403);

    const later = new URL(u);
    later.searchParams.set("exp", String(Number(u.searchParams.get("exp")) + 3600));
    expect((await raw(later.pathname + later.search)).status).toBe(403);

    const key = u.searchParams.get("key") as string;
    const expired = await signDownloadUrl(
      { secret: env.SIGNING_KEY, baseUrl: "http://atrium.test", key, ttlSeconds: 60 },
      Date.now() - 3_600_000,
    );
    const e = new URL(expired.url);
    const r2 = await raw(e.pathname + e.search);
    expect(r2.status).toBe(403);
    expect(((await r2.json()) as { detail: string }).detail).toMatch(/expired/);

    const wrongSecret = await signDownloadUrl({ secret: "not-the-signing-key-0123456789", baseUrl: "http://atrium.test", key });
    const w = new URL(wrongSecret.url);
    expect((await raw(w.pathname + w.search)).status).toBe(403);

    const missing = await raw(`/api/v1/files/download?key=${encodeURIComponent(key)}`);
    expect(missing.status).toBe(422);
  });

  it("needs the right to post, a file, and at most 25 MB", async () => {
    const c = await makeChannel(asMember);
    await asViewer("POST", ch(c.slug, "/members/join"));
    const count = () => withTenant(ws, (db) => db.$count(channelFiles, eq(channelFiles.channelId, c.id)));
    expect((await upload(viewer, c.slug, new File(["x"], "x.txt"))).status).toBe(403);
    const noFile = new FormData();
    noFile.append("other", "value");
    const r = await call("POST", ch(c.slug, "/files"), { token: member.token, workspace: ws, raw: noFile });
    expect(r.status).toBe(422);
    expect(r.body.detail[0].loc).toEqual(["body", "file"]);
    const json = await asMember("POST", ch(c.slug, "/files"), { file: "x" });
    expect([415, 422]).toContain(json.status);
    const big = await upload(member, c.slug, new File([new Uint8Array(25 * 1024 * 1024 + 1)], "big.bin"));
    expect(big.status).toBe(413);
    await asMember("POST", ch(c.slug, "/complete"));
    expect((await upload(member, c.slug, new File(["x"], "x.txt"))).status).toBe(403);
    expect(await count()).toBe(0);
    expect((await asMember("GET", ch(c.slug, "/files/not-a-uuid"))).status).toBe(404);
    expect((await asMember("GET", ch(c.slug, `/files/${crypto.randomUUID()}/signed-url`))).status).toBe(404);
  });
});

describe("channels: linked records", () => {
  it("links, lists, and unlinks records", async () => {
    const c = await makeChannel(asMember, { member_ids: [member2.memberId] });
    const [r1, r2, rs] = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
    const linked = await asMember2("POST", ch(c.slug, "/records"), { record_ids: [r1, r2], recordset_id: rs, note: "see these" });
    expect(linked.status).toBe(200);
    expect(linked.body).toHaveLength(2);
    expect(linked.body[0]).toMatchObject({ channel_id: c.id, recordset_id: rs, note: "see these", added_by_member_id: member2.memberId });
    const again = await asMember("POST", ch(c.slug, "/records"), { record_id: r1 });
    expect(again.body).toMatchObject([{ record_id: r1, note: "see these" }]);
    const page = await asMember("GET", ch(c.slug, "/records?limit=1&offset=1"));
    expect(page.body).toMatchObject({ total: 2, limit: 1, offset: 1 });
    expect(page.body.items).toHaveLength(1);

    expect((await asViewer("POST", ch(c.slug, "/records"), { record_id: crypto.randomUUID() })).status).toBe(403);
    const before = await withTenant(ws, (db) => db.$count(channelRecords, eq(channelRecords.channelId, c.id)));
    for (const body of [{}, { record_id: "nope" }, { record_ids: ["nope"] }, { record_id: r1, recordset_id: "x" }]) {
      expect((await asMember("POST", ch(c.slug, "/records"), body)).status, JSON.stringify(body)).toBe(422);
    }
    expect(await withTenant(ws, (db) => db.$count(channelRecords, eq(channelRecords.channelId, c.id)))).toBe(before);

    // Whoever linked it, or a manager, unlinks.
    await asMember("POST", ch(c.slug, "/records"), { record_id: rs });
    expect((await asMember2("DELETE", ch(c.slug, `/records/${rs}`))).status).toBe(403);
    expect((await asMember2("DELETE", ch(c.slug, `/records/${r1}`))).status).toBe(204);
    expect((await asMember("DELETE", ch(c.slug, `/records/${r2}`))).status).toBe(204);
    expect((await asMember("DELETE", ch(c.slug, `/records/${r2}`))).status).toBe(404);
    expect((await asMember("DELETE", ch(c.slug, "/records/nope"))).status).toBe(404);
    expect((await asMember("GET", ch(c.slug, "/records"))).body.items.map((x: any) => x.record_id)).toEqual([rs]);
    const types = (await asMember("GET", ch(c.slug, "/activities"))).body.items.map((a: any) => a.type);
    expect(types).toEqual(expect.arrayContaining(["channel.record_linked", "channel.record_unlinked"]));
  });
});

describe("channels: permissions and activities", () => {
  it("reports each role's effective permissions", async () => {
    const c = await makeChannel(asMember);
    const perms = async (who: ReturnType<typeof as>) => (await who("GET", ch(c.slug, "/permissions"))).body;
    expect(await perms(asMember)).toMatchObject({ channel_role: "admin", can_post: true, can_manage: true, can_delete: true });
    expect(await perms(asOwner)).toMatchObject({ is_member: false, can_post: true, can_manage: true });
    expect(await perms(asAdmin)).toMatchObject({ can_manage: true });
    expect(await perms(asMember2)).toMatchObject({ is_member: false, can_view: true, can_post: true, can_manage: false, can_join: true });
    expect(await perms(asViewer)).toMatchObject({ can_view: true, can_post: false, can_manage: false });
  });

  it("paginates a channel's activities, newest first", async () => {
    const c = await makeChannel(asMember);
    await asMember("PUT", ch(c.slug), { description: "one" });
    await asMember("PUT", ch(c.slug), { description: "two" });
    const r = await asMember("GET", ch(c.slug, "/activities?limit=2"));
    expect(r.body).toMatchObject({ total: 3, limit: 2, offset: 0 });
    expect(r.body.items.map((a: any) => a.type)).toEqual(["channel.updated", "channel.updated"]);
    expect(r.body.items[0]).toMatchObject({ channel_id: c.id, actor_member_id: member.memberId, actor_name: "A member" });
    const rest = await asMember("GET", ch(c.slug, "/activities?limit=2&offset=2"));
    expect(rest.body.items.map((a: any) => a.type)).toEqual(["channel.created"]);
    expect((await asMember("GET", ch(c.slug, "/activities?limit=500"))).status).toBe(422);
  });
});

const someSlug = "some-channel";
const someId = "00000000-0000-4000-8000-000000000000";
describeSecurity("channel management", [
  { method: "GET", path: "/api/v1/channels", workspace: true },
  { method: "POST", path: "/api/v1/channels", body: { name: "Security" }, workspace: true },
  { method: "GET", path: ch(someSlug), workspace: true },
  { method: "PUT", path: ch(someSlug), body: { name: "Security" }, workspace: true },
  { method: "DELETE", path: ch(someSlug), workspace: true },
  { method: "POST", path: ch(someSlug, "/complete"), workspace: true },
  { method: "GET", path: ch(someSlug, "/access"), workspace: true },
  { method: "POST", path: ch(someSlug, "/access"), body: { member_id: someId }, workspace: true },
  { method: "DELETE", path: ch(someSlug, `/access/members/${someId}`), workspace: true },
  { method: "DELETE", path: ch(someSlug, `/access/teams/${someId}`), workspace: true },
  { method: "GET", path: ch(someSlug, "/members"), workspace: true },
  { method: "POST", path: ch(someSlug, "/members"), body: { member_id: someId }, workspace: true },
  { method: "POST", path: ch(someSlug, "/members/join"), workspace: true },
  { method: "POST", path: ch(someSlug, "/members/leave"), workspace: true },
  { method: "POST", path: ch(someSlug, "/star"), workspace: true },
  { method: "POST", path: ch(someSlug, "/mute"), workspace: true },
  { method: "GET", path: ch(someSlug, "/permissions"), workspace: true },
  { method: "GET", path: ch(someSlug, "/activities"), workspace: true },
  { method: "GET", path: ch(someSlug, "/files"), workspace: true },
  { method: "GET", path: ch(someSlug, `/files/${someId}`), workspace: true },
  { method: "GET", path: ch(someSlug, `/files/${someId}/signed-url`), workspace: true },
  { method: "DELETE", path: ch(someSlug, `/files/${someId}`), workspace: true },
  { method: "GET", path: ch(someSlug, "/records"), workspace: true },
  { method: "POST", path: ch(someSlug, "/records"), body: { record_id: someId }, workspace: true },
  { method: "DELETE", path: ch(someSlug, `/records/${someId}`), workspace: true },
]);

// Multipart upload: the shared suite sends JSON bodies, so its checks are spelled out here.
describe("security: channel file upload", () => {
  const path = ch(someSlug, "/files");
  const form = () => {
    const f = new FormData();
    f.append("file", new File(["x"], "x.txt"));
    return f;
  };
  it("POST /files: no token or a bad token → 401", async () => {
    expect((await call("POST", path, { workspace: ws, raw: form() })).status).toBe(401);
    const r = await call("POST", path, { token: "garbage.token.here", workspace: ws, raw: form() });
    expect(r.status).toBe(401);
    expect(r.body.code).toBe("invalid_token");
  });
  it("POST /files: another workspace → 404; missing X-Workspace-Id → 422", async () => {
    const c = await makeChannel(asOwner);
    const other = await call("POST", ch(c.slug, "/files"), { token: outsider.token, workspace: ws, raw: form() });
    expect(other.status).toBe(404);
    const own = await call("POST", ch(c.slug, "/files"), { token: outsider.token, workspace: outsider.workspaceId, raw: form() });
    expect(own.status).toBe(404);
    const missing = await call("POST", ch(c.slug, "/files"), { token: owner.token, raw: form() });
    expect(missing.status).toBe(422);
  });
});
