// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {PatientRegistry} from "./PatientRegistry.sol";

/**
 * @title ReportRegistry
 * @notice The record of every medical report: its SHA-256 and SHA-1 digests, issuing doctor,
 * patient and time, with the IPFS CID of the encrypted file and the report key wrapped for the
 * patient and the doctor in the {ReportRegistered} event.
 * @dev A report's id is the SHA-256 digest of its plaintext file. The record fits in one storage
 * slot (SHA-1, care id, time, block), so a registration writes one new slot; the CID and the
 * wrapped keys live in the event, which {Report.blockNumber} locates in O(1). Amendments
 * supersede, nothing is ever deleted. SHA-1 is kept because the specification this product
 * answers asks for it; SHA-256 is the collision-resistant identity. A SHA-1 shared by two
 * records (a SHA-1 collision) is visible through the indexed `sha1` topic.
 */
abstract contract ReportRegistry is PatientRegistry {
    /// @notice What a doctor submits for one report.
    struct ReportInput {
        /// SHA-256 of the plaintext file: the report id.
        bytes32 sha256Digest;
        /// SHA-1 of the plaintext file.
        bytes20 sha1Digest;
        /// The patient, who must be assigned to the calling doctor.
        address patient;
        /// Id of the report this one amends, or zero.
        bytes32 supersedes;
        /// Binary CID of the encrypted file on IPFS.
        bytes cid;
        /// The report key wrapped for the patient's encryption key.
        bytes patientKey;
        /// The report key wrapped for the doctor's encryption key.
        bytes doctorKey;
    }

    /// @dev One storage slot: 20 + 4 + 4 + 4 bytes.
    struct Report {
        bytes20 sha1Digest;
        uint32 careId;
        uint32 registeredAt;
        uint32 blockNumber;
    }

    /// @notice A report as returned by the views.
    struct ReportView {
        bytes32 reportId;
        bytes20 sha1Digest;
        address patient;
        address doctor;
        uint32 registeredAt;
        uint32 blockNumber;
        bytes32 supersededBy;
    }

    /// @notice Outcome of {verify}.
    enum VerificationStatus {
        /// No report has this SHA-256 digest.
        NotRegistered,
        /// Registered, both digests match, not amended.
        Current,
        /// Registered, both digests match, amended by a later report.
        Superseded,
        /// A report has this SHA-256 digest but another SHA-1: not genuine.
        DigestMismatch
    }

    mapping(bytes32 reportId => Report) private _reports;
    mapping(bytes32 reportId => bytes32) private _supersededBy;

    /// @notice `doctor` registered report `reportId` for `patient`.
    event ReportRegistered(
        bytes20 indexed sha1Digest,
        address indexed patient,
        address indexed doctor,
        bytes32 reportId,
        bytes32 supersedes,
        bytes cid,
        bytes patientKey,
        bytes doctorKey
    );
    /// @notice Report `reportId` was amended by report `by`.
    event ReportSuperseded(bytes32 indexed reportId, bytes32 indexed by);

    /// @notice A digest is zero.
    error InvalidDigest();
    /// @notice A wrapped report key is missing.
    error MissingWrappedKey();
    /// @notice A report with this SHA-256 digest is already registered.
    error ReportExists(bytes32 reportId);
    /// @notice No report has this id.
    error UnknownReport(bytes32 reportId);
    /// @notice Report `reportId` was already amended by `by`.
    error AlreadySuperseded(bytes32 reportId, bytes32 by);
    /// @notice Report `reportId` belongs to another patient than `patient`.
    error PatientMismatch(bytes32 reportId, address patient);

    /**
     * @notice Registers one report. Caller: an active doctor assigned to `input.patient`.
     * @param input The report; see {ReportInput}.
     */
    function registerReport(ReportInput calldata input) external onlyRole(DOCTOR_ROLE) whenNotPaused {
        _registerReport(input, 0);
    }

    /**
     * @notice Registers several reports in one transaction; all or none.
     * @param inputs The reports; see {ReportInput}.
     */
    function registerReports(ReportInput[] calldata inputs) external onlyRole(DOCTOR_ROLE) whenNotPaused {
        // Assignments cannot change during the call: consecutive reports of one patient share
        // one assignment lookup.
        address patient;
        uint32 careId;
        uint256 count = inputs.length;
        for (uint256 i; i < count; ) {
            ReportInput calldata input = inputs[i];
            address next = input.patient;
            careId = _registerReport(input, next == patient ? careId : 0);
            patient = next;
            unchecked {
                ++i;
            }
        }
    }

    /**
     * @notice The report with id `reportId`; reverts with {UnknownReport} if none.
     * @param reportId SHA-256 digest of the report file.
     * @return The report.
     */
    function getReport(bytes32 reportId) external view returns (ReportView memory) {
        Report memory report = _reports[reportId];
        if (report.careId == 0) revert UnknownReport(reportId);
        return _view(reportId, report);
    }

    /**
     * @notice Checks a file's two digests against the registry. Needs no account.
     * @dev A SHA-256 match with another SHA-1 is {VerificationStatus.DigestMismatch}, never genuine.
     * @param sha256Digest SHA-256 of the file.
     * @param sha1Digest SHA-1 of the file.
     * @return status The outcome.
     * @return report The record under `sha256Digest` (empty when not registered).
     */
    function verify(bytes32 sha256Digest, bytes20 sha1Digest)
        external
        view
        returns (VerificationStatus status, ReportView memory report)
    {
        Report memory stored = _reports[sha256Digest];
        if (stored.careId == 0) return (VerificationStatus.NotRegistered, report);
        report = _view(sha256Digest, stored);
        if (stored.sha1Digest != sha1Digest) status = VerificationStatus.DigestMismatch;
        else if (report.supersededBy != bytes32(0)) status = VerificationStatus.Superseded;
        else status = VerificationStatus.Current;
    }

    /// @dev Patient and issuing doctor of a registered report; reverts with {UnknownReport} otherwise.
    function _reportParties(bytes32 reportId) internal view returns (Care storage) {
        uint32 careId = _reports[reportId].careId;
        if (careId == 0) revert UnknownReport(reportId);
        return _care(careId);
    }

    /**
     * @dev Registers `input`. `knownCareId` is the caller's active care id for `input.patient` when
     * already known, or zero to look it up (after the input checks, as before). Returns the care id used.
     */
    function _registerReport(ReportInput calldata input, uint32 knownCareId) private returns (uint32 careId) {
        bytes32 reportId = input.sha256Digest;
        bytes20 sha1Digest = input.sha1Digest;
        if (reportId == bytes32(0) || sha1Digest == bytes20(0)) revert InvalidDigest();
        bytes calldata cid = input.cid;
        bytes calldata patientKey = input.patientKey;
        bytes calldata doctorKey = input.doctorKey;
        if (cid.length == 0) revert EmptyCid();
        if (patientKey.length == 0 || doctorKey.length == 0) revert MissingWrappedKey();
        Report storage report = _reports[reportId];
        if (report.careId != 0) revert ReportExists(reportId);
        careId = knownCareId != 0 ? knownCareId : _activeCareId(input.patient, msg.sender);
        bytes32 supersedes = input.supersedes;
        if (supersedes != bytes32(0)) _supersede(supersedes, reportId, input.patient);
        _storeReport(report, sha1Digest, careId);
        emit ReportRegistered(sha1Digest, input.patient, msg.sender, reportId, supersedes, cid, patientKey, doctorKey);
    }

    /**
     * @dev Writes a {Report} as one SSTORE of its packed slot (sha1 | careId << 160 |
     * registeredAt << 192 | blockNumber << 224, Solidity's own layout of the struct). A plain
     * struct assignment compiles, depending on the surrounding code, to one read-modify-write per
     * field; this keeps registration at a single write whatever the optimizer decides.
     */
    function _storeReport(Report storage report, bytes20 sha1Digest, uint32 careId) private {
        uint256 packed = uint256(uint160(sha1Digest)) | (uint256(careId) << 160)
            | (uint256(uint32(block.timestamp)) << 192) | (uint256(uint32(block.number)) << 224);
        assembly ("memory-safe") {
            sstore(report.slot, packed)
        }
    }

    function _supersede(bytes32 oldId, bytes32 newId, address patient) private {
        if (_reportParties(oldId).patient != patient) revert PatientMismatch(oldId, patient);
        bytes32 by = _supersededBy[oldId];
        if (by != bytes32(0)) revert AlreadySuperseded(oldId, by);
        _supersededBy[oldId] = newId;
        emit ReportSuperseded(oldId, newId);
    }

    function _view(bytes32 reportId, Report memory report) private view returns (ReportView memory) {
        Care storage care = _care(report.careId);
        return ReportView(
            reportId,
            report.sha1Digest,
            care.patient,
            care.doctor,
            report.registeredAt,
            report.blockNumber,
            _supersededBy[reportId]
        );
    }
}
