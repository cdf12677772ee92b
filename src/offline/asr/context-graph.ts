/**
 * Phrase biasing for transducer beam search: a token prefix tree (Aho-Corasick automaton) over the
 * phrases the app declares, after icefall's `ContextGraph` (the hotwords of sherpa-onnx). Each token
 * that extends a phrase prefix earns `bonus`; a hypothesis that leaves a prefix before completing the
 * phrase gives back what it earned (it falls back to the longest suffix that is still a prefix), so
 * only whole phrases keep their bonus. Blanks never move the state. Pure.
 */

/** One state of the automaton (a node of the prefix tree). Treat as opaque. */
export interface ContextState {
  readonly id: number;
  /** Bonus accumulated from the root to here (what leaving this prefix gives back). */
  readonly nodeScore: number;
  /** Depth in tokens (0 = root). */
  readonly depth: number;
  /** Index of the phrase completed at this node, or -1. */
  readonly phrase: number;
}

interface Node extends ContextState {
  readonly next: Map<number, Node>;
  fail: Node | null;
  /** Nearest node on the fail chain that completes a phrase (a shorter phrase ending here). */
  output: Node | null;
}

/** Result of one step: score change for the hypothesis and its new state. */
export interface ContextStep {
  score: number;
  state: ContextState;
  /** A phrase was completed by this token (its index), else -1. */
  matched: number;
}

export class ContextGraph {
  readonly root: ContextState;
  /** Bonus per matched token, in log-probability units. */
  readonly bonus: number;
  readonly #root: Node;
  #nodes = 0;

  /**
   * @param phrases token sequences (one phrase may appear several times with different segmentations;
   *   `phraseIndex[i]` names the phrase each sequence spells, default its own index)
   * @param bonus score per token of a phrase prefix, in log-probability units. Default 1.5 (sherpa-onnx's
   *   hotwords default).
   */
  constructor(phrases: readonly (readonly number[])[], bonus = 1.5, phraseIndex?: readonly number[]) {
    this.bonus = bonus;
    this.#root = this.#node(0, 0);
    this.root = this.#root;
    phrases.forEach((tokens, i) => {
      if (tokens.length === 0) return;
      let n = this.#root;
      for (const t of tokens) {
        let child = n.next.get(t);
        if (!child) {
          child = this.#node(n.nodeScore + bonus, n.depth + 1);
          n.next.set(t, child);
        }
        n = child;
      }
      (n as { phrase: number }).phrase = phraseIndex?.[i] ?? i;
    });
    this.#links();
  }

  /** Number of states, root included. */
  get size(): number {
    return this.#nodes;
  }

  /** Advances `state` by a non-blank `token`. */
  step(state: ContextState, token: number): ContextStep {
    const from = state as Node;
    let to = from.next.get(token);
    let score: number;
    if (to) {
      score = this.bonus;
    } else {
      let f: Node | null = from.fail;
      while (f && !f.next.has(token)) f = f.fail;
      to = f?.next.get(token) ?? this.#root;
      score = to.nodeScore - from.nodeScore;
    }
    const done = to.phrase >= 0 ? to : to.output;
    if (done) {
      // A completed phrase keeps its bonus; matching starts afresh after it.
      return { score, state: this.#root, matched: done.phrase };
    }
    return { score, state: to, matched: -1 };
  }

  /** Score change at the end of the utterance: an unfinished prefix gives its bonus back. */
  finalize(state: ContextState): number {
    return state.nodeScore === 0 ? 0 : -state.nodeScore;
  }

  #node(nodeScore: number, depth: number): Node {
    return { id: this.#nodes++, nodeScore, depth, phrase: -1, next: new Map(), fail: null, output: null };
  }

  /** Breadth-first fail and output links (Aho-Corasick). */
  #links(): void {
    const queue: Node[] = [];
    for (const child of this.#root.next.values()) {
      child.fail = this.#root;
      queue.push(child);
    }
    // The queue grows while it is walked (breadth first); for-of sees the appended nodes.
    for (const n of queue) {
      for (const [token, child] of n.next) {
        let f = n.fail;
        while (f && !f.next.has(token)) f = f.fail;
        child.fail = f?.next.get(token) ?? this.#root;
        const fail = child.fail;
        child.output = fail.phrase >= 0 ? fail : fail.output;
        queue.push(child);
      }
    }
  }
}
