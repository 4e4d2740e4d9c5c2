#!/usr/bin/env node
// The `mote` command. The CLI is TypeScript, run through tsx's loader.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

/** How long a command that returned may take to let go of its last handles before it is a leak. */
const LINGER_MS = 10_000;

// The project's tsconfig wherever `mote` runs from: device modules shared with the tools
// (modules/ota) import each other by the names its "paths" map.
register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
const { main } = await import('./cli.ts');
const code = await main(process.argv.slice(2));
process.exitCode = code;
// Every command returns once it is done (the long-running ones at Ctrl-C), so whatever still holds
// the process up after that (a simulator's XS worker, a socket, a timer) is a leak: it would run on
// unseen for ever, as `mote sim` did when a broker refused it. Said, then ended. Unref'd, this timer
// does not itself keep a clean process alive.
setTimeout(() => {
  const open = process.getActiveResourcesInfo().filter((kind) => kind !== 'Timeout');
  process.stderr.write(`mote: internal error: still running ${LINGER_MS / 1000} s after the command ended (open: ${open.join(', ') || 'unknown'}); exiting\n`);
  process.exit(code || 1);
}, LINGER_MS).unref();
