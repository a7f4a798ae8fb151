/** Routes the Temporal SDK's own logs into ours, at warning level and above, so start-up output stays readable. */
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import type { Logger } from '../logger';

const PINO_LEVEL: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error',
};

/** Must run before the first worker or native connection is created. */
export function installTemporalRuntime(log: Logger): void {
  const sdkLog = log.child({ component: 'temporal-sdk' });
  Runtime.install({
    // The CLI stops workers itself, in order, on SIGINT/SIGTERM; the SDK must not stop them first.
    shutdownSignals: [],
    logger: new DefaultLogger('WARN', (entry) => sdkLog[PINO_LEVEL[entry.level]](entry.meta ?? {}, entry.message)),
  });
}
