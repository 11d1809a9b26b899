/**
 * Checks of the repository's toolchain choices (issue #2): CommonJS under Jest loads every client the
 * platform depends on, and the lint rule keeps src/domain/** free of I/O libraries.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..');

describe('module system', () => {
  it('loads the NATS, KurrentDB, PostgreSQL and MongoDB clients under Jest as CommonJS', () => {
    /* eslint-disable @typescript-eslint/no-require-imports */
    expect(typeof require('@nats-io/transport-node').connect).toBe('function');
    expect(typeof require('@nats-io/jetstream').jetstream).toBe('function');
    expect(typeof require('@kurrent/kurrentdb-client').KurrentDBClient).toBe('function');
    expect(typeof require('pg').Pool).toBe('function');
    expect(typeof require('mongodb').MongoClient).toBe('function');
    /* eslint-enable @typescript-eslint/no-require-imports */
  });

  it('runs on the pinned Node 24', () => {
    expect(Number(process.versions.node.split('.')[0])).toBe(24);
  });
});

describe('lint: domain code is free of I/O', () => {
  const lint = (filePath: string, source: string) =>
    spawnSync(join(root, 'node_modules', '.bin', 'eslint'), ['--stdin', '--stdin-filename', filePath], {
      cwd: root,
      input: source,
      encoding: 'utf8',
    });

  it.each(["import pg from 'pg';", "import { connect } from '@nats-io/transport-node';", "import { readFileSync } from 'node:fs';", "import express from 'express';"])(
    'rejects `%s` in src/domain/',
    (line) => {
      const result = lint('services/demo/src/domain/guest.decider.ts', `${line}\nexport const x = [${line.match(/import (\w+|\{ \w+ \})/)?.[1]?.replace(/[{} ]/g, '')}];\n`);
      expect(result.status).toBe(1);
      expect(result.stdout).toContain('src/domain/** must be free of I/O');
    },
  );

  it('allows the same import outside src/domain/', () => {
    const result = lint('services/demo/src/adapters/store.ts', "import pg from 'pg';\nexport const x = [pg];\n");
    expect(result.stdout).not.toContain('must be free of I/O');
    expect(result.status).toBe(0);
  });
});
