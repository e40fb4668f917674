// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {MedLedgerAccess} from "./MedLedgerAccess.sol";

/**
 * @title EncryptionKeyRegistry
 * @notice Every account's X25519 public key, to which report keys are wrapped.
 * @dev An account publishes its own key, or signs an EIP-712 {EncryptionKey} message that
 * another account submits for it (so a patient with no ETH needs only a signature). The message
 * carries the account's current nonce, so a signature is good once; the domain binds it to this
 * chain and this contract. Contract wallets sign through ERC-1271.
 */
abstract contract EncryptionKeyRegistry is MedLedgerAccess, EIP712, Nonces {
    /// @notice EIP-712 type of a key binding signed by `account`.
    bytes32 public constant ENCRYPTION_KEY_TYPEHASH =
        keccak256("EncryptionKey(address account,bytes32 key,uint256 nonce)");

    mapping(address account => bytes32) private _keys;

    /// @notice `account` now reads with X25519 public key `key`.
    event EncryptionKeyPublished(address indexed account, bytes32 key);

    /// @notice The zero key is not a public key.
    error InvalidEncryptionKey();
    /// @notice The signature is not `account`'s over the key binding at its current nonce.
    error InvalidKeySignature(address account);
    /// @notice `account` has published no encryption key.
    error NoEncryptionKey(address account);

    /**
     * @notice Publishes the caller's X25519 public key (replacing any earlier one).
     * @param key The 32-byte X25519 public key.
     */
    function publishEncryptionKey(bytes32 key) external whenNotPaused {
        _setKey(msg.sender, key);
    }

    /**
     * @notice The X25519 public key of `account`, zero if none was published.
     * @param account Any account.
     * @return The key.
     */
    function encryptionKeyOf(address account) public view returns (bytes32) {
        return _keys[account];
    }

    /// @dev Checks `signature` by `account` over (`account`, `key`, next nonce), uses the nonce, sets the key.
    function _setKeyWithSignature(address account, bytes32 key, bytes calldata signature) internal {
        bytes32 digest = _hashTypedDataV4(
            keccak256(abi.encode(ENCRYPTION_KEY_TYPEHASH, account, key, _useNonce(account)))
        );
        if (!SignatureChecker.isValidSignatureNow(account, digest, signature)) {
            revert InvalidKeySignature(account);
        }
        _setKey(account, key);
    }

    function _setKey(address account, bytes32 key) private {
        if (key == bytes32(0)) revert InvalidEncryptionKey();
        _keys[account] = key;
        emit EncryptionKeyPublished(account, key);
    }

    function _requireKey(address account) internal view {
        if (_keys[account] == bytes32(0)) revert NoEncryptionKey(account);
    }
}
