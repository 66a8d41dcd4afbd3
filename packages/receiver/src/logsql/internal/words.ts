// VictoriaLogs' notion of a word (lib/logstorage/tokenizer.go): a maximal run of ASCII letters,
// digits and `_`, or of Unicode letters and digits. Word, phrase and prefix filters match whole
// words, case-sensitively, by finding the text and checking that it is not glued to more word
// characters on either side (lib/logstorage/filter_phrase.go, filter_prefix.go).

const asciiWord = new Uint8Array(128)
for (let c = 0; c < 128; c++) {
  asciiWord[c] = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f ? 1 : 0
}

const unicodeWord = /^[\p{L}\p{Nd}_]$/u

export const isWordCodePoint = (cp: number): boolean =>
  cp < 128 ? asciiWord[cp] === 1 : unicodeWord.test(String.fromCodePoint(cp))

const codePointBefore = (s: string, i: number): number => {
  const low = s.charCodeAt(i - 1)
  if (low >= 0xdc00 && low <= 0xdfff && i >= 2) {
    const high = s.charCodeAt(i - 2)
    if (high >= 0xd800 && high <= 0xdbff) return ((high - 0xd800) << 10) + (low - 0xdc00) + 0x10000
  }
  return low
}

const firstIsWord = (s: string): boolean => s.length > 0 && isWordCodePoint(s.codePointAt(0)!)
const lastIsWord = (s: string): boolean => s.length > 0 && isWordCodePoint(codePointBefore(s, s.length))

/** The words of `s`, in order, duplicates kept. */
export const words = (s: string): Array<string> => {
  const out: Array<string> = []
  let start = -1
  let i = 0
  while (i < s.length) {
    const cp = s.codePointAt(i)!
    const size = cp > 0xffff ? 2 : 1
    if (isWordCodePoint(cp)) {
      if (start < 0) start = i
    } else if (start >= 0) {
      out.push(s.slice(start, i))
      start = -1
    }
    i += size
  }
  if (start >= 0) out.push(s.slice(start))
  return out
}

/**
 * A matcher for a phrase: the empty phrase matches only the empty value; otherwise the phrase
 * must occur with no word character glued to a word-character edge of it.
 */
export const phraseMatcher = (phrase: string): ((value: string) => boolean) => {
  if (phrase === "") return (value) => value === ""
  const checkStart = firstIsWord(phrase)
  const checkEnd = lastIsWord(phrase)
  const length = phrase.length
  return (value) => {
    let from = 0
    for (;;) {
      const at = value.indexOf(phrase, from)
      if (at < 0) return false
      if (
        (checkStart && at > 0 && isWordCodePoint(codePointBefore(value, at))) ||
        (checkEnd && at + length < value.length && isWordCodePoint(value.codePointAt(at + length)!))
      ) {
        from = at + 1
        continue
      }
      return true
    }
  }
}

/**
 * A matcher for a prefix (`foo*`): the empty prefix matches any non-empty value; otherwise the
 * prefix must occur where no word character precedes it.
 */
export const prefixMatcher = (prefix: string): ((value: string) => boolean) => {
  if (prefix === "") return (value) => value !== ""
  const checkStart = firstIsWord(prefix)
  return (value) => {
    let from = 0
    for (;;) {
      const at = value.indexOf(prefix, from)
      if (at < 0) return false
      if (checkStart && at > 0 && isWordCodePoint(codePointBefore(value, at))) {
        from = at + 1
        continue
      }
      return true
    }
  }
}
