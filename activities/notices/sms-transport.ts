/**
 * Sends SMS through Twilio's SDK. Twilio does not deduplicate by a key of ours, so the notice
 * activities record an attempt before the call and never repeat one that did not confirm.
 * Its refusals of the message itself (an invalid number, a recipient who replied STOP) are final;
 * everything else is retried.
 */
import { ApplicationFailure } from '@temporalio/activity';
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';

type RequestOptions<TData> = RequestClient.RequestOptions<TData>;

/** One text message to a mobile number in E.164. */
export interface OutgoingSms {
  to: string;
  body: string;
}

/** A transport that delivers one SMS and returns the provider's message id. */
export interface SmsTransport {
  send(sms: OutgoingSms): Promise<string>;
}

export interface TwilioSettings {
  accountSid: string;
  authToken: string;
  /** The sending number (E.164) or messaging service. */
  from: string;
  /** Another address for Twilio's API (a stand-in server in tests). */
  baseUrl?: string;
}

const TWILIO_API = 'https://api.twilio.com';

/**
 * Twilio's SDK has no base-URL setting; its documented way to send elsewhere is a request client
 * of one's own that rewrites the address before the SDK's own client sends it.
 */
class RedirectingRequestClient extends twilio.RequestClient {
  constructor(private readonly baseUrl: string) {
    super();
  }

  override request<TData>(opts: RequestOptions<TData>) {
    return super.request<TData>({ ...opts, uri: opts.uri.replace(TWILIO_API, this.baseUrl.replace(/\/$/, '')) });
  }
}

/** The real Twilio SDK. */
export function twilioTransport(settings: TwilioSettings): SmsTransport {
  const client = twilio(settings.accountSid, settings.authToken,
    settings.baseUrl ? { httpClient: new RedirectingRequestClient(settings.baseUrl) } : {});
  return {
    async send(sms) {
      try {
        const message = await client.messages.create({ to: sms.to, from: settings.from, body: sms.body });
        return message.sid;
      } catch (error) {
        const status = (error as { status?: number }).status ?? 0;
        const message = `Twilio refused the SMS: ${(error as Error).message}`;
        if (status >= 400 && status < 500 && status !== 429) throw ApplicationFailure.nonRetryable(message, 'SmsRejected');
        // An ApplicationFailure says the provider answered (nothing was sent); a plain error leaves it unknown.
        if (status > 0) throw ApplicationFailure.retryable(message, 'SmsProviderFailed');
        throw error;
      }
    },
  };
}
