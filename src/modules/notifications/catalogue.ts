/**
 * The notification event types members can set preferences for, grouped by category as the
 * settings page shows them, with the recommended (default) settings of each. A member's stored
 * preference row overrides these; no row means the defaults apply.
 */

export interface ChannelSettings {
  inapp_enabled: boolean;
  email_enabled: boolean;
  whatsapp_enabled: boolean;
  muted: boolean;
}

export interface EventTypeDefinition {
  category: string;
  label: string;
  description: string;
  /** Needs the recipient to act: listed first and highlighted in digest emails. */
  highlight: boolean;
  defaults: ChannelSettings;
}

const on = (email: boolean): ChannelSettings => ({ inapp_enabled: true, email_enabled: email, whatsapp_enabled: false, muted: false });

export const EVENT_TYPES = {
  task_assigned: {
    category: "Assigned Actions",
    label: "Action assigned to you",
    description: "Someone assigns you an action (task).",
    highlight: true,
    defaults: on(true),
  },
  task_due_soon: {
    category: "Assigned Actions",
    label: "Action due soon",
    description: "An action assigned to you is due within a day.",
    highlight: true,
    defaults: on(true),
  },
  task_verified: {
    category: "Assigned Actions",
    label: "Completed action verified",
    description: "An action you completed was verified.",
    highlight: false,
    defaults: on(false),
  },
  task_rejected: {
    category: "Assigned Actions",
    label: "Completed action sent back",
    description: "An action you completed was rejected on verification and needs more work.",
    highlight: true,
    defaults: on(true),
  },
  task_completed: {
    category: "Owned Actions",
    label: "Action completed",
    description: "An action you created or own is marked complete.",
    highlight: false,
    defaults: on(false),
  },
  mentioned: {
    category: "Mentions & Messages",
    label: "Mentioned",
    description: "Someone @mentions you in a channel, comment or document.",
    highlight: true,
    defaults: on(true),
  },
  channel_message: {
    category: "Mentions & Messages",
    label: "New channel message",
    description: "A new message in a channel you follow.",
    highlight: false,
    defaults: on(false),
  },
  goal_assigned: {
    category: "Goals",
    label: "Goal assigned to you",
    description: "You become the owner of a goal.",
    highlight: true,
    defaults: on(true),
  },
  goal_updated: {
    category: "Goals",
    label: "Goal updated",
    description: "Progress or status of a goal you own or follow changes.",
    highlight: false,
    defaults: on(false),
  },
  meeting_started: {
    category: "Meetings",
    label: "Meeting started",
    description: "A meeting you are invited to has started.",
    highlight: true,
    defaults: on(false),
  },
  member_joined: {
    category: "Workspace",
    label: "Member joined",
    description: "A new person joins the workspace.",
    highlight: false,
    defaults: on(false),
  },
  export_ready: {
    category: "Imports & Exports",
    label: "Export ready",
    description: "An export you requested is ready to download.",
    highlight: false,
    defaults: on(true),
  },
  import_completed: {
    category: "Imports & Exports",
    label: "Import completed",
    description: "An import you started has finished.",
    highlight: false,
    defaults: on(false),
  },
  integration_needs_reauth: {
    category: "Integrations",
    label: "Integration needs reconnecting",
    description: "A provider refused an integration you connected (for example a refused token refresh).",
    highlight: true,
    defaults: on(true),
  },
  approval_requested: {
    category: "Approvals",
    label: "Approval requested",
    description: "Something waits for your approval (a workflow step, an AI employee's action, a proposal).",
    highlight: true,
    // The approval module emails each decider its own signed approve/reject link itself.
    defaults: on(false),
  },
  credits_low: {
    category: "Billing",
    label: "AI credits alert",
    description: "A spending alert you set up fired (low balance, daily or monthly spend).",
    highlight: true,
    // Billing emails the alert itself when the alert's channels include email.
    defaults: on(false),
  },
} as const satisfies Record<string, EventTypeDefinition>;

export type EventType = keyof typeof EVENT_TYPES;
export const EVENT_TYPE_NAMES = Object.keys(EVENT_TYPES) as [EventType, ...EventType[]];

export const isEventType = (s: string): s is EventType => Object.hasOwn(EVENT_TYPES, s);

/** Event types outside the catalogue still notify: in-app only, until the catalogue lists them. */
export const FALLBACK_SETTINGS: ChannelSettings = { inapp_enabled: true, email_enabled: false, whatsapp_enabled: false, muted: false };

export function defaultsFor(eventType: string): ChannelSettings {
  return isEventType(eventType) ? { ...EVENT_TYPES[eventType].defaults } : { ...FALLBACK_SETTINGS };
}

export const EMAIL_DELIVERY_MODES = ["instant", "digest"] as const;
export type EmailDeliveryMode = (typeof EMAIL_DELIVERY_MODES)[number];
export const DIGEST_FREQUENCIES = [30, 60] as const;
export type DigestFrequency = (typeof DIGEST_FREQUENCIES)[number];
export const DEFAULT_EMAIL_SETTINGS = {
  email_delivery_mode: "instant" as EmailDeliveryMode,
  digest_frequency_minutes: 60 as DigestFrequency,
};
