import { Cron } from "croner";

/**
 * Cron schedules (croner: 5 or 6 fields, `@daily`-style nicknames, IANA time zones through Intl).
 * Null when the expression or zone is invalid or never fires again.
 */
export function nextRunAfter(expression: string, timezone: string, from: Date): Date | null {
  try {
    return new Cron(expression, { timezone, paused: true }).nextRun(from);
  } catch {
    return null;
  }
}

/** A validation message for a cron trigger, or null when it is usable. */
export function cronProblem(expression: string, timezone: string): string | null {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: timezone });
  } catch {
    return `Unknown time zone "${timezone}"`;
  }
  try {
    const next = new Cron(expression, { timezone, paused: true }).nextRun();
    return next ? null : "The schedule never fires";
  } catch (e) {
    return `Invalid cron expression: ${e instanceof Error ? e.message : String(e)}`;
  }
}
