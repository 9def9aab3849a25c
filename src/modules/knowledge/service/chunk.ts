import type { Section } from "./extract";

export interface Chunk {
  index: number;
  section: string | null;
  page: number | null;
  content: string;
  tokens: number;
}

/** Target size of a chunk and the overlap carried into the next one, in (estimated) tokens. */
export const CHUNK_TOKENS = 300;
export const OVERLAP_TOKENS = 50;
/** A document yields at most this many chunks (≈ 600k tokens); the rest is not indexed. */
export const MAX_CHUNKS = 2000;

/** The gateway's estimate (≈ 4 characters a token), so chunk sizes match what embedding is billed for. */
export const tokensOf = (text: string) => Math.ceil(text.length / 4);

/** Splits an over-long paragraph at sentence ends, then (a sentence longer than a chunk) at word boundaries. */
function pieces(paragraph: string, max: number): string[] {
  if (tokensOf(paragraph) <= max) return [paragraph];
  const out: string[] = [];
  const sentences = paragraph.match(/[^.!?\n]+(?:[.!?]+|\n|$)\s*/g) ?? [paragraph];
  let cur = "";
  const push = (s: string) => {
    if (s.trim()) out.push(s.trim());
  };
  for (const s of sentences) {
    if (tokensOf(s) > max) {
      push(cur);
      cur = "";
      let words = "";
      for (const w of s.split(/\s+/)) {
        if (tokensOf(`${words} ${w}`) > max && words) {
          push(words);
          words = "";
        }
        // A single "word" longer than a chunk (a hash, base64) is cut by length.
        if (tokensOf(w) > max) {
          for (let i = 0; i < w.length; i += max * 4) push(w.slice(i, i + max * 4));
          continue;
        }
        words = words ? `${words} ${w}` : w;
      }
      cur = words;
    } else if (tokensOf(cur + s) > max && cur) {
      push(cur);
      cur = s;
    } else cur += s;
  }
  push(cur);
  return out;
}

/** The last ~`tokens` of a text, starting at a word boundary: the overlap a next chunk begins with. */
function tail(text: string, tokens: number): string {
  if (tokensOf(text) <= tokens) return text;
  const cut = text.slice(text.length - tokens * 4);
  const space = cut.search(/\s/);
  return (space >= 0 ? cut.slice(space) : cut).trim();
}

/**
 * Chunks by structure: never across a section (heading or sheet) or a page; within one, whole
 * paragraphs (blank-line separated) are packed up to CHUNK_TOKENS, and each chunk after the
 * first starts with the last OVERLAP_TOKENS of the one before, so a sentence cut at a boundary
 * is still whole in one of them. Deterministic, so a redelivered message rebuilds the same chunks.
 */
export function chunkSections(sections: Section[], opts: { size?: number; overlap?: number } = {}): Chunk[] {
  const size = opts.size ?? CHUNK_TOKENS;
  const overlap = opts.overlap ?? OVERLAP_TOKENS;
  const out: Chunk[] = [];
  for (const s of sections) {
    const paragraphs = s.text
      .split(/\n\s*\n/)
      .map((p) => p.replace(/[ \t]+/g, " ").trim())
      .filter(Boolean)
      // Room for the overlap and the paragraph break in front of each piece.
      .flatMap((p) => pieces(p, size - overlap - 1));
    let cur = "";
    let fresh = false;
    const emit = () => {
      if (!fresh || out.length >= MAX_CHUNKS) return;
      out.push({ index: out.length, section: s.heading, page: s.page, content: cur, tokens: tokensOf(cur) });
      cur = tail(cur, overlap);
      fresh = false;
    };
    for (const p of paragraphs) {
      if (cur && tokensOf(`${cur}\n\n${p}`) > size) emit();
      cur = cur ? `${cur}\n\n${p}` : p;
      fresh = true;
    }
    emit();
    if (out.length >= MAX_CHUNKS) break;
  }
  return out;
}
