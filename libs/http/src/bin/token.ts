#!/usr/bin/env node
// `npm run token -- --tenant demo --roles agent --brands brand-a`: prints a development token.
import { runTokenCli } from '../token-cli';

runTokenCli(process.argv.slice(2), process.env).then(
  (token) => {
    process.stdout.write(`${token}\n`);
  },
  (error: unknown) => {
    const e = error as { code?: unknown; message?: unknown };
    process.stderr.write(`${String(e.message ?? error)}\n`);
    process.exitCode = e.code === 'INVALID_TOKEN_CLI_ARGUMENTS' || e.code === 'INVALID_AUTH_CONFIG' ? 2 : 1;
  },
);
