// Commands from the bus, obeyed at step boundaries: stop, pause/resume and set-lr. The trainer
// calls `boundary` between optimizer steps; nothing else in the loop knows about commands.
import type { Subscription } from 'rxjs';
import type { BaseHyper, Optimizer } from '@crossmodal/nn';
import type { TrainCommand } from '../bus/train-events.ts';
import type { TrainingBus } from '../bus/training-bus.ts';

/** The loop lets the host's event loop run (signals, timers, I/O) at a boundary this often, in ms. */
const YIELD_EVERY_MS = 20;

/** Queues the bus's commands and applies them when the loop reaches a step boundary. */
export class RunControl {
  readonly #queue: TrainCommand[] = [];
  #lastYield = performance.now();
  readonly #subscription: Subscription;
  #wake: (() => void) | undefined;
  #stopReason: string | undefined;
  #disposed = false;

  constructor(
    private readonly bus: TrainingBus,
    private readonly optimizer: Optimizer<BaseHyper>,
    /** The lr schedule a set-lr rebases, if any. */
    private readonly schedule?: { rebase(lr: number): void },
  ) {
    this.#subscription = bus.commands$.subscribe((command) => {
      this.#queue.push(command);
      this.#wake?.();
    });
  }

  /** Why the run was stopped; undefined until a stop command was obeyed. */
  get stopReason(): string | undefined {
    return this.#stopReason;
  }

  /**
   * Applies the queued commands in order (waiting while paused) and resolves true when the run
   * must stop. `step` is the number of optimizer steps taken, for the events it emits.
   */
  async boundary(step: number): Promise<boolean> {
    // NOTE: on a host backend a whole step runs in microtasks, so a SIGINT handler or a timer that
    // sends `stop` would wait for the next file write (an epoch's end) without this macrotask yield.
    if (performance.now() - this.#lastYield >= YIELD_EVERY_MS) {
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
      this.#lastYield = performance.now();
    }
    let paused = false;
    while (this.#stopReason === undefined) {
      const command = this.#queue.shift();
      if (!command) {
        if (!paused) return false;
        // A pending promise holds nothing open: without a timer, Node would exit mid-pause.
        const keepAlive = setInterval(() => undefined, 60_000);
        try {
          await new Promise<void>((resolve) => (this.#wake = resolve));
        } finally {
          clearInterval(keepAlive);
          this.#wake = undefined;
        }
        if (this.#disposed) return true;
        continue;
      }
      if (command.type === 'stop') this.#stopReason = command.reason;
      else if (command.type === 'set-lr') this.#setLr(step, command.lr, command.reason);
      else if (command.type === 'pause' && !paused) {
        paused = true;
        this.bus.emit({ type: 'paused', step });
      } else if (command.type === 'resume' && paused) {
        paused = false;
        this.bus.emit({ type: 'resumed', step });
      }
    }
    return true;
  }

  #setLr(step: number, lr: number, reason: string): void {
    if (!(typeof lr === 'number' && Number.isFinite(lr) && lr >= 0)) {
      // A bad command must not kill a long run: report it and keep the current lr.
      this.bus.emit({ type: 'error', fatal: false, message: `set-lr: lr must be a finite number >= 0, got ${String(lr)}; the lr stays ${this.optimizer.paramGroups[0]?.lr}` });
      return;
    }
    for (const group of this.optimizer.paramGroups) group.lr = lr;
    // A schedule takes `lr` as its new base and applies its own factor at this step.
    this.schedule?.rebase(lr);
    this.bus.emit({ type: 'lr-changed', step, lr: this.optimizer.paramGroups[0]?.lr ?? lr, baseLr: lr, reason });
  }

  /** Stops listening to the bus. */
  dispose(): void {
    this.#disposed = true;
    this.#subscription.unsubscribe();
    this.#wake?.();
  }
}
