import { and, asc, eq, sql } from "drizzle-orm";
import type { ServiceContext } from "../../platform/context";
import { isUniqueViolation } from "../../platform/db";
import { conflict, notFound } from "../../platform/errors";
import { isUuid } from "../../platform/ids";
import { currentMember } from "../members/service";
import { DEFAULT_EMAIL_SETTINGS, defaultsFor, EVENT_TYPE_NAMES, EVENT_TYPES, isEventType } from "./catalogue";
import { toEmailPreference, toPreference } from "./internal";
import type { EmailPreferenceUpdateRequest, PreferenceBulkRequest, PreferenceCreateRequest, PreferenceUpdateRequest } from "./schemas";
import { notificationEmailSettings, notificationPreferences } from "./tables";

type Toggles = PreferenceUpdateRequest;
type PreferenceRow = typeof notificationPreferences.$inferSelect;

/** Only the toggles the caller gave, as column values. */
function givenColumns(t: Toggles) {
  const set: Partial<Pick<PreferenceRow, "inappEnabled" | "emailEnabled" | "whatsappEnabled" | "muted">> = {};
  if (t.inapp_enabled !== undefined) set.inappEnabled = t.inapp_enabled;
  if (t.email_enabled !== undefined) set.emailEnabled = t.email_enabled;
  if (t.whatsapp_enabled !== undefined) set.whatsappEnabled = t.whatsapp_enabled;
  if (t.muted !== undefined) set.muted = t.muted;
  return set;
}

/** A full row for insert: `base` (defaults or the stored row) overlaid with the given toggles. */
function merged(memberId: string, eventType: string, t: Toggles, base?: PreferenceRow) {
  const d = defaultsFor(eventType);
  return {
    memberId,
    eventType,
    inappEnabled: base?.inappEnabled ?? d.inapp_enabled,
    emailEnabled: base?.emailEnabled ?? d.email_enabled,
    whatsappEnabled: base?.whatsappEnabled ?? d.whatsapp_enabled,
    muted: base?.muted ?? d.muted,
    ...givenColumns(t),
  };
}

const catalogueOrder = (a: { event_type: string }, b: { event_type: string }) =>
  EVENT_TYPE_NAMES.indexOf(a.event_type as never) - EVENT_TYPE_NAMES.indexOf(b.event_type as never);

/** Recommended settings, category → event type → settings (the same for everyone). */
export function getDefaultPreferences() {
  const out: Record<string, Record<string, ReturnType<typeof defaultEntry>>> = {};
  for (const name of EVENT_TYPE_NAMES) {
    const def = EVENT_TYPES[name];
    const category = out[def.category] ?? {};
    category[name] = defaultEntry(name);
    out[def.category] = category;
  }
  return out;
}

function defaultEntry(name: (typeof EVENT_TYPE_NAMES)[number]) {
  const def = EVENT_TYPES[name];
  return { event_type: name, label: def.label, description: def.description, highlight: def.highlight, ...def.defaults };
}

async function myRows(ctx: ServiceContext, memberId: string) {
  return ctx.db
    .select()
    .from(notificationPreferences)
    .where(eq(notificationPreferences.memberId, memberId))
    .orderBy(asc(notificationPreferences.createdAt));
}

/** v1: the caller's stored preference rows (event types without a row use the defaults). */
export async function listMyPreferences(ctx: ServiceContext) {
  const me = await currentMember(ctx);
  return (await myRows(ctx, me.id)).map(toPreference).sort(catalogueOrder);
}

/** v1: a row for one event type; omitted toggles take its defaults. A second row → 409. */
export async function createMyPreference(ctx: ServiceContext, input: PreferenceCreateRequest) {
  const me = await currentMember(ctx);
  try {
    const [row] = await ctx.db
      .insert(notificationPreferences)
      .values(merged(me.id, input.event_type, input))
      .returning();
    if (!row) throw new Error("insert returned nothing");
    return toPreference(row);
  } catch (e) {
    if (isUniqueViolation(e)) throw conflict(`A preference for ${input.event_type} already exists; update it instead`);
    throw e;
  }
}

/** v1: creates or updates one row per listed event type, all or nothing. */
/** ON CONFLICT clause for the caller's rows: the inserted settings replace the stored ones. */
const overwriteSettings = () => ({
  target: [notificationPreferences.memberId, notificationPreferences.eventType],
  set: {
    inappEnabled: sql`excluded.inapp_enabled`,
    emailEnabled: sql`excluded.email_enabled`,
    whatsappEnabled: sql`excluded.whatsapp_enabled`,
    muted: sql`excluded.muted`,
    updatedAt: new Date(),
  },
});

export async function bulkUpdateMyPreferences(ctx: ServiceContext, input: PreferenceBulkRequest) {
  const me = await currentMember(ctx);
  const rows = await ctx.db.transaction(async (tx) => {
    // Lock the caller's rows so concurrent bulk updates do not overwrite each other's merges.
    const existing = await tx.select().from(notificationPreferences).where(eq(notificationPreferences.memberId, me.id)).for("update");
    const byType = new Map(existing.map((r) => [r.eventType, r]));
    return tx
      .insert(notificationPreferences)
      .values(input.preferences.map((p) => merged(me.id, p.event_type, p, byType.get(p.event_type))))
      .onConflictDoUpdate(overwriteSettings())
      .returning();
  });
  return rows.map(toPreference).sort(catalogueOrder);
}

/** v1: one of the caller's rows by id (anyone else's → 404). */
export async function updateMyPreference(ctx: ServiceContext, preferenceId: string, input: PreferenceUpdateRequest) {
  const me = await currentMember(ctx);
  if (!isUuid(preferenceId)) throw notFound("Notification preference");
  const [row] = await ctx.db
    .update(notificationPreferences)
    .set(givenColumns(input))
    .where(and(eq(notificationPreferences.id, preferenceId), eq(notificationPreferences.memberId, me.id)))
    .returning();
  if (!row) throw notFound("Notification preference");
  return toPreference(row);
}

/** v1: removes one of the caller's rows; the event type falls back to its defaults. */
export async function deleteMyPreference(ctx: ServiceContext, preferenceId: string): Promise<void> {
  const me = await currentMember(ctx);
  if (!isUuid(preferenceId)) throw notFound("Notification preference");
  const gone = await ctx.db
    .delete(notificationPreferences)
    .where(and(eq(notificationPreferences.id, preferenceId), eq(notificationPreferences.memberId, me.id)))
    .returning({ id: notificationPreferences.id });
  if (gone.length === 0) throw notFound("Notification preference");
}

/** v1: deletes all of the caller's rows and stores the recommended settings for every event type. */
export async function resetMyPreferences(ctx: ServiceContext) {
  const me = await currentMember(ctx);
  const rows = await ctx.db.transaction(async (tx) => {
    await tx.delete(notificationPreferences).where(eq(notificationPreferences.memberId, me.id));
    // A concurrent reset may have inserted the rows since this delete's snapshot: overwrite them.
    return tx
      .insert(notificationPreferences)
      .values(EVENT_TYPE_NAMES.map((name) => merged(me.id, name, {})))
      .onConflictDoUpdate(overwriteSettings())
      .returning();
  });
  return rows.map(toPreference).sort(catalogueOrder);
}

function v2Entry(eventType: (typeof EVENT_TYPE_NAMES)[number], row: PreferenceRow | undefined) {
  const def = EVENT_TYPES[eventType];
  const d = def.defaults;
  return {
    event_type: eventType,
    category: def.category,
    label: def.label,
    inapp_enabled: row?.inappEnabled ?? d.inapp_enabled,
    email_enabled: row?.emailEnabled ?? d.email_enabled,
    whatsapp_enabled: row?.whatsappEnabled ?? d.whatsapp_enabled,
    muted: row?.muted ?? d.muted,
    is_default: row === undefined,
  };
}

/** v2: every catalogue event type → the caller's effective settings. */
export async function getPreferencesV2(ctx: ServiceContext) {
  const me = await currentMember(ctx);
  const byType = new Map((await myRows(ctx, me.id)).map((r) => [r.eventType, r]));
  return Object.fromEntries(EVENT_TYPE_NAMES.map((name) => [name, v2Entry(name, byType.get(name))]));
}

/** v2: sets toggles of one event type (stores a row on first change). Unknown event type → 404. */
export async function updatePreferenceV2(ctx: ServiceContext, eventType: string, input: PreferenceUpdateRequest) {
  if (!isEventType(eventType)) throw notFound(`Notification event type '${eventType}'`);
  const me = await currentMember(ctx);
  const [row] = await ctx.db
    .insert(notificationPreferences)
    .values(merged(me.id, eventType, input))
    .onConflictDoUpdate({
      target: [notificationPreferences.memberId, notificationPreferences.eventType],
      set: { ...givenColumns(input), updatedAt: new Date() },
    })
    .returning();
  return v2Entry(eventType, row);
}

// Email delivery --------------------------------------------------------------------------------

export async function getEmailPreference(ctx: ServiceContext) {
  const me = await currentMember(ctx);
  const [row] = await ctx.db.select().from(notificationEmailSettings).where(eq(notificationEmailSettings.memberId, me.id)).limit(1);
  return toEmailPreference(row);
}

/** instant | digest, and the digest interval (30 or 60 minutes; kept when switching to instant). */
export async function updateEmailPreference(ctx: ServiceContext, input: EmailPreferenceUpdateRequest) {
  const me = await currentMember(ctx);
  const set: Partial<typeof notificationEmailSettings.$inferInsert> = {};
  if (input.email_delivery_mode !== undefined) set.emailDeliveryMode = input.email_delivery_mode;
  if (input.digest_frequency_minutes !== undefined) set.digestFrequencyMinutes = input.digest_frequency_minutes;
  const [row] = await ctx.db
    .insert(notificationEmailSettings)
    .values({
      memberId: me.id,
      emailDeliveryMode: input.email_delivery_mode ?? DEFAULT_EMAIL_SETTINGS.email_delivery_mode,
      digestFrequencyMinutes: input.digest_frequency_minutes ?? DEFAULT_EMAIL_SETTINGS.digest_frequency_minutes,
    })
    .onConflictDoUpdate({ target: notificationEmailSettings.memberId, set: { ...set, updatedAt: new Date() } })
    .returning();
  return toEmailPreference(row);
}
