import { describe, expect, it } from "vitest";
import { call, join, lastEmail, raw, readSse, signup, uniqueEmail } from "./harness";
import { describeSecurity } from "./security";

describe("members", () => {
  it("lists with search, is_active and skip/limit; the minimal list for caching", async () => {
    const owner = await signup();
    const a = await join(owner, "member", uniqueEmail("zed"));
    await join(owner, "viewer", uniqueEmail("yan"));
    const all = await call("GET", "/api/v1/members?limit=2", { token: owner.token, workspace: owner.workspaceId });
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ total: 3, skip: 0, limit: 2 });
    expect(all.body.items).toHaveLength(2);
    const page2 = await call("GET", "/api/v1/members?limit=2&skip=2", { token: owner.token, workspace: owner.workspaceId });
    expect(page2.body.items).toHaveLength(1);
    const search = await call("GET", `/api/v1/members?search=${encodeURIComponent(a.email.slice(0, 8))}`, {
      token: owner.token,
      workspace: owner.workspaceId,
    });
    expect(search.body.items.map((m: { id: string }) => m.id)).toEqual([a.memberId]);
    const literal = await call("GET", "/api/v1/members?search=%25", { token: owner.token, workspace: owner.workspaceId });
    expect(literal.body.total).toBe(0);
    const minimal = await call("GET", "/api/v1/members/all", { token: a.token, workspace: owner.workspaceId });
    expect(minimal.body).toHaveLength(3);
    expect(Object.keys(minimal.body[0]).sort()).toEqual(["avatar_url", "display_name", "email", "full_name", "id", "role"]);
    expect((await call("GET", "/api/v1/members?limit=1000", { token: owner.token, workspace: owner.workspaceId })).status).toBe(422);
    expect((await call("GET", "/api/v1/members?is_active=maybe", { token: owner.token, workspace: owner.workspaceId })).status).toBe(422);
  });

  it("gets and updates members under the rank rules", async () => {
    const owner = await signup();
    const [admin, member] = await Promise.all([join(owner, "admin"), join(owner, "member")]);
    const ws = owner.workspaceId;
    const got = await call("GET", `/api/v1/members/${member.memberId}`, { token: admin.token, workspace: ws });
    expect(got.body).toMatchObject({ id: member.memberId, role: "member" });
    expect((await call("GET", `/api/v1/members/${crypto.randomUUID()}`, { token: owner.token, workspace: ws })).status).toBe(404);

    const self = await call("PUT", `/api/v1/members/${member.memberId}`, {
      token: member.token,
      workspace: ws,
      body: { title: "Engineer" },
    });
    expect(self.status).toBe(200);
    expect(self.body.title).toBe("Engineer");
    expect(
      (await call("PUT", `/api/v1/members/${member.memberId}`, { token: member.token, workspace: ws, body: { role: "admin" } })).status,
    ).toBe(403);
    expect(
      (await call("PUT", `/api/v1/members/${admin.memberId}`, { token: member.token, workspace: ws, body: { title: "x" } })).status,
    ).toBe(403);

    const promote = await call("PUT", `/api/v1/members/${member.memberId}`, { token: admin.token, workspace: ws, body: { role: "admin" } });
    expect(promote.body.role).toBe("admin");
    const ws2 = await call("GET", `/api/v1/workspaces/${ws}/members`, { token: owner.token });
    expect(ws2.body.find((m: { user_id: string }) => m.user_id === member.userId).role).toBe("admin");
    expect(
      (await call("PUT", `/api/v1/members/${member.memberId}`, { token: admin.token, workspace: ws, body: { role: "owner" } })).status,
    ).toBe(403);
    const bad = await call("PUT", `/api/v1/members/${member.memberId}`, { token: owner.token, workspace: ws, body: { role: "root" } });
    expect(bad.status).toBe(422);
  });

  it("tells every member's notification stream when the member list changes", async () => {
    const owner = await signup();
    const [watcher, other] = await Promise.all([join(owner, "member"), join(owner, "member")]);
    const stream = await raw("/api/v1/notifications/stream", {
      headers: { authorization: `Bearer ${watcher.token}`, "x-workspace-id": owner.workspaceId },
    });
    expect(stream.status).toBe(200);
    const reading = readSse(stream, (e) => e.event === "workspace_event");
    await call("PUT", `/api/v1/members/${other.memberId}`, { token: owner.token, workspace: owner.workspaceId, body: { role: "viewer" } });
    const events = await reading;
    expect(events.at(-1)).toMatchObject({
      event: "workspace_event",
      data: { event_type: "members_updated", data: { member_id: other.memberId } },
    });
  });

  it("tracks onboarding tours per member", async () => {
    const owner = await signup();
    const ws = owner.workspaceId;
    expect((await call("GET", "/api/v1/members/me/tours", { token: owner.token, workspace: ws })).body.tours).toEqual({});
    await call("POST", "/api/v1/members/me/tours", { token: owner.token, workspace: ws, body: { tour_id: "channels" } });
    const two = await call("POST", "/api/v1/members/me/tours", {
      token: owner.token,
      workspace: ws,
      body: { tour_id: "tasks", completed: false },
    });
    expect(two.body.tours).toEqual({ channels: true, tasks: false });
    const one = await call("DELETE", "/api/v1/members/me/tours?tour_id=channels", { token: owner.token, workspace: ws });
    expect(one.body.tours).toEqual({ tasks: false });
    const none = await call("DELETE", "/api/v1/members/me/tours", { token: owner.token, workspace: ws });
    expect(none.body.tours).toEqual({});
    expect((await call("POST", "/api/v1/members/me/tours", { token: owner.token, workspace: ws, body: {} })).status).toBe(422);
  });

  it("invites through POST /members (admins), not as a member", async () => {
    const owner = await signup();
    const member = await join(owner, "member");
    const email = uniqueEmail("via-members");
    const r = await call("POST", "/api/v1/members", { token: owner.token, workspace: owner.workspaceId, body: { email, role: "viewer" } });
    expect(r.status).toBe(201);
    expect((await lastEmail(email, "invitation"))?.data.token).toBeTruthy();
    const denied = await call("POST", "/api/v1/members", {
      token: member.token,
      workspace: owner.workspaceId,
      body: { email: uniqueEmail("no") },
    });
    expect(denied.status).toBe(403);
  });

  it("offboards: owned items, reassign, deletion info, remove, permanent delete", async () => {
    const owner = await signup();
    const ws = owner.workspaceId;
    const [leaver, heir] = await Promise.all([join(owner, "member"), join(owner, "member")]);
    const team = await call("POST", "/api/v1/teams", {
      token: owner.token,
      workspace: ws,
      body: { name: "Ops", lead_member_id: leaver.memberId },
    });
    expect(team.status).toBe(201);

    const owned = await call("GET", `/api/v1/members/${leaver.memberId}/owned-items`, { token: owner.token, workspace: ws });
    expect(owned.body).toMatchObject({ total: 1, items: { teams: [{ id: team.body.id, name: "Ops", relation: "lead" }] } });
    const self = await call("POST", `/api/v1/members/${leaver.memberId}/reassign`, {
      token: owner.token,
      workspace: ws,
      body: { to_member_id: leaver.memberId },
    });
    expect(self.status).toBe(422);
    const moved = await call("POST", `/api/v1/members/${leaver.memberId}/reassign`, {
      token: owner.token,
      workspace: ws,
      body: { to_member_id: heir.memberId },
    });
    expect(moved.body).toMatchObject({ reassigned: { teams: 1 }, total: 1 });
    const after = await call("GET", `/api/v1/teams/${team.body.id}`, { token: owner.token, workspace: ws });
    expect(after.body.lead_member_id).toBe(heir.memberId);
    expect(
      (
        await call("POST", `/api/v1/members/${leaver.memberId}/reassign`, {
          token: heir.token,
          workspace: ws,
          body: { to_member_id: heir.memberId },
        })
      ).status,
    ).toBe(403);

    const info = await call("GET", `/api/v1/members/${leaver.memberId}/deletion-info`, { token: owner.token, workspace: ws });
    expect(info.body).toMatchObject({ workspace_count: 1, can_delete_user: true });
    expect((await call("DELETE", `/api/v1/members/${leaver.memberId}`, { token: heir.token, workspace: ws })).status).toBe(403);
    expect((await call("DELETE", `/api/v1/members/${leaver.memberId}/permanent`, { token: owner.token, workspace: ws })).status).toBe(204);
    expect((await call("POST", "/api/v1/auth/login", { body: { email: leaver.email, password: leaver.password } })).status).toBe(401);

    // Someone with another workspace: removable here, not permanently deletable.
    const multi = await signup();
    const link = await call("POST", `/api/v1/workspaces/${ws}/invite-link`, { token: owner.token, body: { email: multi.email } });
    await call("POST", "/api/v1/workspaces/invitations/accept", { token: multi.token, body: { token: link.body.token } });
    const multiMember = (await call("GET", "/api/v1/members/me", { token: multi.token, workspace: ws })).body.id;
    const info2 = await call("GET", `/api/v1/members/${multiMember}/deletion-info`, { token: owner.token, workspace: ws });
    expect(info2.body).toMatchObject({ workspace_count: 2, can_delete_user: false });
    expect((await call("DELETE", `/api/v1/members/${multiMember}/permanent`, { token: owner.token, workspace: ws })).status).toBe(409);
    expect((await call("DELETE", `/api/v1/members/${multiMember}`, { token: owner.token, workspace: ws })).status).toBe(204);
    expect((await call("GET", "/api/v1/members/me", { token: multi.token, workspace: ws })).status).toBe(404);
    expect((await call("GET", "/api/v1/members/me", { token: multi.token, workspace: multi.workspaceId })).status).toBe(200);
  });

  it("uploads member avatars: own, or anyone's as admin", async () => {
    const owner = await signup();
    const member = await join(owner, "member");
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    const send = (token: string, memberId: string) => {
      const form = new FormData();
      form.append("file", new File([png], "a.png", { type: "image/png" }));
      return raw(`/api/v1/members/${memberId}/avatar`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "x-workspace-id": owner.workspaceId },
        body: form,
      });
    };
    const mine = await send(member.token, member.memberId);
    expect(mine.status).toBe(200);
    expect(((await mine.json()) as { member: { avatar_url: string } }).member.avatar_url).toMatch(/\/api\/v1\/avatars\//);
    const ownerId = (await call("GET", "/api/v1/members/me", { token: owner.token, workspace: owner.workspaceId })).body.id;
    expect((await send(member.token, ownerId)).status).toBe(404);
    expect((await send(owner.token, member.memberId)).status).toBe(200);
  });
});

const id = crypto.randomUUID();
describeSecurity("members", [
  { method: "GET", path: "/api/v1/members", workspace: true },
  { method: "GET", path: "/api/v1/members/all", workspace: true },
  { method: "GET", path: "/api/v1/members/me", workspace: true },
  { method: "GET", path: "/api/v1/members/me/tours", workspace: true },
  { method: "POST", path: "/api/v1/members/me/tours", workspace: true, body: { tour_id: "x" } },
  { method: "DELETE", path: "/api/v1/members/me/tours", workspace: true },
  { method: "POST", path: "/api/v1/members", workspace: true, body: { email: "a@b.co" } },
  { method: "GET", path: `/api/v1/members/${id}`, workspace: true },
  { method: "PUT", path: `/api/v1/members/${id}`, workspace: true, body: { title: "x" } },
  { method: "DELETE", path: `/api/v1/members/${id}`, workspace: true },
  { method: "GET", path: `/api/v1/members/${id}/deletion-info`, workspace: true },
  { method: "GET", path: `/api/v1/members/${id}/owned-items`, workspace: true },
  { method: "POST", path: `/api/v1/members/${id}/reassign`, workspace: true, body: { to_member_id: id } },
  { method: "DELETE", path: `/api/v1/members/${id}/permanent`, workspace: true },
]);
