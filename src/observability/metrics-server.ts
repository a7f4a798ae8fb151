/**
 * The Prometheus scrape endpoint, `GET /metrics` on its own listener (METRICS_PORT). Kept off the API's
 * port on purpose: scrapers hold no API key, and a separate port can be left unexposed outside the
 * cluster (or firewalled to the Prometheus servers) without touching the API's key gate and route matrix.
 */
import { createServer } from 'node:http';
import { collectProcessMetrics, metricsRegistry } from './metrics';

/** A running metrics listener. */
export interface MetricsServer {
  port: number;
  stop(): Promise<void>;
}

/** Serves the process's metrics at `http://host:port/metrics` (port 0 picks a free one). */
export async function serveMetrics(options: { host: string; port: number }): Promise<MetricsServer> {
  collectProcessMetrics();
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: metrics are at GET /metrics\n');
      return;
    }
    metricsRegistry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': metricsRegistry.contentType }).end(req.method === 'HEAD' ? undefined : text),
      (error: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${error instanceof Error ? error.message : 'unknown error'}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    // A port in use fails the start, naming the port, rather than running without metrics.
    server.once('error', reject);
    server.listen(options.port, options.host, () => { server.removeListener('error', reject); resolve(); });
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : options.port,
    stop: () => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    }),
  };
}
