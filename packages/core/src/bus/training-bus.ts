// The training bus: a run's events out, commands in. One per run; loggers and services subscribe.
import { Observable, Subject } from 'rxjs';
import type { TrainCommand, TrainEvent } from './train-events.ts';

/** Events flow out through `events$`; commands flow in through `send`. */
export class TrainingBus {
  readonly #events = new Subject<TrainEvent>();
  readonly #commands = new Subject<TrainCommand>();
  readonly #held = new Set<Promise<void>>();
  readonly #failures: unknown[] = [];
  /** Commands sent before anyone listened to commands$ (undefined once someone has). */
  #unheard: TrainCommand[] | undefined = [];

  /** Every event of the run, hot: subscribe before `run()` to see run-start. */
  readonly events$: Observable<TrainEvent> = this.#events.asObservable();
  /**
   * Every command sent to the run. Commands sent before its first subscriber (a stop or pause sent
   * from a run-start handler, before the trainer listens) are kept and replayed to every subscriber
   * once the first one subscribes; after that it is hot.
   */
  readonly commands$: Observable<TrainCommand> = new Observable<TrainCommand>((subscriber) => {
    const subscription = this.#commands.subscribe(subscriber);
    const unheard = this.#unheard;
    this.#unheard = undefined;
    for (const command of unheard ?? []) this.#commands.next(command);
    return subscription;
  });

  /** Emits an event to every subscriber (the trainer and services call this). */
  emit(event: TrainEvent): void {
    this.#events.next(event);
  }

  /** Sends a command to the run (stop, pause, resume, set-lr); it takes effect at the next step boundary. */
  send(command: TrainCommand): void {
    if (this.#unheard) this.#unheard.push(command);
    else this.#commands.next(command);
  }

  /**
   * Holds the run at its next step boundary until `work` settles: a subscriber that reacts to an
   * event with async work on the run's state (a checkpoint reading weights) calls this from its
   * handler, so the loop does not change that state meanwhile. A rejection fails the run.
   */
  hold(work: Promise<unknown>): void {
    const tracked: Promise<void> = work.then(
      () => undefined,
      (error: unknown) => void this.#failures.push(error),
    ).finally(() => this.#held.delete(tracked));
    this.#held.add(tracked);
  }

  /**
   * Records a failure outside any held work (an error a subscriber threw, which RxJS reports later):
   * the next `settle()` rejects with it, so the run fails cleanly at its next step boundary.
   */
  fail(error: unknown): void {
    this.#failures.push(error);
  }

  /** Whether failures are waiting for the next `settle()`. */
  get failing(): boolean {
    return this.#failures.length > 0;
  }

  /** Resolves when all held work has settled (including work held meanwhile); rejects with the first failure. */
  async settle(): Promise<void> {
    while (this.#held.size > 0) await Promise.all([...this.#held]);
    if (this.#failures.length > 0) throw this.#failures.splice(0)[0];
  }

  /** Completes both streams (after run-end). */
  complete(): void {
    this.#events.complete();
    this.#commands.complete();
  }
}
