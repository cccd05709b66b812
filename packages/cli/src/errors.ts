// CLI errors and exit codes: 0 ok, 1 the run failed, 2 bad usage or config (the user's to fix),
// 130 stopped by Ctrl-C (as shells report a SIGINT). Messages go to stderr without a stack trace
// unless CROSSMODAL_DEBUG=1.
import {
  BackendUnavailableError, ConfigError, DuplicateNameError, ModelConfigError, PluginError, ProviderCreateError, UnknownNameError,
} from '@crossmodal/core';

/** The process exit codes of `crossmodal`. */
export const EXIT = {
  /** The command did what was asked. */
  ok: 0,
  /** The run (or evaluation) failed while running. */
  failure: 1,
  /** Bad usage or config: unknown command, missing file, invalid field, unknown name, bad plugin. */
  usage: 2,
  /** Stopped by Ctrl-C (SIGINT) after writing an interrupt checkpoint: 128 + 2, as shells do. */
  interrupted: 130,
} as const;

/** A command line that cannot be run (unknown command or flag, missing argument). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A plugin module that cannot be found, imported, or does not export a plugin. */
export class PluginLoadError extends Error {
  override readonly name = 'PluginLoadError';
}

/** Errors the user fixes in the command line or the config: exit 2. */
const USER_ERRORS = [UsageError, PluginLoadError, ConfigError, UnknownNameError, DuplicateNameError, PluginError, ProviderCreateError, ModelConfigError];

/**
 * The exit code for an error: 2 for usage and config errors (including unknown names and plugin
 * problems), 1 for anything that went wrong while running.
 * @example
 * exitCodeOf(new UsageError('unknown command'));   // 2
 */
export function exitCodeOf(error: unknown): number {
  if (error instanceof BackendUnavailableError) return EXIT.failure;
  return USER_ERRORS.some((type) => error instanceof type) ? EXIT.usage : EXIT.failure;
}

/**
 * The text printed for an error: `crossmodal: <message>` (each line of a multi-line message
 * indented under the first), plus the stack and causes when `debug` is on.
 */
export function formatError(error: unknown, debug: boolean): string {
  const message = error instanceof Error ? error.message : String(error);
  const [first = '', ...rest] = message.split('\n');
  const lines = [`crossmodal: ${first}`, ...rest.map((line) => `  ${line}`)];
  if (debug) {
    for (let e: unknown = error; e instanceof Error; e = e.cause) lines.push(e.stack ?? `${e.name}: ${e.message}`);
  }
  return `${lines.join('\n')}\n`;
}
