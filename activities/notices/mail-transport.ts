/**
 * Sends email through the Resend SDK. Resend dedupes by our idempotency key, so a retried activity
 * never sends twice; its validation errors are final, everything else is retried.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { Resend } from 'resend';

export interface OutgoingEmail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  tags?: { name: string; value: string }[];
}

/** A transport that delivers one email and returns the provider's message id. */
export interface MailTransport {
  send(email: OutgoingEmail, idempotencyKey: string): Promise<string>;
}

const FINAL_STATUSES = new Set([400, 401, 403, 404, 422]);

/** The real Resend SDK; `baseUrl` points it at a stand-in server in tests. */
export function resendTransport(apiKey: string, baseUrl?: string): MailTransport {
  const resend = new Resend(apiKey, baseUrl ? { baseUrl } : undefined);
  return {
    async send(email, idempotencyKey) {
      const { data, error } = await resend.emails.send(email, { idempotencyKey });
      if (error) {
        const status = (error as { statusCode?: number | null }).statusCode ?? 0;
        const message = `Resend refused the email: ${error.name}: ${error.message}`;
        if (FINAL_STATUSES.has(status)) throw ApplicationFailure.nonRetryable(message, 'EmailRejected');
        throw new Error(message);
      }
      if (!data?.id) throw new Error('Resend returned no message id');
      return data.id;
    },
  };
}
