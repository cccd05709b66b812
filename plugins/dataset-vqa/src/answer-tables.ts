// The word tables of the official VQA evaluation (GT-Vision-Lab/VQA, vqaEval.py): punctuation,
// number words, articles and the contractions map. They are data the official score depends on, so
// they are kept entry for entry, including the official table's oddities (noted below).

/**
 * Characters that processPunctuation deletes or turns into a space. Not in the list, hence kept:
 * the apostrophe, `.` (handled by its own rule), `:`, `#`, `$`, `%`, `&`, `*`, `^`, `|`, `~`.
 */
export const VQA_PUNCTUATION: readonly string[] = [
  ';', '/', '[', ']', '"', '{', '}', '(', ')', '=', '+', '\\', '_', '-', '>', '<', '@', '`', ',', '?', '!',
];

/** Number words → digits (`none` counts as 0: "how many…? none"). Only whole words, zero to ten. */
export const VQA_NUMBER_WORDS: Readonly<Record<string, string>> = {
  none: '0', zero: '0', one: '1', two: '2', three: '3', four: '4', five: '5',
  six: '6', seven: '7', eight: '8', nine: '9', ten: '10',
};

/** Words dropped from an answer. */
export const VQA_ARTICLES: readonly string[] = ['a', 'an', 'the'];

// Contractions written without their apostrophe → the spelled form. Grouped by first word for
// reading; the official map is flat. NOTE: kept as the official table has them: `Id've`, `I'dve`,
// `Im`, `Ive` hold capitals and so never match (answers are lower-cased first), and
// `somebody'd` maps to `somebodyd` (the reverse of every other entry).
const CONTRACTION_PAIRS: readonly (readonly [string, string])[] = [
  ['aint', "ain't"], ['arent', "aren't"], ['cant', "can't"], ['couldve', "could've"], ['couldnt', "couldn't"],
  ["couldn'tve", "couldn't've"], ["couldnt've", "couldn't've"], ['didnt', "didn't"], ['doesnt', "doesn't"],
  ['dont', "don't"], ['hadnt', "hadn't"], ["hadnt've", "hadn't've"], ["hadn'tve", "hadn't've"], ['hasnt', "hasn't"],
  ['havent', "haven't"], ['hed', "he'd"], ["hed've", "he'd've"], ["he'dve", "he'd've"], ['hes', "he's"],
  ['howd', "how'd"], ['howll', "how'll"], ['hows', "how's"], ["Id've", "I'd've"], ["I'dve", "I'd've"],
  ['Im', "I'm"], ['Ive', "I've"], ['isnt', "isn't"], ['itd', "it'd"], ["itd've", "it'd've"], ["it'dve", "it'd've"],
  ['itll', "it'll"], ["let's", "let's"], ['maam', "ma'am"], ['mightnt', "mightn't"], ["mightnt've", "mightn't've"],
  ["mightn'tve", "mightn't've"], ['mightve', "might've"], ['mustnt', "mustn't"], ['mustve', "must've"],
  ['neednt', "needn't"], ['notve', "not've"], ['oclock', "o'clock"], ['oughtnt', "oughtn't"],
  ["ow's'at", "'ow's'at"], ["'ows'at", "'ow's'at"], ["'ow'sat", "'ow's'at"], ['shant', "shan't"],
  ["shed've", "she'd've"], ["she'dve", "she'd've"], ["she's", "she's"], ['shouldve', "should've"],
  ['shouldnt', "shouldn't"], ["shouldnt've", "shouldn't've"], ["shouldn'tve", "shouldn't've"],
  ["somebody'd", 'somebodyd'], ["somebodyd've", "somebody'd've"], ["somebody'dve", "somebody'd've"],
  ['somebodyll', "somebody'll"], ['somebodys', "somebody's"], ['someoned', "someone'd"],
  ["someoned've", "someone'd've"], ["someone'dve", "someone'd've"], ['someonell', "someone'll"],
  ['someones', "someone's"], ['somethingd', "something'd"], ["somethingd've", "something'd've"],
  ["something'dve", "something'd've"], ['somethingll', "something'll"], ['thats', "that's"],
  ['thered', "there'd"], ["thered've", "there'd've"], ["there'dve", "there'd've"], ['therere', "there're"],
  ['theres', "there's"], ['theyd', "they'd"], ["theyd've", "they'd've"], ["they'dve", "they'd've"],
  ['theyll', "they'll"], ['theyre', "they're"], ['theyve', "they've"], ['twas', "'twas"], ['wasnt', "wasn't"],
  ["wed've", "we'd've"], ["we'dve", "we'd've"], ['weve', "we've"], ['werent', "weren't"], ['whatll', "what'll"],
  ['whatre', "what're"], ['whats', "what's"], ['whatve', "what've"], ['whens', "when's"], ['whered', "where'd"],
  ['wheres', "where's"], ['whereve', "where've"], ['whod', "who'd"], ["whod've", "who'd've"],
  ["who'dve", "who'd've"], ['wholl', "who'll"], ['whos', "who's"], ['whove', "who've"], ['whyll', "why'll"],
  ['whyre', "why're"], ['whys', "why's"], ['wont', "won't"], ['wouldve', "would've"], ['wouldnt', "wouldn't"],
  ["wouldnt've", "wouldn't've"], ["wouldn'tve", "wouldn't've"], ['yall', "y'all"], ["yall'll", "y'all'll"],
  ["y'allll", "y'all'll"], ["yall'd've", "y'all'd've"], ["y'alld've", "y'all'd've"], ["y'all'dve", "y'all'd've"],
  ['youd', "you'd"], ["youd've", "you'd've"], ["you'dve", "you'd've"], ['youll', "you'll"], ['youre', "you're"],
  ['youve', "you've"],
];

/** The official contractions map (word without apostrophe → with), applied word by word. */
export const VQA_CONTRACTIONS: ReadonlyMap<string, string> = new Map(CONTRACTION_PAIRS);

/** The three answer types of VQA 2.0, in the order of their integer codes (batch field `answerType`). */
export const VQA_ANSWER_TYPES = ['yes/no', 'number', 'other'] as const;

/** One of {@link VQA_ANSWER_TYPES}. */
export type VqaAnswerType = (typeof VQA_ANSWER_TYPES)[number];

/**
 * The 65 question types of VQA on MS COCO, so that a question type can travel in a batch as an
 * integer code: the 64 of the repository's QuestionTypes/mscoco_question_types.txt, in its order,
 * then `none of the above`, which the annotations give a question that starts with none of them.
 */
export const VQA_QUESTION_TYPES: readonly string[] = [
  'how many', 'is the', 'what', 'what color is the', 'what is the', 'is this', 'is this a', 'what is', 'are the',
  'what kind of', 'is there a', 'what type of', 'is it', 'what are the', 'where is the', 'is there', 'does the',
  'what color are the', 'are these', 'are there', 'which', 'is', 'what is the man', 'is the man', 'are', 'how',
  'does this', 'what is on the', 'what does the', 'how many people are', 'what is in the', 'what is this', 'do',
  'what are', 'are they', 'what time', 'what sport is', 'are there any', 'is he', 'what color is', 'why',
  'where are the', 'what color', 'who is', 'what animal is', 'is the woman', 'is this an', 'do you',
  'how many people are in', 'what room is', 'has', 'is this person', 'what is the woman', 'can you', 'why is the',
  'is the person', 'what is the color of the', 'what is the person', 'could', 'was', 'is that a', 'what number is',
  'what is the name', 'what brand', 'none of the above',
];

/** The integer code of an answer type (its index in {@link VQA_ANSWER_TYPES}), or -1 for any other. */
export const answerTypeCode = (type: string): number => (VQA_ANSWER_TYPES as readonly string[]).indexOf(type);

/** The integer code of a question type (its index in {@link VQA_QUESTION_TYPES}), or -1 for any other. */
export const questionTypeCode = (type: string): number => VQA_QUESTION_TYPES.indexOf(type);
