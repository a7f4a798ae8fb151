/**
 * Requests Node's HTTP parser refuses before express sees them (headers or a URL too large, a
 * malformed request line) are answered as problem+json too, naming what was wrong, instead of
 * Node's bare status line.
 */
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';

const REFUSALS: Record<string, { status: number; title: string; field: string; reason: string }> = {
  HPE_HEADER_OVERFLOW: { status: 431, title: 'Request header fields too large', field: 'headers', reason: 'the request line and headers are larger than 16 KB (a URL that long, or too many headers)' },
};
const MALFORMED = { status: 400, title: 'Bad request', field: 'request', reason: 'is not a well-formed HTTP request' };

/** Answers parser refusals on `server` as problem+json. */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (error: Error & { code?: string }, socket: Duplex) => {
    if (!socket.writable || (error.code === 'ECONNRESET')) {
      socket.destroy();
      return;
    }
    const refusal = REFUSALS[error.code ?? ''] ?? MALFORMED;
    const body = JSON.stringify({
      type: `/problems/${refusal.title.toLowerCase().replace(/ /g, '-')}`, title: refusal.title, status: refusal.status,
      detail: `${refusal.field}: ${refusal.reason}`, errors: [{ field: refusal.field, reason: refusal.reason }],
    });
    socket.end(`HTTP/1.1 ${refusal.status} ${refusal.title}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });
}
