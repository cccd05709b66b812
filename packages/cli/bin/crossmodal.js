#!/usr/bin/env node
// The `crossmodal` command for Node: registers tsx (Node 20 has no TypeScript stripping) and runs
// src/main.ts. Under Deno, run src/main.ts directly (see packages/cli/README.md).
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

// NOTE: tsx applies a tsconfig only to the files it includes, and the framework's parameter
// decorators (tsyringe's @inject) need experimentalDecorators: so the workspace's base tsconfig,
// which covers every package, not this package's own (src/ only).
register({ tsconfig: fileURLToPath(new URL('../../../tsconfig.base.json', import.meta.url)) });
await import('../src/main.ts');
