import type { Bindings } from "../src/env";
import { EventRoom } from "./event-room";

/** One participant as the room shows it (the API's MeetingParticipant). */
export interface MeetingParticipantState {
  member_id: string;
  name: string | null;
  avatar_url: string | null;
  joined_at: string;
  is_muted: boolean;
  is_video_on: boolean;
  is_hand_raised: boolean;
}

export type MeetingEventName = "meeting_started" | "participant_joined" | "participant_updated" | "participant_left" | "meeting_ended";

/**
 * A change the meetings service committed to the database: the event to publish, the
 * participant it is about, and the full list of participants in the meeting after it, stamped
 * with the meeting's `state_version`.
 */
export interface MeetingChange {
  event: MeetingEventName;
  meeting_id: string;
  version: number;
  status: "scheduled" | "active" | "ended";
  participant: MeetingParticipantState | null;
  participants: MeetingParticipantState[];
  /** meeting_ended: why (ended by the host, last participant left, deleted). */
  reason?: string;
}

export interface MeetingSnapshot {
  version: number;
  status: string | null;
  participants: MeetingParticipantState[];
}

/**
 * MeetingRoom: one per meeting or huddle. Holds the live participant state (muted, video,
 * hand raised) and publishes every change as an ordered, replayable event (EventRoom).
 * The database stays the source of truth: each change carries the full participant list with
 * the meeting's state version, and the room keeps only the newest version it has seen, so
 * RPCs arriving out of order (two requests racing) never leave an older list in place; an
 * event that arrives late is still published, with the room's newer list.
 */
export class MeetingRoom extends EventRoom {
  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    ctx.storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS meeting_state (k INTEGER PRIMARY KEY CHECK (k = 1), version INTEGER NOT NULL, status TEXT, participants TEXT NOT NULL)",
    );
  }

  async apply(change: MeetingChange): Promise<number> {
    let current = this.current();
    if (change.version >= current.version) {
      current = { version: change.version, status: change.status, participants: change.participants };
      this.ctx.storage.sql.exec(
        "INSERT INTO meeting_state (k, version, status, participants) VALUES (1, ?, ?, ?) ON CONFLICT (k) DO UPDATE SET version = excluded.version, status = excluded.status, participants = excluded.participants",
        current.version,
        current.status,
        JSON.stringify(current.participants),
      );
    }
    const evt = this.append(change.event, {
      meeting_id: change.meeting_id,
      status: current.status,
      version: current.version,
      participant: change.participant,
      participants: current.participants,
      ...(change.reason ? { reason: change.reason } : {}),
    });
    return evt.id;
  }

  /** The live state: who is in the meeting now, as of the newest version seen. */
  async snapshot(): Promise<MeetingSnapshot> {
    return this.current();
  }

  private current(): MeetingSnapshot {
    const row = this.ctx.storage.sql
      .exec<{ version: number; status: string | null; participants: string }>(
        "SELECT version, status, participants FROM meeting_state WHERE k = 1",
      )
      .toArray()[0];
    return row
      ? { version: row.version, status: row.status, participants: JSON.parse(row.participants) }
      : { version: -1, status: null, participants: [] };
  }
}
