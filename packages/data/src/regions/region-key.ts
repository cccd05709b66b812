// Joins an annotation's image id (VQA's and COCO's numeric image_id) to the key a region store holds
// the image under: LXMERT's TSV says `COCO_train2014_000000000009`, MCAN's archives
// `COCO_train2014_000000000009.jpg`, ViLBERT's LMDB `9`. Pure.

/** Finds a store key for an image id; undefined when the store has none. */
export type RegionKeyResolver = (imageId: number | string) => string | undefined;

/** COCO file stems: `COCO_<split>_<12 digits>` with an optional image extension. */
const COCO_KEY = /^COCO_[A-Za-z]+\d*_(\d{12})(?:\.(?:jpg|jpeg|png))?$/;

/**
 * Resolves image ids against the ids a store holds. With `template`, the key is the template with
 * `{id}` replaced by the id, or `{id:012}` by the id zero-padded to 12 digits (any width), e.g.
 * `COCO_val2014_{id:012}`. Without one: the id itself when the store holds it, else the one store
 * key of the COCO form `COCO_<split>_<12-digit id>[.jpg]` with that number (two such keys for one
 * number is an error naming both, as the join would be a guess).
 * @example
 * const key = regionKeyResolver(store.ids());
 * key(9); // 'COCO_train2014_000000000009' for an LXMERT TSV of train2014
 */
export function regionKeyResolver(ids: readonly string[], template?: string): RegionKeyResolver {
  const held = new Set(ids);
  if (template !== undefined) {
    if (!/\{id(?::0\d+)?\}/.test(template)) {
      throw new RangeError(`imageKey: template ${JSON.stringify(template)} has no {id} or {id:0N} placeholder (e.g. 'COCO_val2014_{id:012}')`);
    }
    return (imageId) => {
      const key = expand(template, imageId);
      return held.has(key) ? key : undefined;
    };
  }
  let coco: Map<number, string> | undefined;
  return (imageId) => {
    const exact = String(imageId);
    if (held.has(exact)) return exact;
    coco ??= cocoKeys(ids);
    return coco.get(Number(imageId));
  };
}

/** The template with its placeholders filled in. */
const expand = (template: string, imageId: number | string): string =>
  template.replaceAll(/\{id(?::0(\d+))?\}/g, (_, width?: string) => (width === undefined ? String(imageId) : String(imageId).padStart(Number(width), '0')));

/** Numeric id → the COCO-form key holding it; throws when two keys give one number. */
function cocoKeys(ids: readonly string[]): Map<number, string> {
  const out = new Map<number, string>();
  for (const id of ids) {
    const m = COCO_KEY.exec(id);
    if (!m) continue;
    const n = Number(m[1]);
    const previous = out.get(n);
    if (previous !== undefined) {
      throw new RangeError(`imageKey: the store holds both '${previous}' and '${id}' for image ${n}; give an imageKey template (e.g. 'COCO_val2014_{id:012}') to pick one`);
    }
    out.set(n, id);
  }
  return out;
}

/** How a resolver looks for an id, for "not found" messages. */
export function describeRegionKey(imageId: number | string, template?: string): string {
  if (template !== undefined) return `'${expand(template, imageId)}' (from imageKey ${JSON.stringify(template)})`;
  return `'${imageId}' or COCO_<split>_${String(imageId).padStart(12, '0')}[.jpg]`;
}
