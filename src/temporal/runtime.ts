/**
 * The Temporal SDK's process-wide Runtime: its logs go into ours (pino, JSON, redacted), and when
 * configured it serves its own worker metrics (`temporal_…`: task slots, poll and schedule-to-start
 * latencies, sticky cache) on a Prometheus listener.
 */
import { Runtime, type LogLevel, type LogMetadata, type Logger as SdkLogger } from '@temporalio/worker';
import type { Logger } from '../logger';

const PINO_LEVEL: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error',
};
const SEVERITY: Record<LogLevel, number> = { TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4 };

/** Lines from workflow and activity code; the SDK's own (worker, core) carry other components. */
const ENGINE_COMPONENTS = new Set(['workflow', 'activity']);

/**
 * The SDK's logger, writing through pino. Workflow and activity lines keep every level (pino applies
 * LOG_LEVEL) and carry the SDK's attributes: workflowId, runId, workflowType, taskQueue, and for an
 * activity activityType, activityId and attempt. The SDK's own lines (a worker starting, a task
 * processed) are kept to warnings and errors unless LOG_LEVEL is debug or trace, so start-up stays readable.
 */
export class PinoSdkLogger implements SdkLogger {
  private readonly target: Logger;

  constructor(log: Logger) {
    this.target = log.child({ component: 'temporal-sdk' });
  }

  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    const component = meta?.sdkComponent;
    const ours = typeof component === 'string' && ENGINE_COMPONENTS.has(component);
    if (!ours && SEVERITY[level] < SEVERITY.WARN && !this.target.isLevelEnabled('debug')) return;
    this.target[PINO_LEVEL[level]](meta ?? {}, message);
  }

  trace(message: string, meta?: LogMetadata): void { this.log('TRACE', message, meta); }
  debug(message: string, meta?: LogMetadata): void { this.log('DEBUG', message, meta); }
  info(message: string, meta?: LogMetadata): void { this.log('INFO', message, meta); }
  warn(message: string, meta?: LogMetadata): void { this.log('WARN', message, meta); }
  error(message: string, meta?: LogMetadata): void { this.log('ERROR', message, meta); }
}

/** Must run before the first worker or native connection is created. */
export function installTemporalRuntime(log: Logger, options: { metricsBindAddress?: string } = {}): void {
  Runtime.install({
    // The CLI stops workers itself, in order, on SIGINT/SIGTERM; the SDK must not stop them first.
    shutdownSignals: [],
    logger: new PinoSdkLogger(log),
    telemetryOptions: {
      // The SDK's native core logs too, so every line is JSON in one stream.
      logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} },
      ...(options.metricsBindAddress ? { metrics: { prometheus: { bindAddress: options.metricsBindAddress } } } : {}),
    },
  });
}
