// The one error type of this package: a malformed or inconsistent feature file, named with its place.

/** Thrown for a malformed feature file; the message names the file, the line or record, and the field. */
export class RegionFeatureError extends Error {
  override readonly name = 'RegionFeatureError';
}
