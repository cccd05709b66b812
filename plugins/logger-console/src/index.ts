// @crossmodal/logger-console: training progress for people (a bar on a TTY, plain lines elsewhere).
export { consoleLoggerPlugin, consoleLoggerProvider } from './plugin.ts';
export { ConsoleLogger, epochsOf, type ConsoleLoggerOptions } from './console-logger.ts';
export { memoryOutput, standardOutput, type TextOutput } from './text-output.ts';
