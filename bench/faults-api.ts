/** The benchmark's backend system: calls the engine's HTTP API and retries, with the same body, whatever did not get an answer. */

export interface Answered {
  status: number;
  body: any;
  /** When the first attempt went out and when the answer came back (epoch ms). */
  sentAt: number;
  answeredAt: number;
  attempts: number;
  /** Why each attempt before the answer failed: a status, or the connection error's name. */
  failures: string[];
}

const GIVE_UP_MS = 15 * 60_000;

/**
 * POSTs until the API answers below 500. A refused or cut connection (the API was down), a timeout or
 * a 5xx (Temporal or the worker was down) is retried with the same body, as a backend system does;
 * the invoice id and the payment id make the repeat harmless.
 */
export async function postUntilAnswered(baseUrl: string, key: string, route: string, body: unknown): Promise<Answered> {
  const sentAt = Date.now();
  const failures: string[] = [];
  for (let attempts = 1; ; attempts += 1) {
    try {
      const response = await fetch(`${baseUrl}/v1${route}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(60_000),
      });
      const text = await response.text();
      if (response.status < 500) return { status: response.status, body: text ? JSON.parse(text) : undefined, sentAt, answeredAt: Date.now(), attempts, failures };
      failures.push(`${response.status} ${text.slice(0, 240)}`);
    } catch (error) {
      failures.push(String((error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name));
    }
    if (Date.now() - sentAt > GIVE_UP_MS) throw new Error(`POST ${route} got no answer in ${GIVE_UP_MS / 60_000} minutes`);
    await new Promise((resolve) => setTimeout(resolve, Math.min(2_000, 250 * attempts)));
  }
}
