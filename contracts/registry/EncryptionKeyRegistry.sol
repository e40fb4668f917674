// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {SignedActions} from "./SignedActions.sol";

/**
 * @title EncryptionKeyRegistry
 * @notice Every account's X25519 public key, to which report keys are wrapped, with its version.
 * @dev An account publishes its first key (version 1) and rotates it (version + 1) itself, or
 * signs an EIP-712 {EncryptionKey} binding that anyone submits for it (so a patient with no ETH
 * needs only a signature). The binding names the new version, the account's nonce and a deadline;
 * only the account's own 65-byte ECDSA signature is accepted (see {SignedActions}). After a
 * rotation the account publishes its report keys re-wrapped for the new key (see {ReportKeys}).
 * The version is stored as the number of rotations, so the first key costs one slot only.
 */
abstract contract EncryptionKeyRegistry is SignedActions {
    /// @notice EIP-712 type of a key binding signed by `account`.
    bytes32 public constant ENCRYPTION_KEY_TYPEHASH = keccak256(
        "EncryptionKey(address account,bytes32 key,uint32 version,uint256 nonce,uint256 deadline)"
    );

    mapping(address account => bytes32) private _keys;
    mapping(address account => uint32) private _rotations;

    /// @notice `account` now reads with X25519 public key `key`, its `version`-th key (1 = first).
    event EncryptionKeyPublished(address indexed account, bytes32 key, uint32 version);

    /// @notice The zero key is not a public key.
    error InvalidEncryptionKey();
    /// @notice `account`'s next key must carry version `expected`.
    error KeyVersionMismatch(address account, uint32 expected);
    /// @notice `account` has published no encryption key.
    error NoEncryptionKey(address account);

    /**
     * @notice Publishes the caller's first X25519 public key (version 1).
     * @param key The 32-byte X25519 public key.
     */
    function publishEncryptionKey(bytes32 key) external whenNotPaused {
        _setKey(msg.sender, key, 1);
    }

    /**
     * @notice Replaces the caller's key by `key`, version `version` (its current version + 1).
     * @param key The new 32-byte X25519 public key.
     * @param version The new version: {keyVersionOf} the caller + 1.
     */
    function rotateEncryptionKey(bytes32 key, uint32 version) external whenNotPaused {
        _setKey(msg.sender, key, version);
    }

    /**
     * @notice Publishes or rotates `account`'s key with `account`'s signed {EncryptionKey} binding.
     * Caller: anyone (a relayer); the binding is what authorises.
     * @param account The key's owner, who signed.
     * @param key The new 32-byte X25519 public key.
     * @param version The new version: {keyVersionOf} `account` + 1 (1 for a first key).
     * @param deadline Last valid UNIX time of the signature.
     * @param signature `account`'s 65-byte ECDSA signature over the binding at its current nonce.
     */
    function rotateEncryptionKeyBySig(
        address account,
        bytes32 key,
        uint32 version,
        uint256 deadline,
        bytes calldata signature
    ) external whenNotPaused {
        _setKeyWithSignature(account, key, version, deadline, signature);
    }

    /**
     * @notice The X25519 public key of `account`, zero if none was published.
     * @param account Any account.
     * @return The key.
     */
    function encryptionKeyOf(address account) public view returns (bytes32) {
        return _keys[account];
    }

    /**
     * @notice The version of `account`'s current key: 1 for the first, + 1 per rotation, 0 if none.
     * @param account Any account.
     * @return The version.
     */
    function keyVersionOf(address account) public view returns (uint32) {
        return _keys[account] == bytes32(0) ? 0 : _rotations[account] + 1;
    }

    /// @dev Checks `account`'s signed binding of (`key`, `version`), uses the nonce, sets the key.
    function _setKeyWithSignature(
        address account,
        bytes32 key,
        uint32 version,
        uint256 deadline,
        bytes calldata signature
    ) internal {
        bytes32 structHash = keccak256(
            abi.encode(ENCRYPTION_KEY_TYPEHASH, account, key, version, _useNonce(account), deadline)
        );
        _checkSignature(account, structHash, deadline, signature);
        _setKey(account, key, version);
    }

    function _setKey(address account, bytes32 key, uint32 version) private {
        if (key == bytes32(0)) revert InvalidEncryptionKey();
        uint32 expected = keyVersionOf(account) + 1;
        if (version != expected) revert KeyVersionMismatch(account, expected);
        _keys[account] = key;
        if (version > 1) _rotations[account] = version - 1;
        emit EncryptionKeyPublished(account, key, version);
    }
}
