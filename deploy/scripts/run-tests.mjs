#!/usr/bin/env node
// `npm test`: typecheck, lint, then the unit and integration tests (Jest), then one clear summary.
// Every stage runs even when an earlier one fails, so one run shows every problem. Exits non-zero on
// any failure. The last line is the plain `N passed, M failed[, K skipped]` that CI reads.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const bin = (name) => join(root, 'node_modules', '.bin', name);
const extraJestArgs = process.argv.slice(2);

function stage(name, command, args) {
  console.log(`\n=== ${name}: ${[command.replace(root, ''), ...args].join(' ')}`);
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: process.env });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  return { name, ok: result.status === 0, seconds, status: result.status ?? result.signal };
}

const stages = [];
stages.push(stage('typecheck', bin('tsc'), ['-b']));
stages.push(stage('lint', bin('eslint'), ['--max-warnings=0', '.']));

const outDir = mkdtempSync(join(tmpdir(), 'hearth-jest-'));
const outFile = join(outDir, 'results.json');
const jest = stage('tests', bin('jest'), ['--ci', '--json', `--outputFile=${outFile}`, ...extraJestArgs]);
stages.push(jest);

let report;
try {
  report = JSON.parse(readFileSync(outFile, 'utf8'));
} catch {
  report = undefined;
} finally {
  rmSync(outDir, { recursive: true, force: true });
}

const byProject = new Map();
const skipped = [];
const failures = [];
for (const file of report?.testResults ?? []) {
  const path = relative(root, file.name);
  const project = path.includes('.int.test.') ? 'integration' : path.includes('.e2e.test.') ? 'end-to-end' : 'unit';
  const counts = byProject.get(project) ?? { passed: 0, failed: 0, skipped: 0, files: 0 };
  counts.files++;
  for (const t of file.assertionResults) {
    if (t.status === 'passed') counts.passed++;
    else if (t.status === 'failed') {
      counts.failed++;
      failures.push(`${path}: ${t.fullName}`);
    } else {
      counts.skipped++;
      skipped.push(`${path}: ${t.fullName}`);
    }
  }
  if (file.status === 'failed' && file.assertionResults.every((t) => t.status !== 'failed')) {
    counts.failed++; // the file itself failed to load or run
    failures.push(`${path}: ${String(file.message).split('\n').find((l) => l.trim()) ?? 'test file failed'}`);
  }
  byProject.set(project, counts);
}

const total = { passed: 0, failed: 0, skipped: 0 };
console.log('\n=== Hearth test summary');
for (const s of stages.slice(0, 2)) {
  console.log(`  ${s.name.padEnd(12)} ${s.ok ? 'ok' : 'FAILED'} (${s.seconds}s)`);
  if (!s.ok) total.failed++;
}
for (const [project, c] of [...byProject].sort()) {
  console.log(`  ${project.padEnd(12)} ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped (${c.files} files)`);
  total.passed += c.passed;
  total.failed += c.failed;
  total.skipped += c.skipped;
}
if (!report) {
  console.log(`  tests        FAILED: Jest produced no report (exit ${jest.status})`);
  total.failed++;
} else if (!jest.ok && failures.length === 0) {
  console.log(`  tests        FAILED: Jest exited with ${jest.status}`);
  total.failed++;
}
if (skipped.length) {
  console.log(`  skipped (a backend is not configured; see the message printed by each suite):`);
  for (const s of skipped.slice(0, 10)) console.log(`    - ${s}`);
  if (skipped.length > 10) console.log(`    … and ${skipped.length - 10} more`);
}
if (failures.length) {
  console.log('  failures:');
  for (const f of failures.slice(0, 30)) console.log(`    - ${f}`);
}
console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(stages.every((s) => s.ok) && total.failed === 0 ? 0 : 1);
