// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {MedLedgerAccess} from "./MedLedgerAccess.sol";

/**
 * @title SignedActions
 * @notice Checks the EIP-712 signatures with which an account (typically a patient without ETH)
 * authorises an action that anyone (the hospital's relayer) then submits.
 * @dev Every signed message carries the account's current {Nonces-nonces} value, so a signature
 * is good once, and a deadline; the EIP-712 domain binds it to this chain and this contract.
 * Only a plain 65-byte ECDSA signature by the account's own key is accepted: no ERC-1271
 * contract-wallet signatures, no ERC-2098 short form, no wrapped formats. (A smart account's
 * signature wrapper is not a proof that the account's owner derived anything from the signed
 * message, which is what the encryption keys rely on.)
 */
abstract contract SignedActions is MedLedgerAccess, EIP712, Nonces {
    /// @notice The signed message expired at `deadline` (a UNIX time).
    error ExpiredSignature(uint256 deadline);
    /// @notice Only a 65-byte ECDSA signature of `account` itself is accepted; this one has `length` bytes.
    error UnsupportedSignature(address account, uint256 length);
    /// @notice The signature is not `account`'s over this message at its current nonce.
    error InvalidSignature(address account);

    /**
     * @dev Reverts unless `signature` is `account`'s ECDSA signature over the EIP-712 struct hashed
     * as `structHash` (which includes the nonce the caller took with {_useNonce}) and `deadline`
     * has not passed.
     */
    function _checkSignature(
        address account,
        bytes32 structHash,
        uint256 deadline,
        bytes calldata signature
    ) internal view {
        if (block.timestamp > deadline) revert ExpiredSignature(deadline);
        if (signature.length != 65) revert UnsupportedSignature(account, signature.length);
        (address signer, ECDSA.RecoverError failure, ) = ECDSA.tryRecoverCalldata(
            _hashTypedDataV4(structHash),
            signature
        );
        if (failure != ECDSA.RecoverError.NoError || signer != account) revert InvalidSignature(account);
    }

    /// @dev EIP-712 encoding of a `bytes[]` member: the hash of the concatenated element hashes.
    function _hashBytesArray(bytes[] calldata items) internal pure returns (bytes32) {
        uint256 count = items.length;
        bytes32[] memory hashes = new bytes32[](count);
        for (uint256 i; i < count;) {
            hashes[i] = keccak256(items[i]);
            unchecked {
                ++i;
            }
        }
        return keccak256(abi.encodePacked(hashes));
    }
}
