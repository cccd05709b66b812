// Listing an image folder: torchvision's class indexing and file order, and the errors for
// folders that cannot be a dataset.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeFixtureDirs, writeTree } from './fixtures.spec-helper.ts';
import { scanImageFolder } from './folder-scan.ts';
import { nodeFiles } from './node-files.ts';

afterAll(removeFixtureDirs);

const x = new Uint8Array(1); // the listing never reads the files
const scan = (root: string, classes?: readonly string[]) => scanImageFolder(nodeFiles, root, { owner: 'image-folder', ...(classes ? { classes } : {}) });

describe('scanImageFolder', () => {
  it('indexes sorted class folders 0…C−1 and sorts files within each class, at any depth', async () => {
    const root = writeTree({
      'dog/b.jpg': x, 'dog/a.PNG': x, 'dog/sub/c.JpEg': x, 'dog/notes.txt': x,
      'cat/z.png': x, 'cat/10.jpg': x, 'cat/2.jpg': x,
      'Bird/only.jpeg': x, 'root-level.png': x,
    });
    const { classNames, files, labels } = await scan(root);
    // Code-point order, as Python's sorted(): uppercase before lowercase, '10' before '2'.
    expect(classNames).toEqual(['Bird', 'cat', 'dog']);
    expect(files.map((f) => f.slice(root.length + 1))).toEqual([
      'Bird/only.jpeg', 'cat/10.jpg', 'cat/2.jpg', 'cat/z.png', 'dog/a.PNG', 'dog/b.jpg', 'dog/sub/c.JpEg',
    ]);
    expect(Array.from(labels)).toEqual([0, 1, 1, 1, 2, 2, 2]);
  });

  it("orders nested folders by their whole path, as torchvision's sorted(os.walk(...)) does", async () => {
    // Folder 'x' < 'x-y' < 'x/sub' (a prefix first, then '-' (0x2d) < '/' (0x2f)), and 'x/sub' <
    // 'x/sub-2' < 'x/sub/deep'; depth first would put all of x's subtree before x-y. The expected
    // order is Python 3's for this tree (sorted(os.walk(...)), then sorted file names).
    const root = writeTree({
      'c/x/a.png': x, 'c/x/sub/b.png': x, 'c/x-y/c.png': x, 'c/x/sub/deep/d.png': x, 'c/x/sub-2/e.png': x, 'c/top.png': x,
    });
    const { files } = await scan(root);
    expect(files.map((f) => f.slice(root.length + 1))).toEqual([
      'c/top.png', 'c/x/a.png', 'c/x-y/c.png', 'c/x/sub/b.png', 'c/x/sub-2/e.png', 'c/x/sub/deep/d.png',
    ]);
  });

  it('skips hidden folders and files (.ipynb_checkpoints, .DS_Store), which torchvision would not', async () => {
    const root = writeTree({ 'a/1.png': x, 'a/.hidden.png': x, '.ipynb_checkpoints/a.png': x });
    const { classNames, files } = await scan(root);
    expect([classNames, files.length]).toEqual([['a'], 1]);
  });

  it('takes the class list and order from classes', async () => {
    const root = writeTree({ 'a/1.png': x, 'b/1.png': x, 'c/1.png': x, 'c/2.png': x });
    const { classNames, labels } = await scan(root, ['c', 'a', 'b']);
    expect([classNames, Array.from(labels)]).toEqual([['c', 'a', 'b'], [0, 0, 1, 2]]);
  });

  it('refuses a folder missing from classes, a listed class without a folder, and duplicates', async () => {
    const root = writeTree({ 'a/1.png': x, 'b/1.png': x, 'zebra/1.png': x });
    await expect(scan(root, ['a', 'b'])).rejects.toThrow(
      `image-folder: folder 'zebra' in ${root} is not one of the 2 classes given (a, b); add it to classes or move it away`,
    );
    await expect(scan(root, ['a', 'b', 'zebra', 'yak'])).rejects.toThrow(`image-folder: class 'yak' has no folder in ${root} (expected ${root}/yak/<image>)`);
    await expect(scan(root, ['a', 'b', 'a'])).rejects.toThrow("image-folder: classes lists 'a' twice");
  });

  it('refuses an empty class folder, a root without class folders and a missing root', async () => {
    const root = writeTree({ 'a/1.png': x, 'b/readme.txt': x });
    await expect(scan(root)).rejects.toThrow(`image-folder: class folder ${root}/b holds no images (looked for .png, .jpg, .jpeg, any letter case)`);
    const flat = writeTree({ '1.png': x });
    await expect(scan(flat)).rejects.toThrow(`image-folder: ${flat} has no class folders (expected one subdirectory per class`);
    mkdirSync(join(flat, 'empty'));
    await expect(scan(flat)).rejects.toThrow(`image-folder: class folder ${flat}/empty holds no images`);
    await expect(scan(join(flat, 'nope'))).rejects.toThrow(`image-folder: ${flat}/nope is not a directory (expected <root>/<class>/<image>.png|jpg|jpeg)`);
  });
});
