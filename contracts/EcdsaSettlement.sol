// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {Settlement} from "./Settlement.sol";

/// Settlement with secp256k1 validator keys checked by ecrecover. The contract stores only
/// the hash of the set; each checkpoint carries the set in calldata (cheaper than storage).
///
/// validator set = abi.encode(address[] signers, uint64[] powers), signers strictly ascending
/// signatures    = abi.encode(address[] signers, uint64[] powers, Signature[] sigs),
///                 sigs in strictly ascending `index` (index into signers)
contract EcdsaSettlement is Settlement {
    struct Signature {
        uint256 index;
        uint8 v;
        bytes32 r;
        bytes32 s;
    }

    /// secp256k1n / 2: a larger s is the malleable twin of a valid signature.
    uint256 private constant HALF_ORDER = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0;

    error DuplicateOrUnsortedSignature(uint256 position);
    error SignerIndexOutOfRange(uint256 position);
    error HighS(uint256 position);
    error InvalidSignature(uint256 position);

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
        (address[] memory signers, uint64[] memory powers, Signature[] memory sigs) = abi.decode(
            signatures,
            (address[], uint64[], Signature[])
        );
        if (keccak256(abi.encode(signers, powers)) != validatorSetHash) revert ValidatorSetMismatch();
        for (uint256 i = 0; i < powers.length; i++) totalPower += powers[i];
        uint256 next = 0; // the smallest index the next signature may use
        for (uint256 i = 0; i < sigs.length; i++) {
            Signature memory sig = sigs[i];
            if (sig.index < next) revert DuplicateOrUnsortedSignature(i);
            if (sig.index >= signers.length) revert SignerIndexOutOfRange(i);
            if (uint256(sig.s) > HALF_ORDER) revert HighS(i);
            if (sig.v != 27 && sig.v != 28) revert InvalidSignature(i);
            address signer = ecrecover(digest, sig.v, sig.r, sig.s);
            if (signer == address(0) || signer != signers[sig.index]) revert InvalidSignature(i);
            signedPower += powers[sig.index];
            next = sig.index + 1;
        }
    }

    function _installValidatorSet(
        bytes calldata encoded
    ) internal pure override returns (uint256 members, uint256 totalPower) {
        (address[] memory signers, uint64[] memory powers) = abi.decode(encoded, (address[], uint64[]));
        if (keccak256(abi.encode(signers, powers)) != keccak256(encoded)) revert NonCanonicalValidatorSet();
        if (signers.length != powers.length) revert ValidatorSetMismatch();
        totalPower = _checkPowers(powers);
        // Strictly ascending refuses duplicates; a zero address would match a failed ecrecover.
        address previous = address(0);
        for (uint256 i = 0; i < signers.length; i++) {
            if (signers[i] <= previous) revert DuplicateOrUnsortedValidator(i);
            previous = signers[i];
        }
        members = signers.length;
    }
}
