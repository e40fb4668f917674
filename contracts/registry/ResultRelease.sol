// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ReportKeys} from "./ReportKeys.sol";

/**
 * @title ResultRelease
 * @notice Results held for review: a doctor registers a report "held" (recorded and verifiable at
 * once, see {ReportRegistry}), and the patient's copy is released later — by the doctor at any
 * time, or by the records custodian once the hospital's automatic delay has passed.
 * @dev Releasing publishes the report key wrapped for the patient's current key and clears the
 * hold: O(1) per report.
 */
abstract contract ResultRelease is ReportKeys {
    /// @notice `by` released held report `reportId` to its patient.
    event ReportReleased(bytes32 indexed reportId, address indexed by);

    /// @notice Report `reportId` is not held for review.
    error NotHeld(bytes32 reportId);
    /// @notice Report `reportId` may be released automatically only from `releaseAt` on.
    error ReleaseNotDue(bytes32 reportId, uint40 releaseAt);

    /**
     * @notice Releases held report `reportId` to its patient. Caller: its issuing doctor (while an
     * active doctor) at any time, or the records custodian once its automatic release time has come.
     * @param reportId A report held for review.
     * @param patientKey The report's current key wrapped for the patient's current encryption key.
     */
    function releaseReport(bytes32 reportId, bytes calldata patientKey) external whenNotPaused {
        Care storage parties = _reportParties(reportId);
        uint40 releaseAt = _releaseTime(reportId);
        if (releaseAt == 0) revert NotHeld(reportId);
        if (msg.sender != parties.doctor || !hasRole(DOCTOR_ROLE, msg.sender)) {
            _requireCustodian(msg.sender);
            if (block.timestamp < releaseAt) revert ReleaseNotDue(reportId, releaseAt);
        }
        _markReleased(reportId);
        address patient = patientAccountOf(parties.patient);
        emit ReportReleased(reportId, msg.sender);
        _emitRewrapped(reportId, patient, keyVersionOf(patient), _reportVersion(reportId), patientKey);
    }
}
