#!/usr/bin/env node
// The `crossmodal` command for Node: registers tsx (Node 20 has no TypeScript stripping) and runs
// src/main.ts. Under Deno, run src/main.ts directly (see packages/cli/README.md).
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

// NOTE: tsx applies a tsconfig only to the files it includes: the workspace's base tsconfig covers
// every package (and a local plugin's files), this package's own covers src/ only.
register({ tsconfig: fileURLToPath(new URL('../../../tsconfig.base.json', import.meta.url)) });
await import('../src/main.ts');
