// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {PatientRegistry} from "./PatientRegistry.sol";

/**
 * @title Guardianship
 * @notice A guardian (a parent, a proxy) reads a patient's reports and manages their sharing for
 * them, each action in their own name (see {AccessGrants}).
 * @dev Appointed by the patient, who can end it at any time; or by the reception, for a minor or a
 * patient without capacity: then only the reception ends it, or it ends by itself at the date set.
 * O(1): one slot per (record, guardian). The guardian receives the report keys re-wrapped by the
 * records custodian ({KeyCustody}), since the patient may be unable to do it.
 */
abstract contract Guardianship is PatientRegistry {
    /// @dev One slot: end of the guardianship (exclusive) and who appointed it.
    struct Guardian {
        uint40 until;
        bool byReception;
    }

    mapping(address record => mapping(address guardian => Guardian)) private _guardians;

    /**
     * @notice `by` (the patient, or a receptionist when `byReception`) made `guardian` a guardian of
     * record `record` until `until` (UNIX time; `type(uint40).max` for no end).
     */
    event GuardianAppointed(
        address indexed record,
        address indexed guardian,
        address indexed by,
        uint40 until,
        bool byReception
    );
    /// @notice `by` ended `guardian`'s guardianship of record `record`.
    event GuardianshipEnded(address indexed record, address indexed guardian, address indexed by);

    /// @notice `account` may not appoint or end guardians of `patient`.
    error NotGuardianManager(address patient, address account);
    /// @notice `guardian` is not (or no longer) a guardian of `patient`.
    error NotGuardian(address patient, address guardian);
    /// @notice `guardian` cannot be the patient.
    error InvalidGuardian(address guardian);
    /// @notice The end of a guardianship must lie in the future.
    error InvalidGuardianshipEnd(uint40 until);

    /**
     * @notice Makes `guardian` a guardian of `patient` until `until`. Caller: the patient, or a receptionist.
     * @dev Appointing again replaces the end date (and who may end it).
     * @param patient The patient's current account.
     * @param guardian The guardian's account.
     * @param until End of the guardianship (UNIX time, future), or 0 for none.
     */
    function appointGuardian(address patient, address guardian, uint40 until) external whenNotPaused {
        address record = _requirePatient(patient);
        bool byReception = _requireManager(patient);
        _requireNonZero(guardian);
        if (guardian == patient) revert InvalidGuardian(guardian);
        if (until == 0) until = type(uint40).max;
        else if (until <= block.timestamp) revert InvalidGuardianshipEnd(until);
        _guardians[record][guardian] = Guardian(until, byReception);
        emit GuardianAppointed(record, guardian, msg.sender, until, byReception);
    }

    /**
     * @notice Ends `guardian`'s guardianship of `patient`. Caller: the patient for a guardian they
     * appointed; a receptionist for any.
     * @param patient The patient's current account.
     * @param guardian A current guardian of `patient`.
     */
    function endGuardianship(address patient, address guardian) external whenNotPaused {
        address record = _requirePatient(patient);
        Guardian memory current = _guardians[record][guardian];
        if (current.until <= block.timestamp) revert NotGuardian(patient, guardian);
        bool byReception = _requireManager(patient);
        if (current.byReception && !byReception) revert NotGuardianManager(patient, msg.sender);
        delete _guardians[record][guardian];
        emit GuardianshipEnded(record, guardian, msg.sender);
    }

    /**
     * @notice Whether `guardian` is a current guardian of `patient`, and until when.
     * @param patient Any account.
     * @param guardian Any account.
     * @return active True while the guardianship lasts.
     * @return until Its end (UNIX time, `type(uint40).max` for none; 0 if none was appointed).
     * @return byReception Whether the reception appointed it (then only the reception ends it).
     */
    function guardianOf(
        address patient,
        address guardian
    ) external view returns (bool active, uint40 until, bool byReception) {
        address record = patientRecordOf(patient);
        Guardian memory current = _guardians[record][guardian];
        return (record != address(0) && current.until > block.timestamp, current.until, current.byReception);
    }

    /// @dev Whether `account` is a current guardian of record `record`.
    function _isGuardian(address record, address account) internal view returns (bool) {
        return _guardians[record][account].until > block.timestamp;
    }

    /// @dev True if the caller manages as a receptionist, false if as the patient; reverts otherwise.
    function _requireManager(address patient) private view returns (bool byReception) {
        if (hasRole(RECEPTIONIST_ROLE, msg.sender)) return true;
        if (msg.sender != patient) revert NotGuardianManager(patient, msg.sender);
    }
}
