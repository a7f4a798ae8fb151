/** The faults injected during the run, each at a share of the invoices registered so far, so they spread over the run at any speed. */
import { startRole, type RoleName, type RoleProcess } from '../test/support/engine-processes';
import type { RestartableCluster } from './restartable-temporal';

export interface Fault {
  /** When it fires: this share of the invoices registered. */
  at: number;
  kind: 'kill worker' | 'kill api' | 'restart temporal';
}

export const FAULTS: Fault[] = [
  { at: 0.15, kind: 'kill worker' },
  { at: 0.3, kind: 'kill api' },
  { at: 0.45, kind: 'kill worker' },
  { at: 0.6, kind: 'restart temporal' },
  { at: 0.8, kind: 'kill worker' },
];

export interface FaultRecord {
  kind: Fault['kind'];
  registered: number;
  /** When the process went down and when its replacement answered ready again (epoch ms). */
  downAt: number;
  upAt: number;
}

/** Payments and sends pile up against the dead role for this long before it is started again. */
const DOWN_MS = 3_000;

export interface Deployment {
  roles: Record<RoleName, RoleProcess>;
  env: NodeJS.ProcessEnv;
  ports: Record<RoleName, number>;
  cluster: RestartableCluster;
}

async function killAndRestart(deployment: Deployment, role: RoleName): Promise<{ downAt: number; upAt: number }> {
  const running = deployment.roles[role];
  running.child.kill('SIGKILL');
  await running.exited;
  const downAt = Date.now();
  await new Promise((resolve) => setTimeout(resolve, DOWN_MS));
  deployment.roles[role] = await startRole(role, deployment.env, deployment.ports[role]);
  return { downAt, upAt: Date.now() };
}

export async function inject(deployment: Deployment, fault: Fault, registered: number): Promise<FaultRecord> {
  const times = fault.kind === 'restart temporal' ? await restartTemporal(deployment.cluster)
    : await killAndRestart(deployment, fault.kind === 'kill worker' ? 'worker' : 'api');
  return { kind: fault.kind, registered, ...times };
}

async function restartTemporal(cluster: RestartableCluster): Promise<{ downAt: number; upAt: number }> {
  const { stoppedAt, answeredAt } = await cluster.restart();
  return { downAt: stoppedAt, upAt: answeredAt };
}
