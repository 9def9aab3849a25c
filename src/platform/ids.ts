/**
 * UUIDv7 (RFC 9562): 48-bit Unix ms timestamp, a 12-bit sequence (rand_a), then random bits.
 * Time-ordered, so primary keys double as stable cursors and index inserts stay append-mostly.
 * Monotonic within an isolate (RFC 9562 §6.2 method 1): ids made in the same millisecond take
 * the next sequence value, so they sort in the order they were made.
 */
let lastMs = 0;
let seq = 0;

export function uuidv7(): string {
  let ms = Date.now();
  if (ms <= lastMs) {
    ms = lastMs;
    seq++;
    // Sequence exhausted within one ms: borrow the next ms (clock catches up almost at once).
    if (seq > 0xfff) {
      ms++;
      seq = 0;
    }
  } else {
    // A random start in the lower half leaves room for 2,048+ ids in the same ms.
    seq = Math.floor(Math.random() * 0x800);
  }
  lastMs = ms;
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  let ts = ms;
  for (let i = 5; i >= 0; i--) {
    b[i] = ts & 0xff;
    ts = Math.floor(ts / 256);
  }
  b[6] = 0x70 | (seq >> 8);
  b[7] = seq & 0xff;
  b[8] = ((b[8] as number) & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: string) => UUID_RE.test(s);
