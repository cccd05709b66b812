// The console logger: on a TTY one progress line per epoch, redrawn in place (\r) at most ~10
// times a second, with step/total, ETA, running loss, lr and examples/s; elsewhere a plain line
// every `logEvery` steps. Run start, eval results, checkpoints and run end are always plain lines.
// Events carry 0-based epoch indices; people read epochs from 1, so lines show index + 1.
import { emaLoss, throughput, type EventOf, type Logger, type TrainEvent } from '@crossmodal/core';
import type { Observable, Subscription } from 'rxjs';
import { fitToWidth, formatBar, formatDuration, formatLr, formatMetrics, formatValue } from './format.ts';
import { standardOutput, type TextOutput } from './text-output.ts';

/** Options of {@link ConsoleLogger}. */
export interface ConsoleLoggerOptions {
  /** Where to write (default: standard output through {@link standardOutput}). */
  readonly output?: TextOutput;
  /** Without a TTY, print a progress line every `logEvery` steps (default 10). */
  readonly logEvery?: number;
  /** On a TTY, redraw the progress line at most once per `refreshMs` milliseconds (default 100). */
  readonly refreshMs?: number;
  /** Cells of the progress bar (default 20). */
  readonly barWidth?: number;
  /** Smoothing of the running loss: ema ← β·ema + (1−β)·loss (core's `emaLoss`; default 0.9). */
  readonly emaBeta?: number;
  /** Examples/s are averaged over this many steps (core's `throughput`; default 20). */
  readonly rateWindow?: number;
  /** Clock in milliseconds (default `performance.now`); tests pass a fake one. */
  readonly now?: () => number;
}

/** What the logger tracks of the run between events. */
interface Progress {
  startedAt: number;
  totalSteps: number | undefined;
  epochs: number | undefined;
  stepsPerEpoch: number | undefined;
  epoch: number;
  epochStartedAt: number;
  epochStartStep: number | undefined;
  stepsThisEpoch: number;
  last: EventOf<'batch-end'> | undefined;
}

/** Fresh progress for a run that starts at `now`. */
function newProgress(now: number, totalSteps?: number, epochs?: number): Progress {
  const stepsPerEpoch = totalSteps !== undefined && epochs !== undefined ? Math.ceil(totalSteps / epochs) : undefined;
  return { startedAt: now, totalSteps, epochs, stepsPerEpoch, epoch: 0, epochStartedAt: now, epochStartStep: undefined, stepsThisEpoch: 0, last: undefined };
}

/** The epoch count a run config declares (`train.epochs` or `epochs`), when it is readable. */
export function epochsOf(config: unknown): number | undefined {
  const read = (obj: unknown, key: string): unknown => (typeof obj === 'object' && obj !== null ? Reflect.get(obj, key) : undefined);
  const epochs = read(read(config, 'train'), 'epochs') ?? read(config, 'epochs');
  return typeof epochs === 'number' && Number.isInteger(epochs) && epochs > 0 ? epochs : undefined;
}

/**
 * A {@link Logger} for people watching a terminal (or reading a CI log).
 * @example
 * const logger = new ConsoleLogger({ logEvery: 50 });
 * logger.attach(pipeline.events$);
 */
export class ConsoleLogger implements Logger {
  readonly #out: TextOutput;
  readonly #logEvery: number;
  readonly #refreshMs: number;
  readonly #barWidth: number;
  readonly #beta: number;
  readonly #rateWindow: number;
  readonly #now: () => number;
  /** The running loss and the windowed examples/s, updated before each batch-end is handled. */
  #ema: number | undefined;
  #rate: number | undefined;
  #p: Progress | undefined;
  /** True while a progress line is on screen without its newline. */
  #lineOpen = false;
  /** True when the latest batch is not drawn yet. */
  #dirty = false;
  #lastDraw = Number.NEGATIVE_INFINITY;

  constructor(options: ConsoleLoggerOptions = {}) {
    this.#out = options.output ?? standardOutput();
    this.#logEvery = options.logEvery ?? 10;
    this.#refreshMs = options.refreshMs ?? 100;
    this.#barWidth = options.barWidth ?? 20;
    this.#beta = options.emaBeta ?? 0.9;
    this.#rateWindow = options.rateWindow ?? 20;
    this.#now = options.now ?? (() => performance.now());
  }

  /** Prints the run's events as they come. */
  attach(events$: Observable<TrainEvent>): Subscription {
    // NOTE: subscribed first, so a hot source updates them before #on sees the same batch-end.
    const subscription = events$.pipe(emaLoss(this.#beta)).subscribe((ema) => (this.#ema = ema));
    subscription.add(events$.pipe(throughput(this.#rateWindow)).subscribe((rate) => (this.#rate = rate)));
    subscription.add(events$.subscribe({ next: (event) => this.#on(event) }));
    return subscription;
  }

  /** Ends an open progress line. */
  close(): Promise<void> {
    this.#closeLine();
    return Promise.resolve();
  }

  #on(e: TrainEvent): void {
    switch (e.type) {
      case 'run-start':
        return this.#runStart(e);
      case 'epoch-start':
        return this.#epochStart(e);
      case 'batch-end':
        return this.#batchEnd(e);
      case 'eval-end':
        return this.#line(`eval epoch ${e.epoch + 1} step ${e.step} [${e.split}]: ${formatMetrics(e.metrics)}`);
      case 'checkpoint-saved':
        return this.#line(`checkpoint (${e.kind}) step ${e.step} → ${e.path}`);
      case 'lr-changed':
        return this.#line(`lr → ${formatLr(e.lr)} at step ${e.step} (${e.reason})`);
      case 'restored':
        return this.#line(`restored ${e.location}: going on from step ${e.step}`);
      case 'paused':
        return this.#line(`paused at step ${e.step}`);
      case 'resumed':
        return this.#line(`resumed at step ${e.step}`);
      case 'error':
        return this.#line(`${e.fatal ? 'error' : 'warning'}: ${e.message}`);
      case 'run-end':
        return this.#runEnd(e);
      default:
        return; // epoch-end, train-end: nothing a person needs to see
    }
  }

  #runStart(e: EventOf<'run-start'>): void {
    this.#p = newProgress(this.#now(), e.totalSteps, epochsOf(e.config));
    const steps = e.totalSteps === undefined ? '' : `, ${e.totalSteps} steps`;
    const dir = e.outputDir === undefined ? '' : ` → ${e.outputDir}`;
    this.#line(`run ${e.runId} on backend ${e.backend} (${e.backendReason})${steps}${dir}`);
  }

  #epochStart(e: EventOf<'epoch-start'>): void {
    this.#closeLine();
    const p = this.#progress();
    // Without a declared epoch count, learn the epoch length from the first full epoch.
    if (p.stepsPerEpoch === undefined && p.epochStartStep !== undefined && e.step > p.epochStartStep) {
      p.stepsPerEpoch = e.step - p.epochStartStep;
    }
    Object.assign(p, { epoch: e.epoch, epochStartedAt: this.#now(), epochStartStep: e.step, stepsThisEpoch: 0 });
  }

  #batchEnd(e: EventOf<'batch-end'>): void {
    const p = this.#progress();
    p.stepsThisEpoch += 1;
    p.last = e;
    if (!this.#out.isTTY) {
      if (e.step % this.#logEvery === 0 || e.step === p.totalSteps) this.#line(this.#plainProgress(p, e));
      return;
    }
    this.#dirty = true;
    const now = this.#now();
    const epochDone = p.stepsPerEpoch !== undefined && this.#stepInEpoch(p, e.step) === p.stepsPerEpoch;
    if (!this.#lineOpen || epochDone || now - this.#lastDraw >= this.#refreshMs) this.#draw(now);
  }

  #runEnd(e: EventOf<'run-end'>): void {
    const seconds = this.#p ? (this.#now() - this.#p.startedAt) / 1000 : undefined;
    const why = e.reason === undefined ? '' : ` (${e.reason})`;
    const metrics = e.metrics && Object.keys(e.metrics).length > 0 ? `: ${formatMetrics(e.metrics)}` : '';
    this.#line(`run ${e.status}${why} at step ${e.step} after ${formatDuration(seconds)}${metrics}`);
  }

  /** `epoch 2 step 40/600 loss 0.8123 smoothed 0.8450 lr 1.00e-2 2345 ex/s` */
  #plainProgress(p: Progress, e: EventOf<'batch-end'>): string {
    const of = p.totalSteps === undefined ? '' : `/${p.totalSteps}`;
    return `epoch ${e.epoch + 1} step ${e.step}${of} loss ${formatValue(e.loss)} smoothed ${formatValue(this.#ema ?? e.loss)} ${this.#rateText(e)}`;
  }

  /** `epoch 2/20 [####------] 12/30 ETA 0:07 loss 0.8123 lr 1.00e-2 2345 ex/s` */
  #ttyProgress(p: Progress, e: EventOf<'batch-end'>, now: number): string {
    const epoch = p.epochs === undefined ? `epoch ${e.epoch + 1}` : `epoch ${e.epoch + 1}/${p.epochs}`;
    let where = `step ${e.step}`;
    if (p.stepsPerEpoch !== undefined) {
      const inEpoch = this.#stepInEpoch(p, e.step);
      where = `${formatBar(inEpoch / p.stepsPerEpoch, this.#barWidth)} ${inEpoch}/${p.stepsPerEpoch}`;
    } else if (p.totalSteps !== undefined) {
      where = `${formatBar(e.step / p.totalSteps, this.#barWidth)} ${e.step}/${p.totalSteps}`;
    }
    // ETA of the run: remaining steps at this epoch's pace so far (eval time excluded).
    const secondsPerStep = (now - p.epochStartedAt) / 1000 / Math.max(1, p.stepsThisEpoch);
    const remaining = p.totalSteps === undefined ? undefined : (p.totalSteps - e.step) * secondsPerStep;
    return `${epoch} ${where} ETA ${formatDuration(remaining)} loss ${formatValue(this.#ema ?? e.loss)} ${this.#rateText(e)}`;
  }

  #rateText(e: EventOf<'batch-end'>): string {
    return `lr ${formatLr(e.lr)} ${Math.round(this.#rate ?? e.examplesPerSecond)} ex/s`;
  }

  /** 1-based position of `step` in its epoch: steps are 1-based and every epoch has the same count. */
  #stepInEpoch(p: Progress, step: number): number {
    return p.stepsPerEpoch === undefined ? step : ((step - 1) % p.stepsPerEpoch) + 1;
  }

  #draw(now: number): void {
    const p = this.#progress();
    if (!p.last) return;
    this.#out.write(`\r${fitToWidth(this.#ttyProgress(p, p.last, now), this.#out.columns)}\x1b[K`);
    this.#lineOpen = true;
    this.#dirty = false;
    this.#lastDraw = now;
  }

  /** Draws the latest state of an open progress line and ends it with a newline. */
  #closeLine(): void {
    if (!this.#lineOpen) return;
    if (this.#dirty) this.#draw(this.#now());
    this.#out.write('\n');
    this.#lineOpen = false;
  }

  #line(text: string): void {
    this.#closeLine();
    this.#out.write(`${text}\n`);
  }

  #progress(): Progress {
    // Events before run-start (a logger attached late) still print, timed from the first one.
    this.#p ??= newProgress(this.#now());
    return this.#p;
  }
}
