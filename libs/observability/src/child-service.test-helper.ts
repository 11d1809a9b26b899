import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '@hearth/testing';

export const REPO_ROOT = join(__dirname, '..', '..', '..');
/** The pinned Node 24 (the SDK needs ≥ 22.15), whatever Node runs Jest. */
export const NODE_BIN = existsSync(join(REPO_ROOT, 'node_modules', '.bin', 'node')) ? join(REPO_ROOT, 'node_modules', '.bin', 'node') : process.execPath;
export const OBSERVABILITY_DIST = join(REPO_ROOT, 'libs', 'observability', 'dist');

const BUILD_LOCK = join(tmpdir(), `hearth-tsc-build-${Buffer.from(REPO_ROOT).toString('hex').slice(-16)}.lock`);
const STALE_LOCK_MS = 180_000;

/**
 * Builds the given projects (`tsc -b` is incremental: a no-op when dist is current, as after the
 * `npm test` typecheck stage), so child processes run the code under test and not a stale dist.
 * Test files run in parallel workers: a lock directory keeps two builds from writing the same dist
 * files while a child process reads them.
 */
export async function buildProjects(...projects: string[]): Promise<void> {
  for (;;) {
    try {
      mkdirSync(BUILD_LOCK);
      break;
    } catch {
      // Held by another worker; break it only if its holder died mid-build long ago.
      const age = Date.now() - (statSync(BUILD_LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > STALE_LOCK_MS) rmSync(BUILD_LOCK, { recursive: true, force: true });
      else await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  try {
    const result = spawnSync(join(REPO_ROOT, 'node_modules', '.bin', 'tsc'), ['-b', ...projects], { cwd: REPO_ROOT, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`tsc -b ${projects.join(' ')} failed:\n${result.stdout}${result.stderr}`);
  } finally {
    rmSync(BUILD_LOCK, { recursive: true, force: true });
  }
}

/** A service running as a child process; its stdout JSON lines are parsed as they arrive. */
export type ChildService = {
  process: ChildProcess;
  /** Every stdout line that parsed as a JSON object (pino logs, the fixture's ready line). */
  lines: Record<string, unknown>[];
  stderr: () => string;
  /** The port from the `{"fixture":"ready","port":…}` line. */
  port: number;
  /** SIGTERM, then waits for the exit (SIGKILL after `timeoutMs`); resolves with the exit code. */
  stop(timeoutMs?: number): Promise<number | null>;
};

/** Starts `node <nodeArgs…> <script>` with `env` added to this process's environment and waits for its ready line. */
export async function startChildService(script: string, nodeArgs: string[], env: Record<string, string>): Promise<ChildService> {
  const child = spawn(NODE_BIN, [...nodeArgs, script], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Record<string, unknown>[] = [];
  let stdoutRest = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (stdoutRest + chunk).split('\n');
    stdoutRest = parts.pop() ?? '';
    for (const part of parts) {
      try {
        const parsed: unknown = JSON.parse(part);
        if (parsed && typeof parsed === 'object') lines.push(parsed as Record<string, unknown>);
      } catch {
        // not a JSON line: ignore
      }
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let exitCode: number | null | undefined;
  void exited.then((code) => {
    exitCode = code;
  });

  const ready = await eventually(
    () => {
      if (exitCode !== undefined) throw new Error(`child exited early (${exitCode}): ${stderr}`);
      const line = lines.find((l) => l.fixture === 'ready');
      if (!line) throw new Error(`child not ready yet; stderr: ${stderr}`);
      return line;
    },
    { timeoutMs: 20_000, intervalMs: 50 },
  ).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });

  return {
    process: child,
    lines,
    stderr: () => stderr,
    port: Number(ready.port),
    async stop(timeoutMs = 10_000) {
      if (exitCode !== undefined) return exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
