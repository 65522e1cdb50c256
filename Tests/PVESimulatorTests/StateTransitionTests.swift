import Foundation
import ProxmoxCore
@testable import PVESimulator
import Synchronization
import Testing

/// Lifecycles through both command forms, checking the state each step leaves behind.
@Suite struct StateTransitionTests {
    let store = StateStore()

    @discardableResult
    func run(_ argv: String..., expectStatus: Int32 = 0, environment: [String: String] = [:],
             sourceLocation: SourceLocation = #_sourceLocation) -> CommandOutput {
        let output = SimulatorCLI.run(program: argv[0], arguments: Array(argv.dropFirst()),
                                      environment: environment.merging(["PVE_SIM_CLOCK": "1764100000"]) { $1 }, store: store)
        #expect(output.exitStatus == expectStatus, "\(argv.joined(separator: " ")): \(output.stderrText)", sourceLocation: sourceLocation)
        return output
    }

    func guest(_ vmid: Int) throws -> SimulatedGuest? {
        try store.read { cluster in cluster.guests.first { $0.vmid == vmid } }
    }

    @Test func vmLifecycleWithQm() throws {
        run("qm", "create", "300", "--name", "lab-vm", "--memory", "2048", "--cores", "2", "--scsi0", "local-lvm:16",
            "--ide2", "local:iso/debian-12.8.0-amd64-netinst.iso,media=cdrom", "--net0", "virtio,bridge=vmbr0")
        var vm = try #require(try guest(300))
        #expect(vm.status == "stopped")
        #expect(vm.config["scsi0"] == "local-lvm:vm-300-disk-0,size=16G")
        #expect(vm.config["net0"]?.hasPrefix("virtio=BC:24:11:") == true)
        run("qm", "start", "300")
        #expect(try guest(300)?.status == "running")
        run("qm", "snapshot", "300", "before-change", "--description", "safe point", "--vmstate", "1")
        run("qm", "set", "300", "--memory", "4096", "--delete", "ide2")
        vm = try #require(try guest(300))
        #expect(vm.config["memory"] == "4096" && vm.config["ide2"] == nil)
        run("qm", "stop", "300")
        run("qm", "rollback", "300", "before-change")
        vm = try #require(try guest(300))
        #expect(vm.config["memory"] == "2048" && vm.config["ide2"] != nil)
        #expect(vm.status == "running")  // the snapshot kept RAM state
        run("qm", "destroy", "300", expectStatus: 255)  // running
        run("qm", "stop", "300")
        run("qm", "delsnapshot", "300", "before-change")
        #expect(try guest(300)?.snapshots.isEmpty == true)
        run("qm", "destroy", "300", "--purge", "1")
        #expect(try guest(300) == nil)
        #expect(try store.read { $0.storages.flatMap(\.volumes).contains { $0.vmid == 300 } } == false)
    }

    @Test func containerLifecycleWithPvesh() throws {
        let created = run("pvesh", "create", "/nodes/pve1/lxc", "--vmid", "310", "--ostemplate",
                          "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst", "--hostname", "ct-lab", "--memory", "512",
                          "--rootfs", "local-lvm:8", "--password", "s3cret-pass", "--output-format", "json")
        #expect(created.stdoutText.contains("extracting archive"))
        #expect(try guest(310)?.config["password"] == nil)  // never stored
        run("pvesh", "create", "/nodes/pve1/lxc/310/status/start", "--output-format", "json")
        #expect(try guest(310)?.status == "running")
        run("pvesh", "create", "/nodes/pve1/lxc/310/snapshot", "--snapname", "base", "--output-format", "json")
        run("pvesh", "set", "/nodes/pve1/lxc/310/config", "--memory", "1024")
        #expect(try guest(310)?.config["memory"] == "1024")
        run("pvesh", "create", "/nodes/pve1/lxc/310/snapshot/base/rollback", "--output-format", "json")
        #expect(try guest(310)?.config["memory"] == "512")
        #expect(try guest(310)?.status == "stopped")
        run("pvesh", "create", "/nodes/pve1/lxc/310/clone", "--newid", "311", "--hostname", "ct-copy", "--output-format", "json")
        #expect(try guest(311)?.config["hostname"] == "ct-copy")
        run("pvesh", "delete", "/nodes/pve1/lxc/310/snapshot/base", "--output-format", "json")
        run("pvesh", "delete", "/nodes/pve1/lxc/310", "--output-format", "json")
        #expect(try guest(310) == nil)
        #expect(try guest(311) != nil)
    }

    @Test func pveshReportsTaskFailureWithExitZeroQmWith255() throws {
        let viaPvesh = run("pvesh", "create", "/nodes/pve1/qemu/100/status/start", "--output-format", "json")
        #expect(viaPvesh.stderrText == "VM 100 already running\n")
        #expect(viaPvesh.stdoutText.hasPrefix("\"UPID:pve1:"))
        let viaQm = run("qm", "start", "100", expectStatus: 255)
        #expect(viaQm.stdout.isEmpty)
        #expect(viaQm.stderrText == "VM 100 already running\n")
    }

    @Test func digestGuardsAgainstConcurrentEdits() throws {
        let config = try JSONValue.parse(run("pvesh", "get", "/nodes/pve1/qemu/101/config", "--output-format", "json").stdout)
        let digest = try #require(config["digest"]?.stringValue)
        #expect(digest.count == 40)
        run("qm", "set", "101", "--cores", "6", "--digest", digest)
        let stale = run("qm", "set", "101", "--cores", "8", "--digest", digest, expectStatus: 255)
        #expect(stale.stderrText == "detected modified configuration - file changed by other user? Try again.\n")
        #expect(try guest(101)?.config["cores"] == "6")
    }

    @Test func qmActsOnItsOwnNodeOnly() throws {
        let elsewhere = run("qm", "start", "102", expectStatus: 255)  // 102 lives on pve2
        #expect(elsewhere.stderrText == "Configuration file 'nodes/pve1/qemu-server/102.conf' does not exist\n")
        run("qm", "start", "102", environment: ["PVE_SIM_NODE": "pve2"])
        #expect(try guest(102)?.status == "running")
        let offline = run("pvesh", "get", "/nodes/pve3/lxc", expectStatus: 255)
        #expect(offline.stderrText == "ssh: connect to host 127.0.0.3 port 22: No route to host\n")
        let unknown = run("pvesh", "get", "/nodes/pve9/qemu", expectStatus: 255)
        #expect(unknown.stderrText.hasPrefix("hostname lookup 'pve9' failed"))
    }

    @Test func storageAndNextID() throws {
        let storages = try JSONValue.parse(run("pvesh", "get", "/nodes/pve1/storage", "--output-format", "json").stdout)
        #expect(storages.arrayValue?.compactMap { $0["storage"]?.stringValue } == ["local", "local-lvm", "nas-backup", "pbs-main", "ceph-vm", "tank"])
        let isos = try JSONValue.parse(run("pvesh", "get", "/nodes/pve1/storage/local/content", "--content", "iso", "--output-format", "json").stdout)
        #expect(isos.arrayValue?.compactMap { $0["volid"]?.stringValue } == [
            "local:iso/debian-12.8.0-amd64-netinst.iso", "local:iso/ubuntu-24.04.1-live-server-amd64.iso"])
        let backups = try JSONValue.parse(run("pvesh", "get", "/nodes/pve2/storage/nas-backup/content", "--output-format", "json").stdout)
        #expect(backups.arrayValue?.compactMap { $0["vmid"]?.intValue } == [100, 101])
        #expect(run("pvesh", "get", "/cluster/nextid", "--output-format", "json").stdoutText == "\"105\"\n")
        let missing = run("pvesh", "get", "/nodes/pve1/storage/nope/content", expectStatus: 255)
        #expect(missing.stderrText == "storage 'nope' does not exist\n")
    }

    @Test func faultsOnDemand() throws {
        try store.modify { cluster in
            cluster.faults.failingTasks["qmshutdown:101"] = "VM quit/powerdown failed - got timeout"
            cluster.faults.damagedOutput["pvesh get /cluster/resources"] = "truncated"
            cluster.faults.damagedOutput["pvesh get /nodes"] = "garbage"
            cluster.faults.contendedLocks = [100]
            cluster.faults.hangingCommands = ["qm status 103"]
        }
        let failed = run("qm", "shutdown", "101", expectStatus: 255)
        #expect(failed.stderrText == "VM quit/powerdown failed - got timeout\n")
        #expect(try guest(101)?.status == "running")
        let truncated = run("pvesh", "get", "/cluster/resources", "--output-format", "json")
        #expect(throws: (any Error).self) { try JSONValue.parse(truncated.stdout) }
        #expect(throws: (any Error).self) { try JSONValue.parse(run("pvesh", "get", "/nodes", "--output-format", "json").stdout) }
        let chatter = run("qm", "stop", "100")
        #expect(chatter.stderrText == "trying to acquire lock...\n OK\n")
        #expect(SimulatorCLI.shouldHang(program: "qm", arguments: ["status", "103"], faults: SimulatorCLI.faults(environment: [:], store: store)))
        #expect(!SimulatorCLI.shouldHang(program: "qm", arguments: ["status", "1030"], faults: SimulatorCLI.faults(environment: [:], store: store)))
        // Faults can also come from the environment.
        let empty = run("pvesh", "get", "/cluster/status", expectStatus: 255,
                        environment: ["PVE_SIM_FAULTS": #"{"damagedOutput":{"pvesh get /cluster/status":"empty255"}}"#])
        #expect(empty.stdout.isEmpty && empty.stderr.isEmpty)
    }

    @Test func slowTaskIsRunningMeanwhileAndCanBeStopped() async throws {
        // Long enough that only the stop below can end it: with 6 s, a loaded machine sometimes
        // read the status after the task had already finished on its own (the flake of issue 12).
        try store.modify { cluster in cluster.faults.slowTasks["qmstop:100"] = 120 }
        let store = store
        // The simulated worker blocks its thread while the task runs, as a real pvesh process
        // does: it gets a thread of its own. On Swift's cooperative pool (two threads on a
        // two-core machine, shared with every test running in parallel) it sometimes started only
        // seconds later, and the task was not running when the test looked (the flake of issue 12).
        let finished = Mutex<CommandOutput?>(nil)
        let stopper = Thread {
            let output = SimulatorCLI.run(program: "pvesh", arguments: ["create", "/nodes/pve1/qemu/100/status/stop", "--output-format", "json"],
                                          environment: [:], store: store)
            finished.withLock { $0 = output }
        }
        stopper.start()
        var running: SimulatedTask?
        for _ in 0..<1500 where running == nil {
            try await Task.sleep(for: .milliseconds(20))
            running = try store.read { $0.tasks.first { $0.upid.type == "qmstop" && $0.status == "running" } }
        }
        let task = try #require(running)
        let status = SimulatorCLI.run(program: "pvesh", arguments: ["get", "/nodes/pve1/tasks/\(task.upid)/status", "--output-format", "json"],
                                      environment: [:], store: store)
        #expect(try JSONValue.parse(status.stdout)["status"] == "running")
        // Stop it from outside, as `pvesh delete /nodes/{node}/tasks/{upid}` does.
        let kill = SimulatorCLI.run(program: "pvesh", arguments: ["delete", "/nodes/pve1/tasks/\(task.upid)"], environment: [:], store: store)
        #expect(kill.exitStatus == 0)
        for _ in 0..<1500 where finished.withLock({ $0 }) == nil { try await Task.sleep(for: .milliseconds(20)) }
        let output = try #require(finished.withLock { $0 })
        #expect(output.stderrText == "interrupted by signal\n")
        #expect(try guest(100)?.status == "running")  // the stop never happened
    }
}
