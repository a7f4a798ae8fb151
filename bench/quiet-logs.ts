/** The SDK's logs at error level only, so a benchmark prints its figures and little else. */
import { createLogger } from '../src/logger';
import { installTemporalRuntime } from '../src/temporal/runtime';

let installed = false;

/** Must run before the first Temporal connection of the process; later calls do nothing. */
export function quietTemporalLogs(): void {
  if (installed) return;
  installTemporalRuntime(createLogger('error'));
  installed = true;
}
