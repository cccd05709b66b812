// ConfigError: every problem of a config at once, one line each, so a user fixes them in one go.

/**
 * A config that cannot be used. `issues` holds one line per problem, each of the form
 * `<source>: <path>: got <value>, expected <what>` (or `<file>:<line>:<col>: …` for syntax errors);
 * the message is those lines joined by newlines.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(
    /** The file (or `--set`) the config came from. */
    readonly source: string,
    /** One line per problem. */
    readonly issues: readonly string[],
  ) {
    super(issues.join('\n'));
  }
}
