// Patch embedding of ViT (https://arxiv.org/abs/2010.11929, §3.1): cut the image into p×p patches,
// flatten each, project to D. Written as patchify + one matmul, which is exactly timm's
// Conv2d(C, D, kernel_size=p, stride=p): the weight keeps the conv's [D, C, p, p] layout and names.
import { kaimingUniform_, Module, Parameter, uniform_ } from '@crossmodal/nn';
import { add, fmt, matmul, reshape, ShapeError, zeros, type Tensor } from '@crossmodal/tensor';

/**
 * [B, C, H, W] → [B, N, C·p·p] with N = (H/p)·(W/p), patches in row-major order (as the conv's
 * output flattened: `flatten(2).transpose(1, 2)`), each patch flattened in (C, p, p) order, the
 * order of a conv weight's [C, p, p] slice.
 * @example
 * patchify(images, 16);   // [B, 3, 224, 224] → [B, 196, 768]
 */
export function patchify(x: Tensor, p: number): Tensor {
  const [B, C, H, W] = checkImages('patchify', x, p);
  const gh = H / p;
  const gw = W / p;
  const blocks = reshape(x, [B, C, gh, p, gw, p]).permute([0, 2, 4, 1, 3, 5]); // [B, gh, gw, C, p, p]
  return reshape(blocks, [B, gh * gw, C * p * p]); // [B, N, C·p·p]
}

function checkImages(owner: string, x: Tensor, p: number): [number, number, number, number] {
  if (x.rank !== 4) throw new ShapeError(`${owner}: images must be [B, C, H, W], got ${fmt(x.shape)}`);
  const [B, C, H, W] = x.shape as [number, number, number, number];
  if (H % p !== 0 || W % p !== 0) throw new ShapeError(`${owner}: image ${H}×${W} is not a whole number of ${p}×${p} patches`);
  return [B, C, H, W];
}

/**
 * The conv weight layout as a Linear weight: [D, C, p, p] ↔ [D, C·p·p]. The two hold the same
 * numbers in the same order (a row-major reshape), so a Conv2d(stride = kernel = p) checkpoint
 * and a patchify + Linear one convert into each other without moving any value.
 * @example
 * convToLinearWeight(w);          // [768, 3, 16, 16] → [768, 768]
 * linearToConvWeight(w2, 3, 16);  // [768, 768] → [768, 3, 16, 16]
 */
export function convToLinearWeight(w: Tensor): Tensor {
  if (w.rank !== 4 || w.shape[2] !== w.shape[3]) throw new ShapeError(`convToLinearWeight: expected a [D, C, p, p] conv weight, got ${fmt(w.shape)}`);
  return reshape(w, [w.shape[0]!, w.shape[1]! * w.shape[2]! * w.shape[3]!]);
}

/** The inverse of {@link convToLinearWeight}: [D, C·p·p] → [D, C, p, p]. */
export function linearToConvWeight(w: Tensor, channels: number, p: number): Tensor {
  if (w.rank !== 2 || w.shape[1] !== channels * p * p) {
    throw new ShapeError(`linearToConvWeight: expected a [D, ${channels * p * p}] weight for C=${channels}, p=${p}, got ${fmt(w.shape)}`);
  }
  return reshape(w, [w.shape[0]!, channels, p, p]);
}

/** The projection's parameters under timm's conv names: `weight` [D, C, p, p], `bias` [D]. */
export class PatchProjection extends Module {
  /** [D, C, p, p], the Conv2d layout. */
  readonly weight: Parameter;
  /** [D] */
  readonly bias: Parameter;

  constructor(channels: number, dim: number, readonly patchSize: number) {
    super();
    // torch.nn.Conv2d's default init (timm leaves the patch conv to it): fan_in = C·p·p.
    this.weight = new Parameter(kaimingUniform_(zeros([dim, channels, patchSize, patchSize]), { a: Math.sqrt(5) }));
    const bound = 1 / Math.sqrt(channels * patchSize * patchSize);
    this.bias = new Parameter(uniform_(zeros([dim]), { low: -bound, high: bound }));
  }

  /** Patches [B, N, C·p·p] → tokens [B, N, D]. */
  forward(patches: Tensor): Tensor {
    return add(matmul(patches, convToLinearWeight(this.weight), { transB: true }), this.bias);
  }
}

/**
 * timm's PatchEmbed: images [B, C, H, W] → tokens [B, N, D], with parameters
 * `proj.weight` [D, C, p, p] and `proj.bias` [D] (timm's and Hugging Face's
 * `patch_embeddings.projection` load unchanged).
 * @example
 * new PatchEmbed({ channels: 3, dim: 192, patchSize: 16, imageSize: 224 }).forward(images);   // [B, 196, 192]
 */
export class PatchEmbed extends Module {
  /** The conv-equivalent projection. */
  readonly proj: PatchProjection;
  /** Patches per side. */
  readonly grid: number;
  /** C */
  readonly channels: number;
  /** Side of the square input image. */
  readonly imageSize: number;

  constructor({ channels, dim, patchSize, imageSize }: { channels: number; dim: number; patchSize: number; imageSize: number }) {
    super();
    this.proj = new PatchProjection(channels, dim, patchSize);
    this.grid = imageSize / patchSize;
    this.channels = channels;
    this.imageSize = imageSize;
  }

  /** Number of patches N = grid². */
  get numPatches(): number {
    return this.grid * this.grid;
  }

  /** [B, C, H, W] → [B, N, D]; the image must be the configured size (the position embedding is fixed). */
  forward(images: Tensor): Tensor {
    const [, C, H, W] = checkImages('vit', images, this.proj.patchSize);
    if (C !== this.channels || H !== this.imageSize || W !== this.imageSize) {
      throw new ShapeError(
        `vit: images must be [B, ${this.channels}, ${this.imageSize}, ${this.imageSize}], got ${fmt(images.shape)} ` +
          '(a different size needs a model built for it; resizePosEmbed adapts the weights)',
      );
    }
    return this.proj.forward(patchify(images, this.proj.patchSize)); // [B, N, D]
  }
}
