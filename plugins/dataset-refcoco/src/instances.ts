// refer's `instances.json`: the COCO-format images, annotations and categories of one dataset,
// checked field by field (only the fields refer reads; segmentation and the rest are ignored).
import { RefcocoFormatError } from './refs-pickle.ts';

/** An image (`images[i]`). */
export interface CocoImage {
  readonly id: number;
  readonly fileName: string;
  readonly height: number;
  readonly width: number;
}

/** An object annotation (`annotations[i]`): the box a ref points at. */
export interface CocoAnnotation {
  readonly id: number;
  readonly imageId: number;
  readonly categoryId: number;
  /** COCO's `bbox`: [x, y, width, height] in pixels, top-left origin. */
  readonly bbox: readonly [number, number, number, number];
}

/** A category (`categories[i]`). */
export interface CocoCategory {
  readonly id: number;
  readonly name: string;
}

/** A parsed instances.json. */
export interface Instances {
  /** Where it was read from (every error names it). */
  readonly file: string;
  readonly images: readonly CocoImage[];
  readonly annotations: readonly CocoAnnotation[];
  readonly categories: readonly CocoCategory[];
}

function show(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = JSON.stringify(value) ?? String(value);
  return `got ${text.length > 60 ? `${text.slice(0, 57)}...` : text}`;
}

/** Fields of one JSON object at `path` in `file`. */
class JsonRecord {
  private constructor(
    private readonly file: string,
    private readonly path: string,
    private readonly record: Record<string, unknown>,
  ) {}

  static of(file: string, path: string, value: unknown): JsonRecord {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new RefcocoFormatError(`${file}: ${path}: ${show(value)}, expected an object`);
    }
    return new JsonRecord(file, path, value as Record<string, unknown>);
  }

  fail(field: string, expected: string): never {
    throw new RefcocoFormatError(`${this.file}: ${this.path}.${field}: ${show(this.record[field])}, expected ${expected}`);
  }

  int(field: string, min = Number.MIN_SAFE_INTEGER): number {
    const v = this.record[field];
    return Number.isSafeInteger(v) && (v as number) >= min ? (v as number) : this.fail(field, min > 0 ? `an integer ≥ ${min}` : 'an integer');
  }

  string(field: string): string {
    const v = this.record[field];
    return typeof v === 'string' ? v : this.fail(field, 'a string');
  }

  array(field: string): readonly unknown[] {
    const v = this.record[field];
    return Array.isArray(v) ? v : this.fail(field, 'an array');
  }

  bbox(field: string): [number, number, number, number] {
    const v = this.record[field];
    const ok = Array.isArray(v) && v.length === 4 && v.every((x) => typeof x === 'number' && Number.isFinite(x)) && v[2] >= 0 && v[3] >= 0;
    return ok ? [v[0], v[1], v[2], v[3]] : this.fail(field, '[x, y, width, height]: 4 finite numbers, width and height ≥ 0');
  }
}

/**
 * Checks a parsed instances.json: `images[] {id, file_name, height, width}`, `annotations[] {id,
 * image_id, category_id, bbox}`, `categories[] {id, name}`; ids unique, every annotation's image
 * and category present.
 * @param file - its path, for messages
 * @example
 * const instances = parseInstances(parseJsonText(text, path), path) // parseJsonText: @crossmodal/core;
 * instances.annotations[0].bbox; // [x, y, w, h]
 */
export function parseInstances(json: unknown, file: string): Instances {
  const top = JsonRecord.of(file, 'top level', json);
  const images = top.array('images').map((v, i): CocoImage => {
    const r = JsonRecord.of(file, `images[${i}]`, v);
    return { id: r.int('id'), fileName: r.string('file_name'), height: r.int('height', 1), width: r.int('width', 1) };
  });
  const categories = top.array('categories').map((v, i): CocoCategory => {
    const r = JsonRecord.of(file, `categories[${i}]`, v);
    return { id: r.int('id'), name: r.string('name') };
  });
  const imageIds = uniqueIds(file, 'images', images);
  const categoryIds = uniqueIds(file, 'categories', categories);
  const annotations = top.array('annotations').map((v, i): CocoAnnotation => {
    const r = JsonRecord.of(file, `annotations[${i}]`, v);
    const a = { id: r.int('id'), imageId: r.int('image_id'), categoryId: r.int('category_id'), bbox: r.bbox('bbox') };
    if (!imageIds.has(a.imageId)) r.fail('image_id', 'the id of an image in images[]');
    if (!categoryIds.has(a.categoryId)) r.fail('category_id', 'the id of a category in categories[]');
    return a;
  });
  uniqueIds(file, 'annotations', annotations);
  return { file, images, annotations, categories };
}

function uniqueIds(file: string, table: string, rows: readonly { id: number }[]): Set<number> {
  const seen = new Map<number, number>();
  rows.forEach((row, i) => {
    const first = seen.get(row.id);
    if (first !== undefined) throw new RefcocoFormatError(`${file}: ${table}[${i}].id: ${row.id} repeats ${table}[${first}].id, expected unique ids`);
    seen.set(row.id, i);
  });
  return new Set(seen.keys());
}
