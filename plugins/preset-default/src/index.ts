// @crossmodal/preset-default: the built-in plugins as one array (the CLI's default plugin list).
export { defaultPlugins } from './default-plugins.ts';
