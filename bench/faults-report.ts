/** Prints the faults benchmark's figures, its findings, the fault schedule and the machine. */
import type { ResendStandIn } from '../test/support/resend-stand-in';
import { load, machine } from './bench-machine';
import type { FaultRecord } from './fault-schedule';
import type { Figures } from './faults-count';
import type { Traffic } from './faults-load';

export interface Report {
  invoices: number;
  traffic: Traffic;
  faults: FaultRecord[];
  figures: Figures;
  resend: ResendStandIn;
  startedAt: number;
  trafficStartedAt: number;
  trafficEndedAt: number;
  command: string;
}

const SHOWN = 20;

function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 23);
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(0)} s`;
}

function findings(title: string, list: string[]): void {
  if (list.length === 0) return;
  console.log(`${title} (${list.length}${list.length > SHOWN ? `, first ${SHOWN}` : ''}):`);
  for (const line of list.slice(0, SHOWN)) console.log(`  ${line}`);
}

export function printReport(report: Report): void {
  const { traffic, figures, resend } = report;
  const registeredOk = [...traffic.registered.values()].filter((answer) => answer.status < 300).length;
  const answers = traffic.payments.map((p) => p.answer).filter((answer) => answer !== undefined);
  const retried = answers.filter((answer) => answer.attempts > 1).length;
  const slowest = Math.max(0, ...answers.map((answer) => answer.answeredAt - answer.sentAt));
  console.log(`\nfaults — ${new Date().toISOString()}; ${machine()}; ${load()}`);
  console.log(`${report.invoices} invoices (${registeredOk} registered), ${traffic.payments.length} payments (${traffic.payments.filter((p) => p.amountMinor < 120_000).length} partial), ` +
    `${answers.length} answered, ${retried} after a retry, slowest ${seconds(slowest)}; ${resend.delivered().length} emails accepted of ${resend.requests.length} requests to the stand-in`);
  const reasons = new Map<string, number>();
  for (const failure of answers.flatMap((answer) => answer.failures)) reasons.set(failure, (reasons.get(failure) ?? 0) + 1);
  console.log(`payment attempts that got no answer, retried: ${[...reasons].map(([reason, n]) => `${n} × ${reason}`).join('; ') || 'none'}`);
  console.log('fault schedule (UTC)                   registered  down            ready again     down for');
  for (const fault of report.faults) {
    console.log(`  ${fault.kind.padEnd(36)} ${String(fault.registered).padStart(10)}  ${clock(fault.downAt)}    ${clock(fault.upAt)}    ${seconds(fault.upAt - fault.downAt)}`);
  }
  console.log(`traffic ${clock(report.trafficStartedAt)} – ${clock(report.trafficEndedAt)}; elapsed ${seconds(Date.now() - report.startedAt)} in all (setup and quiescence included)`);
  console.log('\n                                                          count   expected');
  const row = (label: string, count: number) => console.log(`  ${label.padEnd(54)} ${String(count).padStart(6)}   0`);
  row('lost payments', figures.lostPayments.length);
  row('duplicate emails: one invoice step emailed twice', figures.stepsEmailedTwice.length);
  row('  (one idempotency key accepted twice by the provider)', figures.keysAcceptedTwice.length);
  row('reminders delivered after payment', figures.staleReminders.length);
  row('stuck workflows', figures.stuckWorkflows.length);
  console.log(`  (reminders that raced a payment: accepted after its ledger write began, sent under the invoice's lock taken first: ${figures.racedReminders.length})`);
  console.log(`  (invoices left owing with no email accepted: ${figures.owingWithoutEmail.length})`);
  findings('\nlost payments', figures.lostPayments);
  findings('invoice steps emailed twice', figures.stepsEmailedTwice);
  findings('keys accepted twice', figures.keysAcceptedTwice);
  findings('reminders after payment', figures.staleReminders);
  findings('reminders that raced a payment', figures.racedReminders);
  findings('stuck workflows', figures.stuckWorkflows);
  findings('invoices left owing with no email', figures.owingWithoutEmail);
  console.log(`reproduce: ${report.command}`);
}
