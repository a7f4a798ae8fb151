/** Starts what the configuration turns on: the metrics listener (METRICS_PORT) and tracing (OTEL_EXPORTER_OTLP_ENDPOINT). */
import type { Config } from '../config';
import type { Logger } from '../logger';
import { serveMetrics, type MetricsServer } from './metrics-server';
import { startTracing, type Tracing } from './tracing';

/** The name traces carry as `service.name`. */
export const SERVICE_NAME = 'collections-engine';

/** What was started, stopped together. */
export interface RunningObservability {
  /** Where `GET /metrics` answers, when it does. */
  metricsPort?: number;
  stop(): Promise<void>;
}

/**
 * Must run before the Temporal client and worker are made, which pick up tracing when it is on. Stop it
 * last, so the spans and counts of the shutdown itself still leave.
 */
export async function startObservability(config: Config['observability'], options: { host: string; log: Logger }): Promise<RunningObservability> {
  let tracing: Tracing | undefined;
  let metrics: MetricsServer | undefined;
  if (config.otlpEndpoint) {
    tracing = await startTracing({ endpoint: config.otlpEndpoint, serviceName: SERVICE_NAME });
    options.log.info({ endpoint: config.otlpEndpoint }, 'sending traces to the OTLP collector');
  }
  if (config.metricsPort !== undefined) {
    try {
      metrics = await serveMetrics({ host: options.host, port: config.metricsPort });
    } catch (error) {
      await tracing?.stop();
      throw new Error(`METRICS_PORT: cannot listen on ${options.host}:${config.metricsPort}: ${error instanceof Error ? error.message : String(error)}`);
    }
    options.log.info({ host: options.host, port: metrics.port }, 'serving Prometheus metrics at /metrics');
  }
  return {
    metricsPort: metrics?.port,
    async stop() {
      await metrics?.stop();
      await tracing?.stop();
    },
  };
}
