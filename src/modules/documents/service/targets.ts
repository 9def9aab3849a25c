import { and, eq } from "drizzle-orm";
import type { ServiceContext } from "../../../platform/context";
import { ServiceError } from "../../../platform/errors";
import { isUuid } from "../../../platform/ids";
import { channelAccessFor } from "../../channels/internal";
import { channels } from "../../channels/tables";
import { goals } from "../../goals/tables";
import { currentMember } from "../../members/service";
import { members } from "../../members/tables";
import { hasPermission } from "../../permissions/service";
import { getRecordForActor } from "../../records/internal";
import { getRecordsetForActor } from "../../recordsets/internal";
import { assertTaskVisible, getTaskRow } from "../../tasks/internal";
import type { LinkEntityType } from "../tables";

export interface LinkTarget {
  type: LinkEntityType;
  id: string;
  name: string;
  /** The API path that shows the entity. */
  url: string;
}

const notFound = (type: LinkEntityType) => new ServiceError("not_found", `${type[0]?.toUpperCase()}${type.slice(1)} not found`);

/**
 * The entity a document is (or would be) linked to, with its name, if the caller can see it;
 * otherwise 404, through each module's own fetch-or-404 (so linking never reveals an object).
 */
export async function resolveLinkTarget(ctx: ServiceContext, type: LinkEntityType, id: string): Promise<LinkTarget> {
  if (!isUuid(id)) throw notFound(type);
  switch (type) {
    case "channel": {
      const [c] = await ctx.db.select().from(channels).where(eq(channels.id, id)).limit(1);
      if (!c || !(await channelAccessFor(ctx, c)).canView) throw notFound(type);
      return { type, id, name: c.name, url: `/api/v1/channels/${c.slug}` };
    }
    case "task": {
      const t = await getTaskRow(ctx.db, id);
      await assertTaskVisible(ctx, t);
      return { type, id, name: t.title, url: `/api/v1/tasks/${t.id}` };
    }
    case "record": {
      const { record } = await getRecordForActor(ctx, id, "view");
      return { type, id, name: record.title ?? "Untitled record", url: `/api/v1/records/${record.id}` };
    }
    case "recordset": {
      const { recordset } = await getRecordsetForActor(ctx, id);
      return { type, id, name: recordset.name, url: `/api/v1/recordsets/${recordset.id}` };
    }
    case "goal": {
      const [g] = await ctx.db.select().from(goals).where(eq(goals.id, id)).limit(1);
      if (!g) throw notFound(type);
      if (!(await hasPermission(ctx, "can_view_goal"))) {
        const me = await currentMember(ctx);
        if (g.ownerMemberId !== me.id && g.createdByMemberId !== me.id) throw notFound(type);
      }
      return { type, id, name: g.title, url: `/api/v1/goals/${g.id}` };
    }
    case "member": {
      const [m] = await ctx.db
        .select()
        .from(members)
        .where(and(eq(members.id, id), eq(members.isActive, true)))
        .limit(1);
      if (!m) throw notFound(type);
      return { type, id, name: m.displayName ?? m.fullName ?? m.email, url: `/api/v1/members/${m.id}` };
    }
  }
}
