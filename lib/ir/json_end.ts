/**
 * Whether streamed tool-call arguments have closed their JSON object, told from each new piece
 * alone. Parsing everything received so far at every piece made a call whose 4 MB of arguments
 * end in `}` without being JSON cost a parse of 4 MB for each piece of another call; this keeps
 * only the nesting depth and whether it is inside a string, and reads each piece once.
 */
export class JsonEnd {
  #depth = 0;
  #inString = false;
  #escaped = false;
  /** The outermost value has closed, with nothing but whitespace after it so far. */
  #closed = false;
  /** Something other than whitespace came after the outermost value closed, or before it. */
  #broken = false;
  #started = false;

  /** The text so far is one object, closed: more text cannot make it a longer one. */
  get complete(): boolean {
    return this.#closed && !this.#broken;
  }

  /** Reads the next piece of the text. */
  push(piece: string): void {
    if (this.#broken) return;
    for (let i = 0; i < piece.length; i++) {
      const c = piece.charCodeAt(i);
      if (this.#inString) {
        if (this.#escaped) this.#escaped = false;
        else if (c === BACKSLASH) this.#escaped = true;
        else if (c === QUOTE) this.#inString = false;
        continue;
      }
      if (c === SPACE || c === TAB || c === LF || c === CR) continue;
      if (this.#closed || (!this.#started && c !== OPEN_BRACE)) {
        this.#broken = true; // `{}{` or a value that is not an object
        this.#started = true;
        return;
      }
      this.#started = true;
      if (c === QUOTE) this.#inString = true;
      else if (c === OPEN_BRACE || c === OPEN_BRACKET) this.#depth++;
      else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        if (--this.#depth === 0) this.#closed = true;
      }
    }
  }
}

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const SPACE = 32;
const TAB = 9;
const LF = 10;
const CR = 13;
