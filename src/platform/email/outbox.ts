import type { Tx } from "../db";
import { emailOutbox } from "./tables";

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html?: string;
  template: string;
  data?: Record<string, unknown>;
}

/**
 * Queues an email. Locally and in tests the outbox is the inbox (readable in the control DB);
 * in production a sender drains it through the email provider. Callers pass the database so
 * the email commits with the change that caused it.
 */
export async function enqueueEmail(db: Tx, email: OutgoingEmail): Promise<void> {
  await db.insert(emailOutbox).values({
    toAddress: email.to.toLowerCase(),
    subject: email.subject,
    textBody: email.text,
    htmlBody: email.html ?? null,
    template: email.template,
    data: email.data ?? {},
  });
}
