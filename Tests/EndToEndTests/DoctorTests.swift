import Foundation
import ProxmoxMCP
import Testing
import TestSupport

/// `doctor` against a real sshd with the simulator behind it: passing, and failing with the right fix.
@Suite struct DoctorTests {
    /// The settings reaching the test host. As a non-root user the host gets a stand-in `sudo` that
    /// runs its command (a NOPASSWD rule), and the configuration turns sudo on.
    func configuration(_ fixture: SSHFixture, _ extra: [String: String] = [:]) throws -> Configuration {
        var environment = fixture.server.serveEnvironment(base: [:]).merging(extra) { $1 }
        if getuid() != 0 {
            let sudo = fixture.server.directory.appendingPathComponent("bin/sudo").path
            try "#!/bin/sh\n[ \"$1\" = -n ] && shift\nexec \"$@\"\n".write(toFile: sudo, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: sudo)
            environment["PROXMOX_SUDO"] = "true"
        }
        let folder = fixture.server.directory.path
        let configuration = Configuration.load(ConfigurationInputs(environment: environment, workingDirectory: folder, home: folder))
        #expect(configuration.problems == [])
        return configuration
    }

    /// `slowShell` is generous by default: on a loaded test machine the shell's start-up time says
    /// nothing; the check's threshold is tested on its own.
    /// The thresholds are far from what a loaded machine's `true` over SSH takes, so the check's outcome is the one asked for.
    func run(_ fixture: SSHFixture, _ extra: [String: String] = [:], slowShell: Duration = .seconds(10)) async throws -> [String: DoctorCheck] {
        let checks = await Doctor.run(try configuration(fixture, extra), environment: [:], slowShell: slowShell, verySlowShell: .seconds(60))
        #expect(checks.map(\.name) == ["settings files", "host reachable", "host key", "authentication", "host guard", "pvesh, qm, pct",
                                       "pveversion", "permissions", "cluster files", "shell start-up"])
        return Dictionary(uniqueKeysWithValues: checks.map { ($0.name, $0) })
    }

    @Test func passesAgainstAWorkingHost() async throws {
        let fixture = try SSHFixture()
        let checks = try await run(fixture)
        // An open key is a warning (docs/setup.md shows how to guard it), and so is a machine without
        // /etc/pve (the simulator behind sshd has none); everything else passes.
        for check in checks.values where !["host guard", "cluster files"].contains(check.name) { #expect(check.status == .pass, "\(check.name): \(check.detail)") }
        #expect(checks["host guard"]?.status == .warn)
        #expect(checks["cluster files"]?.status == .warn)
        #expect(checks["cluster files"]?.detail == "/etc/pve/.vmlist cannot be read: each guest lookup asks pvesh get /cluster/resources (one more Perl start, a few hundred ms)")
        #expect(checks["host reachable"]?.detail == "127.0.0.1:\(fixture.server.port) accepts TCP connections")
        #expect(checks["host key"]?.detail == "matches \(fixture.server.knownHostsPath)")
        #expect(checks["authentication"]?.detail == "logged in as \(fixture.server.user)")
        #expect(checks["pveversion"]?.detail == "pve-manager/9.1.2/9b5b0c7fbf8a8d7e (running kernel: 6.8.12-4-pve)")
        #expect(checks["permissions"]?.detail == (getuid() == 0 ? "logged in as root" : "\(fixture.server.user) runs pvesh through sudo -n"))
        #expect(checks["shell start-up"]?.detail.hasSuffix("ms per command (median of 5)") == true)
    }

    @Test func aSlowShellIsReportedWithTheFix() async throws {
        let fixture = try SSHFixture()
        let checks = try await run(fixture, slowShell: .zero)
        #expect(checks["shell start-up"]?.status == .warn)
        #expect(checks["shell start-up"]?.detail.hasSuffix("ms per command (median of 5), every tool call pays it") == true)
        #expect(checks["shell start-up"]?.fix?.hasPrefix("the login shell does slow work for non-interactive commands") == true)
    }

    @Test func aChangedHostKeyFailsWithHowToCheckIt() async throws {
        let fixture = try SSHFixture()
        let otherKey = try fixture.server.generateKey("impostor_ed25519")
        let fields = try String(contentsOfFile: otherKey + ".pub", encoding: .utf8).split(separator: " ")
        let knownHosts = try fixture.server.writeFile("wrong_known_hosts", "[127.0.0.1]:\(fixture.server.port) \(fields[0]) \(fields[1])\n")
        let checks = try await run(fixture, ["PROXMOX_SSH_KNOWN_HOSTS": knownHosts])
        #expect(checks["host reachable"]?.status == .pass)
        #expect(checks["host key"]?.status == .fail)
        #expect(checks["host key"]?.detail.hasPrefix("HOST KEY MISMATCH for \(fixture.server.user)@127.0.0.1:\(fixture.server.port)") == true)
        #expect(checks["host key"]?.fix == "if the host was reinstalled, check its new key on the console, then `ssh-keygen -R '[127.0.0.1]:\(fixture.server.port)' -f \(knownHosts)` and add the new line; otherwise do not connect")
        for name in ["authentication", "pvesh, qm, pct", "pveversion", "permissions", "cluster files", "shell start-up"] {
            #expect(checks[name]?.status == .skip)
        }
        // An unknown host: the fix says how to check and add the key.
        let empty = try fixture.server.writeFile("empty_known_hosts", "")
        let unknown = try await run(fixture, ["PROXMOX_SSH_KNOWN_HOSTS": empty])
        #expect(unknown["host key"]?.status == .fail)
        #expect(unknown["host key"]?.fix?.hasPrefix("compare the fingerprint with `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub`") == true)
    }

    @Test func aWrongUserFailsAuthenticationWithTheFix() async throws {
        let fixture = try SSHFixture()
        let checks = try await run(fixture, ["PROXMOX_SSH_USER": "no-such-user-42", "PROXMOX_SSH_AGENT": "false"])
        #expect(checks["host key"]?.status == .pass)
        #expect(checks["authentication"]?.status == .fail)
        #expect(checks["authentication"]?.detail.hasPrefix("authentication to no-such-user-42@127.0.0.1:\(fixture.server.port) failed") == true)
        #expect(checks["authentication"]?.fix?.hasPrefix("check sshUser (no-such-user-42), that the public key of sshKeyPath is in that user's ~/.ssh/authorized_keys") == true)
        #expect(checks["pvesh, qm, pct"]?.status == .skip)
    }

    @Test func aMissingPveshFailsWithTheFix() async throws {
        let fixture = try SSHFixture()
        try fixture.server.removeProgram("pvesh")
        let checks = try await run(fixture)
        #expect(checks["authentication"]?.status == .pass)
        #expect(checks["pvesh, qm, pct"]?.status == .fail)
        #expect(checks["pvesh, qm, pct"]?.detail == "missing: pvesh")
        #expect(checks["pvesh, qm, pct"]?.fix?.hasPrefix("point host at a Proxmox VE node") == true)
        #expect(checks["pveversion"]?.status == .pass)
    }

    @Test func anUnreachableHostSkipsTheRest() async throws {
        let fixture = try SSHFixture()
        let checks = try await run(fixture, ["PROXMOX_SSH_PORT": "1"])
        #expect(checks["host reachable"]?.status == .fail)
        #expect(checks["host reachable"]?.fix == "check host, hosts and sshPort, that sshd runs there, and that no firewall blocks the port")
        #expect(checks["host key"]?.status == .skip)
    }

    @Test func commandPrintsConfigurationAndTableAndSetsExitStatus() throws {
        let fixture = try SSHFixture()
        _ = try fixture.server.writeFile("proxmox-config.json", #"{"safeMode": true, "sshPassword": "hunter2-secret"}"#)
        chmod(fixture.server.directory.appendingPathComponent("proxmox-config.json").path, 0o644)
        var environment = fixture.serveEnvironment
        if getuid() != 0 { _ = try configuration(fixture); environment["PROXMOX_SUDO"] = "true" }
        let result = try Subprocess.run(try Paths.binary("mcp-proxmox-admin"), ["doctor", "--ssh-user", fixture.server.user],
                                        environment: environment, workingDirectory: fixture.server.directory.path, check: false)
        let file = fixture.server.directory.appendingPathComponent("proxmox-config.json").path
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("sshUser           \(fixture.server.user)"))
        #expect(result.stdout.contains("flag --ssh-user"))
        #expect(result.stdout.contains("safeMode          true"))
        #expect(result.stdout.contains("\(file): safeMode"))
        #expect(result.stdout.contains("sshPassword       *** (set)"))
        #expect(!result.stdout.contains("hunter2-secret") && !result.stderr.contains("hunter2-secret"))
        #expect(result.stdout.contains("FAIL  settings files  \(file) is readable by group or others"))
        #expect(result.stdout.contains("fix: chmod 600 \(file)"))
        #expect(result.stdout.contains("\n1 check failed"))
        chmod(file, 0o600)
        let passing = try Subprocess.run(try Paths.binary("mcp-proxmox-admin"), ["doctor"], environment: environment,
                                         workingDirectory: fixture.server.directory.path, check: false)
        #expect(passing.status == 0, "\(passing.stdout)")
        #expect(passing.stdout.contains("\nAll checks passed"))
    }
}
