#!/usr/bin/env node
// Builds the Node-API addon with node-gyp against the installed Node's headers (nothing is
// downloaded), unless the build is newer than every source (--force rebuilds anyway). Run by
// `npm ci` (the package's install script) and by tools/bootstrap.sh.
// Without --strict a failed build is not an install failure: it prints one line and records the
// cause in build/BUILD_FAILED.txt, which the loader reports when the runtime asks for the backend.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const strict = process.argv.includes('--strict');
const failedFile = join(root, 'build', 'BUILD_FAILED.txt');
const FIX = 'install g++, make, python3 and libopenblas-dev (tools/bootstrap.sh does), then run `npm run build:addon -w @crossmodal/backend-native`';

/** npm's own node-gyp: npm exports its path to scripts; otherwise look next to the npm on PATH. */
function findNodeGyp() {
  const candidates = [process.env.npm_config_node_gyp];
  const npmCli = spawnSync('npm', ['root', '-g'], { encoding: 'utf8' });
  if (npmCli.status === 0) candidates.push(join(npmCli.stdout.trim(), 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  candidates.push(join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  return candidates.find((c) => c && existsSync(c));
}

function fail(cause) {
  mkdirSync(dirname(failedFile), { recursive: true });
  writeFileSync(failedFile, `${cause}\n`);
  const line = `backend-native: the addon was not built (${cause}); ${FIX}`;
  if (strict) {
    console.error(line);
    process.exit(1);
  }
  console.warn(`${line}. The runtime will use another backend.`);
  process.exit(0);
}

/** True when the built addon is newer than binding.gyp and every file under native/ (an npm install of another package then costs nothing). */
function upToDate() {
  const built = join(root, 'build', 'Release', 'crossmodal_native.node');
  if (!existsSync(built)) return false;
  const t = statSync(built).mtimeMs;
  const sources = [join(root, 'binding.gyp'), ...readdirSync(join(root, 'native')).map((f) => join(root, 'native', f))];
  return sources.every((f) => statSync(f).mtimeMs <= t);
}

if (!process.argv.includes('--force') && upToDate()) {
  console.log('backend-native: addon up to date (build/Release/crossmodal_native.node; --force rebuilds)');
  process.exit(0);
}

const gyp = findNodeGyp();
if (!gyp) fail('node-gyp not found (it ships with npm)');
const env = { ...process.env };
// Debian's and NodeSource's Node install their headers here: build against them, offline.
if (!env.npm_config_nodedir && existsSync('/usr/include/node/node_api.h')) env.npm_config_nodedir = '/usr';
rmSync(failedFile, { force: true });
const r = spawnSync(process.execPath, [gyp, 'rebuild', '--jobs', 'max'], { cwd: root, env, encoding: 'utf8' });
if (r.status !== 0) {
  const log = `${r.stdout ?? ''}\n${r.stderr ?? ''}`;
  const firstError = log.split('\n').find((l) => /error|not found|No such file/i.test(l))?.trim() ?? `node-gyp exited with ${r.status}`;
  if (strict) process.stderr.write(log);
  fail(firstError.slice(0, 300));
}
console.log('backend-native: addon built (build/Release/crossmodal_native.node)');
