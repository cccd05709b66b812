// The `crossmodal` entry point: runs the command line and sets the exit code. Node runs it through
// bin/crossmodal.js (tsx); Deno runs it directly: deno run -A packages/cli/src/main.ts <command>
import { runCli } from './cli.ts';
import { processIo } from './io.ts';

// NOTE: exitCode, not exit(): stdout and the loggers' files finish flushing before the process ends.
process.exitCode = await runCli(process.argv.slice(2), processIo());
