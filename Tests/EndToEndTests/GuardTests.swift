import Foundation
import MCP
import ProxmoxCore
import ProxmoxMCP
import Testing
import TestSupport

/// The host-side guard's decisions, in-process: every command a tool builds passes, every hostile
/// line is refused, and the host policy narrows what passes.
@Suite struct GuardTests {
    static let hostGuard = HostGuard()
    /// What the sweep's host allows: the programs of the sweep inside guests, and raw API writes.
    static let open = GuardPolicy(exec: ["df", "uptime", "systemctl"], apiWrites: true)

    /// Golden lines carry `<redacted>` for secrets; the real commands carry values.
    static func unredacted(_ line: String) -> String {
        line.replacingOccurrences(of: "--sshkeys '<redacted>'", with: "--sshkeys ssh-ed25519%20AAAAC3NzaC1lZDI1NTE5AAAAIHc%20k")
            .replacingOccurrences(of: "'<redacted>'", with: "redacted-secret-1")
    }

    @Test func everyGoldenCommandLinePasses() throws {
        var refused: [String] = []
        for row in Golden.rows {
            for line in Set(row.cli + row.api) {
                for prefix in ["", "timeout -k 5 60 ", "timeout -k 5 300 sudo -n "] {
                    do { _ = try Self.hostGuard.check(prefix + Self.unredacted(line), policy: Self.open) } catch {
                        refused.append(String("\(line.prefix(90)): \(error)".prefix(260)))
                    }
                }
            }
        }
        #expect(refused.isEmpty, "\(refused.count) refused:\n\(Set(refused).sorted().prefix(12).joined(separator: "\n"))")
    }

    /// Lines an attacker with the key would try; none runs under the default policy.
    static let hostile: [String] = [
        "bash -c id", "sh -c 'touch /tmp/guard-canary'", "id", "true", "cat /etc/shadow", "cat /etc/pve/priv/authkey.key",
        "qm guest exec 100 -- id", "qm guest exec 100 --timeout 30 -- rm -rf /", "pct exec 200 -- id", "pct enter 200", "qm terminal 100",
        "pvesh create /access/users --userid evil@pve --password x12345 --output-format json",
        "pvesh set /access/acl --path / --roles Administrator --users evil@pve --output-format json",
        "pvesh create /access/users/evil@pve/token/t --output-format json",
        "pvesh get /nodes/../access/users --output-format json", "pvesh get /nodes/pve1/../../access --output-format json",
        "pvesh get /nodes --output-format json;id", "pvesh get /nodes --output-format 'json;id'", "pvesh get /nodes --output-format json-pretty",
        "pvesh get /nodes --output-format json && id", "pvesh get /nodes --output-format json | sh", "pvesh get /nodes --output-format json > /etc/passwd",
        "pvesh get /nodes --output-format json `id`", "pvesh get /nodes --output-format json $(id)", "pvesh get /nodes\n--output-format json",
        "pvesh get /nodes --output-format json\nid", "pvesh  get /nodes --output-format json", "pvesh get /nodes --output-format json ",
        "qm set 100 --memory 4096; reboot", "qm config 100 --current 1 --snapshot x --bogus 1", "qm config 100 extra",
        "qm start 100 --skiplock 1 --", "qm destroy 100 --purge 1 --destroy-unreferenced-disks 1 --skiplock=1 --force",
        "timeout -k 5 60 bash -c id", "timeout 60 pvesh get /nodes --output-format json", "timeout -k 5 60 sudo bash",
        "sudo -n bash -c id", "sudo pvesh get /nodes --output-format json", "sudo -n -u root pvesh get /nodes --output-format json",
        "vzdump 100 --script /tmp/evil.sh", "qmrestore /etc/passwd 150", "pct push 200 /etc/shadow /tmp/x", "qm importdisk 100 /etc/shadow local",
        "pvesh get /nodes --output-format json --noproxy 1", "'pvesh' get /nodes --output-format json'", "pvesh get '/nodes --output-format json",
        "pvesh create /nodes/pve1/execute --commands '[]' --output-format json", "pvesh create /nodes/pve1/termproxy --output-format json",
        "pvesh create /nodes/pve1/qemu/100/agent/exec --command id --output-format json",
        "pvesh create /nodes/pve1/qemu/100/agent/file-write --file /etc/shadow --content x --output-format json",
    ].map { $0.replacingOccurrences(of: "\\n", with: "\n") }

    @Test func hostileLinesAreRefused() {
        var ran: [String] = []
        for line in Self.hostile {
            if let command = try? Self.hostGuard.check(line, policy: GuardPolicy()) { ran.append("\(line) → \(command.argv)") }
        }
        #expect(ran == [])
    }

    /// Each golden line with a shell fragment glued on, or appended: every one refused.
    @Test func goldenLinesWithShellFragmentsAreRefused() {
        let bases = ["pvesh get /nodes --output-format json", "qm config 100", "qm start 100", "pct listsnapshot 203",
                     "timeout -k 5 60 pvesh get /cluster/resources --type vm --output-format json", "qm migrate 100 pve2 --online 1"]
        var ran: [String] = []
        for base in bases {
            #expect((try? Self.hostGuard.check(base, policy: GuardPolicy())) != nil, "\(base) is allowed")
            for fragment in ReliabilityInjectionTests.fragments where !["a", "b", "x1", "web", "-", ":", ","].contains(fragment) {
                for line in [base + fragment, base + " " + fragment, base + " " + ShellQuoting.quote(fragment)] {
                    if (try? Self.hostGuard.check(line, policy: GuardPolicy())) != nil { ran.append(line) }
                }
            }
            for number in 0..<200 {
                let injected = ReliabilityInjectionTests.string(number, canary: "/tmp/guard-canary")
                if (try? Self.hostGuard.check(base + " " + injected, policy: GuardPolicy())) != nil { ran.append(base + " " + injected) }
            }
        }
        #expect(ran == [], "\(ran.prefix(5))")
    }

    @Test func theSplitIsTheExactInverseOfTheQuoting() throws {
        for number in 0..<2000 {
            let argv = (0..<(1 + number % 5)).map { ReliabilityInjectionTests.string(number &* 31 &+ $0, canary: "c") }.filter { !$0.contains("\0") }
            guard !argv.isEmpty else { continue }
            #expect(try GuardLine.argv(ShellQuoting.commandLine(argv)) == argv)
        }
        #expect(throws: GuardRefusal.self) { try GuardLine.argv("a 'b") }
        #expect(throws: GuardRefusal.self) { try GuardLine.argv("a \"b\"") }
        #expect(throws: GuardRefusal.self) { try GuardLine.argv("a\\ b") }
        #expect(throws: GuardRefusal.self) { try GuardLine.argv("") }
    }

    @Test func theHostPolicyNarrowsWhatRuns() throws {
        func verdict(_ line: String, _ policy: GuardPolicy) -> String {
            do { _ = try Self.hostGuard.check(line, policy: policy); return "ran" } catch { return error.reason }
        }
        let readOnly = GuardPolicy(readOnly: true)
        #expect(verdict("pvesh get /cluster/resources --type vm --output-format json", readOnly) == "ran")
        #expect(verdict("qm config 100", readOnly) == "ran")
        #expect(verdict("qm start 100", readOnly) == "the host policy allows this key only commands that change nothing")
        #expect(verdict("pvesh create /nodes/pve1/qemu/100/status/start --output-format json", readOnly) == "the host policy allows this key only commands that change nothing")
        let lab = GuardPolicy(vmids: ["100-199"])
        #expect(verdict("qm start 150", lab) == "ran")
        #expect(verdict("qm start 200", lab) == "guest 200 is outside the guests the host policy allows (100-199)")
        #expect(verdict("qm clone 100 310 --name x --full 1", lab) == "guest 310 is outside the guests the host policy allows (100-199)")
        #expect(verdict("vzdump 100 201 --storage nas --mode snapshot", lab) == "guest 201 is outside the guests the host policy allows (100-199)")
        // Pools, as the cluster's user.cfg lists them.
        let userConfig = FileManager.default.temporaryDirectory.appendingPathComponent("user-\(UUID().uuidString).cfg").path
        defer { try? FileManager.default.removeItem(atPath: userConfig) }
        try "user:root@pam:1:0:::root@example.invalid:::\n\npool:lab:Lab machines:200,201,9000:local-lvm:\npool:prod:Production:100,101::\n"
            .write(toFile: userConfig, atomically: true, encoding: .utf8)
        let pooled = GuardPolicy(vmids: ["150"], pools: ["lab"], userConfig: userConfig)
        #expect(verdict("pct start 201", pooled) == "ran")
        #expect(verdict("qm start 150", pooled) == "ran")
        #expect(verdict("qm start 100", pooled) == "guest 100 is outside the guests the host policy allows (150, pool lab)")
        #expect(verdict("pvesh get /cluster/resources --type vm --output-format json", pooled) == "ran", "a read naming no guest")
        let careful = GuardPolicy(forbid: ["delete", "restore", "migrate"])
        #expect(verdict("qm destroy 100 --purge 1", careful) == "the host policy forbids delete for this key")
        #expect(verdict("pvesh delete /nodes/pve1/qemu/100/snapshot/s1 --output-format json", careful) == "the host policy forbids delete for this key")
        #expect(verdict("qm rollback 100 s1", careful) == "the host policy forbids restore for this key")
        #expect(verdict("qmrestore nas:backup/vzdump-qemu-100.vma.zst 150 --storage local-lvm", careful) == "the host policy forbids restore for this key")
        #expect(verdict("qm migrate 100 pve2 --online 1", careful) == "the host policy forbids migrate for this key")
        #expect(verdict("qm snapshot 100 s2", careful) == "ran")
        let exec = GuardPolicy(exec: ["df"])
        #expect(verdict("pct exec 200 -- df -h", exec) == "ran")
        #expect(verdict("pct exec 200 -- id", exec) == "id is not among the programs the host policy allows inside guests (df)")
        #expect(verdict("qm guest exec 100 --timeout 30 -- df", exec) == "ran")
        #expect(verdict("pvesh create /nodes/pve1/qemu/100/agent/exec --command df --output-format json", exec) == "ran")
        #expect(verdict("pvesh create /nodes/pve1/qemu/100/agent/exec --command id --output-format json", exec)
            == "id is not among the programs the host policy allows inside guests (df)")
        #expect(verdict("pct exec 200 -- df", GuardPolicy()) == "the host policy allows no program inside guests (exec)")
        let writes = GuardPolicy(apiWrites: true)
        #expect(verdict("pvesh create /access/users --userid evil@pve --output-format json", GuardPolicy()) == "raw API writes are off for this key (apiWrites in the host policy)")
        #expect(verdict("pvesh create /access/users --userid evil@pve --output-format json", writes) == "ran")
        #expect(verdict("pvesh create /access/users --userid 'evil; id' --output-format json", writes).contains("userid"))
        #expect(verdict("vzdump 100 --storage nas --script /tmp/x.sh", GuardPolicy()) == "--script makes the host run a script, which is off for this key (hostScripts in the host policy)")
        #expect(verdict("qm set 100 --hookscript local:snippets/hook.pl", GuardPolicy(hostScripts: true)) == "ran")
    }

    @Test func aBadPolicyFileRefusesEverything() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("guard-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("guard.json").path
        #expect(try GuardPolicy.load(path) == GuardPolicy())
        try "{\"readOnly\": tru".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: GuardRefusal("the host policy \(path) is not valid JSON of the guard's keys")) { try GuardPolicy.load(path) }
        try "{\"forbid\": [\"everything\"]}".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: GuardRefusal.self) { try GuardPolicy.load(path) }
        try "{\"vmids\": [\"100-50\"]}".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: GuardRefusal.self) { try GuardPolicy.load(path) }
        try "{\"readOnly\": true, \"vmids\": [\"100-199\", \"205\"], \"exec\": [\"df\"]}".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try GuardPolicy.load(path) == GuardPolicy(readOnly: true, vmids: ["100-199", "205"], exec: ["df"]))
    }

    /// Every operation type of Operations/ has a sample, so none escapes the derivation.
    @Test func everyOperationHasASample() throws {
        let folder = Paths.packageRoot.appendingPathComponent("Sources/ProxmoxCore/Operations")
        var declared = Set<String>()
        for file in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            for match in text.matches(of: /struct (\w+): (ReadOperation|ChangeOperation)/) { declared.insert(String(match.output.1)) }
        }
        let sampled = Set(OperationSamples.all.map { String(describing: type(of: $0)) })
        #expect(declared.subtracting(sampled).sorted() == ["APICall", "APIGet"], "raw API access is the only one without a sample")
        #expect(CommandShapes().shapes.count >= 40)
    }
}
