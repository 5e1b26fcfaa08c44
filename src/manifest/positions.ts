/** Where a value sits in a YAML document, as 1-based line and column. */
import { isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

/** A path into the manifest: keys of maps and indexes of lists. */
export type FieldPath = ReadonlyArray<string | number>;

/** A 1-based line and column. */
export interface Position {
  line: number;
  col: number;
}

/** Finds positions of fields in one parsed YAML document. */
export class PositionFinder {
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /**
   * The position of the value at `path`, or of its key when `atKey` is set.
   * A missing field points at the nearest enclosing node that exists.
   */
  of(path: FieldPath, atKey = false): Position {
    let node: unknown = this.doc.contents;
    let found = node as Node | null;
    for (const [i, segment] of path.entries()) {
      const last = i === path.length - 1;
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
        if (!pair) break;
        const empty = pair.value === null || (isScalar(pair.value) && pair.value.value === null);
        if ((last && atKey) || empty) return this.at(pair.key as Node); // an empty value has no useful position
        node = pair.value;
      } else if (isSeq(node) && typeof segment === 'number' && node.items[segment]) {
        node = node.items[segment];
      } else {
        break;
      }
      found = node as Node;
    }
    return found ? this.at(found) : { line: 1, col: 1 };
  }

  private at(node: Node): Position {
    const offset = node.range?.[0] ?? 0;
    return this.lines.linePos(offset);
  }
}

/** Writes a path as `services[1].dns[0]`. */
export function fieldName(path: FieldPath): string {
  let out = '';
  for (const segment of path) {
    out += typeof segment === 'number' ? `[${segment}]` : out === '' ? segment : `.${segment}`;
  }
  return out === '' ? 'manifest' : out;
}
