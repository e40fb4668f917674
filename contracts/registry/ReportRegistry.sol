// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {PatientRegistry} from "./PatientRegistry.sol";

/**
 * @title ReportRegistry
 * @notice The record of every medical report as a claim: "doctor D issued, for patient P, the file
 * whose SHA-256 and SHA-1 digests are these", with the IPFS CID of the encrypted file and the
 * report key wrapped for the patient and the doctor in the {ReportRegistered} event.
 * @dev A claim's id is `keccak256(abi.encode(sha256Digest, doctor))` ({reportIdOf}): claims are
 * bound to their issuer, so a copy of a doctor's pending registration (front-running) becomes a
 * separate claim under the copier's name and can neither block nor replace the genuine one. All
 * claims of one file are found through the indexed `sha256Digest` topic of {ReportRegistered}; two
 * accounts claiming the same digests is a dispute that clients show as such and that the admin
 * settles with {markClaimFraudulent}, the trail keeping both. The record fits in one storage slot
 * (SHA-1, care id, time, sequence number in the care pair), so a registration writes one new
 * slot. Amendments supersede, only by the claim's own issuer; nothing is ever deleted. SHA-1 is
 * kept because the specification this product answers asks for it; SHA-256 is the
 * collision-resistant identity.
 */
abstract contract ReportRegistry is PatientRegistry {
    /// @notice What a doctor submits for one report.
    struct ReportInput {
        /// SHA-256 of the plaintext file.
        bytes32 sha256Digest;
        /// SHA-1 of the plaintext file.
        bytes20 sha1Digest;
        /// The patient, who must be assigned to the calling doctor.
        address patient;
        /// Id of the caller's own report this one amends, or zero.
        bytes32 supersedes;
        /// Binary CID of the encrypted file on IPFS.
        bytes cid;
        /// The report key wrapped for the patient's encryption key.
        bytes patientKey;
        /// The report key wrapped for the doctor's encryption key.
        bytes doctorKey;
        /// The report key wrapped for the records custodian's key; required when the hospital has one.
        bytes custodianKey;
        /// Held for review: the patient's copy waits for {ResultRelease-releaseReport}; `patientKey` must then be empty.
        bool held;
    }

    /// @dev One storage slot: 160 + 32 + 40 + 24 bits.
    struct Report {
        bytes20 sha1Digest;
        uint32 careId;
        uint40 registeredAt;
        uint24 seq;
    }

    /// @notice A report (claim) as returned by the views.
    struct ReportView {
        bytes32 reportId;
        bytes20 sha1Digest;
        address patient;
        address doctor;
        /// UNIX time of the registration.
        uint40 registeredAt;
        /// The issuer's amendment of this report, or zero.
        bytes32 supersededBy;
        /// Current key version of the report: 0 as registered, + 1 per re-key ({ReportKeys}).
        uint32 version;
        /// Whether the admin marked this claim fraudulent.
        bool fraudulent;
        /// Held for review until released: the time of its automatic release (`type(uint40).max`: by its doctor only); 0 once released.
        uint40 heldUntil;
    }

    /// @notice Outcome of {verify} for one claim.
    enum VerificationStatus {
        /// This doctor made no claim on this SHA-256 digest.
        NotRegistered,
        /// The claim exists, both digests match, not amended, not fraudulent.
        Current,
        /// The claim exists, both digests match, amended by a later report of its issuer.
        Superseded,
        /// The claim has this SHA-256 digest but another SHA-1: not this file.
        DigestMismatch,
        /// The admin marked the claim fraudulent: never genuine.
        Fraudulent
    }

    mapping(bytes32 reportId => Report) private _reports;
    mapping(bytes32 reportId => bytes32) private _supersededBy;
    mapping(bytes32 reportId => uint32) private _versions;
    mapping(bytes32 reportId => bool) private _fraudulent;
    mapping(bytes32 reportId => uint40) private _heldUntil;

    /// @notice `doctor` claimed, as report `reportId`, to have issued the file with these digests for `patient`.
    event ReportRegistered(
        bytes32 indexed sha256Digest,
        address indexed patient,
        address indexed doctor,
        bytes32 reportId,
        bytes20 sha1Digest,
        bytes32 supersedes,
        bytes cid,
        bytes patientKey,
        bytes doctorKey,
        bytes custodianKey,
        uint40 heldUntil
    );
    /// @notice Report `reportId` was amended by report `by` of the same issuer.
    event ReportSuperseded(bytes32 indexed reportId, bytes32 indexed by);
    /// @notice Admin `by` marked claim `reportId` fraudulent, for `reason`.
    event ClaimMarkedFraudulent(bytes32 indexed reportId, address indexed by, string reason);

    /// @notice A digest is zero.
    error InvalidDigest();
    /// @notice A wrapped report key is missing.
    error MissingWrappedKey();
    /// @notice The caller already claimed this SHA-256 digest, as `reportId`.
    error ReportExists(bytes32 reportId);
    /// @notice No report has this id.
    error UnknownReport(bytes32 reportId);
    /// @notice Report `reportId` was already amended by `by`.
    error AlreadySuperseded(bytes32 reportId, bytes32 by);
    /// @notice Report `reportId` belongs to another patient than `patient`.
    error PatientMismatch(bytes32 reportId, address patient);
    /// @notice Only the issuer of report `reportId` (`account` is not) may amend it.
    error NotReportIssuer(bytes32 reportId, address account);
    /// @notice Claim `reportId` is already marked fraudulent.
    error AlreadyFraudulent(bytes32 reportId);
    /// @notice A report held for review carries no key for the patient until it is released.
    error HeldReportPatientKey();

    /**
     * @notice Registers one report. Caller: an active doctor assigned to `input.patient`.
     * @param input The report; see {ReportInput}.
     */
    function registerReport(ReportInput calldata input) external onlyRole(DOCTOR_ROLE) whenNotPaused {
        _registerReport(input);
    }

    /**
     * @notice Registers several reports in one transaction; all or none.
     * @param inputs The reports; see {ReportInput}.
     */
    function registerReports(ReportInput[] calldata inputs) external onlyRole(DOCTOR_ROLE) whenNotPaused {
        uint256 count = inputs.length;
        for (uint256 i; i < count;) {
            _registerReport(inputs[i]);
            unchecked {
                ++i;
            }
        }
    }

    /**
     * @notice Marks claim `reportId` fraudulent (it never verifies as genuine again). Admin only.
     * @dev For disputes: two accounts claiming the same digests. The claim and its events stay.
     * @param reportId A registered claim, not yet marked.
     * @param reason Free text for the audit trail (may be empty).
     */
    function markClaimFraudulent(
        bytes32 reportId,
        string calldata reason
    ) external onlyRole(DEFAULT_ADMIN_ROLE) whenNotPaused {
        _reportParties(reportId);
        if (_fraudulent[reportId]) revert AlreadyFraudulent(reportId);
        _fraudulent[reportId] = true;
        emit ClaimMarkedFraudulent(reportId, msg.sender, reason);
    }

    /**
     * @notice The id of `doctor`'s claim on the file with SHA-256 `sha256Digest`.
     * @param sha256Digest SHA-256 of the file.
     * @param doctor The issuing doctor.
     * @return `keccak256(abi.encode(sha256Digest, doctor))`.
     */
    function reportIdOf(bytes32 sha256Digest, address doctor) public pure returns (bytes32) {
        return keccak256(abi.encode(sha256Digest, doctor));
    }

    /**
     * @notice The report with id `reportId`; reverts with {UnknownReport} if none.
     * @param reportId A claim id ({reportIdOf}).
     * @return The report.
     */
    function getReport(bytes32 reportId) external view returns (ReportView memory) {
        Report memory report = _reports[reportId];
        if (report.careId == 0) revert UnknownReport(reportId);
        return _view(reportId, report);
    }

    /**
     * @notice Checks a file's two digests against `doctor`'s claim on it, in O(1). Needs no account.
     * @dev A verdict on a file needs every claim of its SHA-256: clients list the doctors of the
     * {ReportRegistered} events with that `sha256Digest` topic and call this for each. Exactly one
     * claim `Current` or `Superseded`: genuine, issued by that doctor for that patient. Several: a
     * dispute, none is genuine until the admin marks the copies {VerificationStatus.Fraudulent}.
     * @param sha256Digest SHA-256 of the file.
     * @param sha1Digest SHA-1 of the file.
     * @param doctor The claimed issuer.
     * @return status The outcome.
     * @return report The claim (empty when not registered).
     */
    function verify(
        bytes32 sha256Digest,
        bytes20 sha1Digest,
        address doctor
    ) external view returns (VerificationStatus status, ReportView memory report) {
        bytes32 reportId = reportIdOf(sha256Digest, doctor);
        Report memory stored = _reports[reportId];
        if (stored.careId == 0) return (VerificationStatus.NotRegistered, report);
        report = _view(reportId, stored);
        if (report.fraudulent) status = VerificationStatus.Fraudulent;
        else if (stored.sha1Digest != sha1Digest) status = VerificationStatus.DigestMismatch;
        else if (report.supersededBy != bytes32(0)) status = VerificationStatus.Superseded;
        else status = VerificationStatus.Current;
    }

    /// @dev Patient and issuing doctor of a registered report; reverts with {UnknownReport} otherwise.
    function _reportParties(bytes32 reportId) internal view returns (Care storage) {
        uint32 careId = _reports[reportId].careId;
        if (careId == 0) revert UnknownReport(reportId);
        return _care(careId);
    }

    /// @dev Care id and sequence number of a report; care id zero if the report does not exist.
    function _reportSlot(bytes32 reportId) internal view returns (uint32 careId, uint24 seq) {
        Report memory report = _reports[reportId];
        return (report.careId, report.seq);
    }

    /// @dev Current key version of report `reportId`.
    function _reportVersion(bytes32 reportId) internal view returns (uint32) {
        return _versions[reportId];
    }

    /// @dev When held report `reportId` is released automatically (`type(uint40).max`: by its doctor only); 0 if not held.
    function _releaseTime(bytes32 reportId) internal view returns (uint40) {
        return _heldUntil[reportId];
    }

    /// @dev Marks held report `reportId` released.
    function _markReleased(bytes32 reportId) internal {
        delete _heldUntil[reportId];
    }

    /// @dev Increments and returns the key version of report `reportId`.
    function _nextReportVersion(bytes32 reportId) internal returns (uint32 version) {
        version = _versions[reportId] + 1;
        _versions[reportId] = version;
    }

    function _registerReport(ReportInput calldata input) private {
        bytes32 sha256Digest = input.sha256Digest;
        bytes20 sha1Digest = input.sha1Digest;
        if (sha256Digest == bytes32(0) || sha1Digest == bytes20(0)) revert InvalidDigest();
        if (input.cid.length == 0) revert EmptyCid();
        if (input.doctorKey.length == 0) revert MissingWrappedKey();
        if (input.held) {
            if (input.patientKey.length != 0) revert HeldReportPatientKey();
        } else if (input.patientKey.length == 0) revert MissingWrappedKey();
        if (input.custodianKey.length == 0 && _recordsCustodian() != address(0)) revert MissingWrappedKey();
        bytes32 reportId = reportIdOf(sha256Digest, msg.sender);
        Report storage report = _reports[reportId];
        if (report.careId != 0) revert ReportExists(reportId);
        address patient = input.patient;
        (uint32 careId, uint24 seq) = _takeReportSeq(patient, msg.sender);
        bytes32 supersedes = input.supersedes;
        if (supersedes != bytes32(0)) _supersede(supersedes, reportId, patient);
        _storeReport(report, sha1Digest, careId, seq);
        uint40 heldUntil;
        if (input.held) {
            uint40 delay = _holdDelay();
            heldUntil = delay == 0 ? type(uint40).max : SafeCast.toUint40(block.timestamp) + delay;
            _heldUntil[reportId] = heldUntil;
        }
        _emitRegistered(input, reportId, heldUntil);
    }

    function _emitRegistered(ReportInput calldata input, bytes32 reportId, uint40 heldUntil) private {
        emit ReportRegistered(
            input.sha256Digest,
            input.patient,
            msg.sender,
            reportId,
            input.sha1Digest,
            input.supersedes,
            input.cid,
            input.patientKey,
            input.doctorKey,
            input.custodianKey,
            heldUntil
        );
    }

    /**
     * @dev Writes a {Report} as one SSTORE of its packed slot (sha1 | careId << 160 |
     * registeredAt << 192 | seq << 232, Solidity's own layout of the struct). A plain struct
     * assignment compiles, depending on the surrounding code, to one read-modify-write per field;
     * this keeps registration at a single write whatever the optimizer decides. The time is cast
     * with SafeCast: 40 bits of seconds last 34,000 years, and would revert rather than wrap.
     */
    function _storeReport(Report storage report, bytes20 sha1Digest, uint32 careId, uint24 seq) private {
        uint256 packed =
            uint256(uint160(sha1Digest)) |
                (uint256(careId) << 160) |
                (uint256(SafeCast.toUint40(block.timestamp)) << 192) |
                (uint256(seq) << 232);
        assembly ("memory-safe") {
            sstore(report.slot, packed)
        }
    }

    function _supersede(bytes32 oldId, bytes32 newId, address patient) private {
        Care storage parties = _reportParties(oldId);
        if (parties.doctor != msg.sender) revert NotReportIssuer(oldId, msg.sender);
        if (parties.patient != _recordOf(patient)) revert PatientMismatch(oldId, patient);
        bytes32 by = _supersededBy[oldId];
        if (by != bytes32(0)) revert AlreadySuperseded(oldId, by);
        _supersededBy[oldId] = newId;
        emit ReportSuperseded(oldId, newId);
    }

    function _view(bytes32 reportId, Report memory report) private view returns (ReportView memory) {
        Care storage care = _care(report.careId);
        return
            ReportView(
                reportId,
                report.sha1Digest,
                patientAccountOf(care.patient),
                care.doctor,
                report.registeredAt,
                _supersededBy[reportId],
                _versions[reportId],
                _fraudulent[reportId],
                _heldUntil[reportId]
            );
    }
}
