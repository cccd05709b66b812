// Node-only training adapters (Deno too, through node:fs): checkpoints as directories on disk.
export { DirectoryCheckpointStore, resolveCheckpointDir } from './checkpoint-store.node.ts';
