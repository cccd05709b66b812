// `crossmodal curves <run-dir | events.jsonl>...`: the loss and accuracy curves of a run's JSONL
// log; with several runs, one line per run and how closely the runs agree step by step.
import { encodePng, evaluationTable, lossAgreement, parseRunEvents, plotRunComparison, plotTrainingCurves, runProcesses, type RunCurves, type RunProcess } from '@crossmodal/viz';
import { writeFileAtomic } from '@crossmodal/core/node';
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import type { Command } from '../args.ts';
import { EXIT, UsageError } from '../errors.ts';
import type { CliIo } from '../io.ts';
import { clock } from '../run-summary.ts';

/** The event log a `curves` argument names: the file itself, or `events.jsonl` in a run directory. */
async function eventsPath(path: string): Promise<string> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`curves: '${path}' does not exist (${error.code ?? error.message}); expected a run directory or its events.jsonl`, { cause: error });
  });
  return info.isDirectory() ? join(path, 'events.jsonl') : path;
}

/** A run's log, parsed; a UsageError naming the file when it cannot be read or has nothing to plot. */
async function readRun(path: string, cwd: string): Promise<{ log: string; curves: RunCurves; processes: RunProcess[] }> {
  const log = await eventsPath(resolve(cwd, path));
  let text: string;
  try {
    text = await readFile(log, 'utf8');
  } catch (error) {
    throw new UsageError(`curves: cannot read the event log '${relative(cwd, log)}' (${(error as NodeJS.ErrnoException).code ?? String(error)}); runs write it with the jsonl logger: loggers: [{ name: jsonl }]`, { cause: error });
  }
  const curves = parseRunEvents(text);
  if (curves.loss.length === 0 && curves.metrics.size === 0) {
    throw new UsageError(`curves: ${relative(cwd, log)} has no batch-end or eval-end events to plot`);
  }
  return { log, curves, processes: runProcesses(text) };
}

/** `label: wall time 1:09:19 over 2 processes (steps 0–11713 in 35:00; 11256–25575 in 34:19)`, from the log's times. */
function timeLine(label: string, processes: readonly RunProcess[]): string | undefined {
  if (processes.length === 0) return undefined;
  const total = clock(processes.reduce((sum, p) => sum + p.seconds, 0));
  if (processes.length === 1) return `${label}: wall time ${total}`;
  const each = processes.map((p) => `${p.fromStep}–${p.toStep} in ${clock(p.seconds)}`).join('; ');
  return `${label}: wall time ${total} over ${processes.length} processes (steps ${each})`;
}

const fmt = (x: number): string => (x === 0 ? '0' : Math.abs(x) >= 1e-3 ? x.toFixed(4) : x.toExponential(2));

/** Lines comparing `other` with `base`: train-loss agreement and the last common evaluation. */
function agreementLines(baseLabel: string, base: RunCurves, label: string, other: RunCurves): string[] {
  const lines: string[] = [];
  if (base.loss.length > 0 && other.loss.length > 0) {
    try {
      const a = lossAgreement(other.loss, base.loss, 50);
      lines.push(
        `${label} vs ${baseLabel}: ${a.commonSteps} common loss points up to step ${a.lastStep}; ` +
          `|Δ loss| max ${fmt(a.maxAbsDiffEarly)} over the first ${Math.min(a.window, a.commonSteps)} (relative ${fmt(a.maxRelDiffEarly)}), ` +
          `max ${fmt(a.maxAbsDiff)} and mean ${fmt(a.meanAbsDiff)} over all; last ${Math.min(a.window, a.commonSteps)} points' means differ by ${fmt(a.finalWindowMeanDiff)}; ` +
          `within ${fmt(a.closeRel)} relative up to step ${a.closeUntil}`,
      );
    } catch {
      lines.push(`${label} vs ${baseLabel}: no loss logged at a common step`);
    }
  }
  for (const [key, points] of other.metrics) {
    const byStep = new Map(base.metrics.get(key) ?? []);
    const common = points.filter(([step]) => byStep.has(step));
    const last = common[common.length - 1];
    if (last) lines.push(`${label} vs ${baseLabel}: ${key} at step ${last[0]}: ${fmt(last[1])} vs ${fmt(byStep.get(last[0])!)} (Δ ${fmt(last[1] - byStep.get(last[0])!)})`);
  }
  return lines;
}

/** Writes the curves; resolves to the exit code. */
export async function curvesCommand(command: Extract<Command, { kind: 'curves' }>, io: CliIo): Promise<number> {
  const runs = await Promise.all(command.runs.map((run) => readRun(run, io.cwd)));
  const firstDir = dirname(runs[0]!.log);
  const labels = command.labels ?? runs.map(({ log }) => basename(dirname(log)));
  let image;
  const report: string[] = [];
  if (runs.length === 1) {
    image = plotTrainingCurves(runs[0]!.curves, { title: basename(firstDir).toUpperCase(), ...(command.smoothing ? { smoothing: command.smoothing } : {}) });
    const metrics = [...runs[0]!.curves.metrics.keys()];
    report.push(`${runs[0]!.curves.loss.length} loss points${metrics.length ? `, ${metrics.join(', ')}` : ''}`);
  } else {
    const labelled = runs.map(({ curves }, i) => ({ label: labels[i]!.toUpperCase(), curves }));
    image = plotRunComparison(labelled, {
      smoothing: command.smoothing ?? 0.9,
      ...(command.maxStep === undefined ? {} : { maxStep: command.maxStep }),
      title: labels.join(' VS ').toUpperCase(),
    });
    for (let i = 1; i < runs.length; i++) report.push(...agreementLines(labels[0]!, runs[0]!.curves, labels[i]!, runs[i]!.curves));
  }
  const out = command.out === undefined ? join(firstDir, runs.length === 1 ? 'curves.png' : 'compare.png') : resolve(io.cwd, command.out);
  await writeFileAtomic(out, encodePng(image));
  runs.forEach(({ processes }, i) => {
    const line = timeLine(labels[i]!, processes);
    if (line) report.push(line);
  });
  report.push(`wrote ${relative(io.cwd, out)} (${image.width}×${image.height})`);
  if (command.json !== undefined) {
    const tables = runs.map(({ log, curves, processes }, i) => ({
      label: labels[i]!, log: relative(io.cwd, log), wallSeconds: processes.reduce((sum, p) => sum + p.seconds, 0), processes, evaluations: evaluationTable(curves),
    }));
    const path = resolve(io.cwd, command.json);
    await writeFileAtomic(path, `${JSON.stringify({ runs: tables }, null, 1)}\n`);
    report.push(`wrote ${relative(io.cwd, path)} (${tables.map((t) => `${t.evaluations.length} evaluations`).join(', ')})`);
  }
  io.stdout(`${report.join('\n')}\n`);
  return EXIT.ok;
}
