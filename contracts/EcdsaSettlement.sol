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
    uint256 private constant SIGNATURE_BYTES = 65;
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
        uint256 cursor = setEnd + 32;
        for (uint256 i = 0; i < members; i++) {
            uint256 o = 2 + i * MEMBER_BYTES;
            uint256 power = uint64(bytes8(signatures[o + 20:o + 28]));
            totalPower += power;
            if ((bitmap >> i) & 1 == 0) continue;
            if (signatures.length < cursor + SIGNATURE_BYTES) revert MalformedSignatures();
            address signer = _recover(digest, signatures[cursor:cursor + SIGNATURE_BYTES], i);
            cursor += SIGNATURE_BYTES;
            if (signer != address(bytes20(signatures[o:o + 20]))) revert InvalidSignature(i);
            signedPower += power;
        }
        if (cursor != signatures.length) revert MalformedSignatures();
    }

    /// The signer of a 65-byte r || s || v signature; refuses high s, a bad v and failure.
    function _recover(bytes32 digest, bytes calldata sig, uint256 member) private pure returns (address signer) {
        bytes32 r = bytes32(sig[0:32]);
        bytes32 s = bytes32(sig[32:64]);
        uint8 v = uint8(sig[64]);
        if (uint256(s) > HALF_ORDER) revert HighS(member);
        if (v != 27 && v != 28) revert InvalidSignature(member);
        signer = ecrecover(digest, v, r, s);
        if (signer == address(0)) revert InvalidSignature(member);
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
