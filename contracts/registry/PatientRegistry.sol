// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {EncryptionKeyRegistry} from "./EncryptionKeyRegistry.sol";
import {HospitalPolicy} from "./HospitalPolicy.sol";

/**
 * @title PatientRegistry
 * @notice Patients and their doctors, managed by receptionists.
 * @dev Nothing personal is stored: a patient is an address, a reference (IPFS CID, binary form)
 * to their encrypted profile, and their encryption key. Each (patient, doctor) pair gets a
 * 32-bit care id at its first assignment, and counts the reports issued in it: reports store the
 * care id and their sequence number within the pair (see {ReportRegistry}), so that a report record
 * fits in one storage slot and grants can be kept as bitmaps (see {AccessGrants}).
 *
 * A patient's record is named by the account it was registered with. When a patient loses their
 * wallet, the reception moves the record to a successor account (see {PatientRecovery}): everything
 * keyed by the record (profile, assignments, reports, grants, guardians) follows in O(1), and the
 * old account is retired for good. Staff and patients always name a patient by their current
 * account; {patientRecordOf} and {patientAccountOf} translate.
 */
abstract contract PatientRegistry is EncryptionKeyRegistry, HospitalPolicy {
    /// @notice A (patient, doctor) relation.
    struct Care {
        address patient;
        address doctor;
    }

    /// @dev Assignment state of one (patient, doctor) pair, one slot; `careId` and `reportCount` stay after unassignment.
    struct Assignment {
        uint32 careId;
        bool active;
        uint24 reportCount;
    }

    /// @dev How an account relates to a patient record: the record it holds if moved to it, and whether it was retired.
    struct Link {
        address record;
        bool retired;
    }

    mapping(address record => bytes) private _profiles;
    mapping(address record => mapping(address doctor => Assignment)) private _assignments;
    mapping(address account => Link) private _links;
    mapping(address record => address) private _holders;
    mapping(uint32 careId => Care) private _cares;
    uint32 private _lastCareId;

    /// @notice Receptionist `by` registered `patient` with encrypted profile `profileCid`.
    event PatientRegistered(address indexed patient, address indexed by, bytes profileCid);
    /// @notice Receptionist `by` pointed `patient`'s profile to `profileCid`.
    event PatientProfileUpdated(address indexed patient, address indexed by, bytes profileCid);
    /// @notice Receptionist `by` assigned `doctor` to `patient`, relation `careId`.
    event DoctorAssigned(address indexed patient, address indexed doctor, address indexed by, uint32 careId);
    /// @notice Receptionist `by` ended `doctor`'s assignment to `patient`.
    event DoctorUnassigned(address indexed patient, address indexed doctor, address indexed by);

    /// @notice `account` is already a patient.
    error AlreadyPatient(address account);
    /// @notice `account` was a patient's account and was replaced by a successor: it holds no record any more.
    error RetiredAccount(address account);
    /// @notice `account` is not a patient.
    error NotPatient(address account);
    /// @notice `account` is not an active doctor.
    error NotDoctor(address account);
    /// @notice A profile reference (CID) is required.
    error EmptyCid();
    /// @notice `doctor` is already assigned to `patient`.
    error AlreadyAssigned(address patient, address doctor);
    /// @notice `doctor` is not assigned to `patient`.
    error NotAssigned(address patient, address doctor);
    /// @notice A doctor cannot be assigned to themselves.
    error SelfAssignment(address account);
    /// @notice `doctor` issued the most reports a (patient, doctor) pair can hold (2^24 - 1) for `patient`.
    error TooManyReports(address patient, address doctor);

    /**
     * @notice Registers `patient`, with their encrypted profile and their encryption key.
     * @dev `signature` is the patient's EIP-712 {EncryptionKey} signature over `encryptionKey`
     * with the patient's next key version ({keyVersionOf} + 1, i.e. 1 for a new account), their
     * current nonce and `deadline`, so the patient needs no ETH.
     * @param patient The patient's wallet.
     * @param profileCid Binary CID of the patient's encrypted profile on IPFS.
     * @param encryptionKey The patient's X25519 public key.
     * @param deadline Last valid UNIX time of the signature.
     * @param signature The patient's 65-byte ECDSA signature binding `encryptionKey` to `patient`.
     */
    function registerPatient(
        address patient,
        bytes calldata profileCid,
        bytes32 encryptionKey,
        uint256 deadline,
        bytes calldata signature
    ) external onlyRole(RECEPTIONIST_ROLE) whenNotPaused {
        _requireNonZero(patient);
        if (hasRole(PATIENT_ROLE, patient)) revert AlreadyPatient(patient);
        if (_links[patient].retired) revert RetiredAccount(patient);
        if (profileCid.length == 0) revert EmptyCid();
        _setKeyWithSignature(patient, encryptionKey, keyVersionOf(patient) + 1, deadline, signature);
        _grantRole(PATIENT_ROLE, patient);
        _profiles[patient] = profileCid;
        emit PatientRegistered(patient, msg.sender, profileCid);
    }

    /**
     * @notice Points `patient`'s encrypted profile to `profileCid`.
     * @param patient A registered patient.
     * @param profileCid Binary CID of the new encrypted profile.
     */
    function updatePatientProfile(
        address patient,
        bytes calldata profileCid
    ) external onlyRole(RECEPTIONIST_ROLE) whenNotPaused {
        _setProfile(patient, profileCid);
    }

    /**
     * @notice Assigns active doctor `doctor` to `patient`.
     * @param patient A registered patient.
     * @param doctor An active doctor, not the patient themselves.
     */
    function assignDoctor(address patient, address doctor) external onlyRole(RECEPTIONIST_ROLE) whenNotPaused {
        address record = _requirePatient(patient);
        if (!hasRole(DOCTOR_ROLE, doctor)) revert NotDoctor(doctor);
        if (patient == doctor) revert SelfAssignment(doctor);
        Assignment storage assignment = _assignments[record][doctor];
        if (assignment.active) revert AlreadyAssigned(patient, doctor);
        uint32 careId = assignment.careId;
        if (careId == 0) {
            careId = ++_lastCareId;
            assignment.careId = careId;
            _cares[careId] = Care(record, doctor);
        }
        assignment.active = true;
        emit DoctorAssigned(patient, doctor, msg.sender, careId);
    }

    /**
     * @notice Ends `doctor`'s assignment to `patient`; reports already issued stay.
     * @param patient The patient.
     * @param doctor A doctor currently assigned to `patient`.
     */
    function unassignDoctor(address patient, address doctor) external onlyRole(RECEPTIONIST_ROLE) whenNotPaused {
        Assignment storage assignment = _assignments[_recordOf(patient)][doctor];
        if (!assignment.active) revert NotAssigned(patient, doctor);
        assignment.active = false;
        emit DoctorUnassigned(patient, doctor, msg.sender);
    }

    /**
     * @notice Binary CID of `patient`'s encrypted profile, empty if not a patient.
     * @param patient Any account.
     * @return The CID bytes.
     */
    function patientProfile(address patient) external view returns (bytes memory) {
        return _profiles[patientRecordOf(patient)];
    }

    /**
     * @notice Whether `doctor` is currently assigned to `patient`.
     * @param patient Any account.
     * @param doctor Any account.
     * @return True while assigned.
     */
    function isAssigned(address patient, address doctor) public view returns (bool) {
        address record = patientRecordOf(patient);
        return record != address(0) && _assignments[record][doctor].active;
    }

    /**
     * @notice The record `account` holds as a patient: the account it was registered with (itself,
     * unless it is a successor), or zero if it holds none (not a patient, or retired).
     * @param account Any account.
     * @return record The record, or zero.
     */
    function patientRecordOf(address account) public view returns (address record) {
        if (!hasRole(PATIENT_ROLE, account)) return address(0);
        record = _links[account].record;
        if (record == address(0)) record = account;
    }

    /**
     * @notice The account that holds patient record `record` now (its latest successor, or itself).
     * @param record A record, named by the account it was registered with.
     * @return The current account (for an unknown record: `record` itself).
     */
    function patientAccountOf(address record) public view returns (address) {
        address holder = _holders[record];
        return holder == address(0) ? record : holder;
    }

    /**
     * @dev For a report `doctor` issues to `patient`: the care id of their active assignment and the
     * report's sequence number within it (0, 1, ...), counted; reverts if not assigned or full.
     */
    function _takeReportSeq(address patient, address doctor) internal returns (uint32 careId, uint24 seq) {
        Assignment storage stored = _assignments[_recordOf(patient)][doctor];
        Assignment memory assignment = stored;
        if (!assignment.active) revert NotAssigned(patient, doctor);
        seq = assignment.reportCount;
        if (seq == type(uint24).max) revert TooManyReports(patient, doctor);
        unchecked {
            stored.reportCount = seq + 1;
        }
        return (assignment.careId, seq);
    }

    function _care(uint32 careId) internal view returns (Care storage) {
        return _cares[careId];
    }

    /**
     * @dev The record `account` names, as staff or the patient name a patient: the account itself
     * or the record it succeeded to; reverts with {RetiredAccount} for a replaced account. One read.
     */
    function _recordOf(address account) internal view returns (address) {
        Link memory link = _links[account];
        if (link.retired) revert RetiredAccount(account);
        return link.record == address(0) ? account : link.record;
    }

    /// @dev The record of `account`, which must hold one now ({NotPatient} otherwise).
    function _requirePatient(address account) internal view returns (address) {
        address record = patientRecordOf(account);
        if (record == address(0)) revert NotPatient(account);
        return record;
    }

    /// @dev Points `patient`'s record's encrypted profile to `profileCid`.
    function _setProfile(address patient, bytes calldata profileCid) internal {
        address record = _requirePatient(patient);
        if (profileCid.length == 0) revert EmptyCid();
        _profiles[record] = profileCid;
        emit PatientProfileUpdated(patient, msg.sender, profileCid);
    }

    /**
     * @dev Moves the record held by `patient` to `successor`: the successor becomes the patient
     * (role and link), `patient` is retired and loses the role. Returns the record.
     */
    function _moveRecord(address patient, address successor) internal returns (address record) {
        record = _requirePatient(patient);
        if (hasRole(PATIENT_ROLE, successor)) revert AlreadyPatient(successor);
        Link storage successorLink = _links[successor];
        if (successorLink.retired) revert RetiredAccount(successor);
        _links[patient].retired = true;
        successorLink.record = record;
        _holders[record] = successor;
        _revokeRole(PATIENT_ROLE, patient);
        _grantRole(PATIENT_ROLE, successor);
    }
}
