// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {PatientRegistry} from "./PatientRegistry.sol";

/**
 * @title EmergencyAccess
 * @notice "Break-glass": in an emergency, a doctor who is not assigned to a patient opens the
 * patient's reports for a limited time, stating why. The access is public on chain (who, which
 * patient, when, which reason) for the patient's access history and the admin's review list.
 * @dev The reason is a code from {EmergencyReason}, never free text, so that no medical detail
 * can reach the chain. The doctor receives the report keys re-wrapped by the records custodian
 * ({KeyCustody}) while the access lasts. O(1): one slot per (record, doctor).
 */
abstract contract EmergencyAccess is PatientRegistry {
    /// @notice Why a doctor broke the glass.
    enum EmergencyReason {
        /// Not a reason: refused.
        None,
        /// The patient is unconscious or otherwise unable to consent.
        PatientUnableToConsent,
        /// A life-threatening emergency.
        LifeThreatening,
        /// Urgent care while the patient's assigned doctors cannot be reached.
        AssignedDoctorUnavailable,
        /// Another emergency, to be explained at the admin's review.
        OtherEmergency
    }

    mapping(address record => mapping(address doctor => uint40 until)) private _emergencies;

    /// @notice `doctor` opened record `record` (the patient's account `patient`) in an emergency, for `reason`, until `until`.
    event EmergencyAccessed(
        address indexed record,
        address indexed doctor,
        address indexed patient,
        EmergencyReason reason,
        uint40 until
    );

    /// @notice A reason from {EmergencyReason} other than `None` is required.
    error MissingEmergencyReason();

    /**
     * @notice Opens `patient`'s reports to the caller for the hospital's emergency access duration.
     * Caller: an active doctor not assigned to `patient` (an assigned doctor needs no emergency access).
     * @param patient The patient's current account.
     * @param reason Why; see {EmergencyReason}.
     */
    function breakGlass(address patient, EmergencyReason reason) external onlyRole(DOCTOR_ROLE) whenNotPaused {
        address record = _requirePatient(patient);
        if (reason == EmergencyReason.None) revert MissingEmergencyReason();
        if (msg.sender == patient) revert SelfAssignment(msg.sender);
        if (isAssigned(patient, msg.sender)) revert AlreadyAssigned(patient, msg.sender);
        uint40 until = SafeCast.toUint40(block.timestamp) + _emergencyDuration();
        _emergencies[record][msg.sender] = until;
        emit EmergencyAccessed(record, msg.sender, patient, reason, until);
    }

    /**
     * @notice Until when `doctor` has emergency access to `patient`'s reports.
     * @param patient Any account.
     * @param doctor Any account.
     * @return UNIX time the access ends (exclusive); in the past or 0 when there is none now.
     */
    function emergencyAccessUntil(address patient, address doctor) external view returns (uint40) {
        return _emergencies[patientRecordOf(patient)][doctor];
    }

    /// @dev Whether `doctor` has emergency access to record `record` now (and is still a doctor).
    function _hasEmergencyAccess(address record, address doctor) internal view returns (bool) {
        return _emergencies[record][doctor] > block.timestamp && hasRole(DOCTOR_ROLE, doctor);
    }
}
