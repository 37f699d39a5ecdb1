// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {Settlement} from "./Settlement.sol";
import {Bls12381} from "./Bls12381.sol";

/// Settlement with BLS12-381 validator keys and one aggregate signature per checkpoint,
/// verified with the EIP-2537 precompiles. The aggregate key of the whole set is stored, so
/// a checkpoint that every validator signs needs no keys in calldata; each non-signer is
/// subtracted with its key, checked against the stored per-member hash. The gas of a
/// checkpoint therefore grows with the non-signers, not with the set.
///
/// Keys must first be registered with a proof of possession (registerKey), which defeats
/// rogue-key attacks on the aggregate.
///
/// validator set = abi.encode(bytes[] publicKeys, uint64[] powers), keys of 128 bytes,
///                 strictly ascending by keccak256(publicKey)
/// signatures    = abi.encode(uint256 signerBitmap, bytes signature, bytes[] nonSignerKeys,
///                 uint64[] nonSignerPowers): bit i set = member i signed; the non-signers
///                 (clear bits below the member count) in ascending member order
contract BlsSettlement is Settlement {
    bytes public constant SIGNATURE_DST = "BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_";
    bytes public constant POP_DST = "BLS_POP_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_";

    /// keccak256(publicKey) => a proof of possession was verified
    mapping(bytes32 => bool) public keyRegistered;
    /// member index => keccak256(publicKey || uint64 power)
    mapping(uint256 => bytes32) private _memberHash;
    bytes private _aggregateKey;
    uint64 private _totalPower;
    uint16 private _members;

    event KeyRegistered(bytes32 indexed keyHash);

    error InvalidKeyLength();
    error InfinityKey();
    error InvalidProofOfPossession();
    error KeyNotRegistered(uint256 index);
    error InvalidSignerBitmap();
    error NonSignerMismatch(uint256 position);
    error InvalidSignature();

    constructor(
        address usdc_,
        string memory strikeChainId_,
        uint64 exitTimeout_,
        uint64 minTotalPower_,
        uint256 minDeposit_
    ) Settlement(usdc_, strikeChainId_, exitTimeout_, minTotalPower_, minDeposit_) {}

    /// Registers a G1 public key with its proof of possession: a signature (G2) by the key
    /// over the key's own 128 bytes, hashed with POP_DST.
    function registerKey(bytes calldata publicKey, bytes calldata proofOfPossession) external {
        if (publicKey.length != 128 || proofOfPossession.length != 256) revert InvalidKeyLength();
        if (keccak256(publicKey) == keccak256(new bytes(128))) revert InfinityKey();
        bytes memory h = Bls12381.hashToG2(publicKey, POP_DST);
        if (!Bls12381.verify(publicKey, h, proofOfPossession)) revert InvalidProofOfPossession();
        bytes32 keyHash = keccak256(publicKey);
        keyRegistered[keyHash] = true;
        emit KeyRegistered(keyHash);
    }

    function _verifySignatures(
        bytes32 digest,
        bytes calldata signatures
    ) internal view override returns (uint256 signedPower, uint256 totalPower) {
        (uint256 bitmap, bytes memory signature, bytes[] memory nonSignerKeys, uint64[] memory nonSignerPowers) = abi
            .decode(signatures, (uint256, bytes, bytes[], uint64[]));
        uint256 members = _members;
        totalPower = _totalPower;
        if (members < 256 && bitmap >> members != 0) revert InvalidSignerBitmap();
        if (nonSignerKeys.length != nonSignerPowers.length) revert InvalidSignerBitmap();
        uint256 full = members == 256 ? type(uint256).max : (uint256(1) << members) - 1;
        bytes memory key = _aggregateKey;
        uint256 absentPower = 0;
        if (bitmap != full) {
            bytes memory absent = new bytes(128);
            uint256 position = 0;
            for (uint256 i = 0; i < members; i++) {
                if ((bitmap >> i) & 1 == 1) continue;
                if (position == nonSignerKeys.length) revert InvalidSignerBitmap();
                bytes memory k = nonSignerKeys[position];
                uint64 power = nonSignerPowers[position];
                if (keccak256(abi.encodePacked(k, power)) != _memberHash[i]) revert NonSignerMismatch(position);
                absent = Bls12381.g1Add(absent, k);
                absentPower += power;
                position++;
            }
            if (position != nonSignerKeys.length) revert InvalidSignerBitmap();
            key = Bls12381.g1Add(key, Bls12381.g1Negate(absent));
        } else if (nonSignerKeys.length != 0) {
            revert InvalidSignerBitmap();
        }
        signedPower = totalPower - absentPower;
        // Do not spend a pairing on a checkpoint the threshold refuses anyway.
        if (signedPower * 3 <= totalPower * 2) return (signedPower, totalPower);
        bytes memory h = Bls12381.hashToG2(abi.encodePacked(digest), SIGNATURE_DST);
        if (!Bls12381.verify(key, h, signature)) revert InvalidSignature();
    }

    function _installValidatorSet(bytes calldata encoded) internal override returns (uint256 members, uint256 totalPower) {
        (bytes[] memory keys, uint64[] memory powers) = abi.decode(encoded, (bytes[], uint64[]));
        if (keccak256(abi.encode(keys, powers)) != keccak256(encoded)) revert NonCanonicalValidatorSet();
        if (keys.length != powers.length) revert ValidatorSetMismatch();
        totalPower = _checkPowers(powers);
        bytes memory aggregate = new bytes(128);
        bytes32 previous = bytes32(0);
        for (uint256 i = 0; i < keys.length; i++) {
            bytes32 keyHash = keccak256(keys[i]);
            // Ascending key hashes refuse duplicates; registration implies 128 bytes and a PoP.
            if (i > 0 && keyHash <= previous) revert DuplicateOrUnsortedValidator(i);
            if (!keyRegistered[keyHash]) revert KeyNotRegistered(i);
            previous = keyHash;
            _memberHash[i] = keccak256(abi.encodePacked(keys[i], powers[i]));
            aggregate = Bls12381.g1Add(aggregate, keys[i]);
        }
        _aggregateKey = aggregate;
        _totalPower = uint64(totalPower);
        members = keys.length;
        _members = uint16(members);
    }
}
