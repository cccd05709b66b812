// Specs' view of a ConfigError: the issue lines `run` throws (and an error when it throws none).
import { ConfigError } from './config-error.ts';

/** The ConfigError lines thrown by `run`. */
export function issuesOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error('expected a ConfigError');
}
