/**
 * Services may declare Node flags of their own (`hearth.nodeArgs` in their package.json); npm start, the
 * end-to-end stack and the benchmarks pass them. A flag the pinned Node rejects would stop a service
 * from starting at all, so every declared flag is tried here.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serviceNodeArgs } from './bench-services';

const root = join(__dirname, '..', '..', '..');
const services = readdirSync(join(root, 'services'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

describe('serviceNodeArgs', () => {
  it.each(services)('%s: its declared flags start the pinned Node', (name) => {
    const result = spawnSync(process.execPath, [...serviceNodeArgs(root, name), '-e', 'process.stdout.write("ok")'], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('ok');
  });

  it('the timeline bounds its young generation (why: its README, "Benchmark")', () => {
    const args = serviceNodeArgs(root, 'timeline');
    expect(args).toContain('--max-semi-space-size=2');
    // keeps two million small objects alive, which grows the young generation as far as it may grow
    const script = "const kept = []; for (let i = 0; i < 2e6; i++) kept.push({ i }); process.stdout.write(String(require('v8').getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size));";
    const youngGeneration = (flags: string[]) => Number(spawnSync(process.execPath, [...flags, '-e', script], { encoding: 'utf8' }).stdout);
    // two semi-spaces of 2 MiB at most; without the flag it grows to 64 MiB or more
    expect(youngGeneration(args)).toBeLessThanOrEqual(4 * 1024 * 1024);
    expect(youngGeneration([])).toBeGreaterThan(16 * 1024 * 1024);
  });

  describe('with a package.json of its own', () => {
    let repo: string;
    const writePackage = (hearth: unknown) => {
      mkdirSync(join(repo, 'services', 'demo'), { recursive: true });
      writeFileSync(join(repo, 'services', 'demo', 'package.json'), JSON.stringify({ name: '@hearth/demo', hearth }));
    };
    beforeEach(() => {
      repo = mkdtempSync(join(tmpdir(), 'hearth-node-args-'));
    });
    afterEach(() => rmSync(repo, { recursive: true, force: true }));

    it('is empty when the service declares none', () => {
      writePackage({ port: 4199 });
      expect(serviceNodeArgs(repo, 'demo')).toEqual([]);
    });

    it('refuses anything but an array of strings, naming the file', () => {
      writePackage({ port: 4199, nodeArgs: '--max-semi-space-size=2' });
      expect(() => serviceNodeArgs(repo, 'demo')).toThrow('services/demo/package.json: hearth.nodeArgs must be an array of strings');
      writePackage({ port: 4199, nodeArgs: [2] });
      expect(() => serviceNodeArgs(repo, 'demo')).toThrow('hearth.nodeArgs must be an array of strings');
    });
  });
});
