/**
 * Services declare their own Node flags (`hearth.nodeArgs` in their package.json); npm start, the
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
  it.each(services)('%s: bounds its young generation with flags the pinned Node accepts (why: root README, "Node flags of the services")', (name) => {
    const args = serviceNodeArgs(root, name);
    // keeps two million small objects alive, which grows the young generation as far as it may grow
    const script = "const kept = []; for (let i = 0; i < 2e6; i++) kept.push({ i }); process.stdout.write(String(require('v8').getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size));";
    const result = spawnSync(process.execPath, [...args, '-e', script], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const semiSpace = args.find((a) => a.startsWith('--max-semi-space-size='));
    // bounded by the declared semi-space size (MiB): two semi-spaces at most (unbounded, it grows to 128 MiB here)
    expect(semiSpace).toBeDefined();
    if (semiSpace) expect(Number(result.stdout)).toBeLessThanOrEqual(2 * Number(semiSpace.split('=')[1]) * 1024 * 1024);
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
