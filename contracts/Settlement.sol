// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IERC20} from "./IERC20.sol";
import {MerkleProof} from "./MerkleProof.sol";

/// Strike's settlement contract: Strike's state roots checkpointed by more than 2/3 of the
/// validators' power, USDC deposits and withdrawals against checkpointed roots, and an exit
/// mode when checkpoints stop. How signatures are checked is left to a scheme (ECDSA or
/// BLS12-381), chosen at deployment by deploying one of the two concrete contracts.
/// Each checkpoint also says which deposits Strike had credited (all nonces up to
/// `creditedDepositNonce`, credited in order), so that in exit mode a deposit Strike had not
/// credited by the last checkpoint goes back to the address that paid it, instead of staying
/// in the contract with nobody able to claim it.
/// contracts/README.md documents every field and the exact digest.
abstract contract Settlement {
    bytes32 public constant CHECKPOINT_TYPEHASH =
        keccak256(
            "StrikeCheckpoint(uint256 l1ChainId,address settlement,bytes32 strikeChainId,uint64 height,bytes32 appHash,bytes32 blockHash,bytes32 withdrawalRoot,bytes32 exitRoot,uint64 creditedDepositNonce,bytes32 nextValidatorSetHash)"
        );
    uint8 public constant WITHDRAWAL_LEAF = 1;
    uint8 public constant EXIT_LEAF = 2;
    /// Signer bitmaps are one word, and it bounds the gas of a checkpoint.
    uint256 public constant MAX_VALIDATORS = 256;

    IERC20 public immutable usdc;
    /// keccak256 of the Strike chain id string (e.g. keccak256("strike-1")).
    bytes32 public immutable strikeChainId;
    /// Seconds without a checkpoint after which anyone may switch the contract to exit mode.
    uint64 public immutable exitTimeout;
    /// A new validator set whose total power is below this is refused (a truncated set).
    uint64 public immutable minTotalPower;
    /// Deposits below this are refused, so that deposit events cannot be flooded for free.
    uint256 public immutable minDeposit;
    address private immutable _deployer;

    uint64 private _height;
    uint64 private _checkpointTime;
    uint64 public depositNonce;
    /// Every deposit with a nonce up to this one was credited on Strike at the last
    /// checkpoint, and none above it (Strike credits deposits in nonce order).
    uint64 public creditedDepositNonce;
    bool public exitMode;
    bool private _initialized;
    bytes32 private _appHash;
    bytes32 private _withdrawalRoot;
    /// Claims are also accepted against the root before the latest, so that a proof built
    /// just before a new checkpoint lands stays valid for one more checkpoint interval.
    bytes32 public previousWithdrawalRoot;
    bytes32 public exitRoot;
    bytes32 public validatorSetHash;
    mapping(uint256 => uint256) private _paidWithdrawals;
    mapping(bytes20 => bool) public exitClaimed;
    /// keccak256(abi.encode(payer, amount)) of each deposit by nonce, until reclaimed in exit mode.
    mapping(uint64 => bytes32) private _deposits;

    event Checkpointed(
        uint64 indexed height,
        bytes32 appHash,
        bytes32 blockHash,
        bytes32 withdrawalRoot,
        bytes32 exitRoot,
        uint64 creditedDepositNonce,
        bytes32 nextValidatorSetHash
    );
    event ValidatorSetUpdated(uint64 indexed height, bytes32 validatorSetHash, uint256 members, uint256 totalPower);
    event Deposited(uint64 indexed nonce, address indexed from, bytes20 indexed recipient, uint256 amount);
    event WithdrawalPaid(uint64 indexed id, address indexed recipient, uint256 amount);
    event ExitModeEntered(uint64 height, bytes32 exitRoot);
    event ExitClaimed(bytes20 indexed account, address indexed recipient, uint256 equity);
    event DepositReclaimed(uint64 indexed nonce, address indexed payer, uint256 amount);

    error NotDeployer();
    error AlreadyInitialized();
    error NotInitialized();
    error ExitModeActive();
    error NotInExitMode();
    error StaleHeight(uint64 height, uint64 lastHeight);
    error CreditedDepositsWentBack(uint64 creditedDepositNonce, uint64 lastCreditedDepositNonce);
    error InsufficientPower(uint256 signedPower, uint256 totalPower);
    error EmptyValidatorSet();
    error TooManyValidators(uint256 members);
    error DuplicateOrUnsortedValidator(uint256 index);
    error ZeroPower(uint256 index);
    error PowerOverflow();
    error UnderPoweredValidatorSet(uint256 totalPower, uint256 minTotalPower);
    error NonCanonicalValidatorSet();
    error ValidatorSetMismatch();
    error DepositTooSmall(uint256 amount, uint256 minDeposit);
    error ZeroRecipient();
    error InvalidProof();
    error WithdrawalAlreadyPaid(uint64 id);
    error ExitAlreadyClaimed(bytes20 account);
    error ExitTooEarly(uint256 earliest);
    error DepositWasCredited(uint64 nonce, uint64 creditedDepositNonce);
    error NoDepositToReclaim(uint64 nonce);
    error DepositMismatch(uint64 nonce);
    error InsufficientBalance(uint256 amount, uint256 balance);
    error TokenTransferFailed();

    constructor(address usdc_, string memory strikeChainId_, uint64 exitTimeout_, uint64 minTotalPower_, uint256 minDeposit_) {
        usdc = IERC20(usdc_);
        strikeChainId = keccak256(bytes(strikeChainId_));
        exitTimeout = exitTimeout_;
        minTotalPower = minTotalPower_;
        minDeposit = minDeposit_;
        _deployer = msg.sender;
    }

    /// Installs the genesis validator set; only the deployer, only once. The exit timer starts here.
    function initialize(bytes calldata validatorSet) external {
        if (msg.sender != _deployer) revert NotDeployer();
        if (_initialized) revert AlreadyInitialized();
        _initialized = true;
        _checkpointTime = uint64(block.timestamp);
        _setValidatorSet(0, validatorSet);
    }

    // ---- checkpoints -------------------------------------------------------------------

    /// The 32 bytes every validator signs for a checkpoint (nextValidatorSetHash is zero
    /// when the set does not change).
    function checkpointDigest(
        uint64 height,
        bytes32 appHash,
        bytes32 blockHash,
        bytes32 withdrawalRoot,
        bytes32 exitRoot_,
        uint64 creditedDepositNonce_,
        bytes32 nextValidatorSetHash
    ) public view returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    CHECKPOINT_TYPEHASH,
                    block.chainid,
                    address(this),
                    strikeChainId,
                    height,
                    appHash,
                    blockHash,
                    withdrawalRoot,
                    exitRoot_,
                    creditedDepositNonce_,
                    nextValidatorSetHash
                )
            );
    }

    function checkpoint(
        uint64 height,
        bytes32 appHash,
        bytes32 blockHash,
        bytes32 withdrawalRoot,
        bytes32 exitRoot_,
        uint64 creditedDepositNonce_,
        bytes calldata signatures
    ) external {
        bytes32 digest = checkpointDigest(
            height,
            appHash,
            blockHash,
            withdrawalRoot,
            exitRoot_,
            creditedDepositNonce_,
            bytes32(0)
        );
        _acceptCheckpoint(height, appHash, withdrawalRoot, exitRoot_, creditedDepositNonce_, digest, signatures);
        emit Checkpointed(height, appHash, blockHash, withdrawalRoot, exitRoot_, creditedDepositNonce_, bytes32(0));
    }

    /// A checkpoint signed by the current set that also installs the next set.
    function updateValidatorSet(
        uint64 height,
        bytes32 appHash,
        bytes32 blockHash,
        bytes32 withdrawalRoot,
        bytes32 exitRoot_,
        uint64 creditedDepositNonce_,
        bytes calldata newValidatorSet,
        bytes calldata signatures
    ) external {
        bytes32 nextHash = keccak256(newValidatorSet);
        bytes32 digest = checkpointDigest(
            height,
            appHash,
            blockHash,
            withdrawalRoot,
            exitRoot_,
            creditedDepositNonce_,
            nextHash
        );
        _acceptCheckpoint(height, appHash, withdrawalRoot, exitRoot_, creditedDepositNonce_, digest, signatures);
        _setValidatorSet(height, newValidatorSet);
        emit Checkpointed(height, appHash, blockHash, withdrawalRoot, exitRoot_, creditedDepositNonce_, nextHash);
    }

    function lastCheckpoint() external view returns (uint64 height, bytes32 appHash, bytes32 withdrawalRoot) {
        return (_height, _appHash, _withdrawalRoot);
    }

    function lastCheckpointTime() external view returns (uint64) {
        return _checkpointTime;
    }

    function _acceptCheckpoint(
        uint64 height,
        bytes32 appHash,
        bytes32 withdrawalRoot,
        bytes32 exitRoot_,
        uint64 creditedDepositNonce_,
        bytes32 digest,
        bytes calldata signatures
    ) private {
        if (!_initialized) revert NotInitialized();
        if (exitMode) revert ExitModeActive();
        if (height <= _height) revert StaleHeight(height, _height);
        // A checkpoint cannot uncredit a deposit. (One above depositNonce is not refused: the
        // chain has credited deposits of a contract this one replaced, as `make start` does
        // with a fresh local L1; refusing would stop every checkpoint.)
        if (creditedDepositNonce_ < creditedDepositNonce)
            revert CreditedDepositsWentBack(creditedDepositNonce_, creditedDepositNonce);
        (uint256 signedPower, uint256 totalPower) = _verifySignatures(digest, signatures);
        // More than 2/3: exactly 2/3 is not enough (integers, no rounding).
        if (signedPower * 3 <= totalPower * 2) revert InsufficientPower(signedPower, totalPower);
        _height = height;
        _checkpointTime = uint64(block.timestamp);
        _appHash = appHash;
        if (withdrawalRoot != _withdrawalRoot) {
            previousWithdrawalRoot = _withdrawalRoot;
            _withdrawalRoot = withdrawalRoot;
        }
        exitRoot = exitRoot_;
        creditedDepositNonce = creditedDepositNonce_;
    }

    function _setValidatorSet(uint64 height, bytes calldata encoded) private {
        (uint256 members, uint256 totalPower) = _installValidatorSet(encoded);
        if (totalPower < minTotalPower) revert UnderPoweredValidatorSet(totalPower, minTotalPower);
        bytes32 h = keccak256(encoded);
        validatorSetHash = h;
        emit ValidatorSetUpdated(height, h, members, totalPower);
    }

    /// Checks a set of `powers` shared by both schemes: 1..256 members, no zero power, a
    /// total that fits in uint64.
    function _checkPowers(uint64[] memory powers) internal pure returns (uint256 total) {
        if (powers.length == 0) revert EmptyValidatorSet();
        if (powers.length > MAX_VALIDATORS) revert TooManyValidators(powers.length);
        for (uint256 i = 0; i < powers.length; i++) {
            if (powers[i] == 0) revert ZeroPower(i);
            total += powers[i];
        }
        if (total > type(uint64).max) revert PowerOverflow();
    }

    /// Verifies `signatures` over `digest` against the current set; returns the power that
    /// signed and the set's total power. Reverts on any malformed or invalid signature.
    function _verifySignatures(
        bytes32 digest,
        bytes calldata signatures
    ) internal view virtual returns (uint256 signedPower, uint256 totalPower);

    /// Validates and stores a scheme-specific validator set; reverts unless `encoded` is the
    /// canonical encoding (so that its keccak256 is the set's one commitment).
    function _installValidatorSet(bytes calldata encoded) internal virtual returns (uint256 members, uint256 totalPower);

    // ---- deposits and withdrawals --------------------------------------------------------

    /// Moves `amount` USDC from the caller into the contract, to be credited to the Strike
    /// account `recipient` (its 20 address bytes) once validators attest the event.
    function deposit(uint256 amount, bytes20 recipient) external {
        if (exitMode) revert ExitModeActive();
        if (amount < minDeposit) revert DepositTooSmall(amount, minDeposit);
        if (recipient == bytes20(0)) revert ZeroRecipient();
        uint64 nonce = ++depositNonce;
        _deposits[nonce] = keccak256(abi.encode(msg.sender, amount));
        if (!usdc.transferFrom(msg.sender, address(this), amount)) revert TokenTransferFailed();
        emit Deposited(nonce, msg.sender, recipient, amount);
    }

    function withdrawalLeaf(uint64 id, address recipient, uint256 amount) public pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(WITHDRAWAL_LEAF, id, recipient, amount))));
    }

    function withdrawalPaid(uint64 id) public view returns (bool) {
        return (_paidWithdrawals[id >> 8] >> (id & 0xff)) & 1 == 1;
    }

    /// Pays withdrawal `id` (burned on Strike) against the latest or previous checkpointed
    /// withdrawal root. Anyone may submit it; the USDC goes to `recipient`. Also in exit mode.
    function claimWithdrawal(uint64 id, address recipient, uint256 amount, bytes32[] calldata proof) external {
        bytes32 root = MerkleProof.processProof(proof, withdrawalLeaf(id, recipient, amount));
        if (root == bytes32(0) || (root != _withdrawalRoot && root != previousWithdrawalRoot)) revert InvalidProof();
        if (withdrawalPaid(id)) revert WithdrawalAlreadyPaid(id);
        _paidWithdrawals[id >> 8] |= uint256(1) << (id & 0xff);
        _pay(recipient, amount);
        emit WithdrawalPaid(id, recipient, amount);
    }

    // ---- exit mode -----------------------------------------------------------------------

    function enterExitMode() external {
        if (!_initialized) revert NotInitialized();
        if (exitMode) revert ExitModeActive();
        uint256 earliest = uint256(_checkpointTime) + exitTimeout + 1;
        if (block.timestamp < earliest) revert ExitTooEarly(earliest);
        exitMode = true;
        emit ExitModeEntered(_height, exitRoot);
    }

    function exitLeaf(bytes20 account, address recipient, uint256 equity) public pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(EXIT_LEAF, account, recipient, equity))));
    }

    /// In exit mode, pays Strike account `account` its equity at the last checkpoint, once.
    function claimExit(bytes20 account, address recipient, uint256 equity, bytes32[] calldata proof) external {
        if (!exitMode) revert NotInExitMode();
        if (exitClaimed[account]) revert ExitAlreadyClaimed(account);
        bytes32 root = MerkleProof.processProof(proof, exitLeaf(account, recipient, equity));
        if (root == bytes32(0) || root != exitRoot) revert InvalidProof();
        exitClaimed[account] = true;
        _pay(recipient, equity);
        emit ExitClaimed(account, recipient, equity);
    }

    /// Whether deposit `nonce` can be reclaimed in exit mode (made here, above the last
    /// checkpoint's creditedDepositNonce, not reclaimed yet); also true before exit mode.
    function depositReclaimable(uint64 nonce) external view returns (bool) {
        return nonce > creditedDepositNonce && _deposits[nonce] != bytes32(0);
    }

    /// In exit mode, pays deposit `nonce` back to `payer`, the address that made it, when
    /// Strike had not credited it by the last checkpoint (its USDC is in no equity and no
    /// withdrawal). Anyone may submit it; `payer` and `amount` must be the deposit's own.
    function reclaimDeposit(uint64 nonce, address payer, uint256 amount) external {
        if (!exitMode) revert NotInExitMode();
        if (nonce <= creditedDepositNonce) revert DepositWasCredited(nonce, creditedDepositNonce);
        bytes32 record = _deposits[nonce];
        if (record == bytes32(0)) revert NoDepositToReclaim(nonce);
        if (record != keccak256(abi.encode(payer, amount))) revert DepositMismatch(nonce);
        delete _deposits[nonce];
        _pay(payer, amount);
        emit DepositReclaimed(nonce, payer, amount);
    }

    function _pay(address to, uint256 amount) private {
        uint256 balance = usdc.balanceOf(address(this));
        if (amount > balance) revert InsufficientBalance(amount, balance);
        if (!usdc.transfer(to, amount)) revert TokenTransferFailed();
    }
}
