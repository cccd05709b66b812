// `crossmodal pos-embed <checkpoint>`: the position-embedding cosine-similarity sheet of the
// checkpoint's `…pos_embed` parameter (ViT paper, Fig. 7). Reads the weights file only: no runtime.
import { writeFileAtomic } from '@crossmodal/core/node';
import { loadSafetensors } from '@crossmodal/nn/node';
import { encodePng, positionEmbeddingSheet, type HostArray } from '@crossmodal/viz';
import { join, relative, resolve } from 'node:path';
import type { Command } from '../args.ts';
import { checkpointDirOf, runDirOf, weightsFile } from '../checkpoint-run.ts';
import { EXIT, UsageError } from '../errors.ts';
import type { CliIo } from '../io.ts';

/**
 * The position embedding among `tensors`: the one entry whose name ends in `pos_embed`, as [N, D]
 * with its prefix tokens (N − ⌊√N⌋²: the class token and registers before the square patch grid).
 */
export function findPosEmbed(tensors: Readonly<Record<string, HostArray>>, where: string): { name: string; posEmbed: HostArray; prefixTokens: number; grid: number } {
  const names = Object.keys(tensors).filter((name) => name === 'pos_embed' || name.endsWith('.pos_embed'));
  if (names.length !== 1) {
    const what = names.length === 0 ? 'no parameter named …pos_embed' : `${names.length} parameters named …pos_embed (${names.join(', ')})`;
    throw new UsageError(`pos-embed: ${where} has ${what}; expected one learned position embedding [1, prefix + g², D] (a ViT's)`);
  }
  const name = names[0]!;
  const t = tensors[name]!;
  const shape = t.shape.length === 3 && t.shape[0] === 1 ? t.shape.slice(1) : t.shape;
  if (shape.length !== 2) throw new UsageError(`pos-embed: ${name} has shape [${t.shape.join(', ')}], expected [1, N, D] or [N, D]`);
  const [n, d] = shape as [number, number];
  const grid = Math.floor(Math.sqrt(n));
  if (grid < 2) throw new UsageError(`pos-embed: ${name} has ${n} positions, too few for a patch grid of at least 2×2`);
  return { name, posEmbed: { shape: [n, d], data: t.data }, prefixTokens: n - grid * grid, grid };
}

/** Writes the sheet; resolves to the exit code. */
export async function posEmbedCommand(command: Extract<Command, { kind: 'pos-embed' }>, io: CliIo): Promise<number> {
  const dir = await checkpointDirOf('pos-embed:', command.checkpoint, io.cwd);
  const weights = weightsFile('pos-embed', dir, command.weights);
  const { tensors } = await loadSafetensors(weights);
  const host: Record<string, HostArray> = {};
  for (const [name, t] of Object.entries(tensors)) host[name] = { shape: [...t.shape], data: t.dataSync() };
  for (const t of Object.values(tensors)) t.dispose();
  const { name, posEmbed, prefixTokens, grid } = findPosEmbed(host, relative(io.cwd, weights));
  const sheet = positionEmbeddingSheet(posEmbed, { prefixTokens, cellSize: Math.max(4, Math.round(56 / grid)), padding: 2, title: 'POSITION EMBEDDING SIMILARITY' });
  const out = command.out === undefined ? join(runDirOf(dir), command.weights === 'ema' ? 'pos-embed-ema.png' : 'pos-embed.png') : resolve(io.cwd, command.out);
  await writeFileAtomic(out, encodePng(sheet));
  io.stdout(`${name}: ${grid}×${grid} patch positions (+${prefixTokens} prefix), ${posEmbed.shape[1]} dims\nwrote ${relative(io.cwd, out)} (${sheet.width}×${sheet.height})\n`);
  return EXIT.ok;
}
