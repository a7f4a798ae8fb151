/**
 * Notices when the command that launched the engine has gone. `npm start` runs
 * `sh -c "tsx src/cli/main.ts start"`, and tsx runs this file in a child node: a SIGTERM to npm is
 * forwarded to that shell, which dies of it without passing it on (dash does not exec a `-c`
 * command), so tsx and the engine are orphaned with every port still bound. Node has no parent-death
 * signal, so the engine watches its parent and its parent's parent instead (Linux, through /proc).
 */
import { readFileSync } from 'node:fs';

/** The parent of `pid` as /proc reports it; undefined where there is no /proc or the process is gone. */
export function parentPid(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // `pid (comm) state ppid …`; comm may hold spaces and parentheses, the last `)` ends it.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return Number.isInteger(ppid) ? ppid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Calls `gone` once when this process's parent, or the process that started the parent, exits
 * (the parent is re-parented). A launcher that is init itself, or a system without /proc, is not watched.
 */
export function whenLauncherExits(gone: (reason: string) => void, intervalMs = 500): () => void {
  const parent = process.ppid;
  const grandparent = parentPid(parent);
  const timer = setInterval(() => {
    let reason: string | undefined;
    if (process.ppid !== parent) reason = `parent process ${parent} exited`;
    else if (grandparent !== undefined && grandparent > 1 && parentPid(parent) !== grandparent) reason = `launcher process ${grandparent} exited`;
    if (!reason) return;
    clearInterval(timer);
    gone(reason);
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
