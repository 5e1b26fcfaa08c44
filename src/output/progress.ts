/** A one-line progress counter for terminals, redrawn in place on stderr. */
import type { TextSink } from '../cli/io.js';

/** A running progress line. */
export interface Progress {
  update: (done: number, total: number) => void;
  stop: () => void;
}

/** Starts a progress line; redraws at most every 100 ms so it never slows the work. */
export function startProgress(stream: TextSink, label: string): Progress {
  let last = 0;
  let drawn = false;
  return {
    update(done, total) {
      const now = Date.now();
      if (done < total && now - last < 100) return;
      last = now;
      drawn = true;
      const width = 24;
      const filled = Math.round((done / Math.max(total, 1)) * width);
      stream.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`);
    },
    stop() {
      if (drawn) stream.write('\r\u001b[2K');
    },
  };
}
