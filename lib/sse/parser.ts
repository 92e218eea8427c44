/**
 * A Server-Sent Events parser after the HTML standard: LF, CR and CRLF line ends (also split
 * across chunks), a leading BOM, comment lines, multi-line `data`, `field:value` with or without
 * the space, and the last event at the end of input even without its blank line.
 */

/** One dispatched event. */
export interface SseEvent {
  /** The `event:` field, when the event had one. */
  event?: string;
  /** The `data:` lines joined by "\n". */
  data: string;
  id?: string;
}

/** An incremental parser: feed text with `push`, then call `end` once. */
export class SseParser {
  #buffer = "";
  #event: string | undefined;
  #data: string[] = [];
  #id: string | undefined;
  #dataSize = 0;
  #sawFirst = false;
  /** A CR ended the last chunk: a following LF belongs to it. */
  #pendingCr = false;
  #comments = 0;
  #ends: number[] = [];

  /**
   * For each event the last `push` returned, the offset in that chunk just past the line end
   * that completed it: a relay that must stop after an event knows where its text ends.
   */
  get ends(): readonly number[] {
    return this.#ends;
  }

  /** Parses the next piece of text; returns the events it completed. */
  push(chunk: string): SseEvent[] {
    this.#ends.length = 0;
    // An empty read between a CR and its LF must not forget the CR.
    if (chunk === "") return [];
    /** Characters taken off the chunk's start (a BOM, the LF of a CRLF split across chunks). */
    let shift = 0;
    if (!this.#sawFirst) {
      this.#sawFirst = true;
      if (chunk.charCodeAt(0) === 0xfeff) {
        chunk = chunk.slice(1);
        shift++;
      }
    }
    if (this.#pendingCr && chunk.startsWith("\n")) {
      chunk = chunk.slice(1);
      shift++;
    }
    this.#pendingCr = false;
    const out: SseEvent[] = [];
    // Only the new text is scanned (a long line arriving in many chunks costs linear time), and
    // line ends are found with indexOf, not character by character.
    let start = 0;
    let lf = chunk.indexOf("\n");
    let cr = chunk.indexOf("\r");
    while (lf >= 0 || cr >= 0) {
      const end = cr < 0 || (lf >= 0 && lf < cr) ? lf : cr;
      const piece = chunk.slice(start, end);
      const line = this.#buffer === "" ? piece : this.#buffer + piece;
      this.#buffer = "";
      const before = out.length;
      this.#line(line, out);
      start = end + 1;
      if (end === cr) {
        if (start === chunk.length) this.#pendingCr = true;
        else if (chunk.charCodeAt(start) === 10) start++;
        cr = chunk.indexOf("\r", start);
      }
      if (out.length > before) this.#ends.push(start + shift);
      if (lf >= 0 && lf < start) lf = chunk.indexOf("\n", start);
    }
    if (start < chunk.length) this.#buffer += chunk.slice(start);
    return out;
  }

  /**
   * Characters held for the event in progress (its unfinished line and its data lines so far):
   * callers cap it so an upstream cannot make the proxy buffer without bound.
   */
  get pendingLength(): number {
    return this.#buffer.length + this.#dataSize;
  }

  /**
   * Comment lines (`: OPENROUTER PROCESSING`) read since the last call: upstreams send them to
   * keep a quiet stream alive, and a proxy passes that on.
   */
  takeComments(): number {
    const count = this.#comments;
    this.#comments = 0;
    return count;
  }

  /** The input is over: a last line and event without their terminators are still delivered. */
  end(): SseEvent[] {
    const out: SseEvent[] = [];
    if (this.#buffer) this.#line(this.#buffer, out);
    this.#buffer = "";
    this.#dispatch(out);
    return out;
  }

  #line(line: string, out: SseEvent[]): void {
    if (line === "") {
      this.#dispatch(out);
      return;
    }
    if (line.charCodeAt(0) === 58) { // ":" comment
      this.#comments++;
      return;
    }
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    switch (field) {
      case "data":
        this.#data.push(value);
        this.#dataSize += value.length;
        break;
      case "event":
        this.#event = value;
        break;
      case "id":
        if (!value.includes("\0")) this.#id = value;
        break;
    }
  }

  #dispatch(out: SseEvent[]): void {
    this.#dataSize = 0;
    if (this.#data.length === 0) {
      this.#event = undefined;
      return;
    }
    const data = this.#data;
    const event: SseEvent = { data: data.length === 1 ? data[0] : data.join("\n") };
    if (this.#event !== undefined) event.event = this.#event;
    if (this.#id !== undefined) event.id = this.#id;
    out.push(event);
    this.#data = [];
    this.#event = undefined;
  }
}
