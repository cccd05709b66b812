// @crossmodal/dataset-sort-of-clevr: Sort-of-CLEVR (Relation Networks, appendix D), generated and
// deterministic by seed, as pixels or object regions, with per-question-type accuracy.
export { sortOfClevrPlugin } from './plugin.ts';
export { sortOfClevrProvider } from './sort-of-clevr.ts';
export { sortOfClevrAccuracyMetric, QUESTION_FILTERS, subtypesOf, type QuestionFilter } from './accuracy.ts';
export { SortOfClevrDataset, imageSeed, type ExampleText, type SortOfClevrImage } from './sort-of-clevr-dataset.ts';
export {
  QUESTION_SETS, SPLITS, TASKS, VIEWS, resolveSortOfClevrConfig,
  type QuestionSet, type ResolvedSortOfClevrConfig, type SortOfClevrConfig, type Split, type Task, type View,
} from './sort-of-clevr.config.ts';
export {
  COLORS, COLOR_RGB, IMAGE_SIZE, OBJECT_SIZE, SHAPES, boxesOverlap, centerOf, coversPixel, extremeFrom, generateScene, renderChw, renderRgb,
  squaredDistance, type Color, type Scene, type SceneObject, type Shape,
} from './scene.ts';
export {
  ANSWERS, NON_RELATIONAL_SUBTYPES, QUESTION_BITS, QUESTIONS_PER_IMAGE, QUESTIONS_PER_KIND, SUBTYPES, answerFor, askQuestions, encodeQuestion,
  isRelational, questionText, type Answer, type Question, type Subtype,
} from './questions.ts';
export { MAX_DISTRACTOR_SIZE, buildRegions, regionFeature, regionFeatureSize, type PixelBox, type RegionOptions, type Regions } from './regions.ts';
export {
  EXPRESSION_BITS, EXPRESSIONS_PER_IMAGE, REFERRING_KINDS, answersOfSubtype, captionText, captionsFor, encodeCaption, encodeExpression,
  expressionText, referentOf, referringExpressions, type Caption, type Expression,
} from './tasks.ts';
export { sampleImage, sampleText, writeSample, type SampleOptions } from './sample.ts';
