// Cuts a Keepa /product response, as its bytes arrive, into the JSON text of each product,
// so that a file of any size is read in memory bounded by its largest product.
//
// Why not a streaming tokenizer (stream-json, @streamparser/json): measured on 39 MB of
// real Keepa products, stream-json took 2.4 s against 0.32 s for JSON.parse; a tokenizer
// in JavaScript builds every number of every history one event at a time. This framer
// only tracks strings and bracket depth to find where each product starts and ends, then
// hands each product's text to the engine's JSON.parse.
//
// Layouts: an array of products (elements at depth 1), the envelope {…, "products": […]}
// (elements at depth 2 under the top-level key "products"), or anything else, which is
// kept whole as the "rest" for the caller to classify (a bare product object, a tracking
// notification, garbage). The rest is the document with the products' texts taken out
// of their array (`{"timestamp":…,"products":[]}`), small for any envelope.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const MAX_KEY_BYTES = 16;

// One table look-up per byte in the hot loop (histories are mostly digits and commas).
const PLAIN = 0;
const STRING = 1;
const OPEN = 2;
const CLOSE = 3;
const BYTE_KIND = new Uint8Array(256);
BYTE_KIND[QUOTE] = STRING;
BYTE_KIND[OPEN_BRACE] = OPEN;
BYTE_KIND[OPEN_BRACKET] = OPEN;
BYTE_KIND[CLOSE_BRACE] = CLOSE;
BYTE_KIND[CLOSE_BRACKET] = CLOSE;

/** Index of byte `c` in `chunk` at or after `from`, else `none`. */
function indexOr(chunk: Buffer, c: number, from: number, none: number): number {
  const at = chunk.indexOf(c, from);
  return at < 0 ? none : at;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

export class ProductFramer {
  private depth = 0;
  private inString = false;
  private escape = false;
  private started = false;
  private topIsObject = false;
  /** Depth inside the products array (1: top-level array, 2: the envelope's), 0 outside it. */
  private productsDepth = 0;
  /** Whether a product's text is being collected. */
  private inElement = false;
  private readonly elementPieces: Buffer[] = [];
  private readonly restPieces: Buffer[] = [];
  private restBytes = 0;
  // Top-level object keys: the last key seen and whether its value comes next.
  private expectKey = false;
  private keyBytes: number[] | null = null;
  private lastKey = '';
  private valuePending = false;
  private sawProducts = false;
  private firstChunk = true;

  /** Products whose text is complete after these bytes, in file order. */
  push(chunk: Buffer): string[] {
    if (this.firstChunk) {
      this.firstChunk = false;
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3); // UTF-8 BOM
    }
    const products: string[] = [];
    // Bytes [regionStart, i) belong to the current region: the element, the rest, or
    // (between products: commas, white space) nothing.
    let regionStart = 0;
    const flush = (end: number) => {
      if (end <= regionStart) return;
      const piece = chunk.subarray(regionStart, end);
      if (this.inElement) this.elementPieces.push(piece);
      else if (this.productsDepth === 0 || this.depth < this.productsDepth) this.keepRest(piece);
      regionStart = end;
    };
    const finishElement = (end: number) => {
      flush(end);
      products.push(Buffer.concat(this.elementPieces).toString('utf8'));
      this.elementPieces.length = 0;
      this.inElement = false;
    };
    const startElement = (at: number) => {
      flush(at);
      this.inElement = true;
    };

    for (let i = 0; i < chunk.length; i++) {
      if (this.inElement && this.depth > this.productsDepth) {
        i = this.skipInside(chunk, i);
        if (i >= chunk.length) break;
        // chunk[i] closes the product: handled below
      }
      const c = chunk[i]!;
      if (this.inString) {
        if (this.escape) this.escape = false;
        else if (c === BACKSLASH) this.escape = true;
        else if (c === QUOTE) {
          this.inString = false;
          if (this.keyBytes) {
            this.lastKey = String.fromCharCode(...this.keyBytes);
            this.keyBytes = null;
          }
        } else if (this.keyBytes && this.keyBytes.length <= MAX_KEY_BYTES) {
          this.keyBytes.push(c); // a longer key is cut, and is not "products" either
        }
        continue;
      }
      if (isSpace(c)) continue;
      const atProducts = this.productsDepth > 0 && this.depth === this.productsDepth;
      if (atProducts && !this.inElement) {
        if (c === COMMA) continue;
        if (c === CLOSE_BRACKET) {
          flush(i); // drops what lay between the last product and `]`
          this.productsDepth = 0;
          this.depth--;
          continue; // `]` itself joins the rest with the next flush
        }
        startElement(i);
      } else if (atProducts && this.inElement && (c === COMMA || c === CLOSE_BRACKET)) {
        // end of a scalar element (not a product; JSON.parse and the caller say why)
        finishElement(i);
        regionStart = i;
        i--; // the comma or bracket is handled again outside the element
        continue;
      }
      switch (c) {
        case QUOTE:
          this.inString = true;
          if (this.topIsObject && this.depth === 1 && this.expectKey) {
            this.keyBytes = [];
            this.expectKey = false;
          } else this.valuePending = false;
          break;
        case OPEN_BRACE:
        case OPEN_BRACKET: {
          if (!this.started) {
            this.started = true;
            this.topIsObject = c === OPEN_BRACE;
            if (!this.topIsObject) {
              flush(i + 1); // `[` joins the rest before the state changes
              this.depth = 1;
              this.productsDepth = 1;
              this.sawProducts = true;
              continue;
            }
            this.expectKey = true;
          } else if (this.topIsObject && this.depth === 1 && this.valuePending && c === OPEN_BRACKET && this.lastKey === 'products' && !this.sawProducts) {
            flush(i + 1);
            this.depth = 2;
            this.productsDepth = 2;
            this.sawProducts = true;
            this.valuePending = false;
            continue;
          }
          this.valuePending = false;
          this.depth++;
          break;
        }
        case CLOSE_BRACE:
        case CLOSE_BRACKET:
          this.depth--;
          if (this.inElement && this.depth === this.productsDepth) {
            finishElement(i + 1);
          }
          break;
        case COLON:
          if (this.topIsObject && this.depth === 1) this.valuePending = true;
          break;
        case COMMA:
          if (this.topIsObject && this.depth === 1) this.expectKey = true;
          break;
        default:
          if (!this.started) this.started = true; // a scalar document: kept as the rest
          this.valuePending = false;
      }
    }
    flush(chunk.length);
    return products;
  }

  /** True once a products array was found: the document is an envelope or an array. */
  get hasProductArray(): boolean {
    return this.sawProducts;
  }

  /** Everything but the products' texts (see the header); call after the last push. */
  rest(): string {
    return Buffer.concat(this.restPieces).toString('utf8');
  }

  /** Bytes of an unfinished product at the end of the input (a cut file), else 0. */
  get pendingBytes(): number {
    return this.inElement ? this.elementPieces.reduce((n, p) => n + p.length, 0) : 0;
  }

  /**
   * The hot loop: inside a product, only strings and brackets matter. Returns the index of
   * the bracket that brings the depth back to the products array, or chunk.length.
   *
   * Most of a product's bytes are arrays of numbers (csv histories, offers' offerCSV): an
   * array that opens on a number is jumped over in one memchr to its `]` when no quote,
   * brace or other bracket comes before that `]` (then nothing in it changes the depth).
   * The next position of each of those bytes is cached, so that a run of such arrays is
   * found with one search per array.
   */
  private skipInside(chunk: Buffer, from: number): number {
    let depth = this.depth;
    const floor = this.productsDepth + 1;
    let i = from;
    const n = chunk.length;
    if (this.inString) {
      i = this.skipString(chunk, i);
      if (i >= n) return n;
      i++;
    }
    // Next index at or after the current one of `"`, `{`, `}` and `[` (n: none in this chunk).
    let quote = -1;
    let openBrace = -1;
    let closeBrace = -1;
    let openBracket = -1;
    for (; i < n; i++) {
      const c = chunk[i]!;
      const kind = BYTE_KIND[c]!;
      if (kind === PLAIN) continue;
      if (kind === STRING) {
        this.inString = true;
        i = this.skipString(chunk, i + 1);
        if (i >= n) break;
      } else if (kind === OPEN) {
        const next = chunk[i + 1];
        if (c === OPEN_BRACKET && next !== undefined && ((next >= 0x30 && next <= 0x39) || next === 0x2d)) {
          const end = chunk.indexOf(CLOSE_BRACKET, i + 2);
          if (end > 0) {
            if (quote <= i) quote = indexOr(chunk, QUOTE, i, n);
            if (openBrace <= i) openBrace = indexOr(chunk, OPEN_BRACE, i, n);
            if (closeBrace <= i) closeBrace = indexOr(chunk, CLOSE_BRACE, i, n);
            if (openBracket <= i) openBracket = indexOr(chunk, OPEN_BRACKET, i + 1, n);
            if (end < quote && end < openBrace && end < closeBrace && end < openBracket) {
              i = end; // the `]` of this array: depth as before it
              continue;
            }
          }
        }
        depth++;
      } else {
        if (depth === floor) break;
        depth--;
      }
    }
    this.depth = depth;
    return i;
  }

  /** From inside a string: the index of its closing quote (string over), or chunk.length. */
  private skipString(chunk: Buffer, from: number): number {
    let i = from;
    const n = chunk.length;
    if (this.escape) {
      this.escape = false;
      i++;
    }
    for (; i < n; i++) {
      const c = chunk[i]!;
      if (c === BACKSLASH) {
        if (i + 1 >= n) {
          this.escape = true;
          return n;
        }
        i++;
      } else if (c === QUOTE) {
        this.inString = false;
        return i;
      }
    }
    return n;
  }

  private keepRest(piece: Buffer): void {
    this.restPieces.push(piece);
    this.restBytes += piece.length;
  }

  /** Size of the rest kept so far (a bare product is kept whole). */
  get restSize(): number {
    return this.restBytes;
  }
}
