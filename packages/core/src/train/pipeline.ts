// A run built in code: createPipeline(runtime, config) selects the backend, builds everything from
// the runtime's registries, attaches loggers, emits run-start … run-end and resumes from checkpoints.
import { manualSeed, setBackend, type Backend } from '@crossmodal/tensor';
import { config as rxjsConfig, type Observable, type Subscription } from 'rxjs';
import { everyNthStep } from '../bus/operators.ts';
import type { TrainEvent } from '../bus/train-events.ts';
import { TrainingBus } from '../bus/training-bus.ts';
import type { RunConfig } from '../config/run-config.ts';
import type { Logger } from '../contracts/logger.ts';
import type { Model } from '../contracts/model.ts';
import type { CreateContext } from '../contracts/provider.ts';
import type { Runtime } from '../runtime/runtime.ts';
import { buildRun, closeDatasets, createLoaders, runSteps, type RunLoaders, type RunParts } from './build-run.ts';
import { hashConfig, restoreCheckpoint, type CheckpointKind, type CheckpointStore } from './checkpoint.ts';

/** Where a run's files go: checkpoints and the resolved config. */
export interface RunFiles {
  /** Where checkpoints are written (and resumed from). */
  readonly checkpoints: CheckpointStore;
  /** Writes the resolved config next to the run's outputs; resolves to where it went. */
  writeConfig(config: RunConfig): Promise<string>;
}

/** Options of {@link createPipeline}. */
export interface PipelineOptions {
  /** A checkpoint to continue from (a checkpoint directory or its checkpoint.json, for the default files). */
  readonly resume?: string;
  /** Aborting it stops the run like a stop command (after the current step, with an interrupt checkpoint). */
  readonly signal?: AbortSignal;
  /** Where files go; default: on disk under `config.output.dir` (`checkpoints/<kind>/`, `resolved-config.json`). */
  readonly files?: RunFiles;
  /** The run's id in run-start (default: the config's name or `run`, plus a time stamp). */
  readonly runId?: string;
}

/** How a run ended (a failed run rejects instead). */
export interface RunResult {
  readonly runId: string;
  readonly status: 'completed' | 'stopped';
  /** The epoch the run was in at its end (epochs done, when completed at an epoch's end). */
  readonly epoch: number;
  /** Optimizer steps taken in total (including those before a resume). */
  readonly step: number;
  /** Why it stopped. */
  readonly reason?: string;
  /** The MetricAggregator's summary: train-loss, the last evaluation, best-<metric>. */
  readonly metrics: Readonly<Record<string, number>>;
  /** The backend it ran on. */
  readonly backend: string;
  readonly outputDir: string;
  /** Where each kind of checkpoint was last written. */
  readonly checkpoints: Readonly<Partial<Record<CheckpointKind, string>>>;
  /** The trained model; the caller owns it (dispose it when done). */
  readonly model: Model;
}

/** A run built from a runtime and a config. */
export interface Pipeline {
  /** Every event of the run (hot: subscribe before `run()`); completes after run-end. */
  readonly events$: Observable<TrainEvent>;
  /** The run's bus: `bus.send({ type: 'pause' })`, `set-lr`, `stop`… */
  readonly bus: TrainingBus;
  /** Runs once: resolves when it completed or was stopped; rejects (after error and run-end 'failed' events) when it failed. */
  run(): Promise<RunResult>;
  /** Stops after the current step, writing an interrupt checkpoint (what Ctrl-C should call). */
  stop(reason?: string): void;
}

/** The default files: the Node adapters, loaded only when a run needs them. */
async function nodeFiles(dir: string): Promise<RunFiles> {
  const [{ DirectoryCheckpointStore }, { writeResolvedConfig }] = await Promise.all([import('./checkpoint-store.node.ts'), import('../node.ts')]);
  return { checkpoints: new DirectoryCheckpointStore(`${dir}/checkpoints`), writeConfig: (config) => writeResolvedConfig(dir, config) };
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));
/** One turn of the host's event loop: errors RxJS reports from a timer (a throwing subscriber) land first. */
const macrotask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * The buses of the runs in progress. RxJS catches what a subscriber's next() throws and rethrows it
 * from a timer, which would kill the process with no cleanup; while runs are in progress it fails
 * them instead (all of them: the error does not say whose subscriber threw).
 */
const runningBuses = new Set<TrainingBus>();
let outsideHandler: typeof rxjsConfig.onUnhandledError = null;
const failRunning = (error: unknown): void => {
  for (const bus of runningBuses) bus.fail(error);
};

/** Routes RxJS's unhandled errors into `bus` until the returned function is called. */
function routeUnhandledErrors(bus: TrainingBus): () => void {
  if (runningBuses.size === 0) {
    outsideHandler = rxjsConfig.onUnhandledError;
    rxjsConfig.onUnhandledError = failRunning;
  }
  runningBuses.add(bus);
  return () => {
    runningBuses.delete(bus);
    if (runningBuses.size === 0 && rxjsConfig.onUnhandledError === failRunning) rxjsConfig.onUnhandledError = outsideHandler;
  };
}

/**
 * Builds a run. Nothing happens until `run()`.
 * @example
 * const pipeline = createPipeline(runtime, parseRunConfig(raw, 'inline'));
 * pipeline.events$.pipe(ofType('batch-end')).subscribe((e) => console.log(e.step, e.loss));
 * process.once('SIGINT', () => pipeline.stop('SIGINT'));
 * const { status, metrics } = await pipeline.run();
 */
export function createPipeline(runtime: Runtime, config: RunConfig, options: PipelineOptions = {}): Pipeline {
  return new RunPipeline(runtime, config, options);
}

class RunPipeline implements Pipeline {
  readonly bus = new TrainingBus();
  readonly events$ = this.bus.events$;
  readonly runId: string;
  #started = false;
  #stopReason: string | undefined;
  #parts: RunParts | undefined;
  #loaders: RunLoaders | undefined;
  #datasetsClosed = false;

  constructor(
    private readonly runtime: Runtime,
    private readonly config: RunConfig,
    private readonly options: PipelineOptions,
  ) {
    this.runId = options.runId ?? `${config.name ?? 'run'}-${new Date().toISOString().replaceAll(/[:.]/g, '-')}`;
  }

  stop(reason = 'stopped by the caller'): void {
    this.#stopReason ??= reason;
    this.bus.send({ type: 'stop', reason });
  }

  async run(): Promise<RunResult> {
    if (this.#started) throw new Error(`Pipeline '${this.runId}': run() was already called; create a new pipeline for another run`);
    this.#started = true;
    const { signal } = this.options;
    const onAbort = (): void => this.stop(`aborted: ${messageOf(signal?.reason ?? 'signal')}`);
    signal?.addEventListener('abort', onAbort, { once: true });
    const saved: Partial<Record<CheckpointKind, string>> = {};
    const watch = this.bus.events$.subscribe((e) => {
      if (e.type === 'checkpoint-saved') saved[e.kind] = e.path;
    });
    let previous: Backend | undefined;
    const loggers: Logger[] = [];
    // A subscriber that throws fails the run at its next step boundary (see routeUnhandledErrors).
    const unroute = routeUnhandledErrors(this.bus);
    let failed = false;
    try {
      const selection = await this.runtime.backends.select(this.config.backend, this.config.backendOptions);
      previous = setBackend(selection.backend);
      const result = await this.#run(selection, loggers);
      return { ...result, checkpoints: saved };
    } catch (error) {
      failed = true;
      await this.#closeDatasets();
      this.#fail(error);
      throw error;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      watch.unsubscribe();
      await this.#closeDatasets();
      this.bus.complete();
      await Promise.allSettled(loggers.map((l) => l.close()));
      this.#parts?.optimizer.disposeState();
      this.#parts?.ema?.dispose();
      if (previous) setBackend(previous);
      // A subscriber that threw on run-end (or later) is reported after it: the run's outcome is
      // out, so it rejects run() instead (a failed run already rejects with its own error).
      await macrotask();
      unroute();
      if (!failed && this.bus.failing) await this.bus.settle();
    }
  }

  async #run(selection: { backend: Backend; name: string; reason: string }, loggers: Logger[]): Promise<Omit<RunResult, 'checkpoints'>> {
    const { runtime, config, bus } = this;
    manualSeed(config.seed);
    const outputDir = config.output.dir;
    const context = runtime.createContext({ seed: config.seed, outputDir });
    const files = this.options.files ?? (await nodeFiles(outputDir));
    const loaders = (this.#loaders = await createLoaders(runtime, config, selection.backend, context));
    this.#attachLoggers(context, loggers);
    await files.writeConfig(config);
    bus.emit({ type: 'run-start', runId: this.runId, backend: selection.name, backendReason: selection.reason, config, outputDir, totalSteps: runSteps(config, loaders) });
    // Where it writes and who listens do not change the trajectory: left out of the hash.
    const configHash = hashConfig({ ...config, name: undefined, output: undefined, loggers: undefined });
    const parts = (this.#parts = buildRun(runtime, config, { loaders, bus, store: files.checkpoints, context, configHash }));
    if (this.options.resume !== undefined) await this.#resume(this.options.resume, files.checkpoints, selection.backend, configHash);
    // A lost device is an event on the bus and a stop, not a crash; the next op fails clearly anyway.
    void selection.backend.lost?.then((reason) => {
      bus.emit({ type: 'error', message: `backend ${selection.name}: device lost (${reason})`, fatal: true });
      this.stop(`device lost: ${reason}`);
    });
    if (this.#stopReason !== undefined || this.options.signal?.aborted) this.stop(this.#stopReason ?? 'aborted before the run started');
    const outcome = await parts.trainer.run();
    // A subscriber that threw during the last events is reported from a timer: let it land.
    await macrotask();
    await bus.settle();
    // Before run-end, the last event of a run: a failure to close is reported inside the run.
    await this.#closeDatasets();
    const metrics = parts.aggregator.summary();
    const { status, epoch, step, reason } = outcome;
    bus.emit({ type: 'run-end', status, epoch, step, ...(reason !== undefined ? { reason } : {}), metrics });
    return { runId: this.runId, status, epoch, step, ...(reason !== undefined ? { reason } : {}), metrics, backend: selection.name, outputDir, model: parts.model };
  }

  #attachLoggers(context: CreateContext, loggers: Logger[]): Subscription[] {
    const events$ = this.bus.events$.pipe(everyNthStep(this.config.train.logEvery));
    return this.config.loggers.map(({ name, ...options }, i) => {
      const logger = this.runtime.loggers.create(name, options, context, `loggers[${i}]`);
      loggers.push(logger);
      return logger.attach(events$);
    });
  }

  async #resume(location: string, store: CheckpointStore, backend: Backend, configHash: string): Promise<void> {
    const parts = this.#parts!;
    const data = await store.load(location, { backend });
    if (data.meta.configHash !== undefined && data.meta.configHash !== configHash) {
      this.bus.emit({
        type: 'error', fatal: false,
        message: `resume: the checkpoint '${location}' was written by a run with another config (hash ${data.meta.configHash}, this run's ${configHash}); continuing with this run's config`,
      });
    }
    restoreCheckpoint(data, { model: parts.model, optimizer: parts.optimizer, parts: parts.parts, ema: parts.ema });
    this.bus.emit({ type: 'restored', epoch: data.meta.epoch, step: data.meta.step, location });
  }

  /** Closes the datasets once, reporting each failure to close as a non-fatal error event. */
  async #closeDatasets(): Promise<void> {
    if (this.#datasetsClosed) return;
    this.#datasetsClosed = true;
    for (const failure of await closeDatasets(this.#loaders?.datasets ?? [])) {
      this.bus.emit({ type: 'error', fatal: false, message: `run end: ${failure.message}` });
    }
  }

  #fail(error: unknown): void {
    const message = messageOf(error);
    const position = this.#parts?.trainer.position ?? { epoch: 0, step: 0 };
    this.#parts?.model.dispose();
    this.bus.emit({ type: 'error', message, fatal: true });
    this.bus.emit({ type: 'run-end', status: 'failed', epoch: position.epoch, step: position.step, reason: message });
  }
}
