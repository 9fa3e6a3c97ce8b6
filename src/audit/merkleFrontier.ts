import { EMPTY_TREE_HASH, hashChildren } from './merkleTree';

/**
 * The Merkle tree of a growing list of leaves with only its O(log n) completed perfect subtrees
 * in memory (the "compact range" of Certificate Transparency): how verify recomputes the root
 * at every checkpoint in one pass over the log.
 */
export class MerkleFrontier {
  /** Perfect subtrees, largest (leftmost) first: their sizes are the binary digits of the count. */
  private readonly subtrees: { size: number; hash: Buffer }[] = [];

  push(leafHash: Buffer): void {
    let hash = leafHash;
    let size = 1;
    for (
      let last = this.subtrees.at(-1);
      last !== undefined && last.size === size;
      last = this.subtrees.at(-1)
    ) {
      this.subtrees.pop();
      hash = hashChildren(last.hash, hash);
      size *= 2;
    }
    this.subtrees.push({ size, hash });
  }

  /** MTH of the leaves pushed so far: the subtrees folded from the right. */
  root(): Buffer {
    let root: Buffer | null = null;
    for (let i = this.subtrees.length - 1; i >= 0; i--) {
      const subtree = this.subtrees[i]!;
      root = root === null ? subtree.hash : hashChildren(subtree.hash, root);
    }
    return root ?? EMPTY_TREE_HASH;
  }
}
