// @crossmodal/dataset-vqa: the VQA 2.0 JSON files, the official answer normalisation and accuracy,
// answer vocabularies and soft targets, the `vqa` dataset and the `vqa2-accuracy` metric.
export { vqaPlugin } from './plugin.ts';
export {
  VQA_ANSWER_TYPES, VQA_ARTICLES, VQA_CONTRACTIONS, VQA_NUMBER_WORDS, VQA_PUNCTUATION, VQA_QUESTION_TYPES,
  answerTypeCode, questionTypeCode, type VqaAnswerType,
} from './answer-tables.ts';
export { normalizeAnswer, processDigitArticle, processPunctuation } from './normalize.ts';
export {
  VqaFormatError, joinVqa, parseVqaAnnotations, parseVqaQuestions,
  type VqaAnnotation, type VqaAnnotationOptions, type VqaAnnotationsFile, type VqaExample, type VqaHumanAnswer,
  type VqaQuestion, type VqaQuestionsFile,
} from './vqa-format.ts';
export { ANSWER_VOCAB_FORMAT, AnswerVocab, buildAnswerVocab, type AnswerVocabJson, type AnswerVocabOptions } from './answer-vocab.ts';
export {
  answerCounts, cappedScore, humanAnswerCounts, leaveOneOutScore, softTargets, vqaExampleFields,
  type SoftTargets, type VqaExampleFields, type VqaScoring,
} from './soft-targets.ts';
export { evaluateVqa, officialAccuracy, parseVqaResults, type VqaEvalProtocol, type VqaEvaluation, type VqaPrediction } from './vqa-eval.ts';
export { vqa2AccuracyMetric } from './vqa-metric.ts';
export { loadAnswerVocab, readVqa, readVqaAnnotations, readVqaQuestions, readVqaResults, saveAnswerVocab, saveRunAnswerVocab } from './vqa-files.ts';
export { VqaDataset, type VqaDatasetOptions, type VqaRegionSource } from './vqa-dataset.ts';
export { ANSWER_VOCAB_FILE, VQA_MAX_REGIONS, VQA_MAX_TEXT_LENGTH, vqaProvider, type VqaConfig } from './vqa-provider.ts';
