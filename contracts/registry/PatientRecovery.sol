// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {PatientRegistry} from "./PatientRegistry.sol";

/**
 * @title PatientRecovery
 * @notice A patient who lost their wallet loses nothing: after proving who they are at the
 * reception, the receptionist moves the patient's record to their new account.
 * @dev One transaction, O(1) whatever the number of reports: the new account becomes the
 * patient of the record (profile, assignments, reports, grants and guardians follow, see
 * {PatientRegistry}), publishes its encryption key with its own signature (so only the person
 * holding the new wallet can be named), and points the record to a profile re-sealed for that
 * key. The old account loses every right for good. The report keys are then re-wrapped for the
 * new key off chain by the records custodian and published on chain ({KeyCustody-custodianRewrap}),
 * O(1) per report, in batches.
 */
abstract contract PatientRecovery is PatientRegistry {
    /// @notice Receptionist `by` moved patient record `record` from `previous` (now retired) to `successor`.
    event PatientRecovered(address indexed record, address indexed previous, address indexed successor, address by);

    /**
     * @notice Moves `patient`'s record to `successor`. Caller: a receptionist.
     * @dev `signature` is `successor`'s EIP-712 {EncryptionKey} binding of `encryptionKey` at its
     * next key version and current nonce, as for {registerPatient}.
     * @param patient The patient's current (lost) account.
     * @param successor The patient's new account: not a patient, never retired.
     * @param profileCid Binary CID of the patient's profile re-sealed for the new key.
     * @param encryptionKey The successor's X25519 public key.
     * @param deadline Last valid UNIX time of the signature.
     * @param signature The successor's 65-byte ECDSA signature binding `encryptionKey`.
     */
    function recoverPatient(
        address patient,
        address successor,
        bytes calldata profileCid,
        bytes32 encryptionKey,
        uint256 deadline,
        bytes calldata signature
    ) external onlyRole(RECEPTIONIST_ROLE) whenNotPaused {
        _requireNonZero(successor);
        address record = _moveRecord(patient, successor);
        _setKeyWithSignature(successor, encryptionKey, keyVersionOf(successor) + 1, deadline, signature);
        emit PatientRecovered(record, patient, successor, msg.sender);
        _setProfile(successor, profileCid);
    }
}
