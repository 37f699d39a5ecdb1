// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// Merkle proofs over keccak256 with sorted pairs (a node is keccak256 of its two children,
/// smaller first), as OpenZeppelin's MerkleProof. Leaves are double-hashed by the caller so
/// that no leaf can be mistaken for an inner node.
library MerkleProof {
    function processProof(bytes32[] calldata proof, bytes32 leaf) internal pure returns (bytes32 node) {
        node = leaf;
        for (uint256 i = 0; i < proof.length; i++) {
            bytes32 sibling = proof[i];
            node = node < sibling
                ? keccak256(abi.encodePacked(node, sibling))
                : keccak256(abi.encodePacked(sibling, node));
        }
    }
}
