import ProxmoxCore
import Testing
import TestSupport

@Suite struct ErrorClassifierTests {
    let qmStart = Command(["qm", "start", "100"], isReadOnly: false)
    let pvesh = Command(["pvesh", "create", "/nodes/pve1/qemu/100/snapshot"], isReadOnly: false)

    func classify(_ command: Command, fixture: String, status: Int32 = 255) throws -> ProxmoxError {
        let stderr = try Paths.fixtureBytes("samples/" + fixture)
        return ErrorClassifier.classify(command, CommandOutput(stdout: [], stderr: stderr, exitStatus: status))
    }

    @Test func oneLineDie() throws {
        #expect(try classify(qmStart, fixture: "err-qm-start-already-running.stderr.reconstructed.txt")
            == .commandFailed(command: "qm", exitStatus: 255, message: "VM 100 already running"))
        #expect(try classify(qmStart, fixture: "err-config-does-not-exist.stderr.reconstructed.txt", status: 2)
            == .commandFailed(command: "qm", exitStatus: 2,
                              message: "Configuration file 'nodes/pve1/qemu-server/999.conf' does not exist"))
    }

    @Test func reasonsFromMessages() {
        let cases: [(String, FailureReason)] = [
            ("detected modified configuration - file changed by other user? Try again.", .conflict),
            ("VM 100 already running", .alreadyRunning), ("CT 203 is locked (backup)", .locked),
            ("snapshot 'x' does not exist", .snapshotMissing), ("snapshot name 'base' already used", .snapshotNameInUse),
            ("Permission check failed (/vms/100, VM.PowerMgmt)", .permissionDenied), ("something else", .other),
        ]
        for (message, reason) in cases {
            #expect(FailureReason.of(message: message) == reason, "\(message)")
        }
    }

    @Test func lockChatterIsSkipped() throws {
        #expect(try classify(qmStart, fixture: "err-cant-lock-file.stderr.reconstructed.txt")
            == .commandFailed(command: "qm", exitStatus: 255,
                              message: "can't lock file '/var/lock/qemu-server/lock-100.conf' - got timeout"))
    }

    @Test func parameterErrorsKeepFieldsDropUsage() throws {
        #expect(try classify(pvesh, fixture: "err-pvesh-400-param-verification.stderr.reconstructed.txt")
            == .commandFailed(command: "pvesh", exitStatus: 255,
                              message: "400 Parameter verification failed.; snapname: invalid format - invalid configuration ID '1bad'"))
    }

    @Test func usageBlockIsDropped() throws {
        #expect(try classify(qmStart, fixture: "err-qm-unknown-command.stderr.reconstructed.txt")
            == .commandFailed(command: "qm", exitStatus: 255, message: "ERROR: unknown command 'qm frobnicate'"))
    }

    @Test func noHandlerExitsOne() throws {
        #expect(try classify(pvesh, fixture: "err-pvesh-no-handler.stderr.reconstructed.txt", status: 1)
            == .commandFailed(command: "pvesh", exitStatus: 1, message: "No 'get' handler defined for '/nodes/pve1/nosuch'"))
    }

    @Test func missingProgramAndPerlLocations() {
        let missing = CommandOutput(stdout: [], stderr: Array("bash: line 1: pvesh: command not found\n".utf8), exitStatus: 127)
        #expect(ErrorClassifier.classify(pvesh, missing) == .commandNotFound(program: "pvesh"))
        let perl = CommandOutput(stdout: [], stderr: Array("storage 'nope' does not exist at /usr/share/perl5/PVE/Storage.pm line 123.\n".utf8), exitStatus: 255)
        #expect(ErrorClassifier.classify(pvesh, perl)
            == .commandFailed(command: "pvesh", exitStatus: 255, message: "storage 'nope' does not exist"))
        let silent = CommandOutput(stdout: [], stderr: [], exitStatus: 255)
        #expect(ErrorClassifier.classify(pvesh, silent)
            == .commandFailed(command: "pvesh", exitStatus: 255, message: "no error message on stderr"))
    }
}
