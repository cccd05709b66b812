// Lists an image folder as torchvision's ImageFolder does: every subdirectory of the root is a
// class, classes sorted by name get indices 0…C−1, and each class holds the image files found
// under its directory (recursively), folders sorted by path and files by name within each.
import type { ImageFolderFiles } from './node-files.ts';

/** Extensions taken as images, compared case-insensitively (torchvision's IMG_EXTENSIONS, narrowed to what we decode). */
export const IMAGE_EXTENSIONS: readonly string[] = ['.png', '.jpg', '.jpeg'];

/** The listing of one class root. */
export interface FolderListing {
  /** The directory whose subdirectories are the classes. */
  readonly root: string;
  /** Class names, index-aligned with the labels. */
  readonly classNames: readonly string[];
  /** Image paths, class by class, in torchvision's make_dataset order within each class. */
  readonly files: readonly string[];
  /** Class index of each file. */
  readonly labels: Int32Array;
}

/** Options of `scanImageFolder`. */
export interface ScanOptions {
  /** Who is asking, for error messages (e.g. `image-folder`). */
  readonly owner: string;
  /** Fixes the classes and their order; every class directory must be one of them. */
  readonly classes?: readonly string[];
}

const isImage = (name: string): boolean => IMAGE_EXTENSIONS.some((ext) => name.toLowerCase().endsWith(ext));
// NOTE: names starting with '.' are skipped, unlike torchvision, where `.ipynb_checkpoints`
// silently becomes a class; '.DS_Store' and editor droppings likewise.
const visible = (name: string): boolean => !name.startsWith('.');
// Python's sorted() on str: by code point (JS's default sort compares UTF-16 units, which differs only beyond the BMP).
const byCodePoint = (a: string, b: string): number => {
  const [x, y] = [Array.from(a), Array.from(b)];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
};

/** Every folder at or under `dir` with its image files (sorted by name), in no particular order. */
async function foldersUnder(files: ImageFolderFiles, dir: string): Promise<{ dir: string; images: string[] }[]> {
  const entries = (await files.list(dir)).filter((e) => visible(e.name));
  const images = entries.filter((e) => e.kind === 'file' && isImage(e.name)).map((e) => e.name).sort(byCodePoint).map((name) => `${dir}/${name}`);
  const out = [{ dir, images }];
  for (const sub of entries.filter((e) => e.kind === 'directory')) out.push(...(await foldersUnder(files, `${dir}/${sub.name}`)));
  return out;
}

/**
 * Image files under `dir`, recursively, in torchvision's make_dataset order: `for root, _, fnames in
 * sorted(os.walk(dir)): for fname in sorted(fnames)`, i.e. folders sorted by their whole path (not
 * depth first: 'x-y' comes before 'x/sub', as '-' < '/'), files by name within each folder.
 */
async function imagesUnder(files: ImageFolderFiles, dir: string): Promise<string[]> {
  const folders = (await foldersUnder(files, dir)).sort((a, b) => byCodePoint(a.dir, b.dir));
  return folders.flatMap((f) => f.images);
}

function checkClasses(owner: string, root: string, found: readonly string[], classes: readonly string[]): void {
  const seen = new Set<string>();
  for (const c of classes) {
    if (typeof c !== 'string' || c === '') throw new RangeError(`${owner}: classes must be non-empty strings, got ${JSON.stringify(c)}`);
    if (seen.has(c)) throw new RangeError(`${owner}: classes lists '${c}' twice`);
    seen.add(c);
  }
  const unknown = found.filter((d) => !seen.has(d));
  if (unknown.length > 0) {
    throw new RangeError(
      `${owner}: folder '${unknown[0]}' in ${root} is not one of the ${classes.length} classes given (${classes.join(', ')}); add it to classes or move it away`,
    );
  }
  const missing = classes.filter((c) => !found.includes(c));
  if (missing.length > 0) throw new RangeError(`${owner}: class '${missing[0]}' has no folder in ${root} (expected ${root}/${missing[0]}/<image>)`);
}

/**
 * Lists `root`: its subdirectories are the classes (sorted, or in the order of `classes`), each
 * holding .png/.jpg/.jpeg files (any letter case) at any depth. A missing root, a root without
 * class folders and a class without images are errors naming the directory.
 * @example
 * const { classNames, files, labels } = await scanImageFolder(nodeFiles, '/data/pets/train', { owner: 'image-folder' });
 */
export async function scanImageFolder(files: ImageFolderFiles, root: string, { owner, classes }: ScanOptions): Promise<FolderListing> {
  if (!(await files.isDirectory(root))) throw new RangeError(`${owner}: ${root} is not a directory (expected <root>/<class>/<image>.png|jpg|jpeg)`);
  const dirs = (await files.list(root)).filter((e) => e.kind === 'directory' && visible(e.name)).map((e) => e.name).sort(byCodePoint);
  if (dirs.length === 0) {
    throw new RangeError(`${owner}: ${root} has no class folders (expected one subdirectory per class: <root>/<class>/<image>.png|jpg|jpeg)`);
  }
  if (classes !== undefined) checkClasses(owner, root, dirs, classes);
  const classNames = classes ?? dirs;
  const perClass = await Promise.all(classNames.map((c) => imagesUnder(files, `${root}/${c}`)));
  const empty = perClass.findIndex((list) => list.length === 0);
  if (empty >= 0) {
    throw new RangeError(`${owner}: class folder ${root}/${classNames[empty]} holds no images (looked for ${IMAGE_EXTENSIONS.join(', ')}, any letter case)`);
  }
  const labels = new Int32Array(perClass.reduce((n, list) => n + list.length, 0));
  let at = 0;
  perClass.forEach((list, label) => {
    labels.fill(label, at, at + list.length);
    at += list.length;
  });
  return { root, classNames, files: perClass.flat(), labels };
}
