/**
 * Chinese word segmentation with @node-rs/jieba (the default jieba dictionary), used where word
 * boundaries matter: negation scope (我不是要投诉) and near-misses across words (没有病毒 is not 有病).
 * The dictionary (about 0.5 s to load) is loaded on first use.
 */
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';

let jieba: Jieba | null = null;

/** Splits Chinese text into words (jieba exact mode, HMM off). */
export function cutWords(text: string): string[] {
  jieba ??= Jieba.withDict(dict);
  return jieba.cut(text, false);
}
