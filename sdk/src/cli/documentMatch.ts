import { parseRendered } from "../mesh";
import { Placement, placement, Serves } from "./applyOrder";

/**
 * A cluster's rendering compared with what was applied before, document by document, for the apply order. The texts
 * are compared first: a document found unchanged in the old file is the same object, and only the documents that
 * differ are parsed (re-rendering an unchanged 50-cluster mesh parses nothing).
 */
export class DocumentMatch {
  /** The old documents no new one matched (by text: the same text twice is one object). */
  private readonly unmatched: Set<string> | string[];
  private readonly fresh: string[] = [];

  /**
   * `before`: the old documents, each `---\n…` as render writes them. `byText` false (a cluster with more than one
   * old file: both layouts): no text matching, every object is parsed and compared by kind, namespace and name, the
   * later file's object winning, as one text cannot stand for the same object in the other file.
   */
  constructor(before: Iterable<string>, byText = true) {
    this.unmatched = byText ? new Set(before) : [...before];
  }

  /** A document of the new rendering, in order. */
  offer(doc: string): void {
    if (!(this.unmatched instanceof Set && this.unmatched.delete(doc))) this.fresh.push(doc);
  }

  /**
   * The cluster's place in the apply order once every new document was offered. Old documents that differ and do not
   * parse (a file edited by hand) tell nothing: as if absent.
   */
  placement(cluster: string, serves: Serves): Placement {
    return placement(cluster, parsed([...this.unmatched]), parsed(this.fresh), serves);
  }
}

/**
 * The documents of a file render wrote, each from its `---`. Line ends are made `\n` (a checkout may have made them
 * CRLF); anything but comments before the first `---` (a file edited by hand) is a document too.
 */
export function documentsOf(text: string): string[] {
  const [head, ...docs] = text.replace(/\r\n/g, "\n").split(/^(?=---\n)/m);
  const content = head.split("\n").some((l) => l.trim() !== "" && !l.trimStart().startsWith("#"));
  return [...(content || head.startsWith("---\n") ? [head] : []), ...docs];
}

function parsed(docs: string[]): unknown[] {
  if (docs.length === 0) return [];
  try {
    return parseRendered(docs.join(""), "a rendered file");
  } catch {
    return [];
  }
}
