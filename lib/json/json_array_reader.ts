/**
 * A stream told as one JSON array written as it grows (`[{…}\n,\r\n{…}\n]`: Gemini's
 * `streamGenerateContent` without `?alt=sse`). This reader splits such text into its elements
 * as they complete, so a relay can pass on whole elements only: when the upstream stops
 * mid-element, what the caller already has is still the start of a valid array, to be closed
 * with an error element.
 */

/** What one `push` found. */
export interface ArrayPiece {
  /** Text safe to pass on: up to the end of the last element completed so far. */
  ready: string;
  /** The elements completed by this push, as JSON text. */
  elements: string[];
}

const BACKSLASH = 92;
const STRING_STOP = /["\\]/g;

/** An incremental reader of one top-level JSON array of objects. */
export class JsonArrayReader {
  #opened = false;
  #closed = false;
  #invalid = false;
  #depth = 0;
  #inString = false;
  #escaped = false;
  /** Text read but not yet ready (separators, the element in progress). */
  #held = "";
  /** The closing `]` and the whitespace before it. */
  #tail = "";

  /** True once the array's closing `]` has been read; later text is ignored. */
  get closed(): boolean {
    return this.#closed;
  }

  /** True when the text is not an array of objects. */
  get invalid(): boolean {
    return this.#invalid;
  }

  /** The text held back (for a size cap). */
  get pendingLength(): number {
    return this.#held.length;
  }

  /** Text from after the last element through the closing `]` (`"\n]"`); "" until closed. */
  get tail(): string {
    return this.#tail;
  }

  /** Reads the next piece of text. */
  push(text: string): ArrayPiece {
    const elements: string[] = [];
    if (this.#closed || this.#invalid) return { ready: "", elements };
    const all = this.#held + text;
    let ready = 0;
    let start = this.#depth > 0 ? all.length - text.length - this.#elementLength : -1;
    let i = all.length - text.length;
    while (i < all.length) {
      if (this.#inString) {
        if (this.#escaped) {
          this.#escaped = false;
          i++;
          continue;
        }
        STRING_STOP.lastIndex = i;
        const stop = STRING_STOP.exec(all);
        if (!stop) break;
        i = stop.index + 1;
        if (all.charCodeAt(stop.index) === BACKSLASH) this.#escaped = true;
        else this.#inString = false;
        continue;
      }
      const c = all[i];
      if (this.#depth > 0) {
        if (c === '"') this.#inString = true;
        else if (c === "{" || c === "[") this.#depth++;
        else if (c === "}" || c === "]") {
          if (--this.#depth === 0) {
            elements.push(all.slice(start, i + 1));
            ready = i + 1;
          }
        }
      } else if (c === " " || c === "\n" || c === "\r" || c === "\t") {
        // whitespace between elements
      } else if (!this.#opened) {
        if (c !== "[") return this.#fail(elements);
        this.#opened = true;
      } else if (c === "{") {
        this.#depth = 1;
        start = i;
      } else if (c === ",") {
        // the next element follows
      } else if (c === "]") {
        this.#closed = true;
        this.#tail = all.slice(ready, i + 1);
        this.#held = "";
        return { ready: all.slice(0, ready), elements };
      } else {
        return this.#fail(elements);
      }
      i++;
    }
    this.#held = all.slice(ready);
    this.#elementLength = this.#depth > 0 ? all.length - start : 0;
    return { ready: all.slice(0, ready), elements };
  }

  /** Length of the element in progress at the end of `#held`. */
  #elementLength = 0;

  #fail(elements: string[]): ArrayPiece {
    this.#invalid = true;
    return { ready: "", elements };
  }
}
