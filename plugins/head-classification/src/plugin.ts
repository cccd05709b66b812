// The head-classification plugin: the only file that touches the container.
import { HEADS, type Plugin } from '@crossmodal/core';
import type { DependencyContainer } from 'tsyringe';
import { classificationHeadProvider } from './classification-head.ts';

/** This package's version (kept equal to package.json's by plugin.spec.ts). */
export const VERSION = '0.1.0';

/** Registers the head `classification`. */
export const classificationHeadPlugin: Plugin = {
  name: '@crossmodal/head-classification',
  version: VERSION,
  register(container: DependencyContainer): void {
    container.register(HEADS, { useValue: classificationHeadProvider });
  },
};
