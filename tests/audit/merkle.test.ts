import { createHash, generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { checkpointBytes, signCheckpoint } from '../../src/audit/checkpoint';
import { hashLeaf } from '../../src/audit/eventLeaf';
import { MerkleFrontier } from '../../src/audit/merkleFrontier';
import {
  consistencyProof,
  inclusionPath,
  treeHead,
  type NodeLookup,
} from '../../src/audit/merkleTree';
import {
  checkpointMessage,
  leafHashOf,
  verifyCheckpointSignature,
  verifyConsistency,
  verifyInclusion,
} from '../../src/audit/merkleVerify';
import { parseSigningKey } from '../../src/audit/signingKey';

// A naive RFC 9162 §2.1 written straight from the definitions over arrays of leaf hashes: what
// the server's node-lookup version and the auditor's verifier are both checked against.
const sha = (...parts: Uint8Array[]): Buffer => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
};
const k = (n: number): number => 2 ** Math.ceil(Math.log2(n) - 1);
const mth = (d: Buffer[]): Buffer =>
  d.length === 0
    ? sha()
    : d.length === 1
      ? d[0]!
      : sha(Buffer.from([1]), mth(d.slice(0, k(d.length))), mth(d.slice(k(d.length))));
const naivePath = (m: number, d: Buffer[]): Buffer[] => {
  if (d.length <= 1) return [];
  const split = k(d.length);
  return m < split
    ? [...naivePath(m, d.slice(0, split)), mth(d.slice(split))]
    : [...naivePath(m - split, d.slice(split)), mth(d.slice(0, split))];
};
const naiveSubproof = (m: number, d: Buffer[], b: boolean): Buffer[] => {
  if (m === d.length) return b ? [] : [mth(d)];
  const split = k(d.length);
  return m <= split
    ? [...naiveSubproof(m, d.slice(0, split), b), mth(d.slice(split))]
    : [...naiveSubproof(m - split, d.slice(split), false), mth(d.slice(0, split))];
};

/** The perfect subtrees of a list of leaves, as projections/hashChain.ts stores them. */
const lookupOver =
  (leaves: Buffer[]): NodeLookup =>
  (level, index) =>
    mth(leaves.slice(index * 2 ** level, (index + 1) * 2 ** level));

const leavesOf = (n: number): Buffer[] =>
  Array.from({ length: n }, (_, i) => hashLeaf(Buffer.from(`event ${i}`)));
const hex = (hashes: Buffer[]): string[] => hashes.map((hash) => hash.toString('hex'));

describe('the Merkle tree of RFC 9162', () => {
  // The leaves and roots of Certificate Transparency's reference test vectors (RFC 6962 test data,
  // as in transparency-dev/merkle's testonly package).
  const CT_LEAVES = [
    '',
    '00',
    '10',
    '2021',
    '3031',
    '40414243',
    '5051525354555657',
    '606162636465666768696a6b6c6d6e6f',
  ];
  const CT_ROOTS = [
    '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
    'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
    'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
    '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
    'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
    '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
  ];

  it('gives the roots of the Certificate Transparency test vectors for 1 to 8 leaves', () => {
    const leaves = CT_LEAVES.map((leaf) => hashLeaf(Buffer.from(leaf, 'hex')));
    for (let size = 1; size <= 8; size++) {
      expect(treeHead(size, lookupOver(leaves)).toString('hex')).toBe(CT_ROOTS[size - 1]);
      const frontier = new MerkleFrontier();
      leaves.slice(0, size).forEach((leaf) => frontier.push(leaf));
      expect(frontier.root().toString('hex')).toBe(CT_ROOTS[size - 1]);
    }
    expect(leafHashOf(Buffer.alloc(0))).toBe(CT_ROOTS[0]);
  });

  it('answers the hash of nothing for the empty tree', () => {
    expect(treeHead(0, lookupOver([])).toString('hex')).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(new MerkleFrontier().root().toString('hex')).toBe(
      treeHead(0, lookupOver([])).toString('hex'),
    );
  });

  it('computes roots, audit paths and consistency proofs as the definitions do, for random sizes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.nat(), fc.nat(), (size, i, m) => {
        const leaves = leavesOf(size);
        const node = lookupOver(leaves);
        const frontier = new MerkleFrontier();
        leaves.forEach((leaf) => frontier.push(leaf));
        expect(treeHead(size, node)).toEqual(mth(leaves));
        expect(frontier.root()).toEqual(mth(leaves));
        const index = i % size;
        expect(inclusionPath(index, size, node)).toEqual(naivePath(index, leaves));
        const from = m % (size + 1);
        const expected = from === 0 || from === size ? [] : naiveSubproof(from, leaves, true);
        expect(consistencyProof(from, size, node)).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });
});

describe('the offline verifier', () => {
  it('accepts every inclusion proof of a random tree, and none with a changed leaf, path, index or size', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.nat(), fc.nat(), (size, i, flip) => {
        const leaves = leavesOf(size);
        const node = lookupOver(leaves);
        const index = i % size;
        const root = treeHead(size, node).toString('hex');
        const auditPath = hex(inclusionPath(index, size, node));
        const leaf = leaves[index]!.toString('hex');
        expect(verifyInclusion(leaf, { leafIndex: index, treeSize: size, auditPath }, root)).toBe(
          true,
        );
        const other = leaves[(index + 1) % size]!.toString('hex');
        if (size > 1)
          expect(
            verifyInclusion(other, { leafIndex: index, treeSize: size, auditPath }, root),
          ).toBe(false);
        if (auditPath.length > 0) {
          const tampered = [...auditPath];
          const at = flip % tampered.length;
          tampered[at] = flipByte(tampered[at]!);
          expect(
            verifyInclusion(leaf, { leafIndex: index, treeSize: size, auditPath: tampered }, root),
          ).toBe(false);
          expect(
            verifyInclusion(
              leaf,
              { leafIndex: index, treeSize: size, auditPath: auditPath.slice(1) },
              root,
            ),
          ).toBe(false);
          expect(
            verifyInclusion(
              leaf,
              { leafIndex: index, treeSize: size, auditPath: [...auditPath, auditPath[0]!] },
              root,
            ),
          ).toBe(false);
          expect(
            verifyInclusion(leaf, { leafIndex: index ^ 1, treeSize: size, auditPath }, root),
          ).toBe(false);
        }
        expect(
          verifyInclusion(leaf, { leafIndex: index, treeSize: size, auditPath }, flipByte(root)),
        ).toBe(false);
        expect(verifyInclusion(leaf, { leafIndex: size, treeSize: size, auditPath }, root)).toBe(
          false,
        );
      }),
      { numRuns: 300 },
    );
  });

  it('accepts every consistency proof between random sizes, and none tampered or for other roots', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.nat(), fc.nat(), (size, m, flip) => {
        const leaves = leavesOf(size);
        const node = lookupOver(leaves);
        const from = m % (size + 1);
        const proof = hex(consistencyProof(from, size, node));
        const fromRoot = treeHead(from, node).toString('hex');
        const toRoot = treeHead(size, node).toString('hex');
        expect(verifyConsistency(from, size, proof, fromRoot, toRoot)).toBe(true);
        if (from > 0 && from < size) {
          const tampered = [...proof];
          const at = flip % tampered.length;
          tampered[at] = flipByte(tampered[at]!);
          expect(verifyConsistency(from, size, tampered, fromRoot, toRoot)).toBe(false);
          expect(verifyConsistency(from, size, proof, flipByte(fromRoot), toRoot)).toBe(false);
          expect(verifyConsistency(from, size, proof, fromRoot, flipByte(toRoot))).toBe(false);
          expect(verifyConsistency(from, size, proof.slice(0, -1), fromRoot, toRoot)).toBe(false);
          // A history rewritten inside the first tree is not an extension of it.
          const rewritten = [...leaves];
          rewritten[flip % from] = hashLeaf(Buffer.from('forged'));
          const rewrittenNode = lookupOver(rewritten);
          expect(
            verifyConsistency(
              from,
              size,
              hex(consistencyProof(from, size, rewrittenNode)),
              fromRoot,
              treeHead(size, rewrittenNode).toString('hex'),
            ),
          ).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('checks a signed checkpoint with the published public key, byte for byte the server’s format', () => {
    const key = parseSigningKey(Buffer.alloc(32, 7).toString('base64'));
    const body = {
      treeSize: 42,
      rootHash: 'ab'.repeat(32),
      chainHash: 'cd'.repeat(32),
      timestamp: '2025-03-01T12:00:00.000Z',
    };
    expect(checkpointMessage(body).toString('utf8')).toBe(checkpointBytes(body).toString('utf8'));
    expect(checkpointBytes(body).toString('utf8')).toBe(
      `{"chainHash":"${'cd'.repeat(32)}","format":"obligations.checkpoint.v1","rootHash":"${'ab'.repeat(32)}","timestamp":"2025-03-01T12:00:00.000Z","treeSize":42}`,
    );
    const signed = signCheckpoint(body, key);
    expect(verifyCheckpointSignature(signed, key.publicKeyPem)).toBe(true);
    expect(verifyCheckpointSignature({ ...signed, treeSize: 43 }, key.publicKeyPem)).toBe(false);
    expect(
      verifyCheckpointSignature(
        { ...signed, rootHash: flipByte(signed.rootHash) },
        key.publicKeyPem,
      ),
    ).toBe(false);
    const stranger = generateKeyPairSync('ed25519')
      .publicKey.export({ type: 'spki', format: 'pem' })
      .toString();
    expect(verifyCheckpointSignature(signed, stranger)).toBe(false);
  });

  it('reads a signing key as a PKCS#8 PEM or as a base64 seed, the same key either way', () => {
    const seed = Buffer.alloc(32, 9);
    const fromSeed = parseSigningKey(seed.toString('base64'));
    const pem = generateKeyPairSync('ed25519')
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    const fromPem = parseSigningKey(pem);
    expect(fromSeed.keyId).toMatch(/^[0-9a-f]{64}$/);
    expect(fromPem.keyId).not.toBe(fromSeed.keyId);
    expect(parseSigningKey(` ${seed.toString('base64')}\n`).keyId).toBe(fromSeed.keyId);
    expect(() => parseSigningKey('c2hvcnQ=')).toThrow(/32-byte seed/);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    expect(() => parseSigningKey(rsa)).toThrow(/Ed25519/);
  });
});

function flipByte(hexHash: string): string {
  const bytes = Buffer.from(hexHash, 'hex');
  bytes[0] = bytes[0]! ^ 0xff;
  return bytes.toString('hex');
}
