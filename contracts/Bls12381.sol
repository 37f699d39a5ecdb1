// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// BLS12-381 over the EIP-2537 precompiles (Prague). Public keys are G1 points and
/// signatures G2 points ("minimal public key size", as Ethereum's consensus layer), both in
/// the precompiles' uncompressed encoding: an Fp element is 64 bytes (16 zero bytes, then
/// 48 bytes big-endian), a G1 point is x || y (128 bytes), an Fp2 element is c0 || c1 and a
/// G2 point x || y (256 bytes). The point at infinity is all zeros.
library Bls12381 {
    address private constant G1_ADD = address(0x0b);
    address private constant G2_ADD = address(0x0d);
    address private constant PAIRING_CHECK = address(0x0f);
    address private constant MAP_FP2_TO_G2 = address(0x11);
    address private constant MOD_EXP = address(0x05);

    /// p, split as the two words of its 64-byte encoding.
    uint256 private constant P_HI = 0x000000000000000000000000000000001a0111ea397fe69a4b1ba7b6434bacd7;
    uint256 private constant P_LO = 0x64774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab;

    /// -G1 (the generator negated), x then y.
    uint256 private constant NEG_G1_X_HI = 0x0000000000000000000000000000000017f1d3a73197d7942695638c4fa9ac0f;
    uint256 private constant NEG_G1_X_LO = 0xc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb;
    uint256 private constant NEG_G1_Y_HI = 0x00000000000000000000000000000000114d1d6855d545a8aa7d76c8cf2e21f2;
    uint256 private constant NEG_G1_Y_LO = 0x67816aef1db507c96655b9d5caac42364e6f38ba0ecb751bad54dcd6b939c2ca;

    error PrecompileFailed(address precompile);

    function g1Add(bytes memory a, bytes memory b) internal view returns (bytes memory out) {
        out = _call(G1_ADD, bytes.concat(a, b), 128);
    }

    /// -a for a G1 point: (x, p - y); infinity stays infinity.
    function g1Negate(bytes memory a) internal pure returns (bytes memory out) {
        out = new bytes(128);
        uint256 xHi;
        uint256 xLo;
        uint256 yHi;
        uint256 yLo;
        assembly {
            xHi := mload(add(a, 32))
            xLo := mload(add(a, 64))
            yHi := mload(add(a, 96))
            yLo := mload(add(a, 128))
        }
        if (yHi != 0 || yLo != 0) {
            unchecked {
                uint256 borrow = yLo > P_LO ? 1 : 0;
                yLo = P_LO - yLo;
                yHi = P_HI - yHi - borrow;
            }
        }
        assembly {
            mstore(add(out, 32), xHi)
            mstore(add(out, 64), xLo)
            mstore(add(out, 96), yHi)
            mstore(add(out, 128), yLo)
        }
    }

    /// RFC 9380 hash_to_curve for G2 (BLS12381G2_XMD:SHA-256_SSWU_RO_) with tag `dst`; the
    /// map precompile clears the cofactor, and clearing is linear, so map(u0) + map(u1)
    /// equals the RFC's clear_cofactor(map(u0) + map(u1)).
    function hashToG2(bytes memory message, bytes memory dst) internal view returns (bytes memory) {
        bytes memory uniform = _expandMessageXmd(message, dst);
        bytes memory u0 = bytes.concat(_reduce(uniform, 0), _reduce(uniform, 64));
        bytes memory u1 = bytes.concat(_reduce(uniform, 128), _reduce(uniform, 192));
        bytes memory q0 = _call(MAP_FP2_TO_G2, u0, 256);
        bytes memory q1 = _call(MAP_FP2_TO_G2, u1, 256);
        return _call(G2_ADD, bytes.concat(q0, q1), 256);
    }

    /// e(publicKey, messagePoint) == e(G1, signature). The precompile checks that both G2
    /// points and the key are on their curves and in the prime-order subgroups.
    function verify(
        bytes memory publicKey,
        bytes memory messagePoint,
        bytes memory signature
    ) internal view returns (bool) {
        bytes memory input = bytes.concat(
            publicKey,
            messagePoint,
            abi.encodePacked(NEG_G1_X_HI, NEG_G1_X_LO, NEG_G1_Y_HI, NEG_G1_Y_LO),
            signature
        );
        (bool ok, bytes memory out) = PAIRING_CHECK.staticcall(input);
        return ok && out.length == 32 && abi.decode(out, (uint256)) == 1;
    }

    /// expand_message_xmd with SHA-256, 256 output bytes (two Fp2 elements of 2 x 64 bytes).
    function _expandMessageXmd(bytes memory message, bytes memory dst) private pure returns (bytes memory out) {
        bytes memory dstPrime = abi.encodePacked(dst, uint8(dst.length));
        bytes32 b0 = sha256(abi.encodePacked(bytes32(0), bytes32(0), message, uint16(256), uint8(0), dstPrime));
        bytes32 bi = sha256(abi.encodePacked(b0, uint8(1), dstPrime));
        out = new bytes(256);
        assembly {
            mstore(add(out, 32), bi)
        }
        for (uint256 i = 2; i <= 8; i++) {
            bi = sha256(abi.encodePacked(b0 ^ bi, uint8(i), dstPrime));
            assembly {
                mstore(add(out, mul(i, 32)), bi)
            }
        }
    }

    /// The 64 bytes at `offset` as a big-endian integer mod p, in the 64-byte Fp encoding.
    function _reduce(bytes memory uniform, uint256 offset) private view returns (bytes memory) {
        bytes32 hi;
        bytes32 lo;
        assembly {
            hi := mload(add(add(uniform, 32), offset))
            lo := mload(add(add(uniform, 64), offset))
        }
        bytes memory input = abi.encodePacked(
            uint256(64),
            uint256(1),
            uint256(48),
            hi,
            lo,
            uint8(1),
            bytes16(uint128(P_HI)),
            P_LO
        );
        bytes memory r = _call(MOD_EXP, input, 48);
        return bytes.concat(bytes16(0), r);
    }

    function _call(address precompile, bytes memory input, uint256 outLength) private view returns (bytes memory) {
        (bool ok, bytes memory out) = precompile.staticcall(input);
        if (!ok || out.length != outLength) revert PrecompileFailed(precompile);
        return out;
    }
}
