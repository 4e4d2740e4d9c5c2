#!/usr/bin/env node
// The `mote` command. The CLI is TypeScript, run through tsx's loader.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

// The project's tsconfig wherever `mote` runs from: device modules shared with the tools
// (modules/ota) import each other by the names its "paths" map.
register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
const { main } = await import('./cli.ts');
process.exitCode = await main(process.argv.slice(2));
