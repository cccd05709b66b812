// Region-feature helpers shared by dataset plugins: fixed-size padding with masks and the image-id join.
export { padRegions, regionExampleFields, type PaddableRegions, type PaddedRegions, type RegionExampleFields } from './pad-regions.ts';
export { describeRegionKey, regionKeyResolver, type RegionKeyResolver } from './region-key.ts';
