// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {Settlement} from "./Settlement.sol";

/// Settlement with secp256k1 validator keys checked by ecrecover. The contract stores only
/// the hash of the set; each checkpoint carries the set in calldata (cheaper than storage),
/// packed, because calldata is most of a checkpoint's gas.
///
/// validator set = n x (address 20 bytes || uint64 power 8 bytes), addresses strictly ascending
/// signatures    = uint16 n || validator set (n members) || uint256 signerBitmap ||
///                 k x (r 32 || s 32 || v 1): bit i set = member i signed; the k signatures
///                 in ascending member order. n needs no storage: a wrong n changes the
///                 hashed prefix, which then misses the commitment.
contract EcdsaSettlement is Settlement {
    uint256 private constant MEMBER_BYTES = 28;
    /// secp256k1n / 2: a larger s is the malleable twin of a valid signature.
    uint256 private constant HALF_ORDER = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0;

    error MalformedSignatures();
    error HighS(uint256 member);
    error InvalidSignature(uint256 member);

    constructor(
        address usdc_,
        string memory strikeChainId_,
        uint64 exitTimeout_,
        uint64 minTotalPower_,
        uint256 minDeposit_
    ) Settlement(usdc_, strikeChainId_, exitTimeout_, minTotalPower_, minDeposit_) {}

    function _verifySignatures(
        bytes32 digest,
        bytes calldata signatures
    ) internal view override returns (uint256 signedPower, uint256 totalPower) {
        if (signatures.length < 34) revert MalformedSignatures();
        uint256 members = uint16(bytes2(signatures[0:2]));
        uint256 setEnd = 2 + members * MEMBER_BYTES;
        if (signatures.length < setEnd + 32) revert MalformedSignatures();
        if (keccak256(signatures[2:setEnd]) != validatorSetHash) revert ValidatorSetMismatch();
        uint256 bitmap = uint256(bytes32(signatures[setEnd:setEnd + 32]));
        if (members < 256 && bitmap >> members != 0) revert MalformedSignatures();
        uint256 failure;
        uint256 end;
        (signedPower, totalPower, failure, end) = _scan(digest, signatures, members, bitmap);
        if (failure >> 16 == 1) revert HighS(failure & 0xffff);
        if (failure >> 16 == 2) revert InvalidSignature(failure & 0xffff);
        if (end != signatures.length) revert MalformedSignatures();
    }

    /// One pass over the members, in assembly because Solidity's checked slicing cost more
    /// than the calldata itself. `failure` is kind << 16 | member (kind 1 high s, 2 invalid
    /// signature); `end` is where the signatures stopped. Reads past the end of calldata
    /// yield zeros, and then `end` misses the blob's length.
    function _scan(
        bytes32 digest,
        bytes calldata signatures,
        uint256 members,
        uint256 bitmap
    ) private view returns (uint256 signedPower, uint256 totalPower, uint256 failure, uint256 end) {
        assembly ("memory-safe") {
            let cursor := add(signatures.offset, add(2, add(mul(members, 28), 32)))
            let scratch := mload(0x40)
            mstore(scratch, digest)
            for {
                let i := 0
            } lt(i, members) {
                i := add(i, 1)
            } {
                let word := calldataload(add(signatures.offset, add(2, mul(i, 28))))
                let power := and(shr(32, word), 0xffffffffffffffff)
                totalPower := add(totalPower, power)
                if and(shr(i, bitmap), 1) {
                    let s := calldataload(add(cursor, 32))
                    if gt(s, HALF_ORDER) {
                        failure := or(shl(16, 1), i)
                        break
                    }
                    mstore(add(scratch, 32), byte(0, calldataload(add(cursor, 64))))
                    mstore(add(scratch, 64), calldataload(cursor))
                    mstore(add(scratch, 96), s)
                    mstore(add(scratch, 128), 0)
                    cursor := add(cursor, 65)
                    // A v outside {27, 28} and a failed recovery both return nothing (zero).
                    let ok := staticcall(gas(), 1, scratch, 128, add(scratch, 128), 32)
                    if or(iszero(ok), iszero(eq(mload(add(scratch, 128)), shr(96, word)))) {
                        failure := or(shl(16, 2), i)
                        break
                    }
                    signedPower := add(signedPower, power)
                }
            }
            end := sub(cursor, signatures.offset)
        }
    }

    function _installValidatorSet(bytes calldata encoded) internal pure override returns (uint256 members, uint256 totalPower) {
        if (encoded.length % MEMBER_BYTES != 0) revert NonCanonicalValidatorSet();
        members = encoded.length / MEMBER_BYTES;
        uint64[] memory powers = new uint64[](members);
        // Strictly ascending refuses duplicates; a zero address would match a failed ecrecover.
        address previous = address(0);
        for (uint256 i = 0; i < members; i++) {
            uint256 o = i * MEMBER_BYTES;
            address a = address(bytes20(encoded[o:o + 20]));
            if (a <= previous) revert DuplicateOrUnsortedValidator(i);
            previous = a;
            powers[i] = uint64(bytes8(encoded[o + 20:o + 28]));
        }
        totalPower = _checkPowers(powers);
    }
}
