"""The transparency log: RFC 9162 Merkle tree, C2SP notes, checkpoints, tiles, proofs.

Knows nothing of elections.
"""
