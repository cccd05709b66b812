// @crossmodal/dataset-image-folder: class-per-folder PNG/JPEG datasets (torchvision's ImageFolder).
export { imageFolderPlugin } from './plugin.ts';
export { createImageFolder, imageFolderProvider, type ImageFolderConfig } from './image-folder.ts';
export { ImageFolderDataset, type ImageFolderDatasetOptions } from './image-folder-dataset.ts';
export { IMAGE_EXTENSIONS, scanImageFolder, type FolderListing, type ScanOptions } from './folder-scan.ts';
export { decodeImage, sniffFormat, toChannelMajor, type DecodedImage, type ImageChannels, type ImageFormat, type InterleavedImage } from './image-decode.ts';
export {
  DEFAULT_CROP_PCT, defaultStats, evalResizeSize, IMAGENET_GRAY, imageFolderPipeline, type PipelineOptions,
} from './transforms.ts';
export { nodeFiles, type DirectoryEntry, type ImageFolderFiles } from './node-files.ts';
