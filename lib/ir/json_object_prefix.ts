/**
 * Follows a tool call's argument text as it streams in, so its pieces can be passed on at once
 * while they still read as the start of one JSON object, and the whole can always be closed
 * into a valid object: a caller assembling `input_json_delta`s must end up with JSON it can
 * parse, even when the upstream's arguments turn out not to be JSON (or stop short). Such
 * arguments end as `{…what was sent…, "_raw_arguments": "<the whole text>"}`; text that never
 * started an object becomes `{"_raw_arguments": "<text>"}`, as in a whole answer.
 *
 * Only whole tokens are counted as sendable: a number, `true`/`false`/`null` or an escape
 * sequence is held until it is complete, since a half-sent one could not be closed.
 */

const START = 0; // before the top-level `{`
const FIRST_KEY = 1; // after `{`: a key or `}`
const KEY = 2; // after `,` in an object: a key
const COLON = 3; // after a key: `:`
const VALUE = 4; // after `:`, or `,` in an array: a value
const FIRST_VALUE = 5; // after `[`: a value or `]`
const AFTER = 6; // after a value: `,` or a closing bracket
const STRING = 7;
const NUMBER = 8;
const LITERAL = 9;
const DONE = 10; // the top-level object has closed
const INVALID = 11;

const OBJECT = 0;
const ARRAY = 1;

const NUMBER_TEXT = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
// deno-lint-ignore no-control-regex -- a raw control character ends a valid string
const STRING_STOP = /["\\\x00-\x1f]/g;
const HEX = /[0-9A-Fa-f]/;

/** The state of one argument text; feed it with `push`, read how much may be sent with `safe`. */
export class JsonObjectPrefix {
  #state = START;
  #stack: number[] = [];
  #inKey = false;
  /** 0: no escape; 1: after `\`; 2–5: after `\u` and that many hex digits less 2. */
  #escape = 0;
  #token = "";
  #length = 0;
  #safe = 0;
  /** The state at `#safe`, where a repair starts from. */
  #safeState = START;
  #safeInKey = false;

  /** Characters of the text so far that may be sent now. */
  get safe(): number {
    return this.#safe;
  }

  /** True when the text is one whole JSON object (whitespace may follow). */
  get complete(): boolean {
    return this.#state === DONE;
  }

  /** Reads the next piece of the text. */
  push(piece: string): void {
    let i = 0;
    while (i < piece.length && this.#state !== INVALID) {
      if (this.#state === STRING && this.#escape === 0) {
        STRING_STOP.lastIndex = i;
        const stop = STRING_STOP.exec(piece);
        const at = stop ? stop.index : piece.length;
        if (at > i) {
          this.#length += at - i;
          this.#markSafe();
        }
        i = at;
        if (i === piece.length) break;
      }
      this.#step(piece[i]);
      this.#length++;
      i++;
      if (this.#sendable()) this.#markSafe();
    }
  }

  #markSafe(): void {
    this.#safe = this.#length;
    this.#safeState = this.#state;
    this.#safeInKey = this.#inKey;
  }

  /**
   * What must follow the sent text (its first `safe` characters) for the arguments to be one
   * whole object: "" when they are one, else a closing that adds `"_raw_arguments": raw`.
   */
  closing(raw: string): string {
    if (this.#sentWhole()) return "";
    const member = `"_raw_arguments":${JSON.stringify(raw)}`;
    if (this.#safeState === START) return `{${member}}`;
    let out = "";
    let state = this.#safeState;
    if (state === STRING) out += this.#safeInKey ? '":null' : '"';
    else if (state === COLON) out += ":null";
    else if (state === VALUE) out += "null";
    if (state !== FIRST_KEY && state !== KEY && state !== FIRST_VALUE) state = AFTER;
    for (let depth = this.#stack.length - 1; depth > 0; depth--) {
      if (state === KEY) out += '"":null';
      out += this.#stack[depth] === OBJECT ? "}" : "]";
      state = AFTER;
    }
    return out + (state === AFTER ? "," : "") + member + "}";
  }

  /** True when the sent text is a whole object (anything after it was not JSON and is dropped). */
  #sentWhole(): boolean {
    return this.#safeState === DONE;
  }

  #sendable(): boolean {
    const s = this.#state;
    return s === FIRST_KEY || s === KEY || s === COLON || s === VALUE || s === FIRST_VALUE ||
      s === AFTER || s === DONE || (s === STRING && this.#escape === 0);
  }

  #step(c: string): void {
    switch (this.#state) {
      case STRING:
        return this.#stringChar(c);
      case NUMBER:
        if ("0123456789+-.eE".includes(c)) {
          this.#token += c;
          return;
        }
        if (!NUMBER_TEXT.test(this.#token)) return this.#fail();
        this.#state = AFTER;
        return this.#step(c);
      case LITERAL: {
        const word = this.#token[0] === "t" ? "true" : this.#token[0] === "f" ? "false" : "null";
        if (c !== word[this.#token.length]) return this.#fail();
        this.#token += c;
        if (this.#token === word) this.#state = AFTER;
        return;
      }
    }
    if (c === " " || c === "\n" || c === "\r" || c === "\t") return;
    this.#structural(c);
  }

  #structural(c: string): void {
    const s = this.#state;
    if (s === START) return c === "{" ? this.#open(OBJECT) : this.#fail();
    if (s === DONE) return this.#fail();
    if (s === FIRST_KEY || s === KEY) {
      if (c === '"') return this.#string(true);
      if (c === "}" && s === FIRST_KEY) return this.#close(OBJECT);
      return this.#fail();
    }
    if (s === COLON) return c === ":" ? void (this.#state = VALUE) : this.#fail();
    if (s === AFTER) {
      const top = this.#stack[this.#stack.length - 1];
      if (c === ",") return void (this.#state = top === OBJECT ? KEY : VALUE);
      if (c === "}" || c === "]") return this.#close(c === "}" ? OBJECT : ARRAY);
      return this.#fail();
    }
    // VALUE or FIRST_VALUE
    if (c === "]" && s === FIRST_VALUE) return this.#close(ARRAY);
    if (c === '"') return this.#string(false);
    if (c === "{") return this.#open(OBJECT);
    if (c === "[") return this.#open(ARRAY);
    if (c === "-" || (c >= "0" && c <= "9")) return this.#token_(NUMBER, c);
    if (c === "t" || c === "f" || c === "n") return this.#token_(LITERAL, c);
    this.#fail();
  }

  #stringChar(c: string): void {
    if (this.#escape === 1) {
      if (c === "u") this.#escape = 2;
      else if ('"\\/bfnrt'.includes(c)) this.#escape = 0;
      else this.#fail();
      return;
    }
    if (this.#escape >= 2) {
      if (!HEX.test(c)) return this.#fail();
      this.#escape = this.#escape === 5 ? 0 : this.#escape + 1;
      return;
    }
    if (c === "\\") this.#escape = 1;
    else if (c === '"') this.#state = this.#inKey ? COLON : AFTER;
    else this.#fail(); // a raw control character
  }

  #string(key: boolean): void {
    this.#state = STRING;
    this.#inKey = key;
  }

  #token_(state: number, c: string): void {
    this.#state = state;
    this.#token = c;
  }

  #open(kind: number): void {
    this.#stack.push(kind);
    this.#state = kind === OBJECT ? FIRST_KEY : FIRST_VALUE;
  }

  #close(kind: number): void {
    if (this.#stack[this.#stack.length - 1] !== kind) return this.#fail();
    // The top-level object stays on the stack: a closing after later junk starts inside it.
    if (this.#stack.length === 1) this.#state = DONE;
    else {
      this.#stack.pop();
      this.#state = AFTER;
    }
  }

  #fail(): void {
    this.#state = INVALID;
  }
}
